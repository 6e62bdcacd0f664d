"""scripts/audit_suppression.py end to end: real sesv2/sts/s3 clients under botocore Stubber (every
request validated against the service model), evidence from a moto DynamoDB table built from schema.py."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber
from moto import mock_aws

import audit_suppression as cli
from fake_clock import FakeClock
from sesmail.aws.calls import client_config
from sesmail.cli.exits import EXIT_CODES_HELP
from sesmail.suppression.api import AwsClients
from sesmail.suppression.removal import RELIST_SKEW
from suppression_fixtures import create_event_table, put_bounce, put_hard_bounce, put_soft_bounce

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
OPERATOR_ARN = "arn:aws:sts::123456789012:assumed-role/ses-operator/alice"
TABLE = "ses-events"


@dataclass
class Harness:
    """Real clients with Stubbers, a moto event table, and a Runtime wired to them."""

    dynamodb: Any
    sesv2: Any = field(init=False)
    sts: Any = field(init=False)
    s3: Any = field(init=False)
    clock: FakeClock = field(default_factory=FakeClock)
    stdout: io.StringIO = field(default_factory=io.StringIO)
    stderr: io.StringIO = field(default_factory=io.StringIO)
    tty: bool = False
    answers: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        session = boto3.session.Session(region_name="us-east-1")
        self.sesv2 = Stubber(session.client("sesv2", config=client_config()))
        self.sts = Stubber(session.client("sts", config=client_config()))
        self.s3 = Stubber(session.client("s3", config=client_config()))
        create_event_table(self.dynamodb, TABLE)

    def runtime(self) -> cli.Runtime:
        clients = AwsClients(self.sesv2.client, self.sts.client, self.s3.client)
        return cli.Runtime(
            clients=lambda region: clients,
            now=lambda: NOW,
            monotonic=self.clock,
            sleep=self.clock.sleep,
            stdin_is_tty=lambda: self.tty,
            ask=lambda prompt: self.answers.pop(0),
            stdout=self.stdout,
            stderr=self.stderr,
        )

    def run(self, *argv: str) -> int:
        with self.sesv2, self.sts, self.s3:
            code = cli.main([*argv, "--table", TABLE] if "--help" not in argv else list(argv), self.runtime())
            self.sesv2.assert_no_pending_responses()
            self.sts.assert_no_pending_responses()
            self.s3.assert_no_pending_responses()
        return code

    def apply(self, tmp_path: Path, *argv: str, yes: bool = True) -> tuple[int, list[dict[str, Any]]]:
        """Run with --apply (and --yes), report to a file; return the exit code and the audit records."""
        audit_log = tmp_path / "audit.jsonl"
        flags = ["--apply", *(["--yes"] if yes else []), "--audit-log", str(audit_log)]
        code = self.run(*argv, *flags, "--output", str(tmp_path / "report.txt"))
        lines = audit_log.read_text().splitlines() if audit_log.exists() else []
        return code, [json.loads(line) for line in lines]

    def identity(self) -> None:
        self.sts.add_response("get_caller_identity", {"Arn": OPERATOR_ARN}, {})

    def current(self, address: str, reason: str | None, listed_at: datetime | None = None) -> None:
        """The GetSuppressedDestination re-read just before removal; ``reason`` None: no longer listed."""
        if reason is None:
            self.sesv2.add_client_error(
                "get_suppressed_destination",
                service_error_code="NotFoundException",
                http_status_code=404,
                expected_params={"EmailAddress": address},
            )
            return
        entry = {"EmailAddress": address, "Reason": reason, "LastUpdateTime": listed_at}
        self.sesv2.add_response(
            "get_suppressed_destination", {"SuppressedDestination": entry}, {"EmailAddress": address}
        )

    def add_page(
        self,
        entries: list[tuple[str, str, datetime]],
        token_in: str | None,
        token_out: str | None,
        **filters: Any,
    ) -> None:
        response: dict[str, Any] = {
            "SuppressedDestinationSummaries": [
                {"EmailAddress": address, "Reason": reason, "LastUpdateTime": listed_at}
                for address, reason, listed_at in entries
            ]
        }
        if token_out:
            response["NextToken"] = token_out
        expected = {"PageSize": filters.pop("PageSize", 1000), **filters}
        if token_in:
            expected["NextToken"] = token_in
        self.sesv2.add_response("list_suppressed_destinations", response, expected)


@pytest.fixture
def harness() -> Iterator[Harness]:
    with mock_aws():
        yield Harness(boto3.client("dynamodb", region_name="us-east-1"))


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def two_page_list(h: Harness) -> None:
    """Page 1: a hard bounce and a soft bounce with evidence; page 2: a complaint, a stale entry, and one
    with no evidence."""
    put_hard_bounce(h.dynamodb, TABLE, "hard@example.com", "2026-11-18T10:00:00.000Z", "m-hard")
    put_soft_bounce(
        h.dynamodb,
        TABLE,
        "soft@example.com",
        "2026-11-20T10:00:00.000Z",
        "m-soft",
        status_code="4.2.2",
        diagnostic_code="smtp; 452 4.2.2 mailbox full",
    )
    h.add_page(
        [("hard@example.com", "BOUNCE", days_ago(10)), ("soft@example.com", "BOUNCE", days_ago(8))],
        None,
        "token-2",
    )
    h.add_page(
        [
            ("angry@example.com", "COMPLAINT", days_ago(3)),
            ("old@example.com", "BOUNCE", days_ago(400)),
            ("manual@example.com", "BOUNCE", days_ago(20)),
        ],
        "token-2",
        None,
    )


# --- listing and report ------------------------------------------------------------------------------


def test_multi_page_listing_is_classified_with_evidence_in_a_table(harness: Harness) -> None:
    # GIVEN a two-page suppression list and stored events for two of its addresses
    two_page_list(harness)
    # WHEN the audit runs with the default table format
    code = harness.run()
    # THEN every address is reported once, in list order, with its class and evidence
    out = harness.stdout.getvalue()
    assert code == 0, harness.stderr.getvalue()
    assert "Status: COMPLETE" in out
    rows = [line for line in out.splitlines() if re.match(r"^\S+@example\.com ", line)]
    assert [row.split()[0] for row in rows] == [
        "hard@example.com",
        "soft@example.com",
        "angry@example.com",
        "old@example.com",
        "manual@example.com",
    ]
    classes = {row.split()[0]: row.split()[4] for row in rows}
    assert classes == {
        "hard@example.com": "hard-bounce",
        "soft@example.com": "soft-bounce",
        "angry@example.com": "complaint",
        "old@example.com": "stale",
        "manual@example.com": "no-evidence",
    }
    assert "Bounce Transient/MailboxFull" in out
    assert "smtp; 452 4.2.2 mailbox full" in out
    # AND the summary (by class and reason, with age buckets) comes before the rows
    summary_start = out.index("Summary by class and reason")
    assert summary_start < out.index("hard@example.com")
    assert re.search(r"^stale\s+BOUNCE\s+0\s+0\s+0\s+0\s+0\s+1\s+1$", out, flags=re.M)
    assert re.search(r"^all\s+5$", out, flags=re.M)


def test_filters_are_sent_to_the_api(harness: Harness) -> None:
    # GIVEN filters on reason and dates WHEN listing THEN the request carries them (validated by the model)
    harness.add_page(
        [],
        None,
        None,
        Reasons=["COMPLAINT"],
        StartDate=datetime(2026, 1, 1, tzinfo=UTC),
        EndDate=NOW - timedelta(days=30),
        PageSize=50,
    )
    code = harness.run(
        "--reason", "complaint", "--since", "2026-01-01", "--until", "30d", "--page-size", "50"
    )
    assert code == 0, harness.stderr.getvalue()


def test_throttling_then_success_backs_off_and_completes(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    # GIVEN the second page is throttled twice before it is served
    harness.add_page([("a@example.com", "BOUNCE", days_ago(1))], None, "t2")
    for _ in range(2):
        harness.sesv2.add_client_error(
            "list_suppressed_destinations",
            service_error_code="TooManyRequestsException",
            service_message="Too many requests",
            http_status_code=429,
            expected_params={"PageSize": 1000, "NextToken": "t2"},
        )
    harness.add_page([("b@example.com", "BOUNCE", days_ago(1))], "t2", None)
    # WHEN the audit runs
    code = harness.run("--format", "json")
    # THEN it completes with both entries, after two backoff sleeps plus 1 req/s pacing
    assert code == 0, harness.stderr.getvalue()
    report = json.loads(harness.stdout.getvalue())
    assert report["complete"] is True
    assert [row["address"] for row in report["rows"]] == ["a@example.com", "b@example.com"]
    assert (
        round(sum(harness.clock.sleeps), 6) >= 3.0
    )  # four requests at 1/s: at least three seconds of pacing
    assert "list_suppressed_destinations: TooManyRequestsException (attempt 1/6)" in caplog.text


def test_json_and_csv_formats(harness: Harness, tmp_path: Path) -> None:
    two_page_list(harness)
    output = tmp_path / "report.csv"
    assert harness.run("--format", "csv", "--output", str(output)) == 0
    rows = list(csv.DictReader(output.open()))
    assert [row["class"] for row in rows] == [
        "hard-bounce",
        "soft-bounce",
        "complaint",
        "stale",
        "no-evidence",
    ]
    assert rows[0]["message_id"] == "m-hard"
    # the summary goes to stderr for csv (the file stays pure csv)
    assert "Summary" not in output.read_text()
    assert re.search(r"^all\s+5$", harness.stderr.getvalue(), flags=re.M)


def test_api_failure_writes_the_partial_report_and_exits_1(harness: Harness, tmp_path: Path) -> None:
    # GIVEN the second page fails with a non-retryable error
    put_hard_bounce(harness.dynamodb, TABLE, "hard@example.com", "2026-11-18T10:00:00.000Z", "m-hard")
    harness.add_page([("hard@example.com", "BOUNCE", days_ago(10))], None, "t2")
    harness.sesv2.add_client_error(
        "list_suppressed_destinations",
        service_error_code="AccessDeniedException",
        service_message="not allowed",
        http_status_code=403,
    )
    output = tmp_path / "report.json"
    # WHEN the audit runs into --output
    code = harness.run("--format", "json", "--output", str(output), "--remove", "hard-bounce")
    # THEN exit 1, the file holds the page-1 rows marked incomplete, stderr has the error and summary
    assert code == 1
    report = json.loads(output.read_text())
    assert report["complete"] is False
    assert "AccessDeniedException" in report["error"]
    assert [row["address"] for row in report["rows"]] == ["hard@example.com"]
    err = harness.stderr.getvalue()
    assert "error: list_suppressed_destinations failed: AccessDeniedException" in err
    assert "nothing was removed" in err
    assert re.search(r"^all\s+1$", err, flags=re.M)
    assert "would remove" not in harness.stdout.getvalue()
    assert list(tmp_path.iterdir()) == [output]  # no temp file left behind


def test_a_bounce_after_the_listing_does_not_make_a_hard_bounce_removable(harness: Harness) -> None:
    # GIVEN an address listed 10 days ago for a hard bounce, and a transient bounce stored 2 days ago
    put_hard_bounce(harness.dynamodb, TABLE, "hard@example.com", "2026-11-18T11:59:00.000Z", "m-hard")
    put_soft_bounce(harness.dynamodb, TABLE, "hard@example.com", "2026-11-26T10:00:00.000Z", "m-later")
    harness.add_page([("hard@example.com", "BOUNCE", days_ago(10))], None, None)
    # WHEN soft bounces are selected for removal
    code = harness.run("--format", "json", "--remove", "soft-bounce")
    # THEN the entry is classified by the bounce that listed it, and nothing would be removed
    assert code == 0, harness.stderr.getvalue()
    out = harness.stdout.getvalue()
    report, _end = json.JSONDecoder().raw_decode(out)
    assert [(row["class"], row["message_id"]) for row in report["rows"]] == [("hard-bounce", "m-hard")]
    assert "would remove" not in out
    assert "dry run: 0 entries would be removed" in out


# --- removal -----------------------------------------------------------------------------------------


def test_dry_run_prints_would_remove_and_calls_nothing(harness: Harness, tmp_path: Path) -> None:
    # GIVEN the two-page list; no delete is stubbed, so any removal call would fail the test
    two_page_list(harness)
    audit_log = tmp_path / "audit.jsonl"
    code = harness.run(
        "--remove", "soft-bounce,stale", "--output", str(tmp_path / "r.txt"), "--audit-log", str(audit_log)
    )
    assert code == 0, harness.stderr.getvalue()
    assert harness.stdout.getvalue().splitlines() == [
        "would remove soft@example.com (soft-bounce)",
        "would remove old@example.com (stale)",
        "dry run: 2 entries would be removed; add --apply to remove",
    ]
    assert not audit_log.exists()


def test_apply_removes_paced_and_writes_one_audit_record_per_removal(
    harness: Harness, tmp_path: Path
) -> None:
    # GIVEN the two-page list, the operator identity; each entry is re-read before its removal: the
    # first is unchanged and is deleted, the second is already gone (so no delete is sent for it)
    two_page_list(harness)
    harness.identity()
    harness.current("soft@example.com", "BOUNCE", days_ago(8))
    harness.sesv2.add_response("delete_suppressed_destination", {}, {"EmailAddress": "soft@example.com"})
    harness.current("old@example.com", None)
    # WHEN applying with --yes
    code, records = harness.apply(tmp_path, "--remove", "soft-bounce,stale")
    # THEN both were handled, each request on its own 1 s slot, and each has an audit record
    assert code == 0, harness.stderr.getvalue()
    out = harness.stdout.getvalue()
    assert "removed soft@example.com (soft-bounce)" in out
    assert "not-found old@example.com (stale)" in out
    assert "1 removed, 1 not found, 0 skipped (changed since classification)" in out
    assert round(sum(harness.clock.sleeps), 6) >= 4.0  # 2 list pages + 2 re-reads + 1 delete at 1 request/s
    assert [(r["address"], r["class"], r["result"]) for r in records] == [
        ("soft@example.com", "soft-bounce", "removed"),
        ("old@example.com", "stale", "not-found"),
    ]
    first = records[0]
    assert first["operator"] == OPERATOR_ARN
    assert first["time"] == "2026-11-28T12:00:00Z"
    assert first["action"] == "DeleteSuppressedDestination"
    assert first["evidence"]["bounce_subtype"] == "MailboxFull"
    assert first["evidence"]["message_id"] == "m-soft"
    assert records[1]["evidence"] is None
    assert records[0]["run_id"] == records[1]["run_id"]


@pytest.mark.parametrize(
    ("reason", "listed_at", "why"),
    [
        # re-listed for a complaint: never removed as a soft bounce (complaints need --include-complaints)
        (
            "COMPLAINT",
            days_ago(1),
            "reason BOUNCE -> COMPLAINT; listed_at 2026-11-20T12:00:00Z -> 2026-11-27T12:00:00Z",
        ),
        # re-listed for a new bounce: the evidence the class was based on is no longer the listing's cause
        ("BOUNCE", days_ago(1), "listed_at 2026-11-20T12:00:00Z -> 2026-11-27T12:00:00Z"),
    ],
)
def test_apply_skips_an_entry_that_changed_since_classification(
    harness: Harness, tmp_path: Path, reason: str, listed_at: datetime, why: str
) -> None:
    # GIVEN soft@ classified soft-bounce, then re-listed before its turn came; old@ unchanged
    two_page_list(harness)
    harness.identity()
    harness.current("soft@example.com", reason, listed_at)
    harness.current("old@example.com", "BOUNCE", days_ago(400))
    harness.sesv2.add_response("delete_suppressed_destination", {}, {"EmailAddress": "old@example.com"})
    # WHEN applying
    code, records = harness.apply(tmp_path, "--remove", "soft-bounce,stale")
    # THEN soft@ is not deleted (no delete stubbed for it), but reported, counted and audited with why
    assert code == 0, harness.stderr.getvalue()
    out = harness.stdout.getvalue()
    assert f"skipped soft@example.com (soft-bounce): changed since classification: {why}" in out
    assert "removed old@example.com (stale)" in out
    assert "1 removed, 0 not found, 1 skipped (changed since classification)" in out
    assert [(r["address"], r["result"]) for r in records] == [
        ("soft@example.com", "skipped"),
        ("old@example.com", "removed"),
    ]
    assert records[0]["action"] == "GetSuppressedDestination"
    assert records[0]["skip_reason"] == f"changed since classification: {why}"
    assert records[0]["current_reason"] == reason


def test_apply_stops_on_a_failed_removal_and_records_it(
    harness: Harness, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    two_page_list(harness)
    harness.identity()
    harness.current("soft@example.com", "BOUNCE", days_ago(8))
    harness.sesv2.add_client_error(
        "delete_suppressed_destination",
        service_error_code="AccessDeniedException",
        http_status_code=403,
        expected_params={"EmailAddress": "soft@example.com"},
    )
    code, records = harness.apply(tmp_path, "--remove", "soft-bounce,stale")
    assert code == 1
    assert [(r["address"], r["result"]) for r in records] == [("soft@example.com", "failed")]
    assert "AccessDeniedException" in records[0]["error"]
    # the log line masks the address
    assert "removal failed for s***@example.com: AccessDeniedException" in caplog.text
    assert "soft@example.com" not in caplog.text


def test_apply_without_yes_and_without_tty_refuses_before_any_call(harness: Harness) -> None:
    # GIVEN nothing stubbed: any AWS call would fail the test
    code = harness.run("--remove", "soft-bounce", "--apply")
    assert code == 2
    assert harness.stderr.getvalue() == (
        "error: refusing to remove without confirmation: stdin is not a terminal; pass --yes\n"
    )


def test_apply_declined_at_the_prompt_removes_nothing(harness: Harness, tmp_path: Path) -> None:
    two_page_list(harness)
    harness.tty = True
    harness.answers = ["no"]
    code, records = harness.apply(tmp_path, "--remove", "soft-bounce", yes=False)
    assert code == 4  # declined: 2 before the exit codes were unified
    assert "not confirmed: nothing removed" in harness.stderr.getvalue()
    assert records == []


def test_apply_confirmed_at_the_prompt(harness: Harness, tmp_path: Path) -> None:
    two_page_list(harness)
    harness.tty = True
    harness.answers = ["yes"]
    harness.identity()
    harness.current("soft@example.com", "BOUNCE", days_ago(8))
    harness.sesv2.add_response("delete_suppressed_destination", {}, {"EmailAddress": "soft@example.com"})
    code, records = harness.apply(tmp_path, "--remove", "soft-bounce", yes=False)
    assert code == 0, harness.stderr.getvalue()
    assert [r["result"] for r in records] == ["removed"]
    assert "removed soft@example.com (soft-bounce)" in harness.stdout.getvalue()


def test_complaints_are_refused_without_include_complaints(harness: Harness) -> None:
    code = harness.run("--remove", "complaint,soft-bounce")
    assert code == 2
    assert "refusing to remove class 'complaint' without --include-complaints" in harness.stderr.getvalue()


def test_complaints_can_be_removed_with_include_complaints(harness: Harness, tmp_path: Path) -> None:
    two_page_list(harness)
    code = harness.run("--remove", "complaint", "--include-complaints", "--output", str(tmp_path / "r.txt"))
    assert code == 0
    assert "would remove angry@example.com (complaint)" in harness.stdout.getvalue()


COMMA_ADDRESS = '"smith,j"@example.com'  # a quoted local part may hold a comma (RFC 5321)


@pytest.mark.parametrize("relisted", [False, True])
def test_bulk_removal_uses_an_import_job_and_audits_each_address(
    harness: Harness, tmp_path: Path, relisted: bool
) -> None:
    # GIVEN two soft bounces (one with a comma in its quoted local part), a bulk threshold of 1 and a
    # bulk S3 location; when ``relisted``, s2 was re-listed for a complaint after classification
    put_bounce(
        harness.dynamodb,
        TABLE,
        COMMA_ADDRESS,
        "2026-11-20T10:00:00.000Z",
        "m1",
        "General",
        bounce_type="Transient",
    )
    put_bounce(
        harness.dynamodb,
        TABLE,
        "s2@example.com",
        "2026-11-20T10:00:00.000Z",
        "m2",
        "Undetermined",
        bounce_type="Undetermined",
    )
    harness.add_page(
        [(COMMA_ADDRESS, "BOUNCE", days_ago(5)), ("s2@example.com", "BOUNCE", days_ago(5))], None, None
    )
    harness.identity()
    # the re-check just before the job: every entry listed or re-listed since classification began
    changed = [("s2@example.com", "COMPLAINT", NOW + timedelta(minutes=30))] if relisted else []
    harness.add_page(changed, None, None, StartDate=NOW - RELIST_SKEW)
    body = '"""smith,j""@example.com",BOUNCE\n' + ("" if relisted else "s2@example.com,BOUNCE\n")
    harness.s3.add_response(
        "put_object",
        {},
        {"Bucket": "ops-bucket", "Key": ANY, "Body": body.encode(), "ContentType": "text/csv"},
    )
    harness.sesv2.add_response(
        "create_import_job",
        {"JobId": "job-123"},
        {
            "ImportDestination": {"SuppressionListDestination": {"SuppressionListImportAction": "DELETE"}},
            "ImportDataSource": {"S3Url": ANY, "DataFormat": "CSV"},
        },
    )
    # WHEN applying
    code, records = harness.apply(
        tmp_path,
        "--remove",
        "soft-bounce",
        "--bulk-threshold",
        "1",
        "--bulk-s3-uri",
        "s3://ops-bucket/suppression/",
    )
    # THEN one import job was submitted; each address has an audit record, "submitted" or "skipped"
    assert code == 0, harness.stderr.getvalue()
    expected = [(COMMA_ADDRESS, "CreateImportJob", "submitted", "job-123")]
    if relisted:
        expected.insert(0, ("s2@example.com", "ListSuppressedDestinations", "skipped", None))
    else:
        expected.append(("s2@example.com", "CreateImportJob", "submitted", "job-123"))
    assert [(r["address"], r["action"], r["result"], r.get("job_id")) for r in records] == expected
    assert records[-1]["source"].startswith("s3://ops-bucket/suppression/suppression-delete-")
    out = harness.stdout.getvalue()
    assert "submitted import job job-123" in out
    assert f"{2 - relisted} submitted, {int(relisted)} skipped (changed since classification)" in out
    if relisted:
        assert records[0]["skip_reason"].startswith(
            "changed since classification: reason BOUNCE -> COMPLAINT"
        )


def test_audit_records_are_uploaded_to_s3_when_asked(harness: Harness, tmp_path: Path) -> None:
    # GIVEN one removal and an audit S3 location; the uploaded request is captured
    two_page_list(harness)
    harness.identity()
    harness.current("soft@example.com", "BOUNCE", days_ago(8))
    harness.sesv2.add_response("delete_suppressed_destination", {}, {"EmailAddress": "soft@example.com"})
    uploaded: dict[str, Any] = {}
    harness.s3.client.meta.events.register(
        "provide-client-params.s3.PutObject", lambda params, **_: uploaded.update(params)
    )
    harness.s3.add_response(
        "put_object",
        {},
        {"Bucket": "audit-bucket", "Key": ANY, "Body": ANY, "ContentType": "application/x-ndjson"},
    )
    # WHEN applying
    code, records = harness.apply(
        tmp_path, "--remove", "soft-bounce", "--audit-s3-uri", "s3://audit-bucket/ses/"
    )
    # THEN this run's records are uploaded as one object, identical to the local log
    assert code == 0, harness.stderr.getvalue()
    assert re.fullmatch(r"ses/suppression-audit-20261128T120000Z-[0-9a-f]{12}\.jsonl", uploaded["Key"])
    assert uploaded["Body"] == (tmp_path / "audit.jsonl").read_bytes()
    assert len(records) == 1


# --- check -------------------------------------------------------------------------------------------


def test_check_suppressed_address_shows_since_why_evidence_and_advice(harness: Harness) -> None:
    put_hard_bounce(harness.dynamodb, TABLE, "hard@example.com", "2026-11-18T10:00:00.000Z", "m-hard")
    harness.sesv2.add_response(
        "get_suppressed_destination",
        {
            "SuppressedDestination": {
                "EmailAddress": "hard@example.com",
                "Reason": "BOUNCE",
                "LastUpdateTime": days_ago(10),
                "Attributes": {"MessageId": "m-hard", "FeedbackId": "fb-1"},
            }
        },
        {"EmailAddress": "hard@example.com"},
    )
    code = harness.run("check", "hard@example.com")
    assert code == 0, harness.stderr.getvalue()
    out = harness.stdout.getvalue()
    assert re.search(r"^suppressed\s+yes$", out, flags=re.M)
    assert re.search(r"^since\s+2026-11-18T12:00:00Z \(10 days\)$", out, flags=re.M)
    assert re.search(r"^class\s+hard-bounce$", out, flags=re.M)
    assert "Bounce Permanent/General at 2026-11-18T10:00:00Z" in out
    assert re.search(r"^recommendation\s+keep: the mailbox rejected mail permanently", out, flags=re.M)


def test_check_json_format(harness: Harness) -> None:
    harness.sesv2.add_response(
        "get_suppressed_destination",
        {
            "SuppressedDestination": {
                "EmailAddress": "x@example.com",
                "Reason": "COMPLAINT",
                "LastUpdateTime": days_ago(2),
            }
        },
        {"EmailAddress": "x@example.com"},
    )
    assert harness.run("check", "x@example.com", "--format", "json") == 0
    result = json.loads(harness.stdout.getvalue())
    assert (result["suppressed"], result["class"], result["evidence"]) == (True, "complaint", None)


def test_check_not_suppressed_exits_3(harness: Harness) -> None:
    harness.sesv2.add_client_error(
        "get_suppressed_destination",
        service_error_code="NotFoundException",
        http_status_code=404,
        expected_params={"EmailAddress": "fine@example.com"},
    )
    code = harness.run("check", "fine@example.com")
    assert code == 3
    assert re.search(r"^suppressed\s+no$", harness.stdout.getvalue(), flags=re.M)


# --- bad input and exit codes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["check", "not-an-address"], "error: invalid email address: 'not-an-address'"),
        (["--remove", "soft"], "error: unknown class soft: choose from hard-bounce"),
        (["--since", "yesterday"], "error: invalid date 'yesterday'"),
        (
            ["--since", "2026-02-01", "--until", "2026-01-01"],
            "error: --since (2026-02-01T00:00:00Z) must be before",
        ),
        (["--apply"], "error: --apply needs --remove CLASS[,CLASS]"),
        (["--bulk-s3-uri", "bucket/x"], "error: --bulk-s3-uri must look like s3://bucket/prefix"),
        (["--output", "/"], "error: --output / is a directory"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(harness: Harness, argv: list[str], message: str) -> None:
    assert harness.run(*argv) == 2
    assert harness.stderr.getvalue().startswith(message)
    assert harness.stderr.getvalue().count("\n") == 1


def run_script(*argv: str, env: dict[str, str | None] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the script as an operator would; ``None`` in ``env`` unsets that variable."""
    environment = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts/audit_suppression.py"), *argv],
        capture_output=True,
        text=True,
        check=False,
        env={key: value for key, value in environment.items() if value is not None},
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["--rate", "0"],
        ["--page-size", "5000"],
        ["--format", "xml"],
        ["--reason", "SPAM"],
        ["check"],
        ["--workers", "0"],
    ],
)
def test_usage_errors_are_one_line_exit_2(argv: list[str]) -> None:
    result = run_script(*argv, "--table", "t")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("audit_suppression.py")


def test_missing_table_is_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EVENTS_TABLE_NAME", raising=False)
    result = run_script()
    assert (result.returncode, result.stderr) == (
        2,
        "error: no event table: pass --table or set EVENTS_TABLE_NAME\n",
    )


@pytest.mark.parametrize("value", [None, ""])
def test_missing_region_is_exit_2(value: str | None) -> None:
    result = run_script("--table", "t", env={"AWS_REGION": value, "AWS_DEFAULT_REGION": value})
    assert result.returncode == 2
    assert result.stderr.startswith("error: no AWS region configured"), result.stderr
    assert result.stderr.count("\n") == 1


def test_missing_credentials_is_exit_2() -> None:
    env: dict[str, str | None] = {
        key: None
        for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
    }
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    result = run_script("check", "a@example.com", "--table", "t", env=env)
    assert result.returncode == 2, result.stderr
    assert result.stderr == (
        "error: no AWS credentials found: set AWS_PROFILE, export temporary keys, or run under a role\n"
    )


@pytest.mark.parametrize("command", [[], ["list"], ["check"]])
def test_help_documents_every_option_and_exit_code(command: list[str]) -> None:
    result = run_script(*command, "--help")
    assert result.returncode == 0
    parser = cli.build_parser()
    target = parser if not command else parser._subparsers._group_actions[0].choices[command[0]]  # type: ignore[union-attr]
    for action in target._actions:
        for option in action.option_strings:
            assert option in result.stdout, f"{option} missing from --help"
        if action.help and not action.option_strings and action.dest != "command":
            assert action.metavar or action.dest in result.stdout
    assert EXIT_CODES_HELP in result.stdout


# --- one address (the support console's removal command) ---------------------------------------------


def test_address_reads_only_that_entry_and_dry_runs_its_removal(harness: Harness, tmp_path: Path) -> None:
    # GIVEN a soft-bounced listed address; no listing is stubbed, so a ListSuppressedDestinations call
    # would fail the test
    put_soft_bounce(harness.dynamodb, TABLE, "soft@example.com", "2026-11-20T10:00:00.000Z", "m-soft")
    harness.current("soft@example.com", "BOUNCE", days_ago(8))
    # WHEN the console's dry-run command runs
    code = harness.run(
        "--address", "soft@example.com", "--remove", "soft-bounce", "--output", str(tmp_path / "r.txt")
    )
    # THEN only that address is reported and would be removed
    assert code == 0, harness.stderr.getvalue()
    assert harness.stdout.getvalue().splitlines() == [
        "would remove soft@example.com (soft-bounce)",
        "dry run: 1 entry would be removed; add --apply to remove",
    ]


def test_address_not_listed_removes_nothing(harness: Harness, tmp_path: Path) -> None:
    harness.current("gone@example.com", None)
    code = harness.run(
        "--address", "gone@example.com", "--remove", "hard-bounce", "--output", str(tmp_path / "r")
    )
    assert code == 0, harness.stderr.getvalue()
    assert "dry run: 0 entries would be removed" in harness.stdout.getvalue()


def test_address_apply_removes_that_entry_after_rereading_it(harness: Harness, tmp_path: Path) -> None:
    put_hard_bounce(harness.dynamodb, TABLE, "hard@example.com", "2026-11-18T10:00:00.000Z", "m-hard")
    harness.current("hard@example.com", "BOUNCE", days_ago(10))  # the --address read
    harness.identity()
    harness.current("hard@example.com", "BOUNCE", days_ago(10))  # the re-read just before removal
    harness.sesv2.add_response("delete_suppressed_destination", {}, {"EmailAddress": "hard@example.com"})
    code, records = harness.apply(tmp_path, "--address", "hard@example.com", "--remove", "hard-bounce")
    assert code == 0, harness.stderr.getvalue()
    assert [(r["address"], r["result"]) for r in records] == [("hard@example.com", "removed")]


def test_address_is_validated_before_any_call(harness: Harness) -> None:
    assert harness.run("--address", "not-an-address", "--remove", "hard-bounce") == 2
    assert "invalid email address" in harness.stderr.getvalue()

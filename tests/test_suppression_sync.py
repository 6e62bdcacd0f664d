"""Suppression-list sync, primary -> standby: the pure plan, the writes, and scripts/sync_suppression.py
end to end with two real SESv2 clients under botocore Stubber (every request checked against the model)."""

from __future__ import annotations

import importlib
import io
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

import sync_suppression as cli
from fake_clock import FakeClock
from sesevents import FakeLambdaContext
from sesmail.aws.calls import RateLimiter, client_config
from sesmail.cli.exits import ExitCode
from sesmail.suppression.api import SuppressionListApi
from sesmail.suppression.domain import SuppressedEntry, SuppressionReason
from sesmail.suppression.sync import Change, SyncRuntime, apply_sync, plan_sync

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
LISTED = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
OPERATOR_ARN = "arn:aws:sts::123456789012:assumed-role/ses-operator/alice"
BOUNCE, COMPLAINT = SuppressionReason.BOUNCE, SuppressionReason.COMPLAINT


def entry(address: str, reason: SuppressionReason = BOUNCE) -> SuppressedEntry:
    return SuppressedEntry(address, reason, LISTED)


def summary(address: str, reason: str = "BOUNCE") -> dict[str, Any]:
    return {"EmailAddress": address, "Reason": reason, "LastUpdateTime": LISTED}


# --- the plan (pure) ---------------------------------------------------------------------------------


def test_missing_entries_are_added_and_a_different_reason_is_updated() -> None:
    # GIVEN a source with three entries and a target that has one in step and one with another reason
    source = [[entry("a@example.com"), entry("b@example.com", COMPLAINT)], [entry("c@example.com")]]
    target = [[entry("A@example.com"), entry("b@example.com", BOUNCE)]]
    # WHEN planning
    plan = plan_sync(source, target)
    # THEN only the difference is written; addresses compare case-insensitively
    assert [(c.change, c.address, c.reason, c.previous) for c in plan.changes] == [
        (Change.UPDATE, "b@example.com", COMPLAINT, BOUNCE),
        (Change.ADD, "c@example.com", BOUNCE, None),
    ]
    assert (plan.source_entries, plan.target_entries, plan.in_step) == (3, 2, 1)


def test_a_complaint_in_the_target_is_never_downgraded_to_a_bounce() -> None:
    plan = plan_sync([[entry("a@example.com", BOUNCE)]], [[entry("a@example.com", COMPLAINT)]])
    assert plan.changes == []
    assert plan.complaints_kept == 1


def test_entries_only_in_the_target_are_kept_unless_delete_missing() -> None:
    source = [[entry("a@example.com")]]
    target = [[entry("a@example.com"), entry("standby-bounce@example.com")]]
    kept = plan_sync(source, target)
    assert kept.changes == [] and kept.only_in_target == 1
    deleted = plan_sync(source, target, delete_missing=True)
    assert [(c.change, c.address) for c in deleted.changes] == [(Change.DELETE, "standby-bounce@example.com")]


# --- the writes --------------------------------------------------------------------------------------


def _api(stub: Stubber, clock: FakeClock) -> SuppressionListApi:
    return SuppressionListApi(
        stub.client, RateLimiter(1.0, clock=clock, sleep=clock.sleep), sleep=clock.sleep
    )


def _sesv2(region: str) -> Stubber:
    return Stubber(boto3.session.Session(region_name=region).client("sesv2", config=client_config()))


def test_a_refused_write_is_recorded_and_the_run_goes_on_while_throttling_stops_it() -> None:
    clock = FakeClock()
    target = _sesv2("us-west-2")
    plan = plan_sync([[entry("a@example.com"), entry("b@example.com"), entry("c@example.com")]], [])
    target.add_client_error("put_suppressed_destination", "BadRequestException", "bad address", 400)
    for _ in range(6):  # every attempt of call_with_retries throttled
        target.add_client_error("put_suppressed_destination", "TooManyRequestsException", "slow", 429)
    records: list[dict[str, Any]] = []
    with target:
        result = apply_sync(plan, _api(target, clock), lambda **fields: records.append(fields))
        target.assert_no_pending_responses()
    assert [r["result"] for r in records] == ["failed", "failed"]
    assert (result.failed, result.not_attempted, result.written) == (2, 1, {})
    assert "TooManyRequestsException" in (result.stopped or "")


def test_keep_going_stops_before_the_next_write() -> None:
    clock = FakeClock()
    target = _sesv2("us-west-2")
    target.add_response(
        "put_suppressed_destination", {}, {"EmailAddress": "a@example.com", "Reason": "BOUNCE"}
    )
    plan = plan_sync([[entry("a@example.com"), entry("b@example.com")]], [])
    calls = iter([None, "time is nearly up"])
    with target:
        result = apply_sync(plan, _api(target, clock), lambda **_: None, keep_going=lambda: next(calls))
    assert result.written == {"added": 1}
    assert (result.not_attempted, result.stopped) == (1, "time is nearly up")


# --- the command, end to end -------------------------------------------------------------------------


@dataclass
class Harness:
    clock: FakeClock = field(default_factory=FakeClock)
    source: Stubber = field(default_factory=lambda: _sesv2("us-east-1"))
    target: Stubber = field(default_factory=lambda: _sesv2("us-west-2"))
    sts: Stubber = field(
        default_factory=lambda: Stubber(boto3.client("sts", region_name="us-east-1", config=client_config()))
    )
    stdout: io.StringIO = field(default_factory=io.StringIO)
    stderr: io.StringIO = field(default_factory=io.StringIO)
    tty: bool = False
    answers: list[str] = field(default_factory=list)

    def listings(self, source: list[dict[str, Any]], target: list[dict[str, Any]]) -> None:
        self.source.add_response(
            "list_suppressed_destinations",
            {"SuppressedDestinationSummaries": source[:1], "NextToken": "page-2"},
            {"PageSize": 1000},
        )
        self.source.add_response(
            "list_suppressed_destinations",
            {"SuppressedDestinationSummaries": source[1:]},
            {"PageSize": 1000, "NextToken": "page-2"},
        )
        self.target.add_response(
            "list_suppressed_destinations", {"SuppressedDestinationSummaries": target}, {"PageSize": 1000}
        )

    def run(self, *argv: str) -> int:
        clients = {"us-east-1": self.source.client, "us-west-2": self.target.client}
        runtime = SyncRuntime(
            sesv2=lambda region: clients[region],
            sts=lambda region: self.sts.client,
            resolve_region=lambda region: region or "us-east-1",
            now=lambda: NOW,
            monotonic=self.clock,
            sleep=self.clock.sleep,
            stdin_is_tty=lambda: self.tty,
            ask=lambda prompt: self.answers.pop(0),
            stdout=self.stdout,
            stderr=self.stderr,
        )
        with self.source, self.target, self.sts:
            code = cli.main(["--target-region", "us-west-2", *argv], runtime)
            for stub in (self.source, self.target, self.sts):
                stub.assert_no_pending_responses()
        return code


SOURCE = [summary("a@example.com"), summary("b@example.com", "COMPLAINT"), summary("c@example.com")]
TARGET = [summary("a@example.com"), summary("b@example.com"), summary("standby-only@example.com")]


def test_dry_run_lists_the_writes_and_writes_nothing(tmp_path: Path) -> None:
    harness = Harness()
    harness.listings(SOURCE, TARGET)
    assert harness.run("--audit-log", str(tmp_path / "audit.jsonl")) == ExitCode.OK
    out = harness.stdout.getvalue()
    assert "would update b@example.com (BOUNCE -> COMPLAINT)" in out
    assert "would add c@example.com (BOUNCE)" in out
    assert "standby-only" not in out.split("\n", 1)[1]  # kept, never deleted without --delete-missing
    assert "dry run: 2 write(s) planned, nothing written" in out
    assert not (tmp_path / "audit.jsonl").exists()


def test_apply_writes_paced_in_the_target_and_audits_each_write(tmp_path: Path) -> None:
    harness = Harness()
    harness.listings(SOURCE, TARGET)
    harness.sts.add_response(
        "get_caller_identity", {"Arn": OPERATOR_ARN, "UserId": "AIDA", "Account": "123456789012"}
    )
    harness.target.add_response(
        "put_suppressed_destination", {}, {"EmailAddress": "b@example.com", "Reason": "COMPLAINT"}
    )
    harness.target.add_response(
        "put_suppressed_destination", {}, {"EmailAddress": "c@example.com", "Reason": "BOUNCE"}
    )
    target_calls: list[float] = []
    harness.target.client.meta.events.register(
        "before-parameter-build.sesv2.*", lambda **_: target_calls.append(harness.clock())
    )
    audit = tmp_path / "audit.jsonl"
    assert harness.run("--apply", "--yes", "--audit-log", str(audit)) == ExitCode.OK
    lines = [json.loads(line) for line in audit.read_text().splitlines()]
    assert [(r["action"], r["change"], r["address"], r["reason"], r["result"]) for r in lines] == [
        ("PutSuppressedDestination", "update", "b@example.com", "COMPLAINT", "updated"),
        ("PutSuppressedDestination", "add", "c@example.com", "BOUNCE", "added"),
    ]
    assert {(r["operator"], r["source_region"], r["target_region"]) for r in lines} == {
        (OPERATOR_ARN, "us-east-1", "us-west-2")
    }
    # Listing and writes in the target share one limiter: one request per second.
    assert len(target_calls) == 3
    assert all(later - earlier >= 1.0 for earlier, later in itertools.pairwise(target_calls))
    assert "1 added, 1 updated, 0 failed; 2 audit record(s)" in harness.stdout.getvalue()


def test_delete_missing_deletes_target_only_entries(tmp_path: Path) -> None:
    harness = Harness()
    harness.listings(SOURCE[:2], [*TARGET[:2], summary("standby-only@example.com")])
    harness.sts.add_response("get_caller_identity", {"Arn": OPERATOR_ARN, "UserId": "A", "Account": "1"})
    harness.target.add_response(
        "put_suppressed_destination", {}, {"EmailAddress": "b@example.com", "Reason": "COMPLAINT"}
    )
    harness.target.add_response(
        "delete_suppressed_destination", {}, {"EmailAddress": "standby-only@example.com"}
    )
    code = harness.run("--apply", "--yes", "--delete-missing", "--audit-log", str(tmp_path / "a.jsonl"))
    assert code == ExitCode.OK
    assert "deleted standby-only@example.com (BOUNCE)" in harness.stdout.getvalue()


def test_apply_without_yes_and_without_tty_refuses_before_any_call() -> None:
    harness = Harness()
    assert harness.run("--apply") == ExitCode.USAGE
    assert harness.stderr.getvalue() == (
        "error: refusing to write without confirmation: stdin is not a terminal; pass --yes\n"
    )


def test_declined_at_the_prompt_writes_nothing(tmp_path: Path) -> None:
    harness = Harness(tty=True, answers=["n"])
    harness.listings(SOURCE, TARGET)
    assert harness.run("--apply", "--audit-log", str(tmp_path / "a.jsonl")) == ExitCode.DECLINED
    assert not (tmp_path / "a.jsonl").exists()


def test_same_source_and_target_is_a_usage_error() -> None:
    harness = Harness()
    assert harness.run("--source-region", "us-west-2") == ExitCode.USAGE
    assert "both us-west-2" in harness.stderr.getvalue()


def test_a_failed_listing_is_one_line_and_exit_1() -> None:
    harness = Harness()
    harness.target.add_response("list_suppressed_destinations", {"SuppressedDestinationSummaries": []})
    harness.source.add_client_error("list_suppressed_destinations", "AccessDeniedException", "no", 403)
    assert harness.run() == ExitCode.AWS_ERROR
    assert harness.stderr.getvalue().startswith("error: list_suppressed_destinations failed: AccessDenied")


@pytest.mark.parametrize("argv", [["--rate", "0"], ["--bogus"]])
def test_bad_options_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        cli.main(["--target-region", "us-west-2", *argv])
    assert raised.value.code == ExitCode.USAGE


# --- the scheduled Lambda ----------------------------------------------------------------------------


@pytest.fixture
def sync_handler(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[ModuleType, Harness]]:
    """GIVEN the Lambda environment and a freshly initialised handler wired to two stubbed regions."""
    monkeypatch.setenv("SUPPRESSION_SYNC_SOURCE_REGION", "us-east-1")
    monkeypatch.setenv("SUPPRESSION_SYNC_TARGET_REGION", "us-west-2")
    monkeypatch.setenv("SUPPRESSION_SYNC_RATE", "1000")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "ses-suppression-sync")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "SesMailPlatform")
    import sesmail.handlers.suppression_sync as module

    module = importlib.reload(module)
    harness = Harness()
    clients = {"us-east-1": harness.source.client, "us-west-2": harness.target.client}
    monkeypatch.setattr(module.aws_factory, "client", lambda service, region: clients[region])
    with harness.source, harness.target:
        yield module, harness
        harness.source.assert_no_pending_responses()
        harness.target.assert_no_pending_responses()


def test_handler_adds_and_updates_but_never_deletes(
    sync_handler: tuple[ModuleType, Harness], capsys: pytest.CaptureFixture[str]
) -> None:
    module, harness = sync_handler
    harness.listings(SOURCE, TARGET)
    harness.target.add_response(
        "put_suppressed_destination", {}, {"EmailAddress": "b@example.com", "Reason": "COMPLAINT"}
    )
    harness.target.add_response(
        "put_suppressed_destination", {}, {"EmailAddress": "c@example.com", "Reason": "BOUNCE"}
    )
    outcome = module.handler({}, FakeLambdaContext(function_name="ses-suppression-sync"))
    assert outcome == {"planned": 2, "result": "1 added, 1 updated, 0 failed"}
    out = capsys.readouterr().out
    assert "c@example.com" not in out  # addresses are masked in the logs
    emf = [json.loads(line) for line in out.splitlines() if line.startswith("{") and '"_aws"' in line]
    assert emf[0][module.WRITTEN] == 2 and emf[0][module.PENDING] == 0
    assert emf[0]["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [[]]


def test_handler_stops_before_the_timeout_and_leaves_the_rest_for_the_next_run(
    sync_handler: tuple[ModuleType, Harness],
) -> None:
    module, harness = sync_handler
    harness.listings(SOURCE, TARGET)
    context = FakeLambdaContext(function_name="ses-suppression-sync", remaining_ms=20_000)
    assert module.handler({}, context)["result"].endswith(
        "2 not attempted (the invocation's time is nearly up; the next run writes the rest)"
    )


def test_handler_fails_the_invocation_when_a_write_fails(sync_handler: tuple[ModuleType, Harness]) -> None:
    module, harness = sync_handler
    harness.listings(SOURCE, TARGET)
    harness.target.add_client_error("put_suppressed_destination", "BadRequestException", "bad", 400)
    harness.target.add_response(
        "put_suppressed_destination", {}, {"EmailAddress": "c@example.com", "Reason": "BOUNCE"}
    )
    with pytest.raises(module.SuppressionSyncFailedError, match="1 write"):
        module.handler({}, FakeLambdaContext(function_name="ses-suppression-sync"))


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SUPPRESSION_SYNC_TARGET_REGION": ""}, "SUPPRESSION_SYNC_TARGET_REGION must name"),
        ({"SUPPRESSION_SYNC_TARGET_REGION": "us-east-1"}, "not us-east-1"),
        (
            {"SUPPRESSION_SYNC_TARGET_REGION": "us-west-2", "SUPPRESSION_SYNC_RATE": "fast"},
            "must be a number",
        ),
        ({"SUPPRESSION_SYNC_TARGET_REGION": "us-west-2", "SUPPRESSION_SYNC_RATE": "0"}, "must be > 0"),
    ],
)
def test_bad_settings_fail_fast_with_the_variable_named(env: dict[str, str], message: str) -> None:
    from sesmail.handlers.suppression_sync import SyncSettingsError, load_sync_settings

    with pytest.raises(SyncSettingsError, match=message):
        load_sync_settings({"AWS_REGION": "us-east-1", **env})

"""scripts/warmup.py end to end: plan files, status, gate (dry-run vs --apply), ips, exit codes, --help."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import math
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from botocore.stub import Stubber
from moto import mock_aws

import warmup as cli
from eventtable import create_events_table
from sesevents import load_ses
from sesmail.aws.calls import RateLimiter
from sesmail.cli.exits import EXIT_CODES_HELP
from sesmail.events.parse import parse_ses_record
from sesmail.events.store import to_item
from sesmail.warmup import aws as warmup_aws

ROOT = Path(__file__).resolve().parents[1]
NOW = dt.datetime(2026, 12, 5, 9, 0, tzinfo=dt.UTC)
PARAMETER = "/ses/production/warmup/mail.example.com/daily_cap"
ACCOUNT = {
    "SendQuota": {"Max24HourSend": 50000.0, "MaxSendRate": 14.0, "SentLast24Hours": 900.0},
    "EnforcementStatus": "HEALTHY",
    "SendingEnabled": True,
    "ProductionAccessEnabled": True,
}


class Harness:
    """Runs ``main`` in-process with moto (SSM, CloudWatch, DynamoDB) and a stubbed real SESv2 client."""

    def __init__(self) -> None:
        self.sesv2 = boto3.client("sesv2")
        self.stub = Stubber(self.sesv2)
        self.stub.activate()
        self.ssm = boto3.client("ssm")
        self.cloudwatch = boto3.client("cloudwatch")
        self.clients = cli.Clients(
            make_sesv2=lambda: self.sesv2,
            make_ssm=lambda: self.ssm,
            make_cloudwatch=lambda: self.cloudwatch,
            make_dynamodb=lambda: boto3.client("dynamodb"),
        )

    def account(self, **overrides: Any) -> None:
        self.stub.add_response("get_account", {**ACCOUNT, **overrides}, {})

    def run(self, *argv: str, answer: str = "", now: dt.datetime = NOW) -> tuple[int, str]:
        out = io.StringIO()
        code = cli.main(list(argv), clients=self.clients, now=now, out=out, stdin=io.StringIO(answer))
        return code, out.getvalue()

    def sends(
        self, sends: float, bounces: float = 0, *, at: dt.datetime = NOW, set_name: str = "transactional"
    ) -> None:
        """Datapoints two hours before ``at`` (the time the command under test runs)."""
        data = [("Send", sends), ("Bounce", bounces)]
        self.cloudwatch.put_metric_data(
            Namespace="AWS/SES",
            MetricData=[
                {
                    "MetricName": name,
                    "Dimensions": [{"Name": "ses:configuration-set", "Value": set_name}],
                    "Timestamp": at - dt.timedelta(hours=2),
                    "Value": value,
                }
                for name, value in data
            ],
        )

    def published(self) -> dict[str, Any] | None:
        try:
            return json.loads(self.ssm.get_parameter(Name=PARAMETER)["Parameter"]["Value"])  # type: ignore[no-any-return]
        except self.ssm.exceptions.ParameterNotFound:
            return None


@pytest.fixture(autouse=True)
def unpaced_ses(monkeypatch: pytest.MonkeyPatch) -> None:
    """SES pacing has its own test (test_warmup_aws); here calls must not wait on the real clock."""
    monkeypatch.setattr(warmup_aws, "ses_limiter", RateLimiter(math.inf))


@pytest.fixture
def aws() -> Iterator[Harness]:
    with mock_aws():
        harness = Harness()
        yield harness
        harness.stub.deactivate()


@pytest.fixture
def plan_file(tmp_path: Path, aws: Harness) -> Path:
    path = tmp_path / "plan.json"
    code, _ = aws.run(
        "plan", "--start", "1000", "--target", "16000", "--days", "5", "--quota", "50000",
        "--domain", "mail.example.com", "--env", "production", "--configuration-set", "transactional",
        "--start-date", "2026-12-01", "--save", str(path),
    )  # fmt: skip
    assert code == 0
    return path


# --- plan -----------------------------------------------------------------------------------------


def test_plan_reads_the_quota_from_get_account_and_refuses_a_target_above_it(aws: Harness) -> None:
    aws.account()
    code, out = aws.run("plan", "--start", "100", "--target", "50000", "--days", "3")
    assert code == 0 and "quota 50000" in out
    aws.account(SendQuota={**ACCOUNT["SendQuota"], "Max24HourSend": 200.0})
    code, out = aws.run("plan", "--start", "100", "--target", "50000", "--days", "3")
    assert code == 2 and out == ""


def test_plan_csv_has_one_column_per_provider(aws: Harness) -> None:
    code, out = aws.run(
        "plan", "--start", "101", "--target", "1001", "--days", "3", "--growth", "linear", "--quota", "5000",
        "--split", "gmail=0.4,outlook=0.3,other=0.3", "--format", "csv", "--start-date", "2026-12-01",
    )  # fmt: skip
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0] == {
        "day": "1",
        "date": "2026-12-01",
        "volume": "101",
        "gmail": "41",
        "outlook": "30",
        "other": "30",
    }
    assert [int(r["volume"]) for r in rows] == [101, 551, 1001]
    assert all(int(r["gmail"]) + int(r["outlook"]) + int(r["other"]) == int(r["volume"]) for r in rows)


def test_unsaved_json_plan_names_no_domain_and_table_shows_the_total(aws: Harness) -> None:
    code, out = aws.run(
        "plan", "--start", "10", "--target", "40", "--days", "3", "--quota", "40", "--format", "json"
    )
    data = json.loads(out)
    assert code == 0 and (data["domain"], data["env"]) == (None, None)
    assert [d["volume"] for d in data["schedule"]] == [10, 20, 40]
    code, out = aws.run("plan", "--start", "10", "--target", "40", "--days", "3", "--quota", "40")
    assert out.splitlines()[-1] == "total 70 over 3 days; quota 40"


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_saved_plan_records_domain_env_start_date_schedule_and_split(
    aws: Harness, tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"plan{suffix}"
    code, _ = aws.run(
        "plan", "--start", "50", "--target", "400", "--days", "4", "--quota", "1000",
        "--split", "gmail=0.5,other=0.5",
        "--domain", "mail.example.com", "--env", "staging", "--start-date", "2026-12-01", "--save", str(path),
    )  # fmt: skip
    assert code == 0
    data = yaml.safe_load(path.read_text())  # JSON is YAML too
    assert (data["domain"], data["env"], data["start_date"]) == ("mail.example.com", "staging", "2026-12-01")
    assert [d["volume"] for d in data["schedule"]] == [50, 100, 200, 400]
    assert data["split"] == {"gmail": 0.5, "other": 0.5}
    assert data["schedule"][0]["split"] == {"gmail": 25, "other": 25}


# --- gate -----------------------------------------------------------------------------------------


def test_gate_without_apply_writes_nothing(aws: Harness, plan_file: Path, tmp_path: Path) -> None:
    # GIVEN no published cap and a healthy account
    aws.account()
    audit_log = tmp_path / "audit.jsonl"
    # WHEN the gate runs without --apply
    code, out = aws.run("gate", "--plan", str(plan_file), "--audit-log", str(audit_log))
    # THEN it says what it would write and writes nothing: no parameter, no audit line
    assert code == 0
    assert "advance: step 0 -> 1 of 5" in out
    assert f"dry-run: would write {PARAMETER} = " in out and '"daily_cap": 1000' in out
    assert aws.published() is None
    assert not audit_log.exists()


def test_gate_apply_publishes_then_advances_a_day_later(
    aws: Harness, plan_file: Path, tmp_path: Path
) -> None:
    audit_log = tmp_path / "audit.jsonl"
    # GIVEN a first publish of step 1
    aws.account()
    code, _ = aws.run("gate", "--plan", str(plan_file), "--apply", "--yes", "--audit-log", str(audit_log))
    assert code == 0
    assert aws.published() == {
        "daily_cap": 1000, "step": 1, "decided_at": "2026-12-05T09:00:00Z", "decision": "advance",
        "step_since": "2026-12-05T09:00:00Z",
    }  # fmt: skip
    # WHEN the next day's window shows 900 healthy sends
    tomorrow = NOW + dt.timedelta(days=1)
    aws.sends(900, bounces=5, at=tomorrow)
    aws.account()
    code, out = aws.run(
        "gate", "--plan", str(plan_file), "--apply", "--yes", "--audit-log", str(audit_log), now=tomorrow
    )
    # THEN step 2 (2000) is published and both writes are in the audit log
    assert code == 0, out
    assert "advance: step 1 -> 2 of 5, daily cap 1000 -> 2000" in out
    assert aws.published()["daily_cap"] == 2000  # type: ignore[index]
    lines = [json.loads(line) for line in audit_log.read_text().splitlines()]
    assert [(line["before"] or {}).get("step") for line in lines] == [None, 1]
    assert [line["after"]["step"] for line in lines] == [1, 2]
    assert lines[1]["parameter"] == PARAMETER and lines[1]["metrics"]["sends"] == 900


def test_gate_holds_on_high_bounces_and_steps_back_under_probation(
    aws: Harness, plan_file: Path, tmp_path: Path
) -> None:
    aws.account()
    aws.run("gate", "--plan", str(plan_file), "--apply", "--yes", "--audit-log", str(tmp_path / "a"))
    later = NOW + dt.timedelta(days=1)
    aws.sends(1000, bounces=30, at=later)
    aws.account()
    code, out = aws.run("gate", "--plan", str(plan_file), now=later)
    assert code == 0 and out.startswith("hold: step 1 -> 1") and "bounce rate 3.000% > 2.000%" in out
    aws.account(EnforcementStatus="PROBATION")
    code, out = aws.run("gate", "--plan", str(plan_file), now=later)
    assert out.startswith("step_back: step 1 -> 1") and "PROBATION" in out


def test_gate_apply_asks_and_a_no_writes_nothing(aws: Harness, plan_file: Path, tmp_path: Path) -> None:
    aws.account()
    code, out = aws.run(
        "gate", "--plan", str(plan_file), "--apply", "--audit-log", str(tmp_path / "a"), answer="n\n"
    )
    assert code == 4  # declined: 3 before the exit codes were unified
    assert f"write {PARAMETER} = " in out
    assert aws.published() is None
    assert (tmp_path / "a").read_text() == ""
    aws.account()
    code, _ = aws.run(
        "gate", "--plan", str(plan_file), "--apply", "--audit-log", str(tmp_path / "a"), answer="y\n"
    )
    assert code == 0 and aws.published() is not None


def test_gate_refuses_another_domain_and_a_corrupt_plan(
    aws: Harness, plan_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = aws.run("gate", "--plan", str(plan_file), "--domain", "other.example.com")
    assert code == 2
    assert capsys.readouterr().err == (
        f"error: --domain other.example.com is not in plan file {plan_file} (it is for mail.example.com)\n"
    )
    broken = tmp_path / "broken.json"
    broken.write_text('{"version": 1, "domain": "mail.example.com"}')
    assert aws.run("gate", "--plan", str(broken))[0] == 2
    assert capsys.readouterr().err == "error: plan file has no 'env'\n"


def test_gate_exits_1_when_aws_fails(
    aws: Harness, plan_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    aws.stub.add_client_error("get_account", service_error_code="AccessDeniedException", service_message="no")
    code, _ = aws.run("gate", "--plan", str(plan_file))
    assert code == 1
    assert capsys.readouterr().err == "error: get_account failed: AccessDeniedException: no\n"


# --- status ---------------------------------------------------------------------------------------


def test_status_reports_step_cap_volume_rates_delays_and_enforcement(aws: Harness, plan_file: Path) -> None:
    # GIVEN a published step 2, a day of sends and two DeliveryDelay events in the event table
    aws.account()
    aws.run("gate", "--plan", str(plan_file), "--apply", "--yes", "--audit-log", "/dev/null")
    aws.sends(1000, bounces=10)
    # (stored exactly as the persister stores them: SES fixture -> parser -> item)
    dynamodb = boto3.client("dynamodb")
    create_events_table(dynamodb, "events")
    delays = [
        ("IPFailure", 1, "transactional"),
        ("IPFailure", 2, "transactional"),
        ("MailboxFull", 3, "transactional"),
        ("SendingDeferral", 30, "transactional"),  # outside the 24 h window
        ("IPFailure", 1, "marketing"),  # another configuration set
    ]
    for index, (delay_type, hours_ago, configuration_set) in enumerate(delays):
        record = load_ses("delivery_delay")
        record["mail"]["messageId"] = f"0102019062a1b2c3-{index:04d}"
        record["mail"]["tags"]["ses:configuration-set"] = [configuration_set]
        record["deliveryDelay"]["delayType"] = delay_type
        record["deliveryDelay"]["timestamp"] = (NOW - dt.timedelta(hours=hours_ago)).isoformat()
        for event in parse_ses_record(record):
            dynamodb.put_item(TableName="events", Item=to_item(event, retention_seconds=86400 * 90))
    for event in parse_ses_record(load_ses("delivery")):
        dynamodb.put_item(TableName="events", Item=to_item(event, retention_seconds=86400 * 90))
    aws.account(EnforcementStatus="HEALTHY")
    # WHEN status runs in JSON
    code, out = aws.run("status", "--plan", str(plan_file), "--events-table", "events", "--format", "json")
    # THEN it shows the calendar step, the published cap, the window's counts and the delay breakdown
    assert code == 0
    report = json.loads(out)
    assert (report["scheduled_step"], report["scheduled_cap"]) == (5, 16000)
    assert report["published"]["daily_cap"] == 1000
    assert (report["sends"], report["bounces"], report["bounce_rate"]) == (1000, 10, 0.01)
    assert report["delays_by_type"] == {"IPFailure": 2, "MailboxFull": 1}
    assert (report["enforcement_status"], report["max_24_hour_send"]) == ("HEALTHY", 50000)


def test_status_text_says_when_nothing_is_published(aws: Harness, plan_file: Path) -> None:
    aws.account()
    code, out = aws.run("status", "--plan", str(plan_file))
    assert code == 0
    assert "published cap: none (run 'gate --apply' to publish step 1)" in out
    assert "account: EnforcementStatus HEALTHY, sent 900 of 50000 in 24 h" in out
    # and once step 1 is published on day 5 of the calendar, it says how far the ramp lags
    aws.account()
    aws.run("gate", "--plan", str(plan_file), "--apply", "--yes", "--audit-log", "/dev/null")
    aws.account()
    code, out = aws.run("status", "--plan", str(plan_file))
    assert "calendar step 5/5, scheduled cap 16000" in out
    assert (
        "published cap 1000 (step 1, advance at 2026-12-05T09:00+00:00); 4 step(s) behind the calendar" in out
    )


# --- ips ------------------------------------------------------------------------------------------

IPS = {
    "DedicatedIps": [
        {"Ip": "192.0.2.10", "WarmupStatus": "IN_PROGRESS", "WarmupPercentage": 40, "PoolName": "pool-a"}
    ]
}


def test_ips_lists_and_dry_runs_without_calling_put(aws: Harness) -> None:
    aws.stub.add_response("get_dedicated_ips", IPS, {"PoolName": "pool-a", "PageSize": 100})
    code, out = aws.run("ips", "--pool", "pool-a", "--ip", "192.0.2.10", "--set-percentage", "60")
    assert code == 0
    assert out.splitlines()[:2] == [
        "ip          pool    warmup_status  warmup_%",
        "192.0.2.10  pool-a  IN_PROGRESS          40",
    ]
    assert "dry-run: would set 192.0.2.10 warm-up 40% -> 60%" in out
    aws.stub.assert_no_pending_responses()  # and Stubber would have failed on an unexpected put


def test_ips_apply_calls_put_and_audits(aws: Harness, tmp_path: Path) -> None:
    aws.stub.add_response("get_dedicated_ips", IPS, {"PageSize": 100})
    aws.stub.add_response(
        "put_dedicated_ip_warmup_attributes", {}, {"Ip": "192.0.2.10", "WarmupPercentage": 60}
    )
    log = tmp_path / "audit.jsonl"
    code, out = aws.run(
        "ips", "--ip", "192.0.2.10", "--set-percentage", "60", "--apply", "--yes", "--audit-log", str(log)
    )
    assert code == 0 and "set 192.0.2.10 warm-up 40% -> 60%" in out
    aws.stub.assert_no_pending_responses()
    entry = json.loads(log.read_text())
    assert (entry["action"], entry["before"], entry["after"]) == (
        "put_dedicated_ip_warmup_attributes",
        40,
        60,
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ips", "--ip", "192.0.2.10"], "--set-percentage and --ip go together"),
        (["ips", "--ip", "192.0.2.10", "--set-percentage", "101"], "between 0 and 100"),
        (["ips", "--apply"], "--apply needs --set-percentage and --ip"),
    ],
)
def test_ips_bad_input(
    aws: Harness, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert aws.run(*argv)[0] == 2
    assert message in capsys.readouterr().err


def test_ips_unknown_ip_is_refused(aws: Harness) -> None:
    aws.stub.add_response("get_dedicated_ips", IPS, {"PageSize": 100})
    assert aws.run("ips", "--ip", "198.51.100.1", "--set-percentage", "50", "--apply", "--yes")[0] == 2


# --- the real process: exit codes and --help -------------------------------------------------------


def run_script(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts/warmup.py"), *argv],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["plan", "--start", "500", "--target", "100", "--days", "5", "--quota", "1000"],
            "--start 500 is above --target 100",
        ),
        (
            ["plan", "--start", "1", "--target", "100", "--days", "0", "--quota", "1000"],
            "--days must be at least 1",
        ),
        (
            [
                "plan",
                "--start",
                "1",
                "--target",
                "9",
                "--days",
                "3",
                "--quota",
                "99",
                "--split",
                "a=0.5,b=0.4",
            ],
            "must sum to 1",
        ),
        (
            ["plan", "--start", "1", "--target", "9", "--days", "3", "--quota", "99", "--save", "x.json"],
            "--save needs --domain and --env",
        ),
        (["plan", "--start", "x", "--target", "9", "--days", "3"], "'x' is not an integer"),
        (["gate", "--plan", "/nonexistent/plan.json"], "No such file or directory"),
        (["status", "--plan", "p.json", "--window-hours", "0"], "0 is not at least 1"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_exit_2(argv: list[str], message: str) -> None:
    result = run_script(*argv)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_missing_region_is_exit_2_not_a_traceback(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    result = run_script("plan", "--start", "1", "--target", "9", "--days", "3")
    assert result.returncode == 2 and result.stderr.startswith("error: no AWS region configured"), (
        result.stderr
    )


def test_plan_with_quota_needs_no_aws_at_all(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    result = run_script("plan", "--start", "1", "--target", "9", "--days", "3", "--quota", "10")
    assert result.returncode == 0, result.stderr
    assert "total" in result.stdout


def test_plan_without_quota_says_aws_is_needed_only_for_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    result = run_script("plan", "--start", "1", "--target", "9", "--days", "3")
    assert result.returncode == 2
    assert result.stderr.rstrip().endswith("(plan needs AWS only for the quota: pass --quota N)")


@pytest.mark.parametrize("command", [[], ["plan"], ["status"], ["gate"], ["ips"]])
def test_help_documents_every_option_and_exit_code(command: list[str]) -> None:
    result = run_script(*command, "--help")
    assert result.returncode == 0
    assert EXIT_CODES_HELP in result.stdout
    parser = cli.build_parser()
    if command:
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = sub.choices[command[0]]
    for action in parser._actions:
        for flag in action.option_strings:
            assert flag in result.stdout, f"{flag} missing from {' '.join(command)} --help"


def test_help_mentions_the_dry_run_default() -> None:
    assert "Dry-run unless --apply" in run_script("gate", "--help").stdout

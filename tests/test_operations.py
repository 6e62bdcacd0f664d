"""Quota metric, auto-pause and scripts/sending.py: pure cores, the two Lambdas, the CLI end to end.

SESv2 through botocore's Stubber on a real client (moto has no SESv2 configuration-set sending
options); CloudWatch and STS through moto.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

import sending as cli
from sesevents import FakeLambdaContext
from sesmail.cli.exits import EXIT_CODES_HELP
from sesmail.handlers.settings import SettingsError, load_auto_pause_settings, load_quota_metric_settings
from sesmail.operations import quota
from sesmail.operations.commands import RESUME_NOTE, Clients
from sesmail.operations.pause import (
    AlarmEventError,
    AlarmSetsError,
    SendingChange,
    SetState,
    parse_alarm_sets,
    parse_alarm_state_change,
    plan_sending,
    sets_to_pause,
)

ROOT = Path(__file__).resolve().parents[1]
ACCOUNT = {
    "SendQuota": {"Max24HourSend": 50000.0, "MaxSendRate": 14.0, "SentLast24Hours": 41000.0},
    "EnforcementStatus": "HEALTHY",
    "SendingEnabled": True,
    "ProductionAccessEnabled": True,
}
CRITICAL = "ses-production-ses-account-bounce-rate-critical"
ALARM_SETS = {CRITICAL: ["ses-production-marketing", "ses-production-transactional"]}


def alarm_event(name: str = CRITICAL, state: str = "ALARM", previous: str = "OK") -> dict[str, Any]:
    """The shape EventBridge delivers for a CloudWatch alarm state change."""
    return {
        "version": "0",
        "id": "c4c1c1c9-6542-e61b-6ef0-8c4d36933a92",
        "detail-type": "CloudWatch Alarm State Change",
        "source": "aws.cloudwatch",
        "account": "123456789012",
        "time": "2026-11-29T10:00:00Z",
        "region": "eu-west-1",
        "resources": [f"arn:aws:cloudwatch:eu-west-1:123456789012:alarm:{name}"],
        "detail": {
            "alarmName": name,
            "state": {"value": state, "reason": "Threshold Crossed: 1 datapoint [0.041] >= 0.04"},
            "previousState": {"value": previous, "reason": "ok"},
            "configuration": {"metrics": []},
        },
    }


def configuration_set(name: str, *, sending: bool | None) -> dict[str, Any]:
    response: dict[str, Any] = {"ConfigurationSetName": name}
    if sending is not None:
        response["SendingOptions"] = {"SendingEnabled": sending}
    return response


# --- quota (pure) ----------------------------------------------------------------------------------


def test_usage_is_recipients_sent_over_the_quota() -> None:
    reading = quota.reading_from_account(ACCOUNT)
    assert reading.usage == pytest.approx(0.82)


@pytest.mark.parametrize(("maximum", "usage"), [(-1.0, 0.0), (0.0, 1.0)])
def test_unlimited_and_zero_quotas(maximum: float, usage: float) -> None:
    reading = quota.QuotaReading(max_24_hour_send=maximum, sent_last_24_hours=10, max_send_rate=1)
    assert reading.usage == usage


@pytest.mark.parametrize("account", [{}, {"SendQuota": {"Max24HourSend": 1.0}}, {"SendQuota": None}])
def test_incomplete_account_is_a_domain_error(account: dict[str, Any]) -> None:
    with pytest.raises(quota.QuotaReadingError):
        quota.reading_from_account(account)


def test_metric_data_has_usage_and_raw_figures_per_region() -> None:
    at = dt.datetime(2026, 11, 29, 10, tzinfo=dt.UTC)
    data = quota.quota_metric_data(quota.reading_from_account(ACCOUNT), "eu-west-1", at)
    by_name = {d["MetricName"]: d for d in data}
    assert set(by_name) == {"SendQuotaUsage", "SentLast24Hours", "Max24HourSend", "MaxSendRate"}
    assert by_name["SendQuotaUsage"]["Value"] == pytest.approx(0.82)
    assert all(d["Dimensions"] == [{"Name": "Region", "Value": "eu-west-1"}] for d in data)
    assert all(d["Timestamp"] == at for d in data)


def test_terraform_alarms_watch_the_metric_name_the_code_publishes() -> None:
    main_tf = (ROOT / "terraform/modules/quota_metric/main.tf").read_text()
    assert f'metric_name = "{quota.SEND_QUOTA_USAGE}"' in main_tf
    assert f'"{quota.REGION_DIMENSION}"' in main_tf


# --- pause (pure) ----------------------------------------------------------------------------------


def test_alarm_state_change_is_parsed() -> None:
    change = parse_alarm_state_change(alarm_event())
    assert (change.alarm_name, change.state, change.previous_state) == (CRITICAL, "ALARM", "OK")


@pytest.mark.parametrize(
    "event",
    [
        {"source": "aws.ses", "detail-type": "Sending Status Disabled", "detail": {}},
        {"source": "aws.cloudwatch", "detail-type": "CloudWatch Alarm State Change"},
        {"source": "aws.cloudwatch", "detail-type": "CloudWatch Alarm State Change", "detail": {"state": {}}},
    ],
)
def test_other_events_are_refused(event: dict[str, Any]) -> None:
    with pytest.raises(AlarmEventError):
        parse_alarm_state_change(event)


def test_only_entering_alarm_on_a_known_alarm_pauses() -> None:
    sets = parse_alarm_sets(json.dumps(ALARM_SETS))
    assert sets_to_pause(parse_alarm_state_change(alarm_event()), sets) == tuple(ALARM_SETS[CRITICAL])
    assert sets_to_pause(parse_alarm_state_change(alarm_event(state="OK", previous="ALARM")), sets) == ()
    assert sets_to_pause(parse_alarm_state_change(alarm_event(name="ses-production-other")), sets) == ()


@pytest.mark.parametrize("raw", ["", "[]", "{}", '{"a": []}', '{"a": ["bad name!"]}', '{"a": "x"}'])
def test_malformed_alarm_sets_are_refused(raw: str) -> None:
    with pytest.raises(AlarmSetsError):
        parse_alarm_sets(raw)


def test_plan_changes_only_sets_not_already_there() -> None:
    states = [SetState("b", sending_enabled=False), SetState("a", sending_enabled=True)]
    assert plan_sending(states, sending_enabled=False) == [SendingChange("a", sending_enabled=False)]
    assert plan_sending(states, sending_enabled=True) == [SendingChange("b", sending_enabled=True)]


def test_settings_fail_fast() -> None:
    with pytest.raises(SettingsError, match="AUTO_PAUSE_ALARMS"):
        load_auto_pause_settings({"AUTO_PAUSE_ALARMS": "{"})
    with pytest.raises(SettingsError, match="custom CloudWatch namespace"):
        load_quota_metric_settings({"SEND_QUOTA_METRIC_NAMESPACE": "AWS/SES", "AWS_REGION": "eu-west-1"})
    with pytest.raises(SettingsError, match="AWS_REGION"):
        load_quota_metric_settings({"SEND_QUOTA_METRIC_NAMESPACE": "SesMailPlatform"})
    with pytest.raises(SettingsError, match="not regions"):
        load_quota_metric_settings(
            {"SEND_QUOTA_METRIC_NAMESPACE": "X", "SEND_QUOTA_REGIONS": "eu-west-1,Ireland"}
        )
    settings = load_quota_metric_settings(
        {
            "SEND_QUOTA_METRIC_NAMESPACE": "X",
            "SEND_QUOTA_REGIONS": " eu-west-1, eu-central-1,eu-west-1",
            "AWS_REGION": "x",
        }
    )
    assert settings.regions == ("eu-west-1", "eu-central-1")
    assert load_quota_metric_settings(
        {"SEND_QUOTA_METRIC_NAMESPACE": "X", "AWS_REGION": "us-east-1"}
    ).regions == ("us-east-1",)


# --- the two Lambdas -------------------------------------------------------------------------------


@pytest.fixture
def quota_handler(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    monkeypatch.setenv("SEND_QUOTA_METRIC_NAMESPACE", "SesMailPlatform")
    monkeypatch.setenv("SEND_QUOTA_REGIONS", "eu-west-1,eu-central-1")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "ses-quota-metric")
    with mock_aws():
        import sesmail.handlers.quota_metric as module

        yield importlib.reload(module)


def published(region: str) -> dict[str, Any]:
    metrics = boto3.client("cloudwatch", region_name=region).list_metrics(Namespace="SesMailPlatform")[
        "Metrics"
    ]
    return {m["MetricName"]: m["Dimensions"] for m in metrics}


def test_quota_handler_publishes_each_regions_usage_in_that_region(quota_handler: ModuleType) -> None:
    # GIVEN the primary sent 41,000 of 50,000 and the standby 10 of 200
    primary, standby = (quota_handler.clients[r][0] for r in ("eu-west-1", "eu-central-1"))
    standby_account = {
        **ACCOUNT,
        "SendQuota": {"Max24HourSend": 200.0, "MaxSendRate": 1.0, "SentLast24Hours": 10.0},
    }
    with Stubber(primary) as first, Stubber(standby) as second:
        first.add_response("get_account", ACCOUNT, {})
        second.add_response("get_account", standby_account, {})
        # WHEN the scheduled run fires
        usage = quota_handler.handler({"source": "aws.scheduler"}, FakeLambdaContext())
    # THEN each region's usage is published to its own region, where its alarms look
    assert usage == {"eu-west-1": pytest.approx(0.82), "eu-central-1": pytest.approx(0.05)}
    assert published("eu-west-1")["SendQuotaUsage"] == [{"Name": "Region", "Value": "eu-west-1"}]
    assert published("eu-central-1")["SendQuotaUsage"] == [{"Name": "Region", "Value": "eu-central-1"}]
    assert {"SentLast24Hours", "Max24HourSend", "MaxSendRate"} <= set(published("eu-west-1"))


def test_a_failing_region_does_not_stop_the_others_but_fails_the_run(quota_handler: ModuleType) -> None:
    primary, standby = (quota_handler.clients[r][0] for r in ("eu-west-1", "eu-central-1"))
    with Stubber(primary) as first, Stubber(standby) as second:
        first.add_client_error("get_account", "AccessDeniedException", "no", 403)
        second.add_response("get_account", ACCOUNT, {})
        with pytest.raises(quota_handler.QuotaPublishError, match="eu-west-1"):
            quota_handler.handler({}, FakeLambdaContext())
    assert published("eu-west-1") == {}
    assert "SendQuotaUsage" in published("eu-central-1")


@pytest.fixture
def pause_handler(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    monkeypatch.setenv("AUTO_PAUSE_ALARMS", json.dumps(ALARM_SETS))
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "ses-auto-pause")
    import sesmail.handlers.auto_pause as module

    yield importlib.reload(module)


def test_auto_pause_pauses_sending_sets_and_leaves_paused_ones(pause_handler: ModuleType) -> None:
    marketing, transactional = ALARM_SETS[CRITICAL]
    with Stubber(pause_handler.sesv2) as stub:
        # GIVEN marketing is sending and transactional already paused
        stub.add_response(
            "get_configuration_set",
            configuration_set(marketing, sending=None),
            {"ConfigurationSetName": marketing},
        )
        stub.add_response(
            "get_configuration_set",
            configuration_set(transactional, sending=False),
            {"ConfigurationSetName": transactional},
        )
        # THEN exactly one pause is sent, for marketing (Stubber fails on any other call)
        stub.add_response(
            "put_configuration_set_sending_options",
            {},
            {"ConfigurationSetName": marketing, "SendingEnabled": False},
        )
        # WHEN the critical alarm enters ALARM
        result = pause_handler.handler(alarm_event(), FakeLambdaContext())
        stub.assert_no_pending_responses()
    assert result == {"alarm": CRITICAL, "paused": [marketing], "already_paused": [transactional]}


@pytest.mark.parametrize(
    "event", [alarm_event(state="OK", previous="ALARM"), alarm_event(name="other-alarm")]
)
def test_auto_pause_never_resumes_or_acts_on_other_alarms(
    pause_handler: ModuleType, event: dict[str, Any]
) -> None:
    with Stubber(pause_handler.sesv2):  # no responses queued: any SES call fails the test
        result = pause_handler.handler(event, FakeLambdaContext())
    assert result["paused"] == []


# --- scripts/sending.py ----------------------------------------------------------------------------


class Harness:
    def __init__(self) -> None:
        self.sesv2 = boto3.client("sesv2", region_name="eu-west-1")
        self.stub = Stubber(self.sesv2)
        self.stub.activate()
        self.clients = Clients(make_sesv2=lambda: self.sesv2, make_sts=lambda: boto3.client("sts"))

    def sets(self, **sending: bool) -> None:
        for name, enabled in sending.items():
            self.stub.add_response(
                "get_configuration_set",
                configuration_set(name, sending=enabled),
                {"ConfigurationSetName": name},
            )

    def run(self, *argv: str, answer: str = "", tty: bool = True) -> tuple[int, str]:
        out = io.StringIO()
        code = cli.main(
            list(argv), clients=self.clients, out=out, stdin=io.StringIO(answer), stdin_is_tty=lambda: tty
        )
        return code, out.getvalue()


@pytest.fixture
def aws() -> Iterator[Harness]:
    with mock_aws():
        yield Harness()


def test_status_shows_account_quota_and_each_set(aws: Harness) -> None:
    aws.stub.add_response("get_account", ACCOUNT, {})
    aws.stub.add_response(
        "list_configuration_sets", {"ConfigurationSets": ["marketing", "transactional"]}, {}
    )
    aws.sets(marketing=False, transactional=True)
    code, out = aws.run("status")
    assert code == 0
    assert "account: sending enabled, enforcement HEALTHY, quota 41000 / 50000 in 24 h (82.0 %)" in out
    assert "marketing" in out and "PAUSED" in out


def test_status_json(aws: Harness) -> None:
    aws.stub.add_response("get_account", ACCOUNT, {})
    aws.sets(transactional=True)
    code, out = aws.run("status", "--configuration-set", "transactional", "--format", "json")
    assert code == 0
    assert json.loads(out)["configuration_sets"] == {"transactional": True}


def test_pause_is_a_dry_run_by_default(aws: Harness, tmp_path: Path) -> None:
    aws.sets(marketing=True)
    log = tmp_path / "audit.jsonl"
    code, out = aws.run("pause", "--configuration-set", "marketing", "--audit-log", str(log))
    assert code == 0
    assert "dry-run: would pause marketing" in out
    assert not log.exists()
    aws.stub.assert_no_pending_responses()  # and no put was made: Stubber would have refused it


def test_pause_apply_writes_and_audits_each_set(aws: Harness, tmp_path: Path) -> None:
    aws.sets(marketing=True, transactional=False)
    aws.stub.add_response(
        "put_configuration_set_sending_options",
        {},
        {"ConfigurationSetName": "marketing", "SendingEnabled": False},
    )
    log = tmp_path / "audit.jsonl"
    code, out = aws.run(
        "pause",
        "--configuration-set",
        "marketing",
        "--configuration-set",
        "transactional",
        "--apply",
        "--audit-log",
        str(log),
        "--reason",
        "INC-42",
        answer="y\n",
    )
    assert code == 0, out
    assert "already paused: transactional" in out and "done: pause marketing" in out
    (record,) = [json.loads(line) for line in log.read_text().splitlines()]
    assert record["configuration_set"] == "marketing" and record["after"] is False
    assert record["reason"] == "INC-42" and record["operator"].startswith("arn:aws:sts::")
    assert record["tool"] == "sending.py"


def test_declined_changes_nothing(aws: Harness, tmp_path: Path) -> None:
    aws.sets(marketing=True)
    code, _ = aws.run(
        "pause",
        "--configuration-set",
        "marketing",
        "--apply",
        "--audit-log",
        str(tmp_path / "a"),
        answer="n\n",
    )
    assert code == 4
    aws.stub.assert_no_pending_responses()


def test_apply_without_a_terminal_needs_yes(aws: Harness, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = aws.run("pause", "--configuration-set", "marketing", "--apply", tty=False)
    assert code == 2
    assert "pass --yes" in capsys.readouterr().err


def test_resume_warns_that_reputation_metrics_restart(aws: Harness, tmp_path: Path) -> None:
    aws.sets(marketing=False)
    aws.stub.add_response(
        "put_configuration_set_sending_options",
        {},
        {"ConfigurationSetName": "marketing", "SendingEnabled": True},
    )
    code, out = aws.run(
        "resume",
        "--configuration-set",
        "marketing",
        "--apply",
        "--yes",
        "--audit-log",
        str(tmp_path / "a.jsonl"),
    )
    assert code == 0
    assert RESUME_NOTE in out and "done: resume marketing" in out


def test_unknown_set_is_not_found(aws: Harness) -> None:
    aws.stub.add_client_error("get_configuration_set", "NotFoundException", "no such set", 404)
    code, out = aws.run("pause", "--configuration-set", "nope")
    assert code == 3
    assert "does not exist" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["pause"], "--configuration-set NAME (repeatable) or --all"),
        (["resume", "--all", "--configuration-set", "a"], "not both"),
    ],
)
def test_usage_errors_are_one_line(
    aws: Harness, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = aws.run(*argv)
    assert code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.count("\n") == 1


def test_help_lists_the_subcommands_and_exit_codes() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts/sending.py"), "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "{status,pause,resume}" in result.stdout
    assert EXIT_CODES_HELP.splitlines()[0] in result.stdout

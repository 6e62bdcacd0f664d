"""Warm-up data access: SSM and CloudWatch through moto, SESv2 through Stubber on a real client."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from fake_clock import FakeClock
from sesmail.aws.calls import AwsCallError, AwsSetupError, RateLimiter
from sesmail.warmup import aws as warmup_aws
from sesmail.warmup import cap as warmup_cap
from sesmail.warmup.schedule import Action, CapRecord, WarmupInputError

NOW = dt.datetime(2026, 12, 5, 9, 0, tzinfo=dt.UTC)
PARAMETER = "/ses/production/warmup/mail.example.com/daily_cap"


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        yield


def put_ses_metric(
    cloudwatch: Any, name: str, value: float, when: dt.datetime, configuration_set: str | None
) -> None:
    dimensions = [{"Name": "ses:configuration-set", "Value": configuration_set}] if configuration_set else []
    cloudwatch.put_metric_data(
        Namespace="AWS/SES",
        MetricData=[
            {"MetricName": name, "Dimensions": dimensions, "Timestamp": when, "Value": value, "Unit": "Count"}
        ],
    )


def test_metrics_sum_counts_in_the_window_for_one_configuration_set(aws: None) -> None:
    # GIVEN SES counts for two configuration sets and one datapoint older than the window
    cloudwatch = boto3.client("cloudwatch")
    for name, value in (("Send", 700), ("Send", 300), ("Bounce", 12), ("Complaint", 1), ("DeliveryDelay", 9)):
        put_ses_metric(cloudwatch, name, value, NOW - dt.timedelta(hours=3), "transactional")
    put_ses_metric(cloudwatch, "Send", 5000, NOW - dt.timedelta(hours=3), "marketing")
    put_ses_metric(cloudwatch, "Send", 4000, NOW - dt.timedelta(hours=30), "transactional")
    put_ses_metric(cloudwatch, "Reputation.BounceRate", 0.011, NOW - dt.timedelta(hours=2), "transactional")
    # WHEN the last 24 h are read for "transactional"
    metrics = warmup_aws.sending_metrics(
        cloudwatch,
        end=NOW,
        window=dt.timedelta(hours=24),
        configuration_set="transactional",
        enforcement_status="HEALTHY",
    )
    # THEN only that set's datapoints inside the window count; unknown rates stay None
    assert (metrics.sends, metrics.bounces, metrics.complaints, metrics.delays) == (1000, 12, 1, 9)
    assert metrics.reputation_bounce_rate == pytest.approx(0.011)
    assert metrics.reputation_complaint_rate is None
    assert metrics.bounce_rate == pytest.approx(0.012)  # the worse of 12/1000 and 1.1 %


def test_metrics_with_no_datapoints_are_zero_sends(aws: None) -> None:
    metrics = warmup_aws.sending_metrics(
        boto3.client("cloudwatch"),
        end=NOW,
        window=dt.timedelta(hours=24),
        configuration_set=None,
        enforcement_status=None,
    )
    assert (metrics.sends, metrics.bounce_rate, metrics.delay_rate) == (0, None, None)


def record(step: int = 2, cap: int = 2000) -> CapRecord:
    return CapRecord(daily_cap=cap, step=step, decided_at=NOW, decision=Action.ADVANCE, step_since=NOW)


def test_cap_write_then_read_round_trips(aws: None) -> None:
    ssm = boto3.client("ssm")
    assert warmup_aws.read_cap(ssm, "production", "mail.example.com") is None
    name = warmup_aws.write_cap(ssm, "production", "mail.example.com", record())
    assert name == PARAMETER
    stored = json.loads(ssm.get_parameter(Name=PARAMETER)["Parameter"]["Value"])
    assert stored == {
        "daily_cap": 2000,
        "step": 2,
        "decided_at": "2026-12-05T09:00:00Z",
        "decision": "advance",
        "step_since": "2026-12-05T09:00:00Z",
    }
    assert warmup_aws.read_cap(ssm, "production", "mail.example.com") == record()


def test_malformed_published_cap_is_an_input_error(aws: None) -> None:
    ssm = boto3.client("ssm")
    ssm.put_parameter(Name=PARAMETER, Value="2000", Type="String")
    with pytest.raises(WarmupInputError, match="published cap is not a JSON object"):
        warmup_aws.read_cap(ssm, "production", "mail.example.com")
    ssm.put_parameter(Name=PARAMETER, Value="{oops", Type="String", Overwrite=True)
    with pytest.raises(WarmupInputError, match="does not hold JSON"):
        warmup_aws.read_cap(ssm, "production", "mail.example.com")


@pytest.fixture(autouse=True)
def unpaced_ses(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pacing is tested once, explicitly; elsewhere SES calls must not wait on the real clock."""
    monkeypatch.setattr(warmup_aws, "ses_limiter", RateLimiter(math.inf))


@pytest.fixture(autouse=True)
def fresh_cap_cache() -> Iterator[None]:
    warmup_cap.clear_cache()
    yield
    warmup_cap.clear_cache()


def test_daily_cap_caches_for_the_ttl_then_rereads(aws: None) -> None:
    # GIVEN a published cap of 2000 and a process that read it once
    ssm, clock = boto3.client("ssm"), FakeClock()
    warmup_aws.write_cap(ssm, "production", "mail.example.com", record())
    assert (
        warmup_cap.daily_cap("mail.example.com", "production", ssm_client=ssm, ttl_seconds=300, clock=clock)
        == 2000
    )
    # WHEN the gate publishes 4000
    warmup_aws.write_cap(ssm, "production", "mail.example.com", record(step=3, cap=4000))
    # THEN the cached 2000 is served until the TTL expires, then 4000
    clock.now += 299
    assert warmup_cap.daily_cap("mail.example.com", "production", ssm_client=ssm, clock=clock) == 2000
    clock.now += 2
    assert warmup_cap.daily_cap("mail.example.com", "production", ssm_client=ssm, clock=clock) == 4000


def test_daily_cap_is_none_without_a_published_ramp(aws: None) -> None:
    assert warmup_cap.daily_cap("new.example.com", "staging", ssm_client=boto3.client("ssm")) is None


def test_daily_cap_serves_stale_value_when_ssm_fails_and_raises_without_one(aws: None) -> None:
    ssm, clock = boto3.client("ssm"), FakeClock()
    warmup_aws.write_cap(ssm, "production", "mail.example.com", record())
    assert warmup_cap.daily_cap("mail.example.com", "production", ssm_client=ssm, clock=clock) == 2000
    broken = boto3.client("ssm")
    with Stubber(broken) as stub:
        stub.add_client_error("get_parameter", service_error_code="InternalFailure", http_status_code=400)
        clock.now += 3600
        assert warmup_cap.daily_cap("mail.example.com", "production", ssm_client=broken, clock=clock) == 2000
    warmup_cap.clear_cache()
    with Stubber(broken) as stub:
        stub.add_client_error(
            "get_parameter", service_error_code="AccessDeniedException", http_status_code=400
        )
        with pytest.raises(warmup_cap.WarmupCapUnavailableError, match="AccessDeniedException"):
            warmup_cap.daily_cap("mail.example.com", "production", ssm_client=broken, clock=clock)


def test_daily_cap_rejects_bad_names() -> None:
    with pytest.raises(WarmupInputError):
        warmup_cap.daily_cap("../etc", "production", ssm_client=boto3.client("ssm"))


# --- SESv2 via Stubber (moto's SESv2 GetAccount is not implemented) -----------------------------


GET_ACCOUNT = {
    "DedicatedIpAutoWarmupEnabled": True,
    "EnforcementStatus": "PROBATION",
    "ProductionAccessEnabled": True,
    "SendQuota": {"Max24HourSend": 50000.0, "MaxSendRate": 14.0, "SentLast24Hours": 1234.0},
    "SendingEnabled": True,
}


def test_get_account_reads_quota_and_enforcement_status() -> None:
    sesv2 = boto3.client("sesv2")
    with Stubber(sesv2) as stub:
        stub.add_response("get_account", GET_ACCOUNT, {})
        account = warmup_aws.get_account(sesv2)
    assert (account.max_24_hour_send, account.sent_last_24_hours, account.enforcement_status) == (
        50000,
        1234,
        "PROBATION",
    )


def test_dedicated_ips_follow_next_token_and_pass_the_pool() -> None:
    sesv2 = boto3.client("sesv2")
    with Stubber(sesv2) as stub:
        stub.add_response(
            "get_dedicated_ips",
            {
                "DedicatedIps": [
                    {
                        "Ip": "192.0.2.10",
                        "WarmupStatus": "IN_PROGRESS",
                        "WarmupPercentage": 40,
                        "PoolName": "p",
                    }
                ],
                "NextToken": "t1",
            },
            {"PoolName": "p", "PageSize": 100},
        )
        stub.add_response(
            "get_dedicated_ips",
            {
                "DedicatedIps": [
                    {"Ip": "192.0.2.11", "WarmupStatus": "DONE", "WarmupPercentage": 100, "PoolName": "p"}
                ]
            },
            {"PoolName": "p", "PageSize": 100, "NextToken": "t1"},
        )
        ips = warmup_aws.list_dedicated_ips(sesv2, "p")
        stub.assert_no_pending_responses()
    assert [(ip.ip, ip.warmup_percentage) for ip in ips] == [("192.0.2.10", 40), ("192.0.2.11", 100)]


def test_throttled_ses_calls_are_retried_and_other_errors_are_domain_errors() -> None:
    sesv2 = boto3.client("sesv2")
    with Stubber(sesv2) as stub:
        stub.add_client_error(
            "get_account", service_error_code="TooManyRequestsException", http_status_code=429
        )
        stub.add_response("get_account", GET_ACCOUNT, {})
        assert warmup_aws.get_account(sesv2).max_24_hour_send == 50000
        stub.add_client_error("get_account", service_error_code="AccessDeniedException", service_message="no")
        with pytest.raises(AwsCallError, match="get_account failed: AccessDeniedException: no"):
            warmup_aws.get_account(sesv2)


def test_ses_calls_share_one_paced_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN the SES limiter at one request per second on a clock that only moves when we sleep
    clock = FakeClock()
    monkeypatch.setattr(warmup_aws, "ses_limiter", RateLimiter(1.0, clock=clock, sleep=clock.sleep))
    sesv2 = boto3.client("sesv2")
    with Stubber(sesv2) as stub:
        stub.add_response("get_account", GET_ACCOUNT, {})
        stub.add_response("get_dedicated_ips", {"DedicatedIps": []}, {"PageSize": 100})
        stub.add_response(
            "put_dedicated_ip_warmup_attributes", {}, {"Ip": "192.0.2.10", "WarmupPercentage": 50}
        )
        # WHEN three SES calls are made back to back
        warmup_aws.get_account(sesv2)
        warmup_aws.list_dedicated_ips(sesv2)
        warmup_aws.set_ip_warmup_percentage(sesv2, "192.0.2.10", 50)
    # THEN the second and third each waited one second
    assert clock.sleeps == [1.0, 1.0]


def test_missing_region_is_a_setup_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    with pytest.raises(AwsSetupError, match="no AWS region configured"):
        warmup_aws.client("sesv2")

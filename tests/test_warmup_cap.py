"""``daily_cap()`` on the send path: bounded latency, the last known value on error, fail closed without one.

The SSM client is a small fake that counts requests and fails on demand; time is a ``FakeClock`` (its
``sleep`` advances it), so "quickly" is measured in simulated seconds, never wall time.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from fake_clock import FakeClock
from sesmail.warmup import cap as warmup_cap
from sesmail.warmup.schedule import Action, CapRecord

NOW = dt.datetime(2026, 12, 5, 9, 0, tzinfo=dt.UTC)
DOMAIN, ENV = "mail.example.com", "production"


class FakeSsm:
    """GetParameter that serves ``value`` or raises ``failure``; counts every request."""

    def __init__(self, cap: int | None = 2000) -> None:
        self.requests = 0
        self.failure: Exception | None = None
        self.value = None if cap is None else self.published(cap)

    @staticmethod
    def published(cap: int) -> str:
        record = CapRecord(daily_cap=cap, step=2, decided_at=NOW, decision=Action.ADVANCE, step_since=NOW)
        return json.dumps(record.to_json_dict())

    def get_parameter(self, **params: Any) -> dict[str, Any]:
        self.requests += 1
        if self.failure is not None:
            raise self.failure
        if self.value is None:
            raise ClientError({"Error": {"Code": "ParameterNotFound", "Message": "none"}}, "GetParameter")
        return {"Parameter": {"Name": params["Name"], "Value": self.value}}


def server_error() -> ClientError:
    return ClientError(
        {
            "Error": {"Code": "InternalServerError", "Message": "boom"},
            "ResponseMetadata": {"HTTPStatusCode": 500},
        },
        "GetParameter",
    )


@pytest.fixture(autouse=True)
def fresh_cap_cache() -> Iterator[None]:
    warmup_cap.clear_cache()
    yield
    warmup_cap.clear_cache()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def metrics() -> list[tuple[str, float]]:
    return []


def read(ssm: FakeSsm, clock: FakeClock, metrics: list[tuple[str, float]]) -> int | None:
    return warmup_cap.daily_cap(
        DOMAIN,
        ENV,
        ssm_client=ssm,  # type: ignore[arg-type]
        clock=clock,
        sleep=clock.sleep,
        metrics_sink=lambda name, value: metrics.append((name, value)),
    )


@pytest.mark.parametrize("failure", [server_error(), EndpointConnectionError(endpoint_url="https://ssm")])
def test_a_failing_backend_serves_the_cached_cap_after_one_retry_and_says_so(
    clock: FakeClock, metrics: list[tuple[str, float]], caplog: pytest.LogCaptureFixture, failure: Exception
) -> None:
    # GIVEN a cap read once, then SSM failing once the TTL has expired
    ssm = FakeSsm()
    assert read(ssm, clock, metrics) == 2000
    ssm.failure = failure
    clock.now += warmup_cap.DEFAULT_TTL_SECONDS + 1
    started = clock.now
    # WHEN the sender asks again
    cap = read(ssm, clock, metrics)
    # THEN it gets the last known cap, after one retry and a short backoff, with a metric and a log line
    assert cap == 2000
    assert ssm.requests == 1 + warmup_cap.SEND_PATH_MAX_ATTEMPTS == 3
    assert clock.now - started <= warmup_cap.SEND_PATH_MAX_BACKOFF_SECONDS
    assert metrics == [(warmup_cap.CAP_STALE_METRIC, 1.0)]
    assert "serving the warm-up cap read 301 s ago for mail.example.com (production)" in caplog.text
    # AND for the failure backoff it does not ask SSM again: every send would otherwise pay the retries
    clock.now += warmup_cap.FAILURE_BACKOFF_SECONDS - 1
    assert read(ssm, clock, metrics) == 2000
    assert ssm.requests == 3
    assert metrics == [(warmup_cap.CAP_STALE_METRIC, 1.0)] * 2
    # AND after it, SSM is tried again (and a recovered SSM refreshes the cache)
    clock.now += 2
    ssm.failure = None
    ssm.value = FakeSsm.published(4000)
    assert read(ssm, clock, metrics) == 4000
    assert ssm.requests == 4


def test_a_cached_cap_older_than_the_bound_is_not_served(
    clock: FakeClock, metrics: list[tuple[str, float]]
) -> None:
    # GIVEN a cap read once, then SSM down for longer than the stale bound
    ssm = FakeSsm()
    assert read(ssm, clock, metrics) == 2000
    ssm.failure = server_error()
    clock.now += warmup_cap.MAX_STALE_SECONDS + 1
    # THEN the sender fails closed, as if nothing had ever been read
    with pytest.raises(warmup_cap.WarmupCapUnavailableError, match="no cap read in the last 6 h"):
        read(ssm, clock, metrics)
    assert metrics == [(warmup_cap.CAP_UNAVAILABLE_METRIC, 1.0)]


def test_with_nothing_cached_it_fails_closed_quickly_and_then_without_asking_again(
    clock: FakeClock, metrics: list[tuple[str, float]], caplog: pytest.LogCaptureFixture
) -> None:
    # GIVEN a fresh process (nothing cached) and SSM down
    ssm = FakeSsm()
    ssm.failure = server_error()
    # WHEN the sender asks THEN it is refused after one retry; the error names the cause
    with pytest.raises(warmup_cap.WarmupCapUnavailableError, match="InternalServerError"):
        read(ssm, clock, metrics)
    assert ssm.requests == warmup_cap.SEND_PATH_MAX_ATTEMPTS
    assert metrics == [(warmup_cap.CAP_UNAVAILABLE_METRIC, 1.0)]
    assert caplog.records[-1].levelno == logging.ERROR
    # AND within the failure backoff the refusal is immediate
    with pytest.raises(warmup_cap.WarmupCapUnavailableError):
        read(ssm, clock, metrics)
    assert ssm.requests == warmup_cap.SEND_PATH_MAX_ATTEMPTS


def test_no_published_ramp_is_still_no_cap_and_is_cached(
    clock: FakeClock, metrics: list[tuple[str, float]]
) -> None:
    ssm = FakeSsm(cap=None)
    assert read(ssm, clock, metrics) is None
    assert read(ssm, clock, metrics) is None
    assert (ssm.requests, metrics) == (1, [])


def test_the_send_path_client_has_short_timeouts_and_no_botocore_retries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in {
        "AWS_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }.items():
        monkeypatch.setenv(name, value)
    config = warmup_cap.send_path_client().meta.config
    assert (config.connect_timeout, config.read_timeout) == (
        warmup_cap.CONNECT_TIMEOUT_SECONDS,
        warmup_cap.READ_TIMEOUT_SECONDS,
    )
    assert config.retries["total_max_attempts"] == 1
    # the worst case a sender waits for a cap (documented in docs/decisions/0051-warmup-gate.md)
    assert warmup_cap.worst_case_latency_seconds() <= 5.0

"""The shared AWS call helper: pacing (injected clock), backoff with jitter, pagination, setup errors."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator, Mapping
from typing import Any

import boto3
import pytest
from botocore.exceptions import (
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
)
from botocore.stub import Stubber

from fake_clock import FakeClock
from sesmail.aws import clients as factory
from sesmail.aws.calls import (
    THROTTLING_ERROR_CODES,
    AwsCallError,
    AwsSetupError,
    AwsThrottledError,
    RateLimiter,
    call_with_retries,
    client_config,
    paginate,
    paginate_pages,
    setup_error_message,
    setup_errors_as_domain,
)


def client_error(code: str, status: int = 400, operation: str = "ListSuppressedDestinations") -> ClientError:
    return ClientError(
        {
            "Error": {"Code": code, "Message": f"{code} message"},
            "ResponseMetadata": {"HTTPStatusCode": status},
        },
        operation,
    )


class Scripted:
    """A callable returning/raising scripted outcomes and recording the parameters of each call."""

    __name__ = "scripted_call"

    def __init__(self, *outcomes: Mapping[str, Any] | Exception) -> None:
        self.outcomes = list(outcomes)
        self.calls: list[dict[str, Any]] = []

    def __call__(self, **params: Any) -> Mapping[str, Any]:
        self.calls.append(params)
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


# --- RateLimiter -----------------------------------------------------------------------------------


def test_limiter_spaces_calls_by_the_interval_after_the_first() -> None:
    # GIVEN a 2 req/s limiter on a clock that only moves when sleeping
    clock = FakeClock()
    limiter = RateLimiter(2.0, clock=clock, sleep=clock.sleep)
    # WHEN five calls acquire back to back
    waits = [limiter.acquire() for _ in range(5)]
    # THEN the first is free and each later one waits exactly 0.5 s
    assert waits == [0.0, 0.5, 0.5, 0.5, 0.5]
    assert clock.now == pytest.approx(1002.0)


def test_limiter_does_not_wait_when_the_caller_is_slower_than_the_rate() -> None:
    clock = FakeClock()
    limiter = RateLimiter(1.0, clock=clock, sleep=clock.sleep)
    limiter.acquire()
    clock.now += 5.0  # caller spent 5 s on other work
    # THEN the idle time buys one token (burst 1), not five
    assert limiter.acquire() == 0.0
    assert limiter.acquire() == pytest.approx(1.0)


def test_limiter_burst_allows_that_many_immediate_calls() -> None:
    clock = FakeClock()
    limiter = RateLimiter(1.0, clock=clock, sleep=clock.sleep, burst=3)
    assert [limiter.acquire() for _ in range(4)] == [0.0, 0.0, 0.0, 1.0]


def test_unlimited_limiter_never_sleeps() -> None:
    clock = FakeClock()
    limiter = RateLimiter(float("inf"), clock=clock, sleep=clock.sleep)
    assert all(limiter.acquire() == 0.0 for _ in range(100))
    assert clock.sleeps == []


@pytest.mark.parametrize("rate", [0, -1, float("nan")])
def test_limiter_rejects_non_positive_rates(rate: float) -> None:
    with pytest.raises(ValueError, match="rate_per_second must be > 0"):
        RateLimiter(rate)


def test_limiter_reservations_are_shared_across_threads() -> None:
    # GIVEN one limiter shared by 8 threads on a fake clock (sleep records, time advances under a lock)
    lock = threading.Lock()
    clock = FakeClock()

    def sleep(seconds: float) -> None:
        with lock:
            clock.sleeps.append(seconds)

    limiter = RateLimiter(4.0, clock=clock, sleep=sleep)
    threads = [threading.Thread(target=limiter.acquire) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # THEN every caller got a distinct slot: waits 0.25, 0.5, ... 1.75 (time never moved)
    assert sorted(clock.sleeps) == pytest.approx([0.25 * i for i in range(1, 8)])


# --- call_with_retries -----------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(THROTTLING_ERROR_CODES))
def test_throttling_is_retried_with_full_jitter_then_succeeds(code: str) -> None:
    # GIVEN a call throttled twice, then successful
    clock = FakeClock()
    fn = Scripted(client_error(code), client_error(code), {"ok": True})
    rng = random.Random(7)
    replay = random.Random(7)
    expected_delays = [replay.uniform(0, 0.5), replay.uniform(0, 1.0)]
    # WHEN it is called through the helper
    result = call_with_retries(fn, rng=rng, sleep=clock.sleep, base_delay=0.5, max_delay=20, Param="x")
    # THEN it returns the third answer, after two jittered backoffs within the exponential cap
    assert result == {"ok": True}
    assert fn.calls == [{"Param": "x"}] * 3
    assert clock.sleeps == pytest.approx(expected_delays)


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_retryable_http_statuses_are_retried(status: int) -> None:
    clock = FakeClock()
    fn = Scripted(client_error("SomethingOdd", status), {"ok": 1})
    assert call_with_retries(fn, sleep=clock.sleep) == {"ok": 1}
    assert len(clock.sleeps) == 1


def test_connection_errors_are_retried() -> None:
    clock = FakeClock()
    fn = Scripted(EndpointConnectionError(endpoint_url="https://example.invalid"), {"ok": 1})
    assert call_with_retries(fn, sleep=clock.sleep) == {"ok": 1}


def test_backoff_is_capped_by_max_delay() -> None:
    # GIVEN an rng that always picks the top of the range
    class TopOfRange(random.Random):
        def uniform(self, a: float, b: float) -> float:
            return b

    clock = FakeClock()
    fn = Scripted(*[client_error("Throttling")] * 5, {"ok": 1})
    call_with_retries(fn, rng=TopOfRange(), sleep=clock.sleep, base_delay=1, max_delay=5, max_attempts=6)
    # THEN delays double until the cap
    assert clock.sleeps == [1, 2, 4, 5, 5]


def test_giving_up_after_max_attempts_raises_throttled_domain_error() -> None:
    clock = FakeClock()
    fn = Scripted(*[client_error("TooManyRequestsException", 429)] * 3)
    with pytest.raises(AwsThrottledError) as raised:
        call_with_retries(fn, max_attempts=3, sleep=clock.sleep)
    assert raised.value.code == "TooManyRequestsException"
    assert raised.value.operation == "scripted_call"
    assert raised.value.status == 429
    assert len(fn.calls) == 3
    assert len(clock.sleeps) == 2  # no pointless sleep after the last attempt


def test_non_retryable_error_is_raised_at_once_as_domain_error() -> None:
    clock = FakeClock()
    fn = Scripted(client_error("NotFoundException", 404))
    with pytest.raises(AwsCallError) as raised:
        call_with_retries(fn, sleep=clock.sleep)
    assert not isinstance(raised.value, AwsThrottledError)
    assert (raised.value.code, raised.value.status) == ("NotFoundException", 404)
    assert "NotFoundException message" in str(raised.value)
    assert clock.sleeps == []


def test_every_attempt_including_retries_is_paced_by_the_limiter() -> None:
    # GIVEN a 1 req/s limiter and a backoff that sleeps 0 s (rng picks the bottom of the range)
    class BottomOfRange(random.Random):
        def uniform(self, a: float, b: float) -> float:
            return a

    clock = FakeClock()
    limiter = RateLimiter(1.0, clock=clock, sleep=clock.sleep)
    fn = Scripted(client_error("Throttling"), client_error("Throttling"), {"ok": 1})
    call_with_retries(fn, limiter=limiter, rng=BottomOfRange(), sleep=clock.sleep)
    # THEN the three requests were still spaced one second apart
    assert clock.now == pytest.approx(1002.0)


@pytest.mark.parametrize(
    ("exc", "fragment"),
    [
        (NoCredentialsError(), "no AWS credentials found"),
        (
            PartialCredentialsError(provider="env", cred_var="AWS_SECRET_ACCESS_KEY"),
            "incomplete AWS credentials",
        ),
        (NoRegionError(), "no AWS region configured"),
    ],
)
def test_missing_credentials_or_region_become_one_line_setup_errors(exc: Exception, fragment: str) -> None:
    fn = Scripted(exc)
    with pytest.raises(AwsSetupError) as raised:
        call_with_retries(fn)
    message = str(raised.value)
    assert fragment in message
    assert "\n" not in message
    assert setup_error_message(exc) == message
    assert setup_error_message(ValueError("x")) is None


def test_client_creation_without_region_is_a_setup_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    with pytest.raises(AwsSetupError, match="no AWS region configured"), setup_errors_as_domain():
        boto3.session.Session().client("sesv2")


def test_real_client_without_credentials_is_a_setup_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a real sesv2 client and an environment with no credentials at all
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SECURITY_TOKEN", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    client = boto3.session.Session().client("sesv2", config=client_config())
    # WHEN a call is made THEN the operator gets the one-line setup error (nothing reaches AWS)
    with pytest.raises(AwsSetupError, match="no AWS credentials found"):
        call_with_retries(client.get_account)


def test_client_config_disables_botocore_retries() -> None:
    assert client_config().retries == {"total_max_attempts": 1, "mode": "standard"}


# --- paginate --------------------------------------------------------------------------------------


def sesv2_stubbed() -> tuple[Any, Stubber]:
    client = boto3.session.Session().client("sesv2", region_name="us-east-1", config=client_config())
    return client, Stubber(client)


def test_paginate_follows_tokens_on_a_real_sesv2_client() -> None:
    # GIVEN three stubbed pages (the Stubber validates every request against the service model)
    client, stubber = sesv2_stubbed()
    for index, (token_in, token_out) in enumerate([(None, "t1"), ("t1", "t2"), ("t2", None)]):
        expected = {"Reasons": ["BOUNCE"], "PageSize": 2} | ({"NextToken": token_in} if token_in else {})
        response: dict[str, Any] = {
            "SuppressedDestinationSummaries": [
                {"EmailAddress": f"user{index}-{n}@example.com", "Reason": "BOUNCE", "LastUpdateTime": 0}
                for n in range(2)
            ]
        }
        if token_out:
            response["NextToken"] = token_out
        stubber.add_response("list_suppressed_destinations", response, expected)
    # WHEN paginating
    with stubber:
        items = list(
            paginate(
                client.list_suppressed_destinations,
                items_key="SuppressedDestinationSummaries",
                Reasons=["BOUNCE"],
                PageSize=2,
            )
        )
        stubber.assert_no_pending_responses()
    # THEN every item of every page came back, in order
    assert [item["EmailAddress"] for item in items] == [
        f"user{i}-{n}@example.com" for i in range(3) for n in range(2)
    ]


def test_paginate_is_lazy_one_page_at_a_time() -> None:
    fn = Scripted({"Items": [1, 2], "Next": "a"}, {"Items": [3], "Next": "b"}, {"Items": [4]})
    items: Iterator[Any] = paginate(fn, items_key="Items", token_out="Next", token_in="Start")
    assert next(items) == 1
    assert len(fn.calls) == 1
    assert list(items) == [2, 3, 4]
    assert fn.calls == [{}, {"Start": "a"}, {"Start": "b"}]


def test_paginate_supports_dynamodb_style_key_tokens() -> None:
    key = {"pk": {"S": "x"}}
    fn = Scripted({"Items": [1], "LastEvaluatedKey": key}, {"Items": [2]})
    assert list(
        paginate(fn, items_key="Items", token_in="ExclusiveStartKey", token_out="LastEvaluatedKey")
    ) == [1, 2]
    assert fn.calls[1] == {"ExclusiveStartKey": key}


def test_paginate_stops_on_a_repeated_token() -> None:
    fn = Scripted({"Items": [1], "NextToken": "same"}, {"Items": [2], "NextToken": "same"})
    assert list(paginate(fn, items_key="Items")) == [1, 2]


def test_paginate_retries_a_throttled_page_and_continues() -> None:
    clock = FakeClock()
    fn = Scripted(
        {"Items": [1], "NextToken": "a"}, client_error("TooManyRequestsException", 429), {"Items": [2]}
    )
    pages = list(paginate_pages(fn, sleep=clock.sleep))
    assert [page["Items"] for page in pages] == [[1], [2]]
    assert fn.calls == [{}, {"NextToken": "a"}, {"NextToken": "a"}]


@pytest.mark.parametrize("region", [None, ""])
def test_client_factory_without_a_usable_region_is_a_setup_error(
    monkeypatch: pytest.MonkeyPatch, region: str | None
) -> None:
    # GIVEN no region anywhere, or an empty AWS_REGION (botocore would build "email..amazonaws.com")
    monkeypatch.setenv("AWS_REGION", region or "")
    monkeypatch.setenv("AWS_DEFAULT_REGION", region or "")
    if region is None:
        monkeypatch.delenv("AWS_REGION")
        monkeypatch.delenv("AWS_DEFAULT_REGION")
    with pytest.raises(AwsSetupError, match="no AWS region configured"):
        factory.client("sesv2")
    assert factory.client("sesv2", "eu-west-1").meta.region_name == "eu-west-1"

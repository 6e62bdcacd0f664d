"""The failure-class table and the per-region circuit breaker: pure, no AWS."""

from __future__ import annotations

import threading

import botocore.session
import pytest
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ParamValidationError,
    ReadTimeoutError,
)

from fake_clock import FakeClock
from sesmail.sending.breaker import BreakerPolicy, BreakerState, CircuitBreaker
from sesmail.sending.failure import (
    PAUSED_CODES,
    PERMANENT_CODES,
    REGIONAL_QUOTA_CODES,
    THROTTLING_CODES,
    FailureClass,
    classify,
)

ENDPOINT = "https://email.eu-west-1.amazonaws.com/v2/email/outbound-emails"


def client_error(code: str, status: int) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": "x"}, "ResponseMetadata": {"HTTPStatusCode": status}}, "SendEmail"
    )


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("TooManyRequestsException", 429, FailureClass.RETRY_IN_REGION),
        ("ServiceUnavailable", 503, FailureClass.RETRY_IN_REGION),
        ("InternalFailure", 500, FailureClass.RETRY_IN_REGION),
        ("SomethingNew", 502, FailureClass.RETRY_IN_REGION),
        ("SomethingThrottly", 429, FailureClass.RETRY_IN_REGION),
        ("LimitExceededException", 400, FailureClass.FAIL_OVER),
        ("SendingPausedException", 400, FailureClass.PAUSED),
        ("AccountSuspendedException", 400, FailureClass.PAUSED),
        ("MessageRejected", 400, FailureClass.PERMANENT),
        ("MailFromDomainNotVerifiedException", 400, FailureClass.PERMANENT),
        ("NotFoundException", 404, FailureClass.PERMANENT),
        ("BadRequestException", 400, FailureClass.PERMANENT),
        ("SomethingNew", 400, FailureClass.PERMANENT),
    ],
)
def test_ses_error_codes_are_classified(code: str, status: int, expected: FailureClass) -> None:
    failure = classify(client_error(code, status))
    assert failure.failure_class is expected
    assert failure.reason == code


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (ConnectTimeoutError(endpoint_url=ENDPOINT), FailureClass.RETRY_IN_REGION),
        (EndpointConnectionError(endpoint_url=ENDPOINT), FailureClass.RETRY_IN_REGION),
        (ReadTimeoutError(endpoint_url=ENDPOINT), FailureClass.AMBIGUOUS),
        (ConnectionClosedError(endpoint_url=ENDPOINT), FailureClass.AMBIGUOUS),
        (ParamValidationError(report="bad"), FailureClass.PERMANENT),
    ],
)
def test_network_failures_are_split_by_whether_the_request_left(
    exc: Exception, expected: FailureClass
) -> None:
    assert classify(exc).failure_class is expected


def test_every_send_email_error_in_the_botocore_model_has_an_explicit_class() -> None:
    # GIVEN the SendEmail errors of the SESv2 model this botocore ships
    model = botocore.session.get_session().get_service_model("sesv2")
    modelled = {shape.name for shape in model.operation_model("SendEmail").error_shapes}
    # THEN each one is listed in the table (no model error falls through to a default)
    listed = THROTTLING_CODES | REGIONAL_QUOTA_CODES | PAUSED_CODES | PERMANENT_CODES
    assert modelled <= listed, modelled - listed
    assert "SendingPausedException" in modelled and "AccountSuspendedException" in modelled


def test_breaker_opens_after_the_threshold_and_probes_once_after_the_cool_down() -> None:
    clock = FakeClock()
    opened: list[str] = []
    breaker = CircuitBreaker("eu-west-1", BreakerPolicy(3, 30.0), clock, on_open=opened.append)
    # GIVEN two failures: still closed
    for _ in range(2):
        assert breaker.allow()
        breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED
    # WHEN a third fails THEN it opens and refuses calls
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN and opened == ["eu-west-1"]
    assert not breaker.allow()
    # WHEN the cool-down passes THEN exactly one probe is let through
    clock.sleep(30.0)
    assert breaker.state is BreakerState.HALF_OPEN
    assert breaker.allow()
    assert not breaker.allow()
    # WHEN the probe fails THEN it opens again for a full cool-down
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN and breaker.times_opened == 2
    clock.sleep(29.0)
    assert not breaker.allow()
    clock.sleep(1.0)
    assert breaker.allow()
    # WHEN that probe succeeds THEN it closes and every call flows
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED
    assert all(breaker.allow() for _ in range(5))


def test_a_success_resets_the_consecutive_failure_count() -> None:
    breaker = CircuitBreaker("r", BreakerPolicy(2, 1.0), FakeClock())
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED


def test_a_probe_that_never_reports_back_does_not_wedge_the_circuit() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("r", BreakerPolicy(1, 10.0), clock)
    breaker.record_failure()
    clock.sleep(10.0)
    assert breaker.allow()  # the probe's caller dies without recording anything
    assert not breaker.allow()
    clock.sleep(10.0)
    assert breaker.allow()


def test_only_one_of_many_threads_gets_the_half_open_probe() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("r", BreakerPolicy(1, 5.0), clock)
    breaker.record_failure()
    clock.sleep(5.0)
    allowed: list[bool] = []
    start = threading.Barrier(16)

    def caller() -> None:
        start.wait()
        allowed.append(breaker.allow())

    threads = [threading.Thread(target=caller) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert allowed.count(True) == 1


@pytest.mark.parametrize(("threshold", "cool_down"), [(0, 1.0), (1, 0.0)])
def test_breaker_policy_rejects_nonsense(threshold: int, cool_down: float) -> None:
    with pytest.raises(ValueError, match="must be"):
        BreakerPolicy(threshold, cool_down)

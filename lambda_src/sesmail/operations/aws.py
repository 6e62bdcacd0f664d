"""The AWS side of operations: sesv2 account and configuration-set sending state, CloudWatch metrics.

The only module of ``sesmail.operations`` that calls AWS; every call goes through
``sesmail.aws.calls`` (retries, pacing, one error type), and a missing configuration set becomes
:class:`ConfigurationSetNotFoundError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sesmail.aws.calls import AwsCallError, RateLimiter, call_with_retries, paginate
from sesmail.operations.pause import SendingChange, SetState
from sesmail.operations.quota import QuotaReading, reading_from_account

# SES management calls share roughly one request per second per account with every other tool.
SES_MANAGEMENT_RATE = 1.0
PUT_METRIC_DATA_LIMIT = 1000  # entries per PutMetricData request


class ConfigurationSetNotFoundError(LookupError):
    """No configuration set of that name in this account and region."""


def management_limiter() -> RateLimiter:
    return RateLimiter(SES_MANAGEMENT_RATE, burst=2)


def get_account(sesv2: Any, limiter: RateLimiter | None = None) -> dict[str, Any]:
    return dict(call_with_retries(sesv2.get_account, limiter=limiter))


def get_quota(sesv2: Any, limiter: RateLimiter | None = None) -> QuotaReading:
    return reading_from_account(get_account(sesv2, limiter))


def put_metric_data(cloudwatch: Any, namespace: str, data: Sequence[dict[str, Any]]) -> None:
    for start in range(0, len(data), PUT_METRIC_DATA_LIMIT):
        call_with_retries(
            cloudwatch.put_metric_data,
            Namespace=namespace,
            MetricData=list(data[start : start + PUT_METRIC_DATA_LIMIT]),
        )


def list_configuration_sets(sesv2: Any, limiter: RateLimiter | None = None) -> list[str]:
    return sorted(paginate(sesv2.list_configuration_sets, items_key="ConfigurationSets", limiter=limiter))


def configuration_set_state(sesv2: Any, name: str, limiter: RateLimiter | None = None) -> SetState:
    try:
        response = call_with_retries(sesv2.get_configuration_set, limiter=limiter, ConfigurationSetName=name)
    except AwsCallError as error:
        if error.code == "NotFoundException":
            raise ConfigurationSetNotFoundError(f"configuration set {name!r} does not exist here") from None
        raise
    # SES omits SendingOptions for a set that was never paused: such a set sends.
    enabled = bool(response.get("SendingOptions", {}).get("SendingEnabled", True))
    return SetState(name=name, sending_enabled=enabled)


def configuration_set_states(
    sesv2: Any, names: Iterable[str], limiter: RateLimiter | None = None
) -> list[SetState]:
    return [configuration_set_state(sesv2, name, limiter) for name in names]


def apply_sending_change(sesv2: Any, change: SendingChange, limiter: RateLimiter | None = None) -> None:
    call_with_retries(
        sesv2.put_configuration_set_sending_options,
        limiter=limiter,
        ConfigurationSetName=change.name,
        SendingEnabled=change.sending_enabled,
    )

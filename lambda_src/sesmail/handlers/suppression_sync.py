"""Suppression sync Lambda: on a schedule, copy the primary's suppression list to the standby region.

Handler setting ``sesmail.handlers.suppression_sync.handler``, invoked by a schedule (EventBridge
Scheduler; the event is ignored). Environment, parsed once at init (a bad value fails the init phase):

- ``SUPPRESSION_SYNC_SOURCE_REGION``: the primary (default ``AWS_REGION``);
- ``SUPPRESSION_SYNC_TARGET_REGION``: the standby (required, different from the source);
- ``SUPPRESSION_SYNC_RATE``: SESv2 requests per second in each region (default 1).

It only adds and updates (``sesmail.suppression.sync``: never deletes, never downgrades a complaint).
Each write is one log line (address masked by the formatter) instead of the CLI's audit file. Writes
stop 30 s before the timeout; what is left is planned again and written by the next run, so a first
sync of a long list converges over several runs (about 800 writes per 15-minute run at 1/s).

EMF metrics (namespace ``POWERTOOLS_METRICS_NAMESPACE``, no dimensions): ``SuppressionSyncWritten``,
``SuppressionSyncFailed``, ``SuppressionSyncPending`` (planned, not attempted this run). A failed write
fails the invocation (after the rest were written), so the Lambda's ``Errors`` metric alarms on it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from sesmail.aws import clients as aws_factory
from sesmail.aws.calls import RateLimiter
from sesmail.handlers.observability import MaskingFormatter
from sesmail.sending.metrics import EmfSink
from sesmail.suppression.api import SuppressionListApi
from sesmail.suppression.sync import apply_sync, list_plan

STOP_BEFORE_TIMEOUT_MILLIS: Final = 30_000
WRITTEN: Final = "SuppressionSyncWritten"
FAILED: Final = "SuppressionSyncFailed"
PENDING: Final = "SuppressionSyncPending"


class SyncSettingsError(ValueError):
    """The environment is misconfigured; the message names the variable."""


class SuppressionSyncFailedError(RuntimeError):
    """Some writes failed (each is logged); raised so the invocation counts as an error."""


@dataclass(frozen=True, slots=True)
class SyncSettings:
    source_region: str
    target_region: str
    rate: float


def load_sync_settings(environ: Mapping[str, str] | None = None) -> SyncSettings:
    env = os.environ if environ is None else environ
    source = env.get("SUPPRESSION_SYNC_SOURCE_REGION", "").strip() or env.get("AWS_REGION", "").strip()
    target = env.get("SUPPRESSION_SYNC_TARGET_REGION", "").strip()
    if not source:
        raise SyncSettingsError("SUPPRESSION_SYNC_SOURCE_REGION (or AWS_REGION) must name the primary region")
    if not target or target == source:
        raise SyncSettingsError(
            f"SUPPRESSION_SYNC_TARGET_REGION must name the standby region (not {source}), got {target!r}"
        )
    raw_rate = env.get("SUPPRESSION_SYNC_RATE", "").strip() or "1"
    try:
        rate = float(raw_rate)
    except ValueError:
        raise SyncSettingsError(f"SUPPRESSION_SYNC_RATE must be a number, got {raw_rate!r}") from None
    if not rate > 0:
        raise SyncSettingsError(f"SUPPRESSION_SYNC_RATE must be > 0, got {raw_rate!r}")
    return SyncSettings(source, target, rate)


settings = load_sync_settings()
logger = Logger(logger_formatter=MaskingFormatter())
metric = EmfSink(buffered=True)  # one dimensionless EMF document per run, as the sending metrics


def _api(region: str) -> SuppressionListApi:
    return SuppressionListApi(aws_factory.client("sesv2", region), RateLimiter(settings.rate))


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    del event  # the schedule's payload carries nothing the sync needs
    target = _api(settings.target_region)
    plan = list_plan(_api(settings.source_region), target)
    logger.info(
        "suppression lists compared",
        extra={"source": settings.source_region, "target": settings.target_region, "plan": plan.summary()},
    )

    def record(**fields: Any) -> None:
        level = logger.error if fields["result"] == "failed" else logger.info
        level("suppression entry synced", extra={"target": settings.target_region, **fields})

    def keep_going() -> str | None:
        if context.get_remaining_time_in_millis() < STOP_BEFORE_TIMEOUT_MILLIS:
            return "the invocation's time is nearly up; the next run writes the rest"
        return None

    result = apply_sync(plan, target, record, keep_going=keep_going)
    metric(WRITTEN, sum(result.written.values()))
    metric(FAILED, result.failed)
    metric(PENDING, result.not_attempted)
    metric.flush()
    outcome = {"planned": len(plan.changes), "result": result.summary()}
    logger.info("suppression sync done", extra=outcome)
    if result.failed:
        raise SuppressionSyncFailedError(f"{result.failed} write(s) failed: {result.summary()}")
    return outcome

"""Draining the outbox: each SQS record is one ``OutboxEntry``, sent through the same ``FailoverSender``.

Per record, in order:

1. unreadable body -> parked as received, reason ``malformed: ...``;
2. older than its mail class's max age -> parked ``expired`` with the last failure reason;
3. sent through ``FailoverSender.attempt`` (paced by the sender's ``RateLimiter``, circuit breakers
   shared across the batch and across warm invocations) ->
   sent: done (log line with the SES message ID and the total attempts);
   permanent refusal: parked ``rejected``;
   ambiguous for an at-most-once mail: parked ``ambiguous``;
   anything else (regions down, account paused): re-enqueued with ``attempts`` counted and a growing
   delay, so every attempt is in the message itself.

A record counts as done once its next home (sent, parked, re-enqueued) is certain; if parking or
re-enqueueing itself fails, the record is reported in ``batchItemFailures`` and SQS redelivers it (its
own DLQ catches a record that keeps failing). Nothing is dropped silently.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Final

from sesmail.sending import metrics
from sesmail.sending.failover import Delivery, FailoverSender, MailClass
from sesmail.sending.failure import FailureClass
from sesmail.sending.outbox import MAX_DELAY_SECONDS, EntryState, OutboxEntry, OutboxError, TrailedOutbox

logger = logging.getLogger(__name__)

REQUEUE_BASE_DELAY_SECONDS: Final = 30
# Stop starting sends when the Lambda has less than this left: the rest go back to SQS untouched.
MIN_REMAINING_MILLIS: Final = 10_000
DEFAULT_RATE_SHARE: Final = 0.5


class ReplaySettingsError(ValueError):
    """The environment is misconfigured; the message names the variable and what is expected."""


@dataclass(frozen=True, slots=True)
class ReplaySettings:
    primary_region: str
    standby_region: str | None
    outbox_queue_url: str
    parked_queue_url: str
    send_rate: float | None  # None: a share of the account's MaxSendRate, read at start
    rate_share: float = DEFAULT_RATE_SHARE
    events_table_name: str | None = None  # where outbox steps are recorded for lookup by reference


def load_replay_settings(environ: Mapping[str, str] | None = None) -> ReplaySettings:
    """``SENDING_PRIMARY_REGION`` (default ``AWS_REGION``), ``SENDING_STANDBY_REGION`` (optional),
    ``OUTBOX_QUEUE_URL``, ``OUTBOX_PARKED_QUEUE_URL``, ``REPLAY_SEND_RATE`` (mails/s, optional) and
    ``REPLAY_RATE_SHARE`` (0-1 of the account's MaxSendRate when no rate is given, default 0.5, so live
    traffic keeps the rest) and ``EVENTS_TABLE_NAME`` (optional: the events table where each outbox step
    is recorded for lookup by reference). Raises ``ReplaySettingsError`` on the first bad value."""
    env = os.environ if environ is None else environ
    primary = env.get("SENDING_PRIMARY_REGION", "").strip() or env.get("AWS_REGION", "").strip()
    if not primary:
        raise ReplaySettingsError("SENDING_PRIMARY_REGION (or AWS_REGION) must name the primary SES region")
    standby = env.get("SENDING_STANDBY_REGION", "").strip() or None
    if standby == primary:
        raise ReplaySettingsError("SENDING_STANDBY_REGION must differ from the primary region")
    urls = {}
    for name in ("OUTBOX_QUEUE_URL", "OUTBOX_PARKED_QUEUE_URL"):
        urls[name] = env.get(name, "").strip()
        if not urls[name].startswith(("https://", "http://")):
            raise ReplaySettingsError(f"{name} must be an SQS queue URL, got {urls[name]!r}")
    rate = _positive(env, "REPLAY_SEND_RATE", None, upper=None)
    share = _positive(env, "REPLAY_RATE_SHARE", DEFAULT_RATE_SHARE, upper=1.0)
    return ReplaySettings(
        primary_region=primary,
        standby_region=standby,
        outbox_queue_url=urls["OUTBOX_QUEUE_URL"],
        parked_queue_url=urls["OUTBOX_PARKED_QUEUE_URL"],
        send_rate=rate,
        rate_share=share if share is not None else DEFAULT_RATE_SHARE,
        events_table_name=env.get("EVENTS_TABLE_NAME", "").strip() or None,
    )


def _positive(env: Mapping[str, str], name: str, default: float | None, upper: float | None) -> float | None:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ReplaySettingsError(f"{name} must be a number, got {raw!r}") from None
    if not value > 0 or (upper is not None and value > upper):
        bound = f"in (0, {upper}]" if upper is not None else "> 0"
        raise ReplaySettingsError(f"{name} must be {bound}, got {raw!r}")
    return value


@dataclass(slots=True)
class ReplayReport:
    sent: int = 0
    requeued: int = 0
    parked: dict[str, int] = field(default_factory=dict)
    failed_record_ids: list[str] = field(default_factory=list)

    def batch_item_failures(self) -> dict[str, list[dict[str, str]]]:
        return {"batchItemFailures": [{"itemIdentifier": record_id} for record_id in self.failed_record_ids]}


def mail_class_of(entry: OutboxEntry) -> MailClass:
    return MailClass(entry.mail_class, Delivery(entry.delivery), timedelta(seconds=entry.max_age_seconds))


def requeue_delay(attempts: int) -> int:
    """Grows with the attempts (30 s, 60 s, ...) up to SQS's 15-minute ceiling."""
    return int(min(MAX_DELAY_SECONDS, REQUEUE_BASE_DELAY_SECONDS * 2 ** max(0, min(attempts - 1, 10))))


class OutboxReplayer:
    def __init__(
        self,
        sender: FailoverSender,
        metrics_sink: metrics.MetricsSink = metrics.discard,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.sender = sender
        self.outbox = sender.outbox
        self._metric = metrics_sink
        self._now = now or (lambda: datetime.now(UTC))

    def replay_batch(
        self, records: Sequence[tuple[str, str]], remaining_millis: Callable[[], int] | None = None
    ) -> ReplayReport:
        """``records`` are (SQS message ID, body) pairs; returns what happened, with the records to retry."""
        report = ReplayReport()
        for record_id, body in records:
            if remaining_millis is not None and remaining_millis() < MIN_REMAINING_MILLIS:
                report.failed_record_ids.append(record_id)  # untouched: SQS delivers it again
                continue
            try:
                self._replay_one(record_id, body, report)
            except OutboxError as exc:
                logger.error("record %s: could not re-enqueue or park it: %s", record_id, exc)
                report.failed_record_ids.append(record_id)
        return report

    def _replay_one(self, record_id: str, body: str, report: ReplayReport) -> None:
        try:
            entry = OutboxEntry.from_json(body)
            mail_class = mail_class_of(entry)
        except ValueError as exc:
            self.outbox.park_raw(body, f"malformed: {exc}")
            self._parked(report, EntryState.MALFORMED, record_id, str(exc))
            return
        now = self._now()
        age = entry.age_seconds(now)
        self._metric(metrics.OUTBOX_AGE_SECONDS, age)
        if entry.state != EntryState.QUEUED.value:
            # Only queued entries belong in the outbox queue; anything else is for a person.
            self.outbox.park(entry)
            self._parked(report, EntryState(entry.state), entry.ref, entry.reason)
            return
        if age > entry.max_age_seconds:
            self.outbox.park(
                replace(entry, state=EntryState.EXPIRED.value, reason=f"expired: {entry.reason}")
            )
            self._parked(report, EntryState.EXPIRED, entry.ref, entry.reason)
            return

        attempt = self.sender.attempt(entry.request, mail_class)
        total = entry.attempts + attempt.attempts
        if attempt.sent:
            report.sent += 1
            self._metric(metrics.REPLAY_SENT, 1)
            if isinstance(self.outbox, TrailedOutbox) and attempt.message_id is not None:
                self.outbox.sent(entry, message_id=attempt.message_id, region=attempt.region, attempts=total)
            logger.info(
                "replayed ref %s (%s) as %s via %s: %d attempt(s) in total, %.0f s after it first failed%s",
                entry.ref,
                entry.outbox_id,
                attempt.message_id,
                attempt.region,
                total,
                age,
                ", possible duplicate" if entry.possible_duplicate or attempt.possible_duplicate else "",
            )
            return
        self._metric(metrics.REPLAY_FAILURES, 1)
        failed = entry.with_failure(
            reason=attempt.reason, attempts=attempt.attempts, regions=attempt.regions_tried, now=now
        )
        failure_class = attempt.failure.failure_class if attempt.failure else None
        if failure_class is FailureClass.PERMANENT:
            self.outbox.park(replace(failed, state=EntryState.REJECTED.value))
            self._parked(report, EntryState.REJECTED, entry.ref, attempt.reason)
            return
        if failure_class is FailureClass.AMBIGUOUS and mail_class.delivery is Delivery.AT_MOST_ONCE:
            self.outbox.park(replace(failed, state=EntryState.AMBIGUOUS.value, possible_duplicate=True))
            self._parked(report, EntryState.AMBIGUOUS, entry.ref, attempt.reason)
            return
        if failure_class is FailureClass.AMBIGUOUS:
            failed = replace(failed, possible_duplicate=True)
        delay = requeue_delay(failed.attempts)
        self.outbox.put(failed, delay_seconds=delay)
        report.requeued += 1
        logger.warning(
            "replay of ref %s (%s) failed: %s; attempt count %d, re-enqueued for %d s",
            entry.ref,
            entry.outbox_id,
            attempt.reason,
            failed.attempts,
            delay,
        )

    def _parked(self, report: ReplayReport, state: EntryState, what: str, reason: str) -> None:
        report.parked[state.value] = report.parked.get(state.value, 0) + 1
        self._metric(metrics.OUTBOX_PARKED, 1)
        logger.error("parked %s as %s: %s", what, state.value, reason)

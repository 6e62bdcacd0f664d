"""Sending that survives an SES outage: primary region, standby region, durable outbox.

``FailoverSender.send(email, ref=..., mail_class=...)`` tries the regions in order (primary first),
each behind its own circuit breaker, and classifies every failure with ``sesmail.sending.failure``:

- transient failures are retried in the same region with exponential backoff and full jitter, up to
  ``RetryPolicy.attempts_per_region``; past that budget the next region is tried;
- a permanent failure raises ``PermanentSendError`` (no other region would accept it either);
- a paused account is never failed over: the mail waits in the outbox;
- an ambiguous outcome (the request was sent, no answer came back) follows the mail class's delivery
  policy: ``AT_LEAST_ONCE`` sends again in the next region and marks the result a possible duplicate,
  ``AT_MOST_ONCE`` parks the mail as ``ambiguous`` for a person to review;
- when no region accepts the mail it goes to the outbox and the caller gets an outbox reference.

botocore's own retries must be off on the region clients (``create_region_client``): botocore's
standard mode also resends after a read timeout, which would silently break at-most-once
(docs/decisions/0070-sending-failover.md). This module applies standard mode's rules itself, with the
ambiguous cases taken out.

Every mail carries the caller's reference as the ``ref`` message tag, so every SES event stored for it
names the reference too, and the outbox entry is findable by it before SES has given a message ID.
"""

from __future__ import annotations

import enum
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import BotoCoreError, ClientError

from sesmail.aws.calls import RateLimiter, client_config
from sesmail.privacy import mask_email
from sesmail.sending import metrics
from sesmail.sending.breaker import BreakerPolicy, BreakerState, CircuitBreaker
from sesmail.sending.failure import Failure, FailureClass, classify
from sesmail.sending.outbox import EntryState, Outbox, OutboxEntry, iso
from sesmail.sending.sender import TAG_PART, Email, SendError, build_send_request

if TYPE_CHECKING:
    from mypy_boto3_sesv2.client import SESV2Client

logger = logging.getLogger(__name__)

REF_TAG: Final = "ref"
# SendEmail normally answers in well under a second; a short read timeout bounds what a dead region
# costs the first mails before its breaker opens.
CONNECT_TIMEOUT_SECONDS: Final = 2.0
READ_TIMEOUT_SECONDS: Final = 5.0


class Delivery(enum.Enum):
    AT_LEAST_ONCE = "at_least_once"  # e.g. one-time codes: a duplicate beats a missing mail
    AT_MOST_ONCE = "at_most_once"  # e.g. bulk: a missing mail beats a duplicate


@dataclass(frozen=True, slots=True)
class MailClass:
    """Per-class policy. ``max_age`` is how long the outbox may hold the mail before parking it."""

    name: str
    delivery: Delivery
    max_age: timedelta

    def __post_init__(self) -> None:
        if not TAG_PART.fullmatch(self.name):
            raise ValueError(f"mail class name {self.name!r}: use only ASCII letters, digits, _ and -")
        if self.max_age <= timedelta(0):
            raise ValueError(f"mail class {self.name}: max_age must be positive")


TRANSACTIONAL: Final = MailClass("transactional", Delivery.AT_LEAST_ONCE, timedelta(hours=1))
BULK: Final = MailClass("bulk", Delivery.AT_MOST_ONCE, timedelta(days=3))


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts_per_region: int = 3
    base_delay: float = 0.1
    max_delay: float = 2.0

    def __post_init__(self) -> None:
        if self.attempts_per_region < 1:
            raise ValueError(f"attempts_per_region must be >= 1, got {self.attempts_per_region!r}")


@dataclass(frozen=True, slots=True)
class Region:
    name: str
    client: SESV2Client


class Status(enum.Enum):
    SENT = "sent"
    QUEUED = "queued"  # in the outbox; the replay worker will send it
    PARKED = "parked"  # held for review (ambiguous at-most-once); will not be sent automatically


class PermanentSendError(SendError):
    """SES refused the mail for a reason no retry or region changes (``code`` says which)."""

    def __init__(self, code: str, message: str, *, ref: str, attempts: int) -> None:
        super().__init__(code, message)
        self.ref = ref
        self.attempts = attempts


@dataclass(frozen=True, slots=True)
class SendResult:
    """What happened to one mail. ``message_id`` when SENT, ``outbox_id`` when QUEUED or PARKED."""

    ref: str
    status: Status
    attempts: int
    region: str | None = None
    message_id: str | None = None
    outbox_id: str | None = None
    reason: str | None = None
    possible_duplicate: bool = False


@dataclass(slots=True)
class Attempt:
    """The outcome of trying the regions once (no outbox): the shared core of ``send`` and the replay."""

    attempts: int = 0
    regions_tried: list[str] = field(default_factory=list)
    message_id: str | None = None
    region: str | None = None
    failure: Failure | None = None
    possible_duplicate: bool = False

    @property
    def sent(self) -> bool:
        return self.message_id is not None

    @property
    def reason(self) -> str:
        return self.failure.reason if self.failure else "no region available (circuits open)"


def create_region_client(region: str, endpoint_url: str | None = None) -> SESV2Client:
    """An SESv2 client for ``region`` with botocore retries off and short timeouts (see module doc).
    ``endpoint_url``: only for stand-ins (the local outage demo runs one per region)."""
    import boto3  # noqa: PLC0415 - only the factory needs it; tests pass their own clients

    config = client_config(connect_timeout=CONNECT_TIMEOUT_SECONDS, read_timeout=READ_TIMEOUT_SECONDS)
    return boto3.client("sesv2", region_name=region, endpoint_url=endpoint_url, config=config)


def validate_ref(ref: str) -> str:
    """The ``ref`` tag value must meet SES's message-tag rules: ASCII letters, digits, _ and -, 1-256."""
    if not TAG_PART.fullmatch(ref):
        raise ValueError(f"ref {ref!r}: use 1-256 ASCII letters, digits, _ and - (SES message tag rules)")
    return ref


def ref_of(request: dict[str, Any]) -> str | None:
    for tag in request.get("EmailTags", ()):
        if tag.get("Name") == REF_TAG:
            return str(tag.get("Value"))
    return None


class FailoverSender:
    """Send through ``regions`` in order (primary first). One instance per process, shared by threads:
    the breakers must see every mail to protect any of them."""

    def __init__(
        self,
        regions: Sequence[Region],
        configuration_set: str,
        outbox: Outbox,
        *,
        retry: RetryPolicy | None = None,
        breaker: BreakerPolicy | None = None,
        limiter: RateLimiter | None = None,
        metrics_sink: metrics.MetricsSink = metrics.discard,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], datetime] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        if not regions:
            raise ValueError("FailoverSender needs at least one region")
        if len({region.name for region in regions}) != len(regions):
            raise ValueError("each region may appear only once")
        self.regions = list(regions)
        self.configuration_set = configuration_set
        self.outbox = outbox
        self.retry = retry or RetryPolicy()
        self.limiter = limiter
        self._metric = metrics_sink
        self._sleep = sleep
        self._now = now or (lambda: datetime.now(UTC))
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not security
        self.breakers = {
            region.name: CircuitBreaker(region.name, breaker, clock, on_open=self._circuit_opened)
            for region in self.regions
        }

    @classmethod
    def for_regions(
        cls,
        primary: str,
        standby: str | None,
        configuration_set: str,
        outbox: Outbox,
        client_factory: Callable[[str], SESV2Client] = create_region_client,
        **options: Any,
    ) -> FailoverSender:
        names = [primary] if not standby else [primary, standby]
        return cls(
            [Region(name, client_factory(name)) for name in names], configuration_set, outbox, **options
        )

    def send(self, email: Email, *, ref: str, mail_class: MailClass) -> SendResult:
        """Send ``email`` tagged with ``ref``. Raises ``PermanentSendError`` when SES refuses it,
        ``ValueError`` for input SES would reject, ``OutboxError`` when neither SES nor the outbox took it."""
        validate_ref(ref)
        if email.tags.get(REF_TAG, ref) != ref:
            raise ValueError(f"the {REF_TAG!r} tag is the reference: pass it as ref=, not in tags")
        tagged = replace(email, tags={**email.tags, REF_TAG: ref})
        request = build_send_request(tagged, self.configuration_set)
        attempt = self.attempt(request, mail_class)
        recipients = ", ".join(mask_email(address) for address in email.to)
        if attempt.sent:
            logger.info(
                "sent ref %s as %s via %s after %d attempt(s) to %s",
                ref,
                attempt.message_id,
                attempt.region,
                attempt.attempts,
                recipients,
            )
            return SendResult(
                ref=ref,
                status=Status.SENT,
                attempts=attempt.attempts,
                region=attempt.region,
                message_id=attempt.message_id,
                possible_duplicate=attempt.possible_duplicate,
            )
        failure = attempt.failure
        if failure is not None and failure.failure_class is FailureClass.PERMANENT:
            logger.warning("SES refused ref %s (%s) to %s", ref, failure.reason, recipients)
            raise PermanentSendError(failure.reason, "refused by SES", ref=ref, attempts=attempt.attempts)
        entry = self.new_entry(request, ref, mail_class, attempt)
        if entry.state == EntryState.AMBIGUOUS.value:
            self.outbox.park(entry)
            self._metric(metrics.OUTBOX_PARKED, 1)
            logger.warning(
                "ref %s parked as ambiguous (%s): %s, not resent", ref, mail_class.name, attempt.reason
            )
            status = Status.PARKED
        else:
            self.outbox.put(entry)
            self._metric(metrics.OUTBOX_QUEUED, 1)
            logger.warning("ref %s queued in the outbox as %s: %s", ref, entry.outbox_id, attempt.reason)
            status = Status.QUEUED
        return SendResult(
            ref=ref,
            status=status,
            attempts=attempt.attempts,
            outbox_id=entry.outbox_id,
            reason=attempt.reason,
            possible_duplicate=attempt.possible_duplicate,
        )

    def new_entry(
        self, request: dict[str, Any], ref: str, mail_class: MailClass, attempt: Attempt
    ) -> OutboxEntry:
        now = iso(self._now())
        ambiguous = attempt.failure is not None and attempt.failure.failure_class is FailureClass.AMBIGUOUS
        state = EntryState.AMBIGUOUS if ambiguous and mail_class.delivery is Delivery.AT_MOST_ONCE else None
        return OutboxEntry(
            outbox_id=OutboxEntry.new_id(),
            ref=ref,
            mail_class=mail_class.name,
            delivery=mail_class.delivery.value,
            max_age_seconds=mail_class.max_age.total_seconds(),
            request=request,
            first_failed_at=now,
            last_failed_at=now,
            reason=attempt.reason,
            attempts=attempt.attempts,
            regions_tried=sorted(set(attempt.regions_tried)),
            state=(state or EntryState.QUEUED).value,
            # An at-least-once mail that may already be out is still resent later: say so.
            possible_duplicate=ambiguous or attempt.possible_duplicate,
        )

    def attempt(self, request: dict[str, Any], mail_class: MailClass) -> Attempt:
        """Try each region once (with in-region retries); never touches the outbox."""
        result = Attempt()
        ref = ref_of(request)
        for index, region in enumerate(self.regions):
            breaker = self.breakers[region.name]
            # A half-open probe gets one attempt: retrying it would pay the timeout the breaker saves.
            probing = breaker.state is not BreakerState.CLOSED
            if not breaker.allow():
                logger.info("ref %s: circuit of %s is open, skipping it", ref, region.name)
                continue
            result.regions_tried.append(region.name)
            budget = 1 if probing else self.retry.attempts_per_region
            failure = self._try_region(region, request, result, budget)
            if failure is None:
                breaker.record_success()
                result.region = region.name
                if index > 0:
                    self._metric(metrics.FAILOVERS, 1)
                if result.possible_duplicate:
                    self._metric(metrics.POSSIBLE_DUPLICATES, 1)
                    logger.warning(
                        "ref %s resent in %s after an ambiguous outcome: possible duplicate", ref, region.name
                    )
                return result
            result.failure = failure
            if failure.failure_class in (FailureClass.PERMANENT, FailureClass.PAUSED):
                breaker.record_success()  # the region answered; it is the mail or the account
                return result
            breaker.record_failure()
            if failure.failure_class is FailureClass.AMBIGUOUS:
                if mail_class.delivery is Delivery.AT_MOST_ONCE:
                    return result
                result.possible_duplicate = True
        return result

    def _try_region(
        self, region: Region, request: dict[str, Any], result: Attempt, budget: int
    ) -> Failure | None:
        """None when ``region`` accepted the mail (``result`` then holds the message ID)."""
        for try_number in range(budget):
            if self.limiter is not None:
                self.limiter.acquire()
            result.attempts += 1
            try:
                response = region.client.send_email(**request)
            except (ClientError, BotoCoreError) as exc:
                failure = classify(exc)
                logger.warning(
                    "ref %s: %s in %s (attempt %d): %s",
                    ref_of(request),
                    failure.reason,
                    region.name,
                    result.attempts,
                    failure.failure_class.value,
                )
                if failure.failure_class is not FailureClass.RETRY_IN_REGION:
                    return failure
                if try_number + 1 < budget:
                    ceiling = min(self.retry.max_delay, self.retry.base_delay * 2**try_number)
                    self._sleep(self._rng.uniform(0.0, ceiling))
                    continue
                return Failure(FailureClass.FAIL_OVER, failure.reason, failure.status)
            result.message_id = response["MessageId"]
            return None
        raise AssertionError("unreachable: the loop returns")  # pragma: no cover

    def _circuit_opened(self, region: str) -> None:
        logger.error("circuit for SES in %s opened: mail goes to the next region or the outbox", region)
        self._metric(metrics.CIRCUIT_OPENED, 1)

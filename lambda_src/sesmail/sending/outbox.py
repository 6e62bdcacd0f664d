"""The durable outbox: a mail no region accepted waits in SQS (KMS, 14 days) until the replay worker sends it.

Each SQS message is one self-describing ``OutboxEntry``: the full SendEmail request (configuration set
and the ``ref`` tag included), the caller's reference, the mail class's policy (so one replay worker
drains the outbox of every service without knowing their settings), the attempts so far, when the mail
first failed and why. The worker re-enqueues a failed mail as a new message with its attempts counted
(SQS messages are immutable) and parks what it must not send (past its max age, permanent errors,
ambiguous at-most-once mails) in the parked queue with the reason: nothing is dropped silently.

``OutboxEntry`` is pure; ``SqsOutbox`` is the thin SQS adapter.

SQS cannot be searched, so a queued mail would be invisible to "where is my mail R?". ``TrailedOutbox``
wraps an outbox and writes each step (queued, re-queued, parked, sent by the replay) as an
``OutboxRecord`` under ``REF#<ref>`` in the events table (``EventStore.put_outbox_record``, TTL 15 days),
where ``sesmail.events.lookup.ref_status`` finds it. The SQS message is the mail; the trail is only its
index: a trail write that fails is logged and counted (``RefTrailFailures``), never fails the send.
"""

from __future__ import annotations

import enum
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from sesmail.events.models import OutboxRecord
from sesmail.sending import metrics

if TYPE_CHECKING:
    from mypy_boto3_sqs.client import SQSClient

FORMAT_VERSION: Final = 1
# SQS's message size limit; a larger mail would need the body spilled to S3 (not built: see the decision).
MAX_MESSAGE_BYTES: Final = 262_144
MAX_DELAY_SECONDS: Final = 900  # SQS's DelaySeconds ceiling
SENT: Final = "sent"  # the trail's last step of a mail the replay worker sent

logger = logging.getLogger(__name__)


class EntryState(enum.Enum):
    QUEUED = "queued"  # waiting for a region to accept it; the replay worker will try again
    AMBIGUOUS = "ambiguous"  # at-most-once mail SES may have accepted: a person decides (parked)
    EXPIRED = "expired"  # past its max age (parked)
    REJECTED = "rejected"  # SES answered with a permanent error during replay (parked)
    MALFORMED = "malformed"  # not a readable outbox entry (parked as received)


class OutboxError(Exception):
    """The outbox could not take the mail: it was NOT accepted, the caller must handle it."""


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    outbox_id: str
    ref: str
    mail_class: str
    delivery: str  # ``Delivery`` value of the mail class
    max_age_seconds: float
    request: dict[str, Any]
    first_failed_at: str  # ISO 8601 UTC
    last_failed_at: str
    reason: str
    attempts: int
    regions_tried: list[str] = field(default_factory=list)
    state: str = EntryState.QUEUED.value
    possible_duplicate: bool = False
    version: int = FORMAT_VERSION

    @staticmethod
    def new_id() -> str:
        return f"outbox-{uuid.uuid4().hex}"

    def age_seconds(self, now: datetime) -> float:
        return (now - datetime.fromisoformat(self.first_failed_at)).total_seconds()

    def with_failure(self, *, reason: str, attempts: int, regions: list[str], now: datetime) -> OutboxEntry:
        return replace(
            self,
            reason=reason,
            attempts=self.attempts + attempts,
            regions_tried=sorted({*self.regions_tried, *regions}),
            last_failed_at=iso(now),
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_json(cls, body: str) -> OutboxEntry:
        """Parse an SQS body; raises ``ValueError`` naming what is wrong."""
        try:
            data = json.loads(body)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not JSON: {exc.msg}") from None
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        if data.get("version") != FORMAT_VERSION:
            raise ValueError(f"unknown outbox format version {data.get('version')!r}")
        try:
            entry = cls(**data)
        except TypeError as exc:
            raise ValueError(f"not an outbox entry: {exc}") from None
        if not isinstance(entry.request, dict) or not isinstance(entry.attempts, int):
            raise ValueError("request must be an object and attempts a number")
        datetime.fromisoformat(entry.first_failed_at)  # raises ValueError when unreadable
        return entry


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


class Outbox(Protocol):
    """Where the sender queues and parks mail. ``SqsOutbox`` in production; tests may pass their own."""

    def put(self, entry: OutboxEntry, delay_seconds: int = 0) -> None: ...

    def park(self, entry: OutboxEntry) -> None: ...

    def park_raw(self, body: str, reason: str) -> None: ...


class SqsOutbox:
    """The outbox queue and its parked queue. Message attributes carry ``ref``, ``mail_class`` and
    ``state`` so an operator can see them in the console without parsing the body."""

    def __init__(self, client: SQSClient, queue_url: str, parked_queue_url: str) -> None:
        self.client = client
        self.queue_url = queue_url
        self.parked_queue_url = parked_queue_url

    def put(self, entry: OutboxEntry, delay_seconds: int = 0) -> None:
        self._send(self.queue_url, entry.to_json(), _attributes(entry), min(delay_seconds, MAX_DELAY_SECONDS))

    def park(self, entry: OutboxEntry) -> None:
        self._send(self.parked_queue_url, entry.to_json(), _attributes(entry), 0)

    def park_raw(self, body: str, reason: str) -> None:
        attributes = {
            "state": {"DataType": "String", "StringValue": EntryState.MALFORMED.value},
            "reason": {"DataType": "String", "StringValue": reason[:256] or "unknown"},
        }
        self._send(self.parked_queue_url, body, attributes, 0)

    def _send(self, queue_url: str, body: str, attributes: dict[str, Any], delay: int) -> None:
        if len(body.encode()) > MAX_MESSAGE_BYTES:
            raise OutboxError(
                f"mail too large for the outbox ({len(body.encode())} bytes > {MAX_MESSAGE_BYTES})"
            )
        try:
            self.client.send_message(
                QueueUrl=queue_url, MessageBody=body, MessageAttributes=attributes, DelaySeconds=delay
            )
        except (ClientError, BotoCoreError) as exc:
            raise OutboxError(f"outbox queue did not take the mail: {exc}") from exc


def _attributes(entry: OutboxEntry) -> dict[str, Any]:
    return {
        "ref": {"DataType": "String", "StringValue": entry.ref},
        "mail_class": {"DataType": "String", "StringValue": entry.mail_class},
        "state": {"DataType": "String", "StringValue": entry.state},
    }


class RefTrail(Protocol):
    """Where outbox steps are recorded for lookup by reference (``sesmail.events.store.EventStore``)."""

    def put_outbox_record(self, record: OutboxRecord) -> None: ...


def outbox_record(
    entry: OutboxEntry,
    at: datetime,
    *,
    state: str | None = None,
    attempts: int | None = None,
    message_id: str | None = None,
    region: str | None = None,
) -> OutboxRecord:
    return OutboxRecord(
        ref=entry.ref,
        at=at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),  # as event times
        outbox_id=entry.outbox_id,
        state=state or entry.state,
        mail_class=entry.mail_class,
        attempts=entry.attempts if attempts is None else attempts,
        first_failed_at=entry.first_failed_at,
        reason=entry.reason,
        regions_tried=tuple(entry.regions_tried),
        possible_duplicate=entry.possible_duplicate,
        message_id=message_id,
        region=region,
    )


class TrailedOutbox:
    """An ``Outbox`` that also records every step in a ``RefTrail`` (see the module docstring)."""

    def __init__(
        self,
        outbox: Outbox,
        trail: RefTrail,
        *,
        metrics_sink: metrics.MetricsSink = metrics.discard,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.outbox = outbox
        self.trail = trail
        self._metric = metrics_sink
        self._now = now or (lambda: datetime.now(UTC))

    def put(self, entry: OutboxEntry, delay_seconds: int = 0) -> None:
        self.outbox.put(entry, delay_seconds)
        self._record(outbox_record(entry, self._now()))

    def park(self, entry: OutboxEntry) -> None:
        self.outbox.park(entry)
        self._record(outbox_record(entry, self._now()))

    def park_raw(self, body: str, reason: str) -> None:
        self.outbox.park_raw(body, reason)  # unreadable: no reference to record it under

    def sent(self, entry: OutboxEntry, *, message_id: str, region: str | None, attempts: int) -> None:
        self._record(
            outbox_record(
                entry, self._now(), state=SENT, attempts=attempts, message_id=message_id, region=region
            )
        )

    def _record(self, record: OutboxRecord) -> None:
        try:
            self.trail.put_outbox_record(record)
        except Exception as error:  # noqa: BLE001 - the mail is safe in SQS; only its lookup is degraded
            logger.error(
                "ref %s: outbox step %s not recorded for lookup: %s", record.ref, record.state, error
            )
            self._metric(metrics.REF_TRAIL_FAILURES, 1)

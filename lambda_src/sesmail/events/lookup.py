"""Support lookups: "what happened to message X?", "why does user Y get nothing?" and "where is the mail
our service sent as reference R?".

Thin composition of the store's queries with the pure fold in ``sesmail.events.status``; the CLI
(``scripts/mail_status.py``) and the optional read API call these functions:

- ``message_status(reader, message_id) -> MessageStatus | None``
- ``recipient_history(reader, address, since=None, limit=100) -> RecipientHistory | None``
- ``ref_status(reader, ref) -> RefStatus | None``: the mail a service sent through
  ``sesmail.sending.failover`` with ``ref=...``, whether SES accepted it (message ids and their
  status) or it still waits in the outbox ("queued since ..., attempts ...") or was parked. ``reader``
  is an ``EventStore`` (anything with the ``RefReader`` methods). Raises ``LookupInputError`` for a
  reference SES could not carry. docs/decisions/0074-lookup-by-reference.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Final, Protocol

from sesmail.events.models import MalformedEventError, OutboxRecord, RecipientEvent
from sesmail.events.parse import normalise_address
from sesmail.events.status import MessageStatus, RecipientStatus, fold_message, fold_recipient

DEFAULT_HISTORY_LIMIT: Final = 100
MAX_HISTORY_LIMIT: Final = 1000
# SES message tag values (sesmail.sending.sender.TAG_PART; not imported here: that module pulls in boto3,
# which the status API's cold start should not pay for).
REF_PATTERN: Final = re.compile(r"[A-Za-z0-9_-]{1,256}")
SENT: Final = "sent"
QUEUED: Final = "queued"


class EventReader(Protocol):
    def message_events(self, message_id: str) -> list[RecipientEvent]: ...

    def recipient_events(self, recipient: str, *, since: str | None, limit: int) -> list[RecipientEvent]: ...


class RefReader(EventReader, Protocol):
    def ref_message_ids(self, ref: str) -> list[str]: ...

    def outbox_trail(self, ref: str) -> list[OutboxRecord]: ...


class LookupInputError(ValueError):
    """The question itself is invalid (not an address, limit out of range, ...)."""


@dataclass(frozen=True, slots=True)
class RecipientHistory:
    recipient: str
    events: tuple[RecipientEvent, ...]  # newest first, at most ``limit``
    messages: tuple[tuple[str, RecipientStatus], ...]  # (message id, status from the events read)
    truncated: bool  # ``limit`` events were returned: older ones may exist


@dataclass(frozen=True, slots=True)
class RefStatus:
    """Where the mail sent with reference ``ref`` is. ``state``: ``sent`` (SES accepted it: ``messages``
    has its status; more than one message is an at-least-once duplicate the policy allowed),
    ``queued`` (in the outbox, the replay worker will send it), or the parked state (``ambiguous``,
    ``expired``, ``rejected``: held for a person). ``summary`` is one line for support."""

    ref: str
    state: str
    summary: str
    messages: tuple[MessageStatus, ...]  # oldest first
    outbox: tuple[OutboxRecord, ...]  # the outbox trail, oldest first (empty if SES took it at once)


def ref_status(reader: RefReader, ref: str) -> RefStatus | None:
    """Everything stored under a sender's reference; ``None`` when nothing is (never sent with this
    ref, older than the retention, or events not stored yet)."""
    ref = ref.strip()
    if not REF_PATTERN.fullmatch(ref):
        raise LookupInputError(f"not a reference: {ref!r} (1-256 ASCII letters, digits, _ and -)")
    trail = tuple(reader.outbox_trail(ref))
    found = [message_status(reader, message_id) for message_id in reader.ref_message_ids(ref)]
    messages = tuple(status for status in found if status is not None)
    if not messages and not trail:
        return None
    state, summary = _ref_summary(messages, trail)
    return RefStatus(ref, state, summary, messages, trail)


def _ref_summary(messages: tuple[MessageStatus, ...], trail: tuple[OutboxRecord, ...]) -> tuple[str, str]:
    last = trail[-1] if trail else None
    if messages:
        ids = ", ".join(message.message_id for message in messages)
        text = f"sent as SES message {ids}"
        if len(messages) > 1:
            text = f"sent {len(messages)} times (at-least-once duplicates): SES messages {ids}"
        if last is not None and last.state != SENT:
            text += f"; outbox: {_outbox_line(last)}"
        return SENT, text
    assert last is not None  # ref_status returns early when both are empty
    return last.state, _outbox_line(last)


def _outbox_line(record: OutboxRecord) -> str:
    tried = f" in {', '.join(record.regions_tried)}" if record.regions_tried else ""
    if record.state == SENT:
        return (
            f"sent by the outbox replay as SES message {record.message_id} via {record.region} at "
            f"{record.at} after {record.attempts} attempt(s); no SES event stored yet"
        )
    if record.state == QUEUED:
        return (
            f"queued since {record.first_failed_at}, attempts {record.attempts}{tried}, "
            f"last failure {record.reason} at {record.at}"
        )
    return (
        f"parked as {record.state} at {record.at} (first failed {record.first_failed_at}), "
        f"attempts {record.attempts}{tried}: {record.reason}; not sent automatically"
    )


def message_status(reader: EventReader, message_id: str) -> MessageStatus | None:
    """Per-recipient status and timeline of one SES message id; ``None`` if nothing is stored."""
    message_id = message_id.strip()
    if not message_id or "#" in message_id:
        raise LookupInputError(f"not an SES message id: {message_id!r}")
    return fold_message(message_id, reader.message_events(message_id))


def recipient_history(
    reader: EventReader,
    address: str,
    since: datetime | date | None = None,
    limit: int = DEFAULT_HISTORY_LIMIT,
) -> RecipientHistory | None:
    """The newest ``limit`` events for an address (optionally only since a date), with the status of
    each message they belong to; ``None`` if nothing is stored for the address."""
    try:
        recipient = normalise_address(address)
    except MalformedEventError:
        raise LookupInputError(f"not an email address: {address!r}") from None
    if not 1 <= limit <= MAX_HISTORY_LIMIT:
        raise LookupInputError(f"limit must be between 1 and {MAX_HISTORY_LIMIT}, got {limit}")
    events = reader.recipient_events(recipient, since=_iso_utc(since), limit=limit)
    if not events:
        return None
    by_message: dict[str, list[RecipientEvent]] = {}
    for event in events:
        by_message.setdefault(event.message_id, []).append(event)
    # Newest message first: the order of each message's newest event.
    messages = tuple((message_id, fold_recipient(found)) for message_id, found in by_message.items())
    return RecipientHistory(recipient, tuple(events), messages, truncated=len(events) >= limit)


def parse_since(text: str) -> datetime | date:
    """``YYYY-MM-DD`` (midnight UTC) or an ISO-8601 time, as typed by support (CLI and read API)."""
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    except ValueError:
        raise LookupInputError(f"not a date: {text!r} (use YYYY-MM-DD or ISO-8601)") from None


def _iso_utc(moment: datetime | date | None) -> str | None:
    """The index sort key format (ISO-8601 UTC, milliseconds, "Z"); a date means its midnight UTC."""
    if moment is None:
        return None
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day, tzinfo=UTC)
    elif moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")

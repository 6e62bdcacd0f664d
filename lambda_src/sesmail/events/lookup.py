"""Support lookups: "what happened to message X?" and "why does user Y get nothing?".

Thin composition of the store's queries with the pure fold in ``sesmail.events.status``; the CLI
(``scripts/mail_status.py``) and the optional read API both call these two functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Final, Protocol

from sesmail.events.models import MalformedEventError, RecipientEvent
from sesmail.events.parse import normalise_address
from sesmail.events.status import MessageStatus, RecipientStatus, fold_message, fold_recipient

DEFAULT_HISTORY_LIMIT: Final = 100
MAX_HISTORY_LIMIT: Final = 1000


class EventReader(Protocol):
    def message_events(self, message_id: str) -> list[RecipientEvent]: ...

    def recipient_events(self, recipient: str, *, since: str | None, limit: int) -> list[RecipientEvent]: ...


class LookupInputError(ValueError):
    """The question itself is invalid (not an address, limit out of range, ...)."""


@dataclass(frozen=True, slots=True)
class RecipientHistory:
    recipient: str
    events: tuple[RecipientEvent, ...]  # newest first, at most ``limit``
    messages: tuple[tuple[str, RecipientStatus], ...]  # (message id, status from the events read)
    truncated: bool  # ``limit`` events were returned: older ones may exist


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

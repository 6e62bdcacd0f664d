"""What the support console shows, as plain JSON-ready dicts (pure: no AWS, no HTML).

The page is a thin renderer of these views: every word a support person reads (the status in plain
words, the suppression recommendation, the operator command) is decided here, where tests can check it
without a browser. Statuses and reasons come from the same fold as ``scripts/mail_status.py``
(``sesmail.events.status``); the suppression class and recommendation from the same classification as
``scripts/audit_suppression.py check`` (``sesmail.suppression.domain``).
"""

from __future__ import annotations

import shlex
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from sesmail.events.lookup import LookupInputError, RecipientHistory
from sesmail.events.models import BOUNCE, COMPLAINT, SEND, RecipientEvent
from sesmail.events.status import MessageStatus, RecipientStatus, describe
from sesmail.suppression.domain import (
    DEFAULT_STALE_DAYS,
    RECOMMENDATIONS,
    Evidence,
    SuppressedEntry,
    SuppressionClass,
    audit_entry,
    format_time,
)

MAX_QUERY_LENGTH: Final = 320
CHART_DAYS: Final = 30
# (label shown to a person, what it means in plain words): the label is text, so the page reads the
# same without colour; colour only repeats it.
STATUS_WORDS: Final[dict[str, tuple[str, str]]] = {
    "complained": (
        "Complained",
        "The recipient (or their mail provider) reported this mail as spam.",
    ),
    "bounced": (
        "Bounced",
        "The receiving mail server refused the mail permanently: the address does not exist or does not "
        "accept mail.",
    ),
    "suppressed": (
        "Suppressed",
        "SES did not try to deliver: the address is on the account's suppression list after an earlier "
        "bounce or complaint.",
    ),
    "rejected": ("Rejected", "SES refused to send the mail (for example, it contained a virus)."),
    "rendering_failed": (
        "Not sent (template)",
        "The mail could not be built from its template: template data was missing or wrong.",
    ),
    "soft_bounced": (
        "Soft bounce",
        "Delivery failed temporarily (full mailbox, message too large, server unavailable) and SES "
        "stopped retrying.",
    ),
    "delivered": (
        "Delivered",
        "The recipient's mail server accepted the mail. If it is not in their inbox, ask them to look in "
        "spam or junk folders and filters.",
    ),
    "delayed": ("Delayed", "Delivery is delayed: SES is still retrying."),
    "sent": ("Sent", "SES accepted the mail; no delivery outcome is stored yet."),
    "unknown": ("Unknown", "Only events that say nothing about delivery are stored."),
}
NOT_SUPPRESSED: Final = "nothing to do on the suppression list: look at the message's own events"
REF_SEARCH_UNAVAILABLE: Final = (
    "Search by the sending service's reference is not available: references are stored inside each "
    "event's tags, which the table cannot be queried by. Ask the service for the SES message ID or the "
    "recipient (docs/decisions/0090-support-console.md)."
)


@dataclass(frozen=True, slots=True)
class Query:
    kind: str  # "recipient" or "message"
    value: str


def parse_query(raw: str) -> Query:
    """An address (has an ``@``) or an SES message ID; anything else is a one-line input error."""
    text = raw.strip()
    if not text:
        raise LookupInputError("type a recipient address or an SES message ID")
    if len(text) > MAX_QUERY_LENGTH:
        raise LookupInputError(f"the search is longer than {MAX_QUERY_LENGTH} characters")
    if text.lower().startswith("ref:"):
        raise LookupInputError(REF_SEARCH_UNAVAILABLE)
    if "@" in text:
        return Query("recipient", text)
    if any(ch.isspace() for ch in text) or "#" in text or "/" in text:
        raise LookupInputError(f"not an address or an SES message ID: {text!r}")
    return Query("message", text)


def status_view(status: str) -> dict[str, str]:
    label, meaning = STATUS_WORDS.get(status, STATUS_WORDS["unknown"])
    return {"status": status, "label": label, "meaning": meaning}


def event_view(event: RecipientEvent) -> dict[str, str]:
    return {"at": event.event_at, "type": event.event_type, "detail": describe(event)}


def recipient_status_view(found: RecipientStatus) -> dict[str, Any]:
    return {
        "address": found.recipient,
        **status_view(found.status),
        "reason": found.reason,
        "decided_at": found.decided_by.event_at,
        "subscription_changed": found.subscription_changed,
        "timeline": [event_view(event) for event in found.timeline],
    }


def message_view(message: MessageStatus) -> dict[str, Any]:
    return {
        "message_id": message.message_id,
        "sent_at": message.sent_at,
        "source": message.source,
        "configuration_set": message.configuration_set,
        "subject": message.subject,
        "opened": message.opened,
        "clicked": message.clicked,
        "engagement": [event_view(event) for event in message.engagement],
        "recipients": [recipient_status_view(found) for found in message.recipients],
    }


def history_view(history: RecipientHistory) -> dict[str, Any]:
    """The recipient's messages, newest first, each with its status and its own timeline."""
    subjects = {event.message_id: event.subject for event in history.events if event.subject}
    sent = {event.message_id: event.sent_at for event in history.events if event.sent_at}
    tags = {event.message_id: event.tags for event in history.events if event.tags}
    return {
        "address": history.recipient,
        "truncated": history.truncated,
        "messages": [
            {
                "message_id": message_id,
                "sent_at": sent.get(message_id),
                "subject": subjects.get(message_id),
                "tags": tags.get(message_id, {}),
                **recipient_status_view(found),
            }
            for message_id, found in history.messages
        ],
        "chart": daily_chart(history.events),
    }


def daily_chart(events: Iterable[RecipientEvent], days: int = CHART_DAYS) -> dict[str, Any]:
    """Sends, bounces (suppression bounces included) and complaints per UTC day, for the ``days`` days
    up to the newest event: the series of the small chart and of the table printed under it."""
    counted: dict[str, Counter[date]] = {"sends": Counter(), "bounces": Counter(), "complaints": Counter()}
    series_of = {SEND: "sends", BOUNCE: "bounces", COMPLAINT: "complaints"}
    newest: date | None = None
    for event in events:
        day = datetime.fromisoformat(event.event_at.replace("Z", "+00:00")).astimezone(UTC).date()
        newest = day if newest is None or day > newest else newest
        if event.event_type in series_of:
            counted[series_of[event.event_type]][day] += 1
    if newest is None:
        return {"days": [], "series": {name: [] for name in counted}}
    span = [newest - timedelta(days=offset) for offset in reversed(range(days))]
    first = next((i for i, day in enumerate(span) if any(c[day] for c in counted.values())), len(span) - 1)
    span = span[first:]
    return {
        "days": [day.isoformat() for day in span],
        "series": {name: [counts[day] for day in span] for name, counts in counted.items()},
    }


def operator_commands(
    address: str, klass: SuppressionClass | None, *, table: str, region: str | None
) -> dict[str, str]:
    """The exact ``scripts/audit_suppression.py`` commands for this address: check, and the removal dry
    run (it prints "would remove"; the operator adds ``--apply`` after reading it). The console itself
    never writes."""
    base = [".venv/bin/python", "scripts/audit_suppression.py"]
    where = ["--table", table, *(["--region", region] if region else [])]
    commands = {"check": shlex.join([*base, *where, "check", address])}
    if klass is not None:
        remove = [*base, *where, "--address", address, "--remove", klass.value]
        if klass is SuppressionClass.COMPLAINT:
            remove.append("--include-complaints")
        commands["remove_dry_run"] = shlex.join(remove)
        commands["remove_apply"] = shlex.join([*remove, "--apply"])
    return commands


def suppression_view(
    address: str,
    entry: SuppressedEntry | None,
    evidence: Evidence | None,
    now: datetime,
    *,
    table: str,
    region: str | None,
) -> dict[str, Any]:
    """The same answer as ``audit_suppression.py check``: listed or not, why, the evidence from the event
    store, the class, the recommendation, and the commands an operator runs."""
    view: dict[str, Any] = {
        "state": "suppressed" if entry else "not suppressed",
        "evidence": _evidence_view(evidence),
    }
    if entry is None:
        commands = operator_commands(address, None, table=table, region=region)
        view |= {"recommendation": NOT_SUPPRESSED, "commands": commands}
        return view
    audited = audit_entry(entry, evidence, now, DEFAULT_STALE_DAYS)
    view |= {
        "reason": entry.reason.value,
        "listed_at": format_time(entry.listed_at),
        "days_listed": audited.age_days,
        "ses_message_id": entry.message_id,
        "class": audited.klass.value,
        "recommendation": RECOMMENDATIONS[audited.klass],
        "commands": operator_commands(address, audited.klass, table=table, region=region),
    }
    return view


def suppression_unavailable(error: str) -> dict[str, Any]:
    return {"state": "unavailable", "error": error}


def _evidence_view(evidence: Evidence | None) -> dict[str, Any] | None:
    if evidence is None:
        return None
    return {"summary": evidence.describe(), **evidence.as_record()}

"""Parse SQS message bodies carrying SES events into per-recipient records (pure: no AWS imports).

Accepted shapes (both reach real consumers, see docs/decisions/0030-event-persister-batch-loop.md):

* SNS raw message delivery: the SQS body *is* the SES JSON;
* SNS envelope: ``{"Type": "Notification", "Message": "<SES JSON as a string>", ...}``.

Accepted records: configuration-set event publishing (``eventType``) and identity feedback
notifications (``notificationType``). Each record fans out to one :class:`RecipientEvent` per
affected recipient; an Open or Click is one message-level event (``recipient == MESSAGE_LEVEL``).
Unknown future event types are kept generically, never dropped.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any, Final

from sesmail.events import schema
from sesmail.events.models import (
    BOUNCE,
    CLICK,
    COMPLAINT,
    DELIVERY,
    DELIVERY_DELAY,
    EVENT_PUBLISHING,
    IDENTITY_NOTIFICATION,
    MESSAGE_LEVEL,
    MESSAGE_LEVEL_TYPES,
    OPEN,
    REJECT,
    RENDERING_FAILURE,
    SEND,
    SUBSCRIPTION,
    MalformedEventError,
    RecipientEvent,
)

# SES type name -> (canonical type, key of the detail object). "Rendering Failure" has a space in SES.
_TYPES: Final[dict[str, tuple[str, str]]] = {
    "Send": (SEND, "send"),
    "Delivery": (DELIVERY, "delivery"),
    "Bounce": (BOUNCE, "bounce"),
    "Complaint": (COMPLAINT, "complaint"),
    "Reject": (REJECT, "reject"),
    "Open": (OPEN, "open"),
    "Click": (CLICK, "click"),
    "Rendering Failure": (RENDERING_FAILURE, "failure"),
    "RenderingFailure": (RENDERING_FAILURE, "failure"),
    "DeliveryDelay": (DELIVERY_DELAY, "deliveryDelay"),
    "Subscription": (SUBSCRIPTION, "subscription"),
}
# Which list names the affected recipients; every other type affects all of mail.destination.
_RECIPIENT_LISTS: Final = {
    BOUNCE: "bouncedRecipients",
    COMPLAINT: "complainedRecipients",
    DELIVERY: "recipients",
    DELIVERY_DELAY: "delayedRecipients",
}
# RecipientEvent field <- key of the type's detail object (per-recipient fields are read separately).
_TYPE_FIELDS: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    BOUNCE: (("bounce_type", "bounceType"), ("bounce_subtype", "bounceSubType")),
    COMPLAINT: (
        ("complaint_feedback_type", "complaintFeedbackType"),
        ("complaint_subtype", "complaintSubType"),
    ),
    DELIVERY: (("smtp_response", "smtpResponse"),),
    DELIVERY_DELAY: (("delay_type", "delayType"),),
    REJECT: (("reject_reason", "reason"),),
    RENDERING_FAILURE: (("failure_message", "errorMessage"), ("template_name", "templateName")),
    CLICK: (("link", "link"),),
    SUBSCRIPTION: (("contact_list", "contactList"),),
}
_ENVELOPE_KEYS: Final = frozenset({"mail", "eventType", "notificationType"})
MAX_TEXT: Final = 1000  # SMTP diagnostics and links are short; a hostile MTA must not bloat items
MAX_DETAIL_JSON: Final = 4000
_CANONICAL_TIMESTAMP_LENGTH: Final = len("2017-08-05T00:41:02.669Z")
_SURROGATES: Final = re.compile("[\ud800-\udfff]")


def parse_sqs_body(body: str, *, store_subject: bool = False) -> list[RecipientEvent]:
    """Return the per-recipient events in one SQS body; raise :class:`MalformedEventError` otherwise."""
    document = _load_object(body, "SQS body")
    message = document.get("Message")
    if isinstance(message, str) and "mail" not in document:
        document = _load_object(message, "SNS Message")
    return parse_ses_record(document, store_subject=store_subject)


def parse_ses_record(record: dict[str, Any], *, store_subject: bool = False) -> list[RecipientEvent]:
    """Fan one SES event record (already decoded JSON) out to per-recipient events."""
    if "eventType" in record:
        raw_type, origin = record["eventType"], EVENT_PUBLISHING
    elif "notificationType" in record:
        raw_type, origin = record["notificationType"], IDENTITY_NOTIFICATION
    else:
        raise MalformedEventError("neither eventType nor notificationType: not an SES event record")
    if not isinstance(raw_type, str) or not raw_type.strip():
        raise MalformedEventError("the event type is empty or not a string")
    mail = record.get("mail")
    if not isinstance(mail, dict):
        raise MalformedEventError("the record has no 'mail' object")
    message_id = mail.get("messageId")
    if not isinstance(message_id, str) or not message_id:
        raise MalformedEventError("mail.messageId is missing")
    if not _is_utf8(message_id):
        raise MalformedEventError("mail.messageId is not valid UTF-8 (unpaired surrogate)")

    event_type, detail_key, detail = _type_and_detail(record, raw_type)

    sent_at = _timestamp(mail.get("timestamp"), "mail.timestamp")
    event_at = _timestamp(detail["timestamp"], "event timestamp") if detail.get("timestamp") else sent_at
    raw_tags = mail.get("tags")
    tags: dict[str, Any] = raw_tags if isinstance(raw_tags, dict) else {}
    common: dict[str, Any] = {
        "message_id": message_id,
        "event_type": event_type,
        "event_at": event_at,
        "origin": origin,
        "sent_at": sent_at,
        "source": _text(mail.get("source")),
        "configuration_set": _first(tags.get("ses:configuration-set")),
        "tags": _message_tags(tags),
        "feedback_id": _text(detail.get("feedbackId")),
    }
    if store_subject:
        headers = mail.get("commonHeaders")
        common["subject"] = _text(headers.get("subject")) if isinstance(headers, dict) else None
    common.update(_type_fields(event_type, detail, known=detail_key is not None))

    events: list[RecipientEvent] = []
    seen: set[str] = set()
    for entry in _recipient_entries(event_type, detail_key, detail, mail):
        address = entry.get("emailAddress") if isinstance(entry, dict) else entry
        recipient = MESSAGE_LEVEL if event_type in MESSAGE_LEVEL_TYPES else normalise_address(address)
        if recipient in seen:  # SES never repeats a recipient, but a duplicate would collide on key
            continue
        seen.add(recipient)
        per_recipient: dict[str, Any] = {}
        if isinstance(entry, dict):
            per_recipient["status_code"] = _text(entry.get("status"))
            per_recipient["diagnostic_code"] = _text(entry.get("diagnosticCode"))
        event = RecipientEvent(recipient=recipient, **common, **per_recipient)
        problem = schema.key_problem(*schema.event_keys(*event.identity), recipient)
        if problem is not None:
            raise MalformedEventError(problem)
        events.append(event)
    return events


def _type_and_detail(record: dict[str, Any], raw_type: str) -> tuple[str, str | None, dict[str, Any]]:
    """(canonical type, detail key or None when unknown, detail object)."""
    known = _TYPES.get(raw_type)
    if known is None:
        # Unknown future type: keep it, under its own name ('#' would break the sort key layout).
        detail = next((v for k, v in record.items() if k not in _ENVELOPE_KEYS and isinstance(v, dict)), {})
        return raw_type.strip().replace("#", "_"), None, detail
    event_type, detail_key = known
    detail = record.get(detail_key) or {}
    if not isinstance(detail, dict):
        raise MalformedEventError(f"the {raw_type} detail is not an object")
    return event_type, detail_key, detail


def _recipient_entries(
    event_type: str, detail_key: str | None, detail: dict[str, Any], mail: dict[str, Any]
) -> list[Any]:
    """The list naming the affected recipients: the type's own list, else ``mail.destination``; for
    opens and clicks, which SES cannot attribute to one recipient, the message-level placeholder."""
    if event_type in MESSAGE_LEVEL_TYPES:
        return [MESSAGE_LEVEL]
    list_key = _RECIPIENT_LISTS.get(event_type)
    entries = detail.get(list_key) if list_key else mail.get("destination")
    if not isinstance(entries, list) or not entries:
        where = f"{detail_key}.{list_key}" if list_key else "mail.destination"
        raise MalformedEventError(f"{where} lists no recipients")
    return entries


def normalise_address(address: object) -> str:
    """Trim, drop a display name (``Name <a@b>``), lower-case. The whole address is lower-cased:
    local parts are case-insensitive at every mailbox provider support deals with."""
    if not isinstance(address, str) or "@" not in address:
        raise MalformedEventError("a recipient is not an email address")
    if "<" in address:
        address = address[address.rfind("<") + 1 :].split(">", 1)[0]
    address = address.strip().lower()
    local, _, domain = address.rpartition("@")
    if not local or not domain:
        raise MalformedEventError("a recipient is not an email address")
    if not _is_utf8(address):
        raise MalformedEventError("a recipient is not valid UTF-8 (unpaired surrogate)")
    return address


def _type_fields(event_type: str, detail: dict[str, Any], *, known: bool) -> dict[str, Any]:
    fields = {name: _text(detail.get(key)) for name, key in _TYPE_FIELDS.get(event_type, ())}
    if event_type == SUBSCRIPTION:
        fields["detail"] = _compact(detail.get("newTopicPreferences"))
    elif not known:
        fields["detail"] = _compact(detail)
    return fields


def _load_object(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except (TypeError, ValueError) as error:
        raise MalformedEventError(f"{what} is not valid JSON: {error}") from None
    except RecursionError:
        raise MalformedEventError(f"{what} is JSON nested too deeply") from None
    if not isinstance(value, dict):
        raise MalformedEventError(f"{what} is JSON but not an object")
    return value


def _timestamp(value: object, what: str) -> str:
    """ISO-8601 UTC with milliseconds. SES already sends that form; anything else is normalised."""
    if not isinstance(value, str):
        raise MalformedEventError(f"{what} is missing")
    try:
        # Parsed even in SES's own form: "2024-13-45T99:99:99.999Z" has the shape but is no time.
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise MalformedEventError(f"{what} is not an ISO-8601 timestamp: {value[:40]!r}") from None
    if len(value) == _CANONICAL_TIMESTAMP_LENGTH and value[19] == "." and value[-1] == "Z":
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _text(value: object) -> str | None:
    if value is None or value == "":
        return None
    text = (value if isinstance(value, str) else str(value))[:MAX_TEXT]
    return text if text.isascii() else _valid_utf8(text)  # inlined fast path: ~10 texts per record


def _is_utf8(text: str) -> bool:
    return text.isascii() or not _SURROGATES.search(text)


def _valid_utf8(text: str) -> str:
    """Free text with unpaired surrogates (invalid UTF-8 escaped into the JSON) replaced by U+FFFD:
    such a string cannot be serialised, and would fail the whole write request it travels in."""
    return text if _is_utf8(text) else _SURROGATES.sub("\ufffd", text)


def _first(values: object) -> str | None:
    if isinstance(values, list) and values:
        return _text(values[0])
    return _text(values) if isinstance(values, str) else None


def _message_tags(tags: dict[str, Any]) -> dict[str, str]:
    """The sender's own message tags (``ses:*`` tags are SES metadata and not kept)."""
    kept: dict[str, str] = {}
    for name, values in tags.items():
        if name.startswith("ses:") or not isinstance(name, str):
            continue
        joined = ",".join(str(v) for v in values) if isinstance(values, list) else str(values)
        kept[_valid_utf8(name[:128])] = _valid_utf8(joined[:256])
    return kept


def _compact(value: object) -> str | None:
    if value is None:
        return None
    return json.dumps(value, separators=(",", ":"), sort_keys=True, default=str)[:MAX_DETAIL_JSON]

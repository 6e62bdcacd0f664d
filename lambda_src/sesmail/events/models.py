"""Domain records shared by parsing, storage, status folding and lookup (pure: no AWS imports)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

# Canonical event type names, as used in item keys, metrics and status. SES spells the rendering
# failure event "Rendering Failure" (with a space); the canonical name follows its CloudWatch metric.
SEND: Final = "Send"
DELIVERY: Final = "Delivery"
BOUNCE: Final = "Bounce"
COMPLAINT: Final = "Complaint"
REJECT: Final = "Reject"
OPEN: Final = "Open"
CLICK: Final = "Click"
RENDERING_FAILURE: Final = "RenderingFailure"
DELIVERY_DELAY: Final = "DeliveryDelay"
SUBSCRIPTION: Final = "Subscription"
KNOWN_EVENT_TYPES: Final = frozenset(
    {SEND, DELIVERY, BOUNCE, COMPLAINT, REJECT, OPEN, CLICK, RENDERING_FAILURE, DELIVERY_DELAY, SUBSCRIPTION}
)

# SES tracks opens and clicks per message (one pixel, one link set for all recipients): it cannot tell
# which recipient of a multi-recipient message opened or clicked. Such events are stored once per
# message with this placeholder as their recipient, never credited to a recipient.
MESSAGE_LEVEL: Final = "*"
MESSAGE_LEVEL_TYPES: Final = frozenset({OPEN, CLICK})

# Where the record came from: configuration-set event publishing or identity feedback notifications.
EVENT_PUBLISHING: Final = "event"
IDENTITY_NOTIFICATION: Final = "notification"


@dataclass(frozen=True, slots=True)
class RecipientEvent:
    """One SES event as it affected one recipient: the unit that is stored, folded and displayed.

    Only what support needs is kept (see docs/decisions/0031-event-item-contents.md); every optional
    field is ``None`` when SES did not send it.
    """

    message_id: str
    recipient: str  # normalised: trimmed, lower-cased
    event_type: str  # one of KNOWN_EVENT_TYPES, or the raw SES name of an unknown future type
    event_at: str  # ISO-8601 UTC with milliseconds, "2017-08-05T00:41:02.669Z"
    origin: str = EVENT_PUBLISHING
    feedback_id: str | None = None
    sent_at: str | None = None
    source: str | None = None
    configuration_set: str | None = None
    subject: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    bounce_type: str | None = None
    bounce_subtype: str | None = None
    diagnostic_code: str | None = None
    status_code: str | None = None
    complaint_feedback_type: str | None = None
    complaint_subtype: str | None = None
    delay_type: str | None = None
    smtp_response: str | None = None
    reject_reason: str | None = None
    failure_message: str | None = None
    template_name: str | None = None
    link: str | None = None
    contact_list: str | None = None
    detail: str | None = None  # unknown event types: the detail object as compact JSON, capped

    @property
    def identity(self) -> tuple[str, str, str, str, str]:
        """What makes two deliveries the *same* SES event (and so the same stored item):
        (message id, event time, type, recipient, feedback id or "-")."""
        return (self.message_id, self.event_at, self.event_type, self.recipient, self.feedback_id or "-")


class MalformedEventError(ValueError):
    """An SQS body that is not an SES event (bad JSON, missing ``mail.messageId``, ...)."""


@dataclass(frozen=True, slots=True)
class OutboxRecord:
    """One step of a mail through the sending outbox (``sesmail.sending.outbox``), stored under its
    reference so support finds a mail SES has not accepted yet: ``state`` is ``queued`` (waiting for a
    region), ``sent`` (the replay worker sent it: ``message_id``, ``region``), or a parked state
    (``ambiguous``, ``expired``, ``rejected``: held for a person, not sent)."""

    ref: str
    at: str  # when this step happened, ISO-8601 UTC
    outbox_id: str
    state: str
    mail_class: str
    attempts: int  # SendEmail attempts so far, all regions
    first_failed_at: str
    reason: str  # the last failure
    regions_tried: tuple[str, ...] = ()
    possible_duplicate: bool = False
    message_id: str | None = None
    region: str | None = None

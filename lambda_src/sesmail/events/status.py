"""Fold a message's stored events into a per-recipient status (pure, order-independent).

Precedence, strongest first: the status of a recipient is that of its strongest event, whatever the
order events arrived in (SES guarantees no ordering, and a Delivery can be followed by a Bounce):

=================  ===========================================================================
complained         a Complaint (the recipient, or their provider, reported the mail as spam)
bounced            a Permanent bounce (hard bounce; not a suppression-list bounce)
suppressed         a bounce with subtype Suppressed / OnAccountSuppressionList /
                   OnTenantSuppressionList: SES did not even try
rejected           a Reject (SES refused the message, e.g. virus)
rendering_failed   a Rendering Failure (template data missing)
soft_bounced       a Transient or Undetermined bounce (SES gave up retrying)
delivered          a Delivery
delayed            a DeliveryDelay (SES is still retrying)
sent               a Send (accepted by SES, no outcome yet)
unknown            only Subscription or unknown future event types
=================  ===========================================================================

Opens and clicks are message-level: SES cannot tell which recipient of a multi-recipient message
opened it, so they are shown on the message (``MessageStatus.engagement``) and never change any
recipient's status (docs/decisions/0032-status-precedence.md).

A late Bounce outranks an earlier Delivery (an asynchronous bounce means the mailbox refused it after
accepting it); a Delivery outranks a DeliveryDelay (the retry succeeded).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Final

from sesmail.events.models import (
    BOUNCE,
    CLICK,
    COMPLAINT,
    DELIVERY,
    DELIVERY_DELAY,
    MESSAGE_LEVEL,
    MESSAGE_LEVEL_TYPES,
    REJECT,
    RENDERING_FAILURE,
    SEND,
    SUBSCRIPTION,
    RecipientEvent,
)

STATUS_PRECEDENCE: Final = (
    "complained",
    "bounced",
    "suppressed",
    "rejected",
    "rendering_failed",
    "soft_bounced",
    "delivered",
    "delayed",
    "sent",
    "unknown",
)
_RANK: Final = {status: len(STATUS_PRECEDENCE) - index for index, status in enumerate(STATUS_PRECEDENCE)}
SUPPRESSION_SUBTYPES: Final = frozenset({"Suppressed", "OnAccountSuppressionList", "OnTenantSuppressionList"})
_SIMPLE_STATUS: Final = {
    COMPLAINT: "complained",
    REJECT: "rejected",
    RENDERING_FAILURE: "rendering_failed",
    DELIVERY: "delivered",
    DELIVERY_DELAY: "delayed",
    SEND: "sent",
}


@dataclass(frozen=True, slots=True)
class RecipientStatus:
    recipient: str
    status: str
    reason: str  # the deciding event, described for a human ("" when there is nothing to add)
    decided_by: RecipientEvent
    subscription_changed: bool  # a Subscription event (contact-list preferences changed)
    timeline: tuple[RecipientEvent, ...]  # oldest first, duplicates removed


@dataclass(frozen=True, slots=True)
class MessageStatus:
    message_id: str
    sent_at: str | None
    source: str | None
    configuration_set: str | None
    subject: str | None
    recipients: tuple[RecipientStatus, ...]  # sorted by address
    opened: bool  # by some recipient: SES cannot say which
    clicked: bool
    engagement: tuple[RecipientEvent, ...]  # the message-level Open/Click events, oldest first


def event_status(event: RecipientEvent) -> str:
    """The status a single event implies on its own."""
    if event.event_type == BOUNCE:
        if event.bounce_subtype in SUPPRESSION_SUBTYPES:
            return "suppressed"
        return "bounced" if event.bounce_type == "Permanent" else "soft_bounced"
    return _SIMPLE_STATUS.get(event.event_type, "unknown")


def _order(event: RecipientEvent) -> tuple[str, ...]:
    """A total order on events: time first, then every identifying field (makes the fold
    deterministic even for events stamped with the same millisecond)."""
    return (*event.identity[1:], event.origin, event.diagnostic_code or "", event.link or "")


def fold_recipient(events: Iterable[RecipientEvent]) -> RecipientStatus:
    """Fold one recipient's events (any order, duplicates allowed; at least one event)."""
    unique: dict[tuple[str, ...], RecipientEvent] = {}
    for event in events:
        previous = unique.get(event.identity)
        if previous is None or _order(event) > _order(previous):
            unique[event.identity] = event
    timeline = tuple(sorted(unique.values(), key=_order))
    if not timeline:
        raise ValueError("fold_recipient needs at least one event")
    decided_by = max(timeline, key=lambda e: (_RANK[event_status(e)], _order(e)))
    types = {event.event_type for event in timeline}
    return RecipientStatus(
        recipient=timeline[0].recipient,
        status=event_status(decided_by),
        reason=describe(decided_by),
        decided_by=decided_by,
        subscription_changed=SUBSCRIPTION in types,
        timeline=timeline,
    )


def fold_message(message_id: str, events: Iterable[RecipientEvent]) -> MessageStatus | None:
    """Per-recipient statuses of one message; ``None`` when no event is known for it."""
    by_recipient: dict[str, list[RecipientEvent]] = {}
    engagement: dict[tuple[str, ...], RecipientEvent] = {}
    for event in events:
        if event.event_type in MESSAGE_LEVEL_TYPES:
            # Items written before issue 13 hold one copy per recipient: one event on the message.
            event = replace(event, recipient=MESSAGE_LEVEL)  # noqa: PLW2901
            engagement[event.identity] = max(engagement.get(event.identity, event), event, key=_order)
        else:
            by_recipient.setdefault(event.recipient, []).append(event)
    if not by_recipient and not engagement:
        return None
    recipients = tuple(fold_recipient(by_recipient[address]) for address in sorted(by_recipient))
    engaged = tuple(sorted(engagement.values(), key=_order))
    everything = sorted([*(e for r in recipients for e in r.timeline), *engaged], key=_order)

    def first(field: str) -> str | None:
        return next((value for e in everything if (value := getattr(e, field)) is not None), None)

    return MessageStatus(
        message_id=message_id,
        sent_at=first("sent_at"),
        source=first("source"),
        configuration_set=first("configuration_set"),
        subject=first("subject"),
        recipients=recipients,
        opened=bool(engaged),
        clicked=any(event.event_type == CLICK for event in engaged),
        engagement=engaged,
    )


def describe(event: RecipientEvent) -> str:
    """One human line of what support needs to know about an event."""
    parts: list[str | None]
    if event.event_type == BOUNCE:
        parts = [f"{event.bounce_type}/{event.bounce_subtype}", event.status_code, event.diagnostic_code]
    elif event.event_type == COMPLAINT:
        parts = [
            f"feedback type {event.complaint_feedback_type}" if event.complaint_feedback_type else None,
            event.complaint_subtype,
        ]
    elif event.event_type == DELIVERY:
        parts = [event.smtp_response]
    elif event.event_type == DELIVERY_DELAY:
        parts = [event.delay_type, event.status_code, event.diagnostic_code]
    elif event.event_type == REJECT:
        parts = [event.reject_reason]
    elif event.event_type == RENDERING_FAILURE:
        parts = [f"template {event.template_name}:" if event.template_name else None, event.failure_message]
    elif event.event_type == CLICK:
        parts = [event.link]
    elif event.event_type == SUBSCRIPTION:
        parts = [f"contact list {event.contact_list}" if event.contact_list else None, event.detail]
    else:
        parts = [event.detail]
    return " ".join(part for part in parts if part)

"""Shared fixtures for the suppression audit tests: an event table built from schema.py, real-shape items."""

from __future__ import annotations

from typing import Any

from eventtable import create_events_table
from sesmail.events import schema


def create_event_table(dynamodb: Any, name: str = "ses-events") -> str:
    """The event table with its recipient index, built from ``sesmail.events.schema`` (shared test helper)."""
    create_events_table(dynamodb, name)
    return name


def put_event(
    dynamodb: Any,
    table: str,
    *,
    recipient: str,
    event_at: str,
    event_type: str,
    message_id: str = "0100018c-aaaa-bbbb-cccc-000000000001-000000",
    **attributes: str,
) -> None:
    """One stored event in the layout documented in ``sesmail.events.schema`` (only string attributes)."""
    recipient = recipient.lower()
    item = {
        schema.TABLE_PARTITION_KEY: f"{schema.MESSAGE_KEY_PREFIX}{message_id}",
        schema.TABLE_SORT_KEY: f"{schema.EVENT_KEY_PREFIX}{event_at}#{event_type}#{recipient}#-",
        schema.RECIPIENT_INDEX_PARTITION_KEY: recipient,
        schema.RECIPIENT_INDEX_SORT_KEY: event_at,
        "message_id": message_id,
        "event_type": event_type,
        "configuration_set": "transactional",
        **attributes,
    }
    dynamodb.put_item(TableName=table, Item={key: {"S": value} for key, value in item.items()})


def put_bounce(
    dynamodb: Any,
    table: str,
    recipient: str,
    event_at: str,
    message_id: str,
    subtype: str,
    *,
    bounce_type: str = "Permanent",
    **details: str,
) -> None:
    """A stored bounce of ``bounce_type`` (Permanent unless given) and ``subtype``."""
    put_event(
        dynamodb,
        table,
        recipient=recipient,
        event_at=event_at,
        event_type="Bounce",
        message_id=message_id,
        bounce_type=bounce_type,
        bounce_subtype=subtype,
        **details,
    )


def put_soft_bounce(
    dynamodb: Any, table: str, recipient: str, event_at: str, message_id: str, **details: str
) -> None:
    """A stored Transient/MailboxFull bounce: the audit's ``soft-bounce`` evidence."""
    put_bounce(
        dynamodb, table, recipient, event_at, message_id, "MailboxFull", bounce_type="Transient", **details
    )


def put_complaint(dynamodb: Any, table: str, recipient: str, event_at: str, message_id: str) -> None:
    """A stored Complaint with feedback type ``abuse``."""
    put_event(
        dynamodb,
        table,
        recipient=recipient,
        event_at=event_at,
        event_type="Complaint",
        message_id=message_id,
        complaint_feedback_type="abuse",
    )


def put_hard_bounce(dynamodb: Any, table: str, recipient: str, event_at: str, message_id: str) -> None:
    put_bounce(
        dynamodb,
        table,
        recipient,
        event_at,
        message_id,
        "General",
        status_code="5.1.1",
        diagnostic_code="smtp; 550 5.1.1 user unknown",
    )


def put_suppression_bounce(dynamodb: Any, table: str, recipient: str, event_at: str, message_id: str) -> None:
    """The bounce SES records for a send to an address already on the account suppression list."""
    put_bounce(dynamodb, table, recipient, event_at, message_id, "OnAccountSuppressionList")

"""Cross-checks for the demo: the same summary counted independently from several sources.

Summary categories, per (message, recipient) event: ``sent`` (Send), ``delivered`` (Delivery),
``bounced`` (Permanent bounce that SES attempted), ``suppressed`` (bounce because the address is on a
suppression list: SES did not try), ``complained`` (Complaint). Sources:

- the support lookups (``sesmail.events.lookup.message_status`` per sent message ID, the product's own
  read path over the table),
- a direct ``Scan`` of the table (no product code involved),
- what the SES stand-in published, and what the scenario predicts (``expected_event_counts``).

The demo fails when any two disagree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Final

from sesmail.events.status import SUPPRESSION_SUBTYPES, MessageStatus

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

SUMMARY_KEYS: Final = ("sent", "delivered", "bounced", "complained", "suppressed")
_SIMPLE: Final = {"Send": "sent", "Delivery": "delivered", "Complaint": "complained"}


def summary_category(event_type: str, bounce_type: str | None, bounce_subtype: str | None) -> str:
    """The summary row an event counts in (``other`` for event types the summary does not show)."""
    if event_type == "Bounce":
        if bounce_subtype in SUPPRESSION_SUBTYPES:
            return "suppressed"
        return "bounced" if bounce_type == "Permanent" else "other"
    return _SIMPLE.get(event_type, "other")


def lookup_counts(statuses: Iterable[MessageStatus]) -> Counter[str]:
    """Event counts over the timelines the support lookup returns."""
    counts: Counter[str] = Counter()
    for message in statuses:
        for recipient in message.recipients:
            for event in recipient.timeline:
                counts[summary_category(event.event_type, event.bounce_type, event.bounce_subtype)] += 1
    return counts


def final_status_counts(statuses: Iterable[MessageStatus]) -> Counter[str]:
    """How many (message, recipient) pairs ended in each status."""
    return Counter(recipient.status for message in statuses for recipient in message.recipients)


def scan_counts(client: DynamoDBClient, table_name: str) -> Counter[str]:
    """Event counts from a full, paginated Scan of the table (consistent read)."""
    counts: Counter[str] = Counter()
    paginator = client.get_paginator("scan")
    pages = paginator.paginate(
        TableName=table_name,
        ConsistentRead=True,
        ProjectionExpression="event_type, bounce_type, bounce_subtype",
    )
    for page in pages:
        for item in page.get("Items", []):
            event_type = item.get("event_type", {}).get("S", "")
            bounce_type = item.get("bounce_type", {}).get("S")
            bounce_subtype = item.get("bounce_subtype", {}).get("S")
            counts[summary_category(event_type, bounce_type, bounce_subtype)] += 1
    return counts


def disagreements(sources: Mapping[str, Mapping[str, int]]) -> list[str]:
    """One line per summary row where the sources do not all give the same number."""
    problems = []
    for key in SUMMARY_KEYS:
        values = {name: counts.get(key, 0) for name, counts in sources.items()}
        if len(set(values.values())) > 1:
            problems.append(f"{key}: " + ", ".join(f"{name}={value}" for name, value in values.items()))
    return problems


def published_counts(published: Mapping[str, int]) -> Counter[str]:
    """The SES stand-in's ledger (``Send``, ``Bounce/<subtype>``, ...) in summary categories."""
    counts: Counter[str] = Counter()
    for key, count in published.items():
        event_type, _, subtype = key.partition("/")
        counts[summary_category(event_type, "Permanent", subtype or None)] += count
    return counts

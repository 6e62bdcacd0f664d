"""Data access: the most recent stored Bounce/Complaint for an address, from the event table's index.

One small function on purpose: it is the only place the suppression audit touches the event store, so
it can be pointed at the shared store code (``sesmail.events.lookup``) without touching anything else.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from sesmail.aws.calls import RateLimiter, paginate
from sesmail.events.schema import (
    RECIPIENT_INDEX_NAME,
    RECIPIENT_INDEX_PARTITION_KEY,
    RECIPIENT_INDEX_SORT_KEY,
)
from sesmail.suppression.domain import Evidence, parse_event_time

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# Newest first, a few items per page: a suppressed address receives no mail after it is listed, so its
# newest events are almost always the bounce or complaint itself; small pages keep read units low.
QUERY_PAGE_SIZE: Final = 25
EVIDENCE_EVENT_TYPES: Final = ("Bounce", "Complaint")
# Bounces SES generates *because* the address is already listed: a consequence of the listing, not
# its cause. They are evidence only when nothing older explains the listing (e.g. past retention).
CONSEQUENCE_BOUNCE_SUBTYPES: Final = frozenset({"OnAccountSuppressionList"})


def _string(item: Mapping[str, Any], name: str) -> str | None:
    value = item.get(name)
    if isinstance(value, Mapping) and "S" in value:
        return str(value["S"])
    if isinstance(value, Mapping) and "N" in value:
        return str(value["N"])
    return None


def evidence_from_item(item: Mapping[str, Any]) -> Evidence:
    """An index item (DynamoDB attribute-value shape) -> Evidence."""
    return Evidence(
        event_type=_string(item, "event_type") or "",
        event_at=parse_event_time(_string(item, RECIPIENT_INDEX_SORT_KEY) or ""),
        message_id=_string(item, "message_id"),
        bounce_type=_string(item, "bounce_type"),
        bounce_subtype=_string(item, "bounce_subtype"),
        diagnostic_code=_string(item, "diagnostic_code"),
        status_code=_string(item, "status_code"),
        complaint_feedback_type=_string(item, "complaint_feedback_type"),
    )


def latest_bounce_or_complaint(
    client: DynamoDBClient, table_name: str, address: str, *, limiter: RateLimiter | None = None
) -> Evidence | None:
    """Query the recipient index newest first and return the newest Bounce or Complaint that explains
    the listing; suppression-list bounces (the listing's consequence) only when nothing else is stored.

    Raises ``AwsCallError`` (after retries on throttling) or ``AwsSetupError``.
    """
    items = paginate(
        client.query,
        items_key="Items",
        token_in="ExclusiveStartKey",  # noqa: S106 - a pagination key, not a secret
        token_out="LastEvaluatedKey",  # noqa: S106
        limiter=limiter,
        TableName=table_name,
        IndexName=RECIPIENT_INDEX_NAME,
        KeyConditionExpression="#recipient = :recipient",
        FilterExpression="#event_type IN (:bounce, :complaint)",
        ExpressionAttributeNames={"#recipient": RECIPIENT_INDEX_PARTITION_KEY, "#event_type": "event_type"},
        ExpressionAttributeValues={
            ":recipient": {"S": address.strip().lower()},
            ":bounce": {"S": EVIDENCE_EVENT_TYPES[0]},
            ":complaint": {"S": EVIDENCE_EVENT_TYPES[1]},
        },
        ScanIndexForward=False,
        Limit=QUERY_PAGE_SIZE,
    )
    consequence: Evidence | None = None
    for item in items:
        evidence = evidence_from_item(item)
        if evidence.bounce_subtype not in CONSEQUENCE_BOUNCE_SUBTYPES:
            return evidence
        consequence = consequence or evidence
    return consequence

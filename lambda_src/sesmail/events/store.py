"""The event table: the only module that talks to DynamoDB (boto3 stays out of every other layer).

Write path: items with deterministic keys (``schema.py``) so a redelivered event overwrites itself;
``BatchWriteItem`` in chunks of at most 25 across the whole SQS batch; ``UnprocessedItems`` and
throttling retried with capped exponential backoff and full jitter while the invocation has time
left; never a read. Read path: ``Query`` on the table (by message) and on the recipient index.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final, cast

from botocore.exceptions import BotoCoreError, ClientError

from sesmail.events import schema
from sesmail.events.models import EVENT_PUBLISHING, RecipientEvent

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

BATCH_WRITE_LIMIT: Final = 25  # DynamoDB's hard limit per BatchWriteItem call
RETRY_BASE_SECONDS: Final = 0.05
RETRY_CAP_SECONDS: Final = 2.0
# Stop retrying when less than this is left: the handler still has to answer SQS before the timeout.
SAFETY_MARGIN_MS: Final = 1500
RETRYABLE_ERROR_CODES: Final = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
    }
)

# Optional string attributes copied 1:1 between RecipientEvent and the item (same names).
_OPTIONAL_STRING_FIELDS: Final = (
    "feedback_id",
    "sent_at",
    "source",
    "configuration_set",
    "subject",
    "bounce_type",
    "bounce_subtype",
    "diagnostic_code",
    "status_code",
    "complaint_feedback_type",
    "complaint_subtype",
    "delay_type",
    "smtp_response",
    "reject_reason",
    "failure_message",
    "template_name",
    "link",
    "contact_list",
    "detail",
)

AttributeValue = dict[str, Any]  # low-level DynamoDB JSON: {"S": "..."}, {"N": "..."}, {"M": {...}}
Item = dict[str, Any]


class StoreError(RuntimeError):
    """DynamoDB refused a read (missing table, no permission, throttled past retries, network)."""


@dataclass(slots=True)
class WriteOutcome:
    """What happened to one batch: which SQS records did not fully persist, and what it cost."""

    failed_record_ids: set[str] = field(default_factory=set)
    items_written: int = 0
    requests: int = 0
    unprocessed_retries: int = 0
    errors: list[str] = field(default_factory=list)  # one line per non-retryable error code seen


def event_key(event: RecipientEvent) -> tuple[str, str]:
    """(pk, sk) of an event's item; equal for the same SES event however often it is delivered."""
    message_id, event_at, event_type, recipient, feedback_id = event.identity
    sk = f"{schema.EVENT_KEY_PREFIX}{event_at}#{event_type}#{recipient}#{feedback_id}"
    return f"{schema.MESSAGE_KEY_PREFIX}{message_id}", sk


def expiry_epoch(event_at: str, retention_seconds: int) -> int:
    """TTL from the *event* time, not the write time, so a replay writes byte-identical items."""
    return int(datetime.fromisoformat(event_at).timestamp()) + retention_seconds


def to_item(event: RecipientEvent, retention_seconds: int) -> Item:
    pk, sk = event_key(event)
    item: Item = {
        schema.TABLE_PARTITION_KEY: {"S": pk},
        schema.TABLE_SORT_KEY: {"S": sk},
        schema.RECIPIENT_INDEX_PARTITION_KEY: {"S": event.recipient},
        schema.RECIPIENT_INDEX_SORT_KEY: {"S": event.event_at},
        schema.TTL_ATTRIBUTE: {"N": str(expiry_epoch(event.event_at, retention_seconds))},
        "message_id": {"S": event.message_id},
        "event_type": {"S": event.event_type},
        "origin": {"S": event.origin},
    }
    for name in _OPTIONAL_STRING_FIELDS:
        value = getattr(event, name)
        if value is not None:
            item[name] = {"S": value}
    if event.tags:
        item["tags"] = {"M": {k: {"S": v} for k, v in event.tags.items()}}
    return item


def from_item(item: Item) -> RecipientEvent:
    """Inverse of :func:`to_item` (index items carry only the projected attributes)."""
    optional = {name: item[name]["S"] for name in _OPTIONAL_STRING_FIELDS if name in item}
    if "feedback_id" not in optional:
        # Not projected into the recipient index, but always the sort key's last segment.
        feedback_id = item[schema.TABLE_SORT_KEY]["S"].rsplit("#", 1)[-1]
        if feedback_id != "-":
            optional["feedback_id"] = feedback_id
    tags = {k: v["S"] for k, v in item.get("tags", {}).get("M", {}).items()}
    return RecipientEvent(
        message_id=item["message_id"]["S"],
        recipient=item[schema.RECIPIENT_INDEX_PARTITION_KEY]["S"],
        event_type=item["event_type"]["S"],
        event_at=item[schema.RECIPIENT_INDEX_SORT_KEY]["S"],
        origin=item.get("origin", {}).get("S", EVENT_PUBLISHING),
        tags=tags,
        **optional,
    )


def create_client(region_name: str | None = None) -> DynamoDBClient:
    """A DynamoDB client with short timeouts; throttling is retried by :class:`EventStore` itself.

    Built from botocore directly: boto3's import pulls in s3transfer and costs the Lambda cold start
    several times what the client needs (docs/performance.md). Same credential and region chain.
    """
    from botocore.config import Config  # noqa: PLC0415 - pure callers of this module never pay for it
    from botocore.session import get_session  # noqa: PLC0415

    config = Config(
        connect_timeout=2,
        read_timeout=5,
        retries={"mode": "standard", "total_max_attempts": 2},
    )
    try:
        # botocore types every client as BaseClient; the stubs' DynamoDBClient is the real shape.
        client = get_session().create_client("dynamodb", region_name=region_name, config=config)
    except BotoCoreError as error:  # typically NoRegionError
        raise StoreError(f"cannot create a DynamoDB client: {error}") from None
    return cast("DynamoDBClient", client)


class EventStore:
    def __init__(
        self,
        client: DynamoDBClient,
        table_name: str,
        *,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self._client = client
        self.table_name = table_name
        self._sleep = sleep
        self._jitter = jitter

    # ----------------------------------------------------------------------------------- writing
    def write(
        self,
        events_by_record: Iterable[tuple[str, Sequence[RecipientEvent]]],
        *,
        retention_seconds: int,
        remaining_ms: Callable[[], int],
    ) -> WriteOutcome:
        """Persist every record's events; report the records with at least one item not written."""
        outcome = WriteOutcome()
        items: dict[tuple[str, str], Item] = {}
        owners: dict[tuple[str, str], list[str]] = {}
        for record_id, events in events_by_record:
            for event in events:
                item = to_item(event, retention_seconds)
                key = (item[schema.TABLE_PARTITION_KEY]["S"], item[schema.TABLE_SORT_KEY]["S"])
                # The same event twice in one batch is one item: BatchWriteItem rejects repeated keys.
                items[key] = item
                owners.setdefault(key, []).append(record_id)

        pending = list(items)
        permanent: list[tuple[str, str]] = []
        attempt = 0
        while pending:
            if attempt:
                delay = min(RETRY_CAP_SECONDS, RETRY_BASE_SECONDS * 2**attempt) * self._jitter()
                if remaining_ms() - delay * 1000 < SAFETY_MARGIN_MS:
                    break
                self._sleep(delay)
                outcome.unprocessed_retries += len(pending)
            retry: list[tuple[str, str]] = []
            failed_before = len(permanent)
            for chunk in _chunks(pending, BATCH_WRITE_LIMIT):
                retry.extend(self._write_chunk(chunk, items, outcome, permanent))
            outcome.items_written += len(pending) - len(retry) - (len(permanent) - failed_before)
            pending = retry
            attempt += 1

        for key in pending + permanent:
            outcome.failed_record_ids.update(owners[key])
        return outcome

    def _write_chunk(
        self,
        keys: list[tuple[str, str]],
        items: dict[tuple[str, str], Item],
        outcome: WriteOutcome,
        permanent: list[tuple[str, str]],
    ) -> list[tuple[str, str]]:
        """Write one chunk; return the keys to retry. Non-retryable failures go to ``permanent``."""
        outcome.requests += 1
        try:
            response = self._client.batch_write_item(
                RequestItems={self.table_name: [{"PutRequest": {"Item": items[key]}} for key in keys]}
            )
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "ClientError")
            if code in RETRYABLE_ERROR_CODES:
                return keys
            # Validation, access, missing table: retrying cannot help; SQS redelivers, then the DLQ.
            outcome.errors.append(code)
            permanent.extend(keys)
            return []
        except BotoCoreError:
            return keys  # connection reset / timeout: worth another go
        unprocessed = response.get("UnprocessedItems", {}).get(self.table_name, [])
        return [
            (
                request["PutRequest"]["Item"][schema.TABLE_PARTITION_KEY]["S"],
                request["PutRequest"]["Item"][schema.TABLE_SORT_KEY]["S"],
            )
            for request in unprocessed
            if "PutRequest" in request
        ]

    # ----------------------------------------------------------------------------------- reading
    def message_events(self, message_id: str) -> list[RecipientEvent]:
        """Every stored event of one SES message, in sort-key (time) order."""
        params: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "#pk = :pk",
            "ExpressionAttributeNames": {"#pk": schema.TABLE_PARTITION_KEY},
            "ExpressionAttributeValues": {":pk": {"S": f"{schema.MESSAGE_KEY_PREFIX}{message_id}"}},
        }
        return [from_item(item) for item in self._query(params, limit=None)]

    def recipient_events(self, recipient: str, *, since: str | None, limit: int) -> list[RecipientEvent]:
        """The newest ``limit`` events of a (normalised) recipient, newest first, from the index."""
        names = {"#r": schema.RECIPIENT_INDEX_PARTITION_KEY}
        values: dict[str, AttributeValue] = {":r": {"S": recipient}}
        condition = "#r = :r"
        if since is not None:
            names["#t"] = schema.RECIPIENT_INDEX_SORT_KEY
            values[":since"] = {"S": since}
            condition += " AND #t >= :since"
        params: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": schema.RECIPIENT_INDEX_NAME,
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
            "ScanIndexForward": False,
        }
        return [from_item(item) for item in self._query(params, limit=limit)]

    def _query(self, params: dict[str, Any], *, limit: int | None) -> Iterator[Item]:
        returned = 0
        while True:
            if limit is not None:
                params["Limit"] = limit - returned
            try:
                page = self._client.query(**params)
            except ClientError as error:
                code = error.response.get("Error", {}).get("Code", "ClientError")
                message = error.response.get("Error", {}).get("Message", "")
                raise StoreError(f"DynamoDB {code} on table {self.table_name}: {message}") from None
            except BotoCoreError as error:
                raise StoreError(f"DynamoDB unreachable: {error}") from None
            for item in page.get("Items", []):
                yield item
                returned += 1
            if "LastEvaluatedKey" not in page or (limit is not None and returned >= limit):
                return
            params["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _chunks(keys: list[tuple[str, str]], size: int) -> Iterator[list[tuple[str, str]]]:
    for start in range(0, len(keys), size):
        yield keys[start : start + size]

"""The event table: the only module that talks to DynamoDB (boto3 stays out of every other layer).

Write path: items with deterministic keys (``schema.py``) so a redelivered event overwrites itself;
``BatchWriteItem`` in chunks of at most 25 across the whole SQS batch; ``UnprocessedItems``,
throttling, 5xx and connection errors retried with capped exponential backoff and full jitter while
the invocation has time left; a chunk DynamoDB (or botocore's own validation) rejects is re-sent
record by record so only the culprit fails; the time left is checked before every call and the
client's timeouts fit it; never a read. Read path: ``Query`` on the table and the recipient index.
See docs/decisions/0030-event-persister-batch-loop.md.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, Final, cast

from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError, ParamValidationError

from sesmail.events import schema
from sesmail.events.models import EVENT_PUBLISHING, MESSAGE_LEVEL, OutboxRecord, RecipientEvent

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

BATCH_WRITE_LIMIT: Final = 25  # DynamoDB's hard limit per BatchWriteItem call
RETRY_BASE_SECONDS: Final = 0.05
RETRY_CAP_SECONDS: Final = 2.0
# Kept free for the handler to answer SQS (metrics, logs, the response) before the function timeout.
SAFETY_MARGIN_MS: Final = 500
# (connect, read) timeouts in seconds, largest first. A call is made only with the largest pair that
# fits in the time left, so one slow call cannot outlive the invocation (botocore retries are off).
CLIENT_TIMEOUT_TIERS: Final = ((2.0, 5.0), (1.0, 2.0), (0.5, 1.0), (0.25, 0.5))
MIN_CALL_BUDGET_MS: Final = int(sum(CLIENT_TIMEOUT_TIERS[-1]) * 1000)
RETRYABLE_ERROR_CODES: Final = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
    }
)
# Errors about the request's content: another record's items would have been accepted.
ITEM_ERROR_CODES: Final = frozenset({"ValidationException", "SerializationException"})

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


Key = tuple[str, str]


def event_key(event: RecipientEvent) -> Key:
    """(pk, sk) of an event's item; equal for the same SES event however often it is delivered."""
    return schema.event_keys(*event.identity)


def expiry_epoch(event_at: str, retention_seconds: int) -> int:
    """TTL from the *event* time, not the write time, so a replay writes byte-identical items."""
    return int(datetime.fromisoformat(event_at).timestamp()) + retention_seconds


def to_item(event: RecipientEvent, retention_seconds: int) -> Item:
    pk, sk = event_key(event)
    item: Item = {
        schema.TABLE_PARTITION_KEY: {"S": pk},
        schema.TABLE_SORT_KEY: {"S": sk},
        schema.RECIPIENT_INDEX_SORT_KEY: {"S": event.event_at},
        schema.TTL_ATTRIBUTE: {"N": str(expiry_epoch(event.event_at, retention_seconds))},
        "message_id": {"S": event.message_id},
        "event_type": {"S": event.event_type},
        "origin": {"S": event.origin},
    }
    if event.recipient != MESSAGE_LEVEL:  # message-level events stay out of the (sparse) recipient index
        item[schema.RECIPIENT_INDEX_PARTITION_KEY] = {"S": event.recipient}
    for name in _OPTIONAL_STRING_FIELDS:
        value = getattr(event, name)
        if value is not None:
            item[name] = {"S": value}
    if event.tags:
        item["tags"] = {"M": {k: {"S": v} for k, v in event.tags.items()}}
        ref = event.tags.get(schema.REF_TAG)
        if ref:  # the sparse ref index holds only mails sent with a reference (an empty key is invalid)
            item[schema.REF_INDEX_PARTITION_KEY] = {"S": ref}
    return item


def outbox_record_to_item(record: OutboxRecord) -> Item:
    pk, sk = schema.outbox_trail_keys(record.ref, record.at, record.outbox_id, record.attempts, record.state)
    expires = int(datetime.fromisoformat(record.at).timestamp()) + schema.OUTBOX_TRAIL_RETENTION_SECONDS
    item: Item = {
        schema.TABLE_PARTITION_KEY: {"S": pk},
        schema.TABLE_SORT_KEY: {"S": sk},
        schema.TTL_ATTRIBUTE: {"N": str(expires)},
        "at": {"S": record.at},
        "outbox_id": {"S": record.outbox_id},
        "state": {"S": record.state},
        "mail_class": {"S": record.mail_class},
        "attempts": {"N": str(record.attempts)},
        "first_failed_at": {"S": record.first_failed_at},
        "reason": {"S": record.reason or "-"},
        "possible_duplicate": {"BOOL": record.possible_duplicate},
    }
    if record.regions_tried:
        item["regions_tried"] = {"L": [{"S": region} for region in record.regions_tried]}
    for name in ("message_id", "region"):
        value = getattr(record, name)
        if value is not None:
            item[name] = {"S": value}
    return item


def outbox_record_from_item(item: Item) -> OutboxRecord:
    return OutboxRecord(
        ref=item[schema.TABLE_PARTITION_KEY]["S"].removeprefix(schema.REF_KEY_PREFIX),
        at=item["at"]["S"],
        outbox_id=item["outbox_id"]["S"],
        state=item["state"]["S"],
        mail_class=item["mail_class"]["S"],
        attempts=int(item["attempts"]["N"]),
        first_failed_at=item["first_failed_at"]["S"],
        reason=item["reason"]["S"],
        regions_tried=tuple(region["S"] for region in item.get("regions_tried", {}).get("L", [])),
        possible_duplicate=bool(item.get("possible_duplicate", {}).get("BOOL", False)),
        message_id=item.get("message_id", {}).get("S"),
        region=item.get("region", {}).get("S"),
    )


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
        recipient=item.get(schema.RECIPIENT_INDEX_PARTITION_KEY, {}).get("S", MESSAGE_LEVEL),
        event_type=item["event_type"]["S"],
        event_at=item[schema.RECIPIENT_INDEX_SORT_KEY]["S"],
        origin=item.get("origin", {}).get("S", EVENT_PUBLISHING),
        tags=tags,
        **optional,
    )


def create_client(
    region_name: str | None = None, *, timeouts: tuple[float, float] = (2.0, 5.0), attempts: int = 2
) -> DynamoDBClient:
    """A DynamoDB client with short timeouts; throttling is retried by :class:`EventStore` itself.

    Built from botocore directly: boto3's import pulls in s3transfer and costs the Lambda cold start
    several times what the client needs (docs/performance.md). Same credential and region chain.
    """
    from botocore.config import Config  # noqa: PLC0415 - pure callers of this module never pay for it
    from botocore.session import get_session  # noqa: PLC0415

    config = Config(
        connect_timeout=timeouts[0],
        read_timeout=timeouts[1],
        retries={"mode": "standard", "total_max_attempts": attempts},
    )
    try:
        # botocore types every client as BaseClient; the stubs' DynamoDBClient is the real shape.
        client = get_session().create_client("dynamodb", region_name=region_name, config=config)
    except BotoCoreError as error:  # typically NoRegionError
        raise StoreError(f"cannot create a DynamoDB client: {error}") from None
    return cast("DynamoDBClient", client)


class BudgetedClients:
    """Write clients whose timeouts fit the time left: ``clients(budget_ms)`` is the client of the
    largest :data:`CLIENT_TIMEOUT_TIERS` pair within ``budget_ms``, or None when none fits. Each tier's
    client is built once, on first use (the largest at construction, in the Lambda init phase)."""

    def __init__(self, region_name: str | None = None) -> None:
        self._region_name = region_name
        self._clients: dict[tuple[float, float], DynamoDBClient] = {}
        self.default = self._client(CLIENT_TIMEOUT_TIERS[0])

    def __call__(self, budget_ms: int) -> DynamoDBClient | None:
        for timeouts in CLIENT_TIMEOUT_TIERS:
            if sum(timeouts) * 1000 <= budget_ms:
                return self._client(timeouts)
        return None

    def _client(self, timeouts: tuple[float, float]) -> DynamoDBClient:
        if timeouts not in self._clients:
            self._clients[timeouts] = create_client(self._region_name, timeouts=timeouts, attempts=1)
        return self._clients[timeouts]


class _Verdict(Enum):
    WRITTEN = "written"  # the call succeeded; some items may be unprocessed
    TRANSIENT = "transient"  # throttled, 5xx, connection: retry the keys after a backoff
    REJECTED = "rejected"  # the request's content was refused: re-send record by record
    FATAL = "fatal"  # table-wide (missing table, no permission, credentials): nothing else will pass
    NO_TIME = "no time"  # not attempted: no call fits in the time left


class EventStore:
    def __init__(
        self,
        client: DynamoDBClient,
        table_name: str,
        *,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        client_for_budget: Callable[[int], DynamoDBClient | None] | None = None,
    ) -> None:
        """``client`` serves reads, and writes when no ``client_for_budget`` (e.g.
        :class:`BudgetedClients`) picks one whose timeouts fit the time left."""
        self._client = client
        self.table_name = table_name
        self.sleep = sleep
        self.jitter = jitter
        self._client_for_budget = client_for_budget or self._fixed_client

    def _fixed_client(self, budget_ms: int) -> DynamoDBClient | None:
        return self._client if budget_ms >= MIN_CALL_BUDGET_MS else None

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
        items: dict[Key, Item] = {}
        owners: dict[Key, list[str]] = {}
        for record_id, events in events_by_record:
            try:
                record_items = [to_item(event, retention_seconds) for event in events]
            except Exception as error:  # noqa: BLE001 - whatever one record holds, it fails that record only
                outcome.failed_record_ids.add(record_id)
                outcome.errors.append(f"item build {type(error).__name__}")
                continue
            for item in record_items:
                key = (item[schema.TABLE_PARTITION_KEY]["S"], item[schema.TABLE_SORT_KEY]["S"])
                # The same event twice in one batch is one item: BatchWriteItem rejects repeated keys.
                items[key] = item
                owners.setdefault(key, []).append(record_id)

        batch = _BatchWrite(self, items, owners, outcome, remaining_ms)
        batch.run()
        for key in batch.pending + batch.failed:
            outcome.failed_record_ids.update(owners[key])
        return outcome

    def send_batch(
        self, keys: list[Key], items: dict[Key, Item], budget_ms: int
    ) -> tuple[_Verdict, list[Key], str]:
        """One BatchWriteItem call if one fits in ``budget_ms``: (verdict, keys not written, error)."""
        client = self._client_for_budget(budget_ms)
        if client is None:
            return _Verdict.NO_TIME, keys, ""
        try:
            response = client.batch_write_item(
                RequestItems={self.table_name: [{"PutRequest": {"Item": items[key]}} for key in keys]}
            )
        except Exception as error:  # noqa: BLE001 - classified (and unknown ones re-raised) below
            verdict, code = _classify(error)
            return verdict, keys, code
        unprocessed = response.get("UnprocessedItems", {}).get(self.table_name, [])
        left = [
            (
                request["PutRequest"]["Item"][schema.TABLE_PARTITION_KEY]["S"],
                request["PutRequest"]["Item"][schema.TABLE_SORT_KEY]["S"],
            )
            for request in unprocessed
            if "PutRequest" in request
        ]
        return _Verdict.WRITTEN, left, ""

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

    def ref_message_ids(self, ref: str) -> list[str]:
        """The SES message ids whose stored events carry ``ref``, oldest first (ref index)."""
        params: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": schema.REF_INDEX_NAME,
            "KeyConditionExpression": "#ref = :ref",
            "ExpressionAttributeNames": {"#ref": schema.REF_INDEX_PARTITION_KEY},
            "ExpressionAttributeValues": {":ref": {"S": ref}},
        }
        ids: dict[str, None] = {}
        for item in self._query(params, limit=None):
            ids.setdefault(item[schema.TABLE_PARTITION_KEY]["S"].removeprefix(schema.MESSAGE_KEY_PREFIX))
        return list(ids)

    def outbox_trail(self, ref: str) -> list[OutboxRecord]:
        """Every stored outbox step of ``ref``, oldest first."""
        params: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "#pk = :pk AND begins_with(#sk, :outbox)",
            "ExpressionAttributeNames": {"#pk": schema.TABLE_PARTITION_KEY, "#sk": schema.TABLE_SORT_KEY},
            "ExpressionAttributeValues": {
                ":pk": {"S": f"{schema.REF_KEY_PREFIX}{ref}"},
                ":outbox": {"S": schema.OUTBOX_KEY_PREFIX},
            },
        }
        return [outbox_record_from_item(item) for item in self._query(params, limit=None)]

    def put_outbox_record(self, record: OutboxRecord) -> None:
        """One PutItem (the sender's and the replay worker's only write to this table)."""
        try:
            self._client.put_item(TableName=self.table_name, Item=outbox_record_to_item(record))
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "ClientError")
            raise StoreError(f"DynamoDB {code} on table {self.table_name}") from None
        except BotoCoreError as error:
            raise StoreError(f"DynamoDB unreachable: {error}") from None

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


def _classify(error: Exception) -> tuple[_Verdict, str]:
    """What a failed BatchWriteItem call means for its keys, and the error name to report."""
    if isinstance(error, ClientError):
        code = str(error.response.get("Error", {}).get("Code", "ClientError"))
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if code in RETRYABLE_ERROR_CODES or status >= 500:
            return _Verdict.TRANSIENT, ""
        # Content errors are isolated per record; anything else (missing table, access) hits every call.
        return (_Verdict.REJECTED if code in ITEM_ERROR_CODES else _Verdict.FATAL), code
    if isinstance(error, HTTPClientError):
        return _Verdict.TRANSIENT, ""  # connection reset, timeouts, endpoint unreachable
    if isinstance(error, (ParamValidationError, ValueError, TypeError)):
        # Refused by botocore before sending, or unserialisable: the request's content, never retried.
        return _Verdict.REJECTED, type(error).__name__
    if isinstance(error, BotoCoreError):
        return _Verdict.FATAL, type(error).__name__  # credentials, configuration: retrying cannot help
    raise error


class _BatchWrite:
    """The retry loop of one :meth:`EventStore.write`: ``pending`` and ``failed`` keys when done."""

    def __init__(
        self,
        store: EventStore,
        items: dict[Key, Item],
        owners: dict[Key, list[str]],
        outcome: WriteOutcome,
        remaining_ms: Callable[[], int],
    ) -> None:
        self.store = store
        self.items = items
        self.owners = owners
        self.outcome = outcome
        self.remaining_ms = remaining_ms
        self.pending: list[Key] = list(items)
        self.failed: list[Key] = []  # rejected for good (their records fail, SQS decides what next)

    def run(self) -> None:
        attempt = 0
        while self.pending:
            if attempt:
                delay = min(RETRY_CAP_SECONDS, RETRY_BASE_SECONDS * 2**attempt) * self.store.jitter()
                if self.remaining_ms() - delay * 1000 < SAFETY_MARGIN_MS + MIN_CALL_BUDGET_MS:
                    return
                self.store.sleep(delay)
                self.outcome.unprocessed_retries += len(self.pending)
            retry: list[Key] = []
            chunks = list(_chunks(self.pending, BATCH_WRITE_LIMIT))
            for index, chunk in enumerate(chunks):
                verdict, left = self._send(chunk)
                if verdict is _Verdict.REJECTED:
                    verdict, left = self._send_per_record(chunk)
                if verdict in {_Verdict.NO_TIME, _Verdict.FATAL}:
                    # Nothing more can be written in this invocation: report the rest, never drop it.
                    rest = [*retry, *left, *(key for later in chunks[index + 1 :] for key in later)]
                    self.pending = [] if verdict is _Verdict.FATAL else rest
                    self.failed += rest if verdict is _Verdict.FATAL else []
                    return
                retry += left
            self.pending = retry
            attempt += 1

    def _send_per_record(self, chunk: list[Key]) -> tuple[_Verdict, list[Key]]:
        """Re-send a rejected chunk one record at a time: the culprit fails, the others are written.
        Returns WRITTEN with the keys to retry, or NO_TIME / FATAL with every key not yet settled."""
        groups: dict[str, list[Key]] = {}
        for key in chunk:
            groups.setdefault(self.owners[key][0], []).append(key)
        by_record = list(groups.values())
        retry: list[Key] = []
        for index, keys in enumerate(by_record):
            verdict, left = self._send(keys)
            if verdict is _Verdict.REJECTED:
                self.failed += keys
            elif verdict in {_Verdict.NO_TIME, _Verdict.FATAL}:
                return verdict, [*retry, *(key for later in by_record[index:] for key in later)]
            else:
                retry += left
        return _Verdict.WRITTEN, retry

    def _send(self, keys: list[Key]) -> tuple[_Verdict, list[Key]]:
        verdict, left, error = self.store.send_batch(keys, self.items, self.remaining_ms() - SAFETY_MARGIN_MS)
        if verdict is not _Verdict.NO_TIME:
            self.outcome.requests += 1
        if verdict is _Verdict.WRITTEN:
            self.outcome.items_written += len(keys) - len(left)
        if error:
            self.outcome.errors.append(error)
        return verdict, left


def _chunks(keys: list[Key], size: int) -> Iterator[list[Key]]:
    for start in range(0, len(keys), size):
        yield keys[start : start + size]

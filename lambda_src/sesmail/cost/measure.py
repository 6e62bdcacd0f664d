"""Measure what the real persister handler does with generated traffic: requests, write units, bytes, time.

The handler ``sesmail.handlers.persister.handler`` runs in-process, through its public interface (an
SQS event in, a batch response out), with its module-level store pointed at a recording stand-in for
DynamoDB. Nothing here knows how the handler builds items: sizes are taken from the items it sends.

DynamoDB size rules (Developer Guide, "Item sizes and formats"): an item's size is the UTF-8 bytes of
every attribute name plus its value (strings: UTF-8 bytes; numbers: about one byte per two
significant digits plus one; maps: 3 bytes plus, per element, its name, its value and 1 byte). A
write costs one WRU per started KB of the item. A global secondary index write is billed again, on
the index entry (table keys, index keys, projected attributes) and only when the item carries the
index keys. Storage adds 100 bytes of overhead per item and per index entry.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import math
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from sesmail.events import schema

KB: Final = 1024
SQS_CHUNK_BYTES: Final = 64 * KB  # SNS and SQS bill each 64 KB of payload as one request
SQS_RECEIVE_MAX: Final = 10  # messages per ReceiveMessage / DeleteMessageBatch call
STORAGE_OVERHEAD_BYTES: Final = 100
_INDEX_ATTRIBUTES: Final = frozenset(
    {
        schema.TABLE_PARTITION_KEY,
        schema.TABLE_SORT_KEY,
        schema.RECIPIENT_INDEX_PARTITION_KEY,
        schema.RECIPIENT_INDEX_SORT_KEY,
        *schema.RECIPIENT_INDEX_NON_KEY_ATTRIBUTES,
    }
)
_HANDLER_ENV: Final = {
    "EVENTS_TABLE_NAME": "ses-events-cost-model",
    "EVENT_RETENTION_DAYS": "90",
    "STORE_SUBJECT": "false",
    "POWERTOOLS_SERVICE_NAME": "ses-event-persister",
    "POWERTOOLS_METRICS_NAMESPACE": "SesMailPlatform",
    "POWERTOOLS_LOG_LEVEL": "INFO",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_ACCESS_KEY_ID": "cost-model",
    "AWS_SECRET_ACCESS_KEY": "cost-model",
}


def _number_size(payload: str) -> int:
    digits = payload.lstrip("-").replace(".", "").strip("0") or "0"
    return (len(digits) + 1) // 2 + 1


_SCALAR_SIZES: Final[dict[str, Callable[[Any], int]]] = {
    "S": lambda payload: len(str(payload).encode()),
    "N": lambda payload: _number_size(str(payload)),
    "B": len,
    "BOOL": lambda _: 1,
    "NULL": lambda _: 1,
    "SS": lambda payload: sum(len(s.encode()) for s in payload),
    "NS": lambda payload: sum(_number_size(n) for n in payload),
}


def value_size(value: dict[str, Any]) -> int:
    """Bytes of one low-level attribute value ({"S": ...}, {"N": ...}, {"M": {...}}, ...)."""
    ((kind, payload),) = value.items()
    if kind == "M":
        return 3 + sum(len(name.encode()) + value_size(v) + 1 for name, v in payload.items())
    if kind == "L":
        return 3 + sum(value_size(v) + 1 for v in payload)
    if kind not in _SCALAR_SIZES:
        raise ValueError(f"unknown DynamoDB attribute type {kind!r}")
    return _SCALAR_SIZES[kind](payload)


def item_size(item: dict[str, dict[str, Any]], only: frozenset[str] | None = None) -> int:
    return sum(
        len(name.encode()) + value_size(value) for name, value in item.items() if only is None or name in only
    )


def write_units(size: int) -> int:
    return max(1, math.ceil(size / KB))


def index_entry_size(item: dict[str, dict[str, Any]]) -> int | None:
    """Size of the recipient-index entry of ``item``, or None when the item is not indexed (sparse)."""
    if schema.RECIPIENT_INDEX_PARTITION_KEY not in item or schema.RECIPIENT_INDEX_SORT_KEY not in item:
        return None
    return item_size(item, _INDEX_ATTRIBUTES)


@dataclass(slots=True)
class RecordingDynamoDB:
    """Accepts every ``BatchWriteItem``, counting requests, items, WRUs and stored bytes, and spends
    ``latency_seconds`` per request through ``wait`` (real ``time.sleep`` in the throughput bench, a
    counter in the cost model). Any other operation is counted too, so a read would show up."""

    latency_seconds: float = 0.008
    wait: Callable[[float], None] = time.sleep
    requests: int = 0
    items: int = 0
    table_wru: int = 0
    index_wru: int = 0
    table_bytes: int = 0
    index_bytes: int = 0
    other_calls: dict[str, int] = field(default_factory=dict)

    def batch_write_item(self, **kwargs: Any) -> dict[str, Any]:
        self.requests += 1
        for requests in kwargs["RequestItems"].values():
            for request in requests:
                item = request["PutRequest"]["Item"]
                size = item_size(item)
                self.items += 1
                self.table_wru += write_units(size)
                self.table_bytes += size + STORAGE_OVERHEAD_BYTES
                entry = index_entry_size(item)
                if entry is not None:
                    self.index_wru += write_units(entry)
                    self.index_bytes += entry + STORAGE_OVERHEAD_BYTES
        self.wait(self.latency_seconds)
        return {"UnprocessedItems": {}}

    def __getattr__(self, name: str) -> Callable[..., dict[str, Any]]:
        def record(**_: Any) -> dict[str, Any]:
            self.other_calls[name] = self.other_calls.get(name, 0) + 1
            return {}

        return record


@dataclass(frozen=True, slots=True)
class Invocation:
    records: int
    cpu_seconds: float  # handler CPU on this machine
    wall_seconds: float  # including the stand-in's latency when it really sleeps
    dynamodb_requests: int
    dynamodb_wait_seconds: float


@dataclass(frozen=True, slots=True)
class Measurement:
    """What one pass of the handler over ``events`` SQS records at ``batch_size`` did."""

    events: int
    batch_size: int
    invocations: tuple[Invocation, ...]
    items: int
    dynamodb_requests: int
    table_wru: int
    index_wru: int
    table_bytes: int
    index_bytes: int
    dynamodb_other_calls: int
    publish_chunks: int  # SNS publishes = SQS sends (each 64 KB chunk counts)
    receive_requests: int  # ReceiveMessage calls x 64 KB chunks of what they return
    delete_requests: int  # DeleteMessageBatch calls
    log_bytes: int  # what the handler wrote to its log stream (JSON logs and EMF documents)
    log_lines: int
    metric_names: tuple[str, ...]
    failed_records: int


def _batches(bodies: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(bodies), size):
        yield bodies[start : start + size]


def _sqs_event(bodies: Sequence[str], batch_number: int) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": f"{batch_number:08d}-{index:05d}",
                "receiptHandle": f"AQEB{batch_number:08d}{index:05d}",
                "body": body,
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "eventSource": "aws:sqs",
                "awsRegion": "eu-west-1",
            }
            for index, body in enumerate(bodies)
        ]
    }


@dataclass
class _Context:
    """The attributes Powertools and the handler read from a real ``LambdaContext``."""

    function_name: str = "ses-events-persister"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:ses-events-persister"
    aws_request_id: str = "6f1d5c1e-0000-4000-8000-000000000000"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def _chunks(sizes: Sequence[int]) -> int:
    return max(1, math.ceil(sum(sizes) / SQS_CHUNK_BYTES))


def measure_handler(
    bodies: Sequence[str],
    batch_size: int,
    *,
    latency_seconds: float = 0.008,
    real_latency: bool = False,
    warm_up: bool = True,
) -> Measurement:
    """Run the persister handler over ``bodies`` in SQS batches of ``batch_size`` and record it all.

    ``real_latency`` sleeps the stand-in's latency (throughput); otherwise it is only added up.
    """
    for name, value in _HANDLER_ENV.items():
        os.environ.setdefault(name, value)
    from sesmail.handlers import persister  # noqa: PLC0415 - reads the environment above at import

    waited: list[float] = []

    def count_wait(seconds: float) -> None:
        waited.append(seconds)
        if real_latency:
            time.sleep(seconds)

    batches = list(_batches(bodies, batch_size))
    log = io.StringIO()
    # Powertools bound its handler to the stdout of import time: point it at the captured stream.
    log_handler = getattr(persister.logger, "logger_handler", None)
    previous_store, previous_stream = persister.store, None
    if isinstance(log_handler, logging.StreamHandler):
        previous_stream = log_handler.setStream(log)
    try:
        stand_in, invocations, failed = _run(
            persister,
            batches,
            latency_seconds=latency_seconds,
            count_wait=count_wait,
            waited=waited,
            log=log,
            warm_up=warm_up,
        )
    finally:  # the handler module is shared: leave it as it was found
        persister.store = previous_store
        if isinstance(log_handler, logging.StreamHandler) and previous_stream is not None:
            log_handler.setStream(previous_stream)

    output = log.getvalue()
    lines = [line for line in output.splitlines() if line.strip()]
    sizes = [len(body.encode()) for body in bodies]
    batch_sizes = [[len(body.encode()) for body in batch] for batch in batches]
    # The poller gathers a batch with ReceiveMessage calls of at most 10 messages each.
    receive = sum(
        _chunks(in_batch[i : i + SQS_RECEIVE_MAX])
        for in_batch in batch_sizes
        for i in range(0, len(in_batch), SQS_RECEIVE_MAX)
    )
    return Measurement(
        events=len(bodies),
        batch_size=batch_size,
        invocations=tuple(invocations),
        items=stand_in.items,
        dynamodb_requests=stand_in.requests,
        table_wru=stand_in.table_wru,
        index_wru=stand_in.index_wru,
        table_bytes=stand_in.table_bytes,
        index_bytes=stand_in.index_bytes,
        dynamodb_other_calls=sum(stand_in.other_calls.values()),
        publish_chunks=sum(_chunks([size]) for size in sizes),
        receive_requests=receive,
        delete_requests=sum(math.ceil(len(batch) / SQS_RECEIVE_MAX) for batch in batches),
        log_bytes=sum(len(line.encode()) + 1 for line in lines),
        log_lines=len(lines),
        metric_names=_metric_names(lines),
        failed_records=failed,
    )


def _run(
    persister: Any,
    batches: Sequence[Sequence[str]],
    *,
    latency_seconds: float,
    count_wait: Callable[[float], None],
    waited: list[float],
    log: io.StringIO,
    warm_up: bool,
) -> tuple[RecordingDynamoDB, list[Invocation], int]:
    from sesmail.events.store import EventStore  # noqa: PLC0415 - imported after the environment is set

    context = _Context()
    table = persister.settings.events_table_name
    if warm_up:  # first calls pay for lazy imports and caches a warm Lambda has already paid for
        persister.store = EventStore(RecordingDynamoDB(0.0, lambda _: None), table)  # type: ignore[arg-type]
        with contextlib.redirect_stdout(io.StringIO()):
            for number, batch in enumerate(batches[:3]):
                persister.handler(_sqs_event(batch, number), context)
        log.seek(0)
        log.truncate()

    stand_in = RecordingDynamoDB(latency_seconds, count_wait)
    persister.store = EventStore(stand_in, table)  # type: ignore[arg-type]
    invocations: list[Invocation] = []
    failed = 0
    with contextlib.redirect_stdout(log):  # Lambda sends stdout (EMF documents) to the log stream
        for number, batch in enumerate(batches):
            requests_before, waits_before = stand_in.requests, len(waited)
            cpu, wall = time.process_time(), time.perf_counter()
            response = persister.handler(_sqs_event(batch, number), context)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            failed += len(response["batchItemFailures"])
            invocations.append(
                Invocation(
                    records=len(batch),
                    cpu_seconds=cpu,
                    wall_seconds=wall,
                    dynamodb_requests=stand_in.requests - requests_before,
                    dynamodb_wait_seconds=sum(waited[waits_before:]),
                )
            )
    return stand_in, invocations, failed


def _metric_names(lines: Sequence[str]) -> tuple[str, ...]:
    names: set[str] = set()
    for line in lines:
        with contextlib.suppress(ValueError):
            document = json.loads(line)
            for directive in document.get("_aws", {}).get("CloudWatchMetrics", []):
                names.update(metric["Name"] for metric in directive.get("Metrics", []))
    return tuple(sorted(names))

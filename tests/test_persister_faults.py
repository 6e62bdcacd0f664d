"""Fault injection through the Lambda handler named in Terraform (``sesmail.handlers.persister.handler``).

An in-process SQS queue redelivers what the handler reports failed (up to ``maxReceiveCount``, then
the DLQ), in shuffled batches, with replays of the same SES events; a fake DynamoDB throttles ~30 % of
calls or leaves items unprocessed, times out now and then after storing, and rejects what real
DynamoDB rejects; some invocations get a tiny time budget. Everything is driven by one seeded RNG, so
a failure reproduces exactly.
"""

from __future__ import annotations

import copy
import importlib
import io
import json
import logging
import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pytest
from botocore.exceptions import ClientError, ReadTimeoutError

from sesevents import FakeLambdaContext, body_in_shape, load_ses, sqs_event
from sesmail.events import schema
from sesmail.events.parse import parse_sqs_body
from sesmail.events.store import CLIENT_TIMEOUT_TIERS, EventStore, event_key

TABLE = "ses-events-faults"
MAX_RECEIVE_COUNT = 5  # as terraform/modules/event_pipeline sets on the queue's redrive policy
MAX_ITEM_BYTES = 400 * 1024
SEED = 13


class Clock:
    """Simulated time: DynamoDB latency and backoff sleeps advance it, the context reads it."""

    def __init__(self) -> None:
        self.now_ms = 0.0

    def sleep(self, seconds: float) -> None:
        self.now_ms += seconds * 1000


@dataclass
class Context(FakeLambdaContext):
    clock: Clock = field(default_factory=Clock)
    deadline_ms: float = 0.0

    def get_remaining_time_in_millis(self) -> int:
        return int(self.deadline_ms - self.clock.now_ms)


class FakeDynamoDB:
    """BatchWriteItem as DynamoDB answers it, plus faults. ``for_budget`` stands in for
    ``BudgetedClients``: it hands out a client whose timeout fits the budget, or None."""

    def __init__(self, rng: random.Random, clock: Clock) -> None:
        self.rng = rng
        self.clock = clock
        self.table: dict[tuple[str, str], dict[str, Any]] = {}
        self.calls = 0
        self.fault_rate = 0.3

    def for_budget(self, budget_ms: int) -> FakeClient | None:
        for connect, read in CLIENT_TIMEOUT_TIERS:
            if (connect + read) * 1000 <= budget_ms:
                return FakeClient(self, timeout_ms=(connect + read) * 1000)
        return None

    def batch_write_item(self, timeout_ms: float, requests: list[dict[str, Any]]) -> dict[str, Any]:
        self.calls += 1
        items = [request["PutRequest"]["Item"] for request in requests]
        # botocore serialises the request first: a string that is not UTF-8 never leaves the client
        json.dumps(items).encode("utf-8")
        json.dumps(items, ensure_ascii=False).encode("utf-8")
        if len(items) > 25 or len({_key(item) for item in items}) != len(items):
            raise _client_error("ValidationException", "Too many items or duplicate keys")
        for item in items:
            pk, sk = _key(item)
            if len(pk.encode()) > 2048 or len(sk.encode()) > 1024 or _size(item) > MAX_ITEM_BYTES:
                raise _client_error("ValidationException", "Item size has exceeded the maximum allowed size")
        self.clock.sleep(self.rng.uniform(0.005, 0.06))
        roll = self.rng.random()
        if roll < self.fault_rate / 2:
            raise _client_error("ProvisionedThroughputExceededException", "Rate exceeded")
        if roll < self.fault_rate / 2 + 0.03:
            # Written, but the answer never arrives: the client waits its full read timeout.
            self._store(items)
            self.clock.sleep(timeout_ms / 1000)
            raise ReadTimeoutError(endpoint_url="https://dynamodb.eu-west-1.amazonaws.com")
        unprocessed = [item for item in items if self.rng.random() < self.fault_rate / 2]
        self._store([item for item in items if item not in unprocessed])
        return {
            "UnprocessedItems": {TABLE: [{"PutRequest": {"Item": i}} for i in unprocessed]}
            if unprocessed
            else {}
        }

    def _store(self, items: list[dict[str, Any]]) -> None:
        for item in items:
            self.table[_key(item)] = item


@dataclass
class FakeClient:
    dynamodb: FakeDynamoDB
    timeout_ms: float

    def batch_write_item(self, RequestItems: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
        return self.dynamodb.batch_write_item(self.timeout_ms, RequestItems[TABLE])


def _key(item: dict[str, Any]) -> tuple[str, str]:
    return item[schema.TABLE_PARTITION_KEY]["S"], item[schema.TABLE_SORT_KEY]["S"]


def _size(item: dict[str, Any]) -> int:
    return len(json.dumps(item).encode())


def _client_error(code: str, message: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "BatchWriteItem")


# ------------------------------------------------------------------------------------------ traffic
VALID_FIXTURES = (
    "send",
    "delivery",
    "bounce_permanent_multi",
    "bounce_suppressed",
    "complaint_multi",
    "open",
    "click",
    "delivery_delay",
    "reject",
    "rendering_failure",
    "subscription",
    "notification_bounce",
    "notification_delivery",
    "unknown_future_type",
)


def valid_bodies(rng: random.Random, count: int) -> list[str]:
    bodies = []
    for index in range(count):
        record = load_ses(rng.choice(VALID_FIXTURES))
        record["mail"]["messageId"] = f"0102019062-fault-{index:05d}"
        record["mail"]["destination"] = [f"person{index}-{n}@example.com" for n in range(rng.randint(1, 3))]
        bodies.append(body_in_shape(record, rng.choice(("raw", "sns_envelope"))))
    return bodies


def poison_bodies() -> dict[str, str]:
    """One body of every kind a single record can go wrong in."""

    def delivery(**mail: Any) -> dict[str, Any]:
        record = load_ses("delivery")
        record["mail"].update(mail)
        return record

    bad_date = delivery(messageId="poison-date")
    bad_date["delivery"]["timestamp"] = "2024-13-45T99:99:99.999Z"
    long_address = delivery(messageId="poison-address")
    long_address["delivery"]["recipients"] = ["x" * 1100 + "@example.com"]
    surrogate = delivery(messageId="poison-surrogate")
    surrogate["delivery"]["recipients"] = ["\udcffvictim@example.com"]
    too_large = delivery(messageId="poison-too-large")
    too_large["mail"]["tags"] = {f"tag{n:04d}{'t' * 100}": ["v" * 256] for n in range(1500)}
    return {
        "not-json": '{"Type": "Notification", "Message": "{truncated',
        "not-an-object": "[1, 2, 3]",
        "no-mail": json.dumps({"eventType": "Delivery", "delivery": {}}),
        "deep": '{"mail": ' * 50_000 + "{}" + "}" * 50_000,
        "bad-date": json.dumps(bad_date),
        "long-message-id": json.dumps(delivery(messageId="m" * 2100)),
        "long-address": json.dumps(long_address),
        "surrogate-address": json.dumps(surrogate),
        "item-too-large": json.dumps(too_large),
    }


@dataclass
class Message:
    sqs_id: str
    body: str
    receives: int = 0


@dataclass
class Run:
    invocations: int = 0
    dlq: list[Message] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    reported: Counter[str] = field(default_factory=Counter)


# ------------------------------------------------------------------------------------------- tests
@pytest.fixture
def persister(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    monkeypatch.setenv("EVENTS_TABLE_NAME", TABLE)
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "ses-event-persister")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "SesMailPlatform")
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "DEBUG")
    import sesmail.handlers.persister as module

    yield importlib.reload(module)


def drain(
    module: ModuleType, queue: list[Message], rng: random.Random, clock: Clock, poison: set[str]
) -> Run:
    """Deliver the queue to the handler as SQS would until it is empty (deleted or dead-lettered)."""
    run = Run()
    while queue:
        rng.shuffle(queue)
        batch = [queue.pop() for _ in range(min(len(queue), rng.choice((1, 10, 10, 25))))]
        for message in batch:
            message.receives += 1
        tiny = rng.random() < 0.25
        budget_ms = rng.choice((900, 1_300, 1_600, 2_000)) if tiny else 30_000
        context = Context(clock=clock, deadline_ms=clock.now_ms + budget_ms)
        event = sqs_event([m.body for m in batch])
        for record, message in zip(event["Records"], batch, strict=True):
            record["messageId"] = message.sqs_id
            record["attributes"]["ApproximateReceiveCount"] = str(message.receives)
        response = module.handler(event, context)
        run.invocations += 1
        failed = {failure["itemIdentifier"] for failure in response["batchItemFailures"]}
        run.reported.update(failed)
        in_batch = {m.sqs_id for m in batch}
        if context.get_remaining_time_in_millis() < 0:
            run.problems.append(f"invocation {run.invocations} overran its budget of {budget_ms} ms")
        if not failed <= in_batch:
            run.problems.append(f"reported ids not in the batch: {sorted(failed - in_batch)}")
        if not (in_batch & poison) <= failed:
            run.problems.append(f"poison not reported: {sorted((in_batch & poison) - failed)}")
        if not tiny and failed != in_batch & poison:
            run.problems.append(f"with time to spare, valid records failed: {sorted(failed - poison)}")
        for message in batch:
            if message.sqs_id not in failed:
                continue  # deleted from the queue
            if message.receives >= MAX_RECEIVE_COUNT:
                run.dlq.append(message)
            else:
                queue.append(message)
        clock.sleep(0.01)
    return run


def test_faults_lose_nothing_duplicate_nothing_and_fail_poison_alone(
    persister: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a fake DynamoDB that throttles or leaves unprocessed ~30 % of writes, behind the handler
    rng = random.Random(SEED)
    clock = Clock()
    dynamodb = FakeDynamoDB(rng, clock)
    persister.store = EventStore(
        dynamodb.for_budget(30_000),  # type: ignore[arg-type]
        TABLE,
        sleep=clock.sleep,
        jitter=rng.random,
        client_for_budget=dynamodb.for_budget,  # type: ignore[arg-type]
    )
    logs = io.StringIO()
    for log_handler in logging.getLogger("ses-event-persister").handlers:
        if isinstance(log_handler, logging.StreamHandler):
            log_handler.stream = logs
    # AND a queue of valid records, replays of some of them (other SQS ids, other shape), and poison
    valid = valid_bodies(rng, 150)
    replays = [_other_shape(body) for body in rng.sample(valid, 30)]
    poison = poison_bodies()
    queue = [Message(f"valid-{i:04d}", body) for i, body in enumerate(valid)]
    queue += [Message(f"replay-{i:04d}", body) for i, body in enumerate(replays)]
    queue += [Message(f"poison-{kind}", body) for kind, body in poison.items()]
    poison_ids = {f"poison-{kind}" for kind in poison}

    # WHEN SQS delivers everything in shuffled batches, redelivering what the handler reports failed
    run = drain(persister, queue, rng, clock, poison_ids)

    # THEN no batch ever blamed a valid record for a poison one, and no invocation overran its budget
    assert run.problems == []
    # AND every poison record, and only those, ended in the DLQ after maxReceiveCount receives
    assert {m.sqs_id for m in run.dlq} == poison_ids
    assert all(run.reported[p] == MAX_RECEIVE_COUNT for p in poison_ids)
    # AND every valid event is stored, exactly once (one item per event, replays included)
    expected: dict[tuple[str, str], int] = Counter(
        event_key(event) for body in valid for event in parse_sqs_body(body)
    )
    assert set(dynamodb.table) == set(expected)
    assert all(count == 1 for count in expected.values())  # one event per key within the traffic
    # AND each Open/Click is one item per message, credited to no recipient (not in the index)
    engagement = [item for item in dynamodb.table.values() if item["event_type"]["S"] in {"Open", "Click"}]
    assert len(engagement) == sum(
        '"eventType":"Open"' in b or '"eventType":"Click"' in b for b in _ses(valid)
    )
    assert all(schema.RECIPIENT_INDEX_PARTITION_KEY not in item for item in engagement)
    # AND faults and tiny budgets really happened (the suite cannot pass by avoiding them)
    assert dynamodb.calls > run.invocations
    assert sum(run.reported.values()) > len(poison_ids) * MAX_RECEIVE_COUNT
    # AND no log line or metric holds a full email address
    output = logs.getvalue() + capsys.readouterr().out
    addresses = {a for body in [*valid, *poison.values()] for a in _addresses(body)}
    assert len(addresses) > len(valid)
    leaked = sorted(a for a in addresses if a in output.lower())
    assert leaked == []
    assert "malformed SES event record" in output


def _ses(bodies: list[str]) -> list[str]:
    """The SES JSON of each body, compact, whichever shape it came in."""
    documents = [json.loads(body) for body in bodies]
    return [document.get("Message") or json.dumps(document, separators=(",", ":")) for document in documents]


def _other_shape(body: str) -> str:
    document = json.loads(body)
    if "Message" in document:
        return json.dumps(json.loads(document["Message"]))
    return body_in_shape(copy.deepcopy(document), "sns_envelope")


def _addresses(body: str) -> set[str]:
    """Every address in a body, as the JSON text holds it (envelopes included), lower-cased."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return set()
    text = json.dumps(document, ensure_ascii=False).replace("\\", " ").lower()
    return set(re.findall(r"[a-z0-9._+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+", text))

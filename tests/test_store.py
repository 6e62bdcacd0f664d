"""EventStore write path against botocore's Stubber (real request validation) and moto."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from eventtable import create_events_table, scan_all
from sesevents import load_ses, raw_body
from sesmail.events import schema
from sesmail.events.models import RecipientEvent
from sesmail.events.parse import parse_sqs_body
from sesmail.events.store import (
    BATCH_WRITE_LIMIT,
    MIN_CALL_BUDGET_MS,
    SAFETY_MARGIN_MS,
    BudgetedClients,
    EventStore,
    event_key,
    from_item,
    to_item,
)

TABLE = "ses-events-test"
RETENTION = 90 * 86_400


def make_event(message: int, recipient: int = 0, event_type: str = "Delivery") -> RecipientEvent:
    return RecipientEvent(
        message_id=f"m-{message:05d}",
        recipient=f"user{recipient}@example.com",
        event_type=event_type,
        event_at="2024-07-01T10:00:00.000Z",
    )


class Clock:
    """Records the backoff sleeps; the remaining time shrinks by what was slept. ``requests`` counts
    the BatchWriteItem calls the client really made (an unstubbed call included)."""

    def __init__(self, remaining_ms: int = 30_000) -> None:
        self.remaining = remaining_ms
        self.sleeps: list[float] = []
        self.requests = 0

    def count(self, **_: Any) -> None:
        self.requests += 1

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.remaining -= int(seconds * 1000)

    def remaining_ms(self) -> int:
        return self.remaining


@pytest.fixture
def stubbed() -> Iterator[tuple[EventStore, Stubber, Clock]]:
    client = boto3.client("dynamodb", region_name="eu-west-1")
    clock = Clock()
    store = EventStore(client, TABLE, sleep=clock.sleep, jitter=lambda: 1.0)
    client.meta.events.register("provide-client-params.dynamodb.BatchWriteItem", clock.count)
    with Stubber(client) as stubber:
        yield store, stubber, clock
        stubber.assert_no_pending_responses()


def put_requests(events: list[RecipientEvent]) -> dict[str, Any]:
    return {"RequestItems": {TABLE: [{"PutRequest": {"Item": to_item(e, RETENTION)}} for e in events]}}


def test_keys_are_deterministic_and_follow_the_schema() -> None:
    event = parse_sqs_body(raw_body(load_ses("bounce_permanent_multi")))[0]
    pk, sk = event_key(event)
    assert pk == schema.MESSAGE_KEY_PREFIX + event.message_id
    assert sk == (
        f"{schema.EVENT_KEY_PREFIX}2024-07-01T10:00:02.669Z#Bounce#bob@example.net#"
        "0102019062a1b2c3-61b59c11-9236-11e6-8f96-7be8aexample-000000"
    )
    assert to_item(event, RETENTION) == to_item(
        parse_sqs_body(raw_body(load_ses("bounce_permanent_multi")))[0], RETENTION
    )


def test_ttl_counts_from_the_event_time() -> None:
    item = to_item(make_event(1), RETENTION)
    assert item[schema.TTL_ATTRIBUTE] == {"N": str(1719828000 + RETENTION)}


def test_message_level_events_stay_out_of_the_recipient_index() -> None:
    # GIVEN an Open, which SES cannot attribute to one recipient
    (opened,) = parse_sqs_body(raw_body(load_ses("open")))
    item = to_item(opened, RETENTION)
    # THEN its item has no index partition key (a sparse index skips it) and reads back unchanged
    assert schema.RECIPIENT_INDEX_PARTITION_KEY not in item
    assert event_key(opened)[1].endswith("#Open#*#-")
    assert from_item(item) == opened


def test_item_round_trips() -> None:
    for fixture in ("bounce_permanent_multi", "click", "subscription", "unknown_future_type"):
        for event in parse_sqs_body(raw_body(load_ses(fixture)), store_subject=True):
            assert from_item(to_item(event, RETENTION)) == event


def test_whole_batch_goes_out_in_chunks_of_25(stubbed: tuple[EventStore, Stubber, Clock]) -> None:
    # GIVEN 10 SQS records fanning out to 60 items
    store, stubber, clock = stubbed
    records = [(f"r{m}", [make_event(m, r) for r in range(6)]) for m in range(10)]
    events = [e for _, es in records for e in es]
    # THEN exactly three BatchWriteItem calls of 25, 25 and 10 items go out, and nothing is read
    for start in range(0, 60, BATCH_WRITE_LIMIT):
        stubber.add_response(
            "batch_write_item", {"UnprocessedItems": {}}, put_requests(events[start : start + 25])
        )
    outcome = store.write(records, retention_seconds=RETENTION, remaining_ms=clock.remaining_ms)
    assert outcome.failed_record_ids == set()
    assert (outcome.requests, outcome.items_written, outcome.unprocessed_retries) == (3, 60, 0)
    assert clock.requests == 3


def test_unprocessed_items_are_retried_with_backoff(stubbed: tuple[EventStore, Stubber, Clock]) -> None:
    # GIVEN DynamoDB leaves two of three items unprocessed, then one, then none
    store, stubber, clock = stubbed
    events = [make_event(1), make_event(2), make_event(3)]
    stubber.add_response(
        "batch_write_item",
        {"UnprocessedItems": put_requests(events[1:])["RequestItems"]},
        put_requests(events),
    )
    stubber.add_response(
        "batch_write_item",
        {"UnprocessedItems": put_requests(events[2:])["RequestItems"]},
        put_requests(events[1:]),
    )
    stubber.add_response("batch_write_item", {"UnprocessedItems": {}}, put_requests(events[2:]))
    # WHEN the batch is written
    outcome = store.write(
        [("r1", events[:1]), ("r2", events[1:2]), ("r3", events[2:])],
        retention_seconds=RETENTION,
        remaining_ms=clock.remaining_ms,
    )
    # THEN everything persists after two growing backoff sleeps
    assert outcome.failed_record_ids == set()
    assert outcome.unprocessed_retries == 3
    assert clock.sleeps == [0.1, 0.2]
    assert outcome.requests == clock.requests == 3


def test_throttling_error_is_retried(stubbed: tuple[EventStore, Stubber, Clock]) -> None:
    store, stubber, clock = stubbed
    events = [make_event(1)]
    stubber.add_client_error(
        "batch_write_item", "ProvisionedThroughputExceededException", http_status_code=400
    )
    stubber.add_client_error("batch_write_item", "ThrottlingException", http_status_code=400)
    stubber.add_response("batch_write_item", {"UnprocessedItems": {}}, put_requests(events))
    outcome = store.write([("r1", events)], retention_seconds=RETENTION, remaining_ms=clock.remaining_ms)
    assert outcome.failed_record_ids == set()
    assert outcome.requests == clock.requests == 3


def test_items_still_unprocessed_when_time_runs_out_fail_only_their_records(
    stubbed: tuple[EventStore, Stubber, Clock],
) -> None:
    # GIVEN an invocation with little time left and DynamoDB keeping r2's item unprocessed
    store, stubber, clock = stubbed
    clock.remaining = SAFETY_MARGIN_MS + MIN_CALL_BUDGET_MS + 150
    events = [make_event(1), make_event(2, 0), make_event(2, 1)]
    stubber.add_response(
        "batch_write_item",
        {"UnprocessedItems": put_requests(events[1:2])["RequestItems"]},
        put_requests(events),
    )
    stubber.add_response(
        "batch_write_item",
        {"UnprocessedItems": put_requests(events[1:2])["RequestItems"]},
        put_requests(events[1:2]),
    )
    # WHEN written
    outcome = store.write(
        [("r1", events[:1]), ("r2", events[1:])], retention_seconds=RETENTION, remaining_ms=clock.remaining_ms
    )
    # THEN retries stop before the safety margin, no third call is attempted, and only r2 is reported
    assert outcome.failed_record_ids == {"r2"}
    assert clock.remaining >= SAFETY_MARGIN_MS
    assert outcome.requests == clock.requests == 2


def test_non_retryable_error_fails_the_chunk_without_retrying(
    stubbed: tuple[EventStore, Stubber, Clock],
) -> None:
    store, stubber, clock = stubbed
    stubber.add_client_error("batch_write_item", "ResourceNotFoundException", http_status_code=400)
    outcome = store.write(
        [("r1", [make_event(1)]), ("r2", [make_event(2)])],
        retention_seconds=RETENTION,
        remaining_ms=clock.remaining_ms,
    )
    assert outcome.failed_record_ids == {"r1", "r2"}
    assert outcome.errors == ["ResourceNotFoundException"]
    assert clock.sleeps == []
    assert clock.requests == 1


def test_same_event_twice_in_one_batch_is_written_once_and_owned_by_both(
    stubbed: tuple[EventStore, Stubber, Clock],
) -> None:
    # GIVEN SQS delivered the same SES event in two records of one batch (at-least-once delivery)
    store, stubber, clock = stubbed
    event = make_event(1)
    stubber.add_response("batch_write_item", {"UnprocessedItems": {}}, put_requests([event]))
    outcome = store.write(
        [("r1", [event]), ("r2", [event])], retention_seconds=RETENTION, remaining_ms=clock.remaining_ms
    )
    assert (outcome.items_written, outcome.failed_record_ids) == (1, set())
    assert clock.requests == 1


def test_an_unexpected_botocore_error_is_not_retried_as_transient(
    stubbed: tuple[EventStore, Stubber, Clock],
) -> None:
    # GIVEN one stubbed response that leaves the item unprocessed, and nothing stubbed after it
    store, stubber, clock = stubbed
    events = [make_event(1)]
    stubber.add_response(
        "batch_write_item", {"UnprocessedItems": put_requests(events)["RequestItems"]}, put_requests(events)
    )
    # WHEN the retry hits Stubber's UnStubbedResponseError (a BotoCoreError that is no connection error)
    outcome = store.write([("r1", events)], retention_seconds=RETENTION, remaining_ms=clock.remaining_ms)
    # THEN it is not taken for a network blip: the record fails at once, after exactly two calls
    assert outcome.failed_record_ids == {"r1"}
    assert outcome.requests == clock.requests == 2
    assert outcome.errors == ["UnStubbedResponseError"]


def test_validation_error_splits_the_chunk_and_fails_only_the_culprit(
    stubbed: tuple[EventStore, Stubber, Clock],
) -> None:
    # GIVEN three records in one chunk, and DynamoDB rejecting r2's item (e.g. item too large)
    store, stubber, clock = stubbed
    events = [make_event(1), make_event(2), make_event(3)]
    stubber.add_client_error("batch_write_item", "ValidationException", http_status_code=400)
    stubber.add_response("batch_write_item", {"UnprocessedItems": {}}, put_requests(events[:1]))
    stubber.add_client_error("batch_write_item", "ValidationException", http_status_code=400)
    stubber.add_response("batch_write_item", {"UnprocessedItems": {}}, put_requests(events[2:]))
    # WHEN written
    outcome = store.write(
        [("r1", events[:1]), ("r2", events[1:2]), ("r3", events[2:])],
        retention_seconds=RETENTION,
        remaining_ms=clock.remaining_ms,
    )
    # THEN the chunk is retried record by record, without backoff, and only r2 fails
    assert outcome.failed_record_ids == {"r2"}
    assert outcome.items_written == 2
    assert outcome.errors == ["ValidationException", "ValidationException"]  # the chunk, then r2
    assert (outcome.requests, clock.requests, clock.sleeps) == (4, 4, [])


class ParamCheckingClient:
    """A client whose request validation refuses one item, like botocore's ParamValidationError."""

    def __init__(self, bad_message_id: str) -> None:
        self.bad = bad_message_id
        self.calls: list[int] = []

    def batch_write_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:
        (requests,) = RequestItems.values()
        self.calls.append(len(requests))
        if any(r["PutRequest"]["Item"]["message_id"]["S"] == self.bad for r in requests):
            from botocore.exceptions import ParamValidationError

            raise ParamValidationError(report="Invalid type for parameter Item")
        return {"UnprocessedItems": {}}


def test_client_side_validation_error_is_never_retried() -> None:
    clock = Clock()
    client = ParamCheckingClient(make_event(2).message_id)
    store = EventStore(client, TABLE, sleep=clock.sleep, jitter=lambda: 1.0)  # type: ignore[arg-type]
    outcome = store.write(
        [("r1", [make_event(1)]), ("r2", [make_event(2)]), ("r3", [make_event(3)])],
        retention_seconds=RETENTION,
        remaining_ms=clock.remaining_ms,
    )
    assert outcome.failed_record_ids == {"r2"}
    assert client.calls == [3, 1, 1, 1]  # the chunk, then one call per record; no retry, no sleep
    assert clock.sleeps == []


def test_a_record_whose_items_cannot_be_built_fails_alone(stubbed: tuple[EventStore, Stubber, Clock]) -> None:
    # GIVEN a record whose event time is shaped like a timestamp but is no date
    store, stubber, clock = stubbed
    good = make_event(1)
    bad = RecipientEvent(
        message_id="m-bad", recipient="x@example.com", event_type="Send", event_at="2024-13-45T99:99:99.999Z"
    )
    stubber.add_response("batch_write_item", {"UnprocessedItems": {}}, put_requests([good]))
    # WHEN written with a good record
    outcome = store.write(
        [("bad", [bad]), ("good", [good])], retention_seconds=RETENTION, remaining_ms=clock.remaining_ms
    )
    # THEN only the bad record fails, and the good one is written
    assert outcome.failed_record_ids == {"bad"}
    assert (outcome.items_written, clock.requests) == (1, 1)


class SlowClient:
    """Every call takes ``seconds`` of the invocation's time; records the budgets it was given."""

    def __init__(self, clock: Clock, seconds: float) -> None:
        self.clock = clock
        self.seconds = seconds
        self.budgets: list[int] = []

    def for_budget(self, budget_ms: int) -> SlowClient | None:
        self.budgets.append(budget_ms)
        return self if budget_ms >= MIN_CALL_BUDGET_MS else None

    def batch_write_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:
        self.clock.remaining -= int(self.seconds * 1000)
        return {"UnprocessedItems": {}}


def test_time_is_checked_before_every_chunk_and_unwritten_records_fail() -> None:
    # GIVEN 3 chunks' worth of records, each call taking 1 s, and time for about two calls
    clock = Clock(remaining_ms=SAFETY_MARGIN_MS + MIN_CALL_BUDGET_MS + 1_100)
    client = SlowClient(clock, seconds=1.0)
    store = EventStore(
        client,
        TABLE,
        sleep=clock.sleep,
        jitter=lambda: 1.0,
        client_for_budget=client.for_budget,  # type: ignore[arg-type]
    )
    records = [(f"r{m}", [make_event(m)]) for m in range(60)]
    # WHEN written
    outcome = store.write(records, retention_seconds=RETENTION, remaining_ms=clock.remaining_ms)
    # THEN the third chunk is not attempted: its records are reported failed, the others are written
    assert outcome.requests == 2
    assert outcome.failed_record_ids == {f"r{m}" for m in range(50, 60)}
    assert outcome.items_written == 50
    # AND each call was given the time left minus the safety margin
    assert client.budgets == [MIN_CALL_BUDGET_MS + 1_100, MIN_CALL_BUDGET_MS + 100, 100 - 250]


def test_client_timeouts_fit_the_time_left() -> None:
    clients = BudgetedClients("eu-west-1")
    roomy = clients(30_000)
    tight = clients(MIN_CALL_BUDGET_MS)
    assert roomy is not None and tight is not None
    for client, budget in ((roomy, 30_000), (tight, MIN_CALL_BUDGET_MS)):
        config = client.meta.config
        assert (config.connect_timeout + config.read_timeout) * 1000 <= budget
        assert config.retries["total_max_attempts"] == 1  # the store retries, within the budget
    assert tight.meta.config.read_timeout < roomy.meta.config.read_timeout
    assert clients(MIN_CALL_BUDGET_MS - 1) is None
    assert clients(30_000) is roomy  # built once per tier, reused


@mock_aws
def test_replaying_events_leaves_an_identical_table() -> None:
    # GIVEN a table holding every fixture's events
    client = boto3.client("dynamodb", region_name="eu-west-1")
    create_events_table(client, TABLE)
    store = EventStore(client, TABLE)
    from sesevents import SES_FIXTURES

    records = [(name, parse_sqs_body(raw_body(load_ses(name)))) for name in SES_FIXTURES]
    store.write(records, retention_seconds=RETENTION, remaining_ms=lambda: 30_000)
    first = scan_all(client, TABLE)
    # WHEN the same events are written again, in reverse order
    store.write(list(reversed(records)), retention_seconds=RETENTION, remaining_ms=lambda: 30_000)
    # THEN the table is item-for-item identical
    assert scan_all(client, TABLE) == first
    assert len(first) == sum(len(events) for _, events in records)


@mock_aws
def test_origin_reads_back_through_the_recipient_index() -> None:
    # GIVEN the same recipient's events from an identity notification and from event publishing
    client = boto3.client("dynamodb", region_name="eu-west-1")
    create_events_table(client, TABLE)
    store = EventStore(client, TABLE)
    records = [
        (name, parse_sqs_body(raw_body(load_ses(name)))) for name in ("notification_delivery", "delivery")
    ]
    records = [(r, [dataclasses.replace(e, recipient="same@example.com") for e in es]) for r, es in records]
    store.write(records, retention_seconds=RETENTION, remaining_ms=lambda: 30_000)
    # WHEN read through the index THEN each keeps its origin (not defaulted to "event")
    events = store.recipient_events("same@example.com", since=None, limit=10)
    assert sorted(e.origin for e in events) == ["event", "notification"]

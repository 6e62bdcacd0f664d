"""EventStore write path against botocore's Stubber (real request validation) and moto."""

from __future__ import annotations

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
from sesmail.events.store import BATCH_WRITE_LIMIT, EventStore, event_key, from_item, to_item

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
    """Records the backoff sleeps; the remaining time shrinks by what was slept."""

    def __init__(self, remaining_ms: int = 30_000) -> None:
        self.remaining = remaining_ms
        self.sleeps: list[float] = []

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
    assert outcome.requests == 3


def test_items_still_unprocessed_when_time_runs_out_fail_only_their_records(
    stubbed: tuple[EventStore, Stubber, Clock],
) -> None:
    # GIVEN an invocation with little time left and DynamoDB keeping r2's item unprocessed
    store, stubber, clock = stubbed
    clock.remaining = 1_800
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
    # THEN retries stop before the safety margin and only r2 is reported
    assert outcome.failed_record_ids == {"r2"}
    assert clock.remaining >= 1_500


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

"""Lookup by the sender's reference: the ``ref`` attribute and index on event items, the outbox trail
(``REF#<ref>`` items), ``sesmail.events.lookup.ref_status`` and ``scripts/mail_status.py ref REF``,
against a moto table built from schema.py and the real failover sender + replay worker."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws

import mail_status
import ses_regions as fake
from eventtable import create_events_table, scan_all
from ses_regions import EMAIL, NOW, World, sqs_records
from sesevents import load_ses, raw_body
from sesmail.cli.exits import ExitCode
from sesmail.events import schema
from sesmail.events.lookup import LookupInputError, ref_status
from sesmail.events.models import OutboxRecord
from sesmail.events.parse import parse_sqs_body
from sesmail.events.store import EventStore, StoreError, to_item
from sesmail.sending import metrics
from sesmail.sending.failover import BULK, TRANSACTIONAL, Status
from sesmail.sending.outbox import TrailedOutbox
from sesmail.sending.replay import OutboxReplayer

TABLE = "ses-events-ref-test"


def tagged(name: str, ref: str, message_id: str | None = None) -> dict[str, Any]:
    record = copy.deepcopy(load_ses(name))
    record["mail"].setdefault("tags", {})["ref"] = [ref]
    if message_id:
        record["mail"]["messageId"] = message_id
    return record


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Iterator[EventStore]:
    monkeypatch.setenv("EVENTS_TABLE_NAME", TABLE)
    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-west-1")
        create_events_table(client, TABLE)
        yield EventStore(client, TABLE)


def persist(store: EventStore, *records: dict[str, Any]) -> None:
    batch = [(str(i), parse_sqs_body(raw_body(record))) for i, record in enumerate(records)]
    assert not store.write(batch, retention_seconds=86_400, remaining_ms=lambda: 30_000).failed_record_ids


# --- items -------------------------------------------------------------------------------------------


def test_an_event_with_a_ref_tag_gets_the_ref_index_key_and_one_without_does_not() -> None:
    (with_ref,) = parse_sqs_body(raw_body(tagged("delivery", "order-1")))
    assert to_item(with_ref, 60)[schema.REF_INDEX_PARTITION_KEY] == {"S": "order-1"}
    (plain,) = parse_sqs_body(raw_body(load_ses("delivery")))
    assert "ref" not in plain.tags and schema.REF_INDEX_PARTITION_KEY not in to_item(plain, 60)


# --- ref_status on stored SES events -----------------------------------------------------------------


def test_a_sent_mail_is_found_by_its_ref_with_message_id_and_timeline(store: EventStore) -> None:
    message_id = load_ses("delivery")["mail"]["messageId"]
    persist(
        store,
        tagged("send", "order-1", message_id),
        tagged("delivery", "order-1"),
        load_ses("bounce_suppressed"),  # no ref tag: not in the ref index
    )
    found = ref_status(store, "order-1")
    assert found is not None and found.state == "sent"
    assert found.summary == f"sent as SES message {message_id}"
    ((message,),) = [found.messages]
    assert [e.event_type for r in message.recipients for e in r.timeline] == ["Send", "Delivery"]
    assert ref_status(store, "order-2") is None


def test_an_at_least_once_duplicate_shows_both_messages(store: EventStore) -> None:
    persist(store, tagged("delivery", "code-7", "m-first"), tagged("delivery", "code-7", "m-second"))
    found = ref_status(store, "code-7")
    assert found is not None
    assert found.summary.startswith("sent 2 times (at-least-once duplicates)")
    assert {m.message_id for m in found.messages} == {"m-first", "m-second"}


@pytest.mark.parametrize("ref", ["", "a b", "x" * 257, "ref#1"])
def test_a_reference_ses_could_not_carry_is_an_input_error(store: EventStore, ref: str) -> None:
    with pytest.raises(LookupInputError, match="not a reference"):
        ref_status(store, ref)


# --- the outbox trail, written by the real sender and replay worker ------------------------------------


@pytest.fixture
def world(store: EventStore) -> Iterator[tuple[World, EventStore]]:
    world = World(boto3.client("sqs", region_name="eu-west-1"))
    sink = lambda name, value: world.metrics.append((name, value))  # noqa: E731
    world.outbox = TrailedOutbox(world.outbox, store, metrics_sink=sink, now=world.wall)  # type: ignore[assignment]
    yield world, store


def test_a_queued_mail_is_found_queued_since_with_its_attempts(world: tuple[World, EventStore]) -> None:
    world_, store = world
    world_.primary.behaviour = world_.standby.behaviour = lambda _now: fake.SERVER_ERROR
    assert world_.sender().send(EMAIL, ref="order-9", mail_class=TRANSACTIONAL).status is Status.QUEUED
    found = ref_status(store, "order-9")
    assert found is not None and found.state == "queued"
    assert found.summary.startswith(
        f"queued since {NOW.isoformat(timespec='seconds')}, attempts 6 in eu-central-1, eu-west-1"
    )
    # The trail item expires with the outbox (15 days after the step), never with no TTL.
    (item,) = [i for i in scan_all(store._client, TABLE) if i["pk"]["S"] == "REF#order-9"]
    assert int(item["expires_at"]["N"]) == int((NOW + timedelta(days=15)).timestamp())


def test_replayed_mail_shows_the_outbox_steps_and_the_message_it_became(
    world: tuple[World, EventStore],
) -> None:
    world_, store = world
    world_.primary.behaviour = world_.standby.behaviour = lambda _now: fake.SERVER_ERROR
    world_.sender().send(EMAIL, ref="order-10", mail_class=TRANSACTIONAL)
    # A first replay fails (re-queued, attempts counted), a second one sends.
    replayer = OutboxReplayer(world_.sender(), now=world_.wall)
    replayer.replay_batch(sqs_records(world_.sqs, world_.queue_url))
    world_.primary.behaviour = lambda _now: fake.UP
    world_.clock.sleep(60)
    OutboxReplayer(world_.sender(), now=world_.wall).replay_batch(sqs_records(world_.sqs, world_.queue_url))
    found = ref_status(store, "order-10")
    assert found is not None
    assert [(r.state, r.attempts) for r in found.outbox] == [("queued", 6), ("queued", 12), ("sent", 13)]
    assert found.state == "sent" and "no SES event stored yet" in found.summary
    # Once SES's events for the message are stored, the answer is the message and its timeline.
    message_id = found.outbox[-1].message_id
    assert message_id is not None
    persist(store, tagged("delivery", "order-10", message_id))
    after = ref_status(store, "order-10")
    assert after is not None and after.summary == f"sent as SES message {message_id}"


def test_a_parked_bulk_mail_says_parked_and_not_sent(world: tuple[World, EventStore]) -> None:
    world_, store = world
    world_.primary.behaviour = lambda _now: fake.ACCEPT_THEN_READ_TIMEOUT
    assert world_.sender().send(EMAIL, ref="news-1", mail_class=BULK).status is Status.PARKED
    found = ref_status(store, "news-1")
    assert found is not None and found.state == "ambiguous"
    assert "parked as ambiguous" in found.summary and "not sent automatically" in found.summary


def test_a_failing_trail_never_fails_the_send(world: tuple[World, EventStore]) -> None:
    world_, _ = world

    class Broken:
        def put_outbox_record(self, record: OutboxRecord) -> None:
            raise StoreError("DynamoDB AccessDeniedException on table t")

    world_.outbox.trail = Broken()  # type: ignore[attr-defined]
    world_.primary.behaviour = world_.standby.behaviour = lambda _now: fake.SERVER_ERROR
    assert world_.sender().send(EMAIL, ref="order-11", mail_class=TRANSACTIONAL).status is Status.QUEUED
    assert len(sqs_records(world_.sqs, world_.queue_url)) == 1  # the mail itself is safe in the outbox
    assert world_.count(metrics.REF_TRAIL_FAILURES) == 1


# --- the command -------------------------------------------------------------------------------------


def _run(store: EventStore, argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    args = mail_status.build_parser().parse_args(argv)
    code, text = mail_status.run(args, store)
    return code, text, capsys.readouterr().err


def test_cli_ref_sent_and_queued_and_not_found(
    world: tuple[World, EventStore], capsys: pytest.CaptureFixture[str]
) -> None:
    world_, store = world
    persist(store, tagged("delivery", "order-1"))
    code, text, _ = _run(store, ["ref", "order-1"], capsys)
    assert code == ExitCode.OK
    assert text.startswith("Reference order-1: sent\n  sent as SES message ")
    assert "Delivery" in text  # the message's timeline follows
    world_.primary.behaviour = world_.standby.behaviour = lambda _now: fake.SERVER_ERROR
    world_.sender().send(EMAIL, ref="order-2", mail_class=TRANSACTIONAL)
    code, text, _ = _run(store, ["--format", "json", "ref", "order-2"], capsys)  # option before
    assert code == ExitCode.OK and json.loads(text)["state"] == "queued"
    code, text, _ = _run(store, ["ref", "order-2", "--format", "json"], capsys)  # or after
    assert json.loads(text)["outbox"][0]["attempts"] == 6
    assert _run(store, ["ref", "order-3"], capsys)[:2] == (
        ExitCode.NOT_FOUND,
        "nothing stored for reference order-3",
    )


def test_cli_main_exit_codes(store: EventStore, capsys: pytest.CaptureFixture[str]) -> None:
    persist(store, tagged("delivery", "order-1"))
    assert mail_status.main(["ref", "order-1", "--table", TABLE, "--region", "eu-west-1"]) == ExitCode.OK
    assert mail_status.main(["ref", "nope", "--table", TABLE, "--region", "eu-west-1"]) == ExitCode.NOT_FOUND
    assert capsys.readouterr().err.strip() == "nothing stored for reference nope"
    assert mail_status.main(["ref", "bad ref", "--table", TABLE, "--region", "eu-west-1"]) == ExitCode.USAGE
    assert capsys.readouterr().err.startswith("error: not a reference: 'bad ref'")

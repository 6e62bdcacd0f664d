"""The persister Lambda invoked in-process with a fake context against moto DynamoDB."""

from __future__ import annotations

import importlib
import io
import json
import logging
import random
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import boto3
import pytest
from moto import mock_aws

from eventtable import create_events_table, scan_all
from sesevents import SES_FIXTURES, FakeLambdaContext, body_in_shape, load_ses, sqs_event

TABLE = "ses-events-handler-test"


@pytest.fixture
def persister(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[ModuleType, Any]]:
    """GIVEN the Lambda environment, a table built from schema.py, and a freshly initialised module."""
    monkeypatch.setenv("EVENTS_TABLE_NAME", TABLE)
    monkeypatch.setenv("EVENT_RETENTION_DAYS", "90")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "ses-event-persister")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "SesMailPlatform")
    with mock_aws():
        client = boto3.client("dynamodb")
        create_events_table(client, TABLE)
        import sesmail.handlers.persister as module

        yield importlib.reload(module), client


def route_logs_to_captured_stdout() -> None:
    """Powertools keeps the std logger's handler (and its stream) across re-inits: point it at the
    stdout that capsys captures during this test's call phase."""
    for log_handler in logging.getLogger("ses-event-persister").handlers:
        if isinstance(log_handler, logging.StreamHandler):
            log_handler.stream = sys.stdout  # setStream() would flush the old, closed stream


def emf_documents(output: str) -> list[dict[str, Any]]:
    docs = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    return [doc for doc in docs if "_aws" in doc]


def test_all_event_types_in_both_shapes_are_stored(
    persister: tuple[ModuleType, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    module, client = persister
    # GIVEN every fixture in both SQS body shapes, in batches of 10 like the event source mapping
    bodies = [
        body_in_shape(load_ses(name), shape) for name in SES_FIXTURES for shape in ("raw", "sns_envelope")
    ]
    for start in range(0, len(bodies), 10):
        # WHEN the handler runs
        response = module.handler(sqs_event(bodies[start : start + 10], f"b{start}"), FakeLambdaContext())
        # THEN no record fails
        assert response == {"batchItemFailures": []}
    # AND both shapes of one event landed on the same item
    items = scan_all(client, TABLE)
    per_fixture = {"bounce_permanent_multi": 2, "complaint_multi": 2, "notification_bounce": 2}
    assert len(items) == sum(per_fixture.get(name, 1) for name in SES_FIXTURES)
    # AND EMF metrics count stored events by type (both shapes counted: each write is a store)
    documents = emf_documents(capsys.readouterr().out)
    assert len(documents) == 3  # one EMF document per invocation

    def total(metric: str) -> float:
        return sum(sum(doc.get(metric, [])) for doc in documents)

    assert total("BounceStored") == 2 * (2 + 1 + 2)
    assert total("OtherStored") == 2  # the unknown future type, in both shapes
    assert total("EventsStored") == 2 * len(items)


def test_malformed_record_mid_batch_is_the_only_failure(
    persister: tuple[ModuleType, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    module, client = persister
    route_logs_to_captured_stdout()
    # GIVEN a batch of 5 with a poison record in the middle
    bodies = [body_in_shape(load_ses(name), "raw") for name in ("send", "delivery", "open", "click")]
    bodies.insert(2, '{"Type": "Notification", "Message": "{truncated')
    # WHEN the handler runs
    response = module.handler(sqs_event(bodies), FakeLambdaContext())
    # THEN only that record is reported, and the other four are stored
    assert response == {"batchItemFailures": [{"itemIdentifier": "msg-0002"}]}
    assert len(scan_all(client, TABLE)) == 4
    output = capsys.readouterr().out
    assert "malformed SES event record" in output
    failed = [doc["RecordsFailed"] for doc in emf_documents(output) if "RecordsFailed" in doc]
    assert failed == [[1.0]]  # EMF values are lists


def test_replay_and_shuffle_leave_an_identical_table(persister: tuple[ModuleType, Any]) -> None:
    module, client = persister
    bodies = [body_in_shape(load_ses(name), "raw") for name in SES_FIXTURES]
    module.handler(sqs_event(bodies[:10]), FakeLambdaContext())
    module.handler(sqs_event(bodies[10:]), FakeLambdaContext())
    first = scan_all(client, TABLE)
    # WHEN the same events are redelivered, shuffled and in the other shape
    shuffled = [body_in_shape(load_ses(name), "sns_envelope") for name in SES_FIXTURES]
    random.Random(7).shuffle(shuffled)
    module.handler(sqs_event(shuffled[:10], "again"), FakeLambdaContext())
    module.handler(sqs_event(shuffled[10:], "again2"), FakeLambdaContext())
    # THEN nothing changed
    assert scan_all(client, TABLE) == first


def test_dynamodb_failure_reports_every_record(persister: tuple[ModuleType, Any]) -> None:
    module, client = persister
    client.delete_table(TableName=TABLE)
    response = module.handler(sqs_event([body_in_shape(load_ses("send"), "raw")]), FakeLambdaContext())
    assert response == {"batchItemFailures": [{"itemIdentifier": "msg-0000"}]}


def test_missing_table_name_fails_at_init(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EVENTS_TABLE_NAME", raising=False)
    import sesmail.handlers.persister as module
    from sesmail.handlers.settings import SettingsError

    with pytest.raises(SettingsError, match="EVENTS_TABLE_NAME"):
        importlib.reload(module)


def test_logs_mask_email_addresses() -> None:
    from aws_lambda_powertools import Logger

    from sesmail.handlers.observability import MaskingFormatter

    # GIVEN a Powertools logger with the masking formatter
    stream = io.StringIO()
    logger = Logger(
        service="t", logger_formatter=MaskingFormatter(), logger_handler=logging.StreamHandler(stream)
    )
    # WHEN a message and an extra field carry addresses
    logger.info("bounce for Jane.Doe@Example.com", extra={"diagnostic": "550 <bob@example.net> unknown"})
    # THEN neither address appears, the masked forms do
    line = stream.getvalue()
    assert "Jane.Doe" not in line and "bob@" not in line
    assert "J***@example.com" in line and "b***@example.net" in line


def test_any_error_turning_one_record_into_events_fails_that_record_only(
    persister: tuple[ModuleType, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    module, client = persister
    import sesmail.events.persist as persist

    real_parse = persist.parse_sqs_body

    def parse(body: str, *, store_subject: bool = False) -> Any:
        if "poison" in body:
            raise RecursionError("maximum recursion depth exceeded while encoding a JSON object")
        return real_parse(body, store_subject=store_subject)

    # GIVEN a record whose parsing raises something no parser author foresaw, between two good ones
    monkeypatch.setattr(persist, "parse_sqs_body", parse)
    bodies = [
        body_in_shape(load_ses("send"), "raw"),
        '{"poison": 1}',
        body_in_shape(load_ses("delivery"), "raw"),
    ]
    # WHEN the handler runs THEN only that record is reported and the others are stored
    response = module.handler(sqs_event(bodies), FakeLambdaContext())
    assert response == {"batchItemFailures": [{"itemIdentifier": "msg-0001"}]}
    assert len(scan_all(client, TABLE)) == 2


def test_an_open_is_stored_once_and_credits_no_recipient(persister: tuple[ModuleType, Any]) -> None:
    from sesmail.events.lookup import message_status
    from sesmail.events.store import EventStore

    module, client = persister
    # GIVEN a message sent to three recipients, then opened (by one of them, SES cannot say which)
    recipients = ["ann@example.com", "ben@example.com", "cat@example.com"]
    send, opened = load_ses("send"), load_ses("open")
    for record in (send, opened):
        record["mail"]["messageId"] = "msg-three-recipients"
        record["mail"]["destination"] = recipients
    # WHEN both are persisted
    module.handler(
        sqs_event([body_in_shape(send, "raw"), body_in_shape(opened, "sns_envelope")]), FakeLambdaContext()
    )
    # THEN the Open is one item, not one per recipient
    types = [item["event_type"]["S"] for item in scan_all(client, TABLE)]
    assert sorted(types) == ["Open", "Send", "Send", "Send"]
    # AND the message shows it, while every recipient is still only "sent"
    status = message_status(EventStore(client, TABLE), "msg-three-recipients")
    assert status is not None and status.opened
    assert [(r.recipient, r.status) for r in status.recipients] == [(r, "sent") for r in recipients]

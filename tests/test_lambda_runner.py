"""The local SQS -> Lambda poller: real event shape, ReportBatchItemFailures semantics, drain detection."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from sesmail_local.lambda_runner import FakeLambdaContext, LambdaRunner, failed_ids, main


@pytest.fixture
def sqs() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("sqs", region_name="us-east-1")


@pytest.fixture
def queue_url(sqs: Any) -> str:
    url: str = sqs.create_queue(QueueName="ses-events", Attributes={"VisibilityTimeout": "300"})["QueueUrl"]
    return url


def fill(sqs: Any, queue_url: str, count: int) -> list[str]:
    bodies = [json.dumps({"eventType": "Send", "n": n}) for n in range(count)]
    for body in bodies:
        sqs.send_message(
            QueueUrl=queue_url,
            MessageBody=body,
            MessageAttributes={"origin": {"DataType": "String", "StringValue": "test"}},
        )
    return bodies


def depth(sqs: Any, queue_url: str) -> tuple[int, int]:
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]), int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def runner(sqs: Any, queue_url: str, handler: Any) -> LambdaRunner:
    return LambdaRunner(sqs, queue_url, handler, wait_seconds=0, empty_receives=2)


def test_handler_gets_the_lambda_sqs_event_shape(sqs: Any, queue_url: str) -> None:
    # GIVEN one message on the queue
    (body,) = fill(sqs, queue_url, 1)
    events: list[dict[str, Any]] = []
    contexts: list[Any] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        events.append(event)
        contexts.append(context)
        return {"batchItemFailures": []}

    # WHEN the runner drains the queue
    report = runner(sqs, queue_url, handler).run_until_drained(30)
    # THEN the handler saw exactly what Lambda's SQS event source mapping delivers
    (record,) = events[0]["Records"]
    assert set(record) == {
        "messageId", "receiptHandle", "body", "attributes", "messageAttributes", "md5OfBody",
        "eventSource", "eventSourceARN", "awsRegion",
    }  # fmt: skip
    assert record["body"] == body
    assert record["md5OfBody"] == hashlib.md5(body.encode()).hexdigest()
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == "arn:aws:sqs:us-east-1:123456789012:ses-events"
    assert record["awsRegion"] == "us-east-1"
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert {"SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"} <= set(record["attributes"])
    assert record["messageAttributes"] == {
        "origin": {
            "stringValue": "test",
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": "String",
        }
    }
    context = contexts[0]
    assert context.function_name == "persister"
    assert context.invoked_function_arn == "arn:aws:lambda:us-east-1:123456789012:function:persister"
    assert 0 < context.get_remaining_time_in_millis() <= 60_000
    assert report.drained and report.records_deleted == 1 and depth(sqs, queue_url) == (0, 0)


def test_only_records_not_reported_failed_are_deleted(sqs: Any, queue_url: str) -> None:
    # GIVEN 25 messages and a handler that fails every record whose body mentions an odd n
    fill(sqs, queue_url, 25)

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        failures = [r["messageId"] for r in event["Records"] if json.loads(r["body"])["n"] % 2]
        return {"batchItemFailures": [{"itemIdentifier": m} for m in failures]}

    # WHEN drained
    report = runner(sqs, queue_url, handler).run_until_drained(30)
    # THEN the 12 failed records stay on the queue (in flight until the visibility timeout), 13 are gone
    assert report.drained
    assert report.records_received == 25
    assert report.records_deleted == 13
    assert report.records_failed == 12
    assert depth(sqs, queue_url) == (0, 12)


def test_a_handler_exception_fails_the_whole_batch(sqs: Any, queue_url: str) -> None:
    fill(sqs, queue_url, 3)

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise RuntimeError("table is missing")

    report = runner(sqs, queue_url, handler).run_until_drained(30)
    assert report.records_deleted == 0
    assert report.records_failed == 3
    assert report.handler_errors == ["RuntimeError: table is missing"]
    assert depth(sqs, queue_url) == (0, 3)


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (None, set()),
        ({"batchItemFailures": []}, set()),
        ({"batchItemFailures": [{"itemIdentifier": "a"}]}, {"a"}),
        ({"batchItemFailures": [{"itemIdentifier": "zzz"}]}, {"a", "b"}),  # unknown id: Lambda fails all
        ({"batchItemFailures": [{"itemIdentifier": None}]}, {"a", "b"}),
        ({"batchItemFailures": "a"}, {"a", "b"}),
        ("not a dict", {"a", "b"}),
    ],
)
def test_failed_ids_follow_lambda_rules(response: object, expected: set[str]) -> None:
    assert failed_ids(response, {"a", "b"}) == expected


def test_an_empty_queue_is_drained_immediately(sqs: Any, queue_url: str) -> None:
    report = runner(sqs, queue_url, lambda event, context: None).run_until_drained(30)
    assert report.drained and report.invocations == 0


def test_fake_context_counts_down() -> None:
    context = FakeLambdaContext("persister", "eu-west-1", "111122223333", timeout_seconds=0)
    assert context.get_remaining_time_in_millis() == 0
    assert context.log_group_name == "/aws/lambda/persister"


def test_cli_reports_a_bad_handler_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--queue-url", "http://127.0.0.1:1/q", "--handler", "sesmail.no_such_module.handler"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith(
        "error: cannot load handler sesmail.no_such_module.handler"
    )


def test_an_empty_queue_ends_the_run_only_once_traffic_is_done(sqs: Any, queue_url: str) -> None:
    # GIVEN a runner started before the traffic: the queue is empty, the sender has not finished
    checks: list[int] = []

    def traffic_done() -> bool:
        checks.append(1)
        if len(checks) == 2:
            fill(sqs, queue_url, 3)  # mail arrives while the runner is already polling
        return len(checks) > 2

    # WHEN it runs
    report = runner(sqs, queue_url, lambda event, context: None).run_until_drained(30, traffic_done)
    # THEN it waited for the late messages and processed them before calling the queue drained
    assert report.drained and report.records_received == 3 and report.records_deleted == 3

"""Local stand-in for Lambda's SQS event source mapping: poll the queue, invoke a handler in-process.

moto cannot invoke Lambda functions without Docker, so this poller does what the event source mapping
does for the persister: receive up to ``batch_size`` messages (in receives of at most 10), build the
exact SQS event Lambda delivers (``messageId``, ``receiptHandle``, ``body``, ``attributes``,
``messageAttributes``, ``md5OfBody``, ``eventSource``, ``eventSourceARN``, ``awsRegion``), call the
handler with a fake ``LambdaContext``, and - with ``ReportBatchItemFailures`` semantics - delete
every record except those listed in ``batchItemFailures``. A handler exception or a malformed
response fails the whole batch (nothing deleted), as in Lambda. Failed records stay on the queue and
come back after the visibility timeout; after ``maxReceiveCount`` receives the queue's redrive policy
moves them to the DLQ.

It stops when the queue is drained: ``empty_receives`` consecutive empty receives while the queue
reports ``ApproximateNumberOfMessages == 0``. Messages still in flight after a reported failure are
counted in the report, not waited for.

It can start before the traffic does, as the real mapping polls while mail flows (and a short queue
keeps moto's receives cheap): with ``--traffic-done-file`` an empty queue ends the run only once that
file exists.

Run: ``python -m sesmail_local.lambda_runner --queue-url URL [--report FILE]``; the handler's own
output (Powertools JSON logs and metrics) goes to stdout like CloudWatch Logs, the summary to stderr.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import sys
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import boto3

if TYPE_CHECKING:
    from mypy_boto3_sqs.client import SQSClient
    from mypy_boto3_sqs.type_defs import MessageAttributeValueOutputTypeDef, MessageTypeDef

DEFAULT_HANDLER: Final = "sesmail.handlers.persister.handler"
DEFAULT_BATCH_SIZE: Final = 10
DEFAULT_TIMEOUT_SECONDS: Final = 60
Handler = Callable[[dict[str, Any], Any], Any]


class FakeLambdaContext:
    """The attributes Powertools and handlers read from a real ``LambdaContext``."""

    def __init__(self, function_name: str, region: str, account_id: str, timeout_seconds: int) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:{region}:{account_id}:function:{function_name}"
        self.memory_limit_in_mb = 256
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = f"local/[$LATEST]{uuid.uuid4().hex}"
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def lambda_message_attributes(
    attributes: Mapping[str, MessageAttributeValueOutputTypeDef],
) -> dict[str, dict[str, Any]]:
    """SQS API attribute shape -> Lambda event shape (camelCase keys, list fields always present)."""
    converted: dict[str, dict[str, Any]] = {}
    for name, value in attributes.items():
        item: dict[str, Any] = {"stringListValues": [], "binaryListValues": [], "dataType": value["DataType"]}
        if "StringValue" in value:
            item["stringValue"] = value["StringValue"]
        if "BinaryValue" in value:
            item["binaryValue"] = value["BinaryValue"]
        converted[name] = item
    return converted


def sqs_event(messages: Sequence[MessageTypeDef], queue_arn: str, region: str) -> dict[str, Any]:
    """The event Lambda passes for a batch of SQS messages."""
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": dict(message.get("Attributes", {})),
                "messageAttributes": lambda_message_attributes(message.get("MessageAttributes", {})),
                "md5OfBody": message.get("MD5OfBody") or hashlib.md5(message["Body"].encode()).hexdigest(),  # noqa: S324
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
            for message in messages
        ]
    }


def failed_ids(response: object, batch_ids: set[str]) -> set[str]:
    """Record IDs the handler reported failed; a response Lambda would reject fails the whole batch."""
    if response is None:
        return set()
    if not isinstance(response, dict):
        return set(batch_ids)
    failures = response.get("batchItemFailures", [])
    if not isinstance(failures, list):
        return set(batch_ids)
    ids = set()
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not isinstance(identifier, str) or identifier not in batch_ids:
            return set(batch_ids)
        ids.add(identifier)
    return ids


@dataclass
class RunReport:
    invocations: int = 0
    records_received: int = 0
    records_deleted: int = 0
    records_failed: int = 0
    handler_errors: list[str] = field(default_factory=list)
    drained: bool = False
    seconds: float = 0.0


class LambdaRunner:
    def __init__(
        self,
        sqs: SQSClient,
        queue_url: str,
        handler: Handler,
        *,
        function_name: str = "persister",
        batch_size: int = DEFAULT_BATCH_SIZE,
        timeout_seconds: int = DEFAULT_TIMEOUT_SECONDS,
        wait_seconds: int = 1,
        empty_receives: int = 2,
    ) -> None:
        self.sqs = sqs
        self.queue_url = queue_url
        self.handler = handler
        self.function_name = function_name
        self.batch_size = batch_size
        self.timeout_seconds = timeout_seconds
        self.wait_seconds = wait_seconds
        self.empty_receives = empty_receives
        self.queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        _, _, _, self.region, self.account_id, _ = self.queue_arn.split(":", 5)

    def visible_messages(self) -> int:
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=self.queue_url, AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"])

    def poll_once(self, report: RunReport) -> int:
        """Receive one batch and process it; returns the number of records received."""
        messages: list[MessageTypeDef] = []
        while len(messages) < self.batch_size:  # SQS hands out at most 10 per receive
            received = self.sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=min(10, self.batch_size - len(messages)),
                WaitTimeSeconds=0 if messages else self.wait_seconds,
                MessageSystemAttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            if not received:
                break
            messages += received
        if not messages:
            return 0
        event = sqs_event(messages, self.queue_arn, self.region)
        context = FakeLambdaContext(self.function_name, self.region, self.account_id, self.timeout_seconds)
        batch_ids = {message["MessageId"] for message in messages}
        report.invocations += 1
        report.records_received += len(messages)
        try:
            failed = failed_ids(self.handler(event, context), batch_ids)
        except Exception as exc:  # noqa: BLE001 - Lambda turns any handler error into a failed batch
            report.handler_errors.append(f"{type(exc).__name__}: {exc}")
            failed = batch_ids
        done = [m for m in messages if m["MessageId"] not in failed]
        for start in range(0, len(done), 10):
            chunk = done[start : start + 10]
            result = self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(chunk)],
            )
            report.records_deleted += len(result.get("Successful", []))
        report.records_failed += len(failed)
        return len(messages)

    def run_until_drained(
        self, max_seconds: float = 300.0, traffic_done: Callable[[], bool] = lambda: True
    ) -> RunReport:
        """Poll until drained; an empty queue only counts once ``traffic_done()`` says no more is coming."""
        report = RunReport()
        started = time.monotonic()
        empty_in_a_row = 0
        while time.monotonic() - started < max_seconds:
            if self.poll_once(report):
                empty_in_a_row = 0
                continue
            empty_in_a_row += 1
            if empty_in_a_row >= self.empty_receives and traffic_done() and self.visible_messages() == 0:
                report.drained = True
                break
        report.seconds = round(time.monotonic() - started, 2)
        return report


def load_handler(dotted: str) -> Handler:
    module_name, _, attribute = dotted.rpartition(".")
    handler: Handler = getattr(importlib.import_module(module_name), attribute)
    return handler


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sesmail_local.lambda_runner",
        description="Feed an SQS queue to a Lambda handler in-process until the queue is drained. "
        "Endpoint and region come from the usual AWS_* variables (AWS_ENDPOINT_URL for moto); the "
        "handler reads its own settings (e.g. EVENTS_TABLE_NAME). Exit codes: 0 drained with no failed "
        "record, 1 records failed or the queue was not drained in time, 2 bad arguments or handler "
        "import failed.",
    )
    parser.add_argument("--queue-url", required=True, help="the SQS queue the event source mapping reads")
    parser.add_argument(
        "--handler", default=DEFAULT_HANDLER, help=f"module.function (default {DEFAULT_HANDLER})"
    )
    parser.add_argument(
        "--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="records per invocation (1-10000)"
    )
    parser.add_argument(
        "--timeout", type=int, default=DEFAULT_TIMEOUT_SECONDS, help="function timeout, seconds"
    )
    parser.add_argument("--max-seconds", type=float, default=300.0, help="give up after this long")
    parser.add_argument("--report", type=Path, help="also write the run report as JSON to this file")
    parser.add_argument(
        "--traffic-done-file",
        type=Path,
        help="poll while traffic is still being sent; the queue only counts as drained once this file exists",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.batch_size <= 10_000:
        parser.error("--batch-size must be between 1 and 10000")
    try:
        handler = load_handler(args.handler)
    except Exception as exc:  # noqa: BLE001 - import-time failure of arbitrary handler code: one line
        print(f"error: cannot load handler {args.handler}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    runner = LambdaRunner(
        boto3.client("sqs"), args.queue_url, handler, batch_size=args.batch_size, timeout_seconds=args.timeout
    )
    marker: Path | None = args.traffic_done_file
    report = runner.run_until_drained(args.max_seconds, lambda: marker is None or marker.exists())
    summary = json.dumps(asdict(report))
    print(summary, file=sys.stderr)
    if args.report:
        args.report.write_text(summary + "\n")
    return 0 if report.drained and report.records_failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

"""Replaying dead-lettered SES events into the event queue (receive -> send -> delete, per message).

Used for the SNS subscription's dead-letter queue, whose messages SNS could not deliver to the queue:
SQS's StartMessageMoveTask only moves out of a queue that is some queue's redrive target, which a
subscription DLQ is not. Each message is sent to the destination before it is deleted from the
source, so a failure in between duplicates (the persister's writes are idempotent) but never loses an
event. ``summarise`` is pure; ``DeadLetterQueue`` is the thin SQS adapter.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from mypy_boto3_sqs.client import SQSClient

RECEIVE_BATCH: Final = 10  # SQS's per-receive maximum
# Long enough to send and delete a batch; a crash leaves the messages in the source to retry.
VISIBILITY_SECONDS: Final = 60


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """What the replay knows about one message: no addresses, only identifiers (what the audit log keeps)."""

    sqs_message_id: str
    ses_message_id: str | None
    event_type: str | None


def summarise(body: str, sqs_message_id: str) -> DeadLetter:
    """SES ids from a dead-lettered body: the SES JSON itself (raw delivery) or an SNS envelope."""
    try:
        record: Any = json.loads(body)
        if isinstance(record, dict) and record.get("Type") == "Notification":
            record = json.loads(record["Message"])
    except (ValueError, KeyError, TypeError):
        return DeadLetter(sqs_message_id, None, None)
    if not isinstance(record, dict):
        return DeadLetter(sqs_message_id, None, None)
    mail: dict[str, Any] = record["mail"] if isinstance(record.get("mail"), dict) else {}
    event_type = record.get("eventType") or record.get("notificationType")
    return DeadLetter(sqs_message_id, mail.get("messageId"), event_type)


@dataclass(slots=True)
class ReplayReport:
    waiting: int = 0
    moved: int = 0
    failed: int = 0


class DeadLetterQueue:
    def __init__(self, sqs: SQSClient, source_url: str, destination_url: str) -> None:
        self.sqs = sqs
        self.source_url = source_url
        self.destination_url = destination_url

    def waiting(self) -> int:
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=self.source_url, AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"])

    def _receive(self, visibility: int) -> list[Any]:
        return list(
            self.sqs.receive_message(
                QueueUrl=self.source_url,
                MaxNumberOfMessages=RECEIVE_BATCH,
                VisibilityTimeout=visibility,
                WaitTimeSeconds=1,
                MessageAttributeNames=["All"],
            ).get("Messages", [])
        )

    def peek(self, limit: int) -> list[DeadLetter]:
        """Up to ``limit`` messages, left in place (visibility 0 returns them to the queue at once)."""
        seen: dict[str, DeadLetter] = {}
        for _ in range(max(1, limit // RECEIVE_BATCH) + 1):
            for message in self._receive(visibility=0):
                seen.setdefault(message["MessageId"], summarise(message["Body"], message["MessageId"]))
            if len(seen) >= limit:
                break
        return list(seen.values())[:limit]

    def replay(self, limit: int, on_moved: Callable[[DeadLetter], None]) -> ReplayReport:
        """Move up to ``limit`` messages to the destination queue; ``on_moved`` runs after each delete."""
        report = ReplayReport(waiting=self.waiting())
        while report.moved + report.failed < limit:
            batch = self._receive(visibility=VISIBILITY_SECONDS)[: limit - report.moved - report.failed]
            if not batch:
                break
            for message in batch:
                request: dict[str, Any] = {"QueueUrl": self.destination_url, "MessageBody": message["Body"]}
                if message.get("MessageAttributes"):
                    request["MessageAttributes"] = message["MessageAttributes"]
                self.sqs.send_message(**request)
                self.sqs.delete_message(QueueUrl=self.source_url, ReceiptHandle=message["ReceiptHandle"])
                report.moved += 1
                on_moved(summarise(message["Body"], message["MessageId"]))
        return report

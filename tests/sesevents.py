"""Test helpers for SES event fixtures (tests/events/), SQS/SNS wrapping and a fake Lambda context."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EVENTS_DIR = Path(__file__).parent / "events"
SES_FIXTURES = sorted(p.stem.removeprefix("ses_") for p in EVENTS_DIR.glob("ses_*.json"))
TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:ses-events"
QUEUE_ARN = "arn:aws:sqs:eu-west-1:123456789012:ses-events"


def load_ses(name: str) -> dict[str, Any]:
    """The SES JSON of ``tests/events/ses_<name>.json``."""
    return json.loads((EVENTS_DIR / f"ses_{name}.json").read_text())


def sns_envelope(
    ses_record: dict[str, Any], sns_message_id: str = "2f1e7c61-3b6f-5a4e-9d2c-8b7a6f5e4d3c"
) -> str:
    """The SQS body SNS writes without raw message delivery: SES JSON as the ``Message`` string."""
    template = json.loads((EVENTS_DIR / "sns_envelope_bounce_permanent_multi.json").read_text())
    template["MessageId"] = sns_message_id
    template["Message"] = json.dumps(ses_record, separators=(",", ":"))
    return json.dumps(template)


def raw_body(ses_record: dict[str, Any]) -> str:
    """The SQS body with SNS raw message delivery: the SES JSON itself."""
    return json.dumps(ses_record, separators=(",", ":"))


def body_in_shape(ses_record: dict[str, Any], shape: str) -> str:
    return raw_body(ses_record) if shape == "raw" else sns_envelope(ses_record)


def sqs_event(bodies: list[str], id_prefix: str = "msg") -> dict[str, Any]:
    """An SQS -> Lambda event in the exact shape Lambda delivers it."""
    return {
        "Records": [
            {
                "messageId": f"{id_prefix}-{index:04d}",
                "receiptHandle": f"AQEB{index:04d}example",
                "body": body,
                "attributes": {
                    "ApproximateReceiveCount": "1",
                    "SentTimestamp": "1719828002901",
                    "SenderId": "AIDAEXAMPLE",
                    "ApproximateFirstReceiveTimestamp": "1719828002950",
                },
                "messageAttributes": {},
                "md5OfBody": "0" * 32,
                "eventSource": "aws:sqs",
                "eventSourceARN": QUEUE_ARN,
                "awsRegion": "eu-west-1",
            }
            for index, body in enumerate(bodies)
        ]
    }


@dataclass
class FakeLambdaContext:
    """The attributes Powertools and the handler read from a real ``LambdaContext``."""

    function_name: str = "ses-events-persister"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:ses-events-persister"
    aws_request_id: str = "6f1d5c1e-0000-4000-8000-000000000000"
    remaining_ms: int = 30_000

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms

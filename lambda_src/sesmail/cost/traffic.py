"""Generated SES event-publishing traffic for a stated event mix (pure, deterministic, no I/O).

Record shapes follow SES configuration-set event publishing with headers included, as SES sends them
to an SNS destination (same fields as the fixtures in ``tests/events/``): every record carries the whole
``mail`` object, which is most of its size, plus one detail object.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Final

# Events per mail (one recipient each) for a transactional sender with open/click tracking on:
# every mail has a Send, 97 % are delivered, 2 % bounce, a few are delayed first; 30 % are opened,
# 5 % clicked. Rates of the same order as the SES_FACTS thresholds a healthy sender stays under.
DEFAULT_MIX: Final[Mapping[str, float]] = {
    "Send": 1.0,
    "Delivery": 0.97,
    "Bounce": 0.02,
    "Complaint": 0.0005,
    "DeliveryDelay": 0.02,
    "Reject": 0.001,
    "Open": 0.30,
    "Click": 0.05,
}

_ACCOUNT: Final = "123456789012"
_SOURCE: Final = "Example Billing <billing@mail.example.org>"
_MTA: Final = "a8-70.smtp-out.amazonses.com"
_USER_AGENT: Final = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile"
)


def events_per_mail(mix: Mapping[str, float]) -> float:
    return sum(mix.values())


def event_types(count: int, mix: Mapping[str, float]) -> list[str]:
    """``count`` event types in the mix's proportions (largest remainder, so small shares still
    appear once ``count`` is big enough), shuffled with a fixed seed."""
    total = events_per_mail(mix)
    exact = {name: count * share / total for name, share in mix.items()}
    counts = {name: int(value) for name, value in exact.items()}
    by_remainder = sorted(mix, key=lambda name: exact[name] - counts[name], reverse=True)
    for name in by_remainder[: count - sum(counts.values())]:
        counts[name] += 1
    types = [name for name, n in counts.items() for _ in range(n)]
    random.Random(count).shuffle(types)  # noqa: S311 - a reproducible sample, not a secret
    return types


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _mail(index: int, recipient: str, sent_at: datetime) -> dict[str, Any]:
    message_id = f"010201{index:010x}-1f2e3d4c-{index % 10_000:04d}-4bbb-cccc-0123456789ab-000000"
    subject = f"Your invoice {sent_at:%Y-%m} (account {index % 100_000:05d})"
    return {
        "timestamp": _iso(sent_at),
        "source": _SOURCE,
        "sourceArn": f"arn:aws:ses:eu-west-1:{_ACCOUNT}:identity/mail.example.org",
        "sendingAccountId": _ACCOUNT,
        "messageId": message_id,
        "destination": [recipient],
        "headersTruncated": False,
        "headers": [
            {"name": "From", "value": _SOURCE},
            {"name": "To", "value": recipient},
            {"name": "Subject", "value": subject},
            {"name": "MIME-Version", "value": "1.0"},
            {"name": "Content-Type", "value": 'multipart/alternative; boundary="b1_7f3a"'},
        ],
        "commonHeaders": {
            "from": [_SOURCE],
            "to": [recipient],
            "messageId": message_id,
            "subject": subject,
        },
        "tags": {
            "ses:configuration-set": ["transactional"],
            "ses:operation": ["SendEmail"],
            "ses:source-ip": ["192.0.2.10"],
            "ses:from-domain": ["mail.example.org"],
            "ses:caller-identity": ["app-sender"],
            "campaign": ["invoices"],
        },
    }


def _delivery(index: int, recipient: str, at: datetime) -> dict[str, Any]:
    return {
        "timestamp": _iso(at),
        "processingTimeMillis": 1744,
        "recipients": [recipient],
        "smtpResponse": "250 2.6.0 Message received",
        "reportingMTA": _MTA,
    }


def _bounce(index: int, recipient: str, at: datetime) -> dict[str, Any]:
    return {
        "bounceType": "Permanent",
        "bounceSubType": "General",
        "bouncedRecipients": [
            {
                "emailAddress": recipient,
                "action": "failed",
                "status": "5.1.1",
                "diagnosticCode": "smtp; 550 5.1.1 user unknown",
            }
        ],
        "timestamp": _iso(at),
        "feedbackId": _feedback_id(index),
        "reportingMTA": f"dsn; {_MTA}",
    }


def _complaint(index: int, recipient: str, at: datetime) -> dict[str, Any]:
    return {
        "complainedRecipients": [{"emailAddress": recipient}],
        "timestamp": _iso(at),
        "feedbackId": _feedback_id(index),
        "complaintSubType": None,
        "userAgent": "Yahoo!-Mail-Feedback/2.0",
        "complaintFeedbackType": "abuse",
        "arrivalDate": _iso(at),
    }


def _delivery_delay(index: int, recipient: str, at: datetime) -> dict[str, Any]:
    return {
        "timestamp": _iso(at),
        "delayType": "TransientCommunicationFailure",
        "expirationTime": _iso(at + timedelta(hours=12)),
        "delayedRecipients": [
            {
                "emailAddress": recipient,
                "status": "4.4.1",
                "diagnosticCode": "smtp; 421 4.4.1 Unable to connect to remote host",
            }
        ],
        "reportingMTA": _MTA,
    }


def _open(index: int, recipient: str, at: datetime) -> dict[str, Any]:
    return {"ipAddress": "192.0.2.1", "timestamp": _iso(at), "userAgent": _USER_AGENT}


def _click(index: int, recipient: str, at: datetime) -> dict[str, Any]:
    return {
        **_open(index, recipient, at),
        "link": f"https://www.example.org/invoices/{at:%Y-%m}/{index % 100_000:05d}",
        "linkTags": {"link-name": ["invoice"]},
    }


def _feedback_id(index: int) -> str:
    return f"010201{index:010x}-61b59c11-9236-11e6-8f96-7be8aexample-000000"


# event type -> (detail key, detail builder(index, recipient, event time))
_DETAILS: Final[dict[str, tuple[str, Callable[[int, str, datetime], dict[str, Any]]]]] = {
    "Send": ("send", lambda *_: {}),
    "Delivery": ("delivery", _delivery),
    "Bounce": ("bounce", _bounce),
    "Complaint": ("complaint", _complaint),
    "DeliveryDelay": ("deliveryDelay", _delivery_delay),
    "Reject": ("reject", lambda *_: {"reason": "Bad content"}),
    "Open": ("open", _open),
    "Click": ("click", _click),
}


def ses_record(event_type: str, index: int) -> dict[str, Any]:
    """One SES event-publishing record; ``index`` makes its message id, recipient and times unique."""
    sent_at = datetime(2026, 11, 2, 9, 0, tzinfo=UTC) + timedelta(milliseconds=137 * index)
    recipient = f"customer.{index:07d}@example-mail{index % 50}.com"
    if event_type not in _DETAILS:
        raise ValueError(f"no generator for event type {event_type!r}; known: {', '.join(_DETAILS)}")
    key, build = _DETAILS[event_type]
    detail = build(index, recipient, sent_at + timedelta(seconds=2))
    return {"eventType": event_type, "mail": _mail(index, recipient, sent_at), key: detail}


def sqs_bodies(count: int, mix: Mapping[str, float] = DEFAULT_MIX) -> list[tuple[str, str]]:
    """``count`` (event type, SQS body) pairs; bodies as SNS raw message delivery writes them (the
    module's subscription sets ``raw_message_delivery``: docs/decisions/0020-raw-sns-delivery.md)."""
    return [
        (event_type, json.dumps(ses_record(event_type, index), separators=(",", ":")))
        for index, event_type in enumerate(event_types(count, mix))
    ]

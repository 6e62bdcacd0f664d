"""Sending mail the way a service does: SESv2 SendEmail with a configuration set and message tags.

The configuration set is what routes the message's events into the pipeline (SNS -> SQS -> persister)
and applies the TLS and suppression settings, so every send names one. Message tags travel into every
event record (``mail.tags``) and let support filter by service or campaign. The returned SES message
ID is the key support looks events up by.

``build_send_request`` is pure (and validated by tests against the botocore model); ``SesSender`` is
the thin data-access part. Addresses are masked in logs. Endpoint selection is boto3's own: set
``AWS_ENDPOINT_URL_SESV2`` to reach a local stand-in, nothing else changes.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from sesmail.privacy import mask_email

if TYPE_CHECKING:
    from mypy_boto3_sesv2.client import SESV2Client

logger = logging.getLogger(__name__)

MAX_RECIPIENTS: Final = 50  # SES's per-message limit across To, Cc and Bcc
TAG_PART: Final = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# Throttling on SendEmail means "slow down to MaxSendRate": botocore's standard mode backs off for us.
CLIENT_CONFIG: Final = Config(retries={"mode": "standard", "max_attempts": 5})


class SendError(Exception):
    """SES did not accept the message. ``code`` is the SES error code (or ``ConnectionError``)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


@dataclass(frozen=True)
class Email:
    from_address: str
    to: Sequence[str]
    subject: str
    text: str
    html: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)


def build_send_request(email: Email, configuration_set: str) -> dict[str, Any]:
    """The SendEmail parameters for ``email``; raises ``ValueError`` on what SES would reject."""
    if not email.to:
        raise ValueError("an email needs at least one recipient")
    if len(email.to) > MAX_RECIPIENTS:
        raise ValueError(f"SES accepts at most {MAX_RECIPIENTS} recipients per message, got {len(email.to)}")
    for name, value in email.tags.items():
        if not (TAG_PART.fullmatch(name) and TAG_PART.fullmatch(value)):
            raise ValueError(
                f"message tag {name!r}: names and values may use only ASCII letters, digits, _ and -"
            )
    body: dict[str, Any] = {"Text": {"Data": email.text, "Charset": "UTF-8"}}
    if email.html is not None:
        body["Html"] = {"Data": email.html, "Charset": "UTF-8"}
    return {
        "FromEmailAddress": email.from_address,
        "Destination": {"ToAddresses": list(email.to)},
        "Content": {"Simple": {"Subject": {"Data": email.subject, "Charset": "UTF-8"}, "Body": body}},
        "ConfigurationSetName": configuration_set,
        "EmailTags": [{"Name": name, "Value": value} for name, value in sorted(email.tags.items())],
    }


def create_client(region: str | None = None) -> SESV2Client:
    return boto3.client("sesv2", region_name=region, config=CLIENT_CONFIG)


class SesSender:
    """Sends through one configuration set; one instance per service, reused across sends."""

    def __init__(self, configuration_set: str, client: SESV2Client | None = None) -> None:
        self.configuration_set = configuration_set
        self.client = client or create_client()

    def send(self, email: Email) -> str:
        """Send ``email`` and return its SES message ID; raises ``SendError`` if SES refuses it."""
        request = build_send_request(email, self.configuration_set)
        try:
            response = self.client.send_email(**request)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            raise SendError(error.get("Code", "Unknown"), error.get("Message", "")) from exc
        except BotoCoreError as exc:
            raise SendError("ConnectionError", str(exc)) from exc
        message_id = response["MessageId"]
        logger.info(
            "sent message %s to %s via %s",
            message_id,
            ", ".join(mask_email(address) for address in email.to),
            self.configuration_set,
        )
        return message_id

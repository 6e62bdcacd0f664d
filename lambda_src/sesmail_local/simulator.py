"""Mailbox behaviour and SES event-publishing records for the local SESv2 stand-in (pure, no I/O).

Which events a send produces follows the SES mailbox simulator (``@simulator.amazonses.com``); the
local part before any ``+label`` selects the behaviour:

    success@          Send, Delivery
    ooto@             Send, Delivery (the auto-reply goes to the sender; SES publishes no event for it)
    bounce@           Send, Bounce  Permanent/General, status 5.1.1, "smtp; 550 5.1.1 user unknown"
    complaint@        Send, Delivery, Complaint (complaintFeedbackType "abuse")
    suppressionlist@  Send, Bounce  Permanent/OnAccountSuppressionList

The stand-in has no internet, so addresses at any other domain follow the same local-part table
(anything unscripted is delivered). Only those non-simulator addresses enter the account suppression
list after a hard bounce or a complaint: SES never adds simulator addresses to it
(docs/decisions/0060-local-ses-standin.md). A send to a listed address is accepted (Send) and then
bounced with subtype OnAccountSuppressionList, as SES does.

Record shapes follow SES configuration-set event publishing (``eventType`` plus one detail object;
see /work/shared/SES_FACTS.md and the SES developer guide's examples).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Final

SIMULATOR_DOMAIN: Final = "simulator.amazonses.com"
LOCAL_MTA: Final = "ses-standin.localhost"
SUPPRESSION_DIAGNOSTIC: Final = (
    "Amazon SES did not send the message to this address because it is on the suppression list for "
    "your account. For more information about removing addresses from the suppression list, see the "
    "Amazon SES Developer Guide."
)

Record = dict[str, Any]


class Behaviour(StrEnum):
    """What the receiving mailbox does with a message."""

    DELIVER = "deliver"
    OUT_OF_OFFICE = "ooto"
    HARD_BOUNCE = "bounce"
    COMPLAIN = "complaint"
    SUPPRESSION_LIST = "suppressionlist"


SCRIPTED_LOCAL_PARTS: Final[Mapping[str, Behaviour]] = {
    "success": Behaviour.DELIVER,
    "ooto": Behaviour.OUT_OF_OFFICE,
    "bounce": Behaviour.HARD_BOUNCE,
    "complaint": Behaviour.COMPLAIN,
    "suppressionlist": Behaviour.SUPPRESSION_LIST,
}


class SuppressionReason(StrEnum):
    """SESv2 ``SuppressionListReason``."""

    BOUNCE = "BOUNCE"
    COMPLAINT = "COMPLAINT"


def split_address(address: str) -> tuple[str, str]:
    """Return (local part without +label, domain), both lower-cased."""
    local, _, domain = address.strip().rpartition("@")
    return local.split("+", 1)[0].lower(), domain.lower()


def is_simulator_address(address: str) -> bool:
    return split_address(address)[1] == SIMULATOR_DOMAIN


def mailbox_behaviour(address: str) -> Behaviour:
    local, _ = split_address(address)
    return SCRIPTED_LOCAL_PARTS.get(local, Behaviour.DELIVER)


def suppression_reason_after(address: str, enabled: frozenset[SuppressionReason]) -> SuppressionReason | None:
    """The reason SES would add ``address`` to the account suppression list after this send, if any."""
    if is_simulator_address(address):
        return None
    behaviour = mailbox_behaviour(address)
    if behaviour is Behaviour.HARD_BOUNCE and SuppressionReason.BOUNCE in enabled:
        return SuppressionReason.BOUNCE
    if behaviour is Behaviour.COMPLAIN and SuppressionReason.COMPLAINT in enabled:
        return SuppressionReason.COMPLAINT
    return None


def new_ses_id(now: datetime) -> str:
    """An identifier in SES's message/feedback ID format: ``0100<ms hex>-<uuid>-000000``."""
    millis = int(now.timestamp() * 1000)
    return f"0100{millis:012x}-{uuid.uuid4()}-000000"


def iso_millis(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass(frozen=True)
class OutboundMail:
    """What SES knows about an accepted message: the ``mail`` object of every event record."""

    message_id: str
    sent_at: datetime
    source: str
    source_arn: str
    sending_account_id: str
    destination: Sequence[str]
    headers: Sequence[tuple[str, str]]
    common_headers: Mapping[str, Any]
    tags: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def as_record(self) -> Record:
        return {
            "timestamp": iso_millis(self.sent_at),
            "source": self.source,
            "sourceArn": self.source_arn,
            "sendingAccountId": self.sending_account_id,
            "messageId": self.message_id,
            "destination": list(self.destination),
            "headersTruncated": False,
            "headers": [{"name": name, "value": value} for name, value in self.headers],
            "commonHeaders": dict(self.common_headers),
            "tags": {name: list(values) for name, values in self.tags.items()},
        }


def processing_delay(message_id: str, recipient: str) -> timedelta:
    """A stable, plausible 0.4-1.4 s between acceptance and the recipient MTA's answer."""
    digest = hashlib.sha256(f"{message_id}|{recipient}".encode()).digest()
    return timedelta(milliseconds=400 + int.from_bytes(digest[:2], "big") % 1000)


def send_record(mail: OutboundMail) -> Record:
    return {"eventType": "Send", "mail": mail.as_record(), "send": {}}


def delivery_record(mail: OutboundMail, recipient: str, at: datetime) -> Record:
    record = mail.as_record()
    record["tags"] = {**record["tags"], "ses:outgoing-ip": ["127.0.0.1"]}
    return {
        "eventType": "Delivery",
        "mail": record,
        "delivery": {
            "timestamp": iso_millis(at),
            "processingTimeMillis": int((at - mail.sent_at).total_seconds() * 1000),
            "recipients": [recipient],
            "smtpResponse": "250 2.6.0 Message received",
            "reportingMTA": LOCAL_MTA,
        },
    }


def bounce_record(
    mail: OutboundMail, recipient: str, at: datetime, feedback_id: str, *, on_suppression_list: bool
) -> Record:
    """A permanent bounce: the mailbox refused it (5.1.1), or SES did not try (suppression list)."""
    if on_suppression_list:
        subtype, diagnostic, reporting_mta = (
            "OnAccountSuppressionList",
            SUPPRESSION_DIAGNOSTIC,
            "dns; amazonses.com",
        )
    else:
        subtype, diagnostic, reporting_mta = "General", "smtp; 550 5.1.1 user unknown", f"dsn; {LOCAL_MTA}"
    return {
        "eventType": "Bounce",
        "mail": mail.as_record(),
        "bounce": {
            "feedbackId": feedback_id,
            "bounceType": "Permanent",
            "bounceSubType": subtype,
            "bouncedRecipients": [
                {
                    "emailAddress": recipient,
                    "action": "failed",
                    "status": "5.1.1",
                    "diagnosticCode": diagnostic,
                }
            ],
            "timestamp": iso_millis(at),
            "reportingMTA": reporting_mta,
        },
    }


def complaint_record(mail: OutboundMail, recipient: str, at: datetime, feedback_id: str) -> Record:
    return {
        "eventType": "Complaint",
        "mail": mail.as_record(),
        "complaint": {
            "feedbackId": feedback_id,
            "complaintSubType": None,
            "complainedRecipients": [{"emailAddress": recipient}],
            "timestamp": iso_millis(at),
            "userAgent": "ses-standin feedback loop",
            "complaintFeedbackType": "abuse",
            "arrivalDate": iso_millis(at),
        },
    }


@dataclass(frozen=True)
class RecipientOutcome:
    """The records one recipient produces after the Send record, and any suppression-list addition."""

    records: list[Record]
    suppress_as: SuppressionReason | None
    feedback_id: str | None


def recipient_outcome(
    mail: OutboundMail, recipient: str, listed: bool, enabled: frozenset[SuppressionReason]
) -> RecipientOutcome:
    """Events after Send for one recipient; ``listed`` is whether it was on the suppression list."""
    at = mail.sent_at + processing_delay(mail.message_id, recipient)
    feedback_id = new_ses_id(at)
    behaviour = mailbox_behaviour(recipient)
    if listed or behaviour is Behaviour.SUPPRESSION_LIST:
        bounce = bounce_record(mail, recipient, at, feedback_id, on_suppression_list=True)
        return RecipientOutcome([bounce], None, feedback_id)
    reason = suppression_reason_after(recipient, enabled)
    if behaviour is Behaviour.HARD_BOUNCE:
        bounce = bounce_record(mail, recipient, at, feedback_id, on_suppression_list=False)
        return RecipientOutcome([bounce], reason, feedback_id)
    records = [delivery_record(mail, recipient, at)]
    if behaviour is Behaviour.COMPLAIN:
        complained_at = at + timedelta(seconds=2)
        records.append(complaint_record(mail, recipient, complained_at, feedback_id))
        return RecipientOutcome(records, reason, feedback_id)
    return RecipientOutcome(records, None, None)

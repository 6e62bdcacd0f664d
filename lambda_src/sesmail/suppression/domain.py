"""Suppression-list audit: the pure domain (no boto3). Models, classification, recommendations, summary.

Classification (``classify_suppression``), first matching rule wins:

| # | condition                                                        | class       | by default    |
|---|------------------------------------------------------------------|-------------|---------------|
| 1 | list reason COMPLAINT, or the latest stored event is a Complaint | complaint   | never removed |
| 2 | listed (``LastUpdateTime``) more than ``stale_days`` ago         | stale       | candidate     |
| 3 | no stored Bounce/Complaint at or before the listing (see below)  | no-evidence | review first  |
| 4 | latest bounce type Transient or Undetermined, or subtype         | soft-bounce | candidate     |
|   | MailboxFull, MessageTooLarge, ContentRejected, AttachmentRejected |             |               |
| 5 | any other bounce: Permanent General, NoEmail, Suppressed,        | hard-bounce | keep          |
|   | OnAccountSuppressionList, or a type/subtype SES adds later        |             |               |

Removing ``complaint`` needs ``--include-complaints``.
Evidence is tied to the listing (``sesmail.suppression.evidence``): only events at or before
``LastUpdateTime`` + 5 minutes explain it, except a Complaint, which counts whenever it was stored.
Why this order: a complaint is a person saying "stop", which outranks every other signal. Staleness
outranks bounce evidence because stored events live only for the event retention (90 days by default)
and an entry listed for longer says little about the mailbox today. An unknown bounce type or subtype
falls through to ``hard-bounce`` on purpose: when in doubt, keep the address suppressed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Final


class SuppressionReason(StrEnum):
    BOUNCE = "BOUNCE"
    COMPLAINT = "COMPLAINT"


class SuppressionClass(StrEnum):
    HARD_BOUNCE = "hard-bounce"
    SOFT_BOUNCE = "soft-bounce"
    COMPLAINT = "complaint"
    NO_EVIDENCE = "no-evidence"
    STALE = "stale"


SOFT_BOUNCE_TYPES: Final = frozenset({"Transient", "Undetermined"})
SOFT_BOUNCE_SUBTYPES: Final = frozenset(
    {"MailboxFull", "MessageTooLarge", "ContentRejected", "AttachmentRejected"}
)
DEFAULT_STALE_DAYS: Final = 180

# Listing-age buckets for the summary: (label, upper bound in days, exclusive). The last is open-ended.
AGE_BUCKETS: Final[tuple[tuple[str, float], ...]] = (
    ("<7d", 7),
    ("7-30d", 30),
    ("30-90d", 90),
    ("90-180d", 180),
    ("180-365d", 365),
    (">=365d", float("inf")),
)

RECOMMENDATIONS: Final[Mapping[SuppressionClass, str]] = {
    SuppressionClass.HARD_BOUNCE: "keep: the mailbox rejected mail permanently; remove only if its owner "
    "confirms the address works again",
    SuppressionClass.SOFT_BOUNCE: "removal candidate: the last failure was temporary (full mailbox, size, "
    "content or undetermined)",
    SuppressionClass.COMPLAINT: "keep: the recipient reported mail as spam; remove only on their explicit "
    "request (--include-complaints)",
    SuppressionClass.NO_EVIDENCE: "review: nothing stored at or before the listing (older than the event "
    "retention, or added by hand); confirm the address with its owner before removing",
    SuppressionClass.STALE: "removal candidate: listed longer than the stale threshold; old evidence says "
    "little about the mailbox today",
}

# Deliberately simple: one @, no whitespace, a dotted domain. SES is the authority on deliverability;
# this only catches typos before an API call is spent on them.
_ADDRESS_PATTERN: Final = re.compile(
    r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$"
)
MAX_ADDRESS_LENGTH: Final = 320


class InvalidInputError(ValueError):
    """Operator input that cannot be used (address, class, date): one line, exit code 2."""


@dataclass(frozen=True, slots=True)
class SuppressedEntry:
    """One row of the account-level suppression list."""

    address: str
    reason: SuppressionReason
    listed_at: datetime
    message_id: str | None = None  # from GetSuppressedDestination attributes (check mode only)
    feedback_id: str | None = None


@dataclass(frozen=True, slots=True)
class Evidence:
    """The most recent stored Bounce or Complaint event for an address (attribute names of schema.py)."""

    event_type: str  # "Bounce" or "Complaint"
    event_at: datetime
    message_id: str | None = None
    bounce_type: str | None = None
    bounce_subtype: str | None = None
    diagnostic_code: str | None = None
    status_code: str | None = None
    complaint_feedback_type: str | None = None

    def describe(self) -> str:
        if self.event_type == "Complaint":
            return f"Complaint ({self.complaint_feedback_type or 'no feedback type'})"
        return f"Bounce {self.bounce_type or '?'}/{self.bounce_subtype or '?'}"

    def as_record(self) -> dict[str, str | None]:
        return {
            "event_type": self.event_type,
            "event_at": format_time(self.event_at),
            "message_id": self.message_id,
            "bounce_type": self.bounce_type,
            "bounce_subtype": self.bounce_subtype,
            "diagnostic_code": self.diagnostic_code,
            "status_code": self.status_code,
            "complaint_feedback_type": self.complaint_feedback_type,
        }


@dataclass(frozen=True, slots=True)
class AuditedEntry:
    entry: SuppressedEntry
    evidence: Evidence | None
    klass: SuppressionClass
    age_days: int


def classify_suppression(
    entry: SuppressedEntry, evidence: Evidence | None, now: datetime, stale_days: int
) -> SuppressionClass:
    """Classify one suppressed address; see the module docstring for the table."""
    if entry.reason is SuppressionReason.COMPLAINT or (
        evidence is not None and evidence.event_type == "Complaint"
    ):
        return SuppressionClass.COMPLAINT
    if now - entry.listed_at > timedelta(days=stale_days):
        return SuppressionClass.STALE
    if evidence is None:
        return SuppressionClass.NO_EVIDENCE
    if evidence.bounce_type in SOFT_BOUNCE_TYPES or evidence.bounce_subtype in SOFT_BOUNCE_SUBTYPES:
        return SuppressionClass.SOFT_BOUNCE
    return SuppressionClass.HARD_BOUNCE


def audit_entry(
    entry: SuppressedEntry, evidence: Evidence | None, now: datetime, stale_days: int
) -> AuditedEntry:
    return AuditedEntry(
        entry=entry,
        evidence=evidence,
        klass=classify_suppression(entry, evidence, now, stale_days),
        age_days=max(0, (now - entry.listed_at).days),
    )


def age_bucket(age_days: int) -> str:
    for label, upper in AGE_BUCKETS:
        if age_days < upper:
            return label
    raise AssertionError("unreachable: the last bucket is open-ended")  # pragma: no cover


class AuditSummary:
    """Counts by (class, reason, age bucket): constant memory however long the list is."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[SuppressionClass, SuppressionReason, str]] = Counter()
        self.total = 0

    def add(self, audited: AuditedEntry) -> None:
        self.counts[(audited.klass, audited.entry.reason, age_bucket(audited.age_days))] += 1
        self.total += 1

    def rows(self) -> list[tuple[SuppressionClass, SuppressionReason, dict[str, int], int]]:
        """(class, reason, {bucket: count}, total) for every (class, reason) seen, in table order."""
        result = []
        for klass in SuppressionClass:
            for reason in SuppressionReason:
                buckets = {label: self.counts[(klass, reason, label)] for label, _ in AGE_BUCKETS}
                total = sum(buckets.values())
                if total:
                    result.append((klass, reason, buckets, total))
        return result

    def by_class(self) -> dict[str, int]:
        totals: Counter[str] = Counter()
        for (klass, _reason, _bucket), count in self.counts.items():
            totals[klass.value] += count
        return {klass.value: totals[klass.value] for klass in SuppressionClass}

    def as_record(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "by_class": self.by_class(),
            "by_class_and_reason": [
                {"class": klass.value, "reason": reason.value, "age_buckets": buckets, "total": total}
                for klass, reason, buckets, total in self.rows()
            ],
        }


# --- operator input ----------------------------------------------------------------------------------


def validate_address(raw: str) -> str:
    address = raw.strip()
    if len(address) > MAX_ADDRESS_LENGTH or not _ADDRESS_PATTERN.match(address):
        raise InvalidInputError(f"invalid email address: {raw!r}")
    return address


def parse_classes(raw: str) -> frozenset[SuppressionClass]:
    """``"soft-bounce,stale"`` -> classes; unknown names are an input error listing the valid ones."""
    names = [part.strip().lower() for part in raw.split(",") if part.strip()]
    if not names:
        raise InvalidInputError("--remove needs at least one class")
    valid = {klass.value: klass for klass in SuppressionClass}
    unknown = [name for name in names if name not in valid]
    if unknown:
        raise InvalidInputError(f"unknown class {', '.join(unknown)}: choose from {', '.join(valid)}")
    return frozenset(valid[name] for name in names)


_RELATIVE_AGE: Final = re.compile(r"^(\d+)d$")


def parse_time(raw: str, now: datetime) -> datetime:
    """ISO date or date-time (naive means UTC), or ``<N>d`` for N days before ``now``."""
    text = raw.strip()
    relative = _RELATIVE_AGE.match(text)
    if relative:
        return now - timedelta(days=int(relative.group(1)))
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInputError(
            f"invalid date {raw!r}: use YYYY-MM-DD, an ISO-8601 date-time, or <N>d (N days ago)"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def format_time(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def format_exact_time(value: datetime) -> str:
    """Like ``format_time`` but keeps sub-second digits when there are any (a listing-time identity)."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_event_time(raw: str) -> datetime:
    """Stored ``event_at`` (``...Z`` with milliseconds) -> aware datetime."""
    parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)

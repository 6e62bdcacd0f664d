"""Suppression audit domain: the classification table, age buckets, summary, operator input parsing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sesmail.suppression.domain import (
    AGE_BUCKETS,
    AuditSummary,
    Evidence,
    InvalidInputError,
    SuppressedEntry,
    SuppressionClass,
    SuppressionReason,
    age_bucket,
    audit_entry,
    classify_suppression,
    parse_classes,
    parse_time,
    validate_address,
)

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
BOUNCE, COMPLAINT = SuppressionReason.BOUNCE, SuppressionReason.COMPLAINT
C = SuppressionClass


def entry(reason: SuppressionReason = BOUNCE, days_listed: float = 10) -> SuppressedEntry:
    return SuppressedEntry("jane.doe@example.com", reason, NOW - timedelta(days=days_listed))


def bounce(bounce_type: str | None, subtype: str | None) -> Evidence:
    return Evidence(
        "Bounce", NOW - timedelta(days=10), "msg-1", bounce_type, subtype, "smtp; 550 5.1.1", "5.1.1"
    )


COMPLAINT_EVIDENCE = Evidence("Complaint", NOW - timedelta(days=3), "msg-2", complaint_feedback_type="abuse")

# (list reason, days listed, evidence) -> class. One row per line of the documented table, plus edges.
CLASSIFICATION_TABLE = [
    # 1. complaint outranks everything
    (COMPLAINT, 10, None, C.COMPLAINT),
    (COMPLAINT, 900, None, C.COMPLAINT),
    (COMPLAINT, 10, bounce("Transient", "MailboxFull"), C.COMPLAINT),
    (BOUNCE, 10, COMPLAINT_EVIDENCE, C.COMPLAINT),
    # 2. stale outranks bounce evidence and missing evidence
    (BOUNCE, 181, None, C.STALE),
    (BOUNCE, 400, bounce("Permanent", "General"), C.STALE),
    (BOUNCE, 180, None, C.NO_EVIDENCE),  # exactly at the threshold is not stale yet
    # 3. nothing stored
    (BOUNCE, 10, None, C.NO_EVIDENCE),
    # 4. soft bounces: removal candidates
    (BOUNCE, 10, bounce("Transient", "General"), C.SOFT_BOUNCE),
    (BOUNCE, 10, bounce("Transient", "MailboxFull"), C.SOFT_BOUNCE),
    (BOUNCE, 10, bounce("Transient", "MessageTooLarge"), C.SOFT_BOUNCE),
    (BOUNCE, 10, bounce("Transient", "ContentRejected"), C.SOFT_BOUNCE),
    (BOUNCE, 10, bounce("Transient", "AttachmentRejected"), C.SOFT_BOUNCE),
    (BOUNCE, 10, bounce("Undetermined", "Undetermined"), C.SOFT_BOUNCE),
    (BOUNCE, 10, bounce("Permanent", "MailboxFull"), C.SOFT_BOUNCE),
    # 5. hard bounces: keep, including anything unknown
    (BOUNCE, 10, bounce("Permanent", "General"), C.HARD_BOUNCE),
    (BOUNCE, 10, bounce("Permanent", "NoEmail"), C.HARD_BOUNCE),
    (BOUNCE, 10, bounce("Permanent", "Suppressed"), C.HARD_BOUNCE),
    (BOUNCE, 10, bounce("Permanent", "OnAccountSuppressionList"), C.HARD_BOUNCE),
    (BOUNCE, 10, bounce("Permanent", "SomethingNewFromSes"), C.HARD_BOUNCE),
    (BOUNCE, 10, bounce(None, None), C.HARD_BOUNCE),
]


@pytest.mark.parametrize(("reason", "days", "evidence", "expected"), CLASSIFICATION_TABLE)
def test_classification_table(
    reason: SuppressionReason, days: int, evidence: Evidence | None, expected: SuppressionClass
) -> None:
    # GIVEN an entry listed `days` ago with that evidence WHEN classified with the default 180 days
    result = classify_suppression(entry(reason, days), evidence, NOW, stale_days=180)
    # THEN it lands in the documented class
    assert result is expected


def test_every_class_is_reachable_from_the_table() -> None:
    assert {row[3] for row in CLASSIFICATION_TABLE} == set(SuppressionClass)


def test_stale_days_is_honoured() -> None:
    assert classify_suppression(entry(days_listed=31), None, NOW, stale_days=30) is C.STALE
    assert classify_suppression(entry(days_listed=29), None, NOW, stale_days=30) is C.NO_EVIDENCE


@pytest.mark.parametrize(
    ("days", "label"),
    [
        (0, "<7d"),
        (6, "<7d"),
        (7, "7-30d"),
        (29, "7-30d"),
        (30, "30-90d"),
        (90, "90-180d"),
        (180, "180-365d"),
        (364, "180-365d"),
        (365, ">=365d"),
        (5000, ">=365d"),
    ],
)
def test_age_buckets(days: int, label: str) -> None:
    assert age_bucket(days) == label


def test_summary_counts_by_class_reason_and_age_bucket() -> None:
    # GIVEN three audited entries in two classes
    summary = AuditSummary()
    summary.add(audit_entry(entry(days_listed=1), bounce("Permanent", "General"), NOW, 180))
    summary.add(audit_entry(entry(days_listed=40), bounce("Permanent", "NoEmail"), NOW, 180))
    summary.add(audit_entry(entry(COMPLAINT, 2), None, NOW, 180))
    # THEN rows list each (class, reason) with per-bucket counts and totals
    rows = {(k.value, r.value): (buckets, total) for k, r, buckets, total in summary.rows()}
    assert rows[("hard-bounce", "BOUNCE")][1] == 2
    assert rows[("hard-bounce", "BOUNCE")][0]["<7d"] == 1
    assert rows[("hard-bounce", "BOUNCE")][0]["30-90d"] == 1
    assert rows[("complaint", "COMPLAINT")] == ({label: int(label == "<7d") for label, _ in AGE_BUCKETS}, 1)
    assert summary.total == 3
    assert summary.by_class()["hard-bounce"] == 2
    assert summary.as_record()["by_class"]["stale"] == 0


@pytest.mark.parametrize("raw", ["jane@example.com", "Jane.Doe+tag@mail.example.co.uk", " x@example.org "])
def test_valid_addresses(raw: str) -> None:
    assert validate_address(raw) == raw.strip()


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "jane",
        "jane@",
        "@example.com",
        "jane@example",
        "ja ne@example.com",
        "a@b@example.com",
        "x" * 65 + "@example.com",
    ],
)
def test_invalid_addresses(raw: str) -> None:
    with pytest.raises(InvalidInputError, match="invalid email address"):
        validate_address(raw)


def test_parse_classes() -> None:
    assert parse_classes("soft-bounce, STALE") == {C.SOFT_BOUNCE, C.STALE}
    with pytest.raises(InvalidInputError, match="unknown class soft: choose from hard-bounce"):
        parse_classes("soft")
    with pytest.raises(InvalidInputError, match="at least one class"):
        parse_classes(" , ")


def test_parse_time_formats() -> None:
    assert parse_time("2026-01-31", NOW) == datetime(2026, 1, 31, tzinfo=UTC)
    assert parse_time("2026-01-31T10:00:00Z", NOW) == datetime(2026, 1, 31, 10, tzinfo=UTC)
    assert parse_time("2026-01-31T10:00:00+02:00", NOW) == datetime(2026, 1, 31, 8, tzinfo=UTC)
    assert parse_time("30d", NOW) == NOW - timedelta(days=30)
    with pytest.raises(InvalidInputError, match="invalid date '31/01/2026'"):
        parse_time("31/01/2026", NOW)

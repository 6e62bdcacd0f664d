"""Evidence lookup against a moto DynamoDB table whose key schema and index come from schema.py."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from sesmail.events.parse import parse_ses_record
from sesmail.events.store import to_item
from sesmail.suppression.evidence import (
    LISTING_SKEW,
    QUERY_PAGE_SIZE,
    latest_bounce_or_complaint,
)
from suppression_fixtures import (
    create_event_table,
    put_complaint,
    put_event,
    put_hard_bounce,
    put_soft_bounce,
    put_suppression_bounce,
)


@pytest.fixture
def dynamodb() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("dynamodb", region_name="us-east-1")


def test_newest_bounce_or_complaint_wins_and_other_events_are_ignored(dynamodb: Any) -> None:
    # GIVEN a recipient with an old hard bounce, a newer complaint and an even newer delivery
    table = create_event_table(dynamodb)
    put_hard_bounce(dynamodb, table, "jane@example.com", "2026-10-01T08:00:00.000Z", "m-bounce")
    put_complaint(dynamodb, table, "jane@example.com", "2026-10-05T09:30:00.123Z", "m-complaint")
    put_event(
        dynamodb,
        table,
        recipient="jane@example.com",
        event_at="2026-10-06T00:00:00.000Z",
        event_type="Delivery",
        message_id="m-delivery",
    )
    # WHEN the evidence is looked up (address case does not matter: the index key is lower-cased)
    evidence = latest_bounce_or_complaint(dynamodb, table, "Jane@Example.com")
    # THEN it is the complaint, with its attributes
    assert evidence is not None
    assert evidence.event_type == "Complaint"
    assert evidence.complaint_feedback_type == "abuse"
    assert evidence.message_id == "m-complaint"
    assert evidence.event_at == datetime(2026, 10, 5, 9, 30, 0, 123000, tzinfo=UTC)


def test_cause_of_the_listing_wins_over_later_suppression_bounces(dynamodb: Any) -> None:
    # GIVEN a complaint that got the address listed, then two sends SES refused because it is listed
    table = create_event_table(dynamodb)
    put_complaint(dynamodb, table, "ann@example.com", "2026-10-01T08:00:00.000Z", "m-complaint")
    put_suppression_bounce(dynamodb, table, "ann@example.com", "2026-10-02T08:00:00.000Z", "m-s1")
    put_suppression_bounce(dynamodb, table, "ann@example.com", "2026-10-03T08:00:00.000Z", "m-s2")
    # WHEN the evidence is looked up
    evidence = latest_bounce_or_complaint(dynamodb, table, "ann@example.com")
    # THEN it is the complaint (the cause), not the newer suppression bounces (the consequence)
    assert evidence is not None
    assert (evidence.event_type, evidence.message_id) == ("Complaint", "m-complaint")


def test_only_suppression_bounces_stored_gives_the_newest_of_them(dynamodb: Any) -> None:
    table = create_event_table(dynamodb)
    put_suppression_bounce(dynamodb, table, "old@example.com", "2026-10-02T08:00:00.000Z", "m-s1")
    put_suppression_bounce(dynamodb, table, "old@example.com", "2026-10-03T08:00:00.000Z", "m-s2")
    evidence = latest_bounce_or_complaint(dynamodb, table, "old@example.com")
    assert evidence is not None
    assert (evidence.bounce_subtype, evidence.message_id) == ("OnAccountSuppressionList", "m-s2")


def test_bounce_attributes_are_read_from_the_index(dynamodb: Any) -> None:
    table = create_event_table(dynamodb)
    put_hard_bounce(dynamodb, table, "bob@example.com", "2026-11-01T10:00:00.000Z", "m-1")
    evidence = latest_bounce_or_complaint(dynamodb, table, "bob@example.com")
    assert evidence is not None
    assert (evidence.bounce_type, evidence.bounce_subtype, evidence.status_code) == (
        "Permanent",
        "General",
        "5.1.1",
    )
    assert evidence.diagnostic_code == "smtp; 550 5.1.1 user unknown"
    assert evidence.describe() == "Bounce Permanent/General"


def test_bounce_behind_more_than_a_page_of_other_events_is_found(dynamodb: Any) -> None:
    # GIVEN a bounce followed by more non-evidence events than one query page holds
    table = create_event_table(dynamodb)
    put_hard_bounce(dynamodb, table, "busy@example.com", "2026-09-01T00:00:00.000Z", "m-old")
    for n in range(QUERY_PAGE_SIZE + 5):
        put_event(
            dynamodb,
            table,
            recipient="busy@example.com",
            event_at=f"2026-09-02T00:00:{n:02d}.000Z",
            event_type="Open",
            message_id=f"m-open-{n}",
        )
    # THEN the lookup pages on until it finds the bounce
    evidence = latest_bounce_or_complaint(dynamodb, table, "busy@example.com")
    assert evidence is not None
    assert evidence.message_id == "m-old"


def test_no_stored_events_means_no_evidence(dynamodb: Any) -> None:
    table = create_event_table(dynamodb)
    put_event(
        dynamodb,
        table,
        recipient="other@example.com",
        event_at="2026-09-02T00:00:00.000Z",
        event_type="Delivery",
    )
    assert latest_bounce_or_complaint(dynamodb, table, "nobody@example.com") is None
    assert latest_bounce_or_complaint(dynamodb, table, "other@example.com") is None


EVENTS = Path(__file__).parent / "events"


@pytest.mark.parametrize(
    ("fixture", "address", "expected"),
    [
        (
            "ses_bounce_permanent_multi.json",
            "Carol@Example.net",
            ("Bounce", "Permanent", "General", "5.1.1", None),
        ),
        ("ses_complaint_multi.json", "grace@example.org", ("Complaint", None, None, None, "abuse")),
    ],
)
def test_evidence_reads_what_the_persister_stores(
    dynamodb: Any, fixture: str, address: str, expected: tuple[str | None, ...]
) -> None:
    # GIVEN a real-shape SES event parsed and turned into items by the persister's own code
    table = create_event_table(dynamodb)
    for event in parse_ses_record(json.loads((EVENTS / fixture).read_text())):
        dynamodb.put_item(TableName=table, Item=to_item(event, retention_seconds=90 * 86400))
    # WHEN the audit looks up evidence for one of its recipients
    evidence = latest_bounce_or_complaint(dynamodb, table, address)
    # THEN the attributes it reads are the ones the persister wrote
    assert evidence is not None
    found = (
        evidence.event_type,
        evidence.bounce_type,
        evidence.bounce_subtype,
        evidence.status_code,
        evidence.complaint_feedback_type,
    )
    assert found == expected
    assert evidence.message_id


# --- evidence is tied to the listing (issue 13, item 7) ---------------------------------------------

LISTED_AT = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)


def format_event_at(moment: datetime) -> str:
    """The stored ``event_at`` form (ISO-8601 UTC, milliseconds, "Z")."""
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@pytest.mark.parametrize(
    ("put_later", "expected"),
    [
        # a later transient bounce must not turn the hard-bounce listing into a removal candidate
        (put_soft_bounce, ("Bounce", "m-hard")),
        # a later complaint still counts (complaints lag the mail): later events may make an entry
        # safer to keep, never removable
        (put_complaint, ("Complaint", "m-later")),
    ],
)
def test_only_a_complaint_after_the_listing_replaces_its_evidence(
    dynamodb: Any, put_later: Callable[..., None], expected: tuple[str, str]
) -> None:
    # GIVEN an address listed for a hard bounce, then (two days later) another event stored for it
    table = create_event_table(dynamodb)
    put_hard_bounce(dynamodb, table, "jo@example.com", "2026-10-01T07:59:58.000Z", "m-hard")
    put_later(dynamodb, table, "jo@example.com", "2026-10-03T08:00:00.000Z", "m-later")
    # WHEN the evidence for that listing is looked up
    evidence = latest_bounce_or_complaint(dynamodb, table, "jo@example.com", listed_at=LISTED_AT)
    # THEN it is the bounce that caused the listing, unless the later event is a complaint
    assert evidence is not None
    assert (evidence.event_type, evidence.message_id) == expected


def test_events_within_the_skew_after_the_listing_count_and_later_ones_do_not(dynamodb: Any) -> None:
    table = create_event_table(dynamodb)
    inside = LISTED_AT + LISTING_SKEW
    put_hard_bounce(dynamodb, table, "sk@example.com", format_event_at(inside), "m-inside")
    put_hard_bounce(
        dynamodb, table, "sk@example.com", format_event_at(inside + timedelta(milliseconds=1)), "m-out"
    )
    evidence = latest_bounce_or_complaint(dynamodb, table, "sk@example.com", listed_at=LISTED_AT)
    assert evidence is not None
    assert evidence.message_id == "m-inside"
    # only later events stored: nothing explains this listing
    assert (
        latest_bounce_or_complaint(dynamodb, table, "sk@example.com", listed_at=LISTED_AT - timedelta(days=1))
        is None
    )

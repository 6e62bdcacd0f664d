"""The status fold: precedence, flags, timeline, and independence from arrival order (pure)."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sesevents import SES_FIXTURES, load_ses, raw_body
from sesmail.events.models import MESSAGE_LEVEL, RecipientEvent
from sesmail.events.parse import parse_sqs_body
from sesmail.events.status import STATUS_PRECEDENCE, event_status, fold_message, fold_recipient

MESSAGE = "0102019062a1b2c3-test-000000"


def event(event_type: str, at: str, **fields: str) -> RecipientEvent:
    return RecipientEvent(
        message_id=MESSAGE,
        recipient="alice@example.com",
        event_type=event_type,
        event_at=f"2024-07-01T10:00:{at}.000Z",
        **fields,
    )


SEND = event("Send", "00")
DELAY = event("DeliveryDelay", "05", delay_type="MailboxFull")
DELIVERY = event("Delivery", "10", smtp_response="250 ok")
OPEN = event("Open", "20")
CLICK = event("Click", "21", link="https://www.example.org/x")
HARD_BOUNCE = event(
    "Bounce",
    "30",
    bounce_type="Permanent",
    bounce_subtype="General",
    feedback_id="fb1",
    diagnostic_code="smtp; 550 5.1.1 user unknown",
    status_code="5.1.1",
)
SOFT_BOUNCE = event("Bounce", "31", bounce_type="Transient", bounce_subtype="MailboxFull", feedback_id="fb2")
SUPPRESSED = event(
    "Bounce", "01", bounce_type="Permanent", bounce_subtype="OnAccountSuppressionList", feedback_id="fb3"
)
COMPLAINT = event("Complaint", "40", complaint_feedback_type="abuse", feedback_id="fb4")
REJECT = event("Reject", "00", reject_reason="Bad content")
RENDERING = event("RenderingFailure", "00", failure_message="Attribute 'x' is not present")
SUBSCRIPTION = event("Subscription", "50", contact_list="Newsletters")
UNKNOWN = event("Quarantine", "51", detail='{"reason":"x"}')
ALL = [
    SEND,
    DELAY,
    DELIVERY,
    OPEN,
    CLICK,
    HARD_BOUNCE,
    SOFT_BOUNCE,
    SUPPRESSED,
    COMPLAINT,
    REJECT,
    RENDERING,
    SUBSCRIPTION,
    UNKNOWN,
]


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        ([SEND], "sent"),
        ([SEND, DELAY], "delayed"),
        ([SEND, DELAY, DELIVERY], "delivered"),
        ([OPEN, CLICK], "unknown"),  # SES cannot say which recipient opened: no recipient status
        ([SEND, OPEN, CLICK], "sent"),  # an Open never makes a recipient "delivered"
        ([SEND, DELIVERY, HARD_BOUNCE], "bounced"),  # asynchronous bounce after acceptance
        ([SEND, DELIVERY, SOFT_BOUNCE], "soft_bounced"),
        ([SEND, SUPPRESSED], "suppressed"),
        ([SEND, DELIVERY, COMPLAINT], "complained"),
        ([REJECT], "rejected"),
        ([RENDERING], "rendering_failed"),
        ([SUBSCRIPTION, UNKNOWN], "unknown"),
        (ALL, "complained"),
    ],
)
def test_status_precedence(events: list[RecipientEvent], expected: str) -> None:
    assert fold_recipient(events).status == expected


def test_precedence_table_lists_every_status_an_event_can_imply() -> None:
    assert {event_status(e) for e in ALL} == set(STATUS_PRECEDENCE)


def test_flags_reason_and_timeline() -> None:
    # GIVEN a message sent, delivered, subscription changed, then hard-bounced, arriving out of order
    status = fold_recipient([HARD_BOUNCE, SUBSCRIPTION, SEND, DELIVERY])
    # THEN flags and the deciding reason are set, and the timeline is in time order
    assert status.subscription_changed
    assert status.reason == "Permanent/General 5.1.1 smtp; 550 5.1.1 user unknown"
    assert [e.event_type for e in status.timeline] == ["Send", "Delivery", "Bounce", "Subscription"]


def test_opens_and_clicks_show_at_message_level_and_change_no_recipient() -> None:
    # GIVEN a message to two recipients, one delivered, and an Open and a Click SES cannot attribute
    bob = dataclasses.replace(SEND, recipient="bob@example.com")
    opened = dataclasses.replace(OPEN, recipient=MESSAGE_LEVEL)
    clicked = dataclasses.replace(CLICK, recipient=MESSAGE_LEVEL)
    # AND an Open stored per recipient before issue 13 (one copy per recipient)
    legacy_open = dataclasses.replace(OPEN, recipient="bob@example.com")
    # WHEN folded
    status = fold_message(MESSAGE, [SEND, DELIVERY, bob, opened, clicked, legacy_open])
    # THEN each recipient keeps the status of its own events, and the message shows the engagement once
    assert status is not None
    assert [(r.recipient, r.status) for r in status.recipients] == [
        ("alice@example.com", "delivered"),
        ("bob@example.com", "sent"),
    ]
    assert (status.opened, status.clicked) == (True, True)
    assert [(e.event_type, e.recipient) for e in status.engagement] == [("Open", "*"), ("Click", "*")]
    assert all(e.event_type not in {"Open", "Click"} for r in status.recipients for e in r.timeline)


def test_a_message_with_only_an_open_is_found() -> None:
    status = fold_message(MESSAGE, [dataclasses.replace(OPEN, recipient=MESSAGE_LEVEL)])
    assert status is not None
    assert (status.recipients, status.opened, status.clicked) == ((), True, False)


def test_duplicates_collapse_in_the_timeline() -> None:
    assert len(fold_recipient([DELIVERY, DELIVERY, SEND, SEND]).timeline) == 2


@settings(max_examples=200, deadline=None)
@given(st.permutations(ALL), st.lists(st.sampled_from(ALL), max_size=6))
def test_any_arrival_order_and_duplication_gives_the_same_status(
    order: list[RecipientEvent], duplicates: list[RecipientEvent]
) -> None:
    assert fold_recipient([*order, *duplicates]) == fold_recipient(ALL)


@settings(max_examples=50, deadline=None)
@given(st.randoms(use_true_random=False))
def test_shuffled_fixture_events_give_identical_message_statuses(rng: object) -> None:
    # GIVEN every fixture's events re-labelled as one message with three recipients
    events = []
    for index, name in enumerate(SES_FIXTURES):
        for e in parse_sqs_body(raw_body(load_ses(name))):
            events.append(dataclasses.replace(e, message_id=MESSAGE, recipient=f"r{index % 3}@example.com"))
    shuffled = list(events)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    # THEN the folded message status does not depend on the order
    assert fold_message(MESSAGE, shuffled) == fold_message(MESSAGE, events)


def test_fold_message_of_nothing_is_none() -> None:
    assert fold_message(MESSAGE, []) is None


def test_multi_recipient_bounce_gives_each_recipient_its_own_status() -> None:
    events = parse_sqs_body(raw_body(load_ses("bounce_permanent_multi")))
    status = fold_message(events[0].message_id, events)
    assert status is not None
    assert [(r.recipient, r.status) for r in status.recipients] == [
        ("bob@example.net", "bounced"),
        ("carol@example.net", "bounced"),
    ]
    assert status.configuration_set == "transactional"

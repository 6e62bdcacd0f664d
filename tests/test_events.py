"""Parsing of SES event records (pure: no AWS, no moto)."""

from __future__ import annotations

import json

import pytest

from sesevents import SES_FIXTURES, body_in_shape, load_ses, raw_body, sns_envelope
from sesmail.events.models import (
    IDENTITY_NOTIFICATION,
    KNOWN_EVENT_TYPES,
    MESSAGE_LEVEL,
    MalformedEventError,
)
from sesmail.events.parse import normalise_address, parse_sqs_body

SHAPES = ("raw", "sns_envelope")

# fixture -> (event type, recipients fanned out to)
EXPECTED = {
    "send": ("Send", ["alice@example.com"]),
    "delivery": ("Delivery", ["alice@example.com"]),
    "bounce_permanent_multi": ("Bounce", ["bob@example.net", "carol@example.net"]),
    "bounce_suppressed": ("Bounce", ["erin@example.com"]),
    "complaint_multi": ("Complaint", ["frank@example.org", "grace@example.org"]),
    "reject": ("Reject", ["heidi@example.com"]),
    "open": ("Open", ["*"]),  # SES cannot tell which recipient opened: stored once per message
    "click": ("Click", ["*"]),
    "rendering_failure": ("RenderingFailure", ["mallory@example.com"]),
    "delivery_delay": ("DeliveryDelay", ["niaj@example.com"]),
    "subscription": ("Subscription", ["olivia@example.com"]),
    "notification_bounce": ("Bounce", ["peggy@example.com", "trent@example.com"]),
    "notification_complaint": ("Complaint", ["victor@example.com"]),
    "notification_delivery": ("Delivery", ["walter@example.com"]),
    "unknown_future_type": ("Quarantine", ["zoe@example.com"]),
}


def test_every_fixture_has_an_expectation() -> None:
    assert sorted(EXPECTED) == SES_FIXTURES
    assert {t for t, _ in EXPECTED.values()} >= KNOWN_EVENT_TYPES


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("fixture", SES_FIXTURES)
def test_each_event_type_fans_out_to_the_affected_recipients(fixture: str, shape: str) -> None:
    # GIVEN an SES record of this type delivered in this SQS body shape
    record = load_ses(fixture)
    # WHEN it is parsed
    events = parse_sqs_body(body_in_shape(record, shape))
    # THEN one event per affected recipient, with the record's message id and canonical type
    event_type, recipients = EXPECTED[fixture]
    assert [e.recipient for e in events] == recipients
    assert {e.event_type for e in events} == {event_type}
    assert {e.message_id for e in events} == {record["mail"]["messageId"]}


def test_both_shapes_parse_to_identical_events() -> None:
    for fixture in SES_FIXTURES:
        record = load_ses(fixture)
        assert parse_sqs_body(raw_body(record)) == parse_sqs_body(sns_envelope(record))


def test_bounce_keeps_what_support_needs_per_recipient() -> None:
    bob, carol = parse_sqs_body(raw_body(load_ses("bounce_permanent_multi")))
    assert (bob.bounce_type, bob.bounce_subtype, bob.status_code) == ("Permanent", "General", "5.1.1")
    assert bob.diagnostic_code == "smtp; 550 5.1.1 user unknown"
    assert carol.diagnostic_code is not None and "Recipient address rejected" in carol.diagnostic_code
    assert bob.event_at == "2024-07-01T10:00:02.669Z"
    assert bob.sent_at == "2024-07-01T10:00:00.120Z"
    assert bob.feedback_id == "0102019062a1b2c3-61b59c11-9236-11e6-8f96-7be8aexample-000000"
    assert bob.configuration_set == "transactional"
    assert bob.tags == {"campaign": "invoices"}  # ses:* metadata tags are not kept
    assert bob.subject is None  # STORE_SUBJECT defaults to false


def test_subject_is_kept_only_when_enabled() -> None:
    (event,) = parse_sqs_body(raw_body(load_ses("delivery")), store_subject=True)
    assert event.subject == "Your invoice 2024-07"


@pytest.mark.parametrize(
    ("fixture", "field", "value"),
    [
        ("complaint_multi", "complaint_feedback_type", "abuse"),
        ("delivery", "smtp_response", "250 2.6.0 Message received"),
        ("delivery_delay", "delay_type", "TransientCommunicationFailure"),
        ("delivery_delay", "diagnostic_code", "smtp; 421 4.4.1 Unable to connect to remote host"),
        ("reject", "reject_reason", "Bad content"),
        (
            "rendering_failure",
            "failure_message",
            "Attribute 'invoice_total' is not present in the rendering data.",
        ),
        ("rendering_failure", "template_name", "InvoiceTemplate"),
        ("click", "link", "https://www.example.org/invoices/2024-07"),
        ("subscription", "contact_list", "Newsletters"),
        ("bounce_suppressed", "bounce_subtype", "OnAccountSuppressionList"),
        ("notification_bounce", "bounce_type", "Transient"),
    ],
)
def test_type_specific_fields(fixture: str, field: str, value: str) -> None:
    event = parse_sqs_body(raw_body(load_ses(fixture)))[0]
    assert getattr(event, field) == value


def test_event_time_comes_from_the_detail_or_else_the_mail() -> None:
    # Send, Reject and Rendering Failure carry no timestamp of their own: the mail's is used.
    for fixture in ("send", "reject", "rendering_failure"):
        (event,) = parse_sqs_body(raw_body(load_ses(fixture)))
        assert event.event_at == "2024-07-01T10:00:00.120Z"
    (opened,) = parse_sqs_body(raw_body(load_ses("open")))
    assert opened.event_at == "2024-07-01T11:02:03.456Z"


def test_identity_notifications_are_marked_and_have_no_configuration_set() -> None:
    events = parse_sqs_body(raw_body(load_ses("notification_bounce")))
    assert {e.origin for e in events} == {IDENTITY_NOTIFICATION}
    assert {e.configuration_set for e in events} == {None}


def test_unknown_event_type_is_stored_generically_with_its_detail() -> None:
    (event,) = parse_sqs_body(raw_body(load_ses("unknown_future_type")))
    assert event.event_type == "Quarantine"
    assert event.event_at == "2024-07-04T00:00:00.000Z"
    assert event.detail is not None and json.loads(event.detail)["reason"] == "Held for review"


def test_timestamps_are_normalised_to_utc_milliseconds() -> None:
    record = load_ses("open")
    record["open"]["timestamp"] = "2024-07-01T13:02:03+02:00"
    (event,) = parse_sqs_body(raw_body(record))
    assert event.event_at == "2024-07-01T11:02:03.000Z"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("not json", "not valid JSON"),
        ("[1, 2]", "not an object"),
        ('{"Type": "Notification", "Message": "{oops"}', "SNS Message is not valid JSON"),
        ('{"foo": 1}', "neither eventType nor notificationType"),
        ('{"eventType": "Send"}', "no 'mail' object"),
        ('{"eventType": "Send", "mail": {"timestamp": "2024-07-01T10:00:00.000Z"}}', "mail.messageId"),
        (
            '{"eventType": "Bounce", "mail": {"messageId": "m", "timestamp": "2024-07-01T10:00:00.000Z"},'
            ' "bounce": {"bouncedRecipients": []}}',
            "lists no recipients",
        ),
        (
            '{"eventType": "Send",'
            ' "mail": {"messageId": "m", "timestamp": "yesterday", "destination": ["a@b.c"]}}',
            "not an ISO-8601 timestamp",
        ),
        (
            '{"eventType": "Send", "mail": {"messageId": "m", "timestamp": "2024-07-01T10:00:00.000Z",'
            ' "destination": ["not-an-address"]}}',
            "not an email address",
        ),
    ],
)
def test_malformed_bodies_raise_one_clear_error(body: str, reason: str) -> None:
    with pytest.raises(MalformedEventError, match=reason):
        parse_sqs_body(body)


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("Alice@Example.COM", "alice@example.com"),
        ("  bob@example.net ", "bob@example.net"),
        ("Carol Example <Carol@Example.net>", "carol@example.net"),
    ],
)
def test_normalise_address(raw: str, normalised: str) -> None:
    assert normalise_address(raw) == normalised


def _delivery_with(**changes: object) -> str:
    record = load_ses("delivery")
    for path, value in changes.items():
        target = record
        *parents, leaf = path.split("__")
        for parent in parents:
            target = target[parent]
        target[leaf] = value
    return raw_body(record)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (_delivery_with(delivery__timestamp="2024-13-45T99:99:99.999Z"), "not an ISO-8601"),
        (_delivery_with(mail__timestamp="2024-02-30T10:00:00.000Z"), "not an ISO-8601"),
        ('{"mail": ' * 100_000 + "{}" + "}" * 100_000, "nested too deeply"),
        (_delivery_with(mail__messageId="m" * 2100), "too long"),
        (_delivery_with(delivery__recipients=["a" * 1000 + "@example.com"]), "too long"),
        (_delivery_with(delivery__recipients=["\udc80bad@example.com"]), "not valid UTF-8"),
        (_delivery_with(mail__messageId="id-\ud800"), "not valid UTF-8"),
        (_delivery_with(delivery__recipients=["@example.com"]), "not an email address"),
    ],
    ids=[
        "bad-date",
        "bad-mail-date",
        "deep",
        "long-id",
        "long-address",
        "surrogate",
        "surrogate-id",
        "empty",
    ],
)
def test_what_becomes_a_key_is_validated_at_parse_time(body: str, reason: str) -> None:
    # GIVEN a record whose key material would make DynamoDB (or the item build) fail
    # WHEN parsed THEN it is rejected as malformed, with a reason, before any write
    with pytest.raises(MalformedEventError, match=reason):
        parse_sqs_body(body)


def test_invalid_utf8_in_free_text_is_replaced_not_fatal() -> None:
    body = _delivery_with(delivery__smtpResponse="250 ok \udcff")
    (event,) = parse_sqs_body(body)
    assert event.smtp_response == "250 ok \ufffd"
    assert event.smtp_response.encode("utf-8")


@pytest.mark.parametrize("fixture", ["open", "click"])
def test_open_and_click_are_one_message_level_event_however_many_recipients(fixture: str) -> None:
    # GIVEN an Open/Click of a message sent to three recipients
    record = load_ses(fixture)
    record["mail"]["destination"] = ["a@example.com", "b@example.com", "c@example.com"]
    # WHEN parsed THEN one event, attributed to no recipient
    (event,) = parse_sqs_body(raw_body(record))
    assert event.recipient == MESSAGE_LEVEL

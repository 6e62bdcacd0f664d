"""The local SESv2 stand-in, exercised only through real botocore clients (which parse and validate
every response against the SESv2 service model) and through the event records it publishes."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from sesmail_local.ses_standin import SesStandIn
from sesmail_local.simulator import SUPPRESSION_DIAGNOSTIC, SuppressionReason

pytestmark = pytest.mark.integration

TOPIC = "arn:aws:sns:us-east-1:123456789012:ses-local-events"
CONFIG_SET = "transactional"
SIM = "simulator.amazonses.com"


class Published:
    def __init__(self) -> None:
        self.records: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, topic: str, record: dict[str, Any]) -> None:
        self.records.append((topic, record))

    def for_message(self, message_id: str) -> list[dict[str, Any]]:
        return [r for _, r in self.records if r["mail"]["messageId"] == message_id]


@pytest.fixture
def published() -> Published:
    return Published()


@pytest.fixture
def standin(published: Published) -> Iterator[SesStandIn]:
    with SesStandIn(topics={CONFIG_SET: TOPIC}, publish=published) as server:
        yield server


@pytest.fixture
def ses(standin: SesStandIn) -> Any:
    return boto3.client("sesv2", endpoint_url=standin.endpoint_url, region_name="us-east-1")


def send(ses: Any, to: str, **extra: Any) -> str:
    message_id: str = ses.send_email(
        FromEmailAddress="Shop <orders@mail.example.com>",
        Destination={"ToAddresses": [to]},
        Content={"Simple": {"Subject": {"Data": "Your order"}, "Body": {"Text": {"Data": "Thanks"}}}},
        ConfigurationSetName=CONFIG_SET,
        EmailTags=[{"Name": "campaign", "Value": "receipt"}],
        **extra,
    )["MessageId"]
    return message_id


def event_summary(records: list[dict[str, Any]]) -> list[str]:
    summary = []
    for record in records:
        kind = record["eventType"]
        if kind == "Bounce":
            kind += f"/{record['bounce']['bounceType']}/{record['bounce']['bounceSubType']}"
        summary.append(kind)
    return summary


def suppressed(ses: Any, address: str) -> str | None:
    try:
        reason: str = ses.get_suppressed_destination(EmailAddress=address)["SuppressedDestination"]["Reason"]
    except ses.exceptions.NotFoundException:
        return None
    return reason


# --- mailbox simulator ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("recipient", "expected"),
    [
        (f"success@{SIM}", ["Send", "Delivery"]),
        (f"ooto@{SIM}", ["Send", "Delivery"]),
        (f"bounce@{SIM}", ["Send", "Bounce/Permanent/General"]),
        (f"complaint@{SIM}", ["Send", "Delivery", "Complaint"]),
        (f"suppressionlist@{SIM}", ["Send", "Bounce/Permanent/OnAccountSuppressionList"]),
        (f"bounce+newsletter@{SIM}", ["Send", "Bounce/Permanent/General"]),
        (f"Complaint+X@{SIM.upper()}", ["Send", "Delivery", "Complaint"]),
    ],
)
def test_simulator_addresses_publish_the_simulator_events(
    ses: Any, published: Published, recipient: str, expected: list[str]
) -> None:
    # GIVEN a simulator address (plain, +label or upper-case)
    # WHEN a service sends to it with a configuration set
    message_id = send(ses, recipient)
    # THEN the configuration set's topic receives exactly the simulator's events, in order
    records = published.for_message(message_id)
    assert event_summary(records) == expected
    assert {topic for topic, _ in published.records} == {TOPIC}
    # AND simulator addresses never enter the account suppression list (as in SES)
    assert suppressed(ses, recipient) is None


def test_records_have_the_ses_event_publishing_shape(ses: Any, published: Published) -> None:
    # GIVEN / WHEN a send that bounces
    message_id = send(ses, f"bounce+shape@{SIM}")
    send_event, bounce_event = published.for_message(message_id)
    # THEN the mail object carries every field SES publishes, tags as lists
    mail = send_event["mail"]
    assert set(mail) == {
        "timestamp", "source", "sourceArn", "sendingAccountId", "messageId", "destination",
        "headersTruncated", "headers", "commonHeaders", "tags",
    }  # fmt: skip
    assert mail["messageId"] == message_id and mail["commonHeaders"]["messageId"] == message_id
    assert mail["destination"] == [f"bounce+shape@{SIM}"]
    assert mail["sourceArn"] == "arn:aws:ses:us-east-1:123456789012:identity/mail.example.com"
    assert mail["tags"]["ses:configuration-set"] == [CONFIG_SET]
    assert mail["tags"]["ses:operation"] == ["SendEmail"]
    assert mail["tags"]["ses:from-domain"] == ["mail.example.com"]
    assert mail["tags"]["campaign"] == ["receipt"]
    assert mail["commonHeaders"]["subject"] == "Your order"
    assert {"name": "Subject", "value": "Your order"} in mail["headers"]
    assert send_event["send"] == {}
    # AND the bounce detail is a 5.1.1 hard bounce, after the send
    bounce = bounce_event["bounce"]
    assert bounce["bouncedRecipients"] == [
        {
            "emailAddress": f"bounce+shape@{SIM}",
            "action": "failed",
            "status": "5.1.1",
            "diagnosticCode": "smtp; 550 5.1.1 user unknown",
        }
    ]
    assert bounce["timestamp"] > mail["timestamp"]
    assert bounce["feedbackId"].endswith("-000000")


def test_complaint_and_delivery_details(ses: Any, published: Published) -> None:
    message_id = send(ses, f"complaint@{SIM}")
    _, delivery, complaint = published.for_message(message_id)
    assert delivery["delivery"]["recipients"] == [f"complaint@{SIM}"]
    assert delivery["delivery"]["smtpResponse"].startswith("250 ")
    assert delivery["delivery"]["processingTimeMillis"] >= 400
    assert complaint["complaint"]["complaintFeedbackType"] == "abuse"
    assert complaint["complaint"]["complaintSubType"] is None
    assert complaint["complaint"]["complainedRecipients"] == [{"emailAddress": f"complaint@{SIM}"}]
    assert complaint["complaint"]["timestamp"] > delivery["delivery"]["timestamp"]


# --- account suppression list -------------------------------------------------------------------------


def test_customer_hard_bounce_is_suppressed_and_the_next_send_gets_the_suppression_bounce(
    ses: Any, published: Published
) -> None:
    # GIVEN a (non-simulator) address whose mailbox hard-bounces
    address = "bounce+c01@example.com"
    first = send(ses, address)
    # THEN SES's account-level suppression adds it, with the message that caused it
    entry = ses.get_suppressed_destination(EmailAddress=address)["SuppressedDestination"]
    assert entry["Reason"] == "BOUNCE"
    assert entry["Attributes"]["MessageId"] == first
    # WHEN the service sends to it again
    second = send(ses, address)
    # THEN SES accepts the send but bounces it without trying
    records = published.for_message(second)
    assert event_summary(records) == ["Send", "Bounce/Permanent/OnAccountSuppressionList"]
    assert records[1]["bounce"]["bouncedRecipients"][0]["diagnosticCode"] == SUPPRESSION_DIAGNOSTIC


def test_customer_complaint_is_suppressed_as_complaint(ses: Any) -> None:
    send(ses, "complaint+c02@example.com")
    assert suppressed(ses, "COMPLAINT+c02@example.com") == "COMPLAINT"
    assert suppressed(ses, "success+c03@example.com") is None


def test_suppression_follows_the_enabled_reasons(published: Published) -> None:
    # GIVEN an account that suppresses on complaints only
    with SesStandIn(
        topics={CONFIG_SET: TOPIC}, publish=published, suppressed_reasons=[SuppressionReason.COMPLAINT]
    ) as server:
        ses = boto3.client("sesv2", endpoint_url=server.endpoint_url, region_name="us-east-1")
        assert ses.get_account()["SuppressionAttributes"]["SuppressedReasons"] == ["COMPLAINT"]
        send(ses, "bounce+c04@example.com")
        send(ses, "complaint+c05@example.com")
        # THEN hard bounces stay off the list
        assert suppressed(ses, "bounce+c04@example.com") is None
        assert suppressed(ses, "complaint+c05@example.com") == "COMPLAINT"


def test_a_manually_listed_address_gets_the_suppression_bounce(ses: Any, published: Published) -> None:
    ses.put_suppressed_destination(EmailAddress="success+c06@example.com", Reason="COMPLAINT")
    message_id = send(ses, "success+c06@example.com")
    assert event_summary(published.for_message(message_id)) == [
        "Send",
        "Bounce/Permanent/OnAccountSuppressionList",
    ]


def test_put_get_delete_round_trip(ses: Any) -> None:
    before = datetime.now(UTC) - timedelta(seconds=1)
    ses.put_suppressed_destination(EmailAddress="user@example.org", Reason="BOUNCE")
    entry = ses.get_suppressed_destination(EmailAddress="user@example.org")["SuppressedDestination"]
    assert entry["EmailAddress"] == "user@example.org"
    assert entry["LastUpdateTime"] >= before
    assert entry["Attributes"]["FeedbackId"]
    ses.put_suppressed_destination(EmailAddress="user@example.org", Reason="COMPLAINT")  # upsert
    assert suppressed(ses, "user@example.org") == "COMPLAINT"
    ses.delete_suppressed_destination(EmailAddress="user@example.org")
    assert suppressed(ses, "user@example.org") is None
    with pytest.raises(ses.exceptions.NotFoundException):
        ses.delete_suppressed_destination(EmailAddress="user@example.org")


def test_list_pages_through_every_entry_once_even_with_deletes_between_pages(ses: Any) -> None:
    # GIVEN seven listed addresses
    addresses = [f"user{n}@example.org" for n in range(7)]
    for n, address in enumerate(addresses):
        ses.put_suppressed_destination(EmailAddress=address, Reason="BOUNCE" if n % 2 else "COMPLAINT")
    # WHEN an operator pages with PageSize 3 and deletes what each page returned
    seen: list[str] = []
    kwargs: dict[str, Any] = {"PageSize": 3}
    while True:
        page = ses.list_suppressed_destinations(**kwargs)
        batch = [item["EmailAddress"] for item in page["SuppressedDestinationSummaries"]]
        assert len(batch) <= 3
        seen += batch
        for address in batch:
            ses.delete_suppressed_destination(EmailAddress=address)
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    # THEN every entry came exactly once
    assert sorted(seen) == sorted(addresses)


def test_list_filters_by_reason_and_dates(ses: Any) -> None:
    ses.put_suppressed_destination(EmailAddress="a@example.org", Reason="BOUNCE")
    ses.put_suppressed_destination(EmailAddress="b@example.org", Reason="COMPLAINT")
    complaints = ses.list_suppressed_destinations(Reasons=["COMPLAINT"])["SuppressedDestinationSummaries"]
    assert [item["EmailAddress"] for item in complaints] == ["b@example.org"]
    both = ses.list_suppressed_destinations(Reasons=["COMPLAINT", "BOUNCE"])["SuppressedDestinationSummaries"]
    assert len(both) == 2
    future = datetime.now(UTC) + timedelta(hours=1)
    assert ses.list_suppressed_destinations(StartDate=future)["SuppressedDestinationSummaries"] == []
    past = datetime.now(UTC) - timedelta(hours=1)
    assert ses.list_suppressed_destinations(EndDate=past)["SuppressedDestinationSummaries"] == []
    assert (
        len(
            ses.list_suppressed_destinations(StartDate=past, EndDate=future)["SuppressedDestinationSummaries"]
        )
        == 2
    )


# --- errors in the modelled shape ---------------------------------------------------------------------


def error_code(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    code: str = caught.value.response["Error"]["Code"]
    return code


def test_errors_map_to_the_modelled_exceptions(ses: Any) -> None:
    assert (
        error_code(ses.get_suppressed_destination, EmailAddress="nobody@example.org") == "NotFoundException"
    )
    assert (
        error_code(ses.list_suppressed_destinations, NextToken="not-a-token") == "InvalidNextTokenException"
    )
    assert error_code(ses.list_suppressed_destinations, PageSize=0) == "BadRequestException"
    assert error_code(ses.list_suppressed_destinations, PageSize=1001) == "BadRequestException"
    assert error_code(ses.put_suppressed_destination, EmailAddress="x@example.org", Reason="SPAM") == (
        "BadRequestException"
    )
    assert error_code(ses.put_suppressed_destination, EmailAddress="not-an-address", Reason="BOUNCE") == (
        "BadRequestException"
    )
    with pytest.raises(ses.exceptions.NotFoundException, match="Configuration set <missing> does not exist"):
        ses.send_email(
            FromEmailAddress="a@mail.example.com",
            Destination={"ToAddresses": [f"success@{SIM}"]},
            Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}},
            ConfigurationSetName="missing",
        )
    assert (
        error_code(ses.get_configuration_set, ConfigurationSetName=CONFIG_SET) == "UnknownOperationException"
    )


def test_bad_send_requests_are_rejected_without_events(ses: Any, published: Published) -> None:
    base: dict[str, Any] = {
        "FromEmailAddress": "a@mail.example.com",
        "Destination": {"ToAddresses": [f"success@{SIM}"]},
        "Content": {"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}},
        "ConfigurationSetName": CONFIG_SET,
    }
    assert error_code(ses.send_email, **{**base, "Destination": {}}) == "BadRequestException"
    assert error_code(ses.send_email, **{**base, "FromEmailAddress": "nobody"}) == "BadRequestException"
    bad_tag = [{"Name": "has space", "Value": "x"}]
    assert error_code(ses.send_email, **{**base, "EmailTags": bad_tag}) == "BadRequestException"
    template = {"Template": {"TemplateName": "welcome", "TemplateData": "{}"}}
    assert error_code(ses.send_email, **{**base, "Content": template}) == "BadRequestException"
    assert published.records == []


def test_raw_messages_take_recipients_and_headers_from_the_mime_headers(
    ses: Any, published: Published
) -> None:
    raw = (
        b"From: Shop <orders@mail.example.com>\r\nTo: success+raw@simulator.amazonses.com\r\n"
        b"Subject: Raw hello\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nbody\r\n"
    )
    message_id = ses.send_email(Content={"Raw": {"Data": raw}}, ConfigurationSetName=CONFIG_SET)["MessageId"]
    send_event, delivery = published.for_message(message_id)
    assert send_event["mail"]["destination"] == ["success+raw@simulator.amazonses.com"]
    assert send_event["mail"]["commonHeaders"]["subject"] == "Raw hello"
    assert delivery["eventType"] == "Delivery"
    assert base64.b64encode(raw)  # botocore base64-encoded the blob on the wire; the stand-in decoded it


def test_get_account_reports_sending_state_and_counts_sends(ses: Any) -> None:
    send(ses, f"success@{SIM}")
    account = ses.get_account()
    assert account["SendingEnabled"] is True
    assert account["EnforcementStatus"] == "HEALTHY"
    assert account["SendQuota"]["SentLast24Hours"] == 1.0


def test_without_a_configuration_set_nothing_is_published(ses: Any, published: Published) -> None:
    ses.send_email(
        FromEmailAddress="a@mail.example.com",
        Destination={"ToAddresses": [f"success@{SIM}"]},
        Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}},
    )
    assert published.records == []


def test_a_failing_publisher_does_not_fail_the_send(capsys: pytest.CaptureFixture[str]) -> None:
    def broken(topic: str, record: dict[str, Any]) -> None:
        raise ConnectionError("moto is down")

    with SesStandIn(topics={CONFIG_SET: TOPIC}, publish=broken) as server:
        ses = boto3.client("sesv2", endpoint_url=server.endpoint_url, region_name="us-east-1")
        assert send(ses, f"success@{SIM}")
        assert server.state.publish_failures == 2
    assert "publishing a Send event failed: moto is down" in capsys.readouterr().err


def test_port_in_use_is_a_one_line_error(standin: SesStandIn, capsys: pytest.CaptureFixture[str]) -> None:
    from sesmail_local import ses_standin

    port = standin.endpoint_url.rsplit(":", 1)[1]
    code = ses_standin.main(
        ["--port", port, "--sns-endpoint", "http://127.0.0.1:1", "--topic", f"cs={TOPIC}"]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: ")


def test_sns_publisher_delivers_every_record_as_the_sns_message() -> None:
    from moto import mock_aws

    from sesmail_local.ses_standin import SnsPublisher

    with mock_aws():
        # GIVEN a topic with a raw-delivery SQS subscription
        sns, sqs = boto3.client("sns", region_name="us-east-1"), boto3.client("sqs", region_name="us-east-1")
        topic = sns.create_topic(Name="events")["TopicArn"]
        queue = sqs.create_queue(QueueName="events")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
        publisher = SnsPublisher(None, "us-east-1")
        # WHEN 23 records are queued and flushed
        for n in range(23):
            publisher(topic, {"eventType": "Send", "n": n})
        publisher.flush()
        publisher.close()
        # THEN all 23 arrive, each body being one record's JSON
        bodies = []
        while batch := sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", []):
            bodies += [json.loads(m["Body"])["n"] for m in batch]
            sqs.delete_message_batch(
                QueueUrl=queue,
                Entries=[{"Id": m["MessageId"], "ReceiptHandle": m["ReceiptHandle"]} for m in batch],
            )
    assert sorted(bodies) == list(range(23)) and publisher.published == 23 and publisher.failed == 0

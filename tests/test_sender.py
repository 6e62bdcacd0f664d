"""The service sending path: SendEmail parameters validated by botocore's model (Stubber), errors as
domain errors, addresses masked in logs."""

from __future__ import annotations

import logging
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from sesmail.sending.sender import Email, SendError, SesSender, build_send_request

EMAIL = Email(
    from_address="Shop <orders@mail.example.com>",
    to=["jane.doe@example.org"],
    subject="Your receipt",
    text="Thanks",
    html="<p>Thanks</p>",
    tags={"service": "shop", "campaign": "receipt"},
)
MESSAGE_ID = "010001a223ab9ab8-ef81e858-2065-48be-a279-9a3267753422-000000"


@pytest.fixture
def client() -> Any:
    return boto3.client("sesv2", region_name="us-east-1")


def test_send_uses_the_configuration_set_and_tags_and_returns_the_message_id(
    client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # GIVEN SES accepts exactly the request a service should make (Stubber validates it against the model)
    expected = {
        "FromEmailAddress": "Shop <orders@mail.example.com>",
        "Destination": {"ToAddresses": ["jane.doe@example.org"]},
        "Content": {
            "Simple": {
                "Subject": {"Data": "Your receipt", "Charset": "UTF-8"},
                "Body": {
                    "Text": {"Data": "Thanks", "Charset": "UTF-8"},
                    "Html": {"Data": "<p>Thanks</p>", "Charset": "UTF-8"},
                },
            }
        },
        "ConfigurationSetName": "transactional",
        "EmailTags": [{"Name": "campaign", "Value": "receipt"}, {"Name": "service", "Value": "shop"}],
    }
    with Stubber(client) as stub, caplog.at_level(logging.INFO, logger="sesmail.sending.sender"):
        stub.add_response("send_email", {"MessageId": MESSAGE_ID}, expected)
        # WHEN the service sends
        message_id = SesSender("transactional", client).send(EMAIL)
        stub.assert_no_pending_responses()
    # THEN it gets SES's message ID, and the log names the message but not the address
    assert message_id == MESSAGE_ID
    assert MESSAGE_ID in caplog.text and "j***@example.org" in caplog.text
    assert "jane.doe" not in caplog.text


def test_ses_refusal_becomes_a_send_error(client: Any) -> None:
    with Stubber(client) as stub:
        stub.add_client_error("send_email", "MessageRejected", "Email address is not verified.", 400)
        with pytest.raises(SendError) as caught:
            SesSender("transactional", client).send(EMAIL)
    assert caught.value.code == "MessageRejected"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"to": []}, "at least one recipient"),
        ({"to": [f"u{n}@example.org" for n in range(51)]}, "at most 50 recipients"),
        ({"tags": {"campaign": "spring sale"}}, "message tag 'campaign'"),
        ({"tags": {"bad name": "x"}}, "message tag 'bad name'"),
    ],
)
def test_requests_ses_would_reject_are_refused_before_sending(change: dict[str, Any], message: str) -> None:
    email = Email(**{**EMAIL.__dict__, **change})
    with pytest.raises(ValueError, match=message):
        build_send_request(email, "transactional")


def test_text_only_mail_has_no_html_part() -> None:
    email = Email(**{**EMAIL.__dict__, "html": None})
    body = build_send_request(email, "transactional")["Content"]["Simple"]["Body"]
    assert set(body) == {"Text"}

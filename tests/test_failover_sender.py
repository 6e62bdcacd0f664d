"""FailoverSender: real botocore SESv2 clients (requests validated and answers parsed by the model) in
front of fake regions, moto SQS as the outbox."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

import ses_regions as fake
from ses_regions import EMAIL, World, drain, entry_of
from sesmail.sending import metrics
from sesmail.sending.breaker import BreakerPolicy
from sesmail.sending.failover import (
    BULK,
    TRANSACTIONAL,
    FailoverSender,
    PermanentSendError,
    Region,
    Status,
    create_region_client,
)
from sesmail.sending.outbox import EntryState, OutboxError, SqsOutbox
from sesmail.sending.sender import Email


@pytest.fixture
def world() -> Iterator[World]:
    with mock_aws():
        yield World(boto3.client("sqs", region_name="eu-west-1"))


def test_the_primary_sends_with_the_ref_tag_in_a_model_valid_request() -> None:
    # GIVEN a primary whose client is stubbed with the exact request a service should make
    client = create_region_client("eu-west-1")
    expected = {
        "FromEmailAddress": "Shop <orders@mail.example.com>",
        "Destination": {"ToAddresses": ["jane.doe@example.org"]},
        "Content": {
            "Simple": {
                "Subject": {"Data": "Your code", "Charset": "UTF-8"},
                "Body": {"Text": {"Data": "123456", "Charset": "UTF-8"}},
            }
        },
        "ConfigurationSetName": "transactional",
        "EmailTags": [{"Name": "ref", "Value": "order-42_a"}, {"Name": "service", "Value": "shop"}],
    }
    unused = boto3.client("sqs", region_name="eu-west-1")
    sender = FailoverSender([Region("eu-west-1", client)], "transactional", SqsOutbox(unused, "u", "p"))
    with Stubber(client) as stub:
        stub.add_response("send_email", {"MessageId": "m-1"}, expected)
        # WHEN it sends
        result = sender.send(EMAIL, ref="order-42_a", mail_class=TRANSACTIONAL)
        stub.assert_no_pending_responses()
    # THEN the caller gets SES's message ID, the region and one attempt
    assert (result.status, result.message_id, result.region, result.attempts) == (
        Status.SENT,
        "m-1",
        "eu-west-1",
        1,
    )


@pytest.mark.parametrize(
    ("ref", "tags", "message"),
    [
        ("order 42", {}, "ref 'order 42'"),
        ("ordér", {}, "ref 'ordér'"),
        ("", {}, "ref ''"),
        ("x" * 257, {}, "ref 'xxx"),
        ("order-42", {"ref": "other"}, "pass it as ref="),
    ],
)
def test_refs_that_break_ses_tag_rules_are_refused_before_sending(
    world: World, ref: str, tags: dict[str, str], message: str
) -> None:
    email = Email(**{**EMAIL.__dict__, "tags": tags})
    with pytest.raises(ValueError, match=message):
        world.sender().send(email, ref=ref, mail_class=TRANSACTIONAL)
    assert world.primary.calls == 0


def test_transient_errors_are_retried_in_the_primary_first(world: World) -> None:
    world.primary.behaviour = fake.schedule((0, fake.THROTTLED), (world.clock.now + 0.001, fake.UP))
    result = world.sender().send(EMAIL, ref="r1", mail_class=TRANSACTIONAL)
    assert (result.status, result.region, result.attempts) == (Status.SENT, "eu-west-1", 2)
    assert world.standby.calls == 0 and world.count(metrics.FAILOVERS) == 0


def test_a_primary_failing_past_the_retry_budget_fails_over(world: World) -> None:
    world.primary.behaviour = lambda _now: fake.SERVER_ERROR
    result = world.sender().send(EMAIL, ref="r1", mail_class=TRANSACTIONAL)
    assert (result.status, result.region, result.attempts) == (Status.SENT, "eu-central-1", 4)
    assert world.primary.calls == 3 and world.standby.refs() == ["r1"]
    assert world.count(metrics.FAILOVERS) == 1


def test_a_spent_regional_quota_fails_over_without_retrying(world: World) -> None:
    world.primary.behaviour = lambda _now: fake.LIMIT_EXCEEDED
    result = world.sender().send(EMAIL, ref="r1", mail_class=BULK)
    assert (result.region, result.attempts, world.primary.calls) == ("eu-central-1", 2, 1)


def test_a_paused_account_never_fails_over_and_the_mail_waits_in_the_outbox(world: World) -> None:
    world.primary.behaviour = lambda _now: fake.PAUSED
    result = world.sender().send(EMAIL, ref="r1", mail_class=TRANSACTIONAL)
    assert result.status is Status.QUEUED and result.reason == "SendingPausedException"
    assert world.standby.calls == 0
    [queued] = drain(world.sqs, world.queue_url)
    assert queued["ref"] == "r1" and queued["outbox_id"] == result.outbox_id


def test_a_permanent_refusal_raises_and_touches_neither_standby_nor_outbox(world: World) -> None:
    world.primary.behaviour = lambda _now: fake.REJECTED
    with pytest.raises(PermanentSendError) as caught:
        world.sender().send(EMAIL, ref="r1", mail_class=TRANSACTIONAL)
    assert (caught.value.code, caught.value.ref, caught.value.attempts) == ("MessageRejected", "r1", 1)
    assert world.standby.calls == 0 and drain(world.sqs, world.queue_url) == []


@pytest.mark.parametrize("mode", [fake.ACCEPT_THEN_READ_TIMEOUT, fake.CLOSED_MID_RESPONSE])
def test_ambiguous_at_least_once_resends_in_the_standby_and_says_it_may_be_a_duplicate(
    world: World, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    world.primary.behaviour = lambda _now: mode
    with caplog.at_level(logging.WARNING):
        result = world.sender().send(EMAIL, ref="otp-1", mail_class=TRANSACTIONAL)
    assert (result.status, result.region, result.possible_duplicate) == (Status.SENT, "eu-central-1", True)
    # The primary did take it: this is the duplicate the policy allows, and it is recorded.
    assert world.primary.refs() == ["otp-1"] and world.standby.refs() == ["otp-1"]
    assert world.primary.calls == 1  # never resent in the region that may have it
    assert world.count(metrics.POSSIBLE_DUPLICATES) == 1
    assert "possible duplicate" in caplog.text and "jane.doe" not in caplog.text


def test_ambiguous_at_most_once_is_parked_for_review_and_not_resent(world: World) -> None:
    world.primary.behaviour = lambda _now: fake.ACCEPT_THEN_READ_TIMEOUT
    result = world.sender().send(EMAIL, ref="news-1", mail_class=BULK)
    assert (result.status, result.reason) == (Status.PARKED, "ReadTimeoutError")
    assert world.standby.calls == 0 and world.primary.calls == 1
    [parked] = drain(world.sqs, world.parked_url)
    assert parked["state"] == EntryState.AMBIGUOUS.value and parked["possible_duplicate"] is True
    assert parked["_attributes"]["ref"]["StringValue"] == "news-1"
    assert drain(world.sqs, world.queue_url) == []


def test_when_no_region_accepts_the_outbox_holds_the_full_request(world: World) -> None:
    world.primary.behaviour = lambda _now: fake.CONNECT_TIMEOUT
    world.standby.behaviour = lambda _now: fake.SERVER_ERROR
    result = world.sender().send(EMAIL, ref="r9", mail_class=TRANSACTIONAL)
    assert result.status is Status.QUEUED and result.message_id is None
    assert result.outbox_id is not None and result.outbox_id.startswith("outbox-")
    [body] = drain(world.sqs, world.queue_url)
    entry = entry_of(body)
    assert entry.ref == "r9" and entry.attempts == 6 and entry.reason == "ServiceUnavailable"
    assert entry.regions_tried == ["eu-central-1", "eu-west-1"]
    assert entry.first_failed_at == "2026-11-29T09:00:06+00:00"  # after 3 connect timeouts of 2 s
    assert entry.delivery == "at_least_once" and entry.max_age_seconds == timedelta(hours=1).total_seconds()
    assert {"Name": "ref", "Value": "r9"} in entry.request["EmailTags"]
    assert entry.request["ConfigurationSetName"] == "transactional"
    assert world.count(metrics.OUTBOX_QUEUED) == 1


def test_an_open_breaker_stops_paying_the_timeout(world: World) -> None:
    world.primary.behaviour = lambda _now: fake.CONNECT_TIMEOUT
    sender = world.sender(breaker=BreakerPolicy(failure_threshold=2, cool_down_seconds=60.0))
    for number in range(10):
        sender.send(EMAIL, ref=f"r{number}", mail_class=TRANSACTIONAL)
    # Two mails paid 3 connect timeouts each, then the primary was skipped until the cool-down.
    assert world.primary.calls == 6 and len(world.standby.accepted) == 10
    assert world.count(metrics.CIRCUIT_OPENED) == 1
    # After the cool-down one mail probes the primary with a single attempt, fails, the circuit re-opens.
    world.clock.sleep(61.0)
    sender.send(EMAIL, ref="probe-1", mail_class=TRANSACTIONAL)
    sender.send(EMAIL, ref="probe-2", mail_class=TRANSACTIONAL)
    assert world.primary.calls == 7 and world.count(metrics.CIRCUIT_OPENED) == 2
    # When the primary is back, the next probe closes the circuit and mail returns to the primary.
    world.primary.behaviour = lambda _now: fake.UP
    world.clock.sleep(61.0)
    results = [sender.send(EMAIL, ref=f"back-{n}", mail_class=TRANSACTIONAL) for n in range(3)]
    assert [result.region for result in results] == ["eu-west-1"] * 3


def test_an_outbox_that_cannot_take_the_mail_is_an_error_not_a_silent_loss(world: World) -> None:
    world.primary.behaviour = world.standby.behaviour = lambda _now: fake.SERVER_ERROR
    world.outbox.queue_url = world.queue_url + "-missing"
    with pytest.raises(OutboxError, match="did not take the mail"):
        world.sender().send(EMAIL, ref="r1", mail_class=TRANSACTIONAL)


def test_for_regions_builds_primary_then_standby() -> None:
    unused = boto3.client("sqs", region_name="eu-west-1")
    sender = FailoverSender.for_regions("eu-west-1", "eu-central-1", "cs", SqsOutbox(unused, "u", "p"))
    assert [region.name for region in sender.regions] == ["eu-west-1", "eu-central-1"]
    assert sender.regions[1].client.meta.region_name == "eu-central-1"
    assert sender.regions[0].client.meta.config.retries["total_max_attempts"] == 1


def test_with_no_region_left_an_ambiguous_at_least_once_mail_is_queued_as_a_possible_duplicate(
    world: World,
) -> None:
    world.primary.behaviour = lambda _now: fake.ACCEPT_THEN_READ_TIMEOUT
    world.standby.behaviour = lambda _now: fake.CONNECT_TIMEOUT
    result = world.sender().send(EMAIL, ref="otp-2", mail_class=TRANSACTIONAL)
    assert (result.status, result.possible_duplicate) == (Status.QUEUED, True)
    [queued] = drain(world.sqs, world.queue_url)
    assert queued["possible_duplicate"] is True and queued["state"] == "queued"

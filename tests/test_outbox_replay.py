"""The outbox replay worker (library and Lambda handler): moto SQS, fake regions behind real clients."""

from __future__ import annotations

import importlib
import json
import logging
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

import ses_regions as fake
from ses_regions import EMAIL, World, drain, entry_of, sqs_records
from sesevents import FakeLambdaContext, sqs_event
from sesmail.aws.calls import RateLimiter
from sesmail.sending import metrics
from sesmail.sending.failover import BULK, TRANSACTIONAL, MailClass, Status
from sesmail.sending.outbox import EntryState
from sesmail.sending.replay import (
    OutboxReplayer,
    ReplaySettingsError,
    load_replay_settings,
    requeue_delay,
)


@pytest.fixture
def world() -> Iterator[World]:
    with mock_aws():
        yield World(boto3.client("sqs", region_name="eu-west-1"))


def queue_one(world: World, ref: str, mail_class: MailClass = TRANSACTIONAL) -> None:
    """GIVEN a mail no region accepted: both regions down while it is sent."""
    world.primary.behaviour = world.standby.behaviour = lambda _now: fake.SERVER_ERROR
    assert world.sender().send(EMAIL, ref=ref, mail_class=mail_class).status is Status.QUEUED


def replayer(world: World, **sender_options: Any) -> OutboxReplayer:
    sink = lambda name, value: world.metrics.append((name, value))  # noqa: E731
    return OutboxReplayer(world.sender(**sender_options), metrics_sink=sink, now=world.wall)


def test_a_queued_mail_is_sent_on_replay_once_a_region_is_back(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    queue_one(world, "r1")
    world.primary.behaviour = lambda _now: fake.UP
    with caplog.at_level(logging.INFO):
        report = replayer(world).replay_batch(sqs_records(world.sqs, world.queue_url))
    assert (report.sent, report.requeued, report.failed_record_ids) == (1, 0, [])
    assert world.primary.refs() == ["r1"]
    assert "replayed ref r1" in caplog.text and "7 attempt(s) in total" in caplog.text
    assert world.count(metrics.REPLAY_SENT) == 1
    assert drain(world.sqs, world.queue_url) == [] and drain(world.sqs, world.parked_url) == []


def test_a_failed_replay_is_re_enqueued_with_its_attempts_counted_and_a_growing_delay(world: World) -> None:
    queue_one(world, "r1")
    for expected_attempts in (12, 18):
        report = replayer(world).replay_batch(sqs_records(world.sqs, world.queue_url))
        assert report.requeued == 1
        [body] = drain(world.sqs, world.queue_url)
        assert body["attempts"] == expected_attempts and body["reason"] == "ServiceUnavailable"
        world.outbox.put(entry_of(body))  # back in the queue for the next round
    assert world.outbox.delays[1:4:2] == [requeue_delay(12), requeue_delay(18)]
    assert world.count(metrics.REPLAY_FAILURES) == 2
    assert [requeue_delay(n) for n in (1, 2, 3, 6, 40)] == [30, 60, 120, 900, 900]


def test_a_mail_past_its_max_age_is_parked_with_its_reason_not_dropped(world: World) -> None:
    queue_one(world, "otp-1")
    world.clock.sleep(timedelta(hours=1, seconds=1).total_seconds())
    world.primary.behaviour = lambda _now: fake.UP
    report = replayer(world).replay_batch(sqs_records(world.sqs, world.queue_url))
    assert report.parked == {"expired": 1} and report.sent == 0
    assert world.primary.calls == 3  # only the original send's attempts; none after it expired
    [parked] = drain(world.sqs, world.parked_url)
    assert parked["state"] == "expired" and parked["reason"] == "expired: ServiceUnavailable"
    assert parked["ref"] == "otp-1"


def test_permanent_refusal_on_replay_is_parked_as_rejected(world: World) -> None:
    queue_one(world, "r1", BULK)
    world.primary.behaviour = lambda _now: fake.REJECTED
    report = replayer(world).replay_batch(sqs_records(world.sqs, world.queue_url))
    assert report.parked == {"rejected": 1}
    [parked] = drain(world.sqs, world.parked_url)
    assert (parked["state"], parked["reason"]) == ("rejected", "MessageRejected")


def test_ambiguous_at_most_once_on_replay_is_parked_not_resent(world: World) -> None:
    queue_one(world, "news-1", BULK)
    world.primary.behaviour = lambda _now: fake.ACCEPT_THEN_READ_TIMEOUT
    world.standby.behaviour = lambda _now: fake.UP
    report = replayer(world).replay_batch(sqs_records(world.sqs, world.queue_url))
    assert report.parked == {"ambiguous": 1} and world.standby.refs() == []
    [parked] = drain(world.sqs, world.parked_url)
    assert parked["state"] == EntryState.AMBIGUOUS.value and parked["possible_duplicate"] is True


def test_a_paused_account_keeps_the_mail_queued_and_the_standby_untouched(world: World) -> None:
    queue_one(world, "r1")
    world.primary.behaviour = lambda _now: fake.PAUSED
    world.standby.behaviour = lambda _now: fake.UP
    report = replayer(world).replay_batch(sqs_records(world.sqs, world.queue_url))
    assert report.requeued == 1 and world.standby.refs() == []
    [body] = drain(world.sqs, world.queue_url)
    assert body["reason"] == "SendingPausedException"


def test_a_malformed_record_is_parked_as_received(world: World) -> None:
    report = replayer(world).replay_batch([("m-1", "{not json"), ("m-2", json.dumps({"version": 1}))])
    assert report.parked == {"malformed": 2} and report.failed_record_ids == []
    bodies = [
        m["Body"]
        for m in world.sqs.receive_message(QueueUrl=world.parked_url, MaxNumberOfMessages=10)["Messages"]
    ]
    assert sorted(bodies) == sorted(["{not json", json.dumps({"version": 1})])


def test_when_the_parked_queue_is_unreachable_the_record_goes_back_to_sqs(world: World) -> None:
    world.outbox.parked_queue_url += "-missing"
    report = replayer(world).replay_batch([("m-1", "{not json")])
    assert report.failed_record_ids == ["m-1"]


def test_records_left_when_time_runs_out_are_returned_untouched(world: World) -> None:
    queue_one(world, "r1")
    records = sqs_records(world.sqs, world.queue_url)
    report = replayer(world).replay_batch(records, remaining_millis=lambda: 5_000)
    assert report.failed_record_ids == [records[0][0]] and world.primary.calls == 3  # the original send only


def test_replay_is_paced_by_the_rate_limiter(world: World) -> None:
    for number in range(5):
        queue_one(world, f"r{number}")
    world.primary.behaviour = lambda _now: fake.UP
    before = world.clock.now
    limiter = RateLimiter(2.0, clock=world.clock, sleep=world.clock.sleep)
    report = replayer(world, limiter=limiter).replay_batch(sqs_records(world.sqs, world.queue_url))
    assert report.sent == 5
    assert world.clock.now - before == pytest.approx(2.0)  # 5 sends at 2/s: the first is free


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "SENDING_PRIMARY_REGION"),
        ({"AWS_REGION": "eu-west-1", "SENDING_STANDBY_REGION": "eu-west-1"}, "must differ"),
        (
            {"AWS_REGION": "eu-west-1", "OUTBOX_QUEUE_URL": "outbox"},
            "OUTBOX_QUEUE_URL must be an SQS queue URL",
        ),
        ({"AWS_REGION": "eu-west-1", "REPLAY_SEND_RATE": "fast"}, "REPLAY_SEND_RATE must be a number"),
        ({"AWS_REGION": "eu-west-1", "REPLAY_RATE_SHARE": "1.5"}, r"REPLAY_RATE_SHARE must be in \(0, 1.0\]"),
    ],
)
def test_bad_settings_fail_fast_with_the_variable_named(env: dict[str, str], message: str) -> None:
    urls = {"OUTBOX_QUEUE_URL": "https://sqs/q", "OUTBOX_PARKED_QUEUE_URL": "https://sqs/p"}
    with pytest.raises(ReplaySettingsError, match=message):
        load_replay_settings({**urls, **env} if env else {})


@pytest.fixture
def handler_module(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[ModuleType, World]]:
    """GIVEN the Lambda environment, moto SQS queues and a freshly initialised handler module."""
    with mock_aws():
        # The handler measures a mail's age with the real clock, so the fake wall clock starts now.
        world = World(boto3.client("sqs", region_name="eu-west-1"), epoch=datetime.now(UTC))
        monkeypatch.setenv("AWS_REGION", "eu-west-1")  # the Lambda runs beside its outbox queue
        monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
        monkeypatch.setenv("SENDING_PRIMARY_REGION", "eu-west-1")
        monkeypatch.setenv("SENDING_STANDBY_REGION", "eu-central-1")
        monkeypatch.setenv("OUTBOX_QUEUE_URL", world.queue_url)
        monkeypatch.setenv("OUTBOX_PARKED_QUEUE_URL", world.parked_url)
        monkeypatch.setenv("REPLAY_SEND_RATE", "50")
        monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "ses-outbox-replay")
        monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "SesMailPlatform")
        import sesmail.handlers.outbox_replay as module

        module = importlib.reload(module)
        for region, fake_region in zip(
            module.replayer.sender.regions, (world.primary, world.standby), strict=True
        ):
            fake_region.attach(region.client)
        yield module, world


def test_handler_sends_parks_and_reports_emf_metrics(
    handler_module: tuple[ModuleType, World], capsys: pytest.CaptureFixture[str]
) -> None:
    module, world = handler_module
    queue_one(world, "order-1")
    world.primary.behaviour = lambda _now: fake.UP
    bodies = [body for _, body in sqs_records(world.sqs, world.queue_url)] + ["{not json"]
    for log_handler in logging.getLogger("ses-outbox-replay").handlers:
        if isinstance(log_handler, logging.StreamHandler):
            log_handler.stream = sys.stdout
    # WHEN the replay Lambda gets the batch
    response = module.handler(sqs_event(bodies), FakeLambdaContext(function_name="ses-outbox-replay"))
    # THEN nothing goes back to SQS: one sent, one parked
    assert response == {"batchItemFailures": []}
    assert world.primary.refs() == ["order-1"]
    assert [m["Body"] for m in world.sqs.receive_message(QueueUrl=world.parked_url)["Messages"]] == [
        "{not json"
    ]
    docs = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    emf = [doc for doc in docs if "_aws" in doc]
    assert emf and emf[0]["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "SesMailPlatform"
    # No dimensions: the same names from any sender feed one alarm (decision 0070, metrics for alarms).
    assert emf[0]["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [[]] and len(emf) == 1
    values = {name: emf[0][name] if isinstance(emf[0][name], list) else [emf[0][name]] for name in emf[0]}
    assert sum(values[metrics.REPLAY_SENT]) == 1 and sum(values[metrics.OUTBOX_PARKED]) == 1
    assert len(values[metrics.OUTBOX_AGE_SECONDS]) == 1  # one age per well-formed mail
    assert any("replayed ref order-1" in doc.get("message", "") for doc in docs)


def test_without_a_configured_rate_the_replay_takes_a_share_of_the_account_rate(
    handler_module: tuple[ModuleType, World],
) -> None:
    module, _ = handler_module
    settings = replace(module.settings, send_rate=None, rate_share=0.5)
    client = boto3.client("sesv2", region_name="eu-west-1")
    with Stubber(client) as stub:
        stub.add_response("get_account", {"SendQuota": {"MaxSendRate": 14.0}})
        assert module.send_rate(settings, client) == 7.0
        # An unreadable quota must not stop the outbox from draining: SES's sandbox rate.
        stub.add_client_error("get_account", "AccessDeniedException", "no", 403)
        assert module.send_rate(settings, client) == module.FALLBACK_SEND_RATE

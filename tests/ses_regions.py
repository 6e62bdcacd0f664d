"""Fake SES regions behind real botocore SESv2 clients.

Each ``FakeRegion`` hooks ``before-send`` of a real client built by ``create_region_client`` (retries
off, real timeouts config), so every request is serialised and validated by botocore's SESv2 model,
and every answer is parsed by botocore: a 200 with a message ID, a modelled error (status + the
``x-amzn-ErrorType`` header, as SESv2's REST-JSON protocol sends it), or a network failure raised where
urllib3 would raise it. ``behaviour`` picks what happens at the current fake time, so a test can play
an outage on a schedule. Accepted mails are recorded with their parsed request (``ref`` tag included).
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.exceptions import ConnectionClosedError, ConnectTimeoutError, ReadTimeoutError

from fake_clock import FakeClock
from sesmail.sending.failover import (
    CONNECT_TIMEOUT_SECONDS,
    READ_TIMEOUT_SECONDS,
    FailoverSender,
    Region,
    create_region_client,
)
from sesmail.sending.outbox import OutboxEntry, SqsOutbox
from sesmail.sending.sender import Email

UP = "up"
CONNECT_TIMEOUT = "connect_timeout"  # nothing reaches SES; costs the connect timeout
SERVER_ERROR = "server_error"  # HTTP 503 ServiceUnavailable
THROTTLED = "throttled"  # HTTP 429 TooManyRequestsException
ACCEPT_THEN_READ_TIMEOUT = "accept_then_read_timeout"  # SES accepts, the answer never arrives
LOST_THEN_READ_TIMEOUT = "lost_then_read_timeout"  # SES never saw it, the caller cannot tell
CLOSED_MID_RESPONSE = "closed_mid_response"  # SES accepts, the connection drops mid-response
PAUSED = "paused"
REJECTED = "rejected"
LIMIT_EXCEEDED = "limit_exceeded"


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Any:
        yield self._body


def _response(
    request: AWSPreparedRequest, status: int, body: dict[str, Any], error: str | None
) -> AWSResponse:
    headers = {"Content-Type": "application/json", "x-amzn-RequestId": "req-1"}
    if error:
        headers["x-amzn-ErrorType"] = error
    return AWSResponse(request.url, status, headers, _Raw(json.dumps(body).encode()))


@dataclass
class FakeRegion:
    name: str
    clock: FakeClock
    behaviour: Callable[[float], str] = lambda _now: UP
    accepted: list[dict[str, Any]] = field(default_factory=list)  # parsed SendEmail requests + MessageId
    calls: int = 0
    _ids: itertools.count[int] = field(default_factory=itertools.count)

    def region(self) -> Region:
        client = create_region_client(self.name)
        self.attach(client)
        return Region(self.name, client)

    def attach(self, client: Any) -> None:
        """Answer ``client``'s SendEmail calls (first: moto, when active, also answers before-send)."""
        client.meta.events.register_first("before-send.sesv2.SendEmail", self._on_send)

    def _accept(self, request: AWSPreparedRequest) -> str:
        message_id = f"{self.name}-{next(self._ids):06d}"
        body = request.body.decode() if isinstance(request.body, bytes) else str(request.body)
        self.accepted.append({**json.loads(body), "MessageId": message_id})
        return message_id

    def _on_send(self, request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        self.calls += 1
        mode = self.behaviour(self.clock())
        if mode == UP:
            return _response(request, 200, {"MessageId": self._accept(request)}, None)
        if mode == CONNECT_TIMEOUT:
            self.clock.sleep(CONNECT_TIMEOUT_SECONDS)
            raise ConnectTimeoutError(endpoint_url=request.url)
        if mode in (ACCEPT_THEN_READ_TIMEOUT, LOST_THEN_READ_TIMEOUT):
            if mode == ACCEPT_THEN_READ_TIMEOUT:
                self._accept(request)
            self.clock.sleep(READ_TIMEOUT_SECONDS)
            raise ReadTimeoutError(endpoint_url=request.url)
        if mode == CLOSED_MID_RESPONSE:
            self._accept(request)
            raise ConnectionClosedError(endpoint_url=request.url)
        errors = {
            SERVER_ERROR: (503, "ServiceUnavailable"),
            THROTTLED: (429, "TooManyRequestsException"),
            PAUSED: (400, "SendingPausedException"),
            REJECTED: (400, "MessageRejected"),
            LIMIT_EXCEEDED: (400, "LimitExceededException"),
        }
        status, code = errors[mode]
        return _response(request, status, {"message": f"{code} (fake {self.name})"}, code)

    def refs(self) -> list[str]:
        return [tag["Value"] for mail in self.accepted for tag in mail["EmailTags"] if tag["Name"] == "ref"]


def schedule(*phases: tuple[float, str]) -> Callable[[float], str]:
    """``schedule((0, DOWN), (100, UP))``: the mode of the last phase that started at or before now."""

    def behaviour(now: float) -> str:
        mode = UP
        for start, phase_mode in phases:
            if now >= start:
                mode = phase_mode
        return mode

    return behaviour


EMAIL = Email(
    from_address="Shop <orders@mail.example.com>",
    to=["jane.doe@example.org"],
    subject="Your code",
    text="123456",
    tags={"service": "shop"},
)
NOW = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


def drain(client: Any, queue_url: str) -> list[dict[str, Any]]:
    """Every message (body fields + ``_attributes``) now visible in ``queue_url``, deleted as read."""
    bodies: list[dict[str, Any]] = []
    while True:
        page = client.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
        )
        messages = page.get("Messages", [])
        if not messages:
            return bodies
        for message in messages:
            bodies.append(
                {**json.loads(message["Body"]), "_attributes": message.get("MessageAttributes", {})}
            )
            client.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


def entry_of(body: dict[str, Any]) -> OutboxEntry:
    """The outbox entry of a ``drain``ed message (parsed exactly as the replay worker parses it)."""
    return OutboxEntry.from_json(json.dumps({k: v for k, v in body.items() if k != "_attributes"}))


class World:
    """Two fake regions, a fake clock, moto SQS outbox + parked queue, recorded metrics."""

    def __init__(self, sqs: Any, epoch: datetime = NOW) -> None:
        self.epoch = epoch
        self.clock = FakeClock()
        self.start = self.clock.now
        self.primary = FakeRegion("eu-west-1", self.clock)
        self.standby = FakeRegion("eu-central-1", self.clock)
        self.sqs = sqs
        self.queue_url = sqs.create_queue(QueueName="outbox")["QueueUrl"]
        self.parked_url = sqs.create_queue(QueueName="outbox-parked")["QueueUrl"]
        self.outbox = ImmediateSqsOutbox(sqs, self.queue_url, self.parked_url)
        self.metrics: list[tuple[str, float]] = []

    def sender(self, **options: Any) -> FailoverSender:
        options.setdefault("rng", random.Random(7))  # seeded jitter: the same run every time
        return FailoverSender(
            [self.primary.region(), self.standby.region()],
            "transactional",
            self.outbox,
            metrics_sink=lambda name, value: self.metrics.append((name, value)),
            clock=self.clock,
            sleep=self.clock.sleep,
            now=self.wall,
            **options,
        )

    def wall(self) -> datetime:
        """Wall-clock time that moves with the fake clock (``epoch`` at the start)."""
        return self.epoch + timedelta(seconds=self.clock.now - self.start)

    def count(self, name: str) -> float:
        return sum(value for metric, value in self.metrics if metric == name)


class ImmediateSqsOutbox(SqsOutbox):
    """Records each requested re-enqueue delay, then enqueues without it: moto honours ``DelaySeconds``
    in real time, and a test replays the outbox without waiting."""

    def __init__(self, client: Any, queue_url: str, parked_queue_url: str) -> None:
        super().__init__(client, queue_url, parked_queue_url)
        self.delays: list[int] = []

    def put(self, entry: OutboxEntry, delay_seconds: int = 0) -> None:
        self.delays.append(delay_seconds)
        super().put(entry, 0)


def sqs_records(client: Any, queue_url: str) -> list[tuple[str, str]]:
    """Receive (and delete) every visible message as (message ID, body) pairs, as Lambda would see them."""
    records: list[tuple[str, str]] = []
    while True:
        messages = client.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return records
        for message in messages:
            records.append((message["MessageId"], message["Body"]))
            client.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])

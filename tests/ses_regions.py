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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.exceptions import ConnectionClosedError, ConnectTimeoutError, ReadTimeoutError

from fake_clock import FakeClock
from sesmail.sending.failover import (
    CONNECT_TIMEOUT_SECONDS,
    READ_TIMEOUT_SECONDS,
    Region,
    create_region_client,
)

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
        # First: moto (when active) also answers before-send for SESv2.
        client.meta.events.register_first("before-send.sesv2.SendEmail", self._on_send)
        return Region(self.name, client)

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

"""A local stand-in for the SESv2 API - for ``make demo`` and tests only, NOT an SES replacement.

moto's SESv2 has no suppression list, no GetAccount and publishes no events, so this small HTTP
server answers the handful of SESv2 operations the platform calls, over the real REST/JSON wire
protocol of ``botocore/data/sesv2/2019-09-27/service-2.json``:

    SendEmail                    POST   /v2/email/outbound-emails
    GetAccount                   GET    /v2/email/account
    PutSuppressedDestination     PUT    /v2/email/suppression/addresses
    GetSuppressedDestination     GET    /v2/email/suppression/addresses/{EmailAddress}
    ListSuppressedDestinations   GET    /v2/email/suppression/addresses?Reason=&StartDate=&EndDate=
                                        &NextToken=&PageSize=
    DeleteSuppressedDestination  DELETE /v2/email/suppression/addresses/{EmailAddress}

Errors carry an ``x-amzn-ErrorType`` header and a ``{"message": ...}`` body, so botocore raises the
modelled exceptions (``client.exceptions.NotFoundException`` ...). boto3 reaches it through
``AWS_ENDPOINT_URL_SESV2``: the production code paths (sender, audit, status) run unchanged.

On SendEmail with a configuration set it publishes SES event-publishing records to that
configuration set's SNS topic (on moto), following the mailbox simulator
(see ``sesmail_local.simulator``). Everything else SES does - identities and DKIM, sending limits,
sandbox rules, signatures, templates, other event types - is out of scope: requests are not
authenticated and unmodelled operations answer 404 ``UnknownOperationException``.

Outage drill (``make demo DEMO_ARGS=--outage``): ``SesStandIn.fail_sends("ServiceUnavailable")`` makes
SendEmail answer HTTP 503 with that error code, as a region in trouble would, until ``fail_sends(None)``;
the rest of the API keeps answering. Two stand-ins (primary and standby region) may publish to the same
topic, as issue 14's standby region does.

Run alone: ``python -m sesmail_local.ses_standin --sns-endpoint URL --topic NAME=TOPIC_ARN``.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import contextlib
import json
import queue
import re
import signal
import sys
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parseaddr
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qs, unquote, urlsplit

from sesmail_local.simulator import (
    OutboundMail,
    Record,
    SuppressionReason,
    new_ses_id,
    recipient_outcome,
    send_record,
)

if TYPE_CHECKING:
    from mypy_boto3_sns.type_defs import PublishBatchRequestEntryTypeDef

SUPPRESSION_PATH: Final = "/v2/email/suppression/addresses"
MAX_PAGE_SIZE: Final = 1000
TAG_PATTERN: Final = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
Publisher = Callable[[str, Record], None]


class ApiError(Exception):
    """An SESv2 error response: HTTP status, modelled error code, message."""

    def __init__(self, status: HTTPStatus, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def bad_request(message: str) -> ApiError:
    return ApiError(HTTPStatus.BAD_REQUEST, "BadRequestException", message)


def not_found(message: str) -> ApiError:
    return ApiError(HTTPStatus.NOT_FOUND, "NotFoundException", message)


@dataclass
class SuppressedEntry:
    email_address: str
    reason: SuppressionReason
    last_update: datetime
    message_id: str | None
    feedback_id: str

    def summary(self) -> dict[str, Any]:
        return {
            "EmailAddress": self.email_address,
            "Reason": self.reason.value,
            "LastUpdateTime": self.last_update.timestamp(),
        }

    def detail(self) -> dict[str, Any]:
        attributes = {"FeedbackId": self.feedback_id}
        if self.message_id:
            attributes["MessageId"] = self.message_id
        return {**self.summary(), "Attributes": attributes}


@dataclass
class StandInState:
    """Account state behind the API; every access holds ``lock`` (the server is threaded)."""

    region: str
    account_id: str
    topics: Mapping[str, str]
    suppressed_reasons: frozenset[SuppressionReason]
    suppression_list: dict[str, SuppressedEntry] = field(default_factory=dict)
    published: Counter[str] = field(default_factory=Counter)
    publish_failures: int = 0
    sent_messages: int = 0
    send_fault: str | None = None  # an error code SendEmail answers with (HTTP 503) while set
    refused_sends: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def parse_timestamp(raw: str, name: str) -> datetime:
    """Query-string timestamps: botocore sends ISO 8601; epoch seconds are accepted too."""
    try:
        if re.fullmatch(r"\d+(\.\d+)?", raw):
            return datetime.fromtimestamp(float(raw), tz=UTC)
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as exc:
        raise bad_request(f"{name} is not a valid timestamp") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_reason(raw: object) -> SuppressionReason:
    try:
        return SuppressionReason(str(raw))
    except ValueError as exc:
        raise bad_request(f"Reason must be one of BOUNCE, COMPLAINT (got {raw!r})") from exc


def check_address(address: object, what: str) -> str:
    if not isinstance(address, str) or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", parseaddr(address)[1]):
        raise bad_request(f"{what} is not a valid email address")
    return address


def encode_token(after: str, filter_key: str) -> str:
    raw = json.dumps({"after": after, "filter": filter_key}).encode()
    return base64.urlsafe_b64encode(raw).decode()


def decode_token(token: str, filter_key: str) -> str:
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        after, token_filter = data["after"], data["filter"]
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise ApiError(
            HTTPStatus.BAD_REQUEST, "InvalidNextTokenException", "The NextToken is invalid"
        ) from exc
    if token_filter != filter_key or not isinstance(after, str):
        raise ApiError(
            HTTPStatus.BAD_REQUEST, "InvalidNextTokenException", "The NextToken does not match the filters"
        )
    return after


# --- operations ----------------------------------------------------------------------------------


def get_account(state: StandInState) -> dict[str, Any]:
    with state.lock:
        sent = state.sent_messages
    return {
        "DedicatedIpAutoWarmupEnabled": True,
        "EnforcementStatus": "HEALTHY",
        "ProductionAccessEnabled": True,
        "SendingEnabled": True,
        "SendQuota": {"Max24HourSend": 50000.0, "MaxSendRate": 14.0, "SentLast24Hours": float(sent)},
        "SuppressionAttributes": {"SuppressedReasons": sorted(r.value for r in state.suppressed_reasons)},
    }


def put_suppressed(state: StandInState, body: Mapping[str, Any]) -> dict[str, Any]:
    address = check_address(body.get("EmailAddress"), "EmailAddress")
    reason = parse_reason(body.get("Reason"))
    now = datetime.now(UTC)
    with state.lock:
        state.suppression_list[address.lower()] = SuppressedEntry(address, reason, now, None, new_ses_id(now))
    return {}


def get_suppressed(state: StandInState, address: str) -> dict[str, Any]:
    with state.lock:
        entry = state.suppression_list.get(address.lower())
    if entry is None:
        raise not_found(f"Email address {address} does not exist on your suppression list.")
    return {"SuppressedDestination": entry.detail()}


def delete_suppressed(state: StandInState, address: str) -> dict[str, Any]:
    with state.lock:
        if state.suppression_list.pop(address.lower(), None) is None:
            raise not_found(f"Email address {address} does not exist on your suppression list.")
    return {}


def list_suppressed(state: StandInState, query: Mapping[str, list[str]]) -> dict[str, Any]:
    """Keyset paging in address order, so deletes between pages never skip or repeat an entry."""
    reasons = {parse_reason(value) for value in query.get("Reason", [])}
    start = parse_timestamp(query["StartDate"][0], "StartDate") if "StartDate" in query else None
    end = parse_timestamp(query["EndDate"][0], "EndDate") if "EndDate" in query else None
    try:
        page_size = int(query.get("PageSize", [str(MAX_PAGE_SIZE)])[0])
    except ValueError as exc:
        raise bad_request("PageSize must be an integer") from exc
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise bad_request(f"PageSize must be between 1 and {MAX_PAGE_SIZE}")
    filter_key = json.dumps([sorted(reasons), str(start), str(end)])
    after = decode_token(query["NextToken"][0], filter_key) if "NextToken" in query else ""
    with state.lock:
        entries = sorted(state.suppression_list.items())
    matching = [
        entry
        for key, entry in entries
        if key > after
        and (not reasons or entry.reason in reasons)
        and (start is None or entry.last_update >= start)
        and (end is None or entry.last_update <= end)
    ]
    page = matching[:page_size]
    response: dict[str, Any] = {"SuppressedDestinationSummaries": [entry.summary() for entry in page]}
    if len(matching) > page_size:
        response["NextToken"] = encode_token(page[-1].email_address.lower(), filter_key)
    return response


@dataclass(frozen=True)
class SendRequest:
    """The parts of a SendEmail request that shape the mail object."""

    source: str
    recipients: list[str]
    headers: list[tuple[str, str]]
    common_headers: dict[str, Any]
    configuration_set: str | None
    tags: dict[str, list[str]]
    source_arn: str | None


@dataclass
class Envelope:
    """Sender, recipients, subject and headers as SES sees them, before validation."""

    source: str
    to: list[str]
    cc: list[str]
    bcc: list[str]
    subject: str
    headers: list[tuple[str, str]]


def raw_envelope(raw_content: Any, envelope: Envelope) -> Envelope:
    """Raw content: headers come from the MIME message; To/Cc from it when Destination is empty."""
    try:
        raw = base64.b64decode(raw_content["Data"], validate=True)
    except (KeyError, TypeError, binascii.Error) as exc:
        raise bad_request("Content.Raw.Data must be base64") from exc
    message = BytesHeaderParser().parsebytes(raw)
    envelope.headers = [(name, str(value)) for name, value in message.items()]
    envelope.source = envelope.source or message.get("From", "")
    envelope.subject = message.get("Subject", "")
    if not (envelope.to or envelope.cc or envelope.bcc):
        envelope.to = [addr for _, addr in getaddresses(message.get_all("To", []))]
        envelope.cc = [addr for _, addr in getaddresses(message.get_all("Cc", []))]
    return envelope


def simple_envelope(simple: Any, reply_to: Sequence[str], envelope: Envelope) -> Envelope:
    """Simple content: SES builds the MIME headers itself."""
    try:
        envelope.subject = simple["Subject"]["Data"]
        body_parts = simple["Body"]
    except (KeyError, TypeError) as exc:
        raise bad_request("Content.Simple needs Subject.Data and Body") from exc
    if not body_parts.get("Text") and not body_parts.get("Html"):
        raise bad_request("Content.Simple.Body needs Text or Html")
    content_type = (
        'multipart/alternative; boundary="standin-boundary"'
        if body_parts.get("Text") and body_parts.get("Html")
        else ("text/html" if body_parts.get("Html") else "text/plain") + "; charset=UTF-8"
    )
    headers = [("From", envelope.source)]
    if reply_to:
        headers.append(("Reply-To", ", ".join(reply_to)))
    headers.append(("To", ", ".join(envelope.to)))
    if envelope.cc:
        headers.append(("Cc", ", ".join(envelope.cc)))
    headers += [("Subject", envelope.subject), ("MIME-Version", "1.0"), ("Content-Type", content_type)]
    headers += [(h["Name"], h["Value"]) for h in simple.get("Headers", [])]
    envelope.headers = headers
    return envelope


def message_tags(tag_list: Sequence[Mapping[str, str]]) -> dict[str, list[str]]:
    tags: dict[str, list[str]] = {}
    for tag in tag_list:
        name, value = tag.get("Name", ""), tag.get("Value", "")
        if not TAG_PATTERN.fullmatch(name) or not TAG_PATTERN.fullmatch(value):
            raise bad_request("EmailTags names and values may contain only ASCII letters, digits, _ and -")
        tags[name] = [value]
    return tags


def parse_send_request(body: Mapping[str, Any]) -> SendRequest:
    content = body.get("Content")
    if not isinstance(content, dict) or sum(k in content for k in ("Simple", "Raw", "Template")) != 1:
        raise bad_request("Content must contain exactly one of Simple, Raw or Template")
    if "Template" in content:
        raise bad_request("the local SESv2 stand-in does not support templates: send Simple or Raw content")
    destination = body.get("Destination") or {}
    envelope = Envelope(
        source=body.get("FromEmailAddress", ""),
        to=list(destination.get("ToAddresses", [])),
        cc=list(destination.get("CcAddresses", [])),
        bcc=list(destination.get("BccAddresses", [])),
        subject="",
        headers=[],
    )
    reply_to = list(body.get("ReplyToAddresses", []))
    if "Raw" in content:
        envelope = raw_envelope(content["Raw"], envelope)
    else:
        envelope = simple_envelope(content["Simple"], reply_to, envelope)
    check_address(envelope.source, "FromEmailAddress")
    recipients = [check_address(a, "Destination address") for a in envelope.to + envelope.cc + envelope.bcc]
    if not recipients:
        raise bad_request("Destination must name at least one recipient")
    common: dict[str, Any] = {"from": [envelope.source], "to": envelope.to}
    if envelope.cc:
        common["cc"] = envelope.cc
    if reply_to:
        common["replyTo"] = reply_to
    common["subject"] = envelope.subject
    return SendRequest(
        source=envelope.source,
        recipients=recipients,
        headers=envelope.headers,
        common_headers=common,
        configuration_set=body.get("ConfigurationSetName"),
        tags=message_tags(body.get("EmailTags", [])),
        source_arn=body.get("FromEmailAddressIdentityArn"),
    )


def send_email(
    state: StandInState, publish: Publisher, body: Mapping[str, Any], caller: str, client_ip: str
) -> dict[str, Any]:
    with state.lock:
        fault = state.send_fault
        if fault is not None:
            state.refused_sends += 1
    if fault is not None:
        raise ApiError(
            HTTPStatus.SERVICE_UNAVAILABLE, fault, f"SendEmail is failing in {state.region} (drill)"
        )
    request = parse_send_request(body)
    topic = None
    if request.configuration_set is not None:
        topic = state.topics.get(request.configuration_set)
        if topic is None:
            raise not_found(f"Configuration set <{request.configuration_set}> does not exist.")
    now = datetime.now(UTC)
    message_id = new_ses_id(now)
    from_domain = parseaddr(request.source)[1].rpartition("@")[2]
    tags = {
        **request.tags,
        "ses:operation": ["SendEmail"],
        "ses:source-ip": [client_ip],
        "ses:from-domain": [from_domain],
        "ses:caller-identity": [caller],
    }
    if request.configuration_set is not None:
        tags["ses:configuration-set"] = [request.configuration_set]
    mail = OutboundMail(
        message_id=message_id,
        sent_at=now,
        source=request.source,
        source_arn=request.source_arn
        or f"arn:aws:ses:{state.region}:{state.account_id}:identity/{from_domain}",
        sending_account_id=state.account_id,
        destination=request.recipients,
        headers=request.headers,
        common_headers={**request.common_headers, "messageId": message_id},
        tags=tags,
    )
    records = [send_record(mail)]
    with state.lock:
        state.sent_messages += 1
        for recipient in request.recipients:
            listed = recipient.lower() in state.suppression_list
            outcome = recipient_outcome(mail, recipient, listed, state.suppressed_reasons)
            records += outcome.records
            if outcome.suppress_as is not None and outcome.feedback_id is not None:
                state.suppression_list[recipient.lower()] = SuppressedEntry(
                    recipient, outcome.suppress_as, now, message_id, outcome.feedback_id
                )
    if topic is not None:
        for record in records:
            publish_counted(state, publish, topic, record)
    return {"MessageId": message_id}


def publish_counted(state: StandInState, publish: Publisher, topic: str, record: Record) -> None:
    """SES accepts a send whatever its event destination does: a failed publish is counted, not raised."""
    try:
        publish(topic, record)
    except Exception as exc:  # noqa: BLE001 - any transport error; the counter surfaces it
        with state.lock:
            state.publish_failures += 1
        print(f"ses-standin: publishing a {record['eventType']} event failed: {exc}", file=sys.stderr)
        return
    key = record["eventType"]
    if key == "Bounce":
        key = f"Bounce/{record['bounce']['bounceSubType']}"
    with state.lock:
        state.published[key] += 1


# --- HTTP ------------------------------------------------------------------------------------------


def caller_from_authorization(header: str | None) -> str:
    """The access key ID from a SigV4 ``Authorization`` header (signatures are not checked)."""
    match = re.search(r"Credential=([^/,\s]+)/", header or "")
    return match.group(1) if match else "anonymous"


class StandInHandler(BaseHTTPRequestHandler):
    server: StandInHTTPServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: request lines would print recipient addresses (personal data)."""

    def do_GET(self) -> None:
        self.dispatch("GET")

    def do_PUT(self) -> None:
        self.dispatch("PUT")

    def do_POST(self) -> None:
        self.dispatch("POST")

    def do_DELETE(self) -> None:
        self.dispatch("DELETE")

    def read_json(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return {}
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise ApiError(
                HTTPStatus.BAD_REQUEST, "SerializationException", "Request body is not JSON"
            ) from exc
        if not isinstance(data, dict):
            raise ApiError(
                HTTPStatus.BAD_REQUEST, "SerializationException", "Request body is not a JSON object"
            )
        return data

    def dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        path = url.path.rstrip("/")
        state, publish = self.server.state, self.server.publish
        try:
            body = self.read_json()
            if method == "POST" and path == "/v2/email/outbound-emails":
                caller = caller_from_authorization(self.headers.get("Authorization"))
                result = send_email(state, publish, body, caller, self.client_address[0])
            elif method == "GET" and path == "/v2/email/account":
                result = get_account(state)
            elif method == "PUT" and path == SUPPRESSION_PATH:
                result = put_suppressed(state, body)
            elif method == "GET" and path == SUPPRESSION_PATH:
                result = list_suppressed(state, parse_qs(url.query, keep_blank_values=False))
            elif method in {"GET", "DELETE"} and path.startswith(SUPPRESSION_PATH + "/"):
                address = unquote(path[len(SUPPRESSION_PATH) + 1 :])
                result = (
                    get_suppressed(state, address) if method == "GET" else delete_suppressed(state, address)
                )
            else:
                raise ApiError(
                    HTTPStatus.NOT_FOUND,
                    "UnknownOperationException",
                    f"{method} {url.path} is not implemented by the local SESv2 stand-in",
                )
        except ApiError as error:
            self.respond(error.status, {"message": error.message}, error_type=error.code)
            return
        self.respond(HTTPStatus.OK, result)

    def respond(self, status: HTTPStatus, payload: Mapping[str, Any], error_type: str | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        if error_type:
            self.send_header("x-amzn-ErrorType", error_type)
        self.end_headers()
        self.wfile.write(data)


class StandInHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], state: StandInState, publish: Publisher) -> None:
        super().__init__(address, StandInHandler)
        self.state = state
        self.publish = publish


class SesStandIn:
    """The stand-in on 127.0.0.1 in a background thread. Port 0 picks a free port."""

    def __init__(
        self,
        *,
        topics: Mapping[str, str],
        publish: Publisher,
        region: str = "us-east-1",
        account_id: str = "123456789012",
        suppressed_reasons: Sequence[SuppressionReason] = (
            SuppressionReason.BOUNCE,
            SuppressionReason.COMPLAINT,
        ),
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.state = StandInState(region, account_id, dict(topics), frozenset(suppressed_reasons))
        self._server = StandInHTTPServer((host, port), self.state, publish)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1})
        self._thread.daemon = True

    @property
    def endpoint_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def fail_sends(self, code: str | None) -> None:
        """SendEmail answers 503 ``code`` from now on; ``None`` ends the outage."""
        with self.state.lock:
            self.state.send_fault = code

    def start(self) -> SesStandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()

    def __enter__(self) -> SesStandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class SnsPublisher:
    """Publishes records to SNS (moto) in the background, as SES does after accepting a send.

    The SNS message is the record's JSON, exactly what SES publishes. Records are queued and sent by
    one worker with ``PublishBatch`` (up to 10 per call), so ``SendEmail`` answers without waiting
    for SNS; SES gives no ordering guarantee either. ``flush()`` waits until everything queued has
    been published; ``failed`` counts records SNS did not accept (each also printed on stderr).
    """

    BATCH: Final = 10

    def __init__(self, endpoint_url: str | None, region: str) -> None:
        import boto3  # noqa: PLC0415 - the pure parts of this module must import without boto3

        self._sns = boto3.client("sns", endpoint_url=endpoint_url, region_name=region)
        self._queue: queue.Queue[tuple[str, Record] | None] = queue.Queue()
        self.published = 0
        self.failed = 0
        self._worker = threading.Thread(target=self._run, name="sns-publisher", daemon=True)
        self._worker.start()

    def __call__(self, topic_arn: str, record: Record) -> None:
        self._queue.put((topic_arn, record))

    def flush(self) -> None:
        self._queue.join()

    def close(self) -> None:
        self._queue.put(None)
        self._worker.join(timeout=10)

    def _take_batch(self, first: tuple[str, Record]) -> list[tuple[str, Record]]:
        batch = [first]
        while len(batch) < self.BATCH:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is None:
                self._queue.put(None)  # keep the stop marker for the loop
                self._queue.task_done()
                break
            batch.append(item)
        return batch

    def _run(self) -> None:
        while (first := self._queue.get()) is not None:
            batch = self._take_batch(first)
            for topic in dict.fromkeys(topic for topic, _ in batch):
                records = [record for t, record in batch if t == topic]
                self._publish(topic, records)
            for _ in batch:
                self._queue.task_done()
        self._queue.task_done()

    def _publish(self, topic: str, records: Sequence[Record]) -> None:
        entries: list[PublishBatchRequestEntryTypeDef] = [
            {"Id": str(n), "Message": json.dumps(record)} for n, record in enumerate(records)
        ]
        try:
            response = self._sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=entries)
        except Exception as exc:  # noqa: BLE001 - any transport error: counted and reported, never raised
            self.failed += len(records)
            print(f"ses-standin: publishing {len(records)} events failed: {exc}", file=sys.stderr)
            return
        self.published += len(response.get("Successful", []))
        for failure in response.get("Failed", []):
            self.failed += 1
            print(f"ses-standin: SNS refused an event: {failure.get('Code')}", file=sys.stderr)


def parse_topics(pairs: Sequence[str]) -> dict[str, str]:
    topics = {}
    for pair in pairs:
        name, sep, arn = pair.partition("=")
        if not sep or not name or not arn.startswith("arn:"):
            raise ValueError(f"--topic must be CONFIGURATION_SET=TOPIC_ARN (got {pair!r})")
        topics[name] = arn
    return topics


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sesmail_local.ses_standin",
        description="Serve the local SESv2 stand-in until interrupted (Ctrl-C). Exit codes: 0 stopped, "
        "2 bad arguments or the port is in use.",
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument(
        "--sns-endpoint", required=True, help="SNS endpoint receiving events (moto server URL)"
    )
    parser.add_argument(
        "--topic", action="append", default=[], metavar="NAME=ARN", help="configuration set -> SNS topic ARN"
    )
    parser.add_argument(
        "--region", default="us-east-1", help="region in ARNs and records (default us-east-1)"
    )
    parser.add_argument("--account-id", default="123456789012", help="account in ARNs (moto's default)")
    args = parser.parse_args(argv)
    try:
        topics = parse_topics(args.topic)
        publisher = SnsPublisher(args.sns_endpoint, args.region)
        standin = SesStandIn(
            topics=topics,
            publish=publisher,
            region=args.region,
            account_id=args.account_id,
            port=args.port,
        )
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with standin:
        print(
            f"SESv2 stand-in on {standin.endpoint_url}: export AWS_ENDPOINT_URL_SESV2={standin.endpoint_url}"
        )
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()
    publisher.flush()
    publisher.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`make console`: the support console on 127.0.0.1 over the demo's data, through the Lambda's own handler.

What runs is what AWS runs, minus API Gateway: ``sesmail.handlers.status_api.handler`` queries a real
DynamoDB API (a moto server holding the demo's table items) and reads the suppression list from the
SESv2 stand-in (holding the demo's list). A small HTTP server turns each browser request into the
API Gateway HTTP API event (payload 2.0) the Lambda receives. The one difference is login: the handler
runs with ``CONSOLE_AUTH=local-no-login``, which the page labels on every screen and which the
settings refuse whenever ``AWS_LAMBDA_FUNCTION_NAME`` is set (docs/decisions/0090-support-console.md).

Data: ``make demo`` writes ``.demo/console-data.json`` (every table item and the suppression list at
the end of its run). Without that file the console seeds its own data by sending the demo scenario
through the stand-in and storing the events with the persister's batch code, and says so.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import threading
import uuid
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any, Final
from urllib.parse import parse_qs, unquote, urlsplit

from sesmail.aws.clients import client
from sesmail.events.persist import persist_batch
from sesmail.events.store import EventStore
from sesmail.events.store import create_client as dynamodb_client
from sesmail.handlers.settings import CONSOLE_AUTH_LOCAL, PersisterSettings
from sesmail.sending.sender import SesSender
from sesmail_local.eventtable import create_events_table, scan_all
from sesmail_local.lambda_runner import FakeLambdaContext
from sesmail_local.moto_server import LOOPBACK, MotoServer
from sesmail_local.scenario import DEFAULT_COUNT, DEFAULT_SEED, plan_scenario, send_scenario
from sesmail_local.ses_standin import SesStandIn, StandInState, SuppressedEntry
from sesmail_local.simulator import SuppressionReason

DEFAULT_PORT: Final = 8765
TABLE: Final = "ses-local-console-events"
CONFIGURATION_SET: Final = "demo"
REGION: Final = "us-east-1"
HANDLER_MODULE: Final = "sesmail.handlers.status_api"
ROUTES: Final = {"/console": "GET /console", "/console/api/search": "GET /console/api/search"}
ASSET_PREFIX: Final = "/console/assets/"


def console_url(port: int) -> str:
    return f"http://{LOOPBACK}:{port}/console"


# --- data: exported by the demo, loaded by the console --------------------------------------------------


def export_console_data(dynamodb: Any, table: str, standin: StandInState, path: Path) -> int:
    """Write every table item and the suppression list to ``path``; returns the item count."""
    with standin.lock:
        suppression = [
            {
                "address": entry.email_address,
                "reason": entry.reason.value,
                "listed_at": entry.last_update.isoformat(),
                "message_id": entry.message_id,
                "feedback_id": entry.feedback_id,
            }
            for entry in standin.suppression_list.values()
        ]
    items = scan_all(dynamodb, table)
    path.write_text(json.dumps({"table_items": items, "suppression_list": suppression}) + "\n")
    return len(items)


def load_console_data(path: Path, dynamodb: Any, table: str, standin: StandInState) -> int:
    data = json.loads(path.read_text())
    items = data["table_items"]
    for start in range(0, len(items), 25):
        chunk = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
        dynamodb.batch_write_item(RequestItems={table: chunk})
    with standin.lock:
        for row in data["suppression_list"]:
            standin.suppression_list[row["address"].lower()] = SuppressedEntry(
                row["address"],
                SuppressionReason(row["reason"]),
                datetime.fromisoformat(row["listed_at"]),
                row["message_id"],
                row["feedback_id"],
            )
    return len(items)


def seed_console_data(dynamodb: Any, table: str, standin: SesStandIn, records: list[dict[str, Any]]) -> int:
    """Send the demo scenario through the stand-in and store its events with the persister's batch code."""
    sender = SesSender(CONFIGURATION_SET, client("sesv2", REGION))
    send_scenario(plan_scenario(DEFAULT_COUNT, DEFAULT_SEED), sender.send)
    bodies = [(str(index), json.dumps(record)) for index, record in enumerate(records)]
    store = EventStore(dynamodb, table)
    for start in range(0, len(bodies), 10):  # SQS batches of 10, as the event source mapping delivers
        result = persist_batch(bodies[start : start + 10], store, PersisterSettings(table), lambda: 60_000)
        if result.failed_record_ids:
            raise RuntimeError(f"seeding failed to store {len(result.failed_record_ids)} events")
    return len(bodies)


# --- the server ---------------------------------------------------------------------------------------


def api_gateway_event(path: str, query: str, headers: Mapping[str, str]) -> dict[str, Any] | None:
    """The HTTP API payload 2.0 event for a GET, or None when no console route matches."""
    path_parameters: dict[str, str] = {}
    route = ROUTES.get(path)
    if route is None and path.startswith(ASSET_PREFIX) and "/" not in path[len(ASSET_PREFIX) :]:
        route = "GET /console/assets/{name}"
        path_parameters = {"name": unquote(path[len(ASSET_PREFIX) :])}
    if route is None:
        return None
    parsed = parse_qs(query, keep_blank_values=True)
    return {
        "version": "2.0",
        "routeKey": route,
        "rawPath": path,
        "rawQueryString": query,
        "headers": {key.lower(): value for key, value in headers.items()},
        "pathParameters": path_parameters or None,
        "queryStringParameters": {key: ",".join(values) for key, values in parsed.items()} or None,
        "requestContext": {
            "http": {"method": "GET", "path": path, "protocol": "HTTP/1.1", "sourceIp": LOOPBACK},
            "requestId": str(uuid.uuid4()),
            "routeKey": route,
            "stage": "$default",
        },
        "isBase64Encoded": False,
    }


class ConsoleRequestHandler(BaseHTTPRequestHandler):
    server: ConsoleHTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the request line holds the searched address: nothing is logged

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path in {"/", ""}:
            self.send_response(302)
            self.send_header("location", "/console")
            self.end_headers()
            return
        event = api_gateway_event(url.path, url.query, dict(self.headers.items()))
        if event is None:
            self.send_error(404, "not a console route")
            return
        context = FakeLambdaContext("ses-status-api-local", REGION, "123456789012", 10)
        response = self.server.handler_module.handler(event, context)
        body = response["body"].encode()
        self.send_response(response["statusCode"])
        for name, value in response["headers"].items():
            if name != "strict-transport-security":  # plain http on loopback
                self.send_header(name, value)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class ConsoleHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, handler_module: ModuleType) -> None:
        super().__init__((LOOPBACK, port), ConsoleRequestHandler)
        self.handler_module = handler_module


@dataclass
class LocalConsole:
    url: str
    source: str  # where the data came from, said to the user
    items: int
    server: ConsoleHTTPServer


@contextmanager
def local_console(
    data: Path | None, port: int = DEFAULT_PORT, moto_log: Path | None = None
) -> Iterator[LocalConsole]:
    """moto with the events table, the stand-in with the suppression list, the handler behind a loopback
    HTTP server; everything stops (and the environment is restored) on exit."""
    saved = dict(os.environ)
    try:
        with ExitStack() as stack:
            moto = stack.enter_context(MotoServer(log_path=moto_log))
            records: list[dict[str, Any]] = []
            standin = stack.enter_context(
                SesStandIn(
                    topics={CONFIGURATION_SET: "local-console"}, publish=lambda _t, r: records.append(r)
                )
            )
            os.environ.update(
                {
                    "AWS_ACCESS_KEY_ID": "testing",
                    "AWS_SECRET_ACCESS_KEY": "testing",
                    "AWS_SESSION_TOKEN": "testing",
                    "AWS_REGION": REGION,
                    "AWS_DEFAULT_REGION": REGION,
                    "AWS_CONFIG_FILE": os.devnull,
                    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                    "AWS_EC2_METADATA_DISABLED": "true",
                    "AWS_ENDPOINT_URL": moto.url,
                    "AWS_ENDPOINT_URL_SESV2": standin.endpoint_url,
                    "EVENTS_TABLE_NAME": TABLE,
                    "CONSOLE_ENABLED": "true",
                    "CONSOLE_AUTH": CONSOLE_AUTH_LOCAL,
                    "POWERTOOLS_SERVICE_NAME": "ses-status-api-local",
                    "POWERTOOLS_LOG_LEVEL": "WARNING",
                }
            )
            dynamodb = dynamodb_client(REGION)
            create_events_table(dynamodb, TABLE)
            if data is not None and data.is_file():
                items = load_console_data(data, dynamodb, TABLE, standin.state)
                source = f"the demo's data ({data})"
            else:
                items = seed_console_data(dynamodb, TABLE, standin, records)
                source = (
                    f"the demo scenario (seed {DEFAULT_SEED}) seeded here: `make demo` first to see its run"
                )
            module = sys.modules.get(HANDLER_MODULE)
            handler_module = importlib.reload(module) if module else importlib.import_module(HANDLER_MODULE)
            server = ConsoleHTTPServer(port, handler_module)
            thread = threading.Thread(target=server.serve_forever, name="console", daemon=True)
            thread.start()
            try:
                yield LocalConsole(console_url(server.server_address[1]), source, items, server)
            finally:
                server.shutdown()
                server.server_close()
    finally:
        os.environ.clear()
        os.environ.update(saved)

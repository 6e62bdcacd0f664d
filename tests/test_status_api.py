"""The optional read API Lambda, invoked in-process with API Gateway HTTP API events against moto."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import boto3
import pytest
from moto import mock_aws

from eventtable import create_events_table
from sesevents import FakeLambdaContext, load_ses, raw_body
from sesmail.events.parse import parse_sqs_body
from sesmail.events.store import EventStore

TABLE = "ses-events-api-test"
BOUNCED = load_ses("bounce_permanent_multi")["mail"]["messageId"]


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """GIVEN a table with the multi-recipient bounce and a freshly initialised API module."""
    monkeypatch.setenv("EVENTS_TABLE_NAME", TABLE)
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "ses-status-api")
    with mock_aws():
        client = boto3.client("dynamodb")
        create_events_table(client, TABLE)
        EventStore(client, TABLE).write(
            [("r", parse_sqs_body(raw_body(load_ses("bounce_permanent_multi"))))],
            retention_seconds=86_400,
            remaining_ms=lambda: 30_000,
        )
        import sesmail.handlers.status_api as module

        yield importlib.reload(module)


def call(
    module: ModuleType, route: str, path: dict[str, str], query: dict[str, str] | None = None
) -> tuple[int, Any]:
    event = {
        "version": "2.0",
        "routeKey": route,
        "rawPath": "/",
        "pathParameters": path,
        "queryStringParameters": query,
        "requestContext": {"http": {"method": "GET"}, "authorizer": {"iam": {"accountId": "123456789012"}}},
    }
    response = module.handler(event, FakeLambdaContext(function_name="ses-status-api"))
    assert response["headers"]["content-type"] == "application/json"
    return response["statusCode"], json.loads(response["body"])


def test_message_found(api: ModuleType) -> None:
    status, body = call(api, "GET /messages/{message_id}", {"message_id": BOUNCED})
    assert status == 200
    assert [(r["recipient"], r["status"]) for r in body["recipients"]] == [
        ("bob@example.net", "bounced"),
        ("carol@example.net", "bounced"),
    ]


def test_recipient_found_with_url_encoded_address_and_since(api: ModuleType) -> None:
    status, body = call(
        api, "GET /recipients/{address}", {"address": "Bob%40example.net"}, {"since": "2024-07-01"}
    )
    assert status == 200
    assert body["recipient"] == "bob@example.net"
    assert [e["event_type"] for e in body["events"]] == ["Bounce"]


@pytest.mark.parametrize(
    ("route", "path", "query", "expected"),
    [
        ("GET /messages/{message_id}", {"message_id": "unknown"}, None, 404),
        ("GET /recipients/{address}", {"address": "nobody@example.com"}, None, 404),
        ("GET /recipients/{address}", {"address": "not-an-address"}, None, 400),
        ("GET /recipients/{address}", {"address": "bob@example.net"}, {"since": "soon"}, 400),
        ("GET /recipients/{address}", {"address": "bob@example.net"}, {"limit": "many"}, 400),
        ("DELETE /messages/{message_id}", {"message_id": BOUNCED}, None, 404),
    ],
)
def test_errors(
    api: ModuleType, route: str, path: dict[str, str], query: dict[str, str] | None, expected: int
) -> None:
    status, body = call(api, route, path, query)
    assert status == expected and "error" in body


def test_store_failure_is_502_without_details(api: ModuleType) -> None:
    boto3.client("dynamodb").delete_table(TableName=TABLE)
    status, body = call(api, "GET /messages/{message_id}", {"message_id": BOUNCED})
    assert (status, body) == (502, {"error": "the event store is unavailable"})


def test_reads_only_its_own_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN the API's environment with a value only the persister reads, and invalid for it
    monkeypatch.setenv("EVENTS_TABLE_NAME", TABLE)
    monkeypatch.setenv("EVENT_RETENTION_DAYS", "forever")
    monkeypatch.setenv("STORE_SUBJECT", "maybe")
    import sesmail.handlers.status_api as module

    # THEN the API still starts: the persister's settings are not its business
    with mock_aws():
        reloaded = importlib.reload(module)
    assert reloaded.settings.events_table_name == TABLE
    assert not hasattr(reloaded.settings, "retention_days")


def test_missing_table_name_fails_at_init(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EVENTS_TABLE_NAME", raising=False)
    import sesmail.handlers.status_api as module
    from sesmail.handlers.settings import SettingsError

    with pytest.raises(SettingsError, match="EVENTS_TABLE_NAME"):
        importlib.reload(module)

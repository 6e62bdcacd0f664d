"""Read API Lambda behind an API Gateway HTTP API (IAM authorisation, payload format 2.0).

Handler setting ``sesmail.handlers.status_api.handler``; Terraform: ``terraform/modules/status_api``.

  GET /messages/{message_id}                          per-recipient status and timeline (JSON)
  GET /recipients/{address}?since=YYYY-MM-DD&limit=N  newest events of an address (JSON)

Responses: 200 found, 404 not found, 400 bad input, 502 DynamoDB error. Read-only (Query only).
Environment: ``EVENTS_TABLE_NAME`` (required), ``POWERTOOLS_SERVICE_NAME``, ``POWERTOOLS_LOG_LEVEL``.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any
from urllib.parse import unquote

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from sesmail.events.lookup import (
    DEFAULT_HISTORY_LIMIT,
    LookupInputError,
    message_status,
    parse_since,
    recipient_history,
)
from sesmail.events.store import EventStore, StoreError, create_client
from sesmail.handlers.observability import MaskingFormatter
from sesmail.handlers.settings import load_status_api_settings

MESSAGE_ROUTE = "GET /messages/{message_id}"
RECIPIENT_ROUTE = "GET /recipients/{address}"

settings = load_status_api_settings()
logger = Logger(logger_formatter=MaskingFormatter())
store = EventStore(create_client(), settings.events_table_name)


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    route = event.get("routeKey")
    path = event.get("pathParameters") or {}
    query = event.get("queryStringParameters") or {}
    try:
        if route == MESSAGE_ROUTE:
            found: Any = message_status(store, unquote(path.get("message_id", "")))
        elif route == RECIPIENT_ROUTE:
            since = parse_since(query["since"]) if query.get("since") else None
            limit = _int(query.get("limit"), DEFAULT_HISTORY_LIMIT)
            found = recipient_history(store, unquote(path.get("address", "")), since=since, limit=limit)
        else:
            return _response(404, {"error": f"no route {route!r}"})
    except LookupInputError as error:
        return _response(400, {"error": str(error)})
    except StoreError:
        logger.exception("event store query failed", extra={"route": route})
        return _response(502, {"error": "the event store is unavailable"})
    if found is None:
        return _response(404, {"error": "no events stored"})
    return _response(200, asdict(found))


def _int(text: str | None, default: int) -> int:
    if text is None or text == "":
        return default
    try:
        return int(text)
    except ValueError:
        raise LookupInputError(f"limit must be a whole number, got {text!r}") from None


def _response(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"content-type": "application/json", "cache-control": "no-store"},
        "body": json.dumps(body, sort_keys=True),
    }

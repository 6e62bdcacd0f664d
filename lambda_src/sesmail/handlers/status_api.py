"""Read API Lambda behind an API Gateway HTTP API (payload format 2.0), and the support console.

Handler setting ``sesmail.handlers.status_api.handler``; Terraform: ``terraform/modules/status_api``.

Service-to-service routes (IAM authorisation):

  GET /messages/{message_id}                          per-recipient status and timeline (JSON)
  GET /recipients/{address}?since=YYYY-MM-DD&limit=N  newest events of an address (JSON)

Support console (``CONSOLE_ENABLED=true``; docs/decisions/0090-support-console.md):

  GET /console                  the page (no data in it: served without authorizer)
  GET /console/assets/{name}    its CSS and JS, shipped inside the package
  GET /console/api/search?q=…   recipient address or SES message ID (JWT authorizer; JSON)

Responses: 200 found, 404 not found, 400 bad input, 401 no JWT claims on a console API call, 502
DynamoDB error. Read-only (DynamoDB Query, SESv2 GetSuppressedDestination).
Environment: ``EVENTS_TABLE_NAME`` (required), ``CONSOLE_*`` (``sesmail.handlers.settings``),
``POWERTOOLS_SERVICE_NAME``, ``POWERTOOLS_LOG_LEVEL``.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict
from datetime import UTC, datetime
from functools import cache
from typing import Any
from urllib.parse import unquote

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from sesmail.aws.calls import AwsCallError, AwsSetupError, RateLimiter, client_config
from sesmail.console import page, view
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
from sesmail.suppression.api import SuppressionListApi
from sesmail.suppression.domain import InvalidInputError, validate_address
from sesmail.suppression.evidence import latest_bounce_or_complaint

MESSAGE_ROUTE = "GET /messages/{message_id}"
RECIPIENT_ROUTE = "GET /recipients/{address}"
CONSOLE_PAGE_ROUTE = "GET /console"
CONSOLE_ASSET_ROUTE = "GET /console/assets/{name}"
CONSOLE_SEARCH_ROUTE = "GET /console/api/search"
CONSOLE_HISTORY_LIMIT = 200
# One GetSuppressedDestination per search, made by a person: not paced here (a pacing limiter made every
# second search in a warm container wait). The stage's throttling and the reserved concurrency bound the
# rate; a throttled call (management API budget ~1 request/s) is retried with backoff, twice at most.
SUPPRESSION_ATTEMPTS = 3

settings = load_status_api_settings()
logger = Logger(logger_formatter=MaskingFormatter())
dynamodb = create_client()
store = EventStore(dynamodb, settings.events_table_name)


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    route = event.get("routeKey")
    path = event.get("pathParameters") or {}
    query = event.get("queryStringParameters") or {}
    if route in {CONSOLE_PAGE_ROUTE, CONSOLE_ASSET_ROUTE, CONSOLE_SEARCH_ROUTE}:
        return console(route, event, path, query)
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


def console(route: str, event: dict[str, Any], path: dict[str, str], query: dict[str, str]) -> dict[str, Any]:
    if not settings.console_enabled:
        return _response(404, {"error": f"no route {route!r}"})
    if route != CONSOLE_SEARCH_ROUTE:
        return console_static(route, path.get("name", ""))
    claims = (((event.get("requestContext") or {}).get("authorizer") or {}).get("jwt") or {}).get("claims")
    if not claims and not settings.console_local:
        # API Gateway's JWT authorizer stops unauthenticated calls first; this guards a misrouted one.
        return _response(401, {"error": "sign in first"})
    try:
        return console_search(query.get("q", ""), user=(claims or {}).get("sub", "local"))
    except LookupInputError as error:
        return _response(400, {"error": str(error)})
    except StoreError:
        logger.exception("event store query failed", extra={"route": route})
        return _response(502, {"error": "the event store is unavailable"})


def console_static(route: str, name: str) -> dict[str, Any]:
    """The page and its assets: no data, so no authorizer (the page fetches data with the user's JWT)."""
    if route == CONSOLE_PAGE_ROUTE:
        return _text(200, page.render_page(settings), "text/html; charset=utf-8", cache="no-store")
    shipped = page.asset(name)
    if shipped is None:
        return _response(404, {"error": "no such asset"})
    return _text(200, shipped[0], shipped[1], cache="max-age=300")


def console_search(text: str, *, user: str) -> dict[str, Any]:
    wanted = view.parse_query(text)
    # Who searched and for what kind of thing; never the address itself (the formatter masks it anyway).
    logger.info("console search", extra={"kind": wanted.kind, "user": user})
    if wanted.kind == "recipient":
        return _response(200, recipient_answer(wanted.value))
    found = message_status(store, wanted.value)
    if found is None:
        return _response(404, {"error": f"nothing is stored for message {wanted.value}"})
    return _response(200, {"kind": "message", "message": view.message_view(found)})


def recipient_answer(address: str) -> dict[str, Any]:
    history = recipient_history(store, address, limit=CONSOLE_HISTORY_LIMIT)
    normalised = history.recipient if history else address.strip().lower()
    recipient = (
        view.history_view(history)
        if history
        else {"address": normalised, "truncated": False, "messages": [], "chart": view.daily_chart([])}
    )
    return {"kind": "recipient", "recipient": recipient, "suppression": suppression_answer(normalised)}


def suppression_answer(address: str) -> dict[str, Any]:
    """What ``audit_suppression.py check`` says, or why it could not be asked (the page still shows
    the events)."""
    try:
        validate_address(address)
        entry = _suppression_list().get(address)
        evidence = latest_bounce_or_complaint(
            dynamodb, settings.events_table_name, address, listed_at=entry.listed_at if entry else None
        )
    except InvalidInputError as error:
        return view.suppression_unavailable(str(error))
    except (AwsCallError, AwsSetupError) as error:
        logger.warning("suppression list unavailable", extra={"error": str(error)})
        return view.suppression_unavailable(str(error))
    return view.suppression_view(
        address,
        entry,
        evidence,
        datetime.now(UTC),
        table=settings.events_table_name,
        region=os.environ.get("AWS_REGION"),
    )


@cache
def _suppression_list() -> SuppressionListApi:
    from sesmail.aws.clients import client  # noqa: PLC0415 - only the console needs SESv2

    sesv2 = client("sesv2", config=client_config(connect_timeout=1, read_timeout=3))
    return SuppressionListApi(sesv2, RateLimiter(math.inf), max_attempts=SUPPRESSION_ATTEMPTS)


if settings.console_enabled:
    # In the init phase, like the DynamoDB client: the first search does not pay for it.
    _suppression_list()


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
        "headers": {
            "content-type": "application/json",
            "cache-control": "no-store",
            "x-content-type-options": "nosniff",
        },
        "body": json.dumps(body, sort_keys=True),
    }


def _text(status: int, body: str, content_type: str, *, cache: str) -> dict[str, Any]:
    headers = {
        "content-type": content_type,
        "cache-control": cache,
        "content-security-policy": page.content_security_policy(settings),
        **page.SECURITY_HEADERS,
    }
    return {"statusCode": status, "headers": headers, "body": body}

"""The support console without a browser: settings (the local mode cannot run in Lambda), the pure
views (plain words, chart series, the suppression answer and its exact commands) and the handler's
console routes (page, assets, CSP, JWT guard, off by default)."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import boto3
import pytest
from moto import mock_aws

from eventtable import create_events_table
from sesevents import FakeLambdaContext
from sesmail.console import view
from sesmail.events.lookup import LookupInputError
from sesmail.events.models import RecipientEvent
from sesmail.handlers.settings import CONSOLE_AUTH_LOCAL, SettingsError, load_status_api_settings
from sesmail.suppression.domain import Evidence, SuppressedEntry, SuppressionReason

OIDC = {
    "CONSOLE_OIDC_AUTHORIZE_URL": "https://login.example.com/oauth2/authorize",
    "CONSOLE_OIDC_TOKEN_URL": "https://login.example.com/oauth2/token",
    "CONSOLE_OIDC_CLIENT_ID": "client-1",
}
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


# --- settings ----------------------------------------------------------------------------------------


def test_console_is_off_unless_enabled() -> None:
    assert not load_status_api_settings({"EVENTS_TABLE_NAME": "t"}).console_enabled


def test_local_no_login_mode_is_refused_inside_lambda() -> None:
    env = {"EVENTS_TABLE_NAME": "t", "CONSOLE_ENABLED": "true", "CONSOLE_AUTH": CONSOLE_AUTH_LOCAL}
    assert load_status_api_settings(env).console_local
    with pytest.raises(SettingsError, match="refused inside AWS Lambda"):
        load_status_api_settings({**env, "AWS_LAMBDA_FUNCTION_NAME": "ses-production-status-api"})


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({}, "needs CONSOLE_OIDC_AUTHORIZE_URL"),
        ({**OIDC, "CONSOLE_OIDC_TOKEN_URL": "http://login.example.com/t"}, "must be an https:// URL"),
        ({**OIDC, "CONSOLE_OIDC_TOKEN_USE": "refresh_token"}, "CONSOLE_OIDC_TOKEN_USE must be one of"),
        ({**OIDC, "CONSOLE_AUTH": "none"}, "CONSOLE_AUTH must be"),
    ],
)
def test_jwt_console_needs_a_complete_login(extra: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_status_api_settings({"EVENTS_TABLE_NAME": "t", "CONSOLE_ENABLED": "true", **extra})


# --- views -------------------------------------------------------------------------------------------


def test_query_kinds_and_one_line_errors() -> None:
    assert view.parse_query(" Jane@Example.com ") == view.Query("recipient", "Jane@Example.com")
    assert view.parse_query("0102019-abc-000000").kind == "message"
    for bad, message in [("", "type a recipient"), ("a b", "not an address"), ("ref:42", "not available")]:
        with pytest.raises(LookupInputError, match=message):
            view.parse_query(bad)


def test_every_status_has_plain_words() -> None:
    from sesmail.events.status import STATUS_PRECEDENCE

    assert set(STATUS_PRECEDENCE) == set(view.STATUS_WORDS)


def event(kind: str, at: str) -> RecipientEvent:
    return RecipientEvent(message_id="m", recipient="a@example.com", event_type=kind, event_at=at)


def test_chart_counts_per_day_from_the_first_active_day() -> None:
    chart = view.daily_chart(
        [
            event("Send", "2026-11-01T10:00:00.000Z"),
            event("Bounce", "2026-11-01T10:00:01.000Z"),
            event("Send", "2026-11-03T09:00:00.000Z"),
            event("Delivery", "2026-11-03T09:00:01.000Z"),
        ]
    )
    assert chart["days"] == ["2026-11-01", "2026-11-02", "2026-11-03"]
    assert chart["series"] == {"sends": [1, 0, 1], "bounces": [1, 0, 0], "complaints": [0, 0, 0]}


def test_suppression_answer_matches_the_audit_and_quotes_the_exact_commands() -> None:
    entry = SuppressedEntry(
        "o'brien@example.com", SuppressionReason.BOUNCE, datetime(2026, 11, 20, tzinfo=UTC)
    )
    evidence = Evidence("Bounce", datetime(2026, 11, 20, tzinfo=UTC), "m-1", "Transient", "MailboxFull")
    answer = view.suppression_view(
        entry.address, entry, evidence, NOW, table="ses-events", region="eu-west-1"
    )
    assert answer["class"] == "soft-bounce" and answer["recommendation"].startswith("removal candidate")
    assert answer["evidence"]["summary"] == "Bounce Transient/MailboxFull"
    assert answer["commands"]["remove_dry_run"] == (
        ".venv/bin/python scripts/audit_suppression.py --table ses-events --region eu-west-1 "
        "--address 'o'\"'\"'brien@example.com' --remove soft-bounce"
    )
    assert answer["commands"]["remove_apply"].endswith(" --apply")


def test_complaint_removal_command_needs_include_complaints() -> None:
    entry = SuppressedEntry("c@example.com", SuppressionReason.COMPLAINT, datetime(2026, 11, 20, tzinfo=UTC))
    answer = view.suppression_view(entry.address, entry, None, NOW, table="t", region=None)
    assert answer["class"] == "complaint"
    assert answer["commands"]["remove_dry_run"].endswith("--remove complaint --include-complaints")


def test_not_suppressed_offers_the_check_only() -> None:
    answer = view.suppression_view("a@example.com", None, None, NOW, table="t", region=None)
    assert answer["state"] == "not suppressed" and set(answer["commands"]) == {"check"}


# --- handler routes ----------------------------------------------------------------------------------


def load(monkeypatch: pytest.MonkeyPatch, **env: str) -> ModuleType:
    monkeypatch.setenv("EVENTS_TABLE_NAME", "ses-events-console-test")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    import sesmail.handlers.status_api as module

    return importlib.reload(module)


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        create_events_table(boto3.client("dynamodb"), "ses-events-console-test")
        yield


def call(module: ModuleType, route: str, **extra: Any) -> dict[str, Any]:
    request = {"version": "2.0", "routeKey": route, "requestContext": {"http": {"method": "GET"}}, **extra}
    response: dict[str, Any] = module.handler(request, FakeLambdaContext(function_name="ses-status-api"))
    return response


def test_console_routes_404_when_off(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    module = load(monkeypatch)
    assert call(module, "GET /console")["statusCode"] == 404


def test_page_has_a_strict_csp_and_the_login_config(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    module = load(monkeypatch, CONSOLE_ENABLED="true", **OIDC)
    response = call(module, "GET /console")
    assert response["statusCode"] == 200 and response["headers"]["content-type"].startswith("text/html")
    csp = response["headers"]["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "unsafe" not in csp
    assert "connect-src 'self' https://login.example.com" in csp
    assert "client-1" in response["body"] and "LOCAL MODE" not in response["body"]
    assert "<script>" not in response["body"]  # no inline script: the CSP would refuse it
    asset = call(module, "GET /console/assets/{name}", pathParameters={"name": "console.js"})
    assert asset["statusCode"] == 200 and asset["headers"]["content-type"].startswith("text/javascript")
    missing = call(module, "GET /console/assets/{name}", pathParameters={"name": "../settings.py"})
    assert missing["statusCode"] == 404


def test_search_without_jwt_claims_is_401(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    module = load(monkeypatch, CONSOLE_ENABLED="true", **OIDC)
    response = call(module, "GET /console/api/search", queryStringParameters={"q": "a@example.com"})
    assert response["statusCode"] == 401


def test_search_with_claims_answers_json(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    module = load(monkeypatch, CONSOLE_ENABLED="true", **OIDC)
    claims = {"authorizer": {"jwt": {"claims": {"sub": "user-1"}}}, "http": {"method": "GET"}}
    response = call(
        module, "GET /console/api/search", queryStringParameters={"q": "0102-missing"}, requestContext=claims
    )
    assert response["statusCode"] == 404
    assert json.loads(response["body"]) == {"error": "nothing is stored for message 0102-missing"}
    bad = call(module, "GET /console/api/search", queryStringParameters={"q": "a b"}, requestContext=claims)
    assert bad["statusCode"] == 400


def test_local_page_is_labelled(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    module = load(monkeypatch, CONSOLE_ENABLED="true", CONSOLE_AUTH=CONSOLE_AUTH_LOCAL)
    assert "LOCAL MODE, NO LOGIN" in call(module, "GET /console")["body"]

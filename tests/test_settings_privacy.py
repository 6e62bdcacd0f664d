"""Settings parsing (fail fast, one clear message) and email masking."""

from __future__ import annotations

import pytest

from sesmail.handlers.settings import PersisterSettings, SettingsError, load_settings
from sesmail.privacy import mask_email, mask_emails_in_text


def test_defaults() -> None:
    assert load_settings({"EVENTS_TABLE_NAME": "events"}) == PersisterSettings("events", 90, False)
    assert load_settings({"EVENTS_TABLE_NAME": "events"}).retention_seconds == 90 * 86_400


def test_explicit_values() -> None:
    env = {"EVENTS_TABLE_NAME": "events", "EVENT_RETENTION_DAYS": "30", "STORE_SUBJECT": "TRUE"}
    assert load_settings(env) == PersisterSettings("events", 30, True)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "EVENTS_TABLE_NAME is not set"),
        ({"EVENTS_TABLE_NAME": "  "}, "EVENTS_TABLE_NAME is not set"),
        ({"EVENTS_TABLE_NAME": "t", "EVENT_RETENTION_DAYS": "ninety"}, "whole number"),
        ({"EVENTS_TABLE_NAME": "t", "EVENT_RETENTION_DAYS": "0"}, "between 1 and 3650"),
        ({"EVENTS_TABLE_NAME": "t", "STORE_SUBJECT": "yes"}, 'STORE_SUBJECT must be "true" or "false"'),
    ],
)
def test_bad_environment_fails_with_the_variable_named(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings(env)


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("jane.doe@Example.COM", "j***@example.com"),
        ("x@y.z", "x***@y.z"),
        ("no-at-sign", "***"),
        ("@x.y", "***"),
    ],
)
def test_mask_email(address: str, masked: str) -> None:
    assert mask_email(address) == masked


def test_mask_emails_in_text_covers_smtp_diagnostics() -> None:
    text = "smtp; 550 5.1.1 <Carol@Example.net>: Recipient address rejected; cc bob+tag@example.org"
    assert mask_emails_in_text(text) == (
        "smtp; 550 5.1.1 <C***@example.net>: Recipient address rejected; cc b***@example.org"
    )
    assert mask_emails_in_text("no address here") == "no address here"

"""scripts/mail_status.py and sesmail.events.lookup against moto, one test per exit code."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

import mail_status
from eventtable import create_events_table
from sesevents import SES_FIXTURES, load_ses, raw_body
from sesmail.cli.exits import EXIT_CODES_HELP
from sesmail.events.lookup import LookupInputError, message_status, recipient_history
from sesmail.events.parse import parse_sqs_body
from sesmail.events.store import EventStore

ROOT = Path(__file__).resolve().parents[1]
TABLE = "ses-events-cli-test"
BOUNCED_MESSAGE = load_ses("bounce_permanent_multi")["mail"]["messageId"]


@pytest.fixture
def table(monkeypatch: pytest.MonkeyPatch) -> Iterator[EventStore]:
    """GIVEN a table holding every fixture's events, plus a Send and a Delivery for the bounced message."""
    monkeypatch.setenv("EVENTS_TABLE_NAME", TABLE)
    with mock_aws():
        client = boto3.client("dynamodb")
        create_events_table(client, TABLE)
        store = EventStore(client, TABLE)
        send = load_ses("send")
        send["mail"] = load_ses("bounce_permanent_multi")["mail"]
        records = [(name, parse_sqs_body(raw_body(load_ses(name)))) for name in SES_FIXTURES]
        records.append(("send", parse_sqs_body(raw_body(send))))
        outcome = store.write(records, retention_seconds=86_400 * 90, remaining_ms=lambda: 30_000)
        assert not outcome.failed_record_ids
        yield store


def test_message_status_library(table: EventStore) -> None:
    status = message_status(table, BOUNCED_MESSAGE)
    assert status is not None
    assert {r.recipient: r.status for r in status.recipients} == {
        "bob@example.net": "bounced",
        "carol@example.net": "bounced",
        "dave@example.net": "sent",
    }
    assert message_status(table, "no-such-message") is None


def test_recipient_history_library(table: EventStore) -> None:
    history = recipient_history(table, "  Carol@EXAMPLE.net")
    assert history is not None
    assert [e.event_type for e in history.events] == ["Bounce", "Send"]  # newest first
    ((message_id, status),) = history.messages
    assert (message_id, status.status) == (BOUNCED_MESSAGE, "bounced")
    assert status.decided_by.feedback_id is not None  # recovered from the sort key
    assert (
        recipient_history(table, "carol@example.net", since=__import__("datetime").date(2024, 7, 2)) is None
    )
    with pytest.raises(LookupInputError):
        recipient_history(table, "not-an-address")


def test_exit_0_message_table(table: EventStore, capsys: pytest.CaptureFixture[str]) -> None:
    assert mail_status.main(["message", BOUNCED_MESSAGE]) == 0
    out = capsys.readouterr().out
    assert "bob@example.net    bounced" in out
    assert "smtp; 550 5.1.1 user unknown" in out
    assert out.index("Send") < out.index("Bounce")  # timeline in time order


def test_exit_0_message_json(table: EventStore, capsys: pytest.CaptureFixture[str]) -> None:
    assert mail_status.main(["--format", "json", "message", BOUNCED_MESSAGE]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [r["status"] for r in document["recipients"]] == ["bounced", "bounced", "sent"]


def test_exit_0_recipient_with_since(table: EventStore, capsys: pytest.CaptureFixture[str]) -> None:
    assert mail_status.main(["recipient", "frank@example.org", "--since", "2024-07-02"]) == 0
    out = capsys.readouterr().out
    assert "complained" in out and "feedback type abuse" in out


def test_exit_3_not_found(table: EventStore, capsys: pytest.CaptureFixture[str]) -> None:
    assert mail_status.main(["message", "0102000000000000-unknown"]) == 3
    assert mail_status.main(["recipient", "nobody@example.com"]) == 3
    assert "no events stored" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv", [["recipient", "not-an-address"], ["recipient", "a@example.com", "--limit", "0"]]
)
def test_exit_2_bad_question(table: EventStore, argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert mail_status.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1


@pytest.mark.parametrize(
    "argv", [["recipient", "a@example.com", "--since", "last tuesday"], ["frobnicate"], []]
)
def test_exit_2_bad_syntax(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        mail_status.main(argv)
    assert raised.value.code == 2
    err = capsys.readouterr().err
    assert "error:" in err and "Traceback" not in err


def test_exit_2_without_table_name(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("EVENTS_TABLE_NAME", raising=False)
    assert mail_status.main(["message", "x"]) == 2
    assert capsys.readouterr().err.strip() == "error: no table: pass --table NAME or set EVENTS_TABLE_NAME"


def test_exit_1_aws_error(table: EventStore, capsys: pytest.CaptureFixture[str]) -> None:
    assert mail_status.main(["--table", "no-such-table", "message", BOUNCED_MESSAGE]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: DynamoDB ResourceNotFoundException") and err.count("\n") == 1


def test_help_documents_every_exit_code_and_option() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts/mail_status.py"), "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    for text in (
        "--table",
        "--format",
        "--region",
        "EVENTS_TABLE_NAME",
        EXIT_CODES_HELP,
        "message MESSAGE_ID",
        "recipient ADDRESS [--since DATE]",
    ):
        assert text in result.stdout


def test_the_readme_example_takes_options_after_the_subcommand(
    table: EventStore, capsys: pytest.CaptureFixture[str]
) -> None:
    # The README's own example failed with "unrecognized arguments: --format json" before issue 11.
    argv = ["recipient", "frank@example.org", "--since", "2024-07-02", "--format", "json", "--table", TABLE]
    assert mail_status.main(argv) == 0
    assert json.loads(capsys.readouterr().out)["recipient"] == "frank@example.org"


def test_missing_region_is_exit_2_like_every_tool(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # mail_status used to exit 1 here ("You must specify a region"), the other tools 2.
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    assert mail_status.main(["--table", TABLE, "message", "x"]) == 2
    assert capsys.readouterr().err.startswith(
        "error: no AWS region configured: pass --region, set AWS_REGION"
    )

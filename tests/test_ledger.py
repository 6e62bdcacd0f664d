"""Daily delivery ledger: pure query/rows/metrics, the Athena adapter and the handler with stubbed AWS."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from botocore.session import get_session
from botocore.stub import ANY, Stubber

from sesmail.archive.athena import run_query
from sesmail.archive.ledger import (
    LedgerError,
    LedgerRow,
    emf_documents,
    ledger_day,
    ledger_query,
    parse_rows,
    with_total,
)
from sesmail.handlers.ledger import load_settings, run_ledger

HEADER = [
    "configuration_set", "sent", "delivered", "bounced", "soft_bounced",
    "complained", "suppressed", "rejected", "no_outcome_24h",
]  # fmt: skip
ENV = {
    "ARCHIVE_DATABASE": "ses_test_ses_archive",
    "ARCHIVE_TABLE": "events",
    "ATHENA_WORKGROUP": "ses-test-ses-archive",
    "LEDGER_BUCKET": "ses-test-ses-event-archive-111122223333",
}


def result_page(rows: list[list[str]], token: str | None = None) -> dict[str, Any]:
    page: dict[str, Any] = {
        "ResultSet": {"Rows": [{"Data": [{"VarCharValue": v} for v in row]} for row in rows]}
    }
    if token:
        page["NextToken"] = token
    return page


def status(state: str, reason: str = "") -> dict[str, Any]:
    return {
        "QueryExecution": {"QueryExecutionId": "q-1", "Status": {"State": state, "StateChangeReason": reason}}
    }


# --- pure --------------------------------------------------------------------------------------


def test_the_ledger_reports_on_two_days_ago_in_utc() -> None:
    assert ledger_day(datetime(2026, 11, 29, 0, 30, tzinfo=UTC)) == date(2026, 11, 27)


def test_query_reads_three_arrival_days_and_counts_the_send_day() -> None:
    sql = ledger_query("ses_archive", "events", date(2026, 11, 27))
    assert "FROM \"ses_archive\".\"events\" WHERE dt BETWEEN '2026/11/27' AND '2026/11/29'" in sql
    assert "date(sent_at) = DATE '2026-11-27'" in sql
    assert "INTERVAL '24' HOUR" in sql
    assert "'OnAccountSuppressionList', 'Suppressed') THEN 'suppressed'" in sql
    # the columns the parser expects, in order
    select = sql.rsplit("SELECT", 1)[1]
    assert [line.split(" AS ")[-1].strip(" ,") for line in select.splitlines()[1:9]] == HEADER[1:]


@pytest.mark.parametrize("name", ["events; DROP TABLE x", "Events", "a-b", ""])
def test_query_refuses_names_that_are_not_glue_identifiers(name: str) -> None:
    with pytest.raises(LedgerError, match="not a Glue name"):
        ledger_query(name, "events", date(2026, 11, 27))


def test_rows_parse_and_total() -> None:
    rows = parse_rows(
        [
            HEADER,
            ["transactional", "100", "95", "2", "1", "1", "1", "0", "1"],
            ["marketing", "50", "48", "1", "0", "0", "0", "1", "0"],
        ]
    )
    total = with_total(rows)[-1]
    assert total == LedgerRow("ALL", 150, 143, 3, 1, 1, 1, 1, 1)
    assert total.no_outcome_rate == pytest.approx(1 / 150)
    assert LedgerRow("x", 0, 0, 0, 0, 0, 0, 0, 0).no_outcome_rate == 0.0


def test_rows_refuse_an_unexpected_shape() -> None:
    with pytest.raises(LedgerError, match="unexpected ledger columns"):
        parse_rows([["configuration_set", "sent"], ["a", "1"]])
    with pytest.raises(LedgerError, match="non-numeric"):
        parse_rows([HEADER, ["a", "x", "0", "0", "0", "0", "0", "0", "0"]])
    with pytest.raises(LedgerError, match="no header"):
        parse_rows([])


def test_metrics_are_emf_documents_timestamped_when_the_ledger_runs() -> None:
    now = datetime(2026, 11, 29, 0, 31, tzinfo=UTC)
    documents = emf_documents(with_total([LedgerRow("transactional", 10, 9, 0, 0, 0, 0, 0, 1)]), now, "Ns")
    assert [d["ConfigurationSet"] for d in documents] == ["transactional", "ALL"]
    total = documents[-1]
    assert total["_aws"]["Timestamp"] == int(now.timestamp() * 1000)
    (directive,) = total["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "Ns" and directive["Dimensions"] == [["ConfigurationSet"]]
    names = [m["Name"] for m in directive["Metrics"]]
    assert all(name in total for name in names)  # every declared metric has its value
    assert (total["Sent"], total["NoOutcome24h"], total["NoOutcome24hRate"]) == (10, 1, pytest.approx(0.1))


# --- Athena adapter ------------------------------------------------------------------------------


@pytest.fixture
def athena() -> Iterator[tuple[Any, Stubber]]:
    client = get_session().create_client("athena", region_name="eu-west-1")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def test_run_query_polls_until_done_and_pages_the_results(athena: tuple[Any, Stubber]) -> None:
    client, stubber = athena
    stubber.add_response(
        "start_query_execution", {"QueryExecutionId": "q-1"}, {"QueryString": "SELECT 1", "WorkGroup": "wg"}
    )
    stubber.add_response("get_query_execution", status("RUNNING"), {"QueryExecutionId": "q-1"})
    stubber.add_response("get_query_execution", status("SUCCEEDED"), {"QueryExecutionId": "q-1"})
    stubber.add_response("get_query_results", result_page([["a"], ["1"]], "t2"), {"QueryExecutionId": "q-1"})
    stubber.add_response(
        "get_query_results", result_page([["2"]]), {"QueryExecutionId": "q-1", "NextToken": "t2"}
    )
    slept: list[float] = []
    execution_id, rows = run_query(client, "SELECT 1", "wg", timeout_seconds=60, sleep=slept.append)
    assert (execution_id, rows, slept) == ("q-1", [["a"], ["1"], ["2"]], [2.0])


def test_run_query_reports_a_failed_query(athena: tuple[Any, Stubber]) -> None:
    client, stubber = athena
    stubber.add_response("start_query_execution", {"QueryExecutionId": "q-1"})
    stubber.add_response("get_query_execution", status("FAILED", "TABLE_NOT_FOUND: events"))
    with pytest.raises(LedgerError, match="q-1 FAILED: TABLE_NOT_FOUND"):
        run_query(client, "SELECT 1", "wg", timeout_seconds=60, sleep=lambda _: None)


def test_run_query_gives_up_at_the_timeout(athena: tuple[Any, Stubber]) -> None:
    client, stubber = athena
    stubber.add_response("start_query_execution", {"QueryExecutionId": "q-1"})
    stubber.add_response("get_query_execution", status("RUNNING"))
    ticks = iter([0.0, 61.0])
    with pytest.raises(LedgerError, match="still RUNNING after 60 s"):
        run_query(
            client, "SELECT 1", "wg", timeout_seconds=60, sleep=lambda _: None, clock=lambda: next(ticks)
        )


# --- handler -------------------------------------------------------------------------------------


def test_run_ledger_keeps_the_day_in_s3_and_logs_metrics(capsys: pytest.CaptureFixture[str]) -> None:
    session = get_session()
    clients = {name: session.create_client(name, region_name="eu-west-1") for name in ("athena", "s3")}
    stubbers = {name: Stubber(client) for name, client in clients.items()}
    stubbers["athena"].add_response(
        "start_query_execution",
        {"QueryExecutionId": "q-9"},
        {"QueryString": ANY, "WorkGroup": ENV["ATHENA_WORKGROUP"]},
    )
    stubbers["athena"].add_response("get_query_execution", status("SUCCEEDED"))
    stubbers["athena"].add_response(
        "get_query_results",
        result_page([HEADER, ["transactional", "200", "196", "1", "0", "0", "1", "0", "2"]]),
    )
    stubbers["s3"].add_response(
        "put_object",
        {},
        {
            "Bucket": ENV["LEDGER_BUCKET"],
            "Key": "ledger/2026/11/20.json",
            "Body": ANY,
            "ContentType": "application/json",
        },
    )
    for stubber in stubbers.values():
        stubber.activate()

    now = datetime(2026, 11, 29, 0, 30, tzinfo=UTC)
    summary = run_ledger({"day": "2026-11-20"}, load_settings(ENV), clients.__getitem__, lambda: now)

    assert summary == {
        "day": "2026-11-20", "key": "ledger/2026/11/20.json", "configuration_sets": 1,
        "sent": 200, "no_outcome_24h": 2, "no_outcome_rate": 0.01,
    }  # fmt: skip
    for stubber in stubbers.values():
        stubber.assert_no_pending_responses()
    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(d["ConfigurationSet"], d["Sent"]) for d in logged] == [("transactional", 200), ("ALL", 200)]


def test_bad_day_and_missing_settings_are_one_clear_error() -> None:
    with pytest.raises(LedgerError, match="ARCHIVE_TABLE, LEDGER_BUCKET not set"):
        load_settings({"ARCHIVE_DATABASE": "db", "ATHENA_WORKGROUP": "wg"})
    with pytest.raises(LedgerError, match="event day must be YYYY-MM-DD"):
        run_ledger({"day": "yesterday"}, load_settings(ENV), lambda _: None)


def test_the_kept_document_has_every_row_and_the_query_id() -> None:
    from sesmail.archive.ledger import ledger_document

    rows = with_total([LedgerRow("transactional", 4, 4, 0, 0, 0, 0, 0, 0)])
    document = json.loads(json.dumps(ledger_document(date(2026, 11, 20), rows, "q-9")))
    assert document["day"] == "2026-11-20" and document["query_execution_id"] == "q-9"
    assert [row["configuration_set"] for row in document["rows"]] == ["transactional", "ALL"]

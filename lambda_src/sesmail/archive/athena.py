"""Run one Athena query to completion and read its rows: the archive's only Athena adapter."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any, Final, Protocol

from sesmail.archive.ledger import LedgerError
from sesmail.aws.calls import AwsCallError, call_with_retries, paginate_pages


class AthenaClient(Protocol):
    """The three Athena operations the ledger uses (a botocore ``athena`` client has them)."""

    def start_query_execution(self, **kwargs: Any) -> Mapping[str, Any]: ...
    def get_query_execution(self, **kwargs: Any) -> Mapping[str, Any]: ...
    def get_query_results(self, **kwargs: Any) -> Mapping[str, Any]: ...


_DONE: Final = frozenset({"SUCCEEDED", "FAILED", "CANCELLED"})


def run_query(
    client: AthenaClient,
    query: str,
    workgroup: str,
    *,
    timeout_seconds: float,
    poll_seconds: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> tuple[str, list[list[str | None]]]:
    """(query execution id, rows with the header first). Raises LedgerError on failure or timeout."""
    try:
        started = call_with_retries(client.start_query_execution, QueryString=query, WorkGroup=workgroup)
        execution_id = str(started["QueryExecutionId"])
        deadline = clock() + timeout_seconds
        while True:
            status = call_with_retries(client.get_query_execution, QueryExecutionId=execution_id)
            state = status["QueryExecution"]["Status"]
            if state["State"] in _DONE:
                break
            if clock() >= deadline:
                raise LedgerError(
                    f"Athena query {execution_id} still {state['State']} after {timeout_seconds:g} s"
                )
            sleep(poll_seconds)
        if state["State"] != "SUCCEEDED":
            reason = state.get("StateChangeReason", "no reason given")
            raise LedgerError(f"Athena query {execution_id} {state['State']}: {reason}")
        rows: list[list[str | None]] = []
        for page in paginate_pages(client.get_query_results, QueryExecutionId=execution_id):
            for row in page["ResultSet"]["Rows"]:
                rows.append([cell.get("VarCharValue") for cell in row["Data"]])
    except AwsCallError as error:
        raise LedgerError(f"Athena: {error}") from None
    return execution_id, rows

"""Ledger Lambda: once a day, the delivery ledger of two days ago from the archive, kept and measured.

Handler setting ``sesmail.handlers.ledger.handler``, scheduled by terraform/modules/event_archive.
Environment: ``ARCHIVE_DATABASE``, ``ARCHIVE_TABLE``, ``ATHENA_WORKGROUP``, ``LEDGER_BUCKET``,
``LEDGER_METRICS_NAMESPACE`` (default ``SesMailPlatform/Ledger``), ``LEDGER_QUERY_TIMEOUT_SECONDS``
(default 240). An event ``{"day": "YYYY-MM-DD"}`` recomputes that day (backfill); otherwise the day is
today - 2 (UTC). Writes ``s3://LEDGER_BUCKET/ledger/yyyy/MM/dd.json`` and one metric per count per
configuration set plus an ``ALL`` total (dimension ``ConfigurationSet``), as EMF log documents.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sesmail.archive.athena import run_query
from sesmail.archive.ledger import (
    LedgerError,
    emf_documents,
    ledger_day,
    ledger_document,
    ledger_key,
    ledger_query,
    parse_rows,
    with_total,
)
from sesmail.aws.calls import AwsCallError, call_with_retries, client_config


@dataclass(frozen=True, slots=True)
class LedgerSettings:
    database: str
    table: str
    workgroup: str
    bucket: str
    namespace: str = "SesMailPlatform/Ledger"
    query_timeout_seconds: float = 240.0


def load_settings(environ: Mapping[str, str] | None = None) -> LedgerSettings:
    env = os.environ if environ is None else environ
    names = ("ARCHIVE_DATABASE", "ARCHIVE_TABLE", "ATHENA_WORKGROUP", "LEDGER_BUCKET")
    required = {name: env.get(name, "").strip() for name in names}
    missing = [name for name, value in required.items() if not value]
    if missing:
        raise LedgerError(f"{', '.join(missing)} not set")
    raw_timeout = env.get("LEDGER_QUERY_TIMEOUT_SECONDS", "").strip() or "240"
    try:
        timeout = float(raw_timeout)
    except ValueError:
        raise LedgerError(f"LEDGER_QUERY_TIMEOUT_SECONDS must be a number, got {raw_timeout!r}") from None
    return LedgerSettings(
        database=required["ARCHIVE_DATABASE"],
        table=required["ARCHIVE_TABLE"],
        workgroup=required["ATHENA_WORKGROUP"],
        bucket=required["LEDGER_BUCKET"],
        namespace=env.get("LEDGER_METRICS_NAMESPACE", "").strip() or "SesMailPlatform/Ledger",
        query_timeout_seconds=timeout,
    )


def _client(service: str) -> Any:
    from botocore.session import get_session  # noqa: PLC0415 - cold start pays only when invoked

    return get_session().create_client(service, config=client_config())


def run_ledger(
    event: Mapping[str, Any],
    settings: LedgerSettings,
    clients: Callable[[str], Any] = _client,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> dict[str, Any]:
    moment = now()
    try:
        day = date.fromisoformat(str(event["day"])) if "day" in event else ledger_day(moment)
    except ValueError:
        raise LedgerError(f"event day must be YYYY-MM-DD, got {event.get('day')!r}") from None
    query = ledger_query(settings.database, settings.table, day)
    execution_id, raw = run_query(
        clients("athena"), query, settings.workgroup, timeout_seconds=settings.query_timeout_seconds
    )
    rows = with_total(parse_rows(raw))
    document = ledger_document(day, rows, execution_id)
    try:
        call_with_retries(
            clients("s3").put_object,
            Bucket=settings.bucket,
            Key=ledger_key(day),
            Body=json.dumps(document, indent=2).encode(),
            ContentType="application/json",
        )
    except AwsCallError as error:
        raise LedgerError(str(error)) from None
    for document in emf_documents(rows, moment, settings.namespace):
        print(json.dumps(document, separators=(",", ":")))  # Lambda's stdout is the log stream
    total = rows[-1]
    return {
        "day": day.isoformat(),
        "key": ledger_key(day),
        "configuration_sets": len(rows) - 1,
        "sent": total.sent,
        "no_outcome_24h": total.no_outcome_24h,
        "no_outcome_rate": total.no_outcome_rate,
    }


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    # A failure raises: the scheduled invocation is retried by Lambda, and the missing data point
    # makes the NoOutcome24hRate alarm fire (missing data is breaching).
    return run_ledger(event, load_settings())

"""Daily delivery ledger: per configuration set, what became of the recipients sent on one day (pure).

For every recipient in a Send event of day D (UTC, ``mail.timestamp``): delivered, hard-bounced,
soft-bounced (SES gave up), complained, suppressed (bounce subtype OnAccountSuppressionList or
Suppressed), rejected, and **no outcome within 24 h** (no Delivery, Bounce or Reject by sent time +
24 h: a long delay or a lost event). The query reads the archive partitions D .. D+2 (arrival days),
so it runs for D on day D+2, when every outcome that counts has arrived.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

LEDGER_LAG_DAYS: Final = 2
ALL_CONFIGURATION_SETS: Final = "ALL"
NO_CONFIGURATION_SET: Final = "(none)"
_IDENTIFIER: Final = re.compile(r"^[a-z0-9_]{1,255}$")
_COUNTS: Final = (
    "sent",
    "delivered",
    "bounced",
    "soft_bounced",
    "complained",
    "suppressed",
    "rejected",
    "no_outcome_24h",
)
METRIC_NAMES: Final = {
    "sent": "Sent",
    "delivered": "Delivered",
    "bounced": "Bounced",
    "soft_bounced": "SoftBounced",
    "complained": "Complained",
    "suppressed": "Suppressed",
    "rejected": "Rejected",
    "no_outcome_24h": "NoOutcome24h",
}
NO_OUTCOME_RATE_METRIC: Final = "NoOutcome24hRate"


class LedgerError(RuntimeError):
    """The ledger could not be computed (bad name, failed query, unexpected result shape)."""


@dataclass(frozen=True, slots=True)
class LedgerRow:
    configuration_set: str
    sent: int
    delivered: int
    bounced: int
    soft_bounced: int
    complained: int
    suppressed: int
    rejected: int
    no_outcome_24h: int

    @property
    def no_outcome_rate(self) -> float:
        return self.no_outcome_24h / self.sent if self.sent else 0.0


def ledger_day(now: datetime) -> date:
    """The day a run at ``now`` reports on: two days back, so 24 h outcomes of its last mail are in."""
    return (now.astimezone(UTC) - timedelta(days=LEDGER_LAG_DAYS)).date()


def ledger_query(database: str, table: str, day: date) -> str:
    """Athena SQL for ``day``; names are checked (they are interpolated), the day is a ``date``."""
    for name in (database, table):
        if not _IDENTIFIER.match(name):
            raise LedgerError(f"not a Glue name: {name!r}")
    first, last = day.strftime("%Y/%m/%d"), (day + timedelta(days=LEDGER_LAG_DAYS)).strftime("%Y/%m/%d")
    source = f'"{database}"."{table}"'
    config_set = f"coalesce(element_at(mail.tags['ses:configuration-set'], 1), '{NO_CONFIGURATION_SET}')"
    common = f"mail.messageid AS message_id, {config_set} AS configuration_set, mail.timestamp AS sent_at"
    # Interpolation is safe: both names matched _IDENTIFIER above and the days come from a date.
    return f"""
WITH events AS (
  SELECT * FROM {source} WHERE dt BETWEEN '{first}' AND '{last}'
),
recipient_events AS (
  SELECT {common}, lower(r) AS recipient, 'sent' AS kind, mail.timestamp AS at
  FROM events CROSS JOIN UNNEST(mail.destination) AS u(r) WHERE eventtype = 'Send'
  UNION ALL
  SELECT {common}, lower(r), 'delivered', delivery.timestamp
  FROM events CROSS JOIN UNNEST(delivery.recipients) AS u(r) WHERE eventtype = 'Delivery'
  UNION ALL
  SELECT {common}, lower(b.emailaddress),
         CASE WHEN bounce.bouncesubtype IN ('OnAccountSuppressionList', 'Suppressed') THEN 'suppressed'
              WHEN bounce.bouncetype = 'Permanent' THEN 'bounced' ELSE 'soft_bounced' END,
         bounce.timestamp
  FROM events CROSS JOIN UNNEST(bounce.bouncedrecipients) AS u(b) WHERE eventtype = 'Bounce'
  UNION ALL
  SELECT {common}, lower(c.emailaddress), 'complained', complaint.timestamp
  FROM events CROSS JOIN UNNEST(complaint.complainedrecipients) AS u(c) WHERE eventtype = 'Complaint'
  UNION ALL
  SELECT {common}, lower(r), 'rejected', mail.timestamp
  FROM events CROSS JOIN UNNEST(mail.destination) AS u(r) WHERE eventtype = 'Reject'
),
per_recipient AS (
  SELECT configuration_set, message_id, recipient,
         from_iso8601_timestamp(min(sent_at)) AS sent_at,
         bool_or(kind = 'sent') AS sent,
         bool_or(kind = 'delivered') AS delivered,
         bool_or(kind = 'bounced') AS bounced,
         bool_or(kind = 'soft_bounced') AS soft_bounced,
         bool_or(kind = 'complained') AS complained,
         bool_or(kind = 'suppressed') AS suppressed,
         bool_or(kind = 'rejected') AS rejected,
         bool_or(kind IN ('delivered', 'bounced', 'soft_bounced', 'suppressed', 'rejected')
                 AND from_iso8601_timestamp(at) <= from_iso8601_timestamp(sent_at) + INTERVAL '24' HOUR)
           AS outcome_24h
  FROM recipient_events
  GROUP BY configuration_set, message_id, recipient
)
SELECT configuration_set,
       count_if(sent) AS sent,
       count_if(delivered) AS delivered,
       count_if(bounced) AS bounced,
       count_if(soft_bounced) AS soft_bounced,
       count_if(complained) AS complained,
       count_if(suppressed) AS suppressed,
       count_if(rejected) AS rejected,
       count_if(NOT outcome_24h) AS no_outcome_24h
FROM per_recipient
WHERE sent AND date(sent_at) = DATE '{day.isoformat()}'
GROUP BY configuration_set
ORDER BY configuration_set
""".strip()  # noqa: S608


def parse_rows(rows: Sequence[Sequence[str | None]]) -> list[LedgerRow]:
    """Athena result rows (header first, every value a string) -> ledger rows."""
    if not rows:
        raise LedgerError("the ledger query returned no header row")
    header = [str(name) for name in rows[0]]
    expected = [field.name for field in fields(LedgerRow)]
    if header != expected:
        raise LedgerError(f"unexpected ledger columns {header}, expected {expected}")
    parsed = []
    for row in rows[1:]:
        try:
            counts = [int(value or 0) for value in row[1:]]
        except ValueError as error:
            raise LedgerError(f"non-numeric ledger count in {list(row)}: {error}") from None
        parsed.append(LedgerRow(str(row[0] or NO_CONFIGURATION_SET), *counts))
    return parsed


def with_total(rows: Sequence[LedgerRow]) -> list[LedgerRow]:
    """The rows plus an ``ALL`` row summing them (the alarm watches the total)."""
    total = LedgerRow(ALL_CONFIGURATION_SETS, *(sum(getattr(row, name) for row in rows) for name in _COUNTS))
    return [*rows, total]


def emf_documents(rows: Sequence[LedgerRow], timestamp: datetime, namespace: str) -> list[dict[str, Any]]:
    """One CloudWatch embedded-metric-format document per configuration set (dimension
    ``ConfigurationSet``), printed to the log: metrics without ``cloudwatch:PutMetricData``, whose
    only resource is ``*`` (docs/decisions/0021-iam-wildcards.md). Timestamped when the ledger runs:
    an alarm only evaluates recent periods, so a data point dated two days back would never be seen."""
    metrics = [{"Name": name, "Unit": "Count"} for name in METRIC_NAMES.values()]
    metrics.append({"Name": NO_OUTCOME_RATE_METRIC, "Unit": "None"})
    documents = []
    for row in rows:
        document: dict[str, Any] = {
            "_aws": {
                "Timestamp": int(timestamp.timestamp() * 1000),
                "CloudWatchMetrics": [
                    {"Namespace": namespace, "Dimensions": [["ConfigurationSet"]], "Metrics": metrics}
                ],
            },
            "ConfigurationSet": row.configuration_set,
            NO_OUTCOME_RATE_METRIC: row.no_outcome_rate,
        }
        document.update({metric: getattr(row, name) for name, metric in METRIC_NAMES.items()})
        documents.append(document)
    return documents


def ledger_document(day: date, rows: Sequence[LedgerRow], query_execution_id: str) -> dict[str, Any]:
    """What is kept in S3 for the day (``ledger/yyyy/MM/dd.json``)."""
    return {
        "day": day.isoformat(),
        "query_execution_id": query_execution_id,
        "rows": [{**asdict(row), "no_outcome_rate": row.no_outcome_rate} for row in rows],
    }


def ledger_key(day: date) -> str:
    return f"ledger/{day:%Y/%m/%d}.json"

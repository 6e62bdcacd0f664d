"""Pipeline cost per 1,000 mails from a :class:`~sesmail.cost.measure.Measurement` and a price table (pure).

Every per-mail quantity is a measured count scaled from the sample to 1,000 mails; the only modelled
inputs are the ones no in-process run can observe, each named in :class:`Assumptions` and in
docs/cost.md. Fixed monthly costs (idle polling, KMS, custom metrics) do not scale with mail and are
reported apart, then amortised over a stated monthly volume.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Final

from sesmail.cost.measure import Measurement
from sesmail.cost.prices import Prices

GOAL_PER_1000_MAILS: Final = 0.003
SECONDS_PER_MONTH: Final = 30.4 * 86_400
# Lambda gives a function one full vCPU at 1,769 MB and CPU in proportion below that (Lambda
# developer guide, "Configure Lambda function memory"): handler CPU measured on a full core is scaled.
FULL_VCPU_MB: Final = 1769
_PLATFORM_LINES: Final = (
    "START RequestId: 6f1d5c1e-0000-4000-8000-000000000000 Version: $LATEST",
    "END RequestId: 6f1d5c1e-0000-4000-8000-000000000000",
    "REPORT RequestId: 6f1d5c1e-0000-4000-8000-000000000000\tDuration: 31.27 ms\tBilled Duration: 32 ms\t"
    "Memory Size: 256 MB\tMax Memory Used: 91 MB\t",
    "XRAY TraceId: 1-6749c2f1-0b3c4d5e6f7a8b9c0d1e2f3a\tSegmentId: 4a5b6c7d8e9f0a1b\tSampled: true\t",
)
# CloudWatch Logs counts each log event as its UTF-8 bytes plus 26 bytes (PutLogEvents batch size rule).
LOG_EVENT_OVERHEAD_BYTES: Final = 26


@dataclass(frozen=True, slots=True)
class Assumptions:
    """What the in-process run cannot observe: the deployment's settings and AWS's own behaviour."""

    memory_mb: int = 256
    retention_days: int = 90
    dynamodb_latency_ms: float = 8.0
    data_key_reuse_seconds: int = 300
    maximum_concurrency: int = 5
    idle_pollers: int = 5  # the SQS event source starts with five long-polling pollers
    long_poll_seconds: int = 20  # the queue's receive_wait_time_seconds
    mails_per_month: int = 1_000_000
    tracing: bool = True  # the module sets tracing_config mode = "Active"


@dataclass(frozen=True, slots=True)
class CostLine:
    service: str
    what: str
    quantity: float  # per 1,000 mails (or per month for fixed lines)
    unit: str
    unit_price: float
    cost: float


@dataclass(frozen=True, slots=True)
class DesignCost:
    design: str
    batch_size: int
    lines: tuple[CostLine, ...]

    @property
    def total(self) -> float:
        return sum(line.cost for line in self.lines)


@dataclass(frozen=True, slots=True)
class CostReport:
    region: str
    prices_as_of: str
    currency: str
    mix: Mapping[str, float]
    events_per_mail: float
    assumptions: Assumptions
    measured: Mapping[str, Any]
    pipeline: DesignCost
    baseline: DesignCost
    fixed_monthly: tuple[CostLine, ...]
    ses_per_1000_mails: float
    goal_per_1000_mails: float = GOAL_PER_1000_MAILS
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def fixed_total(self) -> float:
        return sum(line.cost for line in self.fixed_monthly)

    def as_dict(self) -> dict[str, Any]:
        def design(cost: DesignCost) -> dict[str, Any]:
            return {
                "design": cost.design,
                "batch_size": cost.batch_size,
                "lines": [asdict(line) for line in cost.lines],
                "total_per_1000_mails": cost.total,
                "share_of_ses": cost.total / self.ses_per_1000_mails,
            }

        amortised = self.fixed_total / (self.assumptions.mails_per_month / 1000)
        return {
            "region": self.region,
            "prices_as_of": self.prices_as_of,
            "currency": self.currency,
            "mix": dict(self.mix),
            "events_per_mail": self.events_per_mail,
            "assumptions": asdict(self.assumptions),
            "measured": dict(self.measured),
            "ses_per_1000_mails": self.ses_per_1000_mails,
            "pipeline": design(self.pipeline),
            "baseline": design(self.baseline),
            "fixed_monthly": {
                "lines": [asdict(line) for line in self.fixed_monthly],
                "total_per_month": self.fixed_total,
                "per_1000_mails_at_volume": amortised,
            },
            "all_in_per_1000_mails": self.pipeline.total + amortised,
            "goal_per_1000_mails": self.goal_per_1000_mails,
            "goal_met": self.pipeline.total <= self.goal_per_1000_mails,
            "notes": list(self.notes),
        }


def billed_ms(measurement: Measurement, memory_mb: int) -> int:
    """Lambda billed milliseconds of the whole pass: per invocation, handler CPU scaled to the
    function's CPU share plus the time spent waiting for DynamoDB, rounded up to 1 ms."""
    scale = max(1.0, FULL_VCPU_MB / memory_mb)
    return sum(
        math.ceil((call.cpu_seconds * scale + call.dynamodb_wait_seconds) * 1000)
        for call in measurement.invocations
    )


def platform_log_bytes() -> int:
    """Bytes Lambda itself logs per invocation (START, END, REPORT and the X-Ray line of active tracing)."""
    return sum(len(line.encode()) + LOG_EVENT_OVERHEAD_BYTES for line in _PLATFORM_LINES)


def design_cost(
    design: str, measurement: Measurement, events_per_mail: float, prices: Prices, assumptions: Assumptions
) -> DesignCost:
    scale = 1000 * events_per_mail / measurement.events  # sample -> 1,000 mails
    invocations = len(measurement.invocations)
    gb_seconds = billed_ms(measurement, assumptions.memory_mb) / 1000 * assumptions.memory_mb / 1024
    log_bytes = (
        measurement.log_bytes
        + measurement.log_lines * LOG_EVENT_OVERHEAD_BYTES
        + invocations * platform_log_bytes()
    )
    months_stored = assumptions.retention_days * 86_400 / SECONDS_PER_MONTH
    per_million = 1e-6

    def line(service: str, what: str, quantity: float, unit: str, unit_price: float) -> CostLine:
        per_1000_mails = quantity * scale
        return CostLine(service, what, per_1000_mails, unit, unit_price, per_1000_mails * unit_price)

    lines = (
        line(
            "SNS",
            "publishes by SES (64 KB chunks)",
            measurement.publish_chunks,
            "request",
            prices["sns_per_million_publishes"] * per_million,
        ),
        line(
            "SNS",
            "deliveries to SQS (raw)",
            measurement.publish_chunks,
            "delivery",
            prices["sns_per_million_sqs_deliveries"] * per_million,
        ),
        line(
            "SQS",
            "SendMessage by SNS",
            measurement.publish_chunks,
            "request",
            prices["sqs_per_million_requests"] * per_million,
        ),
        line(
            "SQS",
            "ReceiveMessage by the poller",
            measurement.receive_requests,
            "request",
            prices["sqs_per_million_requests"] * per_million,
        ),
        line(
            "SQS",
            "DeleteMessageBatch by the poller",
            measurement.delete_requests,
            "request",
            prices["sqs_per_million_requests"] * per_million,
        ),
        line(
            "Lambda",
            "invocations",
            invocations,
            "request",
            prices["lambda_per_million_requests"] * per_million,
        ),
        line(
            "Lambda",
            f"duration arm64 at {assumptions.memory_mb} MB",
            gb_seconds,
            "GB-s",
            prices["lambda_arm64_per_gb_second"],
        ),
        line(
            "DynamoDB",
            "table writes",
            measurement.table_wru,
            "WRU",
            prices["dynamodb_per_million_wru"] * per_million,
        ),
        line(
            "DynamoDB",
            "recipient-index writes",
            measurement.index_wru,
            "WRU",
            prices["dynamodb_per_million_wru"] * per_million,
        ),
        line(
            "DynamoDB",
            f"storage for {assumptions.retention_days} days, table + index",
            (measurement.table_bytes + measurement.index_bytes) / 1e9 * months_stored,
            "GB-month",
            prices["dynamodb_storage_per_gb_month"],
        ),
        line(
            "DynamoDB",
            f"PITR for {assumptions.retention_days} days, table",
            measurement.table_bytes / 1e9 * months_stored,
            "GB-month",
            prices["dynamodb_pitr_per_gb_month"],
        ),
        line(
            "CloudWatch",
            "Logs ingest (handler + EMF + platform lines)",
            log_bytes / 1e9,
            "GB",
            prices["logs_ingest_per_gb"],
        ),
        line(
            "X-Ray",
            "traces (active tracing, upper bound)" if assumptions.tracing else "traces (tracing off)",
            invocations if assumptions.tracing else 0,
            "trace",
            prices["xray_per_million_traces"] * per_million,
        ),
    )
    return DesignCost(design, measurement.batch_size, lines)


def fixed_monthly(prices: Prices, metric_names: int, assumptions: Assumptions) -> tuple[CostLine, ...]:
    """Costs that do not scale with mail: what the pipeline costs in a month with no traffic."""
    periods = SECONDS_PER_MONTH / assumptions.data_key_reuse_seconds
    # SQS: 2 x producers + consumers per reuse period (SQS developer guide, "Estimating AWS KMS
    # costs"): producer SNS, consumer the function's role. SNS: SES's GenerateDataKey and SNS's Decrypt
    # when delivering, per period. DynamoDB: one Decrypt of the table key per period per connection.
    kms_requests = periods * (2 * 1 + 1) + periods * 2 + periods * assumptions.maximum_concurrency
    empty_receives = assumptions.idle_pollers * SECONDS_PER_MONTH / assumptions.long_poll_seconds
    return (
        CostLine(
            "KMS",
            "customer managed key",
            1,
            "key-month",
            prices["kms_key_per_month"],
            prices["kms_key_per_month"],
        ),
        CostLine(
            "KMS",
            "data-key requests (SQS, SNS, DynamoDB)",
            kms_requests,
            "request",
            prices["kms_per_10000_requests"] / 10_000,
            kms_requests * prices["kms_per_10000_requests"] / 10_000,
        ),
        CostLine(
            "SQS",
            "empty long polls of idle pollers",
            empty_receives,
            "request",
            prices["sqs_per_million_requests"] / 1e6,
            empty_receives * prices["sqs_per_million_requests"] / 1e6,
        ),
        CostLine(
            "CloudWatch",
            "custom metrics (EMF)",
            metric_names,
            "metric-month",
            prices["metrics_per_metric_month"],
            metric_names * prices["metrics_per_metric_month"],
        ),
    )


def measured_summary(measurement: Measurement, memory_mb: int) -> dict[str, Any]:
    invocations = len(measurement.invocations)
    cpu = sum(call.cpu_seconds for call in measurement.invocations)
    return {
        "events": measurement.events,
        "batch_size": measurement.batch_size,
        "invocations": invocations,
        "items": measurement.items,
        "dynamodb_requests": measurement.dynamodb_requests,
        "dynamodb_reads": measurement.dynamodb_other_calls,
        "table_wru": measurement.table_wru,
        "index_wru": measurement.index_wru,
        "mean_item_bytes": measurement.table_bytes / max(1, measurement.items),
        "mean_index_entry_bytes": measurement.index_bytes / max(1, measurement.items),
        "sqs_publish_chunks": measurement.publish_chunks,
        "sqs_receive_requests": measurement.receive_requests,
        "sqs_delete_requests": measurement.delete_requests,
        "handler_cpu_ms_per_invocation": cpu / invocations * 1000,
        "billed_ms_per_invocation": billed_ms(measurement, memory_mb) / invocations,
        "handler_log_bytes_per_invocation": measurement.log_bytes / invocations,
        "custom_metrics": list(measurement.metric_names),
        "failed_records": measurement.failed_records,
    }

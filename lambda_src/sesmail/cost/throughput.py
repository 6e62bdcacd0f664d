"""Throughput ceiling, event-to-queryable lag and which knob to turn at a given load (pure arithmetic).

Inputs are measured (handler CPU and DynamoDB requests per invocation, write units per event) or named
assumptions (invoke overhead, DynamoDB latency, service limits), each printed by bench/bench_throughput.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from sesmail.cost.model import FULL_VCPU_MB

# A new on-demand table serves up to 4,000 WRU/s at once and doubles its previous peak within 30 min
# (DynamoDB developer guide, "On-demand capacity mode: initial throughput"); 40,000 WRU/s is the
# default per-table quota; 1,000 the default account concurrency of Lambda.
ON_DEMAND_INITIAL_WRU_PER_SECOND: Final = 4_000
TABLE_WRU_QUOTA_PER_SECOND: Final = 40_000
ACCOUNT_CONCURRENCY: Final = 1_000
MAXIMUM_CONCURRENCY_LIMIT: Final = 1_000  # aws_lambda_event_source_mapping scaling_config maximum
# Above this rate the account's SNS Publish quota deserves a look (it is region-dependent).
SNS_QUOTA_CHECK_PER_SECOND: Final = 1_000
# The SQS event source polls with five long-polling pollers before it scales up, each gathering its
# own batch: at a low rate a batch fills five times slower than the queue does.
STARTING_POLLERS: Final = 5


@dataclass(frozen=True, slots=True)
class BatchTiming:
    """One invocation at ``batch_size`` on Lambda: measured parts, scaled, plus the invoke overhead."""

    batch_size: int
    cpu_seconds: float  # measured handler CPU per invocation on this machine (full core)
    dynamodb_seconds: float  # waiting for BatchWriteItem per invocation
    overhead_seconds: float  # poller hand-off and invoke, per invocation (assumption)
    memory_mb: int

    @property
    def duration_seconds(self) -> float:
        return self.cpu_seconds * max(1.0, FULL_VCPU_MB / self.memory_mb) + self.dynamodb_seconds

    @property
    def events_per_second_per_concurrency(self) -> float:
        return self.batch_size / (self.duration_seconds + self.overhead_seconds)


def lag_seconds(
    events_per_second: float,
    timing: BatchTiming,
    *,
    window_seconds: float,
    ceiling: float,
    pollers: int = STARTING_POLLERS,
) -> float | None:
    """Worst case from SQS arrival to the item being in the table: the wait for a poller's batch to
    fill or its window to close, then one invocation. None when the load is at or above the ceiling
    (the queue grows for as long as the load lasts: lag is then backlog-bound, not window-bound)."""
    if events_per_second >= ceiling:
        return None
    fill = timing.batch_size * pollers / events_per_second if events_per_second > 0 else math.inf
    return min(window_seconds, fill) + timing.duration_seconds + timing.overhead_seconds


def concurrency_needed(events_per_second: float, timing: BatchTiming, headroom: float = 1.3) -> int:
    """Concurrent executions that drain ``events_per_second`` with ``headroom`` to spare."""
    return max(1, math.ceil(events_per_second * headroom / timing.events_per_second_per_concurrency))


@dataclass(frozen=True, slots=True)
class Advice:
    multiple: int
    events_per_second: float
    concurrency_needed: int
    wru_per_second: float
    knobs: tuple[str, ...]


def advise(
    multiple: int,
    events_per_second: float,
    timing: BatchTiming,
    *,
    wru_per_event: float,
    maximum_concurrency: int,
    reserved_concurrency: int,
) -> Advice:
    """Which settings to change so ``events_per_second`` is drained with 30 % headroom."""
    needed = concurrency_needed(events_per_second, timing)
    wru = events_per_second * wru_per_event
    knobs: list[str] = []
    if needed <= maximum_concurrency:
        knobs.append(f"none: {needed} of maximum_concurrency {maximum_concurrency} needed")
    elif needed <= MAXIMUM_CONCURRENCY_LIMIT:
        knobs.append(f"maximum_concurrency -> {needed}")
        if needed >= reserved_concurrency:
            knobs.append(f"reserved_concurrency -> {needed + max(2, needed // 10)}")
    else:
        knobs.append(
            f"{needed} concurrent batches exceed the mapping's limit of {MAXIMUM_CONCURRENCY_LIMIT}:"
            " raise batch_size (more events per invocation) and maximum_concurrency to 1000"
        )
    if needed > ACCOUNT_CONCURRENCY // 2:
        knobs.append(f"Lambda account concurrency quota (default {ACCOUNT_CONCURRENCY}): request an increase")
    if events_per_second > SNS_QUOTA_CHECK_PER_SECOND:
        knobs.append("confirm the region's SNS Publish and SQS quotas in Service Quotas for this rate")
    if wru > TABLE_WRU_QUOTA_PER_SECOND:
        knobs.append(
            f"{wru:,.0f} WRU/s exceeds the per-table quota {TABLE_WRU_QUOTA_PER_SECOND:,}:"
            " request an increase and pre-warm the table and index (warm throughput)"
        )
    elif wru > ON_DEMAND_INITIAL_WRU_PER_SECOND:
        knobs.append(f"{wru:,.0f} WRU/s: set warm throughput on the table and index before the ramp")
    return Advice(multiple, events_per_second, needed, wru, tuple(knobs))

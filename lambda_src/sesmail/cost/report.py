"""Run the measurement for a set of knobs, price it, and render the report as a table or JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Final

from sesmail.cost.measure import measure_handler
from sesmail.cost.model import (
    Assumptions,
    CostReport,
    design_cost,
    fixed_monthly,
    measured_summary,
)
from sesmail.cost.prices import load_prices
from sesmail.cost.traffic import DEFAULT_MIX, events_per_mail, sqs_bodies

DEFAULT_SAMPLE_EVENTS: Final = 5000
PIPELINE_DESIGN: Final = "this pipeline (SNS raw -> SQS -> Lambda batches -> BatchWriteItem)"
BASELINE_DESIGN: Final = "aws-samples bounce-dashboard design (batch size 1, one PutItem per event)"


def estimate(
    *,
    region: str,
    batch_size: int,
    events_per_mail_override: float | None = None,
    assumptions: Assumptions | None = None,
    sample_events: int = DEFAULT_SAMPLE_EVENTS,
    mix: Mapping[str, float] = DEFAULT_MIX,
) -> CostReport:
    """Measure the handler at ``batch_size`` and at 1 (the baseline) over the same traffic, and price both.

    ``events_per_mail_override`` keeps the mix's proportions and changes how many events a mail makes.
    """
    prices = load_prices(region)
    assumptions = assumptions or Assumptions()
    per_mail = events_per_mail_override if events_per_mail_override is not None else events_per_mail(mix)
    bodies = [body for _, body in sqs_bodies(sample_events, mix)]
    latency = assumptions.dynamodb_latency_ms / 1000
    ours = measure_handler(bodies, batch_size, latency_seconds=latency)
    baseline = measure_handler(bodies, 1, latency_seconds=latency)
    return CostReport(
        region=region,
        prices_as_of=prices.as_of,
        currency=prices.currency,
        mix=mix,
        events_per_mail=per_mail,
        assumptions=assumptions,
        measured=measured_summary(ours, assumptions.memory_mb),
        pipeline=design_cost(PIPELINE_DESIGN, ours, per_mail, prices, assumptions),
        baseline=design_cost(BASELINE_DESIGN, baseline, per_mail, prices, assumptions),
        fixed_monthly=fixed_monthly(prices, len(ours.metric_names), assumptions),
        ses_per_1000_mails=prices["ses_per_1000_emails"],
        notes=(
            "Quantities are measured by running sesmail.handlers.persister.handler over generated traffic;"
            " see docs/cost.md for what is modelled.",
            "Free tiers and volume discounts are not applied.",
        ),
    )


def with_assumptions(base: Assumptions, **changes: object) -> Assumptions:
    return replace(base, **changes)  # type: ignore[arg-type]


def _money(value: float) -> str:
    return f"${value:.6f}"


def render_table(report: CostReport) -> str:
    data = report.as_dict()
    ours, base, measured = report.pipeline, report.baseline, report.measured
    width = max(len(f"{line.service} {line.what}") for line in ours.lines) + 2
    mix = ", ".join(f"{name} {share:g}" for name, share in report.mix.items())
    verdict = "met" if data["goal_met"] else "NOT met"
    out = [
        f"Pipeline cost per 1,000 mails, {report.region}, prices as of {report.prices_as_of}"
        f" ({report.currency})",
        f"event mix per mail: {mix}; {report.events_per_mail:g} events per mail",
        f"measured over {measured['events']} events: {measured['invocations']} invocations at batch size"
        f" {ours.batch_size}, {measured['dynamodb_requests']} BatchWriteItem, item"
        f" {measured['mean_item_bytes']:.0f} B, index entry {measured['mean_index_entry_bytes']:.0f} B"
        f" (incl. 100 B overhead), {measured['billed_ms_per_invocation']:.1f} billed ms per invocation",
        "",
        f"{'':<{width}}{'per 1,000 mails':>18}{'this pipeline':>16}{'batch 1 design':>16}",
    ]
    for mine, theirs in zip(ours.lines, base.lines, strict=True):
        label = f"{mine.service} {mine.what}"
        quantity = f"{mine.quantity:,.4g} {mine.unit}"
        out.append(f"{label:<{width}}{quantity:>18}{_money(mine.cost):>16}{_money(theirs.cost):>16}")
    ses = report.ses_per_1000_mails
    out += [
        f"{'total':<{width}}{'':>18}{_money(ours.total):>16}{_money(base.total):>16}",
        f"{'share of SES price':<{width}}{_money(ses):>18}{ours.total / ses:>16.1%}{base.total / ses:>16.1%}",
        f"goal <= {_money(report.goal_per_1000_mails)} per 1,000 mails: {verdict}",
        "",
        "fixed per month (no traffic needed):",
    ]
    for line in report.fixed_monthly:
        label = f"{line.service} {line.what}"
        out.append(f"  {label:<48}{line.quantity:>12,.0f} {line.unit:<13}{_money(line.cost):>12}")
    fixed = data["fixed_monthly"]
    out.append(
        f"  total {_money(fixed['total_per_month'])} per month"
        f" = {_money(fixed['per_1000_mails_at_volume'])} per 1,000 mails"
        f" at {report.assumptions.mails_per_month:,} mails/month;"
        f" all-in {_money(data['all_in_per_1000_mails'])} per 1,000 mails"
    )
    return "\n".join(out)


def render_json(report: CostReport) -> str:
    return json.dumps(report.as_dict(), indent=2, sort_keys=False)

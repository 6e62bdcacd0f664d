#!/usr/bin/env python3
"""Event pipeline cost per 1,000 mails, measured by running the real persister handler offline.

Generates SES events for a stated mix, runs sesmail.handlers.persister.handler over them in SQS batches
with a recording DynamoDB stand-in, and prices the counted requests, write units and bytes with the
dated price table in lambda_src/sesmail/cost/prices.json. Printed beside SES's own price and the
batch-size-1 design (aws-samples bounce dashboard). No AWS account or network needed. See docs/cost.md.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Final

from sesmail.cli import exits
from sesmail.cli.parser import CliParser, number_in
from sesmail.cost.model import Assumptions
from sesmail.cost.pipeline import ModuleReadError, read_pipeline_defaults
from sesmail.cost.prices import PriceError, known_regions
from sesmail.cost.report import DEFAULT_SAMPLE_EVENTS, estimate, render_json, render_table
from sesmail.cost.traffic import DEFAULT_MIX

DEFAULT_PRICE_REGION: Final = "eu-west-1"


def _event_types(text: str) -> dict[str, float]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in DEFAULT_MIX]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"--event-types takes names from {', '.join(DEFAULT_MIX)}; got {', '.join(unknown) or 'none'}"
        )
    return {name: DEFAULT_MIX[name] for name in names}


def build_parser(default_batch: int, default_memory: int, default_retention: int) -> argparse.ArgumentParser:
    parser = CliParser(
        prog="cost_model.py",
        description=f"{__doc__}\n--region picks the price table: {', '.join(known_regions())} "
        f"(default {DEFAULT_PRICE_REGION}).",
    )
    parser.add_argument("--format", choices=["table", "json"], default="table", help="output (default table)")
    parser.add_argument(
        "--batch-size",
        type=number_in(int, 1, 10_000),
        default=default_batch,
        help=f"SQS batch size of the event source mapping (default {default_batch}, the module's)",
    )
    parser.add_argument(
        "--events-per-mail",
        type=number_in(float, 0.01, 100),
        default=None,
        help="SES events per mail, keeping the mix's proportions (default: the mix's own sum)",
    )
    parser.add_argument(
        "--memory-mb",
        type=number_in(int, 128, 10_240),
        default=default_memory,
        help=f"persister memory (default {default_memory}, the module's)",
    )
    parser.add_argument(
        "--dynamodb-latency-ms",
        type=number_in(float, 0, 1000),
        default=8.0,
        help="time the function waits per BatchWriteItem (default 8)",
    )
    parser.add_argument(
        "--mails-per-month",
        type=number_in(int, 1, 10**12),
        default=1_000_000,
        help="volume over which fixed monthly costs are amortised (default 1000000)",
    )
    parser.add_argument(
        "--retention-days",
        type=number_in(int, 1, 3650),
        default=default_retention,
        help=f"days an event item is kept (default {default_retention}, the module's)",
    )
    parser.add_argument(
        "--event-types",
        type=_event_types,
        default=None,
        help="comma-separated event types the configuration set publishes, a subset of the mix"
        f" (default all: {', '.join(DEFAULT_MIX)})",
    )
    parser.add_argument(
        "--tracing",
        choices=["active", "off"],
        default="active",
        help="X-Ray tracing of the persister (default active)",
    )
    parser.add_argument(
        "--sample-events",
        type=number_in(int, 100, 200_000),
        default=DEFAULT_SAMPLE_EVENTS,
        help=f"generated events the handler processes (default {DEFAULT_SAMPLE_EVENTS})",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return exits.run(lambda: _report(argv), sys.stderr, input_errors=(ModuleReadError, PriceError))


def _report(argv: Sequence[str] | None) -> int:
    defaults = read_pipeline_defaults()
    args = build_parser(
        defaults.batch_size, defaults.lambda_memory_mb, defaults.event_retention_days
    ).parse_args(argv)
    assumptions = Assumptions(
        memory_mb=args.memory_mb,
        retention_days=args.retention_days,
        dynamodb_latency_ms=args.dynamodb_latency_ms,
        data_key_reuse_seconds=defaults.sqs_data_key_reuse_seconds,
        maximum_concurrency=defaults.maximum_concurrency,
        mails_per_month=args.mails_per_month,
        tracing=args.tracing == "active",
    )
    report = estimate(
        region=args.region or DEFAULT_PRICE_REGION,
        batch_size=args.batch_size,
        events_per_mail_override=args.events_per_mail,
        assumptions=assumptions,
        sample_events=args.sample_events,
        mix=args.event_types or DEFAULT_MIX,
    )
    print(render_json(report) if args.format == "json" else render_table(report))
    return int(exits.ExitCode.OK)


if __name__ == "__main__":
    sys.exit(main())

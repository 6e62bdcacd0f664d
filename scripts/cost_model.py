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
from typing import Final, NoReturn

from sesmail.cost.model import Assumptions
from sesmail.cost.pipeline import ModuleReadError, read_pipeline_defaults
from sesmail.cost.prices import PriceError, known_regions
from sesmail.cost.report import DEFAULT_SAMPLE_EVENTS, estimate, render_json, render_table
from sesmail.cost.traffic import DEFAULT_MIX

EXIT_OK: Final = 0
EXIT_INPUT: Final = 2
EXIT_CODES_HELP: Final = """exit codes:
  0  report printed
  2  bad input: unknown option or region, a number out of range, an unreadable price table or
     Terraform module (one line on stderr, no report)"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_INPUT, f"cost_model: {message}\n")


def _bounded(kind: type[int] | type[float], low: float, high: float, name: str) -> object:
    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a number, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{name} must be between {low:g} and {high:g}, got {text}")
        return value

    return parse


def _event_types(text: str) -> dict[str, float]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in DEFAULT_MIX]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"--event-types takes names from {', '.join(DEFAULT_MIX)}; got {', '.join(unknown) or 'none'}"
        )
    return {name: DEFAULT_MIX[name] for name in names}


def build_parser(default_batch: int, default_memory: int, default_retention: int) -> argparse.ArgumentParser:
    parser = _Parser(
        prog="cost_model.py",
        description=__doc__,
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--format", choices=["table", "json"], default="table", help="output (default table)")
    parser.add_argument(
        "--region",
        default="eu-west-1",
        help=f"price region, one of {', '.join(known_regions())} (default eu-west-1)",
    )
    parser.add_argument(
        "--batch-size",
        type=_bounded(int, 1, 10_000, "--batch-size"),  # type: ignore[arg-type]
        default=default_batch,
        help=f"SQS batch size of the event source mapping (default {default_batch}, the module's)",
    )
    parser.add_argument(
        "--events-per-mail",
        type=_bounded(float, 0.01, 100, "--events-per-mail"),  # type: ignore[arg-type]
        default=None,
        help="SES events per mail, keeping the mix's proportions (default: the mix's own sum)",
    )
    parser.add_argument(
        "--memory-mb",
        type=_bounded(int, 128, 10_240, "--memory-mb"),  # type: ignore[arg-type]
        default=default_memory,
        help=f"persister memory (default {default_memory}, the module's)",
    )
    parser.add_argument(
        "--dynamodb-latency-ms",
        type=_bounded(float, 0, 1000, "--dynamodb-latency-ms"),  # type: ignore[arg-type]
        default=8.0,
        help="time the function waits per BatchWriteItem (default 8)",
    )
    parser.add_argument(
        "--mails-per-month",
        type=_bounded(int, 1, 10**12, "--mails-per-month"),  # type: ignore[arg-type]
        default=1_000_000,
        help="volume over which fixed monthly costs are amortised (default 1000000)",
    )
    parser.add_argument(
        "--retention-days",
        type=_bounded(int, 1, 3650, "--retention-days"),  # type: ignore[arg-type]
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
        type=_bounded(int, 100, 200_000, "--sample-events"),  # type: ignore[arg-type]
        default=DEFAULT_SAMPLE_EVENTS,
        help=f"generated events the handler processes (default {DEFAULT_SAMPLE_EVENTS})",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        defaults = read_pipeline_defaults()
    except ModuleReadError as error:
        print(f"cost_model: {error}", file=sys.stderr)
        return EXIT_INPUT
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
    try:
        report = estimate(
            region=args.region,
            batch_size=args.batch_size,
            events_per_mail_override=args.events_per_mail,
            assumptions=assumptions,
            sample_events=args.sample_events,
            mix=args.event_types or DEFAULT_MIX,
        )
    except PriceError as error:
        print(f"cost_model: {error}", file=sys.stderr)
        return EXIT_INPUT
    print(render_json(report) if args.format == "json" else render_table(report))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

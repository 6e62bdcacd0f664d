#!/usr/bin/env python3
"""Audit the SES account-level suppression list with stored evidence, and remove entries safely.

    audit_suppression.py [list] [options]          every suppressed address, classified, with evidence
    audit_suppression.py check ADDRESS [options]   one address: suppressed?, since, why, advice

The classification table is in ``sesmail/suppression/domain.py`` and docs/suppression-audit.md; the
pipeline, removal and report live in ``sesmail/suppression/`` (this script only parses arguments).
Removal is a dry run unless ``--apply``; run ``--help`` on each subcommand for every option.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from sesmail.cli import exits
from sesmail.cli.parser import CliParser, number_in, positive_float
from sesmail.cli.render import FORMATS
from sesmail.suppression.api import MAX_PAGE_SIZE
from sesmail.suppression.audit import Runtime, run_check, run_list
from sesmail.suppression.domain import (
    DEFAULT_STALE_DAYS,
    InvalidInputError,
    SuppressionClass,
    SuppressionReason,
)

DEFAULT_AUDIT_LOG: Final = "suppression-audit.jsonl"
DEFAULT_BULK_THRESHOLD: Final = 1000
DEFAULT_WORKERS: Final = 8


def _global_options(parser: argparse.ArgumentParser) -> None:
    aws = parser.add_argument_group("event store and pacing")
    aws.add_argument(
        "--table",
        default=os.environ.get("EVENTS_TABLE_NAME"),
        help="event table holding stored SES events (default: $EVENTS_TABLE_NAME); required",
    )
    aws.add_argument(
        "--stale-days",
        type=number_in(int, 1, 36500),
        default=DEFAULT_STALE_DAYS,
        help=f"entries listed longer than this are class 'stale' (default {DEFAULT_STALE_DAYS})",
    )
    aws.add_argument(
        "--rate",
        type=positive_float,
        default=1.0,
        help="SESv2 requests per second, shared by listing and removal (default 1; SES throttles ~1/s)",
    )


def build_parser() -> CliParser:
    parser = CliParser(
        global_options=_global_options,
        default_command="list",
        prog="audit_suppression.py",
        description="Audit the SES account-level suppression list with evidence from the event store, "
        "and remove entries safely. 'list' is the default subcommand.",
    )

    listing = parser.add_command(
        "list",
        help="every suppressed address, classified, with evidence (default)",
        description=textwrap.fill(
            "List the suppression list, look up evidence for each address, classify, report; optionally "
            "remove selected classes (dry run unless --apply). Classes: "
            + ", ".join(k.value for k in SuppressionClass)
            + ". Rows spool to a temporary file so the summary can come first.",
            width=100,
            break_on_hyphens=False,
        ),
    )
    filters = listing.add_argument_group("listing")
    filters.add_argument(
        "--reason",
        type=str.upper,
        choices=[r.value for r in SuppressionReason],
        help="only entries suppressed for this reason: BOUNCE or COMPLAINT (default: both)",
    )
    filters.add_argument(
        "--since", help="only entries listed at/after this time: YYYY-MM-DD, ISO-8601 date-time, or Nd"
    )
    filters.add_argument("--until", help="only entries listed before this time (same formats as --since)")
    filters.add_argument(
        "--address",
        action="append",
        metavar="ADDRESS",
        help="only this address (repeatable): its entry is read with GetSuppressedDestination instead of "
        "listing the whole list; with --remove, the support console's one-address removal",
    )
    filters.add_argument(
        "--page-size",
        type=number_in(int, 1, MAX_PAGE_SIZE),
        default=MAX_PAGE_SIZE,
        help=f"entries per ListSuppressedDestinations page, 1-{MAX_PAGE_SIZE} (default {MAX_PAGE_SIZE})",
    )
    filters.add_argument(
        "--workers",
        type=number_in(int, 1, 64),
        default=DEFAULT_WORKERS,
        help=f"concurrent evidence lookups, 1-64 (default {DEFAULT_WORKERS})",
    )
    report = listing.add_argument_group("report")
    report.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="table: summary then rows; csv: rows only (summary on stderr); json: one object with "
        "summary and rows (default table)",
    )
    report.add_argument(
        "--output", type=Path, help="write the report to FILE atomically (default: stdout)", metavar="FILE"
    )
    removal = listing.add_argument_group("removal (dry run unless --apply)")
    removal.add_argument(
        "--remove",
        metavar="CLASS[,CLASS]",
        help="select classes to remove; without --apply prints 'would remove <address> (<class>)'",
    )
    removal.add_argument("--apply", action="store_true", help="really remove the selected entries")
    removal.add_argument(
        "--yes", action="store_true", help="do not ask for confirmation (needed without a TTY)"
    )
    removal.add_argument(
        "--include-complaints",
        action="store_true",
        help="allow removing class 'complaint' (refused otherwise)",
    )
    removal.add_argument(
        "--audit-log",
        type=Path,
        default=Path(DEFAULT_AUDIT_LOG),
        help=f"JSONL file each removal is appended to (default {DEFAULT_AUDIT_LOG})",
    )
    removal.add_argument(
        "--audit-s3-uri",
        help="also upload this run's audit records to s3://bucket/prefix/ (one object per run)",
    )
    removal.add_argument(
        "--bulk-threshold",
        type=number_in(int, 1, 10_000_000),
        default=DEFAULT_BULK_THRESHOLD,
        help=f"above this many removals use CreateImportJob DELETE, if --bulk-s3-uri is set "
        f"(default {DEFAULT_BULK_THRESHOLD})",
    )
    removal.add_argument(
        "--bulk-s3-uri",
        help="s3://bucket/prefix/ where the DELETE import CSVs are written (SES must be able to read it)",
    )

    check = parser.add_command(
        "check",
        help="one address: suppressed or not, since when, why, evidence, recommendation",
        description="The support workflow in one command: is ADDRESS suppressed, since when, why, what "
        "the event store says, and what to do.",
    )
    check.add_argument("address", metavar="ADDRESS", help="the email address to check")
    check.add_argument(
        "--format", choices=("table", "json"), default="table", help="output format (default table)"
    )
    return parser


def main(argv: Sequence[str] | None = None, runtime: Runtime | None = None) -> int:
    runtime = runtime or Runtime()
    logging.basicConfig(level=logging.WARNING, format="audit_suppression: %(levelname)s %(message)s")
    args = build_parser().parse_args(argv)
    run = run_check if args.command == "check" else run_list
    return exits.run(lambda: run(args, runtime), runtime.stderr, input_errors=(InvalidInputError,))


if __name__ == "__main__":
    sys.exit(main())

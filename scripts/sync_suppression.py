#!/usr/bin/env python3
"""Copy the SES account-level suppression list from the primary region to the standby region.

    sync_suppression.py --target-region eu-central-1 [--source-region eu-west-1] [options]

A dry run unless --apply: prints what it would add or update ("would add <address> (BOUNCE)").
--apply asks for confirmation (or --yes) and appends one JSON line per write to the audit log. Entries
only in the target are kept unless --delete-missing (see docs/suppression-sync.md for why). The logic
lives in ``sesmail/suppression/sync.py``; a Lambda (``sesmail.handlers.suppression_sync``) runs the
same sync on a schedule.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from sesmail.cli import exits
from sesmail.cli.parser import CliParser, positive_float
from sesmail.suppression.sync import SyncRuntime, run_sync

DEFAULT_AUDIT_LOG: Final = "suppression-sync.jsonl"


def build_parser() -> CliParser:
    parser = CliParser(
        prog="sync_suppression.py",
        description="Copy suppression-list entries present in the source (primary) region and missing, or "
        "listed for another reason, in the target (standby) region. Dry run unless --apply; never "
        "deletes in the target unless --delete-missing.",
    )
    parser.add_argument(
        "--source-region", help="region copied from (default: --region, then AWS_REGION / the profile)"
    )
    parser.add_argument("--target-region", required=True, help="region copied to (the standby)")
    parser.add_argument(
        "--rate",
        type=positive_float,
        default=1.0,
        help="SESv2 requests per second in each region, listing and writes (default 1; SES throttles ~1/s)",
    )
    parser.add_argument("--apply", action="store_true", help="really write the changes to the target")
    parser.add_argument(
        "--yes", action="store_true", help="do not ask for confirmation (needed without a TTY)"
    )
    parser.add_argument(
        "--delete-missing",
        action="store_true",
        help="also delete target entries absent from the source (dangerous: the standby's own bounces "
        "and complaints are such entries; see docs/suppression-sync.md)",
    )
    parser.add_argument(
        "--audit-log",
        type=Path,
        default=Path(DEFAULT_AUDIT_LOG),
        help=f"JSONL file each write is appended to (default {DEFAULT_AUDIT_LOG})",
    )
    return parser


def main(argv: Sequence[str] | None = None, runtime: SyncRuntime | None = None) -> int:
    runtime = runtime or SyncRuntime()
    logging.basicConfig(level=logging.WARNING, format="sync_suppression: %(levelname)s %(message)s")
    args = build_parser().parse_args(argv)
    return exits.run(lambda: run_sync(args, runtime), runtime.stderr)


if __name__ == "__main__":
    sys.exit(main())

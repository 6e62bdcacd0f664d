#!/usr/bin/env python3
"""Show, pause and resume sending per SES configuration set (never the whole account).

Subcommands (each has --help):
  status  account sending state, enforcement status, 24-hour quota use, and each configuration set
  pause   stop sending through the named configuration sets (--configuration-set NAME ... or --all)
  resume  start sending through them again (SES restarts the sets' reputation metrics)

pause and resume are dry runs unless --apply; they ask for confirmation unless --yes and append one
JSON line per configuration set changed to the audit log. When to pause and when to resume:
docs/runbooks/ses-bounce-rate.md and ses-complaint-rate.md.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

from sesmail.cli import exits
from sesmail.cli.parser import CliParser
from sesmail.cli.prompt import ask_on
from sesmail.operations.commands import DEFAULT_AUDIT_LOG, Clients, cmd_set_sending, cmd_status


def set_options(command: argparse.ArgumentParser, verb: str) -> None:
    command.add_argument(
        "--configuration-set",
        action="append",
        default=[],
        metavar="NAME",
        help=f"configuration set to {verb} (repeatable)",
    )
    command.add_argument("--all", action="store_true", help=f"{verb} every configuration set of the region")
    command.add_argument("--apply", action="store_true", help=f"{verb} for real (default: dry run)")
    command.add_argument("--yes", action="store_true", help="do not ask for confirmation (with --apply)")
    command.add_argument("--reason", default="", help="why, recorded in the audit log (e.g. an incident ID)")
    command.add_argument(
        "--audit-log",
        type=Path,
        default=Path(DEFAULT_AUDIT_LOG),
        metavar="FILE",
        help=f"append one JSON line per configuration set changed (default {DEFAULT_AUDIT_LOG})",
    )


def build_parser() -> CliParser:
    parser = CliParser(prog="sending.py", description=__doc__)
    status = parser.add_command(
        "status",
        help="account and configuration-set sending state, quota use",
        description="Reads sesv2 GetAccount and each configuration set (all of the region unless "
        "--configuration-set). Read-only.",
    )
    status.add_argument(
        "--configuration-set", action="append", default=[], metavar="NAME", help="only this set (repeatable)"
    )
    status.add_argument("--format", choices=("text", "json"), default="text", help="output (default text)")
    set_options(
        parser.add_command(
            "pause",
            help="pause sending through configuration sets",
            description="PutConfigurationSetSendingOptions SendingEnabled=false for each named set that "
            "is sending. Mail sent through a paused set is refused by SES; other sets keep sending.",
        ),
        "pause",
    )
    set_options(
        parser.add_command(
            "resume",
            help="resume sending through configuration sets",
            description="PutConfigurationSetSendingOptions SendingEnabled=true for each named set that "
            "is paused. SES restarts the set's reputation metrics from zero.",
        ),
        "resume",
    )
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    clients: Clients | None = None,
    out: IO[str] | None = None,
    stdin: IO[str] | None = None,
    stdin_is_tty: Callable[[], bool] | None = None,
) -> int:
    output = out or sys.stdout
    args = build_parser().parse_args(argv)
    aws = clients or Clients.for_region(args.region)
    source = stdin or sys.stdin

    def body() -> int:
        if args.command == "status":
            return cmd_status(args, aws, output)
        return cmd_set_sending(
            args,
            aws,
            output,
            ask_on(source, output),
            stdin_is_tty or source.isatty,
            sending_enabled=args.command == "resume",
        )

    return exits.run(body, sys.stderr, input_errors=(), aws_errors=())


if __name__ == "__main__":
    sys.exit(main())

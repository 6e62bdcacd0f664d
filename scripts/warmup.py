#!/usr/bin/env python3
"""Plan a sending warm-up ramp, watch it, gate it on reputation and publish the daily cap.

Subcommands (each has --help):
  plan    day-by-day schedule from --start to --target over --days; --save writes the plan file
  status  today's step and cap, volume sent, bounce/complaint/delay rates, account enforcement status
  gate    advance / hold / step back from the documented thresholds; --apply publishes the cap to SSM
  ips     dedicated IPs' warm-up percentage; --set-percentage --ip --apply changes one

Writes (gate, ips) are dry-runs unless --apply; they ask for confirmation unless --yes and append one
JSON line per write to the audit log. See docs/warmup.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from sesmail.cli import exits
from sesmail.cli.parser import CliParser
from sesmail.cli.prompt import ask_on
from sesmail.warmup.commands import cmd_gate, cmd_ips, cmd_plan, cmd_status
from sesmail.warmup.observe import Clients
from sesmail.warmup.schedule import ENVS, GROWTHS, GateThresholds, WarmupInputError

DEFAULT_AUDIT_LOG = "warmup-audit.jsonl"


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None


def _at_least_one(text: str) -> int:
    value = _integer(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not at least 1")
    return value


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not a fraction between 0 and 1 (0.02 = 2 %)")
    return value


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def write_options(command: argparse.ArgumentParser, what: str) -> None:
    """--apply / --yes / --audit-log: the same guard on every subcommand that writes."""
    command.add_argument("--apply", action="store_true", help=f"{what} (default: dry-run)")
    command.add_argument("--yes", action="store_true", help="do not ask for confirmation (with --apply)")
    command.add_argument(
        "--audit-log",
        type=Path,
        default=Path(DEFAULT_AUDIT_LOG),
        metavar="FILE",
        help=f"append one JSON line per write here (default {DEFAULT_AUDIT_LOG})",
    )


def build_parser() -> CliParser:
    parser = CliParser(
        prog="warmup.py",
        description=__doc__,
    )

    plan = parser.add_command(
        "plan",
        help="print (and --save) a day-by-day schedule",
        description="Day 1 sends --start, the last day --target; volumes are integers and never decrease. "
        "A --target above the account's Max24HourSend is refused (request a quota increase first).",
    )
    plan.add_argument("--start", type=_integer, required=True, help="day-1 volume (recipients), >= 1")
    plan.add_argument("--target", type=_integer, required=True, help="last-day volume, >= --start")
    plan.add_argument("--days", type=_integer, required=True, help="length of the ramp in days, >= 1")
    plan.add_argument(
        "--growth", choices=GROWTHS, default="geometric", help="daily growth (default geometric)"
    )
    plan.add_argument(
        "--split", help="shares per mailbox provider, e.g. gmail=0.4,outlook=0.3,other=0.3 (sum 1)"
    )
    plan.add_argument(
        "--quota",
        type=_at_least_one,
        help="24-hour send quota; with it, plan needs no AWS access (default: sesv2 GetAccount, "
        "which needs AWS credentials and a region)",
    )
    plan.add_argument("--domain", help="sending domain (required with --save)")
    plan.add_argument(
        "--env", choices=ENVS, help="environment of the SSM cap parameter (required with --save)"
    )
    plan.add_argument(
        "--configuration-set", help="configuration set whose metrics status/gate read (optional)"
    )
    plan.add_argument("--start-date", type=_date, help="date of day 1, YYYY-MM-DD (default: today, UTC)")
    plan.add_argument(
        "--format", choices=("table", "csv", "json"), default="table", help="output (default table)"
    )
    plan.add_argument("--save", type=Path, help="write the plan file (.json, .yaml or .yml)")

    def plan_file_options(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--plan", type=Path, required=True, metavar="FILE", help="plan file written by 'plan --save'"
        )
        command.add_argument(
            "--domain", help="refuse unless the plan file is for this domain (a safety check)"
        )
        command.add_argument(
            "--window-hours",
            type=_at_least_one,
            default=24,
            metavar="N",
            help="metrics window in hours (default 24)",
        )

    status = parser.add_command(
        "status",
        help="today's step and cap, volume sent, rates, delays, enforcement status",
        description="Reads CloudWatch AWS/SES sums (per configuration set when the plan names one), the "
        "published cap from SSM and the account from sesv2 GetAccount. Read-only.",
    )
    plan_file_options(status)
    status.add_argument(
        "--events-table", help="event table name: adds DeliveryDelay counts by delayType (a filtered Scan)"
    )
    status.add_argument("--format", choices=("text", "json"), default="text", help="output (default text)")

    gate = parser.add_command(
        "gate",
        help="decide advance / hold / step back; --apply publishes the daily cap",
        description="Applies the decision table in docs/warmup.md. Dry-run unless --apply; --apply writes "
        "/ses/<env>/warmup/<domain>/daily_cap (JSON: daily_cap, step, decided_at, decision, step_since).",
    )
    plan_file_options(gate)
    write_options(gate, "write the parameter")
    defaults = GateThresholds()
    for name, help_text in (
        ("hold_bounce_rate", "hold above this bounce rate"),
        ("hold_complaint_rate", "hold above this complaint rate"),
        ("hold_delay_rate", "hold above this DeliveryDelay/Send ratio"),
        ("step_back_bounce_rate", "step back above this bounce rate"),
        ("step_back_complaint_rate", "step back above this complaint rate"),
        ("min_utilisation", "hold while sends are below this fraction of the cap (0 disables)"),
    ):
        default = getattr(defaults, name)
        gate.add_argument(
            "--" + name.replace("_", "-"),
            type=_fraction,
            default=default,
            help=f"{help_text} (default {default:g})",
        )

    ips = parser.add_command(
        "ips",
        help="dedicated IPs' warm-up; --set-percentage --ip --apply changes one",
        description="Lists sesv2 GetDedicatedIps. With --set-percentage and --ip, calls "
        "PutDedicatedIpWarmupAttributes (dry-run unless --apply).",
    )
    ips.add_argument("--pool", help="only this dedicated IP pool")
    ips.add_argument("--ip", help="the IP whose warm-up percentage --set-percentage changes")
    ips.add_argument("--set-percentage", type=_integer, help="new warm-up percentage, 0-100")
    write_options(ips, "make the change")
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    clients: Clients | None = None,
    now: dt.datetime | None = None,
    out: IO[str] | None = None,
    stdin: IO[str] | None = None,
) -> int:
    output = out or sys.stdout
    args = build_parser().parse_args(argv)
    aws = clients or Clients.for_region(args.region)
    moment = now or dt.datetime.now(dt.UTC)

    def body() -> int:
        if args.command == "plan":
            return cmd_plan(args, aws, moment, output)
        if args.command == "status":
            return cmd_status(args, aws, moment, output)
        write_command = cmd_gate if args.command == "gate" else cmd_ips
        return write_command(args, aws, moment, output, ask_on(stdin or sys.stdin, output))

    return exits.run(body, sys.stderr, input_errors=(WarmupInputError,))


if __name__ == "__main__":
    sys.exit(main())

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
import csv
import datetime as dt
import getpass
import io
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final, NoReturn

import yaml

from sesmail.aws.calls import AwsCallError, AwsSetupError
from sesmail.warmup import aws as warmup_aws
from sesmail.warmup.schedule import (
    ENVS,
    GROWTHS,
    Action,
    CapRecord,
    Decision,
    GateThresholds,
    SendingMetrics,
    WarmupInputError,
    WarmupPlan,
    decide_gate,
    next_cap_record,
    parse_split,
    schedule_rows,
    validate_domain,
    warmup_schedule,
)

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch import CloudWatchClient
    from mypy_boto3_dynamodb.service_resource import Table
    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_ssm import SSMClient

EXIT_OK: Final = 0
EXIT_AWS: Final = 1
EXIT_INPUT: Final = 2
EXIT_DECLINED: Final = 3
EXIT_CODES_HELP: Final = """exit codes:
  0  success (a dry-run, or every requested write done)
  1  an AWS call failed (throttled past retries, access denied, service error)
  2  bad input: invalid option, plan file or published cap; --domain not the plan's; AWS not configured
  3  a write was declined at the confirmation prompt (nothing written)"""
DEFAULT_AUDIT_LOG: Final = "warmup-audit.jsonl"


class UsageError(Exception):
    """Bad input detected by the CLI itself (exit 2)."""


class DeclinedError(Exception):
    """The operator answered no at the confirmation prompt (exit 3)."""


@dataclass
class Clients:
    """AWS clients, each created on first use; tests pass stubbed or moto-backed factories."""

    make_sesv2: Callable[[], SESV2Client] = lambda: warmup_aws.client("sesv2")
    make_cloudwatch: Callable[[], CloudWatchClient] = lambda: warmup_aws.client("cloudwatch")
    make_ssm: Callable[[], SSMClient] = lambda: warmup_aws.client("ssm")
    table_factory: Callable[[str], Table] = warmup_aws.events_table

    @cached_property
    def sesv2(self) -> SESV2Client:
        return self.make_sesv2()

    @cached_property
    def cloudwatch(self) -> CloudWatchClient:
        return self.make_cloudwatch()

    @cached_property
    def ssm(self) -> SSMClient:
        return self.make_ssm()


# --- argument parsing -----------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """argparse that reports bad input as one line and exit 2 (its default is usage + exit 2)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


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


def build_parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = _Parser(
        prog="warmup.py",
        description=__doc__,
        epilog=EXIT_CODES_HELP,
        formatter_class=formatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    plan = sub.add_parser(
        "plan",
        help="print (and --save) a day-by-day schedule",
        description="Day 1 sends --start, the last day --target; volumes are integers and never decrease. "
        "A --target above the account's Max24HourSend is refused (request a quota increase first).",
        epilog=EXIT_CODES_HELP,
        formatter_class=formatter,
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
        "--quota", type=_at_least_one, help="24-hour send quota for offline use (default: sesv2 GetAccount)"
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

    status = sub.add_parser(
        "status",
        help="today's step and cap, volume sent, rates, delays, enforcement status",
        description="Reads CloudWatch AWS/SES sums (per configuration set when the plan names one), the "
        "published cap from SSM and the account from sesv2 GetAccount. Read-only.",
        epilog=EXIT_CODES_HELP,
        formatter_class=formatter,
    )
    plan_file_options(status)
    status.add_argument(
        "--events-table", help="event table name: adds DeliveryDelay counts by delayType (a filtered Scan)"
    )
    status.add_argument("--format", choices=("text", "json"), default="text", help="output (default text)")

    gate = sub.add_parser(
        "gate",
        help="decide advance / hold / step back; --apply publishes the daily cap",
        description="Applies the decision table in docs/warmup.md. Dry-run unless --apply; --apply writes "
        "/ses/<env>/warmup/<domain>/daily_cap (JSON: daily_cap, step, decided_at, decision, step_since).",
        epilog=EXIT_CODES_HELP,
        formatter_class=formatter,
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

    ips = sub.add_parser(
        "ips",
        help="dedicated IPs' warm-up; --set-percentage --ip --apply changes one",
        description="Lists sesv2 GetDedicatedIps. With --set-percentage and --ip, calls "
        "PutDedicatedIpWarmupAttributes (dry-run unless --apply).",
        epilog=EXIT_CODES_HELP,
        formatter_class=formatter,
    )
    ips.add_argument("--pool", help="only this dedicated IP pool")
    ips.add_argument("--ip", help="the IP whose warm-up percentage --set-percentage changes")
    ips.add_argument("--set-percentage", type=_integer, help="new warm-up percentage, 0-100")
    write_options(ips, "make the change")
    return parser


# --- plan files -----------------------------------------------------------------------------------


def save_plan(plan: WarmupPlan, path: Path) -> None:
    """Write atomically (temp file + rename): a plan file is never half-written."""
    data = plan.to_dict()
    if path.suffix in (".yaml", ".yml"):
        text = yaml.safe_dump(data, sort_keys=False)
    elif path.suffix == ".json":
        text = json.dumps(data, indent=2) + "\n"
    else:
        raise UsageError(f"--save {path}: use a .json, .yaml or .yml file name")
    temp = path.with_name(f".{path.name}.tmp")
    try:
        temp.write_text(text)
        temp.replace(path)
    except OSError as error:
        raise UsageError(f"--save {path}: {error.strerror}") from None


def load_plan(path: Path, domain: str | None) -> WarmupPlan:
    try:
        text = path.read_text()
    except OSError as error:
        raise UsageError(f"--plan {path}: {error.strerror}") from None
    try:
        data = yaml.safe_load(text) if path.suffix in (".yaml", ".yml") else json.loads(text)
    except (yaml.YAMLError, json.JSONDecodeError) as error:
        raise UsageError(
            f"--plan {path}: not valid {'YAML' if path.suffix != '.json' else 'JSON'}: {error}"
        ) from None
    plan = WarmupPlan.from_dict(data)
    if domain is not None and domain != plan.domain:
        raise UsageError(f"--domain {domain} is not in plan file {path} (it is for {plan.domain})")
    return plan


# --- output helpers -------------------------------------------------------------------------------


def render_table(rows: Sequence[dict[str, Any]]) -> str:
    """Aligned columns: numbers to the right, text to the left."""
    if not rows:
        return ""
    columns = list(rows[0])
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in columns}
    numeric = {c: all(isinstance(r[c], int | float) for r in rows) for c in columns}

    def line(values: dict[str, Any]) -> str:
        cells = [
            str(values[c]).rjust(widths[c]) if numeric[c] else str(values[c]).ljust(widths[c])
            for c in columns
        ]
        return "  ".join(cells).rstrip()

    return "\n".join([line({c: c for c in columns}), *(line(r) for r in rows)])


def render_csv(rows: Sequence[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().rstrip("\n")


def _pct(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate:.3%}"


def confirm(question: str, stdin: IO[str], stdout: IO[str]) -> None:
    stdout.write(f"{question} [y/N] ")
    stdout.flush()
    if stdin.readline().strip().lower() not in ("y", "yes"):
        raise DeclinedError("declined: nothing written")


def open_audit_log(path: Path) -> IO[str]:
    """Open before writing to AWS: an unwritable audit log stops the change instead of losing its trail."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return path.open("a", encoding="utf-8")
    except OSError as error:
        raise UsageError(f"--audit-log {path}: {error.strerror}") from None


def _operator() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers: the audit line must still be written
        return "unknown"


def audit(handle: IO[str], now: dt.datetime, entry: dict[str, Any]) -> None:
    line = {"at": now.isoformat(timespec="seconds"), "user": _operator(), "tool": "warmup.py", **entry}
    handle.write(json.dumps(line, sort_keys=True, default=str) + "\n")
    handle.flush()


def guarded_write(
    args: argparse.Namespace,
    what: str,
    write: Callable[[], object],
    entry: dict[str, Any],
    *,
    now: dt.datetime,
    out: IO[str],
    stdin: IO[str],
) -> int:
    """Dry-run unless --apply; then confirm (unless --yes), write, and append the audit line."""
    if not args.apply:
        print(f"dry-run: would {what} (use --apply)", file=out)
        return EXIT_OK
    with open_audit_log(args.audit_log) as log:
        if not args.yes:
            confirm(f"{what}?", stdin, out)
        write()
        audit(log, now, entry)
    print(f"done: {what}", file=out)
    return EXIT_OK


# --- subcommands ----------------------------------------------------------------------------------


def cmd_plan(args: argparse.Namespace, clients: Clients, now: dt.datetime, out: IO[str]) -> int:
    if args.save and not (args.domain and args.env):
        raise UsageError("--save needs --domain and --env (they name the SSM cap parameter)")
    split = parse_split(args.split) if args.split else None
    if args.domain:
        validate_domain(args.domain)
    quota = args.quota
    if quota is None:
        quota = warmup_aws.get_account(clients.sesv2).max_24_hour_send
    schedule = warmup_schedule(args.start, args.target, args.days, args.growth, quota)
    plan = WarmupPlan(
        domain=args.domain or "unsaved.invalid",
        env=args.env or "local",
        start_date=args.start_date or now.date(),
        growth=args.growth,
        schedule=tuple(schedule),
        split=split,
        configuration_set=args.configuration_set,
        quota=quota,
    )
    if args.format == "json":
        data = plan.to_dict()
        # Unsaved plans print without a domain/env rather than with made-up ones.
        data.update(domain=args.domain, env=args.env)
        print(json.dumps(data, indent=2), file=out)
    elif args.format == "csv":
        print(render_csv(schedule_rows(plan)), file=out)
    else:
        print(render_table(schedule_rows(plan)), file=out)
        print(f"total {sum(schedule)} over {plan.days} days; quota {quota}", file=out)
    if args.save:
        save_plan(plan, args.save)
        print(f"saved {args.save}", file=sys.stderr)
    return EXIT_OK


@dataclass(frozen=True)
class Observation:
    """Everything status and gate read from AWS, in one place."""

    account: warmup_aws.AccountView
    metrics: SendingMetrics
    published: CapRecord | None


def observe(
    plan: WarmupPlan,
    clients: Clients,
    now: dt.datetime,
    window: dt.timedelta,
    events_table: str | None = None,
) -> Observation:
    account = warmup_aws.get_account(clients.sesv2)
    delays_by_type = (
        warmup_aws.count_delays_by_type(
            clients.table_factory(events_table), since=now - window, configuration_set=plan.configuration_set
        )
        if events_table
        else None
    )
    metrics = warmup_aws.sending_metrics(
        clients.cloudwatch,
        end=now,
        window=window,
        configuration_set=plan.configuration_set,
        enforcement_status=account.enforcement_status,
        delays_by_type=delays_by_type,
    )
    published = warmup_aws.read_cap(clients.ssm, plan.env, plan.domain)
    return Observation(account=account, metrics=metrics, published=published)


def cmd_status(args: argparse.Namespace, clients: Clients, now: dt.datetime, out: IO[str]) -> int:
    plan = load_plan(args.plan, args.domain)
    window = dt.timedelta(hours=args.window_hours)
    seen = observe(plan, clients, now, window, args.events_table)
    scheduled = plan.scheduled_step(now.date())
    metrics = seen.metrics
    report = {
        "domain": plan.domain,
        "env": plan.env,
        "configuration_set": plan.configuration_set,
        "scheduled_step": scheduled,
        "scheduled_cap": plan.cap_for_step(scheduled) if scheduled else 0,
        "published": seen.published.to_json_dict() if seen.published else None,
        "window_hours": args.window_hours,
        "sends": metrics.sends,
        "bounces": metrics.bounces,
        "complaints": metrics.complaints,
        "delivery_delays": metrics.delays,
        "delays_by_type": dict(metrics.delays_by_type) if args.events_table else None,
        "bounce_rate": metrics.bounce_rate,
        "complaint_rate": metrics.complaint_rate,
        "delay_rate": metrics.delay_rate,
        "enforcement_status": seen.account.enforcement_status,
        "max_24_hour_send": seen.account.max_24_hour_send,
        "account_sent_last_24_hours": seen.account.sent_last_24_hours,
    }
    if args.format == "json":
        print(json.dumps(report, indent=2), file=out)
        return EXIT_OK
    published = seen.published
    lines = [
        f"domain {plan.domain} ({plan.env}), plan {plan.days} days from {plan.start_date}",
        f"calendar step {scheduled}/{plan.days}, scheduled cap {report['scheduled_cap']}",
        (
            f"published cap {published.daily_cap} (step {published.step}, {published.decision.value} "
            f"at {published.decided_at.isoformat(timespec='minutes')})"
            + (
                f"; {scheduled - published.step} step(s) behind the calendar"
                if scheduled > published.step
                else ""
            )
            if published
            else "published cap: none (run 'gate --apply' to publish step 1)"
        ),
        f"last {args.window_hours} h{' in ' + plan.configuration_set if plan.configuration_set else ''}: "
        f"{metrics.sends} sent, {metrics.bounces} bounces, {metrics.complaints} complaints, "
        f"{metrics.delays} delivery delays",
        f"bounce rate {_pct(metrics.bounce_rate)}, complaint rate {_pct(metrics.complaint_rate)}, "
        f"delay rate {_pct(metrics.delay_rate)} (rates: worst of window counts and SES reputation metric)",
    ]
    if args.events_table:
        by_type = ", ".join(f"{k} {v}" for k, v in metrics.delays_by_type.items()) or "none"
        lines.append(f"delays by type: {by_type} (IPFailure / SendingDeferral = receivers pushing back)")
    lines.append(
        f"account: EnforcementStatus {seen.account.enforcement_status or 'unknown'}, "
        f"sent {seen.account.sent_last_24_hours} of {seen.account.max_24_hour_send} in 24 h"
    )
    print("\n".join(lines), file=out)
    return EXIT_OK


def describe_decision(decision: Decision, plan: WarmupPlan) -> str:
    head = (
        f"{decision.action.value}: step {decision.current_step} -> {decision.new_step} of {plan.days}, "
        f"daily cap {plan.cap_for_step(decision.current_step) if decision.current_step else 'none'} "
        f"-> {decision.new_cap}"
    )
    return "\n".join([head, *(f"  - {reason}" for reason in decision.reasons)])


def cmd_gate(
    args: argparse.Namespace, clients: Clients, now: dt.datetime, out: IO[str], stdin: IO[str]
) -> int:
    plan = load_plan(args.plan, args.domain)
    thresholds = GateThresholds(
        hold_bounce_rate=args.hold_bounce_rate,
        hold_complaint_rate=args.hold_complaint_rate,
        hold_delay_rate=args.hold_delay_rate,
        step_back_bounce_rate=args.step_back_bounce_rate,
        step_back_complaint_rate=args.step_back_complaint_rate,
        min_utilisation=args.min_utilisation,
    )
    seen = observe(plan, clients, now, dt.timedelta(hours=args.window_hours))
    if seen.published is not None and seen.published.step > plan.days:
        raise UsageError(
            f"published step {seen.published.step} is beyond this {plan.days}-day plan: wrong plan file?"
        )
    decision = decide_gate(seen.metrics, thresholds, plan=plan, current=seen.published, now=now)
    record = next_cap_record(decision, seen.published, now)
    print(describe_decision(decision, plan), file=out)
    parameter = warmup_aws.cap_parameter_name(plan.env, plan.domain)
    value = json.dumps(record.to_json_dict(), sort_keys=True)
    entry = {
        "action": "put_parameter",
        "parameter": parameter,
        "before": seen.published.to_json_dict() if seen.published else None,
        "after": record.to_json_dict(),
        "reasons": list(decision.reasons),
        "metrics": {
            "sends": seen.metrics.sends,
            "bounce_rate": seen.metrics.bounce_rate,
            "complaint_rate": seen.metrics.complaint_rate,
            "delay_rate": seen.metrics.delay_rate,
            "enforcement_status": seen.metrics.enforcement_status,
        },
    }
    return guarded_write(
        args,
        f"write {parameter} = {value}",
        lambda: warmup_aws.write_cap(clients.ssm, plan.env, plan.domain, record),
        entry,
        now=now,
        out=out,
        stdin=stdin,
    )


def cmd_ips(
    args: argparse.Namespace, clients: Clients, now: dt.datetime, out: IO[str], stdin: IO[str]
) -> int:
    change = args.set_percentage is not None or args.ip is not None
    if change and (args.set_percentage is None or args.ip is None):
        raise UsageError("--set-percentage and --ip go together")
    if args.set_percentage is not None and not 0 <= args.set_percentage <= 100:
        raise UsageError(f"--set-percentage must be between 0 and 100 (got {args.set_percentage})")
    if args.apply and not change:
        raise UsageError("--apply needs --set-percentage and --ip")
    ips = warmup_aws.list_dedicated_ips(clients.sesv2, args.pool)
    rows = [
        {
            "ip": ip.ip,
            "pool": ip.pool_name or "-",
            "warmup_status": ip.warmup_status,
            "warmup_%": ip.warmup_percentage,
        }
        for ip in ips
    ]
    print(
        render_table(rows) if rows else f"no dedicated IPs{' in pool ' + args.pool if args.pool else ''}",
        file=out,
    )
    if not change:
        return EXIT_OK
    current = next((ip for ip in ips if ip.ip == args.ip), None)
    if current is None:
        raise UsageError(
            f"--ip {args.ip} is not a dedicated IP{' in pool ' + args.pool if args.pool else ''}"
        )
    summary = f"{args.ip} warm-up {current.warmup_percentage}% -> {args.set_percentage}%"
    entry = {
        "action": "put_dedicated_ip_warmup_attributes",
        "ip": args.ip,
        "pool": current.pool_name,
        "before": current.warmup_percentage,
        "after": args.set_percentage,
    }
    return guarded_write(
        args,
        f"set {summary}",
        lambda: warmup_aws.set_ip_warmup_percentage(clients.sesv2, args.ip, args.set_percentage),
        entry,
        now=now,
        out=out,
        stdin=stdin,
    )


def main(
    argv: Sequence[str] | None = None,
    *,
    clients: Clients | None = None,
    now: dt.datetime | None = None,
    out: IO[str] | None = None,
    stdin: IO[str] | None = None,
) -> int:
    out = out or sys.stdout
    stdin = stdin or sys.stdin
    clients = clients or Clients()
    now = now or dt.datetime.now(dt.UTC)
    try:
        args = build_parser().parse_args(argv)
        if args.command == "plan":
            return cmd_plan(args, clients, now, out)
        if args.command == "status":
            return cmd_status(args, clients, now, out)
        write_command = cmd_gate if args.command == "gate" else cmd_ips
        return write_command(args, clients, now, out, stdin)
    except (UsageError, WarmupInputError, AwsSetupError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INPUT
    except DeclinedError as declined:
        print(declined, file=sys.stderr)
        return EXIT_DECLINED
    except AwsCallError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_AWS


if __name__ == "__main__":
    sys.exit(main())

__all__ = ["Action", "Clients", "main"]

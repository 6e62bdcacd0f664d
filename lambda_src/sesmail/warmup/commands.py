"""The warm-up subcommands ``plan``, ``status``, ``gate`` and ``ips``: ``cmd_*(args, ...) -> exit code``.

``scripts/warmup.py`` parses the arguments and calls one of these; AWS is reached only through
``Clients`` (each client made by the one factory on first use; tests pass stubbed or moto-backed ones).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from typing import IO, Any

from sesmail.aws.calls import AwsSetupError
from sesmail.cli.audit_log import AuditLog, caller_arn
from sesmail.cli.exits import DeclinedError, ExitCode, UsageError
from sesmail.cli.prompt import Ask, confirm
from sesmail.cli.render import render_csv, render_table
from sesmail.warmup import aws as warmup_aws
from sesmail.warmup.observe import Clients, observe
from sesmail.warmup.planfile import load_plan, save_plan
from sesmail.warmup.schedule import (
    Decision,
    GateThresholds,
    WarmupPlan,
    decide_gate,
    next_cap_record,
    parse_split,
    schedule_rows,
    validate_domain,
    warmup_schedule,
)

TOOL = "warmup.py"


def _pct(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate:.3%}"


def guarded_write(
    args: argparse.Namespace,
    what: str,
    write: Callable[[], object],
    entry: dict[str, Any],
    *,
    clients: Clients,
    now: dt.datetime,
    out: IO[str],
    ask: Ask,
) -> int:
    """Dry-run unless --apply; then open the audit log, confirm (unless --yes), write, record."""
    if not args.apply:
        print(f"dry-run: would {what} (use --apply)", file=out)
        return ExitCode.OK
    try:
        audit = AuditLog(args.audit_log, tool=TOOL, now=lambda: now)
    except OSError as error:
        raise UsageError(f"--audit-log {args.audit_log}: {error.strerror}") from None
    with audit:
        if not args.yes and not confirm(f"{what}?", ask):
            raise DeclinedError("declined: nothing written")
        audit.operator = caller_arn(clients.sts)
        write()
        audit.record(**entry)
    print(f"done: {what}", file=out)
    return ExitCode.OK


def cmd_plan(args: argparse.Namespace, clients: Clients, now: dt.datetime, out: IO[str]) -> int:
    if args.save and not (args.domain and args.env):
        raise UsageError("--save needs --domain and --env (they name the SSM cap parameter)")
    split = parse_split(args.split) if args.split else None
    if args.domain:
        validate_domain(args.domain)
    quota = args.quota
    if quota is None:
        try:
            quota = warmup_aws.get_account(clients.sesv2).max_24_hour_send
        except AwsSetupError as error:
            raise AwsSetupError(f"{error} (plan needs AWS only for the quota: pass --quota N)") from None
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
    return ExitCode.OK


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
        return ExitCode.OK
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
    return ExitCode.OK


def describe_decision(decision: Decision, plan: WarmupPlan) -> str:
    head = (
        f"{decision.action.value}: step {decision.current_step} -> {decision.new_step} of {plan.days}, "
        f"daily cap {plan.cap_for_step(decision.current_step) if decision.current_step else 'none'} "
        f"-> {decision.new_cap}"
    )
    return "\n".join([head, *(f"  - {reason}" for reason in decision.reasons)])


def cmd_gate(args: argparse.Namespace, clients: Clients, now: dt.datetime, out: IO[str], ask: Ask) -> int:
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
        clients=clients,
        now=now,
        out=out,
        ask=ask,
    )


def cmd_ips(args: argparse.Namespace, clients: Clients, now: dt.datetime, out: IO[str], ask: Ask) -> int:
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
        return ExitCode.OK
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
        clients=clients,
        now=now,
        out=out,
        ask=ask,
    )

"""``scripts/sending.py``: status, pause and resume of configuration sets (the script only parses).

Writes are dry runs unless ``--apply``; with ``--apply`` the audit log is opened first (an unwritable
log stops the change), the operator confirms once for the whole plan (or passes ``--yes``), and every
configuration set changed gets its own audit line, written right after its change succeeded.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import IO, Any, Final

from sesmail.aws.calls import RateLimiter
from sesmail.aws.clients import client
from sesmail.cli.audit_log import AuditLog, caller_arn
from sesmail.cli.exits import DeclinedError, ExitCode, UsageError
from sesmail.cli.prompt import Ask, confirm
from sesmail.cli.render import render_table
from sesmail.operations import aws as ops_aws
from sesmail.operations.pause import SendingChange, plan_sending
from sesmail.operations.quota import reading_from_account

TOOL: Final = "sending.py"
DEFAULT_AUDIT_LOG: Final = "sending-audit.jsonl"
RESUME_NOTE: Final = (
    "note: SES restarts a configuration set's reputation metrics (Reputation.BounceRate and "
    "ComplaintRate) when it is re-enabled"
)


@dataclass
class Clients:
    """sesv2 and STS clients, each created on first use (a usage error creates none)."""

    make_sesv2: Callable[[], Any]
    make_sts: Callable[[], Any]

    @classmethod
    def for_region(cls, region: str | None) -> Clients:
        return cls(make_sesv2=lambda: client("sesv2", region), make_sts=lambda: client("sts", region))

    @cached_property
    def sesv2(self) -> Any:
        return self.make_sesv2()

    @cached_property
    def sts(self) -> Any:
        return self.make_sts()


def _selected_sets(args: argparse.Namespace, clients: Clients) -> list[str]:
    if args.all and args.configuration_set:
        raise UsageError("give --configuration-set NAME or --all, not both")
    if args.all:
        return ops_aws.list_configuration_sets(clients.sesv2, ops_aws.management_limiter())
    if args.configuration_set:
        return sorted(set(args.configuration_set))
    raise UsageError("name the sets: --configuration-set NAME (repeatable) or --all")


def cmd_status(args: argparse.Namespace, clients: Clients, out: IO[str]) -> int:
    limiter = ops_aws.management_limiter()
    account = ops_aws.get_account(clients.sesv2, limiter)
    quota = reading_from_account(account)
    names = sorted(set(args.configuration_set)) or ops_aws.list_configuration_sets(clients.sesv2, limiter)
    try:
        states = ops_aws.configuration_set_states(clients.sesv2, names, limiter)
    except ops_aws.ConfigurationSetNotFoundError as error:
        print(f"error: {error}", file=out)
        return ExitCode.NOT_FOUND
    summary = {
        "account_sending_enabled": bool(account.get("SendingEnabled", False)),
        "enforcement_status": account.get("EnforcementStatus", "UNKNOWN"),
        "production_access": bool(account.get("ProductionAccessEnabled", False)),
        "sent_last_24_hours": quota.sent_last_24_hours,
        "max_24_hour_send": quota.max_24_hour_send,
        "quota_usage": round(quota.usage, 4),
        "max_send_rate": quota.max_send_rate,
        "configuration_sets": {state.name: state.sending_enabled for state in states},
    }
    if args.format == "json":
        print(json.dumps(summary, indent=2, sort_keys=True), file=out)
        return ExitCode.OK
    print(
        f"account: sending {'enabled' if summary['account_sending_enabled'] else 'DISABLED'}, "
        f"enforcement {summary['enforcement_status']}, "
        f"quota {quota.sent_last_24_hours:g} / {quota.max_24_hour_send:g} in 24 h "
        f"({quota.usage * 100:.1f} %), max {quota.max_send_rate:g}/s",
        file=out,
    )
    rows = [
        {"configuration_set": s.name, "sending": "enabled" if s.sending_enabled else "PAUSED"} for s in states
    ]
    print(render_table(rows) if rows else "no configuration sets", file=out)
    return ExitCode.OK


def describe(changes: list[SendingChange]) -> str:
    plural = "s" if len(changes) != 1 else ""
    names = ", ".join(change.name for change in changes)
    return f"{changes[0].verb} {len(changes)} configuration set{plural} ({names})"


def cmd_set_sending(
    args: argparse.Namespace,
    clients: Clients,
    out: IO[str],
    ask: Ask,
    stdin_is_tty: Callable[[], bool],
    *,
    sending_enabled: bool,
) -> int:
    names = _selected_sets(args, clients)
    if args.apply and not args.yes and not stdin_is_tty():
        raise UsageError("--apply needs a confirmation but stdin is not a terminal: pass --yes")
    limiter = ops_aws.management_limiter()
    try:
        states = ops_aws.configuration_set_states(clients.sesv2, names, limiter)
    except ops_aws.ConfigurationSetNotFoundError as error:
        print(f"error: {error}", file=out)
        return ExitCode.NOT_FOUND
    changes = plan_sending(states, sending_enabled)
    unchanged = sorted({s.name for s in states} - {c.name for c in changes})
    if unchanged:
        state = "sending" if sending_enabled else "paused"
        print(f"already {state}: {', '.join(unchanged)}", file=out)
    if not changes:
        print("nothing to do", file=out)
        return ExitCode.OK
    if sending_enabled:
        print(RESUME_NOTE, file=out)
    if not args.apply:
        for change in changes:
            print(f"dry-run: would {change.verb} {change.name}", file=out)
        print("(use --apply to make the change)", file=out)
        return ExitCode.OK
    return _apply(args, clients, changes, out=out, ask=ask, limiter=limiter)


def _apply(
    args: argparse.Namespace,
    clients: Clients,
    changes: list[SendingChange],
    *,
    out: IO[str],
    ask: Ask,
    limiter: RateLimiter,
) -> int:
    audit_path: Path = args.audit_log
    try:
        audit = AuditLog(audit_path, tool=TOOL)
    except OSError as error:
        raise UsageError(f"--audit-log {audit_path}: {error.strerror}") from None
    with audit:
        if not args.yes and not confirm(f"{describe(changes)}?", ask):
            raise DeclinedError("declined: nothing changed")
        audit.operator = caller_arn(clients.sts)
        for change in changes:
            ops_aws.apply_sending_change(clients.sesv2, change, limiter)
            audit.record(
                action="put_configuration_set_sending_options",
                configuration_set=change.name,
                before=not change.sending_enabled,
                after=change.sending_enabled,
                reason=args.reason,
            )
            print(f"done: {change.verb} {change.name}", file=out)
    return ExitCode.OK

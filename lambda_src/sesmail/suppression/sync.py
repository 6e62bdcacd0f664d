"""Keep the standby region's account-level suppression list in step with the primary's.

The SES account-level suppression list is regional: an address that bounced or complained in the
primary region is not suppressed in the standby region, so a failover (``sesmail.sending.failover``)
would mail it again. ``plan_sync`` compares the two lists and ``apply_sync`` writes the difference to
the target with ``PutSuppressedDestination`` (an upsert), paced and retried by ``sesmail.aws.calls``.

Rules (docs/suppression-sync.md says why):

- an entry of the source missing in the target is **added** with the source's reason;
- an entry whose reason differs is **updated** to the source's reason, except that a ``COMPLAINT`` in
  the target is never downgraded to ``BOUNCE`` (a person asked not to be mailed; the audit tool
  protects complaints, so a downgrade would make the entry removable there);
- an entry only in the target is **kept** unless ``delete_missing``: the standby adds its own entries
  while it sends (bounces and complaints of failed-over mail), and deleting them would mail those
  addresses again. Sync is therefore a union; run it both ways to bring the standby's entries back.

Used by ``scripts/sync_suppression.py`` (operator, dry run by default) and the scheduled Lambda
``sesmail.handlers.suppression_sync`` (applies, add/update only).
"""

from __future__ import annotations

import argparse
import enum
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, TextIO

from sesmail.aws import clients as aws_factory
from sesmail.aws.calls import AwsCallError, AwsThrottledError, RateLimiter
from sesmail.cli.audit_log import AuditLog, caller_arn
from sesmail.cli.exits import DeclinedError, ExitCode, UsageError
from sesmail.cli.files import require_writable
from sesmail.cli.prompt import confirm
from sesmail.suppression.api import SuppressionListApi
from sesmail.suppression.domain import SuppressedEntry, SuppressionReason

TOOL: Final = "sync_suppression.py"
PUT: Final = "PutSuppressedDestination"
DELETE: Final = "DeleteSuppressedDestination"


class Change(enum.StrEnum):
    ADD = "add"
    UPDATE = "update"
    DELETE = "delete"


@dataclass(frozen=True, slots=True)
class SyncChange:
    """One write to the target. ``reason``: what is written (for a delete, the target's reason)."""

    change: Change
    address: str
    reason: SuppressionReason
    previous: SuppressionReason | None = None

    def describe(self) -> str:
        if self.change is Change.UPDATE:
            return f"{self.address} ({self.previous} -> {self.reason})"
        if self.change is Change.DELETE:
            return f"{self.address} ({self.reason}; not in the source)"
        return f"{self.address} ({self.reason})"


@dataclass(slots=True)
class SyncPlan:
    changes: list[SyncChange] = field(default_factory=list)
    source_entries: int = 0
    target_entries: int = 0
    in_step: int = 0
    complaints_kept: int = 0  # COMPLAINT in the target, BOUNCE in the source: not downgraded
    only_in_target: int = 0  # kept unless delete_missing

    def count(self, change: Change) -> int:
        return sum(1 for item in self.changes if item.change is change)

    def summary(self) -> str:
        return (
            f"{self.source_entries} in the source, {self.target_entries} in the target, "
            f"{self.in_step} in step; {self.count(Change.ADD)} to add, "
            f"{self.count(Change.UPDATE)} to update, "
            f"{self.count(Change.DELETE)} to delete; {self.complaints_kept} complaint(s) kept in the target "
            f"(never downgraded), {self.only_in_target} only in the target"
        )


def plan_sync(
    source: Iterable[Iterable[SuppressedEntry]],
    target: Iterable[Iterable[SuppressedEntry]],
    *,
    delete_missing: bool = False,
) -> SyncPlan:
    """What to write to the target so that it holds every source entry. Both arguments are pages (as
    ``SuppressionListApi.list_pages`` yields them); addresses compare case-insensitively. Pure."""
    plan = SyncPlan()
    in_target: dict[str, SuppressedEntry] = {}
    for page in target:
        for entry in page:
            in_target[entry.address.lower()] = entry
    plan.target_entries = len(in_target)
    seen: set[str] = set()
    for page in source:
        for entry in page:
            key = entry.address.lower()
            if key in seen:
                continue
            seen.add(key)
            current = in_target.get(key)
            if current is None:
                plan.changes.append(SyncChange(Change.ADD, entry.address, entry.reason))
            elif current.reason is entry.reason:
                plan.in_step += 1
            elif current.reason is SuppressionReason.COMPLAINT:
                plan.complaints_kept += 1
            else:
                plan.changes.append(SyncChange(Change.UPDATE, entry.address, entry.reason, current.reason))
    plan.source_entries = len(seen)
    for key, entry in in_target.items():
        if key in seen:
            continue
        plan.only_in_target += 1
        if delete_missing:
            plan.changes.append(SyncChange(Change.DELETE, entry.address, entry.reason))
    return plan


Recorder = Callable[..., None]


@dataclass(slots=True)
class SyncResult:
    written: dict[str, int] = field(default_factory=dict)  # "added", "updated", "deleted", "not-found"
    failed: int = 0
    not_attempted: int = 0
    stopped: str | None = None  # why the run stopped early

    def summary(self) -> str:
        done = (
            ", ".join(f"{count} {what}" for what, count in sorted(self.written.items())) or "nothing written"
        )
        text = f"{done}, {self.failed} failed"
        if self.not_attempted:
            text += f", {self.not_attempted} not attempted ({self.stopped})"
        return text


_DONE: Final = {Change.ADD: "added", Change.UPDATE: "updated", Change.DELETE: "deleted"}


def apply_sync(
    plan: SyncPlan,
    target: SuppressionListApi,
    record: Recorder,
    *,
    keep_going: Callable[[], str | None] = lambda: None,
) -> SyncResult:
    """Write ``plan`` to ``target``, calling ``record(**fields)`` once per write (audit log or log line).

    A refused write (e.g. an address SES rejects) is recorded and the run goes on; throttling past the
    retries stops the run (every later write would be throttled too). ``keep_going`` returns a reason to
    stop (e.g. the Lambda's time is nearly up) or None; what is not attempted is written next run.
    """
    result = SyncResult()
    for index, change in enumerate(plan.changes):
        stop = keep_going()
        if stop is not None:
            result.not_attempted, result.stopped = len(plan.changes) - index, stop
            break
        action = DELETE if change.change is Change.DELETE else PUT
        fields: dict[str, Any] = {
            "action": action,
            "change": change.change.value,
            "address": change.address,
            "reason": change.reason.value,
            "previous_reason": change.previous.value if change.previous else None,
        }
        try:
            if change.change is Change.DELETE:
                outcome = _DONE[change.change] if target.delete(change.address) else "not-found"
            else:
                target.put(change.address, change.reason)
                outcome = _DONE[change.change]
        except AwsCallError as error:
            result.failed += 1
            record(**fields, result="failed", error=str(error))
            if isinstance(error, AwsThrottledError):
                result.not_attempted, result.stopped = len(plan.changes) - index - 1, str(error)
                break
            continue
        result.written[outcome] = result.written.get(outcome, 0) + 1
        record(**fields, result=outcome)
    return result


def list_plan(
    source: SuppressionListApi, target: SuppressionListApi, *, delete_missing: bool = False
) -> SyncPlan:
    """Read both lists (one paged ListSuppressedDestinations each) and plan the writes."""
    return plan_sync(source.list_pages(), target.list_pages(), delete_missing=delete_missing)


# --- the operator command (scripts/sync_suppression.py parses the arguments) -------------------------


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _client(service: str) -> Callable[[str], Any]:
    return lambda region: aws_factory.client(service, region)


@dataclass
class SyncRuntime:
    """Everything that touches the outside world, injectable for tests."""

    sesv2: Callable[[str], Any] = field(default_factory=lambda: _client("sesv2"))
    sts: Callable[[str], Any] = field(default_factory=lambda: _client("sts"))
    resolve_region: Callable[[str | None], str] = aws_factory.resolve_region
    now: Callable[[], datetime] = _utc_now
    monotonic: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    stdin_is_tty: Callable[[], bool] = field(default_factory=lambda: sys.stdin.isatty)
    ask: Callable[[str], str] = input
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)


def run_sync(args: argparse.Namespace, runtime: SyncRuntime) -> int:
    source_region = runtime.resolve_region(args.source_region or args.region)
    target_region = str(args.target_region).strip()
    if source_region == target_region:
        raise UsageError(f"--source-region and --target-region are both {source_region}")
    if args.apply and not args.yes and not runtime.stdin_is_tty():
        raise UsageError("refusing to write without confirmation: stdin is not a terminal; pass --yes")
    if args.apply:
        require_writable(args.audit_log, "--audit-log")
    out = runtime.stdout

    def api(region: str) -> SuppressionListApi:
        # The management API budget (~1 request/s) is per account and region: one limiter per region.
        limiter = RateLimiter(args.rate, clock=runtime.monotonic, sleep=runtime.sleep)
        return SuppressionListApi(runtime.sesv2(region), limiter, sleep=runtime.sleep)

    target = api(target_region)
    plan = list_plan(api(source_region), target, delete_missing=args.delete_missing)
    out.write(f"{source_region} -> {target_region}: {plan.summary()}\n")
    if not args.apply:
        for change in plan.changes:
            out.write(f"would {change.change.value} {change.describe()}\n")
        out.write(f"dry run: {len(plan.changes)} write(s) planned, nothing written; add --apply to write\n")
        return ExitCode.OK
    if not plan.changes:
        out.write("nothing to write: the target is in step\n")
        return ExitCode.OK
    if not args.yes and not confirm(
        f"Write {len(plan.changes)} change(s) to the suppression list of {target_region}?", runtime.ask
    ):
        raise DeclinedError("not confirmed: nothing written")
    with AuditLog(args.audit_log, tool=TOOL, now=runtime.now) as audit:
        audit.operator = caller_arn(runtime.sts(source_region), sleep=runtime.sleep)

        def record(**fields: Any) -> None:
            audit.record(source_region=source_region, target_region=target_region, **fields)
            if fields["result"] != "failed":
                out.write(f"{fields['result']} {fields['address']} ({fields['reason']})\n")
            else:
                runtime.stderr.write(f"error: {fields['address']}: {fields['error']}\n")

        result = apply_sync(plan, target, record)
    out.write(f"{result.summary()}; {audit.records} audit record(s) appended to {args.audit_log}\n")
    return ExitCode.AWS_ERROR if result.failed or result.not_attempted else ExitCode.OK

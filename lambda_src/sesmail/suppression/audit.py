"""The suppression audit, end to end: validate options, list + classify + report, remove, check.

``scripts/audit_suppression.py`` parses arguments and calls ``run_list`` or ``run_check``; everything
that touches the outside world comes in through ``Runtime`` (tests and the benchmark replace it).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any, TextIO

from sesmail.aws import clients as aws_factory
from sesmail.aws.calls import AwsCallError, AwsSetupError, RateLimiter
from sesmail.cli.audit_log import AuditLog, caller_arn
from sesmail.cli.exits import DeclinedError, ExitCode
from sesmail.cli.files import atomic_text_file, require_writable
from sesmail.cli.prompt import confirm
from sesmail.suppression.api import AwsClients, S3Location, SuppressionListApi, aws_clients
from sesmail.suppression.domain import (
    RECOMMENDATIONS,
    Evidence,
    InvalidInputError,
    SuppressedEntry,
    SuppressionClass,
    SuppressionReason,
    audit_entry,
    format_time,
    parse_classes,
    parse_time,
    validate_address,
)
from sesmail.suppression.evidence import latest_bounce_or_complaint
from sesmail.suppression.pipeline import (
    Candidate,
    EvidenceLookup,
    ListingFailedError,
    Progress,
    audited_entries,
    logged_lookup,
)
from sesmail.suppression.removal import RemovalContext, bulk_remove, dry_run, remove_one_by_one, upload_audit
from sesmail.suppression.report import ReportMeta, ReportSpool, write_summary_table


def _dynamodb_evidence_lookup(region: str | None, table: str) -> EvidenceLookup:
    client = aws_factory.client("dynamodb", region)

    def lookup(address: str, listed_at: datetime | None) -> Evidence | None:
        return latest_bounce_or_complaint(client, table, address, listed_at=listed_at)

    return lookup


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Runtime:
    """Everything that touches the outside world, injectable for tests and the benchmark."""

    clients: Callable[[str | None], AwsClients] = aws_clients
    evidence_lookup: Callable[[str | None, str], EvidenceLookup] = _dynamodb_evidence_lookup
    now: Callable[[], datetime] = _utc_now
    monotonic: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    stdin_is_tty: Callable[[], bool] = field(default_factory=lambda: sys.stdin.isatty)
    ask: Callable[[str], str] = input
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)


@dataclass(frozen=True)
class ListPlan:
    """Validated listing options: everything is checked before the first AWS call."""

    reasons: tuple[SuppressionReason, ...]
    since: datetime | None
    until: datetime | None
    remove: frozenset[SuppressionClass]
    bulk_s3: S3Location | None
    audit_s3: S3Location | None
    started_at: datetime  # before the listing: entries re-listed since then are re-checked before removal
    addresses: tuple[str, ...] = ()  # --address: read these entries instead of listing


def validate_list_args(args: argparse.Namespace, now: datetime, stdin_is_tty: bool) -> ListPlan:
    since = parse_time(args.since, now) if args.since else None
    until = parse_time(args.until, now) if args.until else None
    if since and until and since >= until:
        raise InvalidInputError(
            f"--since ({format_time(since)}) must be before --until ({format_time(until)})"
        )
    remove = parse_classes(args.remove) if args.remove is not None else frozenset()
    if SuppressionClass.COMPLAINT in remove and not args.include_complaints:
        raise InvalidInputError(
            "refusing to remove class 'complaint' without --include-complaints "
            "(a complaint is a recipient asking not to be mailed)"
        )
    if args.apply and not remove:
        raise InvalidInputError("--apply needs --remove CLASS[,CLASS]")
    if args.apply and not args.yes and not stdin_is_tty:
        raise InvalidInputError(
            "refusing to remove without confirmation: stdin is not a terminal; pass --yes"
        )
    if args.output is not None:
        require_writable(args.output, "--output")
    if args.apply:
        require_writable(args.audit_log, "--audit-log")
    return ListPlan(
        reasons=(SuppressionReason(args.reason),) if args.reason else (),
        since=since,
        until=until,
        remove=remove,
        bulk_s3=S3Location.parse(args.bulk_s3_uri, option="--bulk-s3-uri") if args.bulk_s3_uri else None,
        audit_s3=S3Location.parse(args.audit_s3_uri, option="--audit-s3-uri") if args.audit_s3_uri else None,
        started_at=now,
        addresses=tuple(dict.fromkeys(validate_address(a) for a in getattr(args, "address", None) or ())),
    )


def run_list(args: argparse.Namespace, runtime: Runtime) -> int:
    now = runtime.now()
    plan = validate_list_args(args, now, runtime.stdin_is_tty())
    table = _require_table(args)
    clients = runtime.clients(args.region)
    lookup = logged_lookup(runtime.evidence_lookup(args.region, table))
    limiter = RateLimiter(args.rate, clock=runtime.monotonic, sleep=runtime.sleep)
    api = SuppressionListApi(clients.sesv2, limiter, sleep=runtime.sleep)

    meta = ReportMeta(
        generated_at=format_time(now),
        filters={
            "reason": args.reason,
            "since": format_time(plan.since) if plan.since else None,
            "until": format_time(plan.until) if plan.until else None,
            "stale_days": args.stale_days,
            "table": table,
        },
    )
    spool = ReportSpool(args.format)
    candidates: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed below
    candidate_count = 0
    progress = Progress(runtime.stderr, runtime.monotonic)
    try:
        pages = (
            _address_pages(api, plan)
            if plan.addresses
            else api.list_pages(
                reasons=plan.reasons, since=plan.since, until=plan.until, page_size=args.page_size
            )
        )
        try:
            for audited in audited_entries(
                pages,
                lookup,
                workers=args.workers,
                window=max(args.workers * 4, args.page_size),
                now=now,
                stale_days=args.stale_days,
                progress=progress,
            ):
                spool.add(audited)
                if audited.klass in plan.remove:
                    candidate_count += 1
                    candidates.write(json.dumps(Candidate.of(audited).__dict__) + "\n")
        except (ListingFailedError, AwsCallError, AwsSetupError) as failure:
            error = failure.error if isinstance(failure, ListingFailedError) else failure
            if isinstance(error, AwsSetupError):
                raise error from None
            meta.complete = False
            meta.error = str(error)
        finally:
            progress.done()
        _write_report(spool, args, meta, runtime)
        if not meta.complete:
            runtime.stderr.write(f"error: {meta.error}\n")
            runtime.stderr.write(
                f"partial report ({spool.summary.total} entries audited before the failure) written to "
                f"{args.output or 'stdout'}; nothing was removed\n"
            )
            write_summary_table(spool.summary, runtime.stderr)
            return ExitCode.AWS_ERROR
        if args.format == "csv" or args.output:
            write_summary_table(spool.summary, runtime.stderr)
        if not plan.remove:
            return ExitCode.OK
        candidates.flush()
        candidates.seek(0)
        selected = (Candidate(**json.loads(line)) for line in candidates)
        if not args.apply:
            return dry_run(selected, candidate_count, runtime.stdout)
        return _apply(
            selected, count=candidate_count, args=args, plan=plan, clients=clients, api=api, runtime=runtime
        )
    finally:
        spool.close()
        candidates.close()


def _address_pages(api: SuppressionListApi, plan: ListPlan) -> Iterator[list[SuppressedEntry]]:
    """``--address``: one page of the named entries that are listed and match the other filters."""
    entries = [entry for address in plan.addresses if (entry := api.get(address)) is not None]
    yield [
        entry
        for entry in entries
        if (not plan.reasons or entry.reason in plan.reasons)
        and (plan.since is None or entry.listed_at >= plan.since)
        and (plan.until is None or entry.listed_at < plan.until)
    ]


def _require_table(args: argparse.Namespace) -> str:
    if not args.table:
        raise InvalidInputError("no event table: pass --table or set EVENTS_TABLE_NAME")
    return str(args.table)


def _write_report(spool: ReportSpool, args: argparse.Namespace, meta: ReportMeta, runtime: Runtime) -> None:
    if args.output is None:
        spool.write(runtime.stdout, meta)
        runtime.stdout.flush()
        return
    with atomic_text_file(args.output) as out:
        spool.write(out, meta)


def _apply(
    selected: Iterator[Candidate],
    *,
    count: int,
    args: argparse.Namespace,
    plan: ListPlan,
    clients: AwsClients,
    api: SuppressionListApi,
    runtime: Runtime,
) -> int:
    out = runtime.stdout
    if count == 0:
        out.write("nothing to remove\n")
        return ExitCode.OK
    if not args.yes and not confirm(
        f"Remove {count} address(es) ({args.remove}) from the SES suppression list?", runtime.ask
    ):
        raise DeclinedError("not confirmed: nothing removed")
    operator = caller_arn(clients.sts, sleep=runtime.sleep)
    audit = AuditLog(args.audit_log, tool="audit_suppression.py", now=runtime.now)
    audit.operator = operator
    ctx = RemovalContext(
        clients, api, audit, out, runtime.stderr, runtime.sleep, runtime.now, plan.started_at
    )
    exit_code: int = ExitCode.OK
    try:
        if plan.bulk_s3 is not None and count > args.bulk_threshold:
            exit_code = bulk_remove(selected, plan.bulk_s3, ctx)
        else:
            if count > args.bulk_threshold:
                minutes = count / args.rate / 60
                out.write(
                    f"removing {count} entries one by one at {args.rate:g}/s (~{minutes:.0f} min); "
                    "--bulk-s3-uri would use an import job instead\n"
                )
            exit_code = remove_one_by_one(selected, ctx)
    finally:
        if plan.audit_s3 is not None and audit.records:
            exit_code = upload_audit(plan.audit_s3, ctx) or exit_code
        audit.close()
    out.write(f"{audit.records} audit record(s) appended to {args.audit_log}\n")
    return exit_code


def run_check(args: argparse.Namespace, runtime: Runtime) -> int:
    address = validate_address(args.address)
    table = _require_table(args)
    now = runtime.now()
    clients = runtime.clients(args.region)
    limiter = RateLimiter(args.rate, clock=runtime.monotonic, sleep=runtime.sleep)
    entry = SuppressionListApi(clients.sesv2, limiter, sleep=runtime.sleep).get(address)
    evidence = runtime.evidence_lookup(args.region, table)(address, entry.listed_at if entry else None)
    result: dict[str, Any] = {"address": address, "suppressed": entry is not None}
    if entry is None:
        result["recommendation"] = "nothing to do on the suppression list: look at the message's own events"
    else:
        audited = audit_entry(entry, evidence, now, args.stale_days)
        result |= {
            "reason": entry.reason.value,
            "listed_at": format_time(entry.listed_at),
            "days_listed": audited.age_days,
            "ses_message_id": entry.message_id,
            "ses_feedback_id": entry.feedback_id,
            "class": audited.klass.value,
            "recommendation": RECOMMENDATIONS[audited.klass],
        }
    result["evidence"] = evidence.as_record() if evidence else None
    if args.format == "json":
        runtime.stdout.write(json.dumps(result, indent=2) + "\n")
    else:
        _write_check_table(result, evidence, runtime.stdout)
    return ExitCode.OK if entry is not None else ExitCode.NOT_FOUND


def _write_check_table(result: dict[str, Any], evidence: Evidence | None, out: TextIO) -> None:
    lines: list[tuple[str, Any]] = [
        ("address", result["address"]),
        ("suppressed", "yes" if result["suppressed"] else "no"),
    ]
    if result["suppressed"]:
        lines += [
            ("reason", result["reason"]),
            ("since", f"{result['listed_at']} ({result['days_listed']} days)"),
            ("SES message id", result["ses_message_id"] or "-"),
            ("SES feedback id", result["ses_feedback_id"] or "-"),
            ("class", result["class"]),
        ]
    if evidence is None:
        lines.append(("evidence", "none stored (older than the event retention, or never sent from here)"))
    else:
        lines += [
            ("evidence", f"{evidence.describe()} at {format_time(evidence.event_at)}"),
            ("  message id", evidence.message_id or "-"),
            ("  status", evidence.status_code or "-"),
            ("  diagnostic", evidence.diagnostic_code or "-"),
        ]
    lines.append(("recommendation", result["recommendation"]))
    width = max(len(label) for label, _ in lines)
    for label, value in lines:
        out.write(f"{label.ljust(width)}  {value}\n")

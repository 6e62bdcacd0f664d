#!/usr/bin/env python3
"""Audit the SES account-level suppression list with stored evidence, and remove entries safely.

    audit_suppression.py [list] [options]          every suppressed address, classified, with evidence
    audit_suppression.py check ADDRESS [options]   one address: suppressed?, since, why, advice

The classification table is in ``sesmail/suppression.py`` and docs/suppression-audit.md. Removal is a
dry run unless ``--apply``; run ``--help`` on each subcommand for every option and the exit codes.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import sys
import tempfile
import textwrap
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import IO, Any, Final, TextIO

from sesmail.aws.calls import AwsCallError, AwsSetupError, RateLimiter, setup_error_message
from sesmail.privacy import mask_email
from sesmail.suppression.api import (
    MAX_IMPORT_DELETES,
    MAX_PAGE_SIZE,
    AwsClients,
    S3Location,
    SuppressionListApi,
    aws_clients,
    caller_identity,
    put_object,
)
from sesmail.suppression.domain import (
    DEFAULT_STALE_DAYS,
    RECOMMENDATIONS,
    AuditedEntry,
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
from sesmail.suppression.evidence import dynamodb_client, latest_bounce_or_complaint
from sesmail.suppression.report import FORMATS, ReportMeta, ReportSpool, atomic_text_file, write_summary_table

EXIT_OK: Final = 0
EXIT_API_FAILURE: Final = 1
EXIT_BAD_INPUT: Final = 2
EXIT_NOT_SUPPRESSED: Final = 3

EXIT_CODES_HELP: Final = """\
exit codes:
  0  done: report written (with --apply: every selected entry removed); check: the address is suppressed
  1  an AWS API call failed: the partial report is still written (marked INCOMPLETE), a summary is
     printed on stderr, and no further removal is attempted; also a file that could not be written
  2  bad input: invalid address, unknown class, bad date or option, unwritable output or audit log
     path, missing AWS credentials or region, no event table, or a removal that was not confirmed
     (declined at the prompt, or stdin is not a terminal and --yes was not given)
  3  check: the address is not on the suppression list
"""

DEFAULT_AUDIT_LOG: Final = "suppression-audit.jsonl"
DEFAULT_BULK_THRESHOLD: Final = 1000
DEFAULT_WORKERS: Final = 8
LOOKUP_BATCH: Final = 16

logger = logging.getLogger("audit_suppression")

EvidenceLookup = Callable[[str], Evidence | None]


def _dynamodb_evidence_lookup(region: str | None, table: str) -> EvidenceLookup:
    return partial(latest_bounce_or_complaint, dynamodb_client(region), table)


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


# --- arguments ---------------------------------------------------------------------------------------


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit code 2."""

    def error(self, message: str) -> Any:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0 or math.isnan(value):
        raise argparse.ArgumentTypeError(f"must be > 0, got {text!r}")
    return value


def _int_in(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {high}, got {value}")
        return value

    return parse


def _common_options() -> OneLineParser:
    common = OneLineParser(add_help=False)
    aws = common.add_argument_group("AWS and event store")
    aws.add_argument("--region", help="AWS region (default: AWS_REGION / AWS_DEFAULT_REGION / profile)")
    aws.add_argument(
        "--table",
        default=os.environ.get("EVENTS_TABLE_NAME"),
        help="event table holding stored SES events (default: $EVENTS_TABLE_NAME); required",
    )
    aws.add_argument(
        "--stale-days",
        type=_int_in(1, 36500),
        default=DEFAULT_STALE_DAYS,
        help=f"entries listed longer than this are class 'stale' (default {DEFAULT_STALE_DAYS})",
    )
    aws.add_argument(
        "--rate",
        type=_positive_float,
        default=1.0,
        help="SESv2 requests per second, shared by listing and removal (default 1; SES throttles ~1/s)",
    )
    return common


def build_parser() -> OneLineParser:
    parser = OneLineParser(
        prog="audit_suppression.py",
        description="Audit the SES account-level suppression list with evidence from the event store, "
        "and remove entries safely. 'list' is the default subcommand.",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="{list,check}")
    common = _common_options()

    listing = sub.add_parser(
        "list",
        parents=[common],
        help="every suppressed address, classified, with evidence (default)",
        description=textwrap.fill(
            "List the suppression list, look up evidence for each address, classify, report; optionally "
            "remove selected classes (dry run unless --apply). Classes: "
            + ", ".join(k.value for k in SuppressionClass)
            + ". Rows spool to a temporary file so the summary can come first.",
            width=100,
            break_on_hyphens=False,
        ),
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
        "--page-size",
        type=_int_in(1, MAX_PAGE_SIZE),
        default=MAX_PAGE_SIZE,
        help=f"entries per ListSuppressedDestinations page, 1-{MAX_PAGE_SIZE} (default {MAX_PAGE_SIZE})",
    )
    filters.add_argument(
        "--workers",
        type=_int_in(1, 64),
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
        type=_int_in(1, 10_000_000),
        default=DEFAULT_BULK_THRESHOLD,
        help=f"above this many removals use CreateImportJob DELETE, if --bulk-s3-uri is set "
        f"(default {DEFAULT_BULK_THRESHOLD})",
    )
    removal.add_argument(
        "--bulk-s3-uri",
        help="s3://bucket/prefix/ where the DELETE import CSVs are written (SES must be able to read it)",
    )

    check = sub.add_parser(
        "check",
        parents=[common],
        help="one address: suppressed or not, since when, why, evidence, recommendation",
        description="The support workflow in one command: is ADDRESS suppressed, since when, why, what "
        "the event store says, and what to do.",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("address", metavar="ADDRESS", help="the email address to check")
    check.add_argument(
        "--format", choices=("table", "json"), default="table", help="output format (default table)"
    )
    return parser


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    args = list(argv)
    if not args or args[0] not in {"list", "check", "-h", "--help"}:
        args.insert(0, "list")
    return build_parser().parse_args(args)


@dataclass(frozen=True)
class ListPlan:
    """Validated listing options: everything is checked before the first AWS call."""

    reasons: tuple[SuppressionReason, ...]
    since: datetime | None
    until: datetime | None
    remove: frozenset[SuppressionClass]
    bulk_s3: S3Location | None
    audit_s3: S3Location | None


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
        _require_writable(args.output, "--output")
    if args.apply:
        _require_writable(args.audit_log, "--audit-log")
    return ListPlan(
        reasons=(SuppressionReason(args.reason),) if args.reason else (),
        since=since,
        until=until,
        remove=remove,
        bulk_s3=S3Location.parse(args.bulk_s3_uri, option="--bulk-s3-uri") if args.bulk_s3_uri else None,
        audit_s3=S3Location.parse(args.audit_s3_uri, option="--audit-s3-uri") if args.audit_s3_uri else None,
    )


def _require_writable(path: Path, option: str) -> None:
    """Fail before the (long, paced) listing rather than after it, when a file cannot be written."""
    if path.is_dir():
        raise InvalidInputError(f"{option} {path} is a directory")
    existing = path.parent
    while not existing.exists():
        existing = existing.parent
    if not os.access(existing, os.W_OK):
        raise InvalidInputError(f"{option} {path}: directory {existing} is not writable")


# --- listing pipeline --------------------------------------------------------------------------------


class Progress:
    """A one-line counter on stderr, only when stderr is a terminal (never pollutes pipes or logs)."""

    def __init__(self, stream: TextIO, monotonic: Callable[[], float]) -> None:
        self._stream = stream
        self._enabled = stream.isatty()
        self._monotonic = monotonic
        self._shown_at = -math.inf
        self.pages = 0
        self.audited = 0

    def update(self, *, force: bool = False) -> None:
        now = self._monotonic()
        if self._enabled and (force or now - self._shown_at >= 0.2):
            self._shown_at = now
            self._stream.write(f"\rpages {self.pages}  audited {self.audited}")
            self._stream.flush()

    def done(self) -> None:
        if self._enabled:
            self.update(force=True)
            self._stream.write("\n")


class ListingFailedError(Exception):
    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


def audited_entries(
    pages: Iterator[list[SuppressedEntry]],
    lookup: EvidenceLookup,
    *,
    workers: int,
    window: int,
    now: datetime,
    stale_days: int,
    progress: Progress,
) -> Iterator[AuditedEntry]:
    """Classify entries in list order; evidence lookups run on ``workers`` threads, ``window`` queued.

    Lookups are submitted in small batches (one task per ``LOOKUP_BATCH`` addresses: per-address tasks
    cost more in thread hand-offs than a stored lookup does). The queue lets lookups for one page
    overlap the rate-limited fetch of the next. When the listing fails, the entries already listed are
    still looked up and yielded before ``ListingFailedError`` is raised.
    """
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="evidence")
    queued: deque[tuple[list[SuppressedEntry], Future[list[Evidence | None]]]] = deque()
    in_flight = 0

    def look_up(batch: list[SuppressedEntry]) -> list[Evidence | None]:
        return [lookup(entry.address) for entry in batch]

    def ready() -> Iterator[AuditedEntry]:
        nonlocal in_flight
        batch, future = queued.popleft()
        in_flight -= len(batch)
        for entry, evidence in zip(batch, future.result(), strict=True):
            yield audit_entry(entry, evidence, now, stale_days)
        progress.audited += len(batch)
        progress.update()

    try:
        try:
            for page in pages:
                progress.pages += 1
                for start in range(0, len(page), LOOKUP_BATCH):
                    batch = page[start : start + LOOKUP_BATCH]
                    queued.append((batch, pool.submit(look_up, batch)))
                    in_flight += len(batch)
                    while in_flight > window:
                        yield from ready()
        except (AwsCallError, AwsSetupError) as error:
            while queued:
                yield from ready()
            raise ListingFailedError(error) from error
        while queued:
            yield from ready()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _logged_lookup(lookup: EvidenceLookup) -> EvidenceLookup:
    def run(address: str) -> Evidence | None:
        try:
            return lookup(address)
        except AwsCallError:
            logger.error("evidence lookup failed for %s", mask_email(address))
            raise

    return run


@dataclass
class Candidate:
    address: str
    reason: str
    klass: str
    listed_at: str
    evidence: dict[str, str | None] | None


def run_list(args: argparse.Namespace, runtime: Runtime) -> int:
    now = runtime.now()
    plan = validate_list_args(args, now, runtime.stdin_is_tty())
    table = _require_table(args)
    clients = runtime.clients(args.region)
    lookup = _logged_lookup(runtime.evidence_lookup(args.region, table))
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
        pages = api.list_pages(
            reasons=plan.reasons, since=plan.since, until=plan.until, page_size=args.page_size
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
                    candidates.write(json.dumps(_candidate(audited).__dict__) + "\n")
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
            return EXIT_API_FAILURE
        if args.format == "csv" or args.output:
            write_summary_table(spool.summary, runtime.stderr)
        if not plan.remove:
            return EXIT_OK
        candidates.flush()
        candidates.seek(0)
        selected = (Candidate(**json.loads(line)) for line in candidates)
        if not args.apply:
            return _dry_run(selected, candidate_count, runtime)
        return _apply(
            selected, count=candidate_count, args=args, plan=plan, clients=clients, api=api, runtime=runtime
        )
    finally:
        spool.close()
        candidates.close()


def _require_table(args: argparse.Namespace) -> str:
    if not args.table:
        raise InvalidInputError("no event table: pass --table or set EVENTS_TABLE_NAME")
    return str(args.table)


def _candidate(audited: AuditedEntry) -> Candidate:
    return Candidate(
        address=audited.entry.address,
        reason=audited.entry.reason.value,
        klass=audited.klass.value,
        listed_at=format_time(audited.entry.listed_at),
        evidence=audited.evidence.as_record() if audited.evidence else None,
    )


def _write_report(spool: ReportSpool, args: argparse.Namespace, meta: ReportMeta, runtime: Runtime) -> None:
    if args.output is None:
        spool.write(runtime.stdout, meta)
        runtime.stdout.flush()
        return
    with atomic_text_file(args.output) as out:
        spool.write(out, meta)


# --- removal -----------------------------------------------------------------------------------------


def _dry_run(selected: Iterator[Candidate], count: int, runtime: Runtime) -> int:
    out = runtime.stdout
    for candidate in selected:
        out.write(f"would remove {candidate.address} ({candidate.klass})\n")
    out.write(
        f"dry run: {count} entr{'y' if count == 1 else 'ies'} would be removed; add --apply to remove\n"
    )
    return EXIT_OK


class AuditLog:
    """Appends one JSON line per removal, flushed and fsynced before the next removal starts."""

    def __init__(self, path: Path, run_id: str, operator: str, now: Callable[[], datetime]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = path.open("a", encoding="utf-8")
        self._run_copy: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        self._run_id = run_id
        self._operator = operator
        self._now = now
        self.records = 0

    def record(self, candidate: Candidate, action: str, result: str, **extra: Any) -> None:
        line = json.dumps(
            {
                "time": format_time(self._now()),
                "run_id": self._run_id,
                "operator": self._operator,
                "action": action,
                "address": candidate.address,
                "class": candidate.klass,
                "reason": candidate.reason,
                "listed_at": candidate.listed_at,
                "evidence": candidate.evidence,
                "result": result,
                **extra,
            },
            separators=(",", ":"),
        )
        for handle in (self._file, self._run_copy):
            handle.write(line + "\n")
            handle.flush()
        os.fsync(self._file.fileno())
        self.records += 1

    def run_records(self) -> bytes:
        self._run_copy.seek(0)
        return self._run_copy.read().encode()

    def close(self) -> None:
        self._file.close()
        self._run_copy.close()


def _confirm(count: int, args: argparse.Namespace, runtime: Runtime) -> bool:
    if args.yes:
        return True
    answer = runtime.ask(
        f"Remove {count} address(es) ({args.remove}) from the SES suppression list? Type 'yes': "
    )
    return answer.strip().lower() == "yes"


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
        return EXIT_OK
    if not _confirm(count, args, runtime):
        runtime.stderr.write("not confirmed: nothing removed\n")
        return EXIT_BAD_INPUT
    operator = caller_identity(clients.sts, sleep=runtime.sleep)
    run_id = uuid.uuid4().hex[:12]
    audit = AuditLog(args.audit_log, run_id, operator, runtime.now)
    exit_code = EXIT_OK
    try:
        if plan.bulk_s3 is not None and count > args.bulk_threshold:
            exit_code = _bulk_remove(
                selected,
                bulk_s3=plan.bulk_s3,
                run_id=run_id,
                clients=clients,
                api=api,
                audit=audit,
                runtime=runtime,
            )
        else:
            if count > args.bulk_threshold:
                minutes = count / args.rate / 60
                out.write(
                    f"removing {count} entries one by one at {args.rate:g}/s (~{minutes:.0f} min); "
                    "--bulk-s3-uri would use an import job instead\n"
                )
            exit_code = _remove_one_by_one(selected, api, audit, runtime)
    finally:
        if plan.audit_s3 is not None and audit.records:
            exit_code = _upload_audit(plan.audit_s3, run_id, audit, clients, runtime) or exit_code
        audit.close()
    out.write(f"{audit.records} audit record(s) appended to {args.audit_log}\n")
    return exit_code


def _remove_one_by_one(
    selected: Iterator[Candidate], api: SuppressionListApi, audit: AuditLog, runtime: Runtime
) -> int:
    for candidate in selected:
        try:
            removed = api.delete(candidate.address)
        except AwsCallError as error:
            audit.record(candidate, "DeleteSuppressedDestination", "failed", error=str(error))
            logger.error("removal failed for %s: %s", mask_email(candidate.address), error.code)
            runtime.stderr.write(f"error: {error}\nstopped after {audit.records} removal attempt(s)\n")
            return EXIT_API_FAILURE
        result = "removed" if removed else "not-found"
        audit.record(candidate, "DeleteSuppressedDestination", result)
        runtime.stdout.write(f"{result} {candidate.address} ({candidate.klass})\n")
    return EXIT_OK


def _chunks(selected: Iterator[Candidate], size: int) -> Iterator[list[Candidate]]:
    chunk: list[Candidate] = []
    for candidate in selected:
        chunk.append(candidate)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _bulk_remove(
    selected: Iterator[Candidate],
    *,
    bulk_s3: S3Location,
    run_id: str,
    clients: AwsClients,
    api: SuppressionListApi,
    audit: AuditLog,
    runtime: Runtime,
) -> int:
    for number, chunk in enumerate(_chunks(selected, MAX_IMPORT_DELETES), start=1):
        location = bulk_s3.child(f"suppression-delete-{run_id}-{number:03d}.csv")
        body = "".join(f"{candidate.address},{candidate.reason}\n" for candidate in chunk).encode()
        try:
            put_object(clients.s3, location, body, "text/csv", sleep=runtime.sleep)
            job_id = api.start_bulk_delete(location)
        except AwsCallError as error:
            for candidate in chunk:
                audit.record(candidate, "CreateImportJob", "failed", source=str(location), error=str(error))
            runtime.stderr.write(f"error: {error}\n")
            return EXIT_API_FAILURE
        for candidate in chunk:
            audit.record(candidate, "CreateImportJob", "submitted", job_id=job_id, source=str(location))
        runtime.stdout.write(
            f"submitted import job {job_id}: DELETE {len(chunk)} address(es) from {location} "
            f"(follow it with: aws sesv2 get-import-job --job-id {job_id})\n"
        )
    return EXIT_OK


def _upload_audit(
    audit_s3: S3Location, run_id: str, audit: AuditLog, clients: AwsClients, runtime: Runtime
) -> int | None:
    stamp = runtime.now().strftime("%Y%m%dT%H%M%SZ")
    location = audit_s3.child(f"suppression-audit-{stamp}-{run_id}.jsonl")
    try:
        put_object(clients.s3, location, audit.run_records(), "application/x-ndjson", sleep=runtime.sleep)
    except AwsCallError as error:
        runtime.stderr.write(f"error: audit upload to {location} failed (local log is complete): {error}\n")
        return EXIT_API_FAILURE
    runtime.stdout.write(f"audit records uploaded to {location}\n")
    return None


# --- check -------------------------------------------------------------------------------------------


def run_check(args: argparse.Namespace, runtime: Runtime) -> int:
    address = validate_address(args.address)
    table = _require_table(args)
    now = runtime.now()
    clients = runtime.clients(args.region)
    limiter = RateLimiter(args.rate, clock=runtime.monotonic, sleep=runtime.sleep)
    entry = SuppressionListApi(clients.sesv2, limiter, sleep=runtime.sleep).get(address)
    evidence = runtime.evidence_lookup(args.region, table)(address)
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
    return EXIT_OK if entry is not None else EXIT_NOT_SUPPRESSED


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


# --- entry point -------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None, runtime: Runtime | None = None) -> int:
    runtime = runtime or Runtime()
    logging.basicConfig(level=logging.WARNING, format="audit_suppression: %(levelname)s %(message)s")
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        if args.command == "check":
            return run_check(args, runtime)
        return run_list(args, runtime)
    except InvalidInputError as error:
        runtime.stderr.write(f"error: {error}\n")
        return EXIT_BAD_INPUT
    except AwsSetupError as error:
        runtime.stderr.write(f"error: {setup_error_message(error)}\n")
        return EXIT_BAD_INPUT
    except AwsCallError as error:
        runtime.stderr.write(f"error: {error}\n")
        return EXIT_API_FAILURE
    except OSError as error:  # a file that passed the early checks still failed (disk full, ...)
        runtime.stderr.write(f"error: {error}\n")
        return EXIT_API_FAILURE


if __name__ == "__main__":
    sys.exit(main())

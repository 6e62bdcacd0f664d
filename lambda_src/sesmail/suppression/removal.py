"""Removal steps of the suppression audit: dry run, one-by-one DeleteSuppressedDestination, bulk
CreateImportJob DELETE, and the audit trail (one fsynced JSON line per address, optional S3 copy).
"""

from __future__ import annotations

import csv
import io
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, TextIO

from sesmail.aws.calls import AwsCallError
from sesmail.cli.audit_log import AuditLog
from sesmail.cli.exits import ExitCode
from sesmail.privacy import mask_email
from sesmail.suppression.api import MAX_IMPORT_DELETES, AwsClients, S3Location, SuppressionListApi, put_object
from sesmail.suppression.domain import SuppressedEntry, format_exact_time, parse_event_time
from sesmail.suppression.pipeline import Candidate

logger = logging.getLogger("audit_suppression")

REMOVED: Final = "removed"
NOT_FOUND: Final = "not-found"
SKIPPED: Final = "skipped"
CHANGED: Final = "changed since classification"
# Entries re-listed since this long before classification began are re-checked before a bulk job:
# LastUpdateTime is stamped by SES's clock, the run's start by the operator's.
RELIST_SKEW: Final = timedelta(minutes=5)


@dataclass
class RemovalContext:
    clients: AwsClients
    api: SuppressionListApi
    audit: AuditLog
    stdout: TextIO
    stderr: TextIO
    sleep: Callable[[float], None]
    now: Callable[[], datetime]
    classified_from: datetime  # when the listing that classified the candidates began


def dry_run(selected: Iterable[Candidate], count: int, out: TextIO) -> int:
    for candidate in selected:
        out.write(f"would remove {candidate.address} ({candidate.klass})\n")
    out.write(
        f"dry run: {count} entr{'y' if count == 1 else 'ies'} would be removed; add --apply to remove\n"
    )
    return ExitCode.OK


def changed_since_classification(candidate: Candidate, current: SuppressedEntry) -> str | None:
    """Why ``candidate`` must not be removed any more (its entry was re-listed), or None if unchanged.

    A new reason or a new ``LastUpdateTime`` means the class (and its evidence) describes a listing
    that no longer exists: e.g. an address classified soft-bounce and re-listed for a complaint since.
    """
    changes = []
    if current.reason.value != candidate.reason:
        changes.append(f"reason {candidate.reason} -> {current.reason.value}")
    if current.listed_at != parse_event_time(candidate.listed_at):
        changes.append(f"listed_at {candidate.listed_at} -> {format_exact_time(current.listed_at)}")
    return f"{CHANGED}: {'; '.join(changes)}" if changes else None


def remove_one_by_one(selected: Iterable[Candidate], ctx: RemovalContext) -> int:
    """Re-read each entry (GetSuppressedDestination) just before deleting it; skip it if it changed.

    Removal can run for many hours after classification (100,000 entries at 1 request/s), so the
    listing is trusted only as of the re-read, one rate-limited request before the delete.
    """
    tally: Counter[str] = Counter()
    try:
        for candidate in selected:
            result = _remove_if_unchanged(candidate, ctx)
            if result is None:
                return ExitCode.AWS_ERROR
            tally[result] += 1
    finally:
        ctx.stdout.write(
            f"{tally[REMOVED]} removed, {tally[NOT_FOUND]} not found, {tally[SKIPPED]} skipped ({CHANGED})\n"
        )
    return ExitCode.OK


def _remove_if_unchanged(candidate: Candidate, ctx: RemovalContext) -> str | None:
    """The result recorded for ``candidate``; None when an AWS call failed (recorded, run stops)."""
    action = "GetSuppressedDestination"
    change: str | None = None
    try:
        current = ctx.api.get(candidate.address)
        change = changed_since_classification(candidate, current) if current is not None else None
        removed = False
        if current is not None and change is None:
            action = "DeleteSuppressedDestination"
            removed = ctx.api.delete(candidate.address)
    except AwsCallError as error:
        ctx.audit.record(action=action, result="failed", error=str(error), **candidate.audit_fields())
        logger.error("removal failed for %s: %s", mask_email(candidate.address), error.code)
        ctx.stderr.write(f"error: {error}\nstopped after {ctx.audit.records} removal attempt(s)\n")
        return None
    if current is not None and change is not None:
        ctx.audit.record(
            action=action,
            result=SKIPPED,
            skip_reason=change,
            current_reason=current.reason.value,
            current_listed_at=format_exact_time(current.listed_at),
            **candidate.audit_fields(),
        )
        ctx.stdout.write(f"{SKIPPED} {candidate.address} ({candidate.klass}): {change}\n")
        return SKIPPED
    result = REMOVED if removed else NOT_FOUND
    ctx.audit.record(action=action, result=result, **candidate.audit_fields())
    ctx.stdout.write(f"{result} {candidate.address} ({candidate.klass})\n")
    return result


def chunks(selected: Iterable[Candidate], size: int) -> Iterator[list[Candidate]]:
    chunk: list[Candidate] = []
    for candidate in selected:
        chunk.append(candidate)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def bulk_delete_csv(chunk: Iterable[Candidate]) -> bytes:
    """The CreateImportJob DELETE source: ``address,reason`` rows, quoted by ``csv`` (a quoted local part
    may hold a comma or a quote)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows((candidate.address, candidate.reason) for candidate in chunk)
    return buffer.getvalue().encode()


def relisted_since_classification(ctx: RemovalContext) -> dict[str, SuppressedEntry]:
    """Every entry listed or re-listed since classification began, by lower-cased address.

    One paged ListSuppressedDestinations (``StartDate``) instead of a GetSuppressedDestination per
    address: a bulk job exists to avoid one request per address, and entries changed during a run are
    few. Unchanged entries in the result (classified after their change) compare equal and are kept.
    """
    since = ctx.classified_from - RELIST_SKEW
    return {entry.address.lower(): entry for page in ctx.api.list_pages(since=since) for entry in page}


def _unchanged(chunk: list[Candidate], ctx: RemovalContext) -> tuple[list[Candidate], int]:
    """The candidates of ``chunk`` still listed as classified, and how many were skipped (audited)."""
    relisted = relisted_since_classification(ctx)
    keep: list[Candidate] = []
    for candidate in chunk:
        current = relisted.get(candidate.address.lower())
        change = changed_since_classification(candidate, current) if current is not None else None
        if current is None or change is None:
            keep.append(candidate)
            continue
        ctx.audit.record(
            action="ListSuppressedDestinations",
            result=SKIPPED,
            skip_reason=change,
            current_reason=current.reason.value,
            current_listed_at=format_exact_time(current.listed_at),
            **candidate.audit_fields(),
        )
        ctx.stdout.write(f"{SKIPPED} {candidate.address} ({candidate.klass}): {change}\n")
    return keep, len(chunk) - len(keep)


def bulk_remove(selected: Iterable[Candidate], bulk_s3: S3Location, ctx: RemovalContext) -> int:
    """CreateImportJob DELETE per chunk of ``MAX_IMPORT_DELETES``, each chunk re-checked just before."""
    submitted = skipped = 0
    try:
        for number, whole_chunk in enumerate(chunks(selected, MAX_IMPORT_DELETES), start=1):
            location = bulk_s3.child(f"suppression-delete-{ctx.audit.run_id}-{number:03d}.csv")
            chunk, action = whole_chunk, "ListSuppressedDestinations"
            try:
                chunk, dropped = _unchanged(whole_chunk, ctx)
                skipped += dropped
                if not chunk:
                    continue
                action = "CreateImportJob"
                put_object(ctx.clients.s3, location, bulk_delete_csv(chunk), "text/csv", sleep=ctx.sleep)
                job_id = ctx.api.start_bulk_delete(location)
            except AwsCallError as error:
                for candidate in chunk:
                    ctx.audit.record(
                        action=action,
                        result="failed",
                        source=str(location),
                        error=str(error),
                        **candidate.audit_fields(),
                    )
                ctx.stderr.write(f"error: {error}\n")
                return ExitCode.AWS_ERROR
            for candidate in chunk:
                ctx.audit.record(
                    action="CreateImportJob",
                    result="submitted",
                    job_id=job_id,
                    source=str(location),
                    **candidate.audit_fields(),
                )
            submitted += len(chunk)
            ctx.stdout.write(
                f"submitted import job {job_id}: DELETE {len(chunk)} address(es) from {location} "
                f"(follow it with: aws sesv2 get-import-job --job-id {job_id})\n"
            )
    finally:
        ctx.stdout.write(f"{submitted} submitted, {skipped} skipped ({CHANGED})\n")
    return ExitCode.OK


def upload_audit(audit_s3: S3Location, ctx: RemovalContext) -> int | None:
    stamp = ctx.now().strftime("%Y%m%dT%H%M%SZ")
    location = audit_s3.child(f"suppression-audit-{stamp}-{ctx.audit.run_id}.jsonl")
    try:
        put_object(ctx.clients.s3, location, ctx.audit.run_records(), "application/x-ndjson", sleep=ctx.sleep)
    except AwsCallError as error:
        ctx.stderr.write(f"error: audit upload to {location} failed (local log is complete): {error}\n")
        return ExitCode.AWS_ERROR
    ctx.stdout.write(f"audit records uploaded to {location}\n")
    return None

"""Removal steps of the suppression audit: dry run, one-by-one DeleteSuppressedDestination, bulk
CreateImportJob DELETE, and the audit trail (one fsynced JSON line per address, optional S3 copy).
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

from sesmail.aws.calls import AwsCallError
from sesmail.cli.audit_log import AuditLog
from sesmail.cli.exits import ExitCode
from sesmail.privacy import mask_email
from sesmail.suppression.api import MAX_IMPORT_DELETES, AwsClients, S3Location, SuppressionListApi, put_object
from sesmail.suppression.pipeline import Candidate

logger = logging.getLogger("audit_suppression")


@dataclass
class RemovalContext:
    clients: AwsClients
    api: SuppressionListApi
    audit: AuditLog
    stdout: TextIO
    stderr: TextIO
    sleep: Callable[[float], None]
    now: Callable[[], datetime]


def dry_run(selected: Iterable[Candidate], count: int, out: TextIO) -> int:
    for candidate in selected:
        out.write(f"would remove {candidate.address} ({candidate.klass})\n")
    out.write(
        f"dry run: {count} entr{'y' if count == 1 else 'ies'} would be removed; add --apply to remove\n"
    )
    return ExitCode.OK


def remove_one_by_one(selected: Iterable[Candidate], ctx: RemovalContext) -> int:
    for candidate in selected:
        try:
            removed = ctx.api.delete(candidate.address)
        except AwsCallError as error:
            ctx.audit.record(
                action="DeleteSuppressedDestination",
                result="failed",
                error=str(error),
                **candidate.audit_fields(),
            )
            logger.error("removal failed for %s: %s", mask_email(candidate.address), error.code)
            ctx.stderr.write(f"error: {error}\nstopped after {ctx.audit.records} removal attempt(s)\n")
            return ExitCode.AWS_ERROR
        result = "removed" if removed else "not-found"
        ctx.audit.record(action="DeleteSuppressedDestination", result=result, **candidate.audit_fields())
        ctx.stdout.write(f"{result} {candidate.address} ({candidate.klass})\n")
    return ExitCode.OK


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


def bulk_remove(selected: Iterable[Candidate], bulk_s3: S3Location, ctx: RemovalContext) -> int:
    for number, chunk in enumerate(chunks(selected, MAX_IMPORT_DELETES), start=1):
        location = bulk_s3.child(f"suppression-delete-{ctx.audit.run_id}-{number:03d}.csv")
        try:
            put_object(ctx.clients.s3, location, bulk_delete_csv(chunk), "text/csv", sleep=ctx.sleep)
            job_id = ctx.api.start_bulk_delete(location)
        except AwsCallError as error:
            for candidate in chunk:
                ctx.audit.record(
                    action="CreateImportJob",
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
        ctx.stdout.write(
            f"submitted import job {job_id}: DELETE {len(chunk)} address(es) from {location} "
            f"(follow it with: aws sesv2 get-import-job --job-id {job_id})\n"
        )
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

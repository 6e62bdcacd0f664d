"""The audit listing pipeline: suppression-list pages in, classified entries out, in list order.

Evidence lookups run on a thread pool while the rate-limited listing fetches the next page; removal
candidates are kept as ``Candidate`` records (JSON-serialisable, spooled to disk by the caller).
"""

from __future__ import annotations

import logging
import math
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Final, TextIO

from sesmail.aws.calls import AwsCallError, AwsSetupError
from sesmail.privacy import mask_email
from sesmail.suppression.domain import AuditedEntry, Evidence, SuppressedEntry, audit_entry, format_time

LOOKUP_BATCH: Final = 16

logger = logging.getLogger("audit_suppression")

EvidenceLookup = Callable[[str], Evidence | None]


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


def logged_lookup(lookup: EvidenceLookup) -> EvidenceLookup:
    def run(address: str) -> Evidence | None:
        try:
            return lookup(address)
        except AwsCallError:
            logger.error("evidence lookup failed for %s", mask_email(address))
            raise

    return run


@dataclass
class Candidate:
    """An entry selected for removal, as recorded in the audit log."""

    address: str
    reason: str
    klass: str
    listed_at: str
    evidence: dict[str, str | None] | None

    @classmethod
    def of(cls, audited: AuditedEntry) -> Candidate:
        return cls(
            address=audited.entry.address,
            reason=audited.entry.reason.value,
            klass=audited.klass.value,
            listed_at=format_time(audited.entry.listed_at),
            evidence=audited.evidence.as_record() if audited.evidence else None,
        )

    def audit_fields(self) -> dict[str, object]:
        return {
            "address": self.address,
            "class": self.klass,
            "reason": self.reason,
            "listed_at": self.listed_at,
            "evidence": self.evidence,
        }

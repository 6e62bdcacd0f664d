"""One SQS batch end to end: parse every record, write all their items together, report failures.

Pure orchestration over the :class:`~sesmail.events.store.EventStore` interface; the Lambda handler adds
only logging and metrics. Why a hand-written cross-record loop rather than Powertools'
``BatchProcessor``: docs/decisions/0030-event-persister-batch-loop.md.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sesmail.events.models import MalformedEventError, RecipientEvent
from sesmail.events.parse import parse_sqs_body
from sesmail.events.store import WriteOutcome
from sesmail.handlers.settings import PersisterSettings


class EventWriter(Protocol):
    def write(
        self,
        events_by_record: Iterable[tuple[str, Sequence[RecipientEvent]]],
        *,
        retention_seconds: int,
        remaining_ms: Callable[[], int],
    ) -> WriteOutcome: ...


@dataclass(slots=True)
class BatchResult:
    failed_record_ids: list[str] = field(default_factory=list)  # in SQS order, each once
    malformed: list[tuple[str, str]] = field(default_factory=list)  # (record id, reason)
    stored_by_type: Counter[str] = field(default_factory=Counter)
    write: WriteOutcome = field(default_factory=WriteOutcome)

    def batch_item_failures(self) -> dict[str, list[dict[str, str]]]:
        """The SQS partial-batch response (``ReportBatchItemFailures`` on the event source mapping)."""
        return {"batchItemFailures": [{"itemIdentifier": record_id} for record_id in self.failed_record_ids]}


def persist_batch(
    records: Sequence[tuple[str, str]],
    writer: EventWriter,
    settings: PersisterSettings,
    remaining_ms: Callable[[], int],
) -> BatchResult:
    """``records`` are (SQS message id, body). A malformed body fails only its own record."""
    result = BatchResult()
    parsed: list[tuple[str, list[RecipientEvent]]] = []
    for record_id, body in records:
        try:
            parsed.append((record_id, parse_sqs_body(body, store_subject=settings.store_subject)))
        except MalformedEventError as error:
            result.malformed.append((record_id, str(error)))
        except Exception as error:  # noqa: BLE001 - whatever one body holds, it fails that record only
            result.malformed.append((record_id, f"unparseable record: {type(error).__name__}"))

    result.write = writer.write(
        parsed, retention_seconds=settings.retention_seconds, remaining_ms=remaining_ms
    )
    failed = result.write.failed_record_ids | {record_id for record_id, _ in result.malformed}
    result.failed_record_ids = [record_id for record_id, _ in records if record_id in failed]
    for record_id, events in parsed:
        if record_id not in failed:
            result.stored_by_type.update(event.event_type for event in events)
    return result

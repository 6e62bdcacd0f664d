"""Persister Lambda: SQS batch of SES events -> DynamoDB event table, with partial batch failures.

Handler setting ``sesmail.handlers.persister.handler``. Environment: see ``sesmail.handlers.settings``; a bad
value fails the init phase with one clear message rather than every invocation later.

EMF metrics (namespace ``POWERTOOLS_METRICS_NAMESPACE``, dimension ``service``), one document per
invocation: ``RecordsFailed`` (SQS records reported in batchItemFailures), ``UnprocessedRetries``
(items re-sent after UnprocessedItems/throttling), ``EventsStored`` (all types) and ``<Type>Stored``
per event type (``BounceStored``, ``ComplaintStored``, ..., ``OtherStored`` for unknown types).
Logs: errors for malformed records and rejected writes; a per-batch summary at DEBUG.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from sesmail.events.models import KNOWN_EVENT_TYPES
from sesmail.events.persist import BatchResult, persist_batch
from sesmail.events.store import BudgetedClients, EventStore
from sesmail.handlers.observability import MaskingFormatter
from sesmail.handlers.settings import load_settings

settings = load_settings()
logger = Logger(logger_formatter=MaskingFormatter())
metrics = Metrics()
clients = BudgetedClients()  # write timeouts sized to the invocation's time left
store = EventStore(clients.default, settings.events_table_name, client_for_budget=clients)


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, list[dict[str, str]]]:
    # Plain dict access rather than Powertools' SQSEvent: importing the data_classes package costs the
    # cold start ~80 ms for two fields (docs/decisions/0030-event-persister-batch-loop.md).
    records = [(record["messageId"], record["body"]) for record in event["Records"]]
    result = persist_batch(records, store, settings, context.get_remaining_time_in_millis)
    observe(result, len(records))
    return result.batch_item_failures()


def observe(result: BatchResult, records: int) -> None:
    """Logs and EMF metrics of one batch (addresses masked by the formatter)."""
    for record_id, reason in result.malformed:
        logger.error("malformed SES event record", extra={"sqs_message_id": record_id, "reason": reason})
    if result.write.errors:
        logger.error("DynamoDB rejected writes", extra={"error_codes": sorted(set(result.write.errors))})
    metrics.add_metric(name="RecordsFailed", unit=MetricUnit.Count, value=len(result.failed_record_ids))
    metrics.add_metric(
        name="UnprocessedRetries", unit=MetricUnit.Count, value=result.write.unprocessed_retries
    )
    metrics.add_metric(name="EventsStored", unit=MetricUnit.Count, value=result.stored_by_type.total())
    for event_type, count in result.stored_by_type.items():
        # One metric per type in the same EMF document (an EventType dimension would cost one
        # document per type per batch); unknown future types are summed as "Other".
        name = event_type if event_type in KNOWN_EVENT_TYPES else "Other"
        metrics.add_metric(name=f"{name}Stored", unit=MetricUnit.Count, value=count)
    logger.debug(
        "batch persisted",
        extra={
            "records": records,
            "records_failed": len(result.failed_record_ids),
            "items_written": result.write.items_written,
            "dynamodb_requests": result.write.requests,
        },
    )

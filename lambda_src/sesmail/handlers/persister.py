"""Persister Lambda: SQS batch of SES events -> DynamoDB event table, with partial batch failures.

Handler setting ``sesmail.handlers.persister.handler``. Environment: see ``sesmail.settings``; a bad
value fails the init phase with one clear message rather than every invocation later.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.utilities.data_classes import SQSEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from sesmail.observability import MaskingFormatter
from sesmail.persist import persist_batch
from sesmail.settings import load_settings
from sesmail.store import EventStore, create_client

settings = load_settings()
logger = Logger(logger_formatter=MaskingFormatter())
metrics = Metrics()
store = EventStore(create_client(), settings.events_table_name)


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, list[dict[str, str]]]:
    records = [(record.message_id, record.body) for record in SQSEvent(event).records]
    result = persist_batch(records, store, settings, context.get_remaining_time_in_millis)

    for record_id, reason in result.malformed:
        logger.error("malformed SES event record", extra={"sqs_message_id": record_id, "reason": reason})
    if result.write.errors:
        logger.error("DynamoDB rejected writes", extra={"error_codes": sorted(set(result.write.errors))})
    metrics.add_metric(name="RecordsFailed", unit=MetricUnit.Count, value=len(result.failed_record_ids))
    metrics.add_metric(
        name="UnprocessedRetries", unit=MetricUnit.Count, value=result.write.unprocessed_retries
    )
    for event_type, count in sorted(result.stored_by_type.items()):
        with single_metric(
            name="EventsStored",
            unit=MetricUnit.Count,
            value=count,
            default_dimensions=metrics.default_dimensions,
        ) as metric:
            metric.add_dimension(name="EventType", value=event_type)
    logger.info(
        "batch persisted",
        extra={
            "records": len(records),
            "records_failed": len(result.failed_record_ids),
            "items_written": result.write.items_written,
            "dynamodb_requests": result.write.requests,
        },
    )
    return result.batch_item_failures()

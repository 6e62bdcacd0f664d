"""Quota publisher Lambda: ``sesv2 GetAccount`` -> the share of the 24-hour quota used, as a metric.

Handler setting ``sesmail.handlers.quota_metric.handler``, invoked on a schedule by EventBridge
(``terraform/modules/quota_metric``). Publishes ``SendQuotaUsage`` (SentLast24Hours / Max24HourSend)
and the raw figures to ``SEND_QUOTA_METRIC_NAMESPACE`` with dimension ``Region``
(``sesmail.operations.quota``). A failed run raises: the next scheduled run replaces it, and a
publisher that keeps failing leaves the metric empty, which the quota warning alarm treats as breaching.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from sesmail.aws.calls import client_config
from sesmail.handlers.observability import MaskingFormatter
from sesmail.handlers.settings import load_quota_metric_settings
from sesmail.operations.aws import get_quota, put_metric_data
from sesmail.operations.quota import quota_metric_data

settings = load_quota_metric_settings()
logger = Logger(logger_formatter=MaskingFormatter())
sesv2 = boto3.client("sesv2", region_name=settings.region, config=client_config())
cloudwatch = boto3.client("cloudwatch", region_name=settings.region, config=client_config())


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, float]:
    reading = get_quota(sesv2)
    put_metric_data(
        cloudwatch, settings.namespace, quota_metric_data(reading, settings.region, datetime.now(UTC))
    )
    summary = {
        "usage": reading.usage,
        "sent_last_24_hours": reading.sent_last_24_hours,
        "max_24_hour_send": reading.max_24_hour_send,
    }
    logger.info("send quota published", extra=summary)
    return summary

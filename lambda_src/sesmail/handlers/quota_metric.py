"""Quota publisher Lambda: ``sesv2 GetAccount`` -> the share of the 24-hour quota used, as a metric.

Handler setting ``sesmail.handlers.quota_metric.handler``, invoked on a schedule by EventBridge
(``terraform/modules/quota_metric``). For each region of ``SEND_QUOTA_REGIONS`` (each region's quota is
its own) it publishes ``SendQuotaUsage`` (SentLast24Hours / Max24HourSend) and the raw figures to
that region's CloudWatch, namespace ``SEND_QUOTA_METRIC_NAMESPACE``, dimension ``Region``
(``sesmail.operations.quota``), so each region's alarms read their own region. A region that fails
does not stop the others; the run then raises, the next scheduled run replaces it, and a region whose
metric stays empty trips its quota warning alarm (missing data is breaching).
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
clients: dict[str, tuple[Any, Any]] = {
    region: (
        boto3.client("sesv2", region_name=region, config=client_config()),
        boto3.client("cloudwatch", region_name=region, config=client_config()),
    )
    for region in settings.regions
}


class QuotaPublishError(RuntimeError):
    """At least one region's quota could not be read or published (the others were)."""


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, float]:
    usage: dict[str, float] = {}
    failed: dict[str, str] = {}
    for region, (sesv2, cloudwatch) in clients.items():
        try:
            reading = get_quota(sesv2)
            data = quota_metric_data(reading, region, datetime.now(UTC))
            put_metric_data(cloudwatch, settings.namespace, data)
        except Exception as error:  # one region must not hide the others; raised below
            failed[region] = str(error)
            logger.exception("send quota not published", extra={"region": region})
            continue
        usage[region] = reading.usage
        logger.info(
            "send quota published",
            extra={
                "region": region,
                "usage": reading.usage,
                "sent_last_24_hours": reading.sent_last_24_hours,
            },
        )
    if failed:
        raise QuotaPublishError(f"send quota not published for {sorted(failed)}: {failed}")
    return usage

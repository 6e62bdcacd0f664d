"""Outbox replay Lambda: SQS batch of outbox entries -> SES through the failover sender, partial failures.

Handler setting ``sesmail.handlers.outbox_replay.handler``, on an SQS event source mapping with
``ReportBatchItemFailures``. Environment: see ``sesmail.sending.replay.load_replay_settings``; a bad value
fails the init phase with one clear message.

The sender, its circuit breakers and the rate limiter are module-level: they outlive one invocation, so a
region found down keeps its breaker open for the next batch, and the pace holds across batches. The
pace is per concurrent instance: keep the mapping's maximum concurrency low (e.g. 2) or divide the rate.

EMF metrics (namespace ``POWERTOOLS_METRICS_NAMESPACE``, as the persister's, default ``SesMailPlatform``),
one document per invocation, **without dimensions** (``sesmail.sending.metrics.EmfSink``, not Powertools
Metrics, which always adds a ``service`` dimension): services publish the same names the same way, so one
alarm per metric covers the replay worker and every sender. ``ReplaySent``, ``ReplayFailures``,
``OutboxParked``, ``OutboxAgeSeconds``, ``Failovers``, ``CircuitOpened``, ``PossibleDuplicates``,
``RefTrailFailures`` (``sesmail.sending.metrics``; decision 0070, "Metrics for alarms").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.utilities.typing import LambdaContext

from sesmail.aws.calls import RateLimiter, client_config
from sesmail.events.store import EventStore, create_client
from sesmail.handlers.observability import MaskingFormatter
from sesmail.sending.failover import FailoverSender, create_region_client
from sesmail.sending.metrics import EmfSink
from sesmail.sending.outbox import Outbox, SqsOutbox, TrailedOutbox
from sesmail.sending.replay import OutboxReplayer, ReplaySettings, load_replay_settings

if TYPE_CHECKING:
    from mypy_boto3_sesv2.client import SESV2Client

FALLBACK_SEND_RATE = 1.0  # SES's sandbox rate: safe when the account's rate cannot be read

settings = load_replay_settings()
logger = Logger(logger_formatter=MaskingFormatter())
add_metric = EmfSink(buffered=True)  # flushed once at the end of every invocation
# The library logs through the standard logging tree: give it Powertools' JSON, masking handler.
copy_config_to_registered_loggers(source_logger=logger, include={"sesmail"})


def send_rate(config: ReplaySettings, client: SESV2Client | None = None) -> float:
    """The configured rate, else the given share of the primary's ``MaxSendRate`` (``GetAccount``)."""
    if config.send_rate is not None:
        return config.send_rate
    try:
        ses = client or boto3.client("sesv2", region_name=config.primary_region, config=client_config())
        account_rate = float(ses.get_account()["SendQuota"]["MaxSendRate"])
    except Exception as exc:  # noqa: BLE001 - an unreadable quota must not stop the outbox from draining
        logger.warning("could not read MaxSendRate (%s): replaying at %.1f/s", exc, FALLBACK_SEND_RATE)
        return FALLBACK_SEND_RATE
    return max(FALLBACK_SEND_RATE, account_rate * config.rate_share)


def build_replayer(
    config: ReplaySettings, client_factory: Callable[[str], SESV2Client] = create_region_client
) -> OutboxReplayer:
    """The module's replayer; ``client_factory`` builds each region's SESv2 client (the local outage
    demo points each region at its own stand-in)."""
    outbox: Outbox = SqsOutbox(boto3.client("sqs"), config.outbox_queue_url, config.parked_queue_url)
    if config.events_table_name:
        # Every re-queue, park and send is findable by reference (scripts/mail_status.py ref REF).
        trail = EventStore(create_client(), config.events_table_name)
        outbox = TrailedOutbox(outbox, trail, metrics_sink=add_metric)
    sender = FailoverSender.for_regions(
        config.primary_region,
        config.standby_region,
        configuration_set="",  # replayed requests carry their own configuration set
        outbox=outbox,
        client_factory=client_factory,
        limiter=RateLimiter(send_rate(config)),
        metrics_sink=add_metric,
    )
    return OutboxReplayer(sender, metrics_sink=add_metric)


replayer = build_replayer(settings)


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, list[dict[str, str]]]:
    records = [(record["messageId"], record["body"]) for record in event["Records"]]
    try:
        report = replayer.replay_batch(records, context.get_remaining_time_in_millis)
    finally:
        add_metric.flush()
    logger.info(
        "outbox batch replayed",
        extra={
            "records": len(records),
            "sent": report.sent,
            "requeued": report.requeued,
            "parked": report.parked,
            "records_failed": len(report.failed_record_ids),
        },
    )
    return report.batch_item_failures()

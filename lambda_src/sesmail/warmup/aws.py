"""Warm-up data access: the only warm-up module that talks to AWS (SESv2, CloudWatch, SSM, DynamoDB).

Every call goes through ``sesmail.aws.calls`` (decision 0040): SESv2 calls share one ``RateLimiter``
(the management API budget is about one request per second per account), throttling is retried with
backoff and jitter, pages are followed lazily, and failures surface as ``AwsCallError`` (the CLI exits
1) or ``AwsSetupError`` (no credentials / no region: exit 2), never as botocore exceptions.

Counts come from CloudWatch (namespace ``AWS/SES``: ``Send``, ``Bounce``, ``Complaint``,
``DeliveryDelay`` sums, ``Reputation.*`` maxima) rather than from the event table: the table is keyed
per message (``schema.py``), so counting a day's events there is a full-table Scan whose cost grows
with the retention period, while CloudWatch already holds the per-minute sums. The event table is used
only for the optional ``delayType`` breakdown, which CloudWatch does not have.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from sesmail.aws import clients as factory
from sesmail.aws.calls import (
    AwsCallError,
    AwsSetupError,
    RateLimiter,
    call_with_retries,
    paginate,
    paginate_pages,
)
from sesmail.events import schema
from sesmail.events.models import BOUNCE, COMPLAINT, DELIVERY_DELAY, SEND
from sesmail.warmup.schedule import CapRecord, SendingMetrics, WarmupInputError

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch import CloudWatchClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_ssm import SSMClient

__all__ = ["AwsCallError", "AwsSetupError"]

SES_NAMESPACE: Final = "AWS/SES"
CONFIGURATION_SET_DIMENSION: Final = "ses:configuration-set"
PARAMETER_NOT_FOUND: Final = "ParameterNotFound"
# One budget per process for the SES management API (about 1 request/s per account).
ses_limiter = RateLimiter(1.0)


def client(service: str, region: str | None = None) -> Any:
    """A client from the one factory (``sesmail.aws.clients``): botocore's retries off, since
    ``sesmail.aws.calls`` retries; ``AwsSetupError`` without a region or credentials."""
    return factory.client(service, region)


# --- SESv2 account and dedicated IPs --------------------------------------------------------------


@dataclass(frozen=True)
class AccountView:
    max_24_hour_send: int
    sent_last_24_hours: int
    max_send_rate: float
    enforcement_status: str | None
    sending_enabled: bool | None
    production_access_enabled: bool | None


def get_account(sesv2: SESV2Client) -> AccountView:
    account = call_with_retries(sesv2.get_account, limiter=ses_limiter)
    quota = account.get("SendQuota", {})
    return AccountView(
        max_24_hour_send=int(quota.get("Max24HourSend", 0)),
        sent_last_24_hours=int(quota.get("SentLast24Hours", 0)),
        max_send_rate=float(quota.get("MaxSendRate", 0.0)),
        enforcement_status=account.get("EnforcementStatus"),
        sending_enabled=account.get("SendingEnabled"),
        production_access_enabled=account.get("ProductionAccessEnabled"),
    )


@dataclass(frozen=True)
class DedicatedIpView:
    ip: str
    warmup_status: str
    warmup_percentage: int
    pool_name: str | None


def list_dedicated_ips(sesv2: SESV2Client, pool_name: str | None = None) -> list[DedicatedIpView]:
    """Every dedicated IP (of one pool if given), following NextToken."""
    pool: dict[str, Any] = {"PoolName": pool_name} if pool_name else {}
    return [
        DedicatedIpView(
            ip=item["Ip"],
            warmup_status=item["WarmupStatus"],
            warmup_percentage=int(item["WarmupPercentage"]),
            pool_name=item.get("PoolName"),
        )
        for item in paginate(
            sesv2.get_dedicated_ips, items_key="DedicatedIps", limiter=ses_limiter, PageSize=100, **pool
        )
    ]


def set_ip_warmup_percentage(sesv2: SESV2Client, ip: str, percentage: int) -> None:
    call_with_retries(
        sesv2.put_dedicated_ip_warmup_attributes, limiter=ses_limiter, Ip=ip, WarmupPercentage=percentage
    )


# --- CloudWatch -----------------------------------------------------------------------------------

# The canonical event type names (sesmail.events.models) are the AWS/SES metric names.
_COUNT_METRICS: Final = {"sends": SEND, "bounces": BOUNCE, "complaints": COMPLAINT, "delays": DELIVERY_DELAY}
_RATE_METRICS: Final = {"bounce_rate": "Reputation.BounceRate", "complaint_rate": "Reputation.ComplaintRate"}


def read_sending_metrics(
    cloudwatch: CloudWatchClient,
    *,
    end: dt.datetime,
    window: dt.timedelta,
    configuration_set: str | None = None,
) -> dict[str, float | None]:
    """Sums of the SES event counts and maxima of the reputation rates over ``[end - window, end)``.

    Counts with no datapoints are 0 (no sends); rates with no datapoints are None (unknown).
    """
    dimensions = (
        [{"Name": CONFIGURATION_SET_DIMENSION, "Value": configuration_set}] if configuration_set else []
    )
    period = max(60, int(window.total_seconds()) // 60 * 60)
    queries: list[Any] = []
    for query_id, (metric, stat) in {
        **{key: (name, "Sum") for key, name in _COUNT_METRICS.items()},
        **{key: (name, "Maximum") for key, name in _RATE_METRICS.items()},
    }.items():
        queries.append(
            {
                "Id": query_id,
                "MetricStat": {
                    "Metric": {"Namespace": SES_NAMESPACE, "MetricName": metric, "Dimensions": dimensions},
                    "Period": period,
                    "Stat": stat,
                },
                "ReturnData": True,
            }
        )
    values: dict[str, list[float]] = {query["Id"]: [] for query in queries}
    for page in paginate_pages(
        cloudwatch.get_metric_data, MetricDataQueries=queries, StartTime=end - window, EndTime=end
    ):
        for result in page.get("MetricDataResults", []):
            values[result["Id"]].extend(result.get("Values", []))
    out: dict[str, float | None] = {key: float(sum(values[key])) for key in _COUNT_METRICS}
    out.update({key: (max(values[key]) if values[key] else None) for key in _RATE_METRICS})
    return out


def sending_metrics(
    cloudwatch: CloudWatchClient,
    *,
    end: dt.datetime,
    window: dt.timedelta,
    configuration_set: str | None,
    enforcement_status: str | None,
    delays_by_type: dict[str, int] | None = None,
) -> SendingMetrics:
    raw = read_sending_metrics(cloudwatch, end=end, window=window, configuration_set=configuration_set)
    return SendingMetrics(
        sends=int(raw["sends"] or 0),
        bounces=int(raw["bounces"] or 0),
        complaints=int(raw["complaints"] or 0),
        delays=int(raw["delays"] or 0),
        reputation_bounce_rate=raw["bounce_rate"],
        reputation_complaint_rate=raw["complaint_rate"],
        enforcement_status=enforcement_status,
        delays_by_type=delays_by_type or {},
    )


# --- event table (optional delayType breakdown) ---------------------------------------------------


def count_delays_by_type(
    dynamodb: DynamoDBClient, table_name: str, *, since: dt.datetime, configuration_set: str | None = None
) -> dict[str, int]:
    """DeliveryDelay events per ``delay_type`` since ``since`` (a filtered Scan: opt-in, see module doc)."""
    names = {"#type": "event_type", "#at": schema.RECIPIENT_INDEX_SORT_KEY, "#delay": "delay_type"}
    values: dict[str, Any] = {":delay": {"S": DELIVERY_DELAY}, ":since": {"S": _event_time(since)}}
    condition = "#type = :delay AND #at >= :since"
    if configuration_set:
        names["#set"] = "configuration_set"
        values[":set"] = {"S": configuration_set}
        condition += " AND #set = :set"
    counts: dict[str, int] = {}
    items = paginate(
        dynamodb.scan,
        items_key="Items",
        token_in="ExclusiveStartKey",  # noqa: S106 - DynamoDB's pagination keys, not secrets
        token_out="LastEvaluatedKey",  # noqa: S106
        TableName=table_name,
        FilterExpression=condition,
        ProjectionExpression="#delay",
        ExpressionAttributeNames=names,
        ExpressionAttributeValues=values,
    )
    for item in items:
        delay_type = str(item.get("delay_type", {}).get("S") or "Unknown")
        counts[delay_type] = counts.get(delay_type, 0) + 1
    return dict(sorted(counts.items()))


def _event_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# --- SSM: the published daily cap -----------------------------------------------------------------


def cap_parameter_name(env: str, domain: str) -> str:
    return f"/ses/{env}/warmup/{domain}/daily_cap"


def read_cap(ssm: SSMClient, env: str, domain: str) -> CapRecord | None:
    """The published cap, or None when none was ever published (a malformed value is an input error)."""
    name = cap_parameter_name(env, domain)

    try:
        raw = call_with_retries(ssm.get_parameter, Name=name)["Parameter"]["Value"]
    except AwsCallError as error:
        if error.code == PARAMETER_NOT_FOUND:
            return None
        raise
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        raise WarmupInputError(f"{name} does not hold JSON") from None
    return CapRecord.from_json_dict(value)


def write_cap(ssm: SSMClient, env: str, domain: str, record: CapRecord) -> str:
    """Publish ``record`` (overwriting); returns the parameter name."""
    name = cap_parameter_name(env, domain)
    call_with_retries(
        ssm.put_parameter,
        Name=name,
        Value=json.dumps(record.to_json_dict(), sort_keys=True),
        Type="String",
        Overwrite=True,
        Description=f"SES warm-up daily cap for {domain} (written by scripts/warmup.py gate --apply)",
    )
    return name

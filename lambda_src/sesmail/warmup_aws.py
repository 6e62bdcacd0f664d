"""Warm-up data access: the only warm-up module that talks to AWS (SESv2, CloudWatch, SSM, DynamoDB).

Every call goes through ``_call``, which turns botocore failures into ``WarmupAwsError`` (the CLI exits
1) or ``AwsSetupError`` (no credentials / no region: exit 2), so callers never see ``ClientError``.

Counts come from CloudWatch (namespace ``AWS/SES``: ``Send``, ``Bounce``, ``Complaint``,
``DeliveryDelay`` sums, ``Reputation.*`` maxima) rather than from the event table: the table is keyed
per message (``schema.py``), so counting a day's events there is a full-table Scan whose cost grows
with the retention period, while CloudWatch already holds the per-minute sums. The event table is used
only for the optional ``delayType`` breakdown, which CloudWatch does not have.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, TypeVar

import boto3
from boto3.dynamodb.conditions import Attr
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError

from sesmail.warmup import CapRecord, SendingMetrics, WarmupInputError

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch import CloudWatchClient
    from mypy_boto3_dynamodb.service_resource import Table
    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_ssm import SSMClient

T = TypeVar("T")
SES_NAMESPACE: Final = "AWS/SES"
CONFIGURATION_SET_DIMENSION: Final = "ses:configuration-set"
DELIVERY_DELAY_EVENT_TYPE: Final = "DeliveryDelay"
# botocore's standard mode retries throttling with exponential backoff and jitter.
CLIENT_CONFIG: Final = Config(retries={"mode": "standard", "max_attempts": 5})


class WarmupAwsError(RuntimeError):
    """An AWS call failed (throttled past retries, access denied, service error)."""


class AwsSetupError(RuntimeError):
    """No credentials or no region: the operator's environment, not AWS, is the problem."""


def _call(operation: Callable[..., T], /, **kwargs: Any) -> T:
    """Run one AWS call and translate its failure into a one-line domain error."""
    try:
        return operation(**kwargs)
    except (NoCredentialsError, NoRegionError) as missing:
        raise AwsSetupError(f"AWS is not configured: {missing} (set AWS_PROFILE / AWS_REGION)") from None
    except ClientError as error:
        info = error.response.get("Error", {})
        name = getattr(operation, "__name__", "call")
        raise WarmupAwsError(f"{name} failed: {info.get('Code', '?')}: {info.get('Message', '')}") from None
    except BotoCoreError as error:
        raise WarmupAwsError(f"AWS call failed: {error}") from None


def client(service: str) -> Any:
    """A boto3 client with standard retries; raises ``AwsSetupError`` when no region is configured."""
    try:
        return boto3.client(service, config=CLIENT_CONFIG)  # type: ignore[call-overload]
    except NoRegionError:
        raise AwsSetupError("AWS is not configured: no region (set AWS_REGION)") from None


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
    account = _call(sesv2.get_account)
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
    ips: list[DedicatedIpView] = []
    token: str | None = None
    while True:
        kwargs: dict[str, Any] = {"PageSize": 100}
        if pool_name:
            kwargs["PoolName"] = pool_name
        if token:
            kwargs["NextToken"] = token
        page = _call(sesv2.get_dedicated_ips, **kwargs)
        for item in page.get("DedicatedIps", []):
            ips.append(
                DedicatedIpView(
                    ip=item["Ip"],
                    warmup_status=item["WarmupStatus"],
                    warmup_percentage=int(item["WarmupPercentage"]),
                    pool_name=item.get("PoolName"),
                )
            )
        token = page.get("NextToken")
        if not token:
            return ips


def set_ip_warmup_percentage(sesv2: SESV2Client, ip: str, percentage: int) -> None:
    _call(sesv2.put_dedicated_ip_warmup_attributes, Ip=ip, WarmupPercentage=percentage)


# --- CloudWatch -----------------------------------------------------------------------------------

_COUNT_METRICS: Final = {
    "sends": "Send",
    "bounces": "Bounce",
    "complaints": "Complaint",
    "delays": "DeliveryDelay",
}
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
    token: str | None = None
    while True:
        kwargs: dict[str, Any] = {"MetricDataQueries": queries, "StartTime": end - window, "EndTime": end}
        if token:
            kwargs["NextToken"] = token
        page = _call(cloudwatch.get_metric_data, **kwargs)
        for result in page.get("MetricDataResults", []):
            values[result["Id"]].extend(result.get("Values", []))
        token = page.get("NextToken")
        if not token:
            break
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
    table: Table, *, since: dt.datetime, configuration_set: str | None = None
) -> dict[str, int]:
    """DeliveryDelay events per ``delay_type`` since ``since`` (a filtered Scan: opt-in, see module doc)."""
    condition = Attr("event_type").eq(DELIVERY_DELAY_EVENT_TYPE) & Attr("event_at").gte(_event_time(since))
    if configuration_set:
        condition = condition & Attr("configuration_set").eq(configuration_set)
    counts: dict[str, int] = {}
    for item in _scan(table, condition):
        delay_type = str(item.get("delay_type") or "Unknown")
        counts[delay_type] = counts.get(delay_type, 0) + 1
    return dict(sorted(counts.items()))


def _scan(table: Table, condition: Any) -> Iterator[dict[str, Any]]:
    kwargs: dict[str, Any] = {"FilterExpression": condition, "ProjectionExpression": "delay_type"}
    while True:
        page = _call(table.scan, **kwargs)
        yield from page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _event_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def events_table(name: str) -> Table:
    try:
        return boto3.resource("dynamodb", config=CLIENT_CONFIG).Table(name)
    except NoRegionError:
        raise AwsSetupError("AWS is not configured: no region (set AWS_REGION)") from None


# --- SSM: the published daily cap -----------------------------------------------------------------


def cap_parameter_name(env: str, domain: str) -> str:
    return f"/ses/{env}/warmup/{domain}/daily_cap"


def read_cap(ssm: SSMClient, env: str, domain: str) -> CapRecord | None:
    """The published cap, or None when none was ever published (a malformed value is an input error)."""
    name = cap_parameter_name(env, domain)

    def get_parameter() -> str | None:
        try:
            return ssm.get_parameter(Name=name)["Parameter"]["Value"]
        except ssm.exceptions.ParameterNotFound:
            return None

    raw = _call(get_parameter)
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        raise WarmupInputError(f"{name} does not hold JSON") from None
    return CapRecord.from_json_dict(value)


def write_cap(ssm: SSMClient, env: str, domain: str, record: CapRecord) -> str:
    """Publish ``record`` (overwriting); returns the parameter name."""
    name = cap_parameter_name(env, domain)
    _call(
        ssm.put_parameter,
        Name=name,
        Value=json.dumps(record.to_json_dict(), sort_keys=True),
        Type="String",
        Overwrite=True,
        Description=f"SES warm-up daily cap for {domain} (written by scripts/warmup.py gate --apply)",
    )
    return name

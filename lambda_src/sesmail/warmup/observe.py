"""What ``status`` and ``gate`` read from AWS, in one place: account, sending metrics, published cap.

``Clients`` holds one lazily created client per service, each from the one factory
(``sesmail.aws.clients``) for the ``--region`` given; tests pass stubbed or moto-backed factories.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from sesmail.warmup import aws as warmup_aws
from sesmail.warmup.schedule import CapRecord, SendingMetrics, WarmupPlan

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch import CloudWatchClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_ssm import SSMClient
    from mypy_boto3_sts import STSClient


@dataclass
class Clients:
    """AWS clients, each created on first use (``plan --quota N`` never creates one)."""

    make_sesv2: Callable[[], SESV2Client] = lambda: warmup_aws.client("sesv2")
    make_cloudwatch: Callable[[], CloudWatchClient] = lambda: warmup_aws.client("cloudwatch")
    make_ssm: Callable[[], SSMClient] = lambda: warmup_aws.client("ssm")
    make_dynamodb: Callable[[], DynamoDBClient] = lambda: warmup_aws.client("dynamodb")
    make_sts: Callable[[], STSClient] = lambda: warmup_aws.client("sts")

    @classmethod
    def for_region(cls, region: str | None) -> Clients:
        return cls(
            make_sesv2=lambda: warmup_aws.client("sesv2", region),
            make_cloudwatch=lambda: warmup_aws.client("cloudwatch", region),
            make_ssm=lambda: warmup_aws.client("ssm", region),
            make_dynamodb=lambda: warmup_aws.client("dynamodb", region),
            make_sts=lambda: warmup_aws.client("sts", region),
        )

    @cached_property
    def sesv2(self) -> SESV2Client:
        return self.make_sesv2()

    @cached_property
    def cloudwatch(self) -> CloudWatchClient:
        return self.make_cloudwatch()

    @cached_property
    def ssm(self) -> SSMClient:
        return self.make_ssm()

    @cached_property
    def dynamodb(self) -> DynamoDBClient:
        return self.make_dynamodb()

    @cached_property
    def sts(self) -> STSClient:
        return self.make_sts()


@dataclass(frozen=True)
class Observation:
    """Everything status and gate read from AWS, in one place."""

    account: warmup_aws.AccountView
    metrics: SendingMetrics
    published: CapRecord | None


def observe(
    plan: WarmupPlan,
    clients: Clients,
    now: dt.datetime,
    window: dt.timedelta,
    events_table: str | None = None,
) -> Observation:
    account = warmup_aws.get_account(clients.sesv2)
    delays_by_type = (
        warmup_aws.count_delays_by_type(
            clients.dynamodb, events_table, since=now - window, configuration_set=plan.configuration_set
        )
        if events_table
        else None
    )
    metrics = warmup_aws.sending_metrics(
        clients.cloudwatch,
        end=now,
        window=window,
        configuration_set=plan.configuration_set,
        enforcement_status=account.enforcement_status,
        delays_by_type=delays_by_type,
    )
    published = warmup_aws.read_cap(clients.ssm, plan.env, plan.domain)
    return Observation(account=account, metrics=metrics, published=published)

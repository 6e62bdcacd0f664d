"""The share of the 24-hour sending quota used, as SES counts it (pure: no AWS calls).

SES's quota counts recipients over a rolling 24 hours (``SendQuota.SentLast24Hours`` of
``sesv2 GetAccount``); the ``AWS/SES Send`` metric counts messages per period, so an alarm on a daily
``Send`` sum measures something else. The quota Lambda publishes this reading every few minutes and the
alarms module watches ``SendQuotaUsage`` (docs/decisions/0101-quota-metric-and-auto-pause.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

SEND_QUOTA_USAGE: Final = "SendQuotaUsage"  # SentLast24Hours / Max24HourSend, a fraction
SENT_LAST_24_HOURS: Final = "SentLast24Hours"
MAX_24_HOUR_SEND: Final = "Max24HourSend"
MAX_SEND_RATE: Final = "MaxSendRate"
REGION_DIMENSION: Final = "Region"
UNLIMITED: Final = -1.0  # SES reports Max24HourSend = -1 for an unlimited quota


class QuotaReadingError(ValueError):
    """GetAccount returned no usable SendQuota."""


@dataclass(frozen=True, slots=True)
class QuotaReading:
    max_24_hour_send: float
    sent_last_24_hours: float
    max_send_rate: float

    @property
    def usage(self) -> float:
        """Fraction of the quota used: 0.0 for an unlimited quota, 1.0 when the quota is zero."""
        if self.max_24_hour_send == UNLIMITED:
            return 0.0
        if self.max_24_hour_send <= 0:
            return 1.0
        return self.sent_last_24_hours / self.max_24_hour_send


def reading_from_account(account: Mapping[str, Any]) -> QuotaReading:
    """The quota part of a ``GetAccount`` response."""
    quota = account.get("SendQuota")
    if not isinstance(quota, Mapping):
        raise QuotaReadingError("GetAccount returned no SendQuota")
    try:
        return QuotaReading(
            max_24_hour_send=float(quota["Max24HourSend"]),
            sent_last_24_hours=float(quota["SentLast24Hours"]),
            max_send_rate=float(quota["MaxSendRate"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise QuotaReadingError(f"GetAccount SendQuota is incomplete: {error!r}") from None


def quota_metric_data(reading: QuotaReading, region: str, timestamp: datetime) -> list[dict[str, Any]]:
    """``PutMetricData`` entries: the usage fraction and the three raw figures, dimension ``Region``."""
    dimensions = [{"Name": REGION_DIMENSION, "Value": region}]
    figures = (
        (SEND_QUOTA_USAGE, reading.usage, "None"),
        (SENT_LAST_24_HOURS, reading.sent_last_24_hours, "Count"),
        (MAX_24_HOUR_SEND, reading.max_24_hour_send, "Count"),
        (MAX_SEND_RATE, reading.max_send_rate, "Count/Second"),
    )
    return [
        {"MetricName": name, "Dimensions": dimensions, "Timestamp": timestamp, "Value": value, "Unit": unit}
        for name, value, unit in figures
    ]

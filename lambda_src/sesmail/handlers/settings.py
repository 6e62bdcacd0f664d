"""Handler settings: each Lambda's environment parsed once into its own typed object, failing fast.

One loader per handler, so a handler reads (and can fail on) only the variables it uses; the shared base
is :class:`SettingsError` and the events table name, which both handlers need.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from sesmail.operations.pause import AlarmSetsError, parse_alarm_sets

DEFAULT_RETENTION_DAYS: Final = 90
MAX_RETENTION_DAYS: Final = 3650
_BOOLEANS: Final = {"true": True, "false": False}
_REGION: Final = re.compile(r"^[a-z]{2}(-[a-z]+)+-[0-9]$")


class SettingsError(ValueError):
    """The environment is misconfigured; the message names the variable and what is expected."""


def events_table_name(env: Mapping[str, str]) -> str:
    table = env.get("EVENTS_TABLE_NAME", "").strip()
    if not table:
        raise SettingsError("EVENTS_TABLE_NAME is not set: it must name the DynamoDB events table")
    return table


@dataclass(frozen=True, slots=True)
class StatusApiSettings:
    """The read API's environment: the table it queries, nothing else."""

    events_table_name: str


def load_status_api_settings(environ: Mapping[str, str] | None = None) -> StatusApiSettings:
    """Read ``EVENTS_TABLE_NAME``. Raises :class:`SettingsError` if it is missing."""
    return StatusApiSettings(events_table_name(os.environ if environ is None else environ))


@dataclass(frozen=True, slots=True)
class PersisterSettings:
    events_table_name: str
    retention_days: int = DEFAULT_RETENTION_DAYS
    store_subject: bool = False

    @property
    def retention_seconds(self) -> int:
        return self.retention_days * 86_400


def load_settings(environ: Mapping[str, str] | None = None) -> PersisterSettings:
    """The persister's settings: ``EVENTS_TABLE_NAME``, ``EVENT_RETENTION_DAYS`` (1..3650, default 90) and
    ``STORE_SUBJECT`` ("true"/"false", default false). Raises :class:`SettingsError` on the first bad
    value."""
    env = os.environ if environ is None else environ
    table = events_table_name(env)

    raw_days = env.get("EVENT_RETENTION_DAYS", "").strip() or str(DEFAULT_RETENTION_DAYS)
    try:
        days = int(raw_days)
    except ValueError:
        raise SettingsError(
            f"EVENT_RETENTION_DAYS must be a whole number of days, got {raw_days!r}"
        ) from None
    if not 1 <= days <= MAX_RETENTION_DAYS:
        raise SettingsError(f"EVENT_RETENTION_DAYS must be between 1 and {MAX_RETENTION_DAYS}, got {days}")

    raw_subject = env.get("STORE_SUBJECT", "").strip().lower() or "false"
    if raw_subject not in _BOOLEANS:
        raise SettingsError(f'STORE_SUBJECT must be "true" or "false", got {raw_subject!r}')

    return PersisterSettings(
        events_table_name=table, retention_days=days, store_subject=_BOOLEANS[raw_subject]
    )


@dataclass(frozen=True, slots=True)
class QuotaMetricSettings:
    """The quota publisher's environment: where the metric goes and which regions' quotas it reads."""

    namespace: str
    regions: tuple[str, ...]


def load_quota_metric_settings(environ: Mapping[str, str] | None = None) -> QuotaMetricSettings:
    """Read ``SEND_QUOTA_METRIC_NAMESPACE`` and ``SEND_QUOTA_REGIONS`` (comma-separated; default
    ``AWS_REGION``, which the Lambda runtime sets). Each region's quota is its own."""
    env = os.environ if environ is None else environ
    namespace = env.get("SEND_QUOTA_METRIC_NAMESPACE", "").strip()
    if not namespace or namespace.startswith("AWS/"):
        raise SettingsError(
            "SEND_QUOTA_METRIC_NAMESPACE must name a custom CloudWatch namespace (not AWS/...), "
            f"got {namespace!r}"
        )
    raw = env.get("SEND_QUOTA_REGIONS", "").strip() or env.get("AWS_REGION", "").strip()
    regions = tuple(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
    if not regions:
        raise SettingsError(
            "SEND_QUOTA_REGIONS (or AWS_REGION) must name the regions whose quota is published"
        )
    bad = [region for region in regions if not _REGION.match(region)]
    if bad:
        raise SettingsError(f"SEND_QUOTA_REGIONS holds names that are not regions: {bad!r}")
    return QuotaMetricSettings(namespace=namespace, regions=regions)


@dataclass(frozen=True, slots=True)
class AutoPauseSettings:
    """Which configuration sets each watched alarm pauses."""

    alarm_sets: Mapping[str, tuple[str, ...]]


def load_auto_pause_settings(environ: Mapping[str, str] | None = None) -> AutoPauseSettings:
    """Read ``AUTO_PAUSE_ALARMS``: JSON ``{"alarm name": ["configuration set", ...]}``."""
    env = os.environ if environ is None else environ
    try:
        return AutoPauseSettings(alarm_sets=parse_alarm_sets(env.get("AUTO_PAUSE_ALARMS", "")))
    except AlarmSetsError as error:
        raise SettingsError(f"AUTO_PAUSE_ALARMS {error}") from None

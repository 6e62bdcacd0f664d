"""Persister settings: the Lambda environment parsed once into a typed object, failing fast."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

DEFAULT_RETENTION_DAYS: Final = 90
MAX_RETENTION_DAYS: Final = 3650
_BOOLEANS: Final = {"true": True, "false": False}


class SettingsError(ValueError):
    """The environment is misconfigured; the message names the variable and what is expected."""


@dataclass(frozen=True, slots=True)
class PersisterSettings:
    events_table_name: str
    retention_days: int = DEFAULT_RETENTION_DAYS
    store_subject: bool = False

    @property
    def retention_seconds(self) -> int:
        return self.retention_days * 86_400


def load_settings(environ: Mapping[str, str] | None = None) -> PersisterSettings:
    """Read ``EVENTS_TABLE_NAME``, ``EVENT_RETENTION_DAYS`` (1..3650, default 90) and ``STORE_SUBJECT``
    ("true"/"false", default false). Raises :class:`SettingsError` on the first bad value."""
    env = os.environ if environ is None else environ
    table = env.get("EVENTS_TABLE_NAME", "").strip()
    if not table:
        raise SettingsError("EVENTS_TABLE_NAME is not set: it must name the DynamoDB events table")

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

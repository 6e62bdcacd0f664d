"""Pausing and resuming configuration sets: which sets an alarm pauses, and what a change would do.

Pure: no AWS calls. ``sesmail.operations.aws`` reads the sets' state and applies the changes; the
auto-pause Lambda and ``scripts/sending.py`` both plan with :func:`plan_sending`, so the Lambda and an
operator can never disagree about what "pause" means. Sets, not the account: a set that hurts the
reputation stops, the others keep sending (docs/decisions/0101-quota-metric-and-auto-pause.md).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

ALARM_STATE_CHANGE: Final = "CloudWatch Alarm State Change"
CONFIGURATION_SET_NAME: Final = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class AlarmEventError(ValueError):
    """The event is not a CloudWatch alarm state change."""


class AlarmSetsError(ValueError):
    """The alarm -> configuration sets mapping is malformed."""


@dataclass(frozen=True, slots=True)
class AlarmStateChange:
    alarm_name: str
    state: str
    previous_state: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class SetState:
    name: str
    sending_enabled: bool


@dataclass(frozen=True, slots=True)
class SendingChange:
    name: str
    sending_enabled: bool  # the state after the change

    @property
    def verb(self) -> str:
        return "resume" if self.sending_enabled else "pause"


def parse_alarm_state_change(event: Mapping[str, Any]) -> AlarmStateChange:
    """An EventBridge ``CloudWatch Alarm State Change`` event from ``aws.cloudwatch``."""
    if event.get("source") != "aws.cloudwatch" or event.get("detail-type") != ALARM_STATE_CHANGE:
        raise AlarmEventError(
            f"not a CloudWatch alarm state change: source={event.get('source')!r} "
            f"detail-type={event.get('detail-type')!r}"
        )
    detail = event.get("detail")
    if not isinstance(detail, Mapping):
        raise AlarmEventError("alarm state change without detail")
    try:
        name = str(detail["alarmName"])
        state = detail["state"]
        previous = detail.get("previousState") or {}
        return AlarmStateChange(
            alarm_name=name,
            state=str(state["value"]),
            previous_state=str(previous["value"]) if "value" in previous else None,
            reason=str(state.get("reason", "")),
        )
    except (KeyError, TypeError) as error:
        raise AlarmEventError(f"alarm state change without {error}") from None


def parse_alarm_sets(raw: str) -> dict[str, tuple[str, ...]]:
    """``{"alarm name": ["configuration set", ...]}`` as JSON (the Lambda's ``AUTO_PAUSE_ALARMS``)."""
    try:
        loaded = json.loads(raw)
    except json.JSONDecodeError as error:
        raise AlarmSetsError(f"not JSON: {error.msg}") from None
    if not isinstance(loaded, dict) or not loaded:
        raise AlarmSetsError("must be a non-empty JSON object of alarm name -> list of configuration sets")
    mapping: dict[str, tuple[str, ...]] = {}
    for alarm, sets in loaded.items():
        if not isinstance(sets, list) or not sets:
            raise AlarmSetsError(f"{alarm}: must map to a non-empty list of configuration set names")
        bad = [name for name in sets if not isinstance(name, str) or not CONFIGURATION_SET_NAME.match(name)]
        if bad:
            raise AlarmSetsError(f"{alarm}: not configuration set names: {bad!r}")
        mapping[str(alarm)] = tuple(sorted(set(sets)))
    return mapping


def sets_to_pause(change: AlarmStateChange, alarm_sets: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """The sets to pause for this change: only on entering ALARM, only for alarms we were told about.

    The EventBridge rule already filters both; checking again here means a widened rule cannot pause
    anything it was not meant to. OK and INSUFFICIENT_DATA never resume anything: resuming is a human
    decision (a set's reputation metrics restart from zero when it is re-enabled)."""
    if change.state != "ALARM":
        return ()
    return tuple(sorted(alarm_sets.get(change.alarm_name, ())))


def plan_sending(states: Sequence[SetState], sending_enabled: bool) -> list[SendingChange]:
    """The changes that bring every set to ``sending_enabled``; sets already there need none."""
    return [
        SendingChange(state.name, sending_enabled)
        for state in sorted(states, key=lambda s: s.name)
        if state.sending_enabled != sending_enabled
    ]

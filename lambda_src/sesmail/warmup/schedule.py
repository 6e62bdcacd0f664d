"""Warm-up ramp: the schedule, the per-provider split, the gate decision and the plan/cap records.

Pure domain code: no boto3, no clock, no files. ``scripts/warmup.py`` is the CLI,
``sesmail.warmup.aws`` reads SES/CloudWatch, ``sesmail.warmup.cap`` reads and writes the published cap.

Schedule (``warmup_schedule``)
    Day 1 sends ``start``, the last day sends ``target``, volumes are integers and never decrease.
    ``geometric`` multiplies by the same factor every day (the usual ISP advice: small absolute steps
    early, large ones once reputation exists); ``linear`` adds the same amount every day. A ``target``
    above the account quota (``Max24HourSend``) is refused, not capped: a capped plan would silently
    never reach the target the operator asked for (decision 0050).

Split (``split_volume``)
    Largest remainder: each provider gets ``floor(volume * share)``, the units left over go to the
    largest fractional parts (ties in the order the shares were given). The parts sum exactly to the
    day's volume and each is within 1 of its exact share.

Gate (``decide_gate``): every rule that fires adds a reason; the most severe action wins
(step_back > hold > advance). Rates are ``max(window count ratio, SES reputation metric)``.

    =====================================  ==========================  =========
    condition (defaults)                   why                         action
    =====================================  ==========================  =========
    bounce rate > 4 %                      80 % of AWS review (5 %)    step_back
    complaint rate > 0.08 %                80 % of AWS review (0.1 %)  step_back
    EnforcementStatus PROBATION            account under review        step_back
    EnforcementStatus SHUTDOWN             sending paused by AWS       hold
    bounce rate > 2 %                      above best practice         hold
    complaint rate > 0.05 %                half the review threshold   hold
    DeliveryDelay > 5 % of sends           receivers pushing back      hold
    no sends in the window (step >= 1)     nothing to judge            hold
    sends < 50 % of the current cap        step not exercised          hold
    current step younger than 23 h         step not yet observed       hold
    already on the last step               plan complete               hold
    none of the above                                                  advance
    =====================================  ==========================  =========

    Step 0 means no cap has been published yet: the first gate always publishes step 1 (``start``),
    whatever it decides, because the plan's first step is the most restrictive cap there is and a
    sender without a published cap applies none. ``step_back`` never goes below step 1. PROBATION
    steps back on every gate run until AWS clears it; SHUTDOWN holds (the cap is moot while AWS has
    paused sending; re-plan after reinstatement) - see docs/decisions/0051-warmup-gate.md.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final, Literal

Growth = Literal["geometric", "linear"]
GROWTHS: Final[tuple[Growth, ...]] = ("geometric", "linear")
ENVS: Final = ("local", "staging", "production")
SHARE_TOLERANCE: Final = 1e-9
PLAN_FORMAT_VERSION: Final = 1

# A hostname as SSM parameter paths and SES identities accept it (lower-case labels, at least one dot).
_DOMAIN_RE: Final = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_PROVIDER_RE: Final = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


class WarmupInputError(ValueError):
    """Input that can never produce a valid plan or decision (the CLI exits 2 with the message)."""


# --- schedule -------------------------------------------------------------------------------------


def warmup_schedule(
    start: int, target: int, days: int, growth: Growth = "geometric", quota: int | None = None
) -> list[int]:
    """Daily volumes: ``start`` on day 1, ``target`` on day ``days``, integers, never decreasing.

    Raises ``WarmupInputError`` for start < 1, start > target, days < 1, one day with start != target,
    an unknown growth, or target > quota (refused rather than capped, see the module docstring).
    """
    if days < 1:
        raise WarmupInputError(f"--days must be at least 1 (got {days})")
    if start < 1:
        raise WarmupInputError(f"--start must be at least 1 (got {start})")
    if start > target:
        raise WarmupInputError(f"--start {start} is above --target {target}: a ramp never decreases")
    if growth not in GROWTHS:
        raise WarmupInputError(f"--growth must be one of {', '.join(GROWTHS)} (got {growth!r})")
    if quota is not None and target > quota:
        raise WarmupInputError(
            f"--target {target} exceeds the account's 24-hour quota {quota}: "
            "request a sending quota increase first or lower --target"
        )
    if days == 1:
        if start != target:
            raise WarmupInputError(f"a 1-day plan must have --start equal to --target ({start} != {target})")
        return [target]
    last = days - 1
    if growth == "geometric":
        ratio = (target / start) ** (1 / last)
        exact = [start * ratio**day for day in range(days)]
    else:
        step = (target - start) / last
        exact = [start + step * day for day in range(days)]
    volumes: list[int] = []
    for value in exact:
        # Half-up rounding is monotone; clamping absorbs float error at the ends.
        rounded = min(target, max(start, math.floor(value + 0.5)))
        volumes.append(max(rounded, volumes[-1]) if volumes else start)
    volumes[-1] = target
    return volumes


# --- split per mailbox provider -------------------------------------------------------------------


def parse_split(text: str) -> dict[str, float]:
    """Parse ``gmail=0.4,outlook=0.3,other=0.3``; shares in [0, 1] that sum to 1 within 1e-9."""
    shares: dict[str, float] = {}
    for part in text.split(","):
        name, sep, value = part.strip().partition("=")
        name = name.strip().lower()
        if not sep or not _PROVIDER_RE.match(name):
            raise WarmupInputError(f"--split entry {part.strip()!r} is not provider=share (e.g. gmail=0.4)")
        if name in shares:
            raise WarmupInputError(f"--split names {name!r} twice")
        try:
            share = float(value)
        except ValueError:
            raise WarmupInputError(f"--split share for {name!r} is not a number: {value.strip()!r}") from None
        if not 0.0 <= share <= 1.0 or math.isnan(share):
            raise WarmupInputError(
                f"--split share for {name!r} must be between 0 and 1 (got {value.strip()})"
            )
        shares[name] = share
    validate_shares(shares)
    return shares


def validate_shares(shares: Mapping[str, float]) -> None:
    if not shares:
        raise WarmupInputError("--split needs at least one provider=share")
    total = math.fsum(shares.values())
    if abs(total - 1.0) > SHARE_TOLERANCE:
        raise WarmupInputError(f"--split shares must sum to 1 (got {total:.12g})")


def split_volume(volume: int, shares: Mapping[str, float]) -> dict[str, int]:
    """Largest-remainder split: integer parts summing exactly to ``volume``, each within 1 of its share."""
    validate_shares(shares)
    names = list(shares)
    exact = {name: volume * shares[name] for name in names}
    parts = {name: math.floor(exact[name]) for name in names}
    leftover = volume - sum(parts.values())
    by_remainder = sorted(names, key=lambda n: (-(exact[n] - parts[n]), names.index(n)))
    for name in by_remainder[: max(leftover, 0)]:
        parts[name] += 1
    return parts


# --- plan -----------------------------------------------------------------------------------------


def validate_domain(domain: str) -> str:
    if not _DOMAIN_RE.match(domain):
        raise WarmupInputError(f"--domain {domain!r} is not a lower-case domain name (e.g. mail.example.com)")
    return domain


def validate_env(env: str) -> str:
    if env not in ENVS:
        raise WarmupInputError(f"--env must be one of {', '.join(ENVS)} (got {env!r})")
    return env


@dataclass(frozen=True)
class WarmupPlan:
    """What ``plan --save`` writes and the other subcommands read."""

    domain: str
    env: str
    start_date: dt.date
    growth: Growth
    schedule: tuple[int, ...]
    split: Mapping[str, float] | None = None
    configuration_set: str | None = None
    quota: int | None = None

    @property
    def days(self) -> int:
        return len(self.schedule)

    def cap_for_step(self, step: int) -> int:
        """Daily cap of 1-based ``step`` (clamped to the plan's length)."""
        return self.schedule[min(max(step, 1), self.days) - 1]

    def scheduled_step(self, today: dt.date) -> int:
        """The step the calendar says (0 before the start date, clamped to the last day)."""
        elapsed = (today - self.start_date).days
        return 0 if elapsed < 0 else min(elapsed + 1, self.days)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": PLAN_FORMAT_VERSION,
            "domain": self.domain,
            "env": self.env,
            "start_date": self.start_date.isoformat(),
            "growth": self.growth,
            "days": self.days,
            "start": self.schedule[0],
            "target": self.schedule[-1],
            "quota": self.quota,
            "configuration_set": self.configuration_set,
            "split": dict(self.split) if self.split else None,
            "schedule": [
                {
                    "day": index + 1,
                    "date": (self.start_date + dt.timedelta(days=index)).isoformat(),
                    "volume": volume,
                    **({"split": split_volume(volume, self.split)} if self.split else {}),
                }
                for index, volume in enumerate(self.schedule)
            ],
        }

    @classmethod
    def from_dict(cls, data: Any) -> WarmupPlan:
        """Validate a loaded plan file; any problem is a ``WarmupInputError`` naming the field."""
        if not isinstance(data, dict):
            raise WarmupInputError("plan file is not a mapping")
        if data.get("version") != PLAN_FORMAT_VERSION:
            raise WarmupInputError(f"plan file version {data.get('version')!r} is not {PLAN_FORMAT_VERSION}")
        try:
            domain = validate_domain(str(data["domain"]))
            env = validate_env(str(data["env"]))
            start_date = dt.date.fromisoformat(str(data["start_date"]))
            growth = data["growth"]
            volumes = tuple(int(day["volume"]) for day in data["schedule"])
        except KeyError as missing:
            raise WarmupInputError(f"plan file has no {missing.args[0]!r}") from None
        except (TypeError, ValueError) as bad:
            raise WarmupInputError(f"plan file is malformed: {bad}") from None
        if growth not in GROWTHS:
            raise WarmupInputError(f"plan file growth {growth!r} is not one of {', '.join(GROWTHS)}")
        if not volumes or volumes[0] < 1 or any(b < a for a, b in itertools.pairwise(volumes)):
            raise WarmupInputError("plan file schedule must be non-empty, start at >= 1 and never decrease")
        split = data.get("split")
        if split is not None:
            if not isinstance(split, dict):
                raise WarmupInputError("plan file split must be a mapping of provider to share")
            split = {str(k): float(v) for k, v in split.items()}
            validate_shares(split)
        quota = data.get("quota")
        configuration_set = data.get("configuration_set")
        return cls(
            domain=domain,
            env=env,
            start_date=start_date,
            growth=growth,
            schedule=volumes,
            split=split,
            configuration_set=str(configuration_set) if configuration_set else None,
            quota=int(quota) if quota is not None else None,
        )


# --- published cap --------------------------------------------------------------------------------


class Action(StrEnum):
    ADVANCE = "advance"
    HOLD = "hold"
    STEP_BACK = "step_back"


_SEVERITY: Final = {Action.ADVANCE: 0, Action.HOLD: 1, Action.STEP_BACK: 2}


@dataclass(frozen=True)
class CapRecord:
    """The SSM parameter value: what the sender enforces and what the next gate starts from."""

    daily_cap: int
    step: int
    decided_at: dt.datetime
    decision: Action
    step_since: dt.datetime

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "daily_cap": self.daily_cap,
            "step": self.step,
            "decided_at": _iso(self.decided_at),
            "decision": self.decision.value,
            "step_since": _iso(self.step_since),
        }

    @classmethod
    def from_json_dict(cls, data: Any) -> CapRecord:
        if not isinstance(data, dict):
            raise WarmupInputError("published cap is not a JSON object")
        try:
            cap = data["daily_cap"]
            step = data["step"]
            if not isinstance(cap, int) or not isinstance(step, int) or cap < 0 or step < 1:
                raise ValueError(f"daily_cap {cap!r} / step {step!r} are not a count and a step >= 1")
            decided_at = _parse_iso(str(data["decided_at"]))
            return cls(
                daily_cap=cap,
                step=step,
                decided_at=decided_at,
                decision=Action(data["decision"]),
                step_since=_parse_iso(str(data.get("step_since", data["decided_at"]))),
            )
        except KeyError as missing:
            raise WarmupInputError(f"published cap has no {missing.args[0]!r}") from None
        except ValueError as bad:
            raise WarmupInputError(f"published cap is malformed: {bad}") from None


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _parse_iso(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"timestamp {text!r} has no time zone")
    return moment


# --- gate -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GateThresholds:
    hold_bounce_rate: float = 0.02
    hold_complaint_rate: float = 0.0005
    hold_delay_rate: float = 0.05
    # 80 % of the rates at which AWS puts an account under review (5 % bounce, 0.1 % complaint).
    step_back_bounce_rate: float = 0.04
    step_back_complaint_rate: float = 0.0008
    min_utilisation: float = 0.5
    min_step_age: dt.timedelta = dt.timedelta(hours=23)

    def __post_init__(self) -> None:
        for name in ("hold_bounce_rate", "hold_complaint_rate", "hold_delay_rate", "min_utilisation"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise WarmupInputError(f"threshold {name} must be between 0 and 1 (got {value})")
        if self.step_back_bounce_rate < self.hold_bounce_rate:
            raise WarmupInputError("step-back bounce threshold must not be below the hold threshold")
        if self.step_back_complaint_rate < self.hold_complaint_rate:
            raise WarmupInputError("step-back complaint threshold must not be below the hold threshold")


@dataclass(frozen=True)
class SendingMetrics:
    """What the gate judges: counts over the window plus SES's own view of the account."""

    sends: int
    bounces: int
    complaints: int
    delays: int
    reputation_bounce_rate: float | None = None
    reputation_complaint_rate: float | None = None
    enforcement_status: str | None = None
    delays_by_type: Mapping[str, int] = field(default_factory=dict)

    @property
    def bounce_rate(self) -> float | None:
        return _worst(_ratio(self.bounces, self.sends), self.reputation_bounce_rate)

    @property
    def complaint_rate(self) -> float | None:
        return _worst(_ratio(self.complaints, self.sends), self.reputation_complaint_rate)

    @property
    def delay_rate(self) -> float | None:
        return _ratio(self.delays, self.sends)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole > 0 else None


def _worst(*rates: float | None) -> float | None:
    known = [rate for rate in rates if rate is not None]
    return max(known) if known else None


@dataclass(frozen=True)
class Decision:
    action: Action
    reasons: tuple[str, ...]
    current_step: int
    new_step: int
    new_cap: int


Finding = tuple[Action, str]


def _enforcement_findings(metrics: SendingMetrics) -> list[Finding]:
    status = (metrics.enforcement_status or "").upper()
    if status == "PROBATION":
        return [(Action.STEP_BACK, "account EnforcementStatus is PROBATION (under review)")]
    if status == "SHUTDOWN":
        return [(Action.HOLD, "account EnforcementStatus is SHUTDOWN: sending paused; re-plan later")]
    return []


def _rate_findings(metrics: SendingMetrics, thresholds: GateThresholds) -> list[Finding]:
    rules = (
        (
            metrics.bounce_rate,
            thresholds.step_back_bounce_rate,
            Action.STEP_BACK,
            "bounce rate",
            "80 % of review",
        ),
        (
            metrics.complaint_rate,
            thresholds.step_back_complaint_rate,
            Action.STEP_BACK,
            "complaint rate",
            "80 % of review",
        ),
        (metrics.bounce_rate, thresholds.hold_bounce_rate, Action.HOLD, "bounce rate", "hold threshold"),
        (
            metrics.complaint_rate,
            thresholds.hold_complaint_rate,
            Action.HOLD,
            "complaint rate",
            "hold threshold",
        ),
        (metrics.delay_rate, thresholds.hold_delay_rate, Action.HOLD, "delivery delays", "of sends"),
    )
    return [
        (action, f"{label} {rate:.3%} > {limit:.3%} ({why})")
        for rate, limit, action, label, why in rules
        if rate is not None and rate > limit
    ]


def _progress_findings(
    metrics: SendingMetrics,
    thresholds: GateThresholds,
    plan: WarmupPlan,
    current: CapRecord,
    now: dt.datetime,
) -> list[Finding]:
    """Evidence that the current step was exercised long enough to judge, and room to advance."""
    findings: list[Finding] = []
    cap = plan.cap_for_step(current.step)
    if metrics.sends == 0:
        findings.append((Action.HOLD, "no sends in the window: nothing to judge"))
    elif metrics.sends < thresholds.min_utilisation * cap:
        share = f"{thresholds.min_utilisation:.0%}"
        findings.append((Action.HOLD, f"sent {metrics.sends} < {share} of the cap {cap}: step not exercised"))
    age = now - current.step_since
    if age < thresholds.min_step_age:
        findings.append(
            (
                Action.HOLD,
                f"step {current.step} is {age.total_seconds() / 3600:.1f} h old (< {_hours(thresholds)} h)",
            )
        )
    if current.step >= plan.days:
        findings.append((Action.HOLD, f"already on the last step ({plan.days}): plan complete"))
    return findings


def decide_gate(
    metrics: SendingMetrics,
    thresholds: GateThresholds,
    *,
    plan: WarmupPlan,
    current: CapRecord | None,
    now: dt.datetime,
) -> Decision:
    """Apply the decision table of the module docstring; every rule that fires adds its reason."""
    step = current.step if current else 0
    findings = _enforcement_findings(metrics)
    if current is not None:
        findings += _rate_findings(metrics, thresholds) + _progress_findings(
            metrics, thresholds, plan, current, now
        )
    action = max((a for a, _ in findings), key=_SEVERITY.__getitem__, default=Action.ADVANCE)
    # The reasons that drove the action come first, then the milder ones for context.
    reasons = [why for a, why in findings if a is action] + [why for a, why in findings if a is not action]
    if step == 0:
        # Nothing published yet: step 1 is the lowest cap there is, safer than none whatever fired.
        new_step = 1
        if action is Action.ADVANCE:
            reasons = ["first step of the plan"]
        else:
            reasons.append("nothing published yet: publishing step 1, the most restrictive cap")
    elif action is Action.ADVANCE:
        new_step = min(step + 1, plan.days)
        reasons = ["all checks within thresholds"]
    elif action is Action.STEP_BACK:
        new_step = max(step - 1, 1)  # step 1 is the floor
    else:
        new_step = step
    return Decision(
        action=action,
        reasons=tuple(reasons),
        current_step=step,
        new_step=new_step,
        new_cap=plan.cap_for_step(new_step),
    )


def _hours(thresholds: GateThresholds) -> str:
    return f"{thresholds.min_step_age.total_seconds() / 3600:g}"


def next_cap_record(decision: Decision, current: CapRecord | None, now: dt.datetime) -> CapRecord:
    """The parameter value to publish; ``step_since`` moves only when the step changes."""
    unchanged = current is not None and current.step == decision.new_step
    return CapRecord(
        daily_cap=decision.new_cap,
        step=decision.new_step,
        decided_at=now,
        decision=decision.action,
        step_since=current.step_since if unchanged and current else now,
    )


def schedule_rows(plan: WarmupPlan) -> Sequence[dict[str, Any]]:
    """Flat rows (day, date, volume, one column per provider) for table and CSV output."""
    rows: list[dict[str, Any]] = []
    for entry in plan.to_dict()["schedule"]:
        row = {"day": entry["day"], "date": entry["date"], "volume": entry["volume"]}
        row.update(entry.get("split", {}))
        rows.append(row)
    return rows


__all__ = [
    "Action",
    "CapRecord",
    "Decision",
    "GateThresholds",
    "SendingMetrics",
    "WarmupInputError",
    "WarmupPlan",
    "decide_gate",
    "next_cap_record",
    "parse_split",
    "schedule_rows",
    "split_volume",
    "warmup_schedule",
]

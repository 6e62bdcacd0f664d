"""The gate's decision table (docs/warmup.md), one row per rule, plus how rules combine."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sesmail.warmup.schedule import (
    Action,
    CapRecord,
    GateThresholds,
    SendingMetrics,
    WarmupInputError,
    WarmupPlan,
    decide_gate,
    next_cap_record,
)

NOW = dt.datetime(2026, 12, 5, 9, 0, tzinfo=dt.UTC)
PLAN = WarmupPlan(
    domain="mail.example.com",
    env="production",
    start_date=dt.date(2026, 12, 1),
    growth="geometric",
    schedule=(1000, 2000, 4000, 8000, 16000),
)


def at_step(step: int, age_hours: float = 24) -> CapRecord:
    since = NOW - dt.timedelta(hours=age_hours)
    return CapRecord(
        daily_cap=PLAN.cap_for_step(step),
        step=step,
        decided_at=since,
        decision=Action.ADVANCE,
        step_since=since,
    )


def sent(
    sends: int = 2000, bounces: int = 0, complaints: int = 0, delays: int = 0, **kw: object
) -> SendingMetrics:
    return SendingMetrics(sends=sends, bounces=bounces, complaints=complaints, delays=delays, **kw)  # type: ignore[arg-type]


# (id, metrics, current step, step age h, expected action, new step, reason fragment)
TABLE = [
    ("healthy advances", sent(), 2, 24, Action.ADVANCE, 3, "all checks within thresholds"),
    ("first gate publishes step 1", sent(sends=0), 0, 0, Action.ADVANCE, 1, "first step of the plan"),
    ("bounce 2 % is not above hold", sent(bounces=40), 2, 24, Action.ADVANCE, 3, "within thresholds"),
    ("bounce 2.05 % holds", sent(bounces=41), 2, 24, Action.HOLD, 2, "bounce rate 2.050% > 2.000%"),
    (
        "complaint 0.05 % holds only above",
        sent(sends=10000, complaints=5),
        2,
        24,
        Action.ADVANCE,
        3,
        "within",
    ),
    (
        "complaint 0.06 % holds",
        sent(sends=10000, complaints=6),
        2,
        24,
        Action.HOLD,
        2,
        "complaint rate 0.060%",
    ),
    (
        "delays 5.1 % hold",
        sent(sends=1000, delays=51),
        2,
        24,
        Action.HOLD,
        2,
        "delivery delays 5.100% > 5.000%",
    ),
    ("bounce 4.1 % steps back", sent(sends=1000, bounces=41), 3, 24, Action.STEP_BACK, 2, "80 % of review"),
    (
        "complaint 0.09 % steps back",
        sent(sends=10000, complaints=9),
        3,
        24,
        Action.STEP_BACK,
        2,
        "complaint rate",
    ),
    (
        "reputation metric counts even when the window looks clean",
        sent(reputation_bounce_rate=0.045),
        3,
        24,
        Action.STEP_BACK,
        2,
        "bounce rate 4.500%",
    ),
    (
        "reputation complaint rate holds",
        sent(reputation_complaint_rate=0.0006),
        2,
        24,
        Action.HOLD,
        2,
        "complaint rate 0.060%",
    ),
    ("step back stops at step 1", sent(sends=1000, bounces=50), 1, 24, Action.STEP_BACK, 1, "bounce rate"),
    ("PROBATION steps back", sent(enforcement_status="PROBATION"), 3, 24, Action.STEP_BACK, 2, "PROBATION"),
    ("SHUTDOWN holds", sent(enforcement_status="SHUTDOWN"), 3, 24, Action.HOLD, 3, "SHUTDOWN"),
    (
        "PROBATION before any publish still publishes step 1",
        sent(enforcement_status="PROBATION"),
        0,
        0,
        Action.STEP_BACK,
        1,
        "PROBATION",
    ),
    (
        "SHUTDOWN before any publish still publishes step 1",
        sent(enforcement_status="SHUTDOWN"),
        0,
        0,
        Action.HOLD,
        1,
        "SHUTDOWN",
    ),
    ("no sends hold", sent(sends=0), 2, 24, Action.HOLD, 2, "no sends in the window"),
    ("under-used cap holds", sent(sends=999), 2, 24, Action.HOLD, 2, "sent 999 < 50% of the cap 2000"),
    ("half-used cap advances", sent(sends=1000), 2, 24, Action.ADVANCE, 3, "within thresholds"),
    ("young step holds", sent(), 2, 5, Action.HOLD, 2, "step 2 is 5.0 h old (< 23 h)"),
    ("last step holds", sent(sends=16000), 5, 24, Action.HOLD, 5, "plan complete"),
    (
        "step back wins over hold",
        sent(sends=1000, bounces=45, delays=100),
        3,
        24,
        Action.STEP_BACK,
        2,
        "bounce rate 4.500% > 4.000%",
    ),
]


@pytest.mark.parametrize(
    ("metrics", "step", "age", "action", "new_step", "reason"),
    [row[1:] for row in TABLE],
    ids=[row[0] for row in TABLE],
)
def test_decision_table(
    metrics: SendingMetrics, step: int, age: float, action: Action, new_step: int, reason: str
) -> None:
    # GIVEN the published step (none for step 0) and the window's metrics
    current = at_step(step, age) if step else None
    # WHEN the gate decides with the default thresholds
    decision = decide_gate(metrics, GateThresholds(), plan=PLAN, current=current, now=NOW)
    # THEN the action, the new step and the driving reason are those of the table
    assert decision.action is action
    assert decision.new_step == new_step
    assert reason in decision.reasons[0], decision.reasons
    assert decision.new_cap == PLAN.cap_for_step(new_step)


def test_every_firing_rule_is_reported_most_severe_first() -> None:
    decision = decide_gate(
        sent(sends=1000, bounces=45, delays=100, enforcement_status="SHUTDOWN"),
        GateThresholds(),
        plan=PLAN,
        current=at_step(3),
        now=NOW,
    )
    assert decision.action is Action.STEP_BACK
    assert [r.split(" ")[0] for r in decision.reasons] == ["bounce", "account", "bounce", "delivery", "sent"]


def test_thresholds_are_configurable() -> None:
    strict = GateThresholds(hold_bounce_rate=0.005, min_utilisation=0.0)
    decision = decide_gate(sent(sends=1000, bounces=6), strict, plan=PLAN, current=at_step(2), now=NOW)
    assert decision.action is Action.HOLD


def test_inconsistent_thresholds_are_refused() -> None:
    with pytest.raises(WarmupInputError, match="step-back bounce threshold"):
        GateThresholds(hold_bounce_rate=0.05, step_back_bounce_rate=0.04)


def test_advance_restarts_the_step_clock_and_hold_keeps_it() -> None:
    current = at_step(2, age_hours=30)
    advance = decide_gate(sent(), GateThresholds(), plan=PLAN, current=current, now=NOW)
    hold = decide_gate(sent(bounces=50), GateThresholds(), plan=PLAN, current=current, now=NOW)
    advanced, held = next_cap_record(advance, current, NOW), next_cap_record(hold, current, NOW)
    assert advanced is not None and held is not None
    assert (advanced.step, advanced.daily_cap, advanced.step_since) == (3, 4000, NOW)
    assert (held.step, held.daily_cap, held.step_since, held.decided_at) == (2, 2000, current.step_since, NOW)


def test_first_gate_publishes_step_1_even_when_a_rule_fires() -> None:
    decision = decide_gate(
        sent(enforcement_status="PROBATION"), GateThresholds(), plan=PLAN, current=None, now=NOW
    )
    assert decision.reasons[-1] == "nothing published yet: publishing step 1, the most restrictive cap"
    record = next_cap_record(decision, None, NOW)
    assert (record.step, record.daily_cap, record.decision, record.step_since) == (
        1,
        1000,
        Action.STEP_BACK,
        NOW,
    )


def test_cap_record_round_trips_and_rejects_malformed_values() -> None:
    record = at_step(2)
    assert CapRecord.from_json_dict(record.to_json_dict()) == record
    assert record.to_json_dict()["decided_at"].endswith("Z")
    for bad in (
        {"daily_cap": "x", "step": 1},
        {"daily_cap": 5},
        [],
        {**record.to_json_dict(), "decision": "go"},
    ):
        with pytest.raises(WarmupInputError):
            CapRecord.from_json_dict(bad)


metrics_strategy = st.builds(
    SendingMetrics,
    sends=st.integers(min_value=0, max_value=100_000),
    bounces=st.integers(min_value=0, max_value=5_000),
    complaints=st.integers(min_value=0, max_value=500),
    delays=st.integers(min_value=0, max_value=10_000),
    reputation_bounce_rate=st.none() | st.floats(min_value=0, max_value=0.2),
    reputation_complaint_rate=st.none() | st.floats(min_value=0, max_value=0.01),
    enforcement_status=st.sampled_from([None, "HEALTHY", "PROBATION", "SHUTDOWN"]),
)


@settings(max_examples=300, deadline=None)  # no deadline: CPUs are shared, timing is not the property
@given(metrics_strategy, st.integers(min_value=0, max_value=PLAN.days), st.floats(min_value=0, max_value=72))
def test_gate_moves_at_most_one_step_and_only_in_its_direction(
    metrics: SendingMetrics, step: int, age_hours: float
) -> None:
    current = at_step(step, age_hours) if step else None
    decision = decide_gate(metrics, GateThresholds(), plan=PLAN, current=current, now=NOW)
    assert 1 <= decision.new_step <= PLAN.days
    assert abs(decision.new_step - step) <= 1
    assert decision.new_cap == PLAN.cap_for_step(decision.new_step)
    if step >= 1:
        direction = {Action.ADVANCE: 1, Action.HOLD: 0, Action.STEP_BACK: -1}[decision.action]
        assert decision.new_step == min(max(step + direction, 1), PLAN.days)
    assert decision.reasons

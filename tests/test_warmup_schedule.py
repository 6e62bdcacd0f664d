"""Warm-up schedule and provider split: the stated properties, for every input (hypothesis)."""

from __future__ import annotations

import datetime as dt
import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sesmail.warmup.schedule import (
    WarmupInputError,
    WarmupPlan,
    parse_split,
    split_volume,
    warmup_schedule,
)

ramps = st.tuples(
    st.integers(min_value=1, max_value=100_000),
    st.integers(min_value=0, max_value=5_000_000),
    st.integers(min_value=2, max_value=120),
    st.sampled_from(["geometric", "linear"]),
).map(lambda t: (t[0], t[0] + t[1], t[2], t[3]))


@settings(max_examples=300, deadline=None)
@given(ramps)
def test_schedule_properties_hold_for_every_ramp(ramp: tuple[int, int, int, str]) -> None:
    # GIVEN any valid start <= target over days >= 2
    start, target, days, growth = ramp
    # WHEN the schedule is built against a quota equal to the target (the tightest allowed)
    volumes = warmup_schedule(start, target, days, growth, quota=target)  # type: ignore[arg-type]
    # THEN it has one integer per day, starts at start, ends at target, never decreases, respects quota
    assert len(volumes) == days
    assert all(type(v) is int for v in volumes)
    assert volumes[0] == start
    assert volumes[-1] == target
    assert all(b >= a for a, b in itertools.pairwise(volumes))
    assert max(volumes) <= target


@settings(deadline=None)
@given(st.integers(min_value=1, max_value=10**6), st.integers(min_value=1, max_value=60))
def test_equal_start_and_target_is_flat(volume: int, days: int) -> None:
    assert warmup_schedule(volume, volume, days) == [volume] * days


def test_geometric_grows_by_a_constant_factor() -> None:
    # GIVEN 50 -> 50,000 over 11 days: a factor of 10 ** (3 / 10) ~ 1.995 per day
    volumes = warmup_schedule(50, 50_000, 11, "geometric")
    assert volumes == [50, 100, 199, 397, 792, 1581, 3155, 6295, 12559, 25059, 50000]


def test_linear_adds_a_constant_amount() -> None:
    assert warmup_schedule(100, 1000, 4, "linear") == [100, 400, 700, 1000]


@pytest.mark.parametrize(
    ("start", "target", "days", "quota", "message"),
    [
        (500, 100, 10, None, "--start 500 is above --target 100"),
        (100, 1000, 0, None, "--days must be at least 1"),
        (0, 1000, 5, None, "--start must be at least 1"),
        (100, 1000, 1, None, "a 1-day plan must have --start equal to --target"),
        (100, 50_000, 10, 10_000, "--target 50000 exceeds the account's 24-hour quota 10000"),
    ],
)
def test_bad_ramp_is_refused_with_a_clear_message(
    start: int, target: int, days: int, quota: int | None, message: str
) -> None:
    with pytest.raises(WarmupInputError, match=message.replace("(", r"\(")):
        warmup_schedule(start, target, days, quota=quota)


def test_target_equal_to_quota_is_allowed() -> None:
    assert warmup_schedule(10, 200, 3, quota=200)[-1] == 200


shares = (
    st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=6)
    .filter(lambda weights: sum(weights) > 0)
    .map(lambda weights: {f"p{i}": w / sum(weights) for i, w in enumerate(weights)})
    .filter(lambda s: abs(math.fsum(s.values()) - 1.0) <= 1e-9)
)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**7), shares)
def test_split_sums_exactly_and_stays_within_one_of_each_share(volume: int, split: dict[str, float]) -> None:
    parts = split_volume(volume, split)
    assert sum(parts.values()) == volume
    assert all(type(v) is int and v >= 0 for v in parts.values())
    assert all(abs(parts[name] - volume * share) < 1 for name, share in split.items())


def test_split_gives_leftovers_to_the_largest_remainders() -> None:
    # 101 * (0.4, 0.3, 0.3) = 40.4, 30.3, 30.3 -> floors 40, 30, 30, one unit left for gmail (0.4)
    assert split_volume(101, {"gmail": 0.4, "outlook": 0.3, "other": 0.3}) == {
        "gmail": 41,
        "outlook": 30,
        "other": 30,
    }


def test_parse_split_reads_the_documented_syntax() -> None:
    assert parse_split("gmail=0.4, outlook=0.3,Other=0.3") == {"gmail": 0.4, "outlook": 0.3, "other": 0.3}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("gmail=0.4,outlook=0.3", "must sum to 1"),
        ("gmail=0.5,gmail=0.5", "names 'gmail' twice"),
        ("gmail", "is not provider=share"),
        ("gmail=abc,other=1", "is not a number"),
        ("gmail=1.5,other=-0.5", "must be between 0 and 1"),
        ("gmail=nan,other=1", "must be between 0 and 1"),
    ],
)
def test_bad_split_is_refused(text: str, message: str) -> None:
    with pytest.raises(WarmupInputError, match=message):
        parse_split(text)


def test_split_tolerance_is_1e_9() -> None:
    assert parse_split("a=0.5000000004,b=0.5")
    with pytest.raises(WarmupInputError):
        parse_split("a=0.500000002,b=0.5")


def make_plan(**overrides: object) -> WarmupPlan:
    fields: dict[str, object] = {
        "domain": "mail.example.com",
        "env": "staging",
        "start_date": dt.date(2026, 12, 1),
        "growth": "geometric",
        "schedule": (50, 100, 200, 400),
        "split": {"gmail": 0.5, "other": 0.5},
        "configuration_set": "transactional",
        "quota": 50_000,
    }
    fields.update(overrides)
    return WarmupPlan(**fields)  # type: ignore[arg-type]


def test_plan_round_trips_through_its_file_form() -> None:
    plan = make_plan()
    data = plan.to_dict()
    assert data["schedule"][1] == {
        "day": 2,
        "date": "2026-12-02",
        "volume": 100,
        "split": {"gmail": 50, "other": 50},
    }
    assert WarmupPlan.from_dict(data) == plan


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("domain"), "plan file has no 'domain'"),
        (lambda d: d.update(domain="Not A Domain"), "is not a lower-case domain name"),
        (lambda d: d.update(env="prod"), "--env must be one of"),
        (lambda d: d.update(version=9), "version 9"),
        (lambda d: d["schedule"].reverse(), "never decrease"),
        (lambda d: d.update(split={"gmail": 0.9}), "must sum to 1"),
        (lambda d: d.update(start_date="yesterday"), "malformed"),
    ],
)
def test_bad_plan_file_is_an_input_error(mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    data = make_plan().to_dict()
    mutate(data)
    with pytest.raises(WarmupInputError, match=message):
        WarmupPlan.from_dict(data)


def test_scheduled_step_follows_the_calendar_and_clamps() -> None:
    plan = make_plan()
    assert plan.scheduled_step(dt.date(2026, 11, 30)) == 0
    assert plan.scheduled_step(dt.date(2026, 12, 1)) == 1
    assert plan.scheduled_step(dt.date(2026, 12, 3)) == 3
    assert plan.scheduled_step(dt.date(2027, 1, 1)) == 4

"""sesmail.events.smoke: the probes, the wait loop and the verdict, with a fake SES and a fake table."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sesmail.events.models import RecipientEvent
from sesmail.events.smoke import EXPECTED_EVENTS, Probe, plan_probes, run_smoke, summary_lines

ROOT = Path(__file__).resolve().parents[1]
T0 = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    def wall(self) -> float:
        return T0.timestamp() + self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class FakeTable:
    """Events become visible ``delay`` seconds after the send, except the types in ``lost``."""

    def __init__(self, clock: FakeClock, delay: float, lost: frozenset[str] = frozenset()) -> None:
        self.clock, self.delay, self.lost = clock, delay, lost
        self.sent: dict[str, tuple[Probe, float]] = {}

    def send(self, probe: Probe) -> str:
        message_id = f"0102-{len(self.sent)}"
        self.sent[message_id] = (probe, self.clock.now)
        return message_id

    def message_events(self, message_id: str) -> list[RecipientEvent]:
        probe, sent_at = self.sent[message_id]
        if self.clock.now - sent_at < self.delay:
            return []
        at = (T0 + timedelta(seconds=sent_at + 1)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        return [
            RecipientEvent(message_id=message_id, recipient=probe.recipient, event_type=t, event_at=at)
            for t in probe.expected
            if t not in self.lost
        ]

    def recipient_events(self, recipient: str, *, since: str | None, limit: int) -> list[RecipientEvent]:
        raise AssertionError("the smoke test looks events up by message id")


def test_probes_cover_every_simulator_mailbox_for_every_configuration_set() -> None:
    probes = plan_probes(["cs-a", "cs-b"], "20261129T090000")
    assert len(probes) == 8
    assert {(p.configuration_set, p.mailbox) for p in probes} == {
        (cs, box) for cs in ("cs-a", "cs-b") for box in EXPECTED_EVENTS
    }
    assert all(p.recipient.endswith("@simulator.amazonses.com") and "+smoke-" in p.recipient for p in probes)
    assert len({p.recipient for p in probes}) == 8
    with pytest.raises(ValueError, match="no configuration set"):
        plan_probes([], "x")


def test_passes_when_every_event_is_stored_and_reports_each_hop_with_latency() -> None:
    # GIVEN a table where events show up 5 s after the send
    clock = FakeClock()
    table = FakeTable(clock, delay=5)
    lines: list[str] = []
    # WHEN the smoke test runs
    smoke = run_smoke(
        plan_probes(["cs"], "r1"),
        table.send,
        table,
        timeout=60,
        report=lines.append,
        poll_seconds=2,
        monotonic=clock.monotonic,
        wall=clock.wall,
        sleep=clock.sleep,
    )
    # THEN it passes, with a line per hop (sent, then each event with its latency)
    assert smoke.ok and not smoke.timed_out
    assert sum(" sent 0102-" in line for line in lines) == 4
    assert any(
        "Complaint" in line and "event +1.0 s" in line and "stored by +6.0 s" in line for line in lines
    )
    assert summary_lines(smoke, 60)[-1].startswith("PASS: 4/4 mails")


def test_fails_and_names_what_is_missing_after_the_timeout() -> None:
    clock = FakeClock()
    table = FakeTable(clock, delay=1, lost=frozenset({"Bounce"}))
    smoke = run_smoke(
        plan_probes(["cs"], "r2"),
        table.send,
        table,
        timeout=30,
        report=lambda _: None,
        poll_seconds=2,
        monotonic=clock.monotonic,
        wall=clock.wall,
        sleep=clock.sleep,
    )
    assert not smoke.ok and smoke.timed_out
    assert clock.now >= 30
    summary = summary_lines(smoke, 30)
    assert "FAIL cs bounce: no Bounce stored within 30 s" in summary
    assert "FAIL cs suppressionlist: no Bounce stored within 30 s" in summary
    assert summary[-1].startswith("FAIL: 2/4")


def test_a_refused_send_is_reported_not_raised() -> None:
    clock = FakeClock()
    table = FakeTable(clock, delay=0)

    def refuse(probe: Probe) -> str:
        raise RuntimeError("MessageRejected: Email address is not verified.")

    smoke = run_smoke(
        plan_probes(["cs"], "r3"),
        refuse,
        table,
        timeout=10,
        report=lambda _: None,
        monotonic=clock.monotonic,
        wall=clock.wall,
        sleep=clock.sleep,
    )
    assert not smoke.ok
    assert (
        summary_lines(smoke, 10)[0]
        == "FAIL cs success: SES refused the send (MessageRejected: Email address is not verified.)"
    )


def test_help_documents_staging_production_local_and_exit_codes() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts/smoke.py"), "--help"], capture_output=True, text=True, check=True
    )
    for needle in (
        "staging / production:",
        "local:",
        "make demo DEMO_ARGS=--keep-running",
        "What the shared exit codes mean here:",
        "  3  not found: some expected event",
    ):
        assert needle in result.stdout


def test_local_without_a_live_environment_is_a_one_line_setup_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts/smoke.py"),
            "--env",
            "local",
            "--live-file",
            str(tmp_path / "none.json"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: no live local environment ({tmp_path / 'none.json'} missing): run 'make demo "
        "DEMO_ARGS=--keep-running' in another shell first"
    ]

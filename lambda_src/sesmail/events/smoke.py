"""Post-deploy smoke test of the event path: send to the SES mailbox simulator, wait for the events.

For every configuration set, one mail to each simulator address (success, bounce, complaint,
suppression list), each with a ``+label`` unique to the run; then poll the event table through the
support read path (``sesmail.events.lookup.message_status``) until every expected event of every mail
is queryable, or the timeout passes. Each hop is reported with its latency: ``sent`` (SES accepted
the SendEmail), then each event type, with the SES event time and the moment the event was first seen
in the table, both relative to the send.

Pure parts (``plan_probes``, ``missing_events``) need no AWS; ``run_smoke`` takes the send function,
the table reader and the clock, so tests drive it with fakes and scripts/smoke.py with SES and DynamoDB
(or the local stand-in and moto).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final

from sesmail.events.lookup import EventReader, message_status
from sesmail.events.models import BOUNCE, COMPLAINT, DELIVERY, SEND

SIMULATOR_DOMAIN: Final = "simulator.amazonses.com"
# Simulator mailbox -> the event types SES publishes for it (SES developer guide, mailbox simulator).
EXPECTED_EVENTS: Final[Mapping[str, tuple[str, ...]]] = {
    "success": (SEND, DELIVERY),
    "bounce": (SEND, BOUNCE),
    "complaint": (SEND, DELIVERY, COMPLAINT),
    "suppressionlist": (SEND, BOUNCE),
}
DEFAULT_POLL_SECONDS: Final = 2.0


@dataclass(frozen=True, slots=True)
class Probe:
    configuration_set: str
    mailbox: str  # simulator local part
    recipient: str
    expected: tuple[str, ...]


@dataclass(slots=True)
class ProbeResult:
    probe: Probe
    message_id: str | None = None
    sent_after: float = 0.0  # seconds from the run's start to SES accepting the send
    send_error: str | None = None
    event_at: dict[str, float] = field(default_factory=dict)  # type -> SES event time - send time
    stored_after: dict[str, float] = field(default_factory=dict)  # type -> first seen - send time

    @property
    def missing(self) -> list[str]:
        return missing_events(self.probe.expected, self.stored_after)


@dataclass(slots=True)
class SmokeReport:
    results: list[ProbeResult]
    seconds: float
    timed_out: bool

    @property
    def ok(self) -> bool:
        return all(r.send_error is None and not r.missing for r in self.results)


def plan_probes(configuration_sets: Sequence[str], run_id: str) -> list[Probe]:
    """One probe per (configuration set, simulator mailbox); ``run_id`` makes each address unique."""
    if not configuration_sets:
        raise ValueError("no configuration set to send through")
    if not run_id.isalnum():
        raise ValueError(f"run id must be letters and digits only, got {run_id!r}")
    return [
        Probe(cs, mailbox, f"{mailbox}+smoke-{run_id}-{index}@{SIMULATOR_DOMAIN}", expected)
        for index, cs in enumerate(configuration_sets)
        for mailbox, expected in EXPECTED_EVENTS.items()
    ]


def missing_events(expected: Sequence[str], seen: Mapping[str, float]) -> list[str]:
    return [event_type for event_type in expected if event_type not in seen]


def _seconds_between(start_epoch: float, iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() - start_epoch


def run_smoke(
    probes: Sequence[Probe],
    send: Callable[[Probe], str],
    reader: EventReader,
    *,
    timeout: float,
    report: Callable[[str], None] = print,
    poll_seconds: float = DEFAULT_POLL_SECONDS,
    monotonic: Callable[[], float] = time.monotonic,
    wall: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
) -> SmokeReport:
    """Send every probe, then poll until every expected event is stored or ``timeout`` passes.

    ``send`` returns the SES message id or raises; a refused send is recorded, not retried.
    """
    started = monotonic()
    results: list[ProbeResult] = []
    sent_wall: dict[str, float] = {}
    for probe in probes:
        result = ProbeResult(probe)
        try:
            result.message_id = send(probe)
        except Exception as error:  # noqa: BLE001 - any refusal is a finding of the smoke test, not a crash
            result.send_error = str(error).splitlines()[0] if str(error) else type(error).__name__
            report(f"{probe.configuration_set} {probe.mailbox:<16} send REFUSED: {result.send_error}")
        else:
            result.sent_after = monotonic() - started
            sent_wall[result.message_id] = wall()
            report(f"{probe.configuration_set} {probe.mailbox:<16} sent {result.message_id}")
        results.append(result)

    pending = [r for r in results if r.message_id is not None]
    while pending:
        for result in pending:
            assert result.message_id is not None
            status = message_status(reader, result.message_id)
            if status is None:
                continue
            now = monotonic() - started
            for recipient in status.recipients:
                for event in recipient.timeline:
                    if (
                        event.event_type in result.stored_after
                        or event.event_type not in result.probe.expected
                    ):
                        continue
                    result.stored_after[event.event_type] = now - result.sent_after
                    result.event_at[event.event_type] = _seconds_between(
                        sent_wall[result.message_id], event.event_at
                    )
                    report(
                        f"{result.probe.configuration_set} {result.probe.mailbox:<16} "
                        f"{event.event_type:<10} event {result.event_at[event.event_type]:+.1f} s, "
                        f"stored by +{result.stored_after[event.event_type]:.1f} s"
                    )
        pending = [r for r in pending if r.missing]
        if not pending or monotonic() - started >= timeout:
            break
        sleep(poll_seconds)
    return SmokeReport(results, round(monotonic() - started, 2), timed_out=bool(pending))


def summary_lines(smoke: SmokeReport, timeout: float) -> list[str]:
    lines = []
    for result in smoke.results:
        name = f"{result.probe.configuration_set} {result.probe.mailbox}"
        if result.send_error is not None:
            lines.append(f"FAIL {name}: SES refused the send ({result.send_error})")
        elif result.missing:
            lines.append(f"FAIL {name}: no {', '.join(result.missing)} stored within {timeout:.0f} s")
        else:
            slowest = max(result.stored_after.values())
            lines.append(f"ok   {name}: {len(result.stored_after)} events stored, slowest +{slowest:.1f} s")
    verdict = "PASS" if smoke.ok else "FAIL"
    lines.append(
        f"{verdict}: {sum(not r.missing and r.send_error is None for r in smoke.results)}/"
        f"{len(smoke.results)} mails fully stored in {smoke.seconds:.1f} s"
    )
    return lines


def run_id_now(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S")

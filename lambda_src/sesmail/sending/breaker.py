"""A circuit breaker per region: stop paying a connect or read timeout on every mail while a region is down.

States: ``closed`` (calls flow; ``failure_threshold`` consecutive regional failures open it), ``open``
(no calls for ``cool_down`` seconds), ``half_open`` (after the cool-down exactly one caller gets to
probe; its success closes the circuit, its failure opens it for another cool-down; other callers are
refused meanwhile, so a dead region costs one timeout per cool-down, not one per mail).

Only regional failures count (``record_failure``); a permanent error or a paused account is an answer
from a healthy region and counts as success. The clock is injectable; every transition happens under a
lock, so one breaker can be shared by threads of one process (e.g. a web service's workers).
"""

from __future__ import annotations

import enum
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

DEFAULT_FAILURE_THRESHOLD: Final = 3
DEFAULT_COOL_DOWN_SECONDS: Final = 30.0


class BreakerState(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass(frozen=True, slots=True)
class BreakerPolicy:
    failure_threshold: int = DEFAULT_FAILURE_THRESHOLD
    cool_down_seconds: float = DEFAULT_COOL_DOWN_SECONDS

    def __post_init__(self) -> None:
        if self.failure_threshold < 1:
            raise ValueError(f"failure_threshold must be >= 1, got {self.failure_threshold!r}")
        if not self.cool_down_seconds > 0:
            raise ValueError(f"cool_down_seconds must be > 0, got {self.cool_down_seconds!r}")


class CircuitBreaker:
    def __init__(
        self,
        name: str,
        policy: BreakerPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
        on_open: Callable[[str], None] | None = None,
    ) -> None:
        self.name = name
        self.policy = policy or BreakerPolicy()
        self._clock = clock
        self._on_open = on_open
        self._lock = threading.Lock()
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probe_in_flight = False
        self._probe_started_at = 0.0
        self.times_opened = 0

    @property
    def state(self) -> BreakerState:
        """The state as a caller would see it now (an open circuit past its cool-down reads half-open)."""
        with self._lock:
            if self._state is BreakerState.OPEN and self._cooled_down():
                return BreakerState.HALF_OPEN
            return self._state

    def allow(self) -> bool:
        """May a call go to this region now? In half-open, True for the one probe only."""
        with self._lock:
            if self._state is BreakerState.CLOSED:
                return True
            if self._state is BreakerState.OPEN:
                if not self._cooled_down():
                    return False
                self._state = BreakerState.HALF_OPEN
                self._probe_in_flight = False
            # A probe whose caller never reported back (crashed, killed) must not wedge the circuit.
            if (
                self._probe_in_flight
                and self._clock() - self._probe_started_at < self.policy.cool_down_seconds
            ):
                return False
            self._probe_in_flight = True
            self._probe_started_at = self._clock()
            return True

    def record_success(self) -> None:
        with self._lock:
            self._state = BreakerState.CLOSED
            self._failures = 0
            self._probe_in_flight = False

    def record_failure(self) -> None:
        opened = False
        with self._lock:
            self._failures += 1
            if self._state is BreakerState.HALF_OPEN or self._failures >= self.policy.failure_threshold:
                opened = self._state is not BreakerState.OPEN
                self._state = BreakerState.OPEN
                self._opened_at = self._clock()
                self._probe_in_flight = False
            if opened:
                self.times_opened += 1
        if opened and self._on_open is not None:
            self._on_open(self.name)  # outside the lock: the callback may log or emit a metric

    def _cooled_down(self) -> bool:
        return self._clock() - self._opened_at >= self.policy.cool_down_seconds

"""A monotonic clock that only moves when someone sleeps: deterministic pacing and backoff tests."""

from __future__ import annotations


class FakeClock:
    """Pass the instance as ``clock`` and its ``sleep`` as ``sleep``; ``sleeps`` records every wait."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

"""Metric names of the sending path, in one place for the code, the alarms and the runbooks.

Stable contract (docs/decisions/0070-sending-failover.md, "Metrics for alarms"): every name below is
published in namespace ``SesMailPlatform`` **without dimensions**, whichever process emits it (a
service's sender, the replay Lambda, the outage demo), so one alarm per metric covers every sender.
Renaming one breaks the alarms: add a new name instead.

The library reports through a plain callback (``MetricsSink``) so services need no Powertools;
``EmfSink`` is a ready-made sink writing CloudWatch Embedded Metric Format lines to stdout (Lambda and
the CloudWatch agent turn them into metrics), used by the replay Lambda and meant for services.

Outbox depth is SQS's own metrics of the outbox queue (they exist even when no code runs): depth =
``ApproximateNumberOfMessagesVisible + ApproximateNumberOfMessagesDelayed +
ApproximateNumberOfMessagesNotVisible`` (a re-queued mail waits as *delayed*). The age of the oldest
mail is **not** SQS's ``ApproximateAgeOfOldestMessage``: the replay worker re-enqueues a failed mail as
a new message, which resets that age at every retry. ``OutboxAgeSeconds`` is the true age (since the
mail first failed), emitted for every mail the replay worker handles: alarm on its Maximum.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, Final, TextIO

MetricsSink = Callable[[str, float], None]

NAMESPACE: Final = "SesMailPlatform"

FAILOVERS: Final = "Failovers"  # a mail sent by a region other than the first (primary)
CIRCUIT_OPENED: Final = "CircuitOpened"  # a region's breaker went to open
POSSIBLE_DUPLICATES: Final = "PossibleDuplicates"  # at-least-once resend after an ambiguous outcome
OUTBOX_QUEUED: Final = "OutboxQueued"  # a mail no region accepted went to the outbox
OUTBOX_PARKED: Final = "OutboxParked"  # a mail parked for review (ambiguous, expired, rejected, malformed)
OUTBOX_AGE_SECONDS: Final = "OutboxAgeSeconds"  # age of each mail the replay worker handled
REPLAY_SENT: Final = "ReplaySent"
REPLAY_FAILURES: Final = "ReplayFailures"  # a replay attempt that did not send (the mail is re-queued)
REF_TRAIL_FAILURES: Final = "RefTrailFailures"  # an outbox step not recorded for lookup by reference
ALL: Final = (
    FAILOVERS,
    CIRCUIT_OPENED,
    POSSIBLE_DUPLICATES,
    OUTBOX_QUEUED,
    OUTBOX_PARKED,
    OUTBOX_AGE_SECONDS,
    REPLAY_SENT,
    REPLAY_FAILURES,
    REF_TRAIL_FAILURES,
)
UNITS: Final = {OUTBOX_AGE_SECONDS: "Seconds"}  # every other sending metric is a Count

# AWS/SQS metrics of the outbox queue (dimension QueueName) and of its parked queue.
OUTBOX_DEPTH_SQS_METRIC: Final = "ApproximateNumberOfMessagesVisible"
OUTBOX_DELAYED_SQS_METRIC: Final = "ApproximateNumberOfMessagesDelayed"
OUTBOX_IN_FLIGHT_SQS_METRIC: Final = "ApproximateNumberOfMessagesNotVisible"
OUTBOX_AGE_SQS_METRIC: Final = "ApproximateAgeOfOldestMessage"  # resets on re-enqueue: see above


def discard(name: str, value: float) -> None:
    """The default sink: a service that does not publish metrics still gets the log lines."""


def unit_of(name: str) -> str:
    return UNITS.get(name, "Count")


class EmfSink:
    """A ``MetricsSink`` printing CloudWatch Embedded Metric Format documents, without dimensions.

    Unbuffered (the default, for services: failovers are rare) each call prints one document at once;
    ``buffered=True`` collects values until ``flush()`` (the replay Lambda flushes once per invocation,
    one document with every value). Thread-safe; the stream is looked up at write time (default stdout).
    """

    def __init__(
        self,
        *,
        namespace: str | None = None,
        stream: TextIO | None = None,
        buffered: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.namespace = namespace or os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or NAMESPACE
        self._stream = stream
        self._buffered = buffered
        self._clock = clock
        self._lock = threading.Lock()
        self._values: dict[str, list[float]] = {}

    def __call__(self, name: str, value: float) -> None:
        with self._lock:
            self._values.setdefault(name, []).append(value)
        if not self._buffered:
            self.flush()

    def flush(self) -> None:
        with self._lock:
            values, self._values = self._values, {}
        if not values:
            return
        document: dict[str, Any] = {
            "_aws": {
                "Timestamp": int(self._clock() * 1000),
                "CloudWatchMetrics": [
                    {
                        "Namespace": self.namespace,
                        "Dimensions": [[]],
                        "Metrics": [{"Name": name, "Unit": unit_of(name)} for name in values],
                    }
                ],
            },
            **{name: found if len(found) > 1 else found[0] for name, found in values.items()},
        }
        stream = self._stream or sys.stdout
        stream.write(json.dumps(document, separators=(",", ":")) + "\n")
        stream.flush()

"""Metric names of the sending path, in one place for the code, the alarms and the runbooks.

The library reports through a plain callback (``MetricsSink``) so services need no Powertools; the
replay Lambda wires it to Powertools Metrics (namespace ``POWERTOOLS_METRICS_NAMESPACE``, the
persister's ``SesMailPlatform``). Outbox depth and the age of its oldest mail are SQS's own metrics
(``AWS/SQS`` ``ApproximateNumberOfMessagesVisible`` and ``ApproximateAgeOfOldestMessage`` of the outbox
queue): alarms use those, they exist even when no code runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

MetricsSink = Callable[[str, float], None]

FAILOVERS: Final = "Failovers"  # a mail sent by a region other than the first (primary)
CIRCUIT_OPENED: Final = "CircuitOpened"  # a region's breaker went to open
POSSIBLE_DUPLICATES: Final = "PossibleDuplicates"  # at-least-once resend after an ambiguous outcome
OUTBOX_QUEUED: Final = "OutboxQueued"  # a mail no region accepted went to the outbox
OUTBOX_PARKED: Final = "OutboxParked"  # a mail parked for review (ambiguous, expired, rejected, malformed)
OUTBOX_AGE_SECONDS: Final = "OutboxAgeSeconds"  # age of each mail the replay worker handled
REPLAY_SENT: Final = "ReplaySent"
REPLAY_FAILURES: Final = "ReplayFailures"  # a replay attempt that did not send (the mail is re-queued)
REF_TRAIL_FAILURES: Final = "RefTrailFailures"  # an outbox step not recorded for lookup by reference
OUTBOX_DEPTH_SQS_METRIC: Final = "ApproximateNumberOfMessagesVisible"
OUTBOX_AGE_SQS_METRIC: Final = "ApproximateAgeOfOldestMessage"


def discard(name: str, value: float) -> None:
    """The default sink: a service that does not publish metrics still gets the log lines."""

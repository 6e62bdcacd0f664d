"""Outage harness: an SES outage played on a schedule against the sending library and the replay worker.

Timeline (fake seconds): both regions up; a brown-out where the primary accepts mail but its answers
are lost (ambiguous); the primary down (connect timeouts); both down (primary timeouts, standby 503);
recovery. A service sends a mail every few seconds, alternating at-least-once and at-most-once classes,
while the replay Lambda drains the outbox every minute. The verdict:

- every mail was accepted by SES exactly once, or twice where the at-least-once policy allowed a resend
  after an ambiguous outcome (and said so); no other duplicate;
- no mail is lost: each is findable by its reference, either accepted by a region (with its message ID)
  or parked for review with its reason; the outbox is empty after recovery;
- the primary's breaker opened and spared the down region: calls to it while it was down are bounded by
  the threshold plus one probe per cool-down, not one timeout per mail.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

import ses_regions as fake
from ses_regions import EMAIL, World, drain, sqs_records
from sesmail.sending import metrics
from sesmail.sending.breaker import BreakerPolicy
from sesmail.sending.failover import BULK, TRANSACTIONAL, SendResult, Status
from sesmail.sending.replay import OutboxReplayer

BROWN_OUT, PRIMARY_DOWN, BOTH_DOWN, RECOVERY = 60.0, 120.0, 420.0, 720.0
MAILS = 240
SPACING = 3.5  # seconds between two mails of the service
REPLAY_EVERY = 60.0
BREAKER = BreakerPolicy(failure_threshold=3, cool_down_seconds=30.0)


@pytest.fixture
def world() -> Iterator[World]:
    with mock_aws():
        yield World(boto3.client("sqs", region_name="eu-west-1"))


def test_an_outage_loses_no_mail_and_duplicates_only_what_the_policy_allows(world: World) -> None:
    start = world.clock.now
    world.primary.behaviour = fake.schedule(
        (start + BROWN_OUT, fake.ACCEPT_THEN_READ_TIMEOUT),
        (start + PRIMARY_DOWN, fake.CONNECT_TIMEOUT),
        (start + RECOVERY, fake.UP),
    )
    world.standby.behaviour = fake.schedule(
        (start + BOTH_DOWN, fake.SERVER_ERROR), (start + RECOVERY, fake.UP)
    )
    service = world.sender(breaker=BREAKER)
    replayer = OutboxReplayer(world.sender(breaker=BREAKER), now=world.wall)

    results: dict[str, SendResult] = {}
    primary_calls_at: dict[str, int] = {}
    next_replay = start + REPLAY_EVERY
    for number in range(MAILS):
        world.clock.now = max(world.clock.now, start + number * SPACING)
        if world.clock.now >= next_replay:
            replayer.replay_batch(sqs_records(world.sqs, world.queue_url))
            next_replay += REPLAY_EVERY
        ref = f"mail-{number:04d}"
        mail_class = TRANSACTIONAL if number % 2 == 0 else BULK
        results[ref] = service.send(EMAIL, ref=ref, mail_class=mail_class)
        primary_calls_at[ref] = world.primary.calls

    # After recovery the replay Lambda drains what is left (each round re-enqueues what still fails).
    world.clock.now = max(world.clock.now, start + RECOVERY)
    for _ in range(5):
        records = sqs_records(world.sqs, world.queue_url)
        if not records:
            break
        replayer.replay_batch(records)

    accepted = Counter(world.primary.refs() + world.standby.refs())
    parked = {body["ref"]: body for body in drain(world.sqs, world.parked_url)}
    statuses = Counter(result.status for result in results.values())

    # Every phase was exercised.
    assert statuses[Status.SENT] and statuses[Status.QUEUED] and statuses[Status.PARKED], statuses
    assert sum(1 for r in results.values() if r.region == "eu-central-1") > 0

    # Nothing left in the outbox; nothing lost: each reference is findable, sent or parked with a reason.
    assert drain(world.sqs, world.queue_url) == []
    assert set(results) == set(accepted) | set(parked)
    assert all(parked[ref]["state"] == "ambiguous" for ref in parked), parked
    assert all(results[ref].status is Status.PARKED for ref in parked)

    # Exactly once, except the at-least-once resends the policy allowed and reported.
    allowed = {ref for ref, result in results.items() if result.possible_duplicate}
    duplicates = {ref for ref, count in accepted.items() if count > 1}
    assert duplicates and duplicates <= allowed
    assert all(count <= 2 for count in accepted.values())
    assert all(int(ref.split("-")[1]) % 2 == 0 for ref in duplicates)  # only TRANSACTIONAL (even) mails
    # An at-most-once mail SES may have taken is never resent: it is accepted at most once.
    assert all(accepted[ref] <= 1 for ref in results if int(ref.split("-")[1]) % 2 == 1)

    # The breaker spared the down primary: at most the threshold's retried mails, then one probe per
    # cool-down (per sender: the service and the replay worker each hold their own breakers).
    down_refs = [
        ref for ref in results if start + PRIMARY_DOWN <= start + int(ref[5:]) * SPACING < start + RECOVERY
    ]
    calls_while_down = primary_calls_at[down_refs[-1]] - primary_calls_at[down_refs[0]]
    cool_downs = math.ceil((RECOVERY - PRIMARY_DOWN) / BREAKER.cool_down_seconds) + 1
    budget = 2 * (BREAKER.failure_threshold * 3 + cool_downs)
    assert calls_while_down <= budget, (calls_while_down, budget, len(down_refs))
    assert calls_while_down < len(down_refs)  # less than one call per mail, let alone three timeouts
    assert world.count(metrics.CIRCUIT_OPENED) >= 1 and world.count(metrics.FAILOVERS) > 0

"""Demo traffic: a seeded mix of recipients sent through ``sesmail.sending.sender`` (the service code path).

Two kinds of recipients (docs/decisions/0060-local-ses-standin.md):

- mailbox simulator addresses (``@simulator.amazonses.com``), plain and ``+label`` variants: what a
  team sends to when testing against real SES. They never enter the account suppression list.
- customer mailboxes at ``example.com`` from a small pool, ``+label`` variants of the same scripted
  local parts (``bounce+c03@example.com``). The pool is small, so the seeded sequence sends to some of
  them again after they hard-bounced or complained - and those sends show the suppression bounce.

Every mail carries the demo service's own reference as the ``ref`` tag (``demo-0007``, the tag
``FailoverSender`` sets from ``ref=``), so the demo's data can be looked up by reference too
(``mail_status.py ref``, the console's ``ref:`` search; docs/decisions/0074-lookup-by-reference.md).

``plan_scenario`` is pure and deterministic for a seed; ``send_scenario`` sends and records the SES
message ID of every mail.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from sesmail.sending.failover import REF_TAG
from sesmail.sending.sender import Email
from sesmail_local.simulator import (
    SIMULATOR_DOMAIN,
    Behaviour,
    SuppressionReason,
    mailbox_behaviour,
    suppression_reason_after,
)

DEFAULT_COUNT: Final = 200
DEFAULT_SEED: Final = 20261128
CUSTOMER_DOMAIN: Final = "example.com"
FROM_ADDRESS: Final = "Demo Service <notifications@mail.example.com>"
CAMPAIGNS: Final = ("welcome", "receipt", "password-reset", "newsletter")

# (local part, weight) for simulator recipients and for the customer pool.
SIMULATOR_MIX: Final = (("success", 40), ("ooto", 5), ("bounce", 8), ("complaint", 4), ("suppressionlist", 3))
CUSTOMER_POOL: Final = (
    *(f"success+c{n:02d}" for n in range(1, 13)),
    *(f"ooto+c{n:02d}" for n in range(13, 15)),
    *(f"bounce+c{n:02d}" for n in range(15, 19)),
    *(f"complaint+c{n:02d}" for n in range(19, 21)),
)
SIMULATOR_SHARE: Final = 0.6


@dataclass(frozen=True)
class PlannedMail:
    index: int
    recipient: str
    campaign: str


@dataclass(frozen=True)
class SentMail:
    index: int
    recipient: str
    campaign: str
    message_id: str


def plan_scenario(count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED) -> list[PlannedMail]:
    """``count`` mails, the same list for the same seed."""
    if count < 1:
        raise ValueError("a scenario needs at least one mail")
    rng = random.Random(seed)  # noqa: S311 - reproducible demo traffic, not security
    names = [name for name, _ in SIMULATOR_MIX]
    weights = [weight for _, weight in SIMULATOR_MIX]
    plan = []
    for index in range(count):
        campaign = rng.choice(CAMPAIGNS)
        if rng.random() < SIMULATOR_SHARE:
            local = rng.choices(names, weights)[0]
            if rng.random() < 0.5:
                local = f"{local}+{campaign}"
            recipient = f"{local}@{SIMULATOR_DOMAIN}"
        else:
            recipient = f"{rng.choice(CUSTOMER_POOL)}@{CUSTOMER_DOMAIN}"
        plan.append(PlannedMail(index, recipient, campaign))
    return plan


def ref_for(mail: PlannedMail) -> str:
    """The demo service's own reference for a mail (what a service passes as ``ref=``)."""
    return f"demo-{mail.index:04d}"


def scenario_email(mail: PlannedMail) -> Email:
    return Email(
        from_address=FROM_ADDRESS,
        to=[mail.recipient],
        subject=f"Demo {mail.campaign} #{mail.index}",
        text=f"Hello, this is demo {mail.campaign} mail number {mail.index}.",
        tags={"service": "demo", "campaign": mail.campaign, REF_TAG: ref_for(mail)},
    )


def send_scenario(plan: Sequence[PlannedMail], send: Callable[[Email], str]) -> list[SentMail]:
    """Send every planned mail in order with ``send`` (e.g. ``SesSender.send``); stops at the first error."""
    return [SentMail(mail.index, mail.recipient, mail.campaign, send(scenario_email(mail))) for mail in plan]


def expected_event_counts(
    plan: Sequence[PlannedMail],
    enabled: frozenset[SuppressionReason] = frozenset(SuppressionReason),
) -> Counter[str]:
    """What SES (and the stand-in) should publish for ``plan`` sent in order, by summary category:
    ``sent``, ``delivered``, ``bounced`` (hard), ``complained``, ``suppressed`` (suppression bounces).
    An independent oracle for the demo's and the tests' cross-checks."""
    counts: Counter[str] = Counter()
    listed: set[str] = set()
    for mail in plan:
        address = mail.recipient.lower()
        counts["sent"] += 1
        behaviour = mailbox_behaviour(address)
        if address in listed or behaviour is Behaviour.SUPPRESSION_LIST:
            counts["suppressed"] += 1
            continue
        if behaviour is Behaviour.HARD_BOUNCE:
            counts["bounced"] += 1
        else:
            counts["delivered"] += 1
            if behaviour is Behaviour.COMPLAIN:
                counts["complained"] += 1
        if suppression_reason_after(address, enabled) is not None:
            listed.add(address)
    return counts

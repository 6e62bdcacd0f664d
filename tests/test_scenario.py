"""The demo scenario: deterministic, a real mix, and its predicted counts match what the stand-in emits."""

from __future__ import annotations

from collections import Counter
from typing import Any

import boto3
import pytest

from sesmail.sending.sender import SesSender
from sesmail_local.scenario import (
    DEFAULT_COUNT,
    expected_event_counts,
    plan_scenario,
    scenario_email,
    send_scenario,
)
from sesmail_local.ses_standin import SesStandIn
from sesmail_local.simulator import SIMULATOR_DOMAIN
from sesmail_local.verify import published_counts


def test_same_seed_same_mails_other_seed_other_mails() -> None:
    assert plan_scenario(50, seed=1) == plan_scenario(50, seed=1)
    assert plan_scenario(50, seed=1) != plan_scenario(50, seed=2)


def test_default_scenario_mixes_every_kind_of_recipient() -> None:
    plan = plan_scenario()
    assert len(plan) == DEFAULT_COUNT
    locals_ = Counter(mail.recipient.split("@")[0].split("+")[0] for mail in plan)
    assert set(locals_) == {"success", "ooto", "bounce", "complaint", "suppressionlist"}
    domains = Counter(mail.recipient.split("@")[1] for mail in plan)
    assert set(domains) == {SIMULATOR_DOMAIN, "example.com"}
    assert any("+" in mail.recipient for mail in plan if mail.recipient.endswith(SIMULATOR_DOMAIN))
    # every summary row is non-empty, including sends to addresses suppressed earlier in the run
    expected = expected_event_counts(plan)
    assert all(expected[key] > 0 for key in ("sent", "delivered", "bounced", "complained", "suppressed"))
    assert expected["sent"] == DEFAULT_COUNT


def test_scenario_email_is_a_valid_tagged_send() -> None:
    email = scenario_email(plan_scenario(1)[0])
    assert email.tags["service"] == "demo" and email.tags["campaign"]
    assert email.tags["ref"] == "demo-0000"  # the service's own reference: lookup by ref finds demo mail
    assert len(email.to) == 1


def test_count_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least one mail"):
        plan_scenario(0)


@pytest.mark.integration
def test_the_stand_in_emits_exactly_what_the_scenario_predicts() -> None:
    # GIVEN a scenario and the stand-in capturing what it publishes
    plan = plan_scenario(120, seed=7)
    records: list[dict[str, Any]] = []
    with SesStandIn(
        topics={"demo": "arn:aws:sns:us-east-1:123456789012:t"}, publish=lambda t, r: records.append(r)
    ) as ses:
        client = boto3.client("sesv2", endpoint_url=ses.endpoint_url, region_name="us-east-1")
        # WHEN it is sent through the service sending path
        sent = send_scenario(plan, SesSender("demo", client).send)
        # THEN every mail has its SES message ID, and the emitted events match the prediction
        assert [mail.message_id for mail in sent] == [
            r["mail"]["messageId"] for r in records if r["eventType"] == "Send"
        ]
        assert published_counts(ses.state.published) == expected_event_counts(plan)

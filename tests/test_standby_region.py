"""Issue 14: production's example keeps SES ready to send in a standby region (plan JSON).

Identities and configuration sets in both regions, mirrored; per-region DKIM and MAIL FROM; the
standby's events subscribed into the primary's queue with their own dead-letter queue, key and
policies (evaluated with ``policy_eval`` against the requests AWS documents); alarms per region.
Staging's example leaves the standby off.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from conftest import PlanFn
from policy_eval import Request, allows
from tfplan import all_planned_resources

pytestmark = pytest.mark.terraform

ACCOUNT, PRIMARY, STANDBY = "123456789012", "eu-west-1", "eu-central-1"
PREFIX = "ses-production"
PRIMARY_QUEUE_ARN = f"arn:aws:sqs:{PRIMARY}:{ACCOUNT}:{PREFIX}-ses-events"
STANDBY_TOPIC_ARN = f"arn:aws:sns:{STANDBY}:{ACCOUNT}:{PREFIX}-ses-events"
STANDBY_DLQ = f"{PREFIX}-ses-events-sns-dlq"
STANDBY_DLQ_ARN = f"arn:aws:sqs:{STANDBY}:{ACCOUNT}:{STANDBY_DLQ}"
REGIONS = {"module.primary_region.": PRIMARY, "module.standby_region[0].": STANDBY}


@pytest.fixture(scope="module")
def plan(terraform_plan: PlanFn) -> Any:
    return terraform_plan(
        "terraform/envs/production", tf_vars={"offline_plan": "true"}, tf_var_file="terraform.tfvars.example"
    )


def by_region(plan: Any, resource_type: str) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {region: [] for region in REGIONS.values()}
    for resource in all_planned_resources(plan):
        for prefix, region in REGIONS.items():
            if resource["type"] == resource_type and resource["address"].startswith(prefix):
                found[region].append(resource)
    return found


def the(plan: Any, address: str) -> dict[str, Any]:
    (found,) = [r for r in all_planned_resources(plan) if r["address"] == address]
    return found


def provider_keys(plan: Any, module_call: str) -> set[str]:
    """Provider configurations used by every resource under a root module call, nested calls included."""
    keys: set[str] = set()

    def walk(module: dict[str, Any]) -> None:
        keys.update(r["provider_config_key"] for r in module.get("resources", []))
        for call in module.get("module_calls", {}).values():
            walk(call["module"])

    walk(plan["configuration"]["root_module"]["module_calls"][module_call]["module"])
    return keys


def test_identities_and_configuration_sets_in_both_regions_mirror_each_other(plan: Any) -> None:
    sets = by_region(plan, "aws_sesv2_configuration_set")
    names = {
        region: sorted(r["values"]["configuration_set_name"] for r in found) for region, found in sets.items()
    }
    assert names[PRIMARY] == names[STANDBY] == [f"{PREFIX}-marketing", f"{PREFIX}-transactional"]
    # the standby's sets are the primary's: TLS, reputation metrics, suppression, sending pool
    mirrored = ("delivery_options", "reputation_options", "suppression_options", "sending_options")
    for primary, standby in zip(
        sorted(sets[PRIMARY], key=lambda r: r["address"]),
        sorted(sets[STANDBY], key=lambda r: r["address"]),
        strict=True,
    ):
        assert {k: primary["values"][k] for k in mirrored} == {k: standby["values"][k] for k in mirrored}
        assert standby["values"]["delivery_options"][0]["tls_policy"] == "REQUIRE"
        assert standby["values"]["reputation_options"][0]["reputation_metrics_enabled"] is True
    # and publish the same event types, to their own region's topic
    destinations = by_region(plan, "aws_sesv2_configuration_set_event_destination")
    types = {
        region: sorted(
            (
                d["values"]["configuration_set_name"],
                tuple(sorted(d["values"]["event_destination"][0]["matching_event_types"])),
            )
            for d in found
        )
        for region, found in destinations.items()
    }
    # (an SNS and a CloudWatch destination per set)
    assert types[PRIMARY] == types[STANDBY] and len(types[STANDBY]) == 4
    identities = by_region(plan, "aws_sesv2_email_identity")
    for region in (PRIMARY, STANDBY):
        assert sorted(i["values"]["email_identity"] for i in identities[region]) == [
            "example.com",
            "notify.example.org",
        ]
    # each instance runs on its own region's provider: the standby's on the alias (region standby_region)
    assert provider_keys(plan, "primary_region") == {"aws"}
    assert provider_keys(plan, "standby_region") == provider_keys(plan, "standby_alarms") == {"aws.standby"}
    region = plan["configuration"]["provider_config"]["aws.standby"]["expressions"]["region"]
    assert "var.standby_region" in region["references"]


def test_each_region_publishes_its_own_dkim_and_mail_from_records(plan: Any) -> None:
    records = by_region(plan, "aws_route53_record")
    keys = {region: sorted(r["index"] for r in found) for region, found in records.items()}
    # Easy DKIM per region: three CNAMEs each (tokens differ per region, so no record collides);
    # MAIL FROM MX + SPF per region; DMARC once, from the primary
    assert keys[PRIMARY] == ["dkim-0", "dkim-1", "dkim-2", "dmarc", "mail-from-mx", "mail-from-spf"]
    assert keys[STANDBY] == ["dkim-0", "dkim-1", "dkim-2", "mail-from-mx", "mail-from-spf"]
    mx = {
        region: next(r["values"] for r in found if r["index"] == "mail-from-mx")
        for region, found in records.items()
    }
    assert mx[PRIMARY]["name"] == "bounce.example.com"
    assert mx[PRIMARY]["records"] == [f"10 feedback-smtp.{PRIMARY}.amazonses.com"]
    assert mx[STANDBY]["name"] == f"bounce-{STANDBY}.example.com"
    assert mx[STANDBY]["records"] == [f"10 feedback-smtp.{STANDBY}.amazonses.com"]
    mail_from = by_region(plan, "aws_sesv2_email_identity_mail_from_attributes")
    assert sorted(m["values"]["mail_from_domain"] for m in mail_from[STANDBY]) == [
        f"bounce-{STANDBY}.example.com",
        f"mail-{STANDBY}.notify.example.org",
    ]
    # Easy DKIM (no BYODKIM key in state) in both regions
    for found in by_region(plan, "aws_sesv2_email_identity").values():
        for identity in found:
            attributes = identity["values"]["dkim_signing_attributes"][0]
            assert attributes["next_signing_key_length"] == "RSA_2048_BIT"
            assert attributes.get("domain_signing_private_key") is None


def test_standby_events_are_subscribed_into_the_primary_queue_with_their_own_dlq(plan: Any) -> None:
    subscription = the(plan, "module.standby_region[0].aws_sns_topic_subscription.primary_queue[0]")["values"]
    assert subscription["protocol"] == "sqs" and subscription["raw_message_delivery"] is True
    # the primary's queue (its ARN is known only after apply, so the wiring is read from the configuration)
    call = plan["configuration"]["root_module"]["module_calls"]["standby_region"]
    assert "module.event_pipeline.queue_arn" in call["expressions"]["event_queue_arn"]["references"]
    (config,) = [
        r for r in call["module"]["resources"] if r["address"] == "aws_sns_topic_subscription.primary_queue"
    ]
    assert config["expressions"]["endpoint"]["references"] == ["var.event_queue_arn"]
    assert json.loads(subscription["redrive_policy"]) == {"deadLetterTargetArn": STANDBY_DLQ_ARN}
    dlq = the(plan, "module.standby_region[0].aws_sqs_queue.subscription_dlq[0]")["values"]
    assert dlq["name"] == STANDBY_DLQ and dlq["message_retention_seconds"] == 14 * 86400
    ours = Request(
        action="sqs:SendMessage",
        resource=STANDBY_DLQ_ARN,
        service="sns.amazonaws.com",
        context={"aws:SourceArn": STANDBY_TOPIC_ARN, "aws:SecureTransport": True},
    )
    assert allows(json.loads(dlq["policy"]), ours)
    other_topic = replace(
        ours, context={**ours.context, "aws:SourceArn": f"arn:aws:sns:{STANDBY}:{ACCOUNT}:other"}
    )
    assert not allows(json.loads(dlq["policy"]), other_topic)


def test_primary_queue_and_key_let_only_the_standby_topic_deliver(plan: Any) -> None:
    queue = json.loads(the(plan, "module.event_pipeline.aws_sqs_queue.this")["values"]["policy"])
    key = json.loads(the(plan, "module.event_pipeline.aws_kms_key.this")["values"]["policy"])
    for topic, allowed in ((STANDBY_TOPIC_ARN, True), (f"arn:aws:sns:{STANDBY}:{ACCOUNT}:other", False)):
        delivery = Request(
            action="sqs:SendMessage",
            resource=PRIMARY_QUEUE_ARN,
            service="sns.amazonaws.com",
            context={"aws:SourceArn": topic, "aws:SecureTransport": True},
        )
        assert allows(queue, delivery) is allowed, topic
        key_use = Request(
            action="kms:GenerateDataKey",
            service="sns.amazonaws.com",
            context={"aws:SourceArn": topic, "aws:SourceAccount": ACCOUNT},
        )
        assert allows(key, key_use) is allowed, topic


def test_standby_topic_and_key_accept_ses_from_its_own_configuration_sets(plan: Any) -> None:
    topic_policy = json.loads(
        the(plan, "module.standby_region[0].aws_sns_topic_policy.events[0]")["values"]["policy"]
    )
    for name, allowed in (("ses-production-transactional", True), ("someone-else", False)):
        publish = Request(
            action="sns:Publish",
            resource=STANDBY_TOPIC_ARN,
            service="ses.amazonaws.com",
            context={
                "aws:SourceArn": f"arn:aws:ses:{STANDBY}:{ACCOUNT}:configuration-set/{name}",
                "aws:SourceAccount": ACCOUNT,
                "aws:SecureTransport": True,
            },
        )
        assert allows(topic_policy, publish) is allowed, name
    key = json.loads(the(plan, "module.standby_region[0].aws_kms_key.events[0]")["values"]["policy"])
    # decision 0072: SES is pinned by the encryption context SNS always sends, nothing else
    documented = Request(
        action="kms:GenerateDataKey",
        service="ses.amazonaws.com",
        context={"kms:EncryptionContext:aws:sns:topicArn": STANDBY_TOPIC_ARN},
    )
    assert allows(key, documented)
    assert (
        the(plan, "module.standby_region[0].aws_kms_key.events[0]")["values"]["enable_key_rotation"] is True
    )


def test_reputation_and_event_alarms_per_region(plan: Any) -> None:
    alarms = {
        r["values"]["alarm_name"]: r["values"]
        for r in all_planned_resources(plan)
        if r["type"] == "aws_cloudwatch_metric_alarm"
    }
    standby = {
        name.removeprefix(f"{PREFIX}-{STANDBY}-"): a
        for name, a in alarms.items()
        if name.startswith(f"{PREFIX}-{STANDBY}-")
    }
    for scope in ("account", "cs-ses-production-transactional", "cs-ses-production-marketing"):
        for kind in ("bounce-rate", "complaint-rate"):
            assert f"ses-{scope}-{kind}-critical" in standby
            assert f"{PREFIX}-ses-{scope}-{kind}-critical" in alarms
    assert standby["event-subscription-dlq-not-empty"]["dimensions"] == {"QueueName": STANDBY_DLQ}
    assert standby["event-topic-delivery-failures"]["dimensions"] == {"TopicName": f"{PREFIX}-ses-events"}
    assert "events-stopped" in standby and "ses-send-quota-warning" in standby
    # each region's quota alarms read that region's usage
    assert standby["ses-send-quota-critical"]["dimensions"] == {"Region": STANDBY}
    # the queue and the persister are the primary's: alarmed there only
    assert not [
        name
        for name in standby
        if name.startswith(("persister-", "event-queue-")) or name == "event-dlq-not-empty"
    ]


def test_staging_example_leaves_the_standby_off(terraform_plan: PlanFn) -> None:
    staging = terraform_plan(
        "terraform/envs/staging", tf_vars={"offline_plan": "true"}, tf_var_file="terraform.tfvars.example"
    )
    addresses = [r["address"] for r in all_planned_resources(staging)]
    assert not [
        a
        for a in addresses
        if a.startswith(("module.standby_region", "module.standby_alarms", "module.event_archive"))
    ]
    assert [a for a in addresses if a.startswith("module.primary_region.")]

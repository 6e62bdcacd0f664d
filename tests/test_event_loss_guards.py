"""Issue 12: no silent event loss between SES and the queue, checked on the production plan.

Each test evaluates the planned policies against the request AWS documents for that call
(``policy_eval.Request``), so a condition the calling service never sends shows up as a denial.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from policy_eval import Request, allows
from tfplan import all_planned_resources

pytestmark = pytest.mark.terraform

ENV = "terraform/envs/production"
# terraform/envs/production/terraform.tfvars.example
ACCOUNT, REGION = "123456789012", "eu-west-1"
PREFIX = "ses-production"
TOPIC_ARN = f"arn:aws:sns:{REGION}:{ACCOUNT}:{PREFIX}-ses-events"


@pytest.fixture(scope="module")
def plan(terraform_plan) -> Any:  # type: ignore[no-untyped-def]
    return terraform_plan(
        ENV,
        tf_vars={"offline_plan": "true", "status_api_enabled": "true"},
        tf_var_file="terraform.tfvars.example",
    )


def planned(plan: Any, address: str) -> dict[str, Any]:
    (found,) = [r for r in all_planned_resources(plan) if r["address"] == address]
    return found


def policy(plan: Any, address: str, attribute: str = "policy") -> dict[str, Any]:
    raw = planned(plan, address)["values"].get(attribute)
    assert raw, f"{address}.{attribute} is not known at plan time"
    document: dict[str, Any] = json.loads(raw)
    return document


# --- 1. SES may use the event topic's key with the context SNS always supplies ------------------------


@pytest.mark.parametrize("action", ["kms:GenerateDataKey", "kms:Decrypt"])
def test_ses_can_use_the_topic_key_with_only_the_documented_context(plan: Any, action: str) -> None:
    # GIVEN the pipeline key's policy
    key_policy = policy(plan, "module.event_pipeline.aws_kms_key.this")
    # WHEN SES publishes to the encrypted topic: SNS calls KMS for SES with the topic ARN as encryption
    # context; AWS documents no aws:SourceArn/aws:SourceAccount on this call
    # (docs/decisions/0072-ses-topic-key-condition.md)
    documented = Request(
        action=action,
        service="ses.amazonaws.com",
        context={"kms:EncryptionContext:aws:sns:topicArn": TOPIC_ARN},
    )
    # THEN the key policy allows it
    assert allows(key_policy, documented)
    # AND only for this topic
    other_topic = Request(
        action=action,
        service="ses.amazonaws.com",
        context={"kms:EncryptionContext:aws:sns:topicArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:other"},
    )
    assert not allows(key_policy, other_topic)


# --- 5. Every encrypted log group's key lets CloudWatch Logs use it for that log group -----------------

LOGS_KEY_ACTIONS = ("kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey")


def module_config(plan: Any, path: list[str]) -> dict[str, Any]:
    module: dict[str, Any] = plan["configuration"]["root_module"]
    for name in path:
        module = module["module_calls"][name]["module"]
    return module


def split_address(address: str) -> tuple[list[str], str]:
    """``module.a.module.b.aws_x.y[0]`` -> (["a", "b"], "aws_x.y")."""
    parts = address.split(".")
    path = []
    while parts[0] == "module":
        path.append(parts[1].split("[")[0])
        parts = parts[2:]
    return path, ".".join(parts).split("[")[0]


def key_address(plan: Any, path: list[str], references: list[str]) -> str:
    """Follow a key argument's references (through module inputs and outputs) to the aws_kms_key."""
    for ref in references:
        parts = ref.split(".")
        if parts[0] == "aws_kms_key" and len(parts) >= 3:
            return ".".join([f"module.{m}" for m in path] + ["aws_kms_key", parts[1].split("[")[0]])
        if parts[0] == "var" and path:
            parent = module_config(plan, path[:-1])
            call = parent["module_calls"][path[-1]]
            return key_address(plan, path[:-1], call["expressions"][parts[1]]["references"])
        if parts[0] == "module" and len(parts) >= 3:
            output = module_config(plan, [*path, parts[1]])["outputs"][parts[2]]
            return key_address(plan, [*path, parts[1]], output["expression"]["references"])
    raise AssertionError(f"no aws_kms_key behind {references}")


def test_every_encrypted_log_group_is_allowed_by_its_keys_policy(plan: Any) -> None:
    # GIVEN every log group of production with the status API on
    groups = [r for r in all_planned_resources(plan) if r["type"] == "aws_cloudwatch_log_group"]
    # persister, status API function and access log, archive Firehose errors, ledger function, quota
    # publisher, outbox replay worker, suppression sync
    assert len(groups) == 8
    keys = {r["address"]: r for r in all_planned_resources(plan) if r["type"] == "aws_kms_key"}
    for group in groups:
        # WHEN its kms_key_id is followed to the key it names
        path, local_address = split_address(group["address"])
        config = module_config(plan, path)
        (resource,) = [r for r in config["resources"] if r["address"] == local_address]
        address = key_address(plan, path, resource["expressions"]["kms_key_id"]["references"])
        # instance keys dropped everywhere: module.event_archive[0].aws_kms_key.this names the same key
        (key,) = [k for a, k in keys.items() if re.sub(r"\[[^\]]*\]", "", a) == address]
        arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{group['values']['name']}"
        # THEN CloudWatch Logs may use that key with the encryption context it sends for this group
        for action in LOGS_KEY_ACTIONS:
            request = Request(
                action=action,
                service=f"logs.{REGION}.amazonaws.com",
                context={"kms:EncryptionContext:aws:logs:arn": arn},
            )
            assert allows(json.loads(key["values"]["policy"]), request), f"{group['address']}: {action}"


# --- 4. Event destinations are created only once the topic accepts SES and delivers to the queue ------


def test_event_destinations_wait_for_the_topic_policy_and_the_subscription(plan: Any) -> None:
    # GIVEN the configuration: each set's SNS destination names var.sns_topic_arn, which the environment
    # fills from the pipeline's output
    sets = module_config(plan, ["primary_region", "ses_configuration_set"])
    (destination,) = [
        r for r in sets["resources"] if r["address"] == "aws_sesv2_configuration_set_event_destination.sns"
    ]
    topic_refs = destination["expressions"]["event_destination"][0]["sns_destination"][0]["topic_arn"]
    assert topic_refs["references"] == ["var.sns_topic_arn"]
    call = module_config(plan, [])["module_calls"]["primary_region"]
    assert "module.event_pipeline.sns_topic_arn" in call["expressions"]["event_topic_arn"]["references"]
    # THEN that output is only known once SES may publish (topic policy) and the queue is subscribed:
    # without this the first apply can create a destination whose first events SNS refuses or drops
    output = module_config(plan, ["event_pipeline"])["outputs"]["sns_topic_arn"]
    assert set(output.get("depends_on", [])) >= {
        "aws_sns_topic_policy.this",
        "aws_sns_topic_subscription.queue",
    }


# --- 2. What SNS cannot deliver goes to a dead-letter queue, and pages ---------------------------------

SUBSCRIPTION_DLQ = f"{PREFIX}-ses-events-sns-dlq"
SUBSCRIPTION_DLQ_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{SUBSCRIPTION_DLQ}"


def test_the_queue_subscription_redrives_to_an_encrypted_dead_letter_queue(plan: Any) -> None:
    # GIVEN the SNS -> SQS subscription
    subscription = planned(plan, "module.event_pipeline.aws_sns_topic_subscription.queue")
    # THEN undeliverable events go to the subscription's dead-letter queue instead of being discarded
    assert json.loads(subscription["values"]["redrive_policy"]) == {
        "deadLetterTargetArn": SUBSCRIPTION_DLQ_ARN
    }
    dlq = planned(plan, "module.event_pipeline.aws_sqs_queue.subscription_dlq")
    assert dlq["values"]["name"] == SUBSCRIPTION_DLQ
    assert dlq["values"]["message_retention_seconds"] == 14 * 86400
    (config,) = [
        r
        for r in module_config(plan, ["event_pipeline"])["resources"]
        if r["address"] == "aws_sqs_queue.subscription_dlq"
    ]
    assert "aws_kms_key.this.arn" in config["expressions"]["kms_master_key_id"]["references"]
    # AND only our topic may send to it (SNS sends aws:SourceArn = the topic for SQS deliveries)
    queue_policy = json.loads(dlq["values"]["policy"])
    ours = Request(
        action="sqs:SendMessage",
        resource=SUBSCRIPTION_DLQ_ARN,
        service="sns.amazonaws.com",
        context={"aws:SourceArn": TOPIC_ARN, "aws:SecureTransport": True},
    )
    assert allows(queue_policy, ours)
    other = Request(
        action="sqs:SendMessage",
        resource=SUBSCRIPTION_DLQ_ARN,
        service="sns.amazonaws.com",
        context={"aws:SourceArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:other", "aws:SecureTransport": True},
    )
    assert not allows(queue_policy, other)
    # AND SNS may encrypt into it with the pipeline key (the statement pinned to our topic)
    key_policy = policy(plan, "module.event_pipeline.aws_kms_key.this")
    sns_key_use = Request(
        action="kms:GenerateDataKey",
        service="sns.amazonaws.com",
        context={"aws:SourceArn": TOPIC_ARN, "aws:SourceAccount": ACCOUNT},
    )
    assert allows(key_policy, sns_key_use)


def alarms_by_suffix(plan: Any) -> dict[str, dict[str, Any]]:
    found = {}
    for resource in all_planned_resources(plan):
        if resource["type"] == "aws_cloudwatch_metric_alarm":
            found[resource["values"]["alarm_name"].removeprefix(f"{PREFIX}-")] = resource["values"]
    return found


def test_failed_sns_deliveries_and_the_subscription_dlq_page(plan: Any) -> None:
    alarms = alarms_by_suffix(plan)
    failed = alarms["event-topic-delivery-failures"]
    assert (failed["namespace"], failed["metric_name"]) == ("AWS/SNS", "NumberOfNotificationsFailed")
    assert failed["dimensions"] == {"TopicName": f"{PREFIX}-ses-events"}
    assert failed["comparison_operator"] == "GreaterThanThreshold" and failed["threshold"] == 0
    depth = alarms["event-subscription-dlq-not-empty"]
    assert (depth["namespace"], depth["metric_name"]) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible")
    assert depth["dimensions"] == {"QueueName": SUBSCRIPTION_DLQ}
    assert depth["comparison_operator"] == "GreaterThanThreshold" and depth["threshold"] == 0


# --- 3. SES sends while the event topic publishes nothing: events stopped somewhere above the queue ----


def test_events_stopped_alarm_compares_ses_sends_with_topic_publishes(plan: Any) -> None:
    alarm = alarms_by_suffix(plan)["events-stopped"]
    queries = {q["id"]: q for q in alarm["metric_query"]}
    metrics = {qid: q["metric"][0] for qid, q in queries.items() if q.get("metric")}
    assert {
        (m["namespace"], m["metric_name"], json.dumps(m["dimensions"] or {}, sort_keys=True))
        for m in metrics.values()
    } == {
        ("AWS/SES", "Send", "{}"),
        ("AWS/SNS", "NumberOfMessagesPublished", json.dumps({"TopicName": f"{PREFIX}-ses-events"})),
    }
    (result,) = [q for q in queries.values() if q.get("return_data")]
    sends, published = sorted(metrics, key=lambda qid: metrics[qid]["namespace"])
    # the expression breaches only when there were sends and no publishes (missing publishes count as 0)
    assert f"FILL({published}, 0)" in result["expression"] and sends in result["expression"]
    assert alarm["comparison_operator"] == "GreaterThanOrEqualToThreshold" and alarm["threshold"] == 1
    assert alarm["treat_missing_data"] == "notBreaching"
    assert alarm["alarm_description"].endswith("Runbook: docs/runbooks/events-stopped.md")

"""Issue 15 on the production plan: the sending outbox is encrypted with a CMK, keeps mail 14 days with a
DLQ, and is drained by the replay worker with partial batch failures; its role writes only the trail."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tfplan import resources_of_type

pytestmark = pytest.mark.terraform

ENV = "terraform/envs/production"
FOURTEEN_DAYS = 1209600


@pytest.fixture(scope="module")
def plan(terraform_plan) -> Any:  # type: ignore[no-untyped-def]
    return terraform_plan(ENV, tf_vars={"offline_plan": "true"}, tf_var_file="terraform.tfvars.example")


def outbox_resources(plan: Any, resource_type: str) -> dict[str, dict[str, Any]]:
    return {
        r["address"]: r
        for r in resources_of_type(plan, resource_type)
        if r["address"].startswith("module.outbox[0].")
    }


def test_outbox_queue_is_encrypted_kept_fourteen_days_and_has_its_dlq(plan: Any) -> None:
    queues = outbox_resources(plan, "aws_sqs_queue")
    assert {q["values"]["name"] for q in queues.values()} == {
        "ses-production-outbox",
        "ses-production-outbox-dlq",
        "ses-production-outbox-parked",
    }
    for queue in queues.values():
        assert queue["values"]["message_retention_seconds"] == FOURTEEN_DAYS
    outbox = queues["module.outbox[0].aws_sqs_queue.this"]
    # The CMK ARN is assigned at apply: the plan shows it unknown, and the key is this module's.
    for config in plan["configuration"]["root_module"]["module_calls"]["outbox"]["module"]["resources"]:
        if config["type"] == "aws_sqs_queue":
            assert "aws_kms_key.this.arn" in config["expressions"]["kms_master_key_id"]["references"]
    redrive = json.loads(outbox["values"]["redrive_policy"])
    assert redrive["deadLetterTargetArn"].endswith(":ses-production-outbox-dlq")


def test_replay_worker_drains_the_outbox_with_partial_batch_failures(plan: Any) -> None:
    (mapping,) = outbox_resources(plan, "aws_lambda_event_source_mapping").values()
    assert mapping["values"]["function_response_types"] == ["ReportBatchItemFailures"]
    assert mapping["values"]["scaling_config"][0]["maximum_concurrency"] == 2
    (function,) = outbox_resources(plan, "aws_lambda_function").values()
    assert function["values"]["handler"] == "sesmail.handlers.outbox_replay.handler"
    assert function["values"]["function_name"] == "ses-production-outbox-replay"
    config = next(
        r
        for r in plan["configuration"]["root_module"]["module_calls"]["outbox"]["module"]["resources"]
        if r["address"] == "aws_lambda_event_source_mapping.this"
    )
    refs = {k: v["references"] for k, v in config["expressions"].items() if "references" in v}
    assert "aws_sqs_queue.this.arn" in refs["event_source_arn"]
    assert "aws_lambda_function.this.arn" in refs["function_name"]


def test_replay_role_sends_in_both_regions_and_writes_only_the_trail(plan: Any) -> None:
    policy = json.loads(
        outbox_resources(plan, "aws_iam_role_policy")["module.outbox[0].aws_iam_role_policy.this"]["values"][
            "policy"
        ]
    )
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    send = by_sid["SendInBothRegions"]["Resource"]
    assert {arn.split(":")[3] for arn in send} == {"eu-west-1", "eu-central-1"}
    assert not any(arn.endswith("*") for arn in send)
    trail = by_sid["WriteOutboxTrail"]
    assert trail["Action"] == ["dynamodb:PutItem"]
    assert trail["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": "REF#*"}}


def test_outbox_alarms_page_by_severity(plan: Any) -> None:
    alarms = {
        a["values"]["alarm_name"]: a["values"]
        for a in outbox_resources(plan, "aws_cloudwatch_metric_alarm").values()
    }
    assert set(alarms) == {
        "ses-production-outbox-failover-active",
        "ses-production-outbox-not-draining",
        "ses-production-outbox-age",
        "ses-production-outbox-parked-not-empty",
        "ses-production-outbox-dlq-not-empty",
    }
    # Actions name the alarm topics, whose ARNs are known only after apply: the severity decides them.
    severities = {name: values["tags"]["Severity"] for name, values in alarms.items()}
    assert severities["ses-production-outbox-failover-active"] == "warning"
    assert {s for n, s in severities.items() if n != "ses-production-outbox-failover-active"} == {"critical"}

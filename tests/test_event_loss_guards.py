"""Issue 12: no silent event loss between SES and the queue, checked on the production plan.

Each test evaluates the planned policies against the request AWS documents for that call
(``policy_eval.Request``), so a condition the calling service never sends shows up as a denial.
"""

from __future__ import annotations

import json
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
    # context; AWS documents no aws:SourceArn/aws:SourceAccount on this call (docs/decisions/0070)
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

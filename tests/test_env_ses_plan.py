"""What the production plan does with SES in its primary region, asserted on its plan JSON.

The standby region's copy is checked in test_standby_region.py. The plan is offline (fake
credentials, no backend, ``offline_plan = true``) from the committed ``terraform.tfvars.example``.
checkov has no check for ``aws_sesv2_*`` TLS, so this is where "every configuration set requires
TLS" is enforced for the environment as a whole.
"""

from __future__ import annotations

from typing import Any

import pytest
import tftest

from conftest import PlanFn
from tfplan import resources_of_type

pytestmark = pytest.mark.terraform

ENV_DIR = "terraform/envs/production"
EXPECTED_CONFIGURATION_SETS = {"ses-production-transactional", "ses-production-marketing"}
EXPECTED_DOMAINS = {"example.com", "notify.example.org"}
Plan = tftest.TerraformPlanOutput
REQUIRED_EVENT_TYPES = {
    "BOUNCE",
    "COMPLAINT",
    "DELIVERY",
    "SEND",
    "REJECT",
    "DELIVERY_DELAY",
    "RENDERING_FAILURE",
}


@pytest.fixture(scope="module")
def plan(terraform_plan: PlanFn) -> Plan:
    return terraform_plan(ENV_DIR, tf_vars={"offline_plan": "true"}, tf_var_file="terraform.tfvars.example")


PRIMARY = "module.primary_region."


def values_of(plan: Plan, resource_type: str, region: str = PRIMARY) -> list[dict[str, Any]]:
    """Planned values of one region's resources of a type (the primary's unless told)."""
    return [r["values"] for r in resources_of_type(plan, resource_type) if r["address"].startswith(region)]


def test_every_configuration_set_requires_tls_with_reputation_metrics(plan: Plan) -> None:
    # GIVEN the production example WHEN planned THEN each configuration set enforces TLS and
    # publishes per-set reputation metrics (the alarms depend on them).
    sets = values_of(plan, "aws_sesv2_configuration_set")
    assert {s["configuration_set_name"] for s in sets} == EXPECTED_CONFIGURATION_SETS
    for configuration_set in sets:
        name = configuration_set["configuration_set_name"]
        assert configuration_set["delivery_options"][0]["tls_policy"] == "REQUIRE", name
        assert configuration_set["reputation_options"][0]["reputation_metrics_enabled"] is True, name
        assert configuration_set["sending_options"][0]["sending_enabled"] is True, name
        suppressed_reasons = configuration_set["suppression_options"][0]["suppressed_reasons"]
        assert set(suppressed_reasons) == {"BOUNCE", "COMPLAINT"}, name


def test_every_domain_identity_has_dkim_2048_and_a_configuration_set(plan: Plan) -> None:
    identities = values_of(plan, "aws_sesv2_email_identity")
    assert {i["email_identity"] for i in identities} == EXPECTED_DOMAINS
    for identity in identities:
        domain = identity["email_identity"]
        assert identity["dkim_signing_attributes"][0]["next_signing_key_length"] == "RSA_2048_BIT", domain
        assert identity["configuration_set_name"] in EXPECTED_CONFIGURATION_SETS, domain


def test_every_domain_has_a_custom_mail_from(plan: Plan) -> None:
    attributes = values_of(plan, "aws_sesv2_email_identity_mail_from_attributes")
    mail_from = {v["email_identity"]: v for v in attributes}
    assert set(mail_from) == EXPECTED_DOMAINS
    assert mail_from["example.com"]["mail_from_domain"] == "bounce.example.com"
    assert mail_from["notify.example.org"]["mail_from_domain"] == "mail.notify.example.org"
    assert {v["behavior_on_mx_failure"] for v in mail_from.values()} == {"USE_DEFAULT_VALUE"}


def test_sns_event_destination_enabled_for_the_required_event_types(plan: Plan) -> None:
    # GIVEN every configuration set WHEN its destinations are planned THEN one SNS destination is
    # enabled and covers at least the event types support and the alarms rely on.
    destinations = values_of(plan, "aws_sesv2_configuration_set_event_destination")
    sns = [d for d in destinations if d["event_destination"][0]["sns_destination"]]
    assert {d["configuration_set_name"] for d in sns} == EXPECTED_CONFIGURATION_SETS
    assert len(sns) == len(EXPECTED_CONFIGURATION_SETS)
    for destination in sns:
        event_destination = destination["event_destination"][0]
        assert event_destination["enabled"] is True
        assert set(event_destination["matching_event_types"]) >= REQUIRED_EVENT_TYPES
    # EventBridge is opt-in (ses_eventbridge_enabled = false in the example).
    assert all(not d["event_destination"][0]["event_bridge_destination"] for d in destinations)


def test_sns_destination_is_the_event_pipeline_topic(plan: Plan) -> None:
    # The topic ARN is only known after apply, so the wiring is checked in the configuration: the
    # primary region's instance gets the pipeline's topic, and its configuration sets get that.
    root = plan["configuration"]["root_module"]["module_calls"]
    call = root["primary_region"]
    assert "module.event_pipeline.sns_topic_arn" in call["expressions"]["event_topic_arn"]["references"]
    inner = call["module"]["module_calls"]["ses_configuration_set"]
    assert "local.event_topic_arn" in inner["expressions"]["sns_topic_arn"]["references"]


def test_account_suppresses_bounces_and_complaints(plan: Plan) -> None:
    (account,) = values_of(plan, "aws_sesv2_account_suppression_attributes")
    assert set(account["suppressed_reasons"]) == {"BOUNCE", "COMPLAINT"}


def test_dns_is_created_only_for_the_domain_with_a_route53_zone(plan: Plan) -> None:
    # GIVEN example.com with a zone and notify.example.org without WHEN planned THEN Route53 gets
    # example.com's six records (3 DKIM, MX, SPF, DMARC) and nothing for notify.example.org.
    records = [
        r
        for r in resources_of_type(plan, "aws_route53_record")
        if r["address"].startswith(f"{PRIMARY}module.ses_domain[")
    ]
    assert {r["address"].split('"]')[0].split('["')[1] for r in records} == {"example.com"}
    assert len(records) == 6
    assert {r["values"]["zone_id"] for r in records} == {"Z0123456789ABCDEFGHIJ"}
    by_key = {r["index"]: r["values"] for r in records}
    assert by_key["dmarc"]["records"] == [
        "v=DMARC1; p=quarantine; pct=100; rua=mailto:dmarc-reports@example.com; adkim=r; aspf=r"
    ]
    assert by_key["mail-from-spf"]["records"] == ["v=spf1 include:amazonses.com ~all"]
    assert by_key["mail-from-mx"]["records"] == ["10 feedback-smtp.eu-west-1.amazonses.com"]

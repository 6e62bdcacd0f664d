"""Issue 16 on the production plan: dashboard, CloudWatch event destination, severity routing, quota
metric schedule and alarms, feedback forwarding off, tracking off on transactional sets, auto-pause off."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tfplan import all_planned_resources, resources_of_type

pytestmark = pytest.mark.terraform

ENV = "terraform/envs/production"


@pytest.fixture(scope="module")
def plan(terraform_plan) -> Any:  # type: ignore[no-untyped-def]
    return terraform_plan(ENV, tf_vars={"offline_plan": "true"}, tf_var_file="terraform.tfvars.example")


def primary(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in resources if "standby" not in r["address"]]


def test_one_dashboard_per_region_built_from_the_alarms(plan: Any) -> None:
    dashboards = resources_of_type(plan, "aws_cloudwatch_dashboard")
    assert sorted(d["values"]["dashboard_name"] for d in dashboards) == [
        "ses-production-eu-central-1-mail",
        "ses-production-mail",
    ]
    body = json.loads(
        next(d for d in dashboards if d["values"]["dashboard_name"] == "ses-production-mail")["values"][
            "dashboard_body"
        ]
    )
    listed = next(w for w in body["widgets"] if w["type"] == "alarm")["properties"]["alarms"]
    alarms = primary(resources_of_type(plan, "aws_cloudwatch_metric_alarm"))
    assert {a.rsplit(":", 1)[1] for a in listed} >= {
        a["values"]["alarm_name"] for a in alarms if a["address"].startswith("module.alarms.")
    }


def test_every_set_counts_events_in_cloudwatch_by_configuration_set(plan: Any) -> None:
    destinations = [
        r
        for r in resources_of_type(plan, "aws_sesv2_configuration_set_event_destination")
        if r["values"]["event_destination_name"] == "cloudwatch"
    ]
    sets = {
        r["values"]["configuration_set_name"] for r in resources_of_type(plan, "aws_sesv2_configuration_set")
    }
    assert {d["values"]["configuration_set_name"] for d in destinations} == sets
    for destination in destinations:
        (config,) = destination["values"]["event_destination"][0]["cloud_watch_destination"][0][
            "dimension_configuration"
        ]
        assert config["dimension_name"] == "ses:configuration-set"
        assert config["dimension_value_source"] == "MESSAGE_TAG"
        assert destination["values"]["event_destination"][0]["enabled"] is True


def test_warning_and_critical_alarms_notify_different_actions(plan: Any) -> None:
    alarms = [
        a
        for a in resources_of_type(plan, "aws_cloudwatch_metric_alarm")
        if a["address"].startswith("module.alarms.")
    ]
    by_severity: dict[str, set[tuple[str, ...]]] = {}
    for alarm in alarms:
        severity = alarm["values"]["tags"]["Severity"]
        by_severity.setdefault(severity, set()).add(tuple(sorted(alarm["values"]["alarm_actions"])))
    assert set(by_severity) == {"warning", "critical"}
    (warning,), (critical,) = by_severity["warning"], by_severity["critical"]
    assert not set(warning) & set(critical)
    assert "arn:aws:sns:eu-west-1:123456789012:pagerduty-ses" in critical
    assert "arn:aws:sns:eu-west-1:123456789012:ses-production-alarms-warning" in warning


def test_quota_metric_is_published_on_a_schedule_and_alarmed_per_region(plan: Any) -> None:
    (rule,) = [
        r
        for r in resources_of_type(plan, "aws_cloudwatch_event_rule")
        if r["values"]["name"] == "ses-production-quota-metric"
    ]
    assert rule["values"]["schedule_expression"] == "rate(5 minutes)"
    (function,) = [
        f
        for f in resources_of_type(plan, "aws_lambda_function")
        if f["values"]["function_name"] == "ses-production-quota-metric"
    ]
    assert function["values"]["handler"] == "sesmail.handlers.quota_metric.handler"
    assert function["values"]["environment"][0]["variables"]["SEND_QUOTA_REGIONS"] == "eu-west-1,eu-central-1"
    quota = {
        a["values"]["alarm_name"]: a["values"]["dimensions"]
        for a in resources_of_type(plan, "aws_cloudwatch_metric_alarm")
        if a["values"].get("metric_name") == "SendQuotaUsage"
    }
    assert quota == {
        "ses-production-ses-send-quota-warning": {"Region": "eu-west-1"},
        "ses-production-ses-send-quota-critical": {"Region": "eu-west-1"},
        "ses-production-eu-central-1-ses-send-quota-warning": {"Region": "eu-central-1"},
        "ses-production-eu-central-1-ses-send-quota-critical": {"Region": "eu-central-1"},
    }
    names = {a["values"]["alarm_name"] for a in resources_of_type(plan, "aws_cloudwatch_metric_alarm")}
    assert not any(name.endswith("ses-daily-send-quota") for name in names)


def test_feedback_forwarding_is_off_for_every_identity(plan: Any) -> None:
    identities = {r["values"]["email_identity"] for r in resources_of_type(plan, "aws_sesv2_email_identity")}
    feedback = resources_of_type(plan, "aws_sesv2_email_identity_feedback_attributes")
    assert {f["values"]["email_identity"] for f in feedback} == identities
    assert all(f["values"]["email_forwarding_enabled"] is False for f in feedback)


def test_tracking_is_off_on_transactional_sets(plan: Any) -> None:
    for destination in resources_of_type(plan, "aws_sesv2_configuration_set_event_destination"):
        types = set(destination["values"]["event_destination"][0]["matching_event_types"])
        if destination["values"]["configuration_set_name"] == "ses-production-transactional":
            assert not types & {"OPEN", "CLICK"}, destination["address"]
    transactional = [
        s
        for s in resources_of_type(plan, "aws_sesv2_configuration_set")
        if s["values"]["configuration_set_name"] == "ses-production-transactional"
    ]
    assert all(not s["values"]["tracking_options"] for s in transactional)


def test_auto_pause_is_off_by_default(plan: Any) -> None:
    assert not [r for r in all_planned_resources(plan) if "auto_pause" in r["address"]]

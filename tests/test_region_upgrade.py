"""Issue 14: upgrading an environment to the region layout recreates nothing.

``tests/fixtures/pre_region_layout.json`` holds every resource address of the single-region layout
(commit 32b3052) with its plan-known values, from the same offline plans as below. Each old address
must exist in the new plan, at the same address or at the one a ``moved`` block of
``terraform/envs/shared/moved.tf`` sends it to, with the same values: then ``terraform plan`` on an
existing state moves it and neither replaces nor changes it (a replaced identity means new DKIM tokens
and a sending outage; a replaced table loses its history).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from conftest import PlanFn

pytestmark = pytest.mark.terraform

ROOT = Path(__file__).resolve().parents[1]
OLD = json.loads((ROOT / "tests/fixtures/pre_region_layout.json").read_text())
MOVED = re.compile(r"moved\s*\{\s*from\s*=\s*(\S+)\s*to\s*=\s*(\S+)\s*\}")
# The fixture's plans: the status API on so that its resources are covered too.
FIXTURE_VARS = {"offline_plan": "true", "status_api_enabled": "true"}
# What the production example adds beyond the old layout; off, the plan must be the old one exactly.
# A second var file, not -var: tftest puts -var before -var-file, and the later one wins.
NEW_FEATURES_OFF = (
    "standby_enabled = false\nevent_archive_enabled = false\nevent_archive_ledger_enabled = false\n"
    "support_console_enabled = false\noutbox_enabled = false\n"
)


# Issue 16 (decisions 0100-0102) changes the old layout on purpose, in place: the fixed daily Send alarm
# gives way to the quota-usage alarms, every alarm gains a severity (description, tag, warning topic),
# OPEN and CLICK leave the destinations of sets without engagement tracking; and it adds resources.
# Anything else must still be the old layout exactly.
ISSUE_16_REMOVED = {'module.alarms.aws_cloudwatch_metric_alarm.this["ses-daily-send-quota"]'}
ISSUE_16_CHANGED_TYPES = {"aws_cloudwatch_metric_alarm", "aws_sesv2_configuration_set_event_destination"}
ISSUE_16_NEW = re.compile(
    r"^(module\.quota_metric\."
    r"|module\.alarms\.(aws_sns_topic\.warning|aws_sns_topic_policy\.warning|aws_sns_topic_subscription\.email_warning"
    r"|aws_cloudwatch_dashboard\.this|aws_cloudwatch_metric_alarm\.ratio"
    r'|aws_cloudwatch_metric_alarm\.this\["ses-(send-quota-|cs-.*-(rejects|rendering-failures)"))'
    r"|.*aws_sesv2_configuration_set_event_destination\.cloudwatch\[0\]$"
    r"|.*aws_sesv2_email_identity_feedback_attributes\.this$)"
)


def moved_blocks() -> list[tuple[str, str]]:
    return MOVED.findall((ROOT / "terraform/envs/shared/moved.tf").read_text())


def new_address(old: str, moves: list[tuple[str, str]]) -> str:
    """Where a ``moved`` block sends ``old`` (a whole module call moves with every instance in it)."""
    for source, target in moves:
        if old == source or old.startswith((f"{source}.", f"{source}[")):
            return target + old[len(source) :]
    return old


# Later issues change some of the old layout's resources on purpose, in place (attributes an update
# changes without replacing the resource): address -> the attributes they may change. Anything else must
# still be the old layout exactly.
# - the event table: the recipient index projects `origin` (issue 13) and a sparse `ref-index` is added
#   (issue 15, decision 0074): DynamoDB adds and rebuilds indexes online, the table is not replaced;
# - the status API: its access log records the console user's subject, and its role may query the
#   ref-index and read the suppression list (issue 17, decision 0090);
# - with the console on (production's example) the function gains the console's settings.
LATER_IN_PLACE = {
    "module.event_pipeline.aws_dynamodb_table.this": {"attribute", "global_secondary_index"},
    "module.status_api.aws_apigatewayv2_stage.this[0]": {"access_log_settings"},
    "module.status_api.aws_iam_role_policy.this[0]": {"policy"},
}
CONSOLE_IN_PLACE = {"module.status_api.aws_lambda_function.this[0]": {"environment"}}


def unexpected_change(
    address: str, before: dict[str, Any], after: dict[str, Any], allowed: dict[str, set[str]]
) -> bool:
    """True when ``after`` differs from ``before`` in an attribute no later issue may change."""
    changed = {key for key in set(before) | set(after) if before.get(key) != after.get(key)}
    return bool(changed - allowed.get(address, set()))


# A code change changes every function's zip (they share the package): the hash is not layout.
CODE_DEPENDENT = ("source_code_hash",)


def without_code(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k not in CODE_DEPENDENT}


def planned(plan: Any) -> dict[str, dict[str, Any]]:
    return {
        change["address"]: without_code(change["change"]["after"])
        for change in plan["resource_changes"]
        if change["mode"] == "managed"
    }


def test_moved_blocks_are_found_and_move_the_ses_module_calls() -> None:
    assert moved_blocks() == [
        ("module.ses_account", "module.primary_region.module.ses_account"),
        ("module.ses_configuration_set", "module.primary_region.module.ses_configuration_set"),
        ("module.ses_domain", "module.primary_region.module.ses_domain"),
    ]
    # the mapping keeps instance keys and resource names
    assert (
        new_address('module.ses_domain["example.com"].aws_sesv2_email_identity.this', moved_blocks())
        == 'module.primary_region.module.ses_domain["example.com"].aws_sesv2_email_identity.this'
    )
    assert new_address("module.ses_domains_extra.x.y", moved_blocks()) == "module.ses_domains_extra.x.y"


@pytest.mark.parametrize("env", ["staging", "production"])
def test_every_old_address_maps_to_the_same_resource_and_nothing_else_is_planned(
    terraform_plan: PlanFn, tmp_path_factory: pytest.TempPathFactory, env: str
) -> None:
    # GIVEN the new root planned from its example with what the old layout did not have switched off
    features_off = tmp_path_factory.mktemp("vars") / "single_region.tfvars"
    features_off.write_text(NEW_FEATURES_OFF)
    plan = terraform_plan(
        f"terraform/envs/{env}",
        tf_vars=FIXTURE_VARS,
        tf_var_file=["terraform.tfvars.example", str(features_off)],
    )
    new = planned(plan)
    old = OLD[env]
    assert len(old) > 60
    moves = moved_blocks()
    # WHEN each old address is followed through the moved blocks
    mapped = {address: new_address(address, moves) for address in old if address not in ISSUE_16_REMOVED}
    # THEN it names a planned resource of the same type with the same values
    missing = sorted(a for a, target in mapped.items() if target not in new)
    assert missing == []
    changed = sorted(
        a
        for a, target in mapped.items()
        if unexpected_change(target, without_code(old[a]["values"]), new[target], LATER_IN_PLACE)
        and old[a]["type"] not in ISSUE_16_CHANGED_TYPES
    )
    assert changed == []
    # AND the new layout plans nothing the old one did not have, but issue 16's additions
    assert sorted(a for a in set(new) - set(mapped.values()) if not ISSUE_16_NEW.match(a)) == []


def statements(document: str) -> list[dict[str, Any]]:
    parsed: list[dict[str, Any]] = json.loads(document)["Statement"]
    return parsed


def test_production_example_with_standby_and_archive_changes_only_the_queue_and_key_policy(
    terraform_plan: PlanFn,
) -> None:
    # GIVEN production as its example configures it (standby region and event archive on)
    plan = terraform_plan(
        "terraform/envs/production", tf_vars=FIXTURE_VARS, tf_var_file="terraform.tfvars.example"
    )
    new = planned(plan)
    old = OLD["production"]
    moves = moved_blocks()
    differing = {}
    for address, entry in old.items():
        if address in ISSUE_16_REMOVED:
            continue
        target = new_address(address, moves)
        # THEN every old resource is still planned at its mapped address
        assert target in new, address
        allowed = LATER_IN_PLACE | CONSOLE_IN_PLACE
        if entry["type"] not in ISSUE_16_CHANGED_TYPES and unexpected_change(
            target, without_code(entry["values"]), new[target], allowed
        ):
            differing[target] = (without_code(entry["values"]), new[target])
    # AND only the queue and the pipeline key differ: each gains the statement for the standby topic
    assert sorted(differing) == [
        "module.event_pipeline.aws_kms_key.this",
        "module.event_pipeline.aws_sqs_queue.this",
    ]
    for before, after in differing.values():
        assert {k: v for k, v in before.items() if k != "policy"} == {
            k: v for k, v in after.items() if k != "policy"
        }
        added = [s for s in statements(after["policy"]) if s not in statements(before["policy"])]
        assert statements(after["policy"])[: len(statements(before["policy"]))] == statements(
            before["policy"]
        )
        assert [s["Sid"] for s in added] in (
            ["OtherRegionsTopicsDeliver"],
            ["SnsDeliversFromOtherRegionsTopics"],
        )

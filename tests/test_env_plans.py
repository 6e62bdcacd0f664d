"""Plan JSON of the real environments: encryption, policy wildcards, alarm actions, protection."""

from __future__ import annotations

from typing import Any

import pytest

from policy_rules import policy_documents, wildcard_violations
from tfplan import all_planned_resources, resources_of_type

pytestmark = pytest.mark.terraform

ENVS = ("staging", "production")

# Resource type -> the argument that must reference the module's aws_kms_key.
ENCRYPTION_ARGUMENT = {
    "aws_sns_topic": "kms_master_key_id",
    "aws_sqs_queue": "kms_master_key_id",
    "aws_cloudwatch_log_group": "kms_key_id",
    "aws_lambda_function": "kms_key_arn",
}


@pytest.fixture(scope="module", params=ENVS)
def env_plan(request: pytest.FixtureRequest, terraform_plan) -> Any:  # type: ignore[no-untyped-def]
    return request.param, terraform_plan(
        f"terraform/envs/{request.param}",
        tf_vars={"offline_plan": "true"},
        tf_var_file="terraform.tfvars.example",
    )


def configured_resources(plan: Any) -> list[dict[str, Any]]:
    """Resources of the plan's ``configuration`` section (expressions and references), all modules."""
    found: list[dict[str, Any]] = []

    def walk(module: dict[str, Any]) -> None:
        found.extend(module.get("resources", []))
        for call in module.get("module_calls", {}).values():
            walk(call["module"])

    walk(plan["configuration"]["root_module"])
    return found


def references(resource: dict[str, Any], argument: str) -> list[str]:
    expression = resource["expressions"].get(argument, {})
    return list(expression.get("references", []))


def module_calls(plan: Any) -> list[dict[str, Any]]:
    """Every ``module "..." {}`` call in the configuration, nested ones included."""
    found: list[dict[str, Any]] = []

    def walk(module: dict[str, Any]) -> None:
        for call in module.get("module_calls", {}).values():
            found.append(call)
            walk(call["module"])

    walk(plan["configuration"]["root_module"])
    return found


def test_every_topic_queue_log_group_and_function_env_uses_a_cmk(env_plan) -> None:  # type: ignore[no-untyped-def]
    # GIVEN the planned environment
    _, plan = env_plan
    checked = 0
    # WHEN each encryptable resource's configuration is read
    for resource in configured_resources(plan):
        argument = ENCRYPTION_ARGUMENT.get(resource["type"])
        if argument is None:
            continue
        # THEN its key argument references a customer managed key: its own module's, or one passed in
        refs = references(resource, argument)
        own_key = any(ref.startswith("aws_kms_key.") and ref.endswith(".arn") for ref in refs)
        assert own_key or "var.kms_key_arn" in refs, resource["address"]
        checked += 1
    assert checked >= 6  # 2 topics, 2 queues, 1 log group, 1 function
    # AND a key passed into a module is always another module's CMK, never a literal or AWS-managed key
    for call in module_calls(plan):
        expression = call.get("expressions", {}).get("kms_key_arn")
        if expression is not None:
            assert any(ref.endswith(".kms_key_arn") for ref in expression.get("references", [])), call


def test_event_table_is_cmk_encrypted_with_pitr(env_plan) -> None:  # type: ignore[no-untyped-def]
    _, plan = env_plan
    (table,) = resources_of_type(plan, "aws_dynamodb_table")
    (config,) = [r for r in configured_resources(plan) if r["type"] == "aws_dynamodb_table"]
    sse = config["expressions"]["server_side_encryption"][0]
    assert sse["enabled"]["constant_value"] is True
    assert "aws_kms_key.this.arn" in sse["kms_key_arn"]["references"]
    assert table["values"]["point_in_time_recovery"][0]["enabled"] is True
    assert table["values"]["billing_mode"] == "PAY_PER_REQUEST"


def test_every_cmk_rotates(env_plan) -> None:  # type: ignore[no-untyped-def]
    env, plan = env_plan
    keys = resources_of_type(plan, "aws_kms_key")
    # pipeline + alarm topics + quota publisher; production adds the standby's alarm and event topic keys,
    # the archive, the status API's log key (its example turns the support console on), the outbox and the
    # suppression sync
    assert len(keys) == {"staging": 3, "production": 9}[env]
    assert all(key["values"]["enable_key_rotation"] for key in keys)


def test_suppression_sync_runs_only_with_a_standby(env_plan) -> None:  # type: ignore[no-untyped-def]
    # GIVEN the examples: production has a standby region, staging has none
    env, plan = env_plan
    functions = [
        r
        for r in resources_of_type(plan, "aws_lambda_function")
        if r["values"]["handler"] == "sesmail.handlers.suppression_sync.handler"
    ]
    # THEN only production syncs, hourly, from the primary into a different (standby) region
    assert len(functions) == (1 if env == "production" else 0)
    for function in functions:
        variables = function["values"]["environment"][0]["variables"]
        assert variables["SUPPRESSION_SYNC_SOURCE_REGION"] != variables["SUPPRESSION_SYNC_TARGET_REGION"]
        rules = [
            r
            for r in resources_of_type(plan, "aws_cloudwatch_event_rule")
            if "suppression-sync" in r["values"]["name"]
        ]
        assert [r["values"]["schedule_expression"] for r in rules] == ["rate(1 hour)"]


def test_no_wildcard_action_or_resource_outside_the_key_root_statement(env_plan) -> None:  # type: ignore[no-untyped-def]
    # GIVEN every policy document in the plan
    env, plan = env_plan
    documents = policy_documents(all_planned_resources(plan))
    known = [(address, rtype, doc) for address, rtype, doc in documents if doc is not None]
    unknown = sorted(address for address, _, doc in documents if doc is None)
    # THEN the only policies not known at plan time are the persister's KMS policy (it names the CMK's
    # ARN; the module test and the applied-state check in test_local_apply.py cover its content) and,
    # where the archive is on (production), the archive's IAM documents naming its key, stream and
    # the topic (modules/event_archive/tests assert them); the quota publisher's key policy names its
    # CMK too (modules/eventbridge_function/tests)
    archive = [a for a in unknown if a.startswith("module.event_archive[0].aws_iam_role")]
    assert bool(archive) is (env == "production")
    # and so do the status API's and the outbox replay worker's where they are on (production;
    # modules/status_api/tests, modules/outbox/tests)
    production_only = [
        "module.outbox[0].aws_iam_role_policy.kms.policy",
        "module.suppression_sync[0].module.function.aws_iam_role_policy.kms.policy",
        "module.status_api.aws_iam_role_policy.kms[0].policy",
    ]
    assert sorted(set(unknown) - set(archive)) == sorted(
        [
            "module.event_pipeline.aws_iam_role_policy.kms.policy",
            "module.quota_metric.module.function.aws_iam_role_policy.kms.policy",
            *(production_only if env == "production" else []),
        ]
    )
    assert len(known) >= 6
    # AND no known document grants a wildcard outside the documented exceptions
    problems = [p for address, rtype, doc in known for p in wildcard_violations(address, rtype, doc)]
    assert problems == []


def test_wildcard_rule_catches_a_violation() -> None:
    """The checker itself: a broad grant in a role policy and an unconditioned key statement fail."""
    role = {"Statement": [{"Sid": "Broad", "Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}]}
    key = {"Statement": [{"Sid": "Svc", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]}
    assert len(wildcard_violations("role", "aws_iam_role_policy", role)) == 2
    assert wildcard_violations("key", "aws_kms_key", key) == ["key Svc: key statement without conditions"]


def test_wildcard_rule_allows_only_unscoped_reads_and_pinned_metrics() -> None:
    """ses:GetAccount has no resource; PutMetricData on "*" only when pinned to a namespace."""
    quota = {"Sid": "Q", "Effect": "Allow", "Action": ["ses:GetAccount"], "Resource": "*"}
    pinned = {
        "Sid": "M",
        "Effect": "Allow",
        "Action": ["cloudwatch:PutMetricData"],
        "Resource": "*",
        "Condition": {"StringEquals": {"cloudwatch:namespace": "SesMailPlatform"}},
    }
    loose = {"Sid": "L", "Effect": "Allow", "Action": ["cloudwatch:PutMetricData"], "Resource": "*"}
    mixed = {"Sid": "X", "Effect": "Allow", "Action": ["ses:GetAccount", "ses:SendEmail"], "Resource": "*"}
    assert wildcard_violations("role", "aws_iam_role_policy", {"Statement": [quota, pinned]}) == []
    assert wildcard_violations("role", "aws_iam_role_policy", {"Statement": [loose, mixed]}) == [
        "role L: wildcard resource *",
        "role X: wildcard resource *",
    ]


def test_every_alarm_has_an_action(env_plan) -> None:  # type: ignore[no-untyped-def]
    env, plan = env_plan
    alarms = [c for c in plan["resource_changes"] if c["type"] == "aws_cloudwatch_metric_alarm"]
    assert len(alarms) >= 10
    for change in alarms:
        after, unknown = change["change"]["after"], change["change"]["after_unknown"]
        # The topic ARN is only known after apply, which makes the whole set unknown at plan time.
        assert after.get("alarm_actions") or unknown.get("alarm_actions") is True, change["address"]
    # ... and what it will hold is its severity's actions, for every alarm block (the map-driven one,
    # the metric-math ratios and events-stopped), in both calls of the alarms module (the primary's and
    # the standby's, each with its own topics); the archive's ledger alarms (warnings) use the warning
    # topic the environment passes in
    calls = plan["configuration"]["root_module"]["module_calls"]
    for name in ("alarms", "standby_alarms"):
        resources = calls[name]["module"]["resources"]
        configs = [r for r in resources if r["type"] == "aws_cloudwatch_metric_alarm"]
        assert len(configs) == 3
        for config in configs:
            assert "local.actions_by_severity" in references(config, "alarm_actions")
    assert (
        "module.alarms.alarm_topic_arns_by_severity.warning"
        in calls["event_archive"]["expressions"]["ledger_alarm_topic_arn"]["references"]
    )
    targets = [t for t in resources_of_type(plan, "aws_cloudwatch_event_target") if "alarms" in t["address"]]
    # one "sending disabled" route per region: production has the standby
    regions = {"staging": 1, "production": 2}[env]
    assert [t["values"]["target_id"] for t in targets] == ["alarm-topic"] * regions


def test_deletion_protection_only_relaxed_outside_production(env_plan) -> None:  # type: ignore[no-untyped-def]
    env, plan = env_plan
    (table,) = resources_of_type(plan, "aws_dynamodb_table")
    assert table["values"]["deletion_protection_enabled"] is (env == "production")

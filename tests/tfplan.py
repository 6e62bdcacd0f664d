"""Helpers for asserting on ``terraform show -json`` plans (import from tests)."""

from __future__ import annotations

from typing import Any

import tftest


def all_planned_resources(plan: tftest.TerraformPlanOutput) -> list[dict[str, Any]]:
    """Every resource in ``planned_values``, descending into child modules."""
    found: list[dict[str, Any]] = []

    def walk(module: dict[str, Any]) -> None:
        found.extend(module.get("resources", []))
        for child in module.get("child_modules", []):
            walk(child)

    walk(plan["planned_values"]["root_module"])
    return found


def resources_of_type(plan: tftest.TerraformPlanOutput, resource_type: str) -> list[dict[str, Any]]:
    return [r for r in all_planned_resources(plan) if r["type"] == resource_type]


def module_resources(root_module: dict[str, Any]) -> list[dict[str, Any]]:
    """Every resource under a ``root_module`` of plan ``planned_values`` or state ``values``."""
    found: list[dict[str, Any]] = list(root_module.get("resources", []))
    for child in root_module.get("child_modules", []):
        found.extend(module_resources(child))
    return found


# Attributes that hold an IAM-language policy document (JSON string), per resource type.
POLICY_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "aws_kms_key": ("policy",),
    "aws_sns_topic_policy": ("policy",),
    "aws_sqs_queue": ("policy",),
    "aws_sqs_queue_policy": ("policy",),
    "aws_iam_role": ("assume_role_policy",),
    "aws_iam_role_policy": ("policy",),
    "aws_iam_policy": ("policy",),
}

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

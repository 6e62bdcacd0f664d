"""The repository's policy rules, checked on plan JSON and on applied state alike.

Rule (docs/decisions/0021-iam-wildcards.md): no ``*`` in an Action or Resource, except
- the KMS key policy's root statement (``kms:*`` for the account root),
- ``"Resource": "*"`` inside KMS key policies, where it means "this key"; every non-root key statement
  must then carry conditions,
- ``xray:PutTraceSegments`` / ``xray:PutTelemetryRecords`` on ``"*"`` (no resource-level permissions),
- ``ses:GetAccount`` and ``ses:GetSuppressedDestination`` on ``"*"`` (the account and its suppression
  list have no resource type; the console reads one entry, decision 0090), and
  ``ses:ListSuppressedDestinations`` / ``ses:PutSuppressedDestination`` on ``"*"`` (the scheduled
  suppression sync lists both regions' lists and writes the standby's),
- ``cloudwatch:PutMetricData`` on ``"*"`` only with a ``cloudwatch:namespace`` condition.
Deny statements are not grants and may use ``*`` principals.
"""

from __future__ import annotations

import json
from typing import Any

from tfplan import POLICY_ATTRIBUTES

XRAY_UPLOAD_ACTIONS = frozenset({"xray:PutTraceSegments", "xray:PutTelemetryRecords"})
ROOT_STATEMENT_SID = "AccountRootManagesKeyThroughIam"
ACCOUNT_WIDE_ACTIONS = frozenset(
    {
        "ses:GetAccount",
        "ses:GetSuppressedDestination",
        "ses:ListSuppressedDestinations",
        "ses:PutSuppressedDestination",
    }
)
NAMESPACE_PINNED_ACTIONS = frozenset({"cloudwatch:PutMetricData"})


def _unscoped_by_design(actions: list[str], statement: dict[str, Any]) -> bool:
    """Actions AWS offers no resource-level permission for (the documented exceptions above)."""
    if set(actions) <= XRAY_UPLOAD_ACTIONS or set(actions) <= ACCOUNT_WIDE_ACTIONS:
        return True
    pinned = "cloudwatch:namespace" in statement.get("Condition", {}).get("StringEquals", {})
    return set(actions) <= NAMESPACE_PINNED_ACTIONS and pinned


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def policy_documents(resources: list[dict[str, Any]]) -> list[tuple[str, str, dict[str, Any] | None]]:
    """(address, resource type, parsed document or None when unknown) for every policy attribute."""
    found = []
    for resource in resources:
        for attribute in POLICY_ATTRIBUTES.get(resource["type"], ()):
            raw = resource.get("values", {}).get(attribute)
            found.append(
                (f"{resource['address']}.{attribute}", resource["type"], json.loads(raw) if raw else None)
            )
    return found


def wildcard_violations(address: str, resource_type: str, document: dict[str, Any]) -> list[str]:
    """Human-readable violations of the rule above in one policy document."""
    problems = []
    for statement in as_list(document["Statement"]):
        if statement.get("Effect") != "Allow":
            continue
        sid = statement.get("Sid", "?")
        actions = as_list(statement.get("Action", []))
        resources = as_list(statement.get("Resource", []))
        is_key_policy = resource_type == "aws_kms_key"
        is_root = is_key_policy and sid == ROOT_STATEMENT_SID
        if is_root:
            if not str(statement.get("Principal", {}).get("AWS", "")).endswith(":root"):
                problems.append(f"{address} {sid}: root statement must name the account root")
            continue
        for action in actions:
            if "*" in action:
                problems.append(f"{address} {sid}: wildcard action {action}")
        for resource in resources:
            if "*" not in resource:
                continue
            if resource == "*" and is_key_policy:
                if not statement.get("Condition"):
                    problems.append(f"{address} {sid}: key statement without conditions")
            elif resource == "*" and _unscoped_by_design(actions, statement):
                continue
            elif resource != "*" and resource.endswith(":log-stream:*"):
                continue  # log streams of one named log group
            else:
                problems.append(f"{address} {sid}: wildcard resource {resource}")
    return problems

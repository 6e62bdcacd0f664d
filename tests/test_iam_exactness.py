"""Roles grant exactly the AWS calls the code makes: actions derived from the source, compared with the plan.

The DynamoDB actions each Lambda needs are read from the code itself: an AST walk from the handler
entry point through every function of ``lambda_src/sesmail`` it can reach by name (an
over-approximation: any function with a called name counts), keeping the names that are DynamoDB client
methods in botocore's service model (``batch_write_item`` -> ``dynamodb:BatchWriteItem``). The role
policies in the production plan must grant exactly that set: a new call without a grant fails here
before it fails in AWS, and a grant no code uses fails here too.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from botocore import xform_name
from botocore.session import get_session

from policy_rules import as_list
from tfplan import resources_of_type

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "lambda_src" / "sesmail"
ENV = "terraform/envs/production"


@cache
def call_graph() -> tuple[dict[str, set[tuple[str, bool]]], dict[str, list[str]]]:
    """(``module:function`` -> (name, called as ``x.name``) pairs, name -> every ``module:function``).

    Methods are keyed by their own name; module-level code by ``module:<module>`` so a handler's
    import-time setup (clients, the store) counts.
    """
    calls: dict[str, set[tuple[str, bool]]] = {}
    defined: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = str(path.relative_to(PACKAGE))
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                key = f"{module}:{node.name}"
                calls.setdefault(key, set()).update(called_names(node.body))
                defined.setdefault(node.name, []).append(key)
        top_level = [n for n in tree.body if not isinstance(n, ast.FunctionDef | ast.ClassDef)]
        calls[f"{module}:<module>"] = called_names(top_level)
    return calls, defined


def called_names(nodes: Iterable[ast.AST]) -> set[tuple[str, bool]]:
    names: set[tuple[str, bool]] = set()
    for root in nodes:
        for node in ast.walk(root):
            if isinstance(node, ast.Call):
                if isinstance(node.func, ast.Attribute):
                    names.add((node.func.attr, True))
                elif isinstance(node.func, ast.Name):
                    names.add((node.func.id, False))
    return names


def reachable_names(module: str) -> set[str]:
    """Every name called on any path from ``module``'s ``handler`` and its import-time code.

    A plain call ``f()`` resolves to the same module's ``f`` when there is one; a method call
    ``x.f()`` (the receiver's type is unknown) and any other name resolve to every ``f`` in the package.
    """
    calls, defined = call_graph()
    names: set[str] = set()
    seen: set[str] = set()
    todo = [f"{module}:handler", f"{module}:<module>"]
    while todo:
        key = todo.pop()
        if key in seen:
            continue
        seen.add(key)
        for name, is_method in calls.get(key, ()):
            names.add(name)
            local = f"{key.split(':')[0]}:{name}"
            todo.extend([local] if local in calls and not is_method else defined.get(name, []))
    return names


def dynamodb_actions_called(handler_module: str) -> set[str]:
    """IAM actions for the DynamoDB client methods reachable from ``handlers/<module>.py``."""
    model = get_session().get_service_model("dynamodb")
    methods = {xform_name(operation): operation for operation in model.operation_names}
    names = reachable_names(f"handlers/{handler_module}.py")
    return {f"dynamodb:{methods[name]}" for name in names if name in methods}


def granted(plan: Any, module_address: str, service: str) -> set[str]:
    """Actions of ``service`` that the module's role policies allow (plan-known policies only)."""
    actions: set[str] = set()
    known = 0
    for resource in resources_of_type(plan, "aws_iam_role_policy"):
        if not resource["address"].startswith(f"{module_address}."):
            continue
        raw = resource["values"].get("policy")
        if not raw:
            continue  # unknown at plan: the KMS statements (checked by the modules' terraform tests)
        known += 1
        for statement in as_list(json.loads(raw)["Statement"]):
            if statement["Effect"] == "Allow":
                actions.update(a for a in as_list(statement["Action"]) if a.startswith(f"{service}:"))
    assert known, f"no role policy of {module_address} is known at plan time"
    return actions


def test_the_code_scan_finds_the_known_calls() -> None:
    """The derivation itself: the persister writes in batches, the read API queries, neither scans."""
    assert dynamodb_actions_called("persister") == {"dynamodb:BatchWriteItem"}
    assert dynamodb_actions_called("status_api") == {"dynamodb:Query"}


@pytest.mark.terraform
@pytest.mark.parametrize(
    ("handler_module", "module_address"),
    [("persister", "module.event_pipeline"), ("status_api", "module.status_api")],
)
def test_roles_grant_exactly_the_dynamodb_calls_in_the_code(
    terraform_plan, handler_module: str, module_address: str
) -> None:  # type: ignore[no-untyped-def]
    plan = terraform_plan(
        ENV,
        tf_vars={"offline_plan": "true", "status_api_enabled": "true"},
        tf_var_file="terraform.tfvars.example",
    )
    assert granted(plan, module_address, "dynamodb") == dynamodb_actions_called(handler_module)


@pytest.mark.terraform
def test_persister_consumes_the_queue_with_the_event_source_mapping_actions_only(terraform_plan) -> None:  # type: ignore[no-untyped-def]
    # The queue is read by Lambda's event source mapping, not by our code: AWS documents exactly these
    # three actions for the execution role of an SQS-triggered function.
    plan = terraform_plan(
        ENV,
        tf_vars={"offline_plan": "true", "status_api_enabled": "true"},
        tf_var_file="terraform.tfvars.example",
    )
    assert granted(plan, "module.event_pipeline", "sqs") == {
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
    }

"""A small IAM policy evaluator for resource and key policies, enough for this repository's conditions.

Answers "would this document allow this request?" for a request context written down from AWS's
documentation (principal, action, and the condition keys the calling service sends). Only what the
repository's policies use is supported: Allow/Deny, ``Principal`` (``Service``/``AWS``), ``Action`` with
``*`` wildcards, ``Resource`` with ``*`` wildcards, and the operators ``StringEquals``, ``StringLike``,
``ArnEquals``, ``ArnLike`` and ``Bool``. A condition key absent from the request fails its condition
(no ``...IfExists``), exactly the behaviour that makes an unsupplied ``aws:SourceArn`` deny a call.
An unsupported operator raises, so a policy this evaluator cannot judge never passes silently.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from policy_rules import as_list


@dataclass(frozen=True)
class Request:
    action: str
    resource: str = "*"
    service: str | None = None  # service principal, e.g. "ses.amazonaws.com"
    aws: str | None = None  # IAM principal ARN, for identity-based policies leave both None
    context: Mapping[str, str | bool] = field(default_factory=dict)


def _matches(pattern: str, value: str) -> bool:
    return fnmatch.fnmatchcase(value.lower(), pattern.lower()) if "*" in pattern else pattern == value


def _condition_holds(operator: str, key: str, expected: Any, context: Mapping[str, str | bool]) -> bool:
    if key not in context:
        return False
    actual = context[key]
    values = [str(v) for v in as_list(expected)]
    if operator in ("StringEquals", "ArnEquals"):
        return str(actual) in values
    if operator in ("StringLike", "ArnLike"):
        return any(fnmatch.fnmatchcase(str(actual), v) for v in values)
    if operator == "Bool":
        return str(actual).lower() in [v.lower() for v in values]
    raise NotImplementedError(f"condition operator {operator} is not supported by this evaluator")


def _principal_matches(statement: Mapping[str, Any], request: Request) -> bool:
    if "Principal" not in statement:  # identity-based policy: applies to its own principal
        return True
    principal = statement["Principal"]
    if principal == "*":
        return True
    services = as_list(principal.get("Service", []))
    accounts = as_list(principal.get("AWS", []))
    return (
        (request.service is not None and request.service in services)
        or (request.aws is not None and any(a == "*" or a == request.aws for a in accounts))
        or "*" in accounts
    )


def statement_applies(statement: Mapping[str, Any], request: Request) -> bool:
    if not _principal_matches(statement, request):
        return False
    if not any(_matches(a, request.action) for a in as_list(statement.get("Action", []))):
        return False
    if not any(_matches(r, request.resource) for r in as_list(statement.get("Resource", "*"))):
        return False
    for operator, pairs in statement.get("Condition", {}).items():
        for key, expected in pairs.items():
            if not _condition_holds(operator, key, expected, request.context):
                return False
    return True


def allows(document: Mapping[str, Any], request: Request) -> bool:
    """True when some Allow statement applies and no Deny statement does."""
    statements = as_list(document["Statement"])
    if any(s["Effect"] == "Deny" and statement_applies(s, request) for s in statements):
        return False
    return any(s["Effect"] == "Allow" and statement_applies(s, request) for s in statements)

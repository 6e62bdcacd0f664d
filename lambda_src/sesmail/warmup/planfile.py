"""Warm-up plan files (``plan --save`` writes, ``status`` / ``gate`` read): JSON or YAML by suffix.

Written with the one atomic writer (``sesmail.cli.files``): a plan file is never half-written, and two
runs saving at once never share a temp file.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from sesmail.cli.exits import UsageError
from sesmail.cli.files import write_text_atomic
from sesmail.warmup.schedule import WarmupPlan


def save_plan(plan: WarmupPlan, path: Path) -> None:
    """Write ``plan`` to ``path`` atomically, as YAML or JSON by the file name's suffix."""
    data = plan.to_dict()
    if path.suffix in (".yaml", ".yml"):
        text = yaml.safe_dump(data, sort_keys=False)
    elif path.suffix == ".json":
        text = json.dumps(data, indent=2) + "\n"
    else:
        raise UsageError(f"--save {path}: use a .json, .yaml or .yml file name")
    try:
        write_text_atomic(path, text)
    except OSError as error:
        raise UsageError(f"--save {path}: {error.strerror}") from None


def load_plan(path: Path, domain: str | None) -> WarmupPlan:
    try:
        text = path.read_text()
    except OSError as error:
        raise UsageError(f"--plan {path}: {error.strerror}") from None
    try:
        data = yaml.safe_load(text) if path.suffix in (".yaml", ".yml") else json.loads(text)
    except (yaml.YAMLError, json.JSONDecodeError) as error:
        raise UsageError(
            f"--plan {path}: not valid {'YAML' if path.suffix != '.json' else 'JSON'}: {error}"
        ) from None
    plan = WarmupPlan.from_dict(data)
    if domain is not None and domain != plan.domain:
        raise UsageError(f"--domain {domain} is not in plan file {path} (it is for {plan.domain})")
    return plan

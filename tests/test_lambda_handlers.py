"""Terraform's handler strings, the package build and the docs name code that exists.

A handler string is only checked by AWS when the function is first invoked; a moved module would deploy
cleanly and fail on the first event. Here each ``handler = "..."`` of any ``terraform/modules/*/*.tf``
(``lambda.tf``, or a topic file such as ``event_archive/ledger.tf``) is imported the way the Lambda
runtime does it (module, then attribute), must be callable, must live in the zipped package, and
must be the handler ``scripts/dev/package_lambdas.py`` builds that function for.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from moto import mock_aws

ROOT = Path(__file__).resolve().parents[1]
HANDLER = re.compile(r'^\s*handler\s*=\s*"([^"]+)"', re.MULTILINE)
ZIP_NAMED = re.compile(r"build/lambda/(\w+)\.zip")
# A dotted name in prose or HCL: sesmail.events.lookup, sesmail.handlers.persister.handler, ...
DOTTED = re.compile(r"(?<![\w./-])(sesmail(?:_local)?(?:\.\w+)+)")
DOC_GLOBS = ("README.md", "docs/**/*.md", "terraform/**/*.md", "terraform/**/*.tf", "terraform/**/*.hcl")


def load_packager() -> ModuleType:
    spec = importlib.util.spec_from_file_location("package_lambdas", ROOT / "scripts/dev/package_lambdas.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def terraform_handlers() -> dict[str, str]:
    """module directory name -> handler string, for every module that defines a Lambda function.

    Every ``.tf`` file is read, not only ``lambda.tf``: a function in a file named by its topic
    (``event_archive/ledger.tf``) would otherwise go unchecked.
    """
    found: dict[str, list[str]] = {}
    for tf in sorted(ROOT.glob("terraform/modules/*/*.tf")):
        found.setdefault(tf.parent.name, []).extend(HANDLER.findall(tf.read_text()))
    for module_dir, handlers in found.items():
        assert len(handlers) <= 1, f"terraform/modules/{module_dir}: expected one handler, got {handlers}"
    return {module_dir: handlers[0] for module_dir, handlers in found.items() if handlers}


@pytest.fixture
def lambda_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """What the functions get from Terraform, enough for their module-level initialisation."""
    monkeypatch.setenv("EVENTS_TABLE_NAME", "ses-events-handler-test")
    monkeypatch.setenv("SENDING_PRIMARY_REGION", "us-east-1")
    monkeypatch.setenv("SENDING_STANDBY_REGION", "us-west-2")
    queue = "https://sqs.us-east-1.amazonaws.com/123456789012/ses-outbox"
    monkeypatch.setenv("OUTBOX_QUEUE_URL", queue)
    monkeypatch.setenv("OUTBOX_PARKED_QUEUE_URL", queue + "-parked")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "handler-test")
    monkeypatch.setenv("SUPPRESSION_SYNC_TARGET_REGION", "us-west-2")
    monkeypatch.setenv("SEND_QUOTA_METRIC_NAMESPACE", "SesMailPlatform")
    monkeypatch.setenv(
        "AUTO_PAUSE_ALARMS", '{"ses-test-ses-account-bounce-rate-critical": ["ses-test-marketing"]}'
    )
    with mock_aws():
        yield


def resolve(dotted: str) -> Any:
    """Import the longest importable module prefix of ``dotted``, then getattr the rest."""
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            target: Any = importlib.import_module(".".join(parts[:split]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[split:]:
            target = getattr(target, attribute)
        return target
    raise ModuleNotFoundError(dotted)


def test_every_lambda_module_is_found() -> None:
    assert set(terraform_handlers()) == {
        "auto_pause",
        "event_archive",
        "event_pipeline",
        "outbox",
        "quota_metric",
        "status_api",
        "suppression_sync",
    }


@pytest.mark.usefixtures("lambda_environment")
@pytest.mark.parametrize(("module_dir", "handler"), sorted(terraform_handlers().items()))
def test_terraform_handler_is_importable_and_callable(module_dir: str, handler: str) -> None:
    # GIVEN the string Terraform hands to Lambda, resolved as the Python runtime does: module + attribute
    module_name, _, function_name = handler.rpartition(".")
    module = importlib.reload(importlib.import_module(module_name))
    function = getattr(module, function_name)
    # THEN it is a callable inside the package every zip holds
    assert callable(function), handler
    assert module_name.split(".")[0] == load_packager().PACKAGE, f"{handler} is not in the Lambda zip"


def test_terraform_handlers_are_the_ones_the_zips_are_built_for() -> None:
    lambdas: dict[str, str] = load_packager().LAMBDAS
    handlers = terraform_handlers()
    assert sorted(handlers.values()) == sorted(lambdas.values())
    # AND each module's zip (named in its variables.tf) is built for that module's handler
    for module_dir, handler in handlers.items():
        described = (ROOT / "terraform/modules" / module_dir / "variables.tf").read_text()
        zip_names = set(ZIP_NAMED.findall(described))
        assert len(zip_names) == 1, f"{module_dir}/variables.tf names zips {zip_names}"
        assert lambdas[zip_names.pop()] == handler, module_dir


@pytest.mark.usefixtures("lambda_environment")
def test_dotted_names_in_docs_and_terraform_resolve() -> None:
    """`sesmail.x.y` cited in the README, docs and Terraform names a module or attribute that exists."""
    missing, seen = [], 0
    for pattern in DOC_GLOBS:
        for path in sorted(ROOT.glob(pattern)):
            if ".terraform" in path.parts:
                continue
            for dotted in set(DOTTED.findall(path.read_text())):
                seen += 1
                try:
                    resolve(dotted.rstrip("."))
                except (ImportError, AttributeError) as error:
                    missing.append(f"{path.relative_to(ROOT)}: {dotted} ({error})")
    assert seen > 10, "the scan found too few dotted names to be looking at the docs"
    assert not missing, "dotted names that do not resolve:\n" + "\n".join(missing)

"""Shared fixtures: fake AWS credentials for every test, and offline Terraform plans as JSON."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import tftest

ROOT = Path(__file__).resolve().parents[1]
FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}


@pytest.fixture(autouse=True)
def fake_aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may ever reach a real AWS account: fake keys, no profile, no shared config."""
    for key, value in FAKE_AWS_ENV.items():
        monkeypatch.setenv(key, value)
    for key in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    for key in [k for k in os.environ if k.startswith("AWS_ENDPOINT_URL")]:
        monkeypatch.delenv(key)


@pytest.fixture(scope="session")
def terraform_cli_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's CLI config (provider mirror), generated exactly as the Makefile does."""
    path = tmp_path_factory.mktemp("tfrc") / "terraformrc"
    subprocess.run([str(ROOT / "scripts/dev/terraformrc.sh"), str(path)], check=True)
    return path


PlanFn = Callable[..., tftest.TerraformPlanOutput]


@pytest.fixture(scope="session")
def terraform_plan(terraform_cli_config: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PlanFn]:
    """Return ``plan(tfdir, tf_vars=None, tf_var_file=None)`` -> parsed ``terraform show -json``.

    Offline by construction: fake credentials, provider mirror, no backend. ``terraform plan`` insists
    on an initialised backend, so the ``terraform/`` tree is copied to a temp dir (module paths stay
    relative, ``build/`` is linked for the Lambda zips) and a ``backend_override.tf`` selects local
    state there; the repository's own directories are never written to. Plans are cached per
    (dir, vars) for the session.
    """
    cache: dict[str, tftest.TerraformPlanOutput] = {}
    sandbox = tmp_path_factory.mktemp("tfroot")
    shutil.copytree(ROOT / "terraform", sandbox / "terraform", ignore=shutil.ignore_patterns(".terraform"))
    (ROOT / "build").mkdir(exist_ok=True)
    (sandbox / "build").symlink_to(ROOT / "build")
    (sandbox / "lambda_src").symlink_to(ROOT / "lambda_src")

    def plan(
        tfdir: str | Path, tf_vars: dict[str, Any] | None = None, tf_var_file: str | None = None
    ) -> tftest.TerraformPlanOutput:
        tfdir = sandbox / (ROOT / tfdir).resolve().relative_to(ROOT)
        key = repr((str(tfdir), sorted((tf_vars or {}).items()), tf_var_file))
        if key not in cache:
            (tfdir / "backend_override.tf").write_text('terraform {\n  backend "local" {}\n}\n')
            data_dir = tmp_path_factory.mktemp("tfdata")
            env = {
                **FAKE_AWS_ENV,
                "TF_CLI_CONFIG_FILE": str(terraform_cli_config),
                "TF_DATA_DIR": str(data_dir),
                "TF_IN_AUTOMATION": "1",
                "CHECKPOINT_DISABLE": "1",
            }
            tf = tftest.TerraformTest(str(tfdir), env=env)
            lockfile = ["-lockfile=readonly"] if (tfdir / ".terraform.lock.hcl").exists() else []
            tf.execute_command("init", "-input=false", "-no-color", *lockfile)
            cache[key] = tf.plan(output=True, tf_vars=tf_vars, tf_var_file=tf_var_file)
        return cache[key]

    yield plan

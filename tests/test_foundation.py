"""The repository's floor: make targets, offline Terraform toolchain, deterministic packaging, CI."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TERRAFORM = ROOT / "terraform"
ENVS = ("local", "staging", "production")
MIRROR = Path("/opt/tf-plugins")


def run(*cmd: str, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False, **kw)  # type: ignore[call-overload,no-any-return]


# --- make -----------------------------------------------------------------------------------------


def test_make_help_lists_every_documented_target() -> None:
    result = run("make", "help")
    assert result.returncode == 0
    listed = set(re.findall(r"^\s+(?:\x1b\[1m)?([a-z-]+)", result.stdout, flags=re.M))
    for target in ("setup", "fmt", "lint", "test", "package", "plan", "apply", "clean"):
        assert target in listed, f"make help does not list {target}"


@pytest.mark.parametrize("target", ["plan", "apply"])
@pytest.mark.parametrize("env", ["", "prod", "Production"])
def test_unknown_env_is_one_line_error_exit_2(target: str, env: str) -> None:
    result = run("make", target, f"ENV={env}")
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "ENV must be one of: local staging production" in lines[0]


def test_apply_without_saved_plan_refuses() -> None:
    result = run("make", "apply", "ENV=staging")
    assert result.returncode == 2
    assert "run 'make plan ENV=staging' first" in result.stderr


# --- Terraform CLI config ---------------------------------------------------------------------------


def write_rc(tmp_path: Path, mirror: str | None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    if mirror is not None:
        env["TF_PROVIDER_MIRROR"] = mirror
    return run("scripts/dev/terraformrc.sh", str(tmp_path / "rc"), env=env)


def test_cli_config_uses_explicit_mirror(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    (mirror / "registry.terraform.io/hashicorp/aws").mkdir(parents=True)
    assert write_rc(tmp_path, str(mirror)).returncode == 0
    text = (tmp_path / "rc").read_text()
    assert f'path    = "{mirror}"' in text
    assert 'exclude = ["registry.terraform.io/hashicorp/aws"]' in text


def test_cli_config_empty_mirror_means_registry_only(tmp_path: Path) -> None:
    assert write_rc(tmp_path, "").returncode == 0
    text = (tmp_path / "rc").read_text()
    assert "filesystem_mirror" not in text
    assert "direct {}" in text


def test_cli_config_rejects_a_mirror_without_aws(tmp_path: Path) -> None:
    result = write_rc(tmp_path, str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "holds no registry.terraform.io/hashicorp/aws" in result.stderr
    assert not (tmp_path / "rc").exists()


@pytest.mark.skipif(not MIRROR.is_dir(), reason="machine image without the provider mirror")
def test_cli_config_discovers_the_machine_mirror(tmp_path: Path) -> None:
    assert write_rc(tmp_path, None).returncode == 0
    assert f'path    = "{MIRROR}"' in (tmp_path / "rc").read_text()


# --- Terraform conventions ------------------------------------------------------------------------


def tf_files() -> list[Path]:
    return [p for p in TERRAFORM.rglob("*.tf") if ".terraform" not in p.parts]


def test_only_the_aws_provider_is_used() -> None:
    for path in tf_files():
        text = path.read_text()
        providers = re.findall(r'^\s*(\w+)\s*=\s*\{\s*source\s*=\s*"([^"]+)"', text, flags=re.M)
        for name, source in providers:
            assert (name, source) == ("aws", "hashicorp/aws"), f"{path}: provider {name} = {source}"
        for source in re.findall(
            r'^module\s+"[^"]+"\s*\{[^}]*?^\s*source\s*=\s*"([^"]+)"', text, flags=re.M | re.S
        ):
            assert source.startswith(("./", "../")), f"{path}: module from outside the repository: {source}"
        assert not re.search(r'data\s+"archive_file"|resource\s+"(null|random|local|tls)_', text), path


def test_provider_constraints() -> None:
    for env in ENVS:
        text = (TERRAFORM / "envs" / env / "versions.tf").read_text()
        assert 'version = "~> 5.100"' in text, env
        assert (TERRAFORM / "envs" / env / ".terraform.lock.hcl").is_file(), f"{env}: lock file not committed"
    for versions in (TERRAFORM / "modules").glob("*/versions.tf"):
        assert 'version = ">= 5.68, < 6.0"' in versions.read_text(), versions


def test_root_lock_files_pin_aws_5_100_for_every_platform() -> None:
    for env in ENVS:
        lock = (TERRAFORM / "envs" / env / ".terraform.lock.hcl").read_text()
        assert 'version     = "5.100.0"' in lock
        # zh: hashes cover every package the registry publishes, so a macOS laptop can init too.
        assert len(re.findall(r'"zh:[0-9a-f]{64}"', lock)) == 15


@pytest.mark.terraform
@pytest.mark.parametrize("env", ["staging", "production"])
def test_env_plans_offline_with_example_tfvars(env: str, terraform_plan) -> None:  # type: ignore[no-untyped-def]
    plan = terraform_plan(
        f"terraform/envs/{env}", tf_vars={"offline_plan": "true"}, tf_var_file="terraform.tfvars.example"
    )
    assert plan["format_version"]
    assert plan["configuration"]["provider_config"]["aws"]["expressions"]["allowed_account_ids"]


# --- packaging ------------------------------------------------------------------------------------


def test_package_builds_identical_bytes_twice(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        result = run(".venv/bin/python", "scripts/dev/package_lambdas.py", "--out", str(out))
        assert result.returncode == 0, result.stderr
    zips = sorted(p.name for p in first.glob("*.zip"))
    assert zips == sorted(p.name for p in second.glob("*.zip"))
    for name in zips:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_zip_excludes_bytecode_and_is_normalised(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("package_lambdas", ROOT / "scripts/dev/package_lambdas.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    src = tmp_path / "src" / "pkg"
    (src / "__pycache__").mkdir(parents=True)
    (src / "__init__.py").write_text("")
    (src / "b.py").write_text("B = 1\n")
    (src / "a.py").write_text("A = 1\n")
    (src / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"junk")
    files = module.source_files(src)
    data = module.build_zip(files, src.parent)
    (tmp_path / "out.zip").write_bytes(data)
    with zipfile.ZipFile(tmp_path / "out.zip") as archive:
        infos = archive.infolist()
    names = [i.filename for i in infos]
    assert names == sorted(names) == ["pkg/__init__.py", "pkg/a.py", "pkg/b.py"]
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}


def test_zip_leaves_out_local_tooling(tmp_path: Path) -> None:
    # GIVEN the real tree, where the demo's emulators live in sesmail_local/, beside the runtime package
    result = run(".venv/bin/python", "scripts/dev/package_lambdas.py", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    # THEN every Lambda zip has the runtime package and nothing of the emulator package
    zips = sorted(tmp_path.glob("*.zip"))
    assert [z.stem for z in zips] == [
        "auto_pause",
        "ledger",
        "outbox_replay",
        "persister",
        "quota_metric",
        "status_api",
        "suppression_sync",
    ]
    for built in zips:
        with zipfile.ZipFile(built) as archive:
            names = archive.namelist()
        assert "sesmail/handlers/persister.py" in names
        assert "sesmail/events/store.py" in names
        assert all(name.startswith("sesmail/") for name in names), names
        assert not [name for name in names if "local" in name.split("/")[0]]


def test_runtime_package_never_imports_the_emulator() -> None:
    # A Lambda importing sesmail_local would fail at cold start: the zip holds sesmail/ only.
    importing = []
    for path in sorted((ROOT / "lambda_src" / "sesmail").rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(name.split(".")[0] == "sesmail_local" for name in names):
                importing.append(path.relative_to(ROOT).as_posix())
    assert not importing, importing


# --- CI ---


def readme_shell_lines() -> list[str]:
    """Lines inside ```bash fences of the README (what a newcomer copies)."""
    lines, inside = [], False
    for line in (ROOT / "README.md").read_text().splitlines():
        if line.startswith("```"):
            inside = not inside and line.strip() in ("```bash", "```sh")
            continue
        if inside and line.strip():
            lines.append(line.split("#")[0].strip())
    return lines


# ------------------------------------------------------------------------------------------------


def test_ci_runs_exactly_the_readme_test_command() -> None:
    test_command = next(line for line in readme_shell_lines() if line.startswith("make test"))
    ci = (ROOT / ".ci/run").read_text()
    run_lines = [
        line.strip() for line in ci.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    assert run_lines[-1] == f"exec {test_command}", run_lines[-1]


def test_checkov_skips_are_inline_and_justified() -> None:
    """No global skip list: every skip sits next to its resource with a reason."""
    assert not list(ROOT.glob(".checkov*")), "global checkov config is not allowed"
    assert "--skip-check" not in (ROOT / "Makefile").read_text()
    for path in tf_files():
        for line in path.read_text().splitlines():
            if "checkov:skip" in line:
                assert re.search(r"#checkov:skip=CKV2?_[A-Z0-9_]+:\S.{8,}", line), f"{path}: {line.strip()}"


def test_every_tracked_symlink_stays_inside_the_repository() -> None:
    """A link committed from one machine (a worktree's .venv, say) breaks every fresh clone."""
    tracked = subprocess.run(
        ["git", "ls-files", "-s"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    links = [line.split("\t", 1)[1] for line in tracked if line.startswith("120000 ")]
    assert links, "the environment roots link their shared files: the scan must see them"
    for link in links:
        target = (ROOT / link).parent / os.readlink(ROOT / link)
        assert not os.path.isabs(os.readlink(ROOT / link)), f"{link}: absolute link"
        assert target.resolve().is_relative_to(ROOT), f"{link} points outside the repository"
        assert target.exists(), f"{link} is dangling"

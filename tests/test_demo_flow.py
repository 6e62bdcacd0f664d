"""`make demo`'s flow, end to end, on a small scenario: the same script, the same steps (moto server,
terraform apply of envs/local, SESv2 stand-in, sender, Lambda runner, operator CLIs).

One run per session (the apply alone takes 1.5-2.5 min on moto: provider waits on SQS and KMS);
the tests below read what it printed and saved. The scenario's own prediction is the oracle: it is
computed here from the seed, independently of everything the run stored.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sesmail_local.scenario import expected_event_counts, plan_scenario

pytestmark = [pytest.mark.integration, pytest.mark.terraform]

ROOT = Path(__file__).resolve().parents[1]
COUNT, SEED = 40, 7


@dataclass
class DemoRun:
    exit_code: int
    stdout: str
    stderr: str
    record: dict[str, Any]
    workdir: Path


def demo(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "scripts/demo.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=env if env is not None else dict(os.environ),
        timeout=900,
    )


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    subprocess.run(
        [sys.executable, "scripts/dev/package_lambdas.py"], cwd=ROOT, check=True, capture_output=True
    )
    workdir = tmp_path_factory.mktemp("demo")
    result = demo("--count", str(COUNT), "--seed", str(SEED), "--workdir", str(workdir))
    run_json = workdir / "run.json"
    record = json.loads(run_json.read_text()) if run_json.exists() else {}
    return DemoRun(result.returncode, result.stdout, result.stderr, record, workdir)


def test_the_flow_exits_0_and_saves_the_run(demo_run: DemoRun) -> None:
    assert demo_run.exit_code == 0, demo_run.stdout[-3000:] + demo_run.stderr[-3000:]
    for step in range(1, 7):
        assert f"== {step}/6 " in demo_run.stdout
    assert demo_run.record["count"] == COUNT
    record = demo_run.record
    print(f"\ndemo flow ({COUNT} mails): {record['wall_seconds']} s, steps {record['steps_seconds']}")


def test_stored_events_match_the_scenario_prediction_four_ways(demo_run: DemoRun) -> None:
    # GIVEN what SES should publish for this seed, computed here without running anything
    expected = dict(expected_event_counts(plan_scenario(COUNT, SEED)))
    # THEN the support lookups, the direct table scan and the stand-in all report exactly that
    summary = demo_run.record["summary"]
    for source in ("support lookup", "table scan", "SES stand-in", "scenario"):
        counted = {key: value for key, value in summary[source].items() if key != "other"}
        assert counted == expected, source
    assert "all 4 sources agree" in demo_run.stdout
    # AND every mail ended in a final status, with nothing left in the queue or the DLQ
    assert sum(demo_run.record["final_status"].values()) == COUNT
    assert demo_run.record["queue_and_dlq_depth"] == 0
    runner = demo_run.record["lambda_runner"]
    assert runner["drained"] and runner["records_failed"] == 0
    assert runner["records_deleted"] == runner["records_received"] == sum(expected.values())


def test_operator_commands_are_printed_and_succeeded(demo_run: DemoRun) -> None:
    commands = [entry["command"] for entry in demo_run.record["commands"]]
    assert {entry["exit_code"] for entry in demo_run.record["commands"]} == {0}
    assert (
        sum(command.startswith(".venv/bin/python scripts/mail_status.py message ") for command in commands)
        == 3
    )
    bounced = demo_run.record["samples"]["bounced_address"]
    assert f".venv/bin/python scripts/mail_status.py recipient {bounced}" in commands
    assert ".venv/bin/python scripts/audit_suppression.py list --remove hard-bounce" in commands
    for command in commands:
        assert f"$ {command}" in demo_run.stdout
    # the dry run says what it would do and does nothing
    assert re.search(r"would remove \S+@example\.com \(hard-bounce\)", demo_run.stdout)


def test_servers_are_stopped_afterwards(demo_run: DemoRun) -> None:
    for url in demo_run.record["endpoints"].values():
        host, port = url.removeprefix("http://").split(":")
        with socket.socket() as probe, pytest.raises(OSError):
            probe.settimeout(1)
            probe.connect((host, int(port)))


def test_port_in_use_is_one_line_exit_2(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = demo("--moto-port", str(port), "--workdir", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr and "MOTO_PORT" in result.stderr


def test_missing_terraform_is_one_line_exit_2(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": str(tmp_path)}  # no terraform anywhere on PATH
    result = demo("--workdir", str(tmp_path), env=env)
    assert result.returncode == 2
    assert (
        result.stderr
        == "error: terraform is not on PATH: install Terraform >= 1.11 (README.md, Requirements)\n"
    )

"""`make demo DEMO_ARGS=--outage`, end to end: two stand-ins, the primary failing, then both, the outbox,
recovery and the real replay handler; then every mail looked up by its reference.

One run per module (terraform apply on moto dominates). The oracle is independent of the run: the
stand-ins' own counts (in run.json) and the references the test derives from the scenario's seed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sesmail_local.outage import ref_for
from sesmail_local.scenario import plan_scenario

pytestmark = [pytest.mark.integration, pytest.mark.terraform]

ROOT = Path(__file__).resolve().parents[1]
COUNT, SEED = 40, 11
OUTAGE_ARGS = (sys.executable, "scripts/demo.py", "--outage", "--count", str(COUNT), "--seed", str(SEED))


@pytest.fixture(scope="module")
def outage_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any], Path]:
    subprocess.run(
        [sys.executable, "scripts/dev/package_lambdas.py"], cwd=ROOT, check=True, capture_output=True
    )
    workdir = tmp_path_factory.mktemp("outage")
    result = subprocess.run(
        [*OUTAGE_ARGS, "--workdir", str(workdir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=dict(os.environ),
        timeout=900,
    )
    run_json = workdir / "run.json"
    return result, json.loads(run_json.read_text()) if run_json.exists() else {}, workdir


def test_the_outage_demo_exits_0_and_no_mail_is_lost(
    outage_run: tuple[subprocess.CompletedProcess[str], dict[str, Any], Path],
) -> None:
    result, record, _ = outage_run
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    outage = record["outage"]
    # Every mail of the scenario, found by its reference, each sent exactly once: the stand-ins accepted
    # as many messages as there are mails (no duplicate was allowed: a 503 is never ambiguous).
    assert outage["mails"] == outage["found_by_ref"] == COUNT
    assert outage["ses_messages"] == outage["accepted_by_standins"] == COUNT
    assert outage["duplicates"] == []
    assert f"no mail lost: each of the {COUNT} mails was sent once" in result.stdout


def test_each_phase_took_its_path(
    outage_run: tuple[subprocess.CompletedProcess[str], dict[str, Any], Path],
) -> None:
    _, record, workdir = outage_run
    paths = record["outage"]["paths"]
    # Some mail went each way: the primary, the standby (failover), and the outbox then the replay.
    assert paths.get("primary", 0) > 0 and paths.get("failover", 0) > 0
    assert sum(n for path, n in paths.items() if path.startswith("outbox -> ")) > 0
    assert record["replay_runner"]["drained"] and record["replay_runner"]["records_failed"] == 0
    metrics = record["outage"]["metrics"]
    assert metrics["Failovers"] > 0 and metrics["CircuitOpened"] > 0 and metrics["OutboxQueued"] > 0
    sent = json.loads((workdir / "sent.json").read_text())
    assert [mail["ref"] for mail in sent] == [ref_for(mail) for mail in plan_scenario(COUNT, SEED)]
    by_phase = {mail["phase"]: mail["path"] for mail in sent}
    assert by_phase["primary failing"] == "failover"
    assert by_phase["both regions failing"].startswith("outbox -> ")


def test_support_looks_each_path_up_by_reference(
    outage_run: tuple[subprocess.CompletedProcess[str], dict[str, Any], Path],
) -> None:
    result, record, _ = outage_run
    commands = [command["command"] for command in record["commands"]]
    assert all(
        command.startswith(".venv/bin/python scripts/mail_status.py ref demo-") for command in commands
    )
    assert {command["exit_code"] for command in record["commands"]} == {0}
    assert "queued" in result.stdout and "STEP" in result.stdout  # an outbox trail is shown

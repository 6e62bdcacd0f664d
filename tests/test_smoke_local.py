"""`make smoke ENV=local` against a live `make demo DEMO_ARGS=--keep-running` environment.

Starts the demo exactly as a developer would (its own workdir, small scenario), waits for the live
file it writes once the servers are up and the persister keeps polling, runs scripts/smoke.py against
it as a separate process, then stops the demo with SIGTERM (its Ctrl-C path) and checks it cleaned up.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.terraform]

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 600  # the local apply alone takes 1.5-2.5 min on moto


@pytest.fixture(scope="module")
def live_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    workdir = tmp_path_factory.mktemp("live-demo")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["PYTHONPATH"] = str(ROOT / "lambda_src")
    log = (workdir / "demo.out").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "scripts/demo.py"),
            "--keep-running",
            "--count",
            "8",
            "--workdir",
            str(workdir),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    live_file = workdir / "live.json"
    deadline = time.monotonic() + START_TIMEOUT
    while not live_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the demo did not come up live: {(workdir / 'demo.out').read_text()[-2000:]}")
        time.sleep(2)
    yield live_file, process
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    log.close()


def test_smoke_local_passes_against_the_live_demo(live_demo: tuple[Path, subprocess.Popen[str]]) -> None:
    live_file, process = live_demo
    # WHEN the smoke test runs in another process against the live environment
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["PYTHONPATH"] = str(ROOT / "lambda_src")
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts/smoke.py"),
            "--env",
            "local",
            "--live-file",
            str(live_file),
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    # THEN every mail's events were stored, each hop printed with its latency
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(" sent ") == 4
    for event_type in ("Send", "Delivery", "Bounce", "Complaint"):
        assert f" {event_type} " in result.stdout
    assert "stored by +" in result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("PASS: 4/4 mails fully stored")
    # AND the demo stops cleanly on SIGTERM and removes its live file
    outputs = json.loads(live_file.read_text())["terraform_outputs"]
    assert outputs["events_table_name"] == "ses-local-ses-events"
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 130
    assert not live_file.exists()

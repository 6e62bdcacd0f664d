"""The GitHub workflow cannot run here; keep it valid YAML with the promised shape."""

from __future__ import annotations

from pathlib import Path

import yaml

WORKFLOW = Path(__file__).resolve().parents[1] / ".github/workflows/ci.yml"


def test_workflow_shape() -> None:
    wf = yaml.safe_load(WORKFLOW.read_text())
    triggers = wf[True] if True in wf else wf["on"]  # YAML 1.1 reads the key `on` as True
    assert "pull_request" in triggers
    jobs = wf["jobs"]
    assert "make test" in str(jobs["test"]["steps"])
    assert jobs["plan"]["permissions"]["id-token"] == "write"
    assert set(jobs["plan"]["strategy"]["matrix"]["env"]) == {"staging", "production"}
    apply = jobs["apply"]
    assert apply["environment"] == "${{ matrix.env }}"
    assert "refs/heads/main" in apply["if"]
    runs = [str(step.get("run", "")) for step in apply["steps"]]
    assert any("make apply" in run for run in runs)
    # The smoke test proves the applied environment right after its apply (staging before production).
    (smoke,) = [i for i, run in enumerate(runs) if "make smoke ENV=${{ matrix.env }}" in run]
    assert smoke > next(i for i, run in enumerate(runs) if "make apply" in run)
    assert apply["strategy"]["max-parallel"] == 1 and apply["strategy"]["matrix"]["env"] == [
        "staging",
        "production",
    ]
    # No long-lived AWS keys anywhere in the workflow.
    assert "AWS_SECRET_ACCESS_KEY" not in WORKFLOW.read_text()

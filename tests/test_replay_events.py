"""scripts/replay_events.py over moto: dry run changes nothing, --apply moves every message and audits it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from sesmail.events.replay import summarise

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import replay_events  # noqa: E402

EVENT = {"eventType": "Bounce", "mail": {"messageId": "0102-abc", "destination": ["a@example.com"]}}


@pytest.fixture
def queues() -> Any:
    with mock_aws():
        sqs = boto3.client("sqs", region_name="us-east-1")
        dlq = sqs.create_queue(QueueName="ses-t-ses-events-sns-dlq")["QueueUrl"]
        queue = sqs.create_queue(QueueName="ses-t-ses-events")["QueueUrl"]
        for _ in range(3):
            sqs.send_message(QueueUrl=dlq, MessageBody=json.dumps(EVENT))
        yield sqs, dlq, queue


def depth(sqs: Any, url: str) -> int:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def test_summarise_reads_raw_and_enveloped_bodies_without_addresses() -> None:
    raw = summarise(json.dumps(EVENT), "m1")
    envelope = summarise(json.dumps({"Type": "Notification", "Message": json.dumps(EVENT)}), "m2")
    assert (raw.ses_message_id, raw.event_type) == ("0102-abc", "Bounce")
    assert (envelope.ses_message_id, envelope.event_type) == ("0102-abc", "Bounce")
    assert summarise("not json", "m3").ses_message_id is None


def test_replay_is_a_dry_run_by_default(
    queues: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sqs, dlq, queue = queues
    code = replay_events.main(
        ["replay", "--from", dlq, "--to", queue, "--audit-log", str(tmp_path / "a.jsonl")]
    )
    assert code == 0
    assert "would move up to 3 of 3 message(s)" in capsys.readouterr().out
    assert (depth(sqs, dlq), depth(sqs, queue)) == (3, 0)
    assert not (tmp_path / "a.jsonl").exists()


def test_replay_apply_moves_every_message_and_writes_the_audit_log(queues: Any, tmp_path: Path) -> None:
    sqs, dlq, queue = queues
    audit = tmp_path / "audit.jsonl"
    code = replay_events.main(
        ["replay", "--from", dlq, "--to", queue, "--apply", "--yes", "--audit-log", str(audit)]
    )
    assert code == 0
    assert (depth(sqs, dlq), depth(sqs, queue)) == (0, 3)
    lines = [json.loads(line) for line in audit.read_text().splitlines()]
    assert [(x["action"], x["ses_message_id"], x["event_type"]) for x in lines] == [
        ("replay", "0102-abc", "Bounce")
    ] * 3
    # the toolkit audit log: tool, run id and the operator as CloudTrail will show them
    assert {x["tool"] for x in lines} == {"replay_events.py"} and len({x["run_id"] for x in lines}) == 1
    assert all(x["operator"].startswith("arn:aws:") for x in lines)
    assert "a@example.com" not in audit.read_text()
    body = sqs.receive_message(QueueUrl=queue)["Messages"][0]["Body"]
    assert json.loads(body) == EVENT


def test_peek_leaves_the_messages_in_place(queues: Any, capsys: pytest.CaptureFixture[str]) -> None:
    sqs, dlq, _ = queues
    assert replay_events.main(["peek", "--from", dlq]) == 0
    assert "3 message(s) waiting" in capsys.readouterr().out
    assert depth(sqs, dlq) == 3


def test_refused_confirmation_moves_nothing(queues: Any, tmp_path: Path) -> None:
    sqs, dlq, queue = queues
    args = ["replay", "--from", dlq, "--to", queue, "--apply", "--audit-log", str(tmp_path / "a")]
    assert replay_events.main(args, ask=lambda _: "n") == 4  # declined, as in the toolkit's exit-code table
    assert depth(sqs, dlq) == 3


def test_help_lists_exit_codes_and_bad_input_is_one_line() -> None:
    script = str(ROOT / "scripts/replay_events.py")
    help_text = subprocess.run(
        [sys.executable, script, "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "exit codes" in help_text and "{peek,replay}" in help_text
    bad = subprocess.run([sys.executable, script, "replay"], capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1

"""The one CLI toolkit (sesmail.cli) and the one client factory (sesmail.aws.clients)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from sesmail.aws import clients as factory
from sesmail.aws.calls import AwsSetupError
from sesmail.cli import audit_log as audit_log_module
from sesmail.cli import files as files_module
from sesmail.cli.audit_log import AuditLog, caller_arn
from sesmail.cli.exits import EXIT_CODES_HELP, ExitCode
from sesmail.cli.files import atomic_text_file, write_text_atomic
from sesmail.cli.parser import CliParser
from sesmail.cli.prompt import ask_on, confirm
from sesmail.cli.render import render, render_csv, render_json, render_table, table_lines
from sesmail.suppression.pipeline import Candidate
from sesmail.suppression.removal import bulk_delete_csv

ROOT = Path(__file__).resolve().parents[1]
COMMA_ADDRESS = '"doe, jane"@example.com'  # a quoted local part may hold a comma (RFC 5321)


# --- parser ------------------------------------------------------------------------------------------


def _parser(default_command: str | None = None) -> CliParser:
    def global_options(parser: Any) -> None:
        parser.add_argument("--format", choices=("table", "json"), default="table")

    parser = CliParser(prog="tool.py", global_options=global_options, default_command=default_command)
    show = parser.add_command("show")
    show.add_argument("name")
    show.add_argument("--since")
    parser.add_command("other")
    return parser


@pytest.mark.parametrize(
    "argv",
    [
        ["--format", "json", "--region", "eu-west-1", "show", "x", "--since", "d"],
        ["show", "x", "--since", "d", "--format", "json", "--region", "eu-west-1"],
        ["--region", "eu-west-1", "show", "--format", "json", "x", "--since", "d"],
    ],
)
def test_global_options_are_accepted_before_or_after_the_subcommand(argv: list[str]) -> None:
    args = _parser().parse_args(argv)
    assert (args.command, args.name, args.since, args.format, args.region) == (
        "show",
        "x",
        "d",
        "json",
        "eu-west-1",
    )


def test_global_defaults_apply_when_the_option_is_absent_and_are_not_reset_by_the_subcommand() -> None:
    assert _parser().parse_args(["show", "x"]).format == "table"
    assert _parser().parse_args(["--format", "json", "show", "x"]).format == "json"
    assert _parser().parse_args(["other"]).region is None


def test_default_command_is_used_when_none_is_named() -> None:
    assert _parser("other").parse_args(["--format", "json"]).command == "other"
    assert _parser("other").parse_args(["show", "x"]).command == "show"


def test_usage_error_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        _parser().parse_args(["show", "x", "--format", "xml"])
    assert raised.value.code == ExitCode.USAGE == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("tool.py show: error: argument --format")


def test_every_subcommand_help_has_region_and_the_exit_code_table(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--help"], ["show", "--help"], ["other", "--help"]):
        with pytest.raises(SystemExit):
            _parser().parse_args(argv)
        out = capsys.readouterr().out
        assert "--region" in out and EXIT_CODES_HELP in out


# --- exit codes: one table, in every script's --help and in the README ------------------------------

SCRIPT_COMMANDS = [
    ("audit_suppression.py", []),
    ("audit_suppression.py", ["list"]),
    ("audit_suppression.py", ["check"]),
    ("warmup.py", []),
    ("warmup.py", ["plan"]),
    ("warmup.py", ["status"]),
    ("warmup.py", ["gate"]),
    ("warmup.py", ["ips"]),
    ("mail_status.py", []),
    ("mail_status.py", ["message"]),
    ("mail_status.py", ["recipient"]),
    ("mail_status.py", ["ref"]),
    ("sync_suppression.py", []),
]


@pytest.mark.parametrize(("script", "command"), SCRIPT_COMMANDS)
def test_each_script_help_prints_the_one_exit_code_table_and_region(script: str, command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), *command, "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert EXIT_CODES_HELP in result.stdout
    assert "--region" in result.stdout


def test_readme_documents_the_same_exit_codes() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Exit codes") :]
    for code in ExitCode:
        assert f"| {code.value} |" in section, f"exit code {code.value} ({code.name}) not in the README table"


# --- prompt ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "confirmed"), [("y", True), ("YES\n", True), (" yes ", True), ("n", False), ("", False)]
)
def test_confirm_accepts_only_y_or_yes(answer: str, confirmed: bool) -> None:
    prompts: list[str] = []
    assert confirm("Delete 2?", lambda prompt: prompts.append(prompt) or answer) is confirmed
    assert prompts == ["Delete 2? [y/N] "]


def test_confirm_on_end_of_input_is_no() -> None:
    out = io.StringIO()
    assert confirm("Write?", ask_on(io.StringIO(""), out)) is False
    assert out.getvalue() == "Write? [y/N] "
    assert confirm("Write?", ask_on(io.StringIO("y\n"), io.StringIO())) is True


# --- renderer ----------------------------------------------------------------------------------------

ROWS = [
    {"address": COMMA_ADDRESS, "sent": 5, "note": 'said "hi"'},
    {"address": "b@example.com", "sent": 120, "note": None},
]


def test_table_pads_text_left_numbers_right_and_leaves_no_trailing_blanks() -> None:
    assert render_table(ROWS).splitlines() == [
        "address                  sent  note",
        '"doe, jane"@example.com     5  said "hi"',
        "b@example.com             120",
    ]
    assert table_lines(["a", "b"], [["x", None]]) == ["a  b", "x"]
    assert render_table([]) == ""


def test_csv_quotes_a_local_part_with_a_comma_and_round_trips() -> None:
    text = render_csv(ROWS)
    assert text.splitlines()[1] == '"""doe, jane""@example.com",5,"said ""hi"""'
    assert next(csv.DictReader(io.StringIO(text)))["address"] == COMMA_ADDRESS
    assert render(ROWS, "csv") == text


def test_json_is_the_rows_as_a_list() -> None:
    assert json.loads(render(ROWS, "json")) == ROWS
    assert json.loads(render_json({"at": datetime(2026, 1, 2, tzinfo=UTC)})) == {
        "at": "2026-01-02 00:00:00+00:00"
    }
    with pytest.raises(ValueError, match="unknown format"):
        render(ROWS, "xml")


def test_bulk_delete_csv_quotes_addresses() -> None:
    candidate = Candidate(COMMA_ADDRESS, "BOUNCE", "hard-bounce", "2026-01-01T00:00:00Z", None)
    body = bulk_delete_csv([candidate]).decode()
    assert list(csv.reader(io.StringIO(body))) == [[COMMA_ADDRESS, "BOUNCE"]]


# --- atomic writer -----------------------------------------------------------------------------------


@pytest.fixture
def fsyncs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    calls: list[int] = []
    real = os.fsync

    def counting(fd: int) -> None:
        calls.append(fd)
        real(fd)

    monkeypatch.setattr(files_module.os, "fsync", counting)
    monkeypatch.setattr(audit_log_module.os, "fsync", counting)
    yield calls


def test_atomic_writer_replaces_the_file_after_fsync(tmp_path: Path, fsyncs: list[int]) -> None:
    target = tmp_path / "plan.json"
    target.write_text("old")
    write_text_atomic(target, "new")
    assert target.read_text() == "new" and len(fsyncs) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.json"]


def test_atomic_writer_failure_leaves_the_old_file_and_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("complete old report\n")
    with pytest.raises(RuntimeError), atomic_text_file(target) as out:
        out.write("half of a new rep")
        raise RuntimeError("disk full")
    assert target.read_text() == "complete old report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]


def test_atomic_writer_temp_names_are_unique_and_beside_the_target(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "out.csv"
    with atomic_text_file(target) as first, atomic_text_file(target) as second:
        assert first.name != second.name  # type: ignore[attr-defined]
        assert Path(first.name).parent == target.parent  # type: ignore[attr-defined]
        first.write("one")
        second.write("two")
    assert target.read_text() == "one"  # the outer block finished last
    assert [p.name for p in target.parent.iterdir()] == ["out.csv"]


# --- audit log ---------------------------------------------------------------------------------------


def test_audit_log_writes_one_fsynced_line_per_record_with_the_sts_caller(
    tmp_path: Path, fsyncs: list[int]
) -> None:
    sts = boto3.client("sts", region_name="us-east-1")
    arn = "arn:aws:sts::123456789012:assumed-role/ses-operator/alice"
    with Stubber(sts) as stub:
        stub.add_response("get_caller_identity", {"Arn": arn, "Account": "123456789012", "UserId": "x"}, {})
        operator = caller_arn(sts)
    path = tmp_path / "logs" / "audit.jsonl"
    path.parent.mkdir()
    path.write_text('{"earlier": true}\n')
    with AuditLog(path, tool="t.py", now=lambda: datetime(2026, 11, 28, 12, tzinfo=UTC), run_id="r1") as log:
        log.operator = operator
        log.record(action="remove", address="a@example.com")
        log.record(action="remove", address="b@example.com")
        assert log.run_records().decode().count("\n") == 2
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert lines[0] == {"earlier": True}
    assert lines[1] == {
        "time": "2026-11-28T12:00:00Z",
        "tool": "t.py",
        "run_id": "r1",
        "operator": arn,
        "action": "remove",
        "address": "a@example.com",
    }
    assert len(fsyncs) == 2


def test_audit_log_refuses_a_record_without_an_operator(tmp_path: Path) -> None:
    with AuditLog(tmp_path / "a.jsonl", tool="t.py") as log, pytest.raises(RuntimeError, match="operator"):
        log.record(action="x")


# --- the client factory -------------------------------------------------------------------------------


@pytest.fixture
def no_region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)


@pytest.mark.usefixtures("no_region")
def test_region_order_argument_then_aws_region_then_aws_default_region_then_profile(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "config"
    config.write_text("[default]\nregion = ap-south-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    assert factory.resolve_region() == "ap-south-1"
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    assert factory.resolve_region() == "eu-west-1"
    monkeypatch.setenv("AWS_REGION", "us-west-2")
    assert factory.resolve_region() == "us-west-2"
    assert factory.client("sesv2").meta.region_name == "us-west-2"  # botocore alone would say eu-west-1
    assert factory.resolve_region("eu-central-1") == "eu-central-1"
    monkeypatch.setenv("AWS_REGION", "")  # empty is unset
    assert factory.resolve_region() == "eu-west-1"


@pytest.mark.usefixtures("no_region")
def test_no_region_is_one_true_line() -> None:
    with pytest.raises(AwsSetupError) as raised:
        factory.client("sts")
    assert str(raised.value) == (
        "no AWS region configured: pass --region, set AWS_REGION or AWS_DEFAULT_REGION, "
        "or set region in the AWS profile"
    )


def test_unknown_profile_and_missing_credentials_are_setup_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    with pytest.raises(AwsSetupError, match="no-such-profile"):
        factory.client("sts")
    monkeypatch.delenv("AWS_PROFILE")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(AwsSetupError, match="no AWS credentials found"):
        factory.client("sts")

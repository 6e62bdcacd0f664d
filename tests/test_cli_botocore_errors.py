"""Every botocore error that can reach an operator CLI ends as one line on stderr and the documented
exit code, never a traceback (issue 13, item 6).

Each error is injected where it really arises: setup errors (profile, SSO session, credentials, region)
when the client factory resolves the credential chain, and again at request time (an SSO session can
expire mid-run); transport and service errors at request time, through botocore's ``before-send`` hook,
i.e. inside the real client call. A few run as real processes against a real broken environment.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    CredentialRetrievalError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    PartialCredentialsError,
    ProfileNotFound,
    ProxyConnectionError,
    ReadTimeoutError,
    SSLError,
    SSOTokenLoadError,
    TokenRetrievalError,
    UnauthorizedSSOTokenError,
)

import audit_suppression
import mail_status
import warmup
from sesmail.aws import calls
from sesmail.aws import clients as factory
from sesmail.cli.exits import ExitCode
from sesmail.suppression.audit import Runtime

ROOT = Path(__file__).resolve().parents[1]

SETUP_ERRORS: list[BaseException] = [
    ProfileNotFound(profile="typo"),
    UnauthorizedSSOTokenError(),
    TokenRetrievalError(provider="sso", error_msg="the SSO session has expired"),
    SSOTokenLoadError(error_msg="no cached token"),
    NoCredentialsError(),
    PartialCredentialsError(provider="env", cred_var="AWS_SECRET_ACCESS_KEY"),
    CredentialRetrievalError(provider="custom-process", error_msg="exit 1\nsecond line"),
    NoRegionError(),
]
SERVICE_ERRORS: list[BaseException] = [
    SSLError(endpoint_url="https://email.us-east-1.amazonaws.com", error="certificate verify failed"),
    ProxyConnectionError(proxy_url="http://proxy.invalid:3128", error="connection refused"),
    EndpointConnectionError(endpoint_url="https://email.us-east-1.amazonaws.com"),
    ConnectTimeoutError(endpoint_url="https://email.us-east-1.amazonaws.com"),
    ReadTimeoutError(endpoint_url="https://email.us-east-1.amazonaws.com"),
    ConnectionClosedError(endpoint_url="https://email.us-east-1.amazonaws.com"),
    ParamValidationError(report="Invalid type for parameter X"),
    ClientError({"Error": {"Code": "AccessDeniedException", "Message": "not allowed"}}, "GetAccount"),
    BotoCoreError(),
]


def _audit() -> int:
    return audit_suppression.main(["check", "a@example.com", "--table", "t"], Runtime(sleep=lambda _: None))


def _warmup() -> int:
    return warmup.main(["plan", "--start", "1", "--target", "9", "--days", "3"], out=io.StringIO())


def _mail_status() -> int:
    return mail_status.main(["--table", "t", "message", "0102-x"])


TOOLS: dict[str, Callable[[], int]] = {
    "audit_suppression": _audit,
    "warmup": _warmup,
    "mail_status": _mail_status,
}


class _NoJitter:
    """Retries of transient errors back off by 0 s here (pacing has its own tests)."""

    def __init__(self, *args: Any) -> None:
        del args

    def uniform(self, low: float, high: float) -> float:
        del high
        return low


@pytest.fixture(autouse=True)
def instant_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(calls.random, "Random", _NoJitter)


def _inject_at_factory(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    def broken_chain(*args: Any, **kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr(factory.Session, "get_credentials", broken_chain)


def _inject_at_request(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    real = factory.client

    def failing_client(*args: Any, **kwargs: Any) -> Any:
        client = real(*args, **kwargs)

        def fail(**_: Any) -> None:
            raise error

        client.meta.events.register("before-send", fail)
        return client

    monkeypatch.setattr(factory, "client", failing_client)


def _assert_one_line(code: int, expected: ExitCode, capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert code == expected, err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("error", SETUP_ERRORS, ids=lambda e: type(e).__name__)
def test_setup_error_while_building_clients_is_exit_2(
    tool: str, error: BaseException, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _inject_at_factory(monkeypatch, error)
    err = _assert_one_line(TOOLS[tool](), ExitCode.USAGE, capsys)
    if isinstance(error, UnauthorizedSSOTokenError | TokenRetrievalError | SSOTokenLoadError):
        assert "aws sso login" in err


@pytest.mark.parametrize("tool", ["audit_suppression", "warmup"])
@pytest.mark.parametrize("error", SETUP_ERRORS, ids=lambda e: type(e).__name__)
def test_setup_error_during_a_call_is_exit_2(
    tool: str, error: BaseException, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _inject_at_request(monkeypatch, error)
    _assert_one_line(TOOLS[tool](), ExitCode.USAGE, capsys)


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("error", SERVICE_ERRORS, ids=lambda e: type(e).__name__)
def test_transport_and_service_errors_are_exit_1(
    tool: str, error: BaseException, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _inject_at_request(monkeypatch, error)
    _assert_one_line(TOOLS[tool](), ExitCode.AWS_ERROR, capsys)


SCRIPT_ARGS = {
    "audit_suppression.py": ["check", "a@example.com", "--table", "t"],
    "warmup.py": ["plan", "--start", "1", "--target", "9", "--days", "3"],
    "mail_status.py": ["--table", "t", "message", "0102-x"],
}


def _run_script(script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), *SCRIPT_ARGS[script]],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={**os.environ, **env},
    )


@pytest.mark.parametrize("script", SCRIPT_ARGS)
def test_a_mistyped_profile_in_a_real_process_is_one_line_exit_2(script: str) -> None:
    result = _run_script(script, {"AWS_PROFILE": "no-such-profile"})
    assert result.returncode == ExitCode.USAGE, result.stderr
    assert result.stderr.startswith("error: The config profile (no-such-profile) could not be found")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize("script", SCRIPT_ARGS)
def test_an_unreachable_proxy_in_a_real_process_is_one_line_exit_1(script: str) -> None:
    # Port 9 (discard) on the loopback: nothing listens, the connection is refused at once.
    result = _run_script(script, {"HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": "", "no_proxy": ""})
    assert result.returncode == ExitCode.AWS_ERROR, result.stderr
    assert "Failed to connect to proxy URL" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr

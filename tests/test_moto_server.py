"""The reusable moto server helper: free port, readiness, one-line errors, clean stop."""

from __future__ import annotations

import socket
import urllib.request
from pathlib import Path

import pytest

from sesmail_local.moto_server import MotoServer, MotoServerError, free_port


def test_free_port_is_bindable_on_loopback() -> None:
    port = free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", port))


def test_missing_executable_is_a_one_line_error(tmp_path: Path) -> None:
    server = MotoServer(executable=tmp_path / "no-such-moto_server")
    with pytest.raises(MotoServerError) as error:
        server.start()
    assert "\n" not in str(error.value)
    assert "run 'make setup'" in str(error.value)
    assert not server.running


def test_early_exit_reports_code_and_last_output_line(tmp_path: Path) -> None:
    # GIVEN an executable that dies at once with a message
    fake = tmp_path / "moto_server"
    fake.write_text("#!/bin/sh\necho 'starting'\necho 'address already in use' >&2\nexit 3\n")
    fake.chmod(0o755)
    # WHEN it is started THEN the error names the exit code and the server's last line, on one line
    with pytest.raises(MotoServerError) as error:
        MotoServer(executable=fake, startup_timeout=10).start()
    message = str(error.value)
    assert "exited with code 3" in message and message.endswith("address already in use")
    assert "\n" not in message


def test_readiness_timeout_stops_the_process(tmp_path: Path) -> None:
    fake = tmp_path / "moto_server"
    fake.write_text("#!/bin/sh\nexec sleep 30\n")
    fake.chmod(0o755)
    server = MotoServer(executable=fake, startup_timeout=0.5)
    with pytest.raises(MotoServerError, match="did not answer"):
        server.start()
    assert not server.running


@pytest.mark.integration
def test_real_server_answers_on_loopback_and_stops_on_exit(tmp_path: Path) -> None:
    with MotoServer(log_path=tmp_path / "moto.log") as server:
        assert server.url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(server.url + "/moto-api/", timeout=5) as response:
            assert response.status == 200
    assert not server.running
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        assert sock.connect_ex(("127.0.0.1", server.port or 0)) != 0

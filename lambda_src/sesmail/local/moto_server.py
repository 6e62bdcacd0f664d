"""Run a moto server on 127.0.0.1 for the demo and the integration tests, and always stop it.

``MotoServer`` starts ``python -m moto.server`` as a child process (its own core, its own GIL) on a
free or given port, waits until it answers HTTP, and stops it on ``stop()``, on leaving the ``with``
block, or at interpreter exit. Problems a user can fix (port in use, moto missing, server died)
raise ``LocalServerError`` with one line that says what to do.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO, Final

DEFAULT_HOST: Final = "127.0.0.1"
READY_TIMEOUT_SECONDS: Final = 30.0


class LocalServerError(Exception):
    """A local server could not start; the message is one line with a hint."""


def free_port(host: str = DEFAULT_HOST) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def ensure_port_free(host: str, port: int, hint: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            raise LocalServerError(f"port {port} on {host} is already in use: {hint}") from None


def answers_http(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1):  # noqa: S310 - loopback URL we built
            return True
    except urllib.error.HTTPError:
        return True  # any HTTP answer means the server is up
    except OSError:
        return False


class MotoServer:
    """``with MotoServer() as moto: moto.endpoint_url`` - a moto server for the duration of the block."""

    def __init__(
        self, port: int | None = None, host: str = DEFAULT_HOST, log_path: Path | None = None
    ) -> None:
        self.host = host
        self.port = port
        self.log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def endpoint_url(self) -> str:
        if self.port is None:
            raise LocalServerError("the moto server is not started")
        return f"http://{self.host}:{self.port}"

    def start(self, ready_timeout: float = READY_TIMEOUT_SECONDS) -> MotoServer:
        if importlib.util.find_spec("moto.server") is None or importlib.util.find_spec("werkzeug") is None:
            raise LocalServerError("moto[server] is not installed in this Python: run 'make setup'")
        if self.port is None:
            self.port = free_port(self.host)
        else:
            ensure_port_free(
                self.host, self.port, "stop whatever uses it or choose another port (MOTO_PORT=...)"
            )
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = self.log_path.open("ab")
        self._process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            [sys.executable, "-m", "moto.server", "-H", self.host, "-p", str(self.port)],
            stdin=subprocess.DEVNULL,
            stdout=self._log or subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        atexit.register(self.stop)
        deadline = time.monotonic() + ready_timeout
        while not answers_http(f"{self.endpoint_url}/moto-api/"):
            exit_code = self._process.poll()
            if exit_code is not None:
                where = f" (see {self.log_path})" if self.log_path else ""
                self.stop()
                raise LocalServerError(f"the moto server exited with code {exit_code}{where}")
            if time.monotonic() > deadline:
                self.stop()
                raise LocalServerError(f"the moto server did not answer within {ready_timeout:.0f} s")
            time.sleep(0.1)
        return self

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None
        atexit.unregister(self.stop)

    def __enter__(self) -> MotoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

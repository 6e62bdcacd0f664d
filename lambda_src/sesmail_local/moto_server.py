"""Start and stop a moto server on 127.0.0.1 for local applies, demos and integration tests.

    with MotoServer() as server:      # free port, waits until it answers, stops on exit
        run_terraform(aws_endpoint=server.url)

Generic on purpose: no knowledge of what is deployed on it. Failures raise ``MotoServerError`` with a
one-line message (missing executable, early exit with the server's last log line, readiness timeout).
"""

from __future__ import annotations

import atexit
import contextlib
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import IO, Self

LOOPBACK = "127.0.0.1"
READINESS_PATH = "/moto-api/"  # moto's dashboard: answers 200 once the server routes requests


class MotoServerError(RuntimeError):
    """The moto server could not be started (message is one line, fit for stderr)."""


def free_port(host: str = LOOPBACK) -> int:
    """A port the OS considers free right now (bind to port 0, read it back, release it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def default_executable() -> Path:
    """``moto_server`` next to the running interpreter (the repository's .venv/bin)."""
    return Path(sys.executable).parent / "moto_server"


class MotoServer:
    """A moto server subprocess bound to the loopback interface."""

    def __init__(
        self,
        *,
        port: int | None = None,
        executable: Path | None = None,
        startup_timeout: float = 30.0,
        log_path: Path | None = None,
    ) -> None:
        self.host = LOOPBACK
        self.port = port
        self.executable = executable or default_executable()
        self.startup_timeout = startup_timeout
        self.log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        if self.port is None:
            raise MotoServerError("moto server has no port yet: call start() first")
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> Self:
        if self.running:
            return self
        if not self.executable.is_file():
            raise MotoServerError(f"moto_server not found at {self.executable}: run 'make setup'")
        if self.port is None:
            self.port = free_port(self.host)
        # moto logs every request: a file (never an unread pipe, which would fill up and stall it).
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = self.log_path.open("w+b")
        else:
            self._log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self._process = subprocess.Popen(  # noqa: S603 - fixed argv, our own executable
            [str(self.executable), "-H", self.host, "-p", str(self.port)],
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        atexit.register(self.stop)
        try:
            self._wait_until_ready()
        except MotoServerError:
            self.stop()
            raise
        return self

    def _wait_until_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            code = self._process.poll()
            if code is not None:
                raise MotoServerError(
                    f"moto_server exited with code {code} before listening on {self.url}: "
                    f"{self._last_output()}"
                )
            try:
                with urllib.request.urlopen(self.url + READINESS_PATH, timeout=1) as response:  # noqa: S310 - loopback URL built here
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise MotoServerError(f"moto_server did not answer on {self.url} within {self.startup_timeout:.0f} s")

    def _last_output(self) -> str:
        if self._log is None:
            return "no output"
        self._log.flush()
        self._log.seek(0)
        lines = self._log.read().decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else "no output"

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        if self._log is not None:
            self._log.close()
            self._log = None
        with contextlib.suppress(Exception):
            atexit.unregister(self.stop)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

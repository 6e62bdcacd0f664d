"""The moto server helper: free port, readiness, one-line errors, always stopped."""

from __future__ import annotations

import importlib.util
import socket

import boto3
import pytest

from sesmail.local import moto_server
from sesmail.local.moto_server import LocalServerError, MotoServer, answers_http

pytestmark = pytest.mark.integration


def test_server_answers_on_a_free_port_and_is_gone_after_the_block() -> None:
    # GIVEN / WHEN a server started without a port
    with MotoServer() as moto:
        url = moto.endpoint_url
        # THEN it answers AWS calls on 127.0.0.1
        assert url.startswith("http://127.0.0.1:")
        sqs = boto3.client("sqs", endpoint_url=url, region_name="us-east-1")
        assert sqs.create_queue(QueueName="probe")["QueueUrl"]
    # AND it is stopped afterwards
    assert not answers_http(f"{url}/moto-api/")


def test_port_in_use_is_one_line_with_a_hint() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(LocalServerError) as caught:
            MotoServer(port=port).start()
    message = str(caught.value)
    assert "\n" not in message
    assert f"port {port} on 127.0.0.1 is already in use" in message and "MOTO_PORT" in message


def test_missing_moto_is_one_line_with_a_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        moto_server.importlib.util, "find_spec", lambda name: None if name == "moto.server" else real(name)
    )
    with pytest.raises(LocalServerError, match=r"^moto\[server\] is not installed .*run 'make setup'$"):
        MotoServer().start()

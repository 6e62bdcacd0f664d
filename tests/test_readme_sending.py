"""The README's "Sending with failover" example runs as written (moto SESv2 and SQS), so it cannot drift."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError
from moto import mock_aws

from conftest import ROOT
from sesmail.sending.failover import RetryPolicy


def readme_example() -> str:
    section = (ROOT / "README.md").read_text().split("## Sending with failover", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    assert len(blocks) == 1, "the section has exactly one Python example"
    return str(blocks[0])


@pytest.fixture
def account(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """GIVEN both regions with the identity and configuration set, and the outbox queues."""
    with mock_aws():
        for region in ("eu-west-1", "eu-central-1"):
            ses = boto3.client("sesv2", region_name=region)
            ses.create_email_identity(EmailIdentity="mail.example.com")
            ses.create_configuration_set(ConfigurationSetName="ses-production-transactional")
        sqs = boto3.client("sqs", region_name="eu-west-1")
        monkeypatch.setenv("SES_CONFIGURATION_SET", "ses-production-transactional")
        monkeypatch.setenv("OUTBOX_QUEUE_URL", sqs.create_queue(QueueName="outbox")["QueueUrl"])
        monkeypatch.setenv("OUTBOX_PARKED_QUEUE_URL", sqs.create_queue(QueueName="parked")["QueueUrl"])
        yield sqs


def test_the_readme_example_sends_and_returns_the_message_id(account: Any) -> None:
    namespace: dict[str, Any] = {}
    exec(compile(readme_example(), "README.md", "exec"), namespace)
    message_id = namespace["send_login_code"]("jane.doe@example.org", "123456", "42")
    assert isinstance(message_id, str) and not message_id.startswith("outbox-")
    assert namespace["sender"].breakers["eu-west-1"].times_opened == 0


def test_the_readme_example_queues_in_the_outbox_when_no_region_answers(account: Any) -> None:
    namespace: dict[str, Any] = {}
    exec(compile(readme_example(), "README.md", "exec"), namespace)
    for region in namespace["sender"].regions:
        region.client.meta.events.register_first("before-send.sesv2.SendEmail", _unreachable)
    namespace["sender"].retry = RetryPolicy(attempts_per_region=1)
    reference = namespace["send_login_code"]("jane.doe@example.org", "123456", "43")
    assert reference.startswith("outbox-")
    body = account.receive_message(QueueUrl=namespace["os"].environ["OUTBOX_QUEUE_URL"])["Messages"][0][
        "Body"
    ]
    assert reference in body and '"ref":"login-43"' in body


def _unreachable(request: Any, **_: Any) -> None:

    raise EndpointConnectionError(endpoint_url=request.url)

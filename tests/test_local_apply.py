"""Apply terraform/envs/local to a moto server started here, then prove a second plan is empty.

Runs against 127.0.0.1 only (fake credentials, every provider endpoint overridden). The one allowed
difference after apply is moto's redrive_policy formatting quirk (docs/decisions/0022-local-env-on-moto.md).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from conftest import FAKE_AWS_ENV
from policy_rules import policy_documents, wildcard_violations
from sesmail.events import schema
from sesmail_local.moto_server import MotoServer
from tfplan import module_resources

pytestmark = [pytest.mark.integration, pytest.mark.terraform]

ROOT = Path(__file__).resolve().parents[1]
CONTRACT_OUTPUTS = {
    "sns_topic_arn",
    "queue_url",
    "dlq_url",
    "events_table_name",
    "configuration_set_names",
    "alarm_topic_arn",
    "kms_key_arn",
}


@dataclass
class LocalApply:
    server: MotoServer
    outputs: dict[str, Any]
    state: dict[str, Any]
    second_plan: dict[str, Any]
    second_plan_exit_code: int
    apply_seconds: float


def terraform(workdir: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        ["terraform", f"-chdir={workdir}", *args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode not in (0, 2) or (result.returncode == 2 and "-detailed-exitcode" not in args):
        output = f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        pytest.fail(f"terraform {args[0]} failed ({result.returncode}):\n{output}")
    return result


@pytest.fixture(scope="module")
def local_apply(terraform_cli_config: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalApply]:
    subprocess.run([sys.executable, str(ROOT / "scripts/dev/package_lambdas.py")], check=True)
    assert (ROOT / "build/lambda/persister.zip").is_file(), "make package did not build persister.zip"
    sandbox = tmp_path_factory.mktemp("localenv")
    shutil.copytree(
        ROOT / "terraform", sandbox / "terraform", ignore=shutil.ignore_patterns(".terraform", "*.tfstate*")
    )
    (sandbox / "build").symlink_to(ROOT / "build")
    workdir = sandbox / "terraform/envs/local"
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(sandbox),
        **FAKE_AWS_ENV,
        "TF_CLI_CONFIG_FILE": str(terraform_cli_config),
        "TF_DATA_DIR": str(sandbox / "tfdata"),
        "TF_IN_AUTOMATION": "1",
        "CHECKPOINT_DISABLE": "1",
    }
    with MotoServer(log_path=sandbox / "moto.log") as server:
        endpoint = f"-var=aws_endpoint={server.url}"
        terraform(workdir, env, "init", "-input=false", "-no-color", "-lockfile=readonly")
        started = time.monotonic()
        terraform(workdir, env, "apply", "-auto-approve", "-input=false", "-no-color", endpoint)
        apply_seconds = time.monotonic() - started
        print(f"\nterraform apply of envs/local on moto: {apply_seconds:.1f} s")
        outputs = json.loads(terraform(workdir, env, "output", "-json").stdout)
        state = json.loads(terraform(workdir, env, "show", "-json").stdout)
        plan = terraform(
            workdir,
            env,
            "plan",
            "-detailed-exitcode",
            "-input=false",
            "-no-color",
            "-out=second.tfplan",
            endpoint,
        )
        second_plan = json.loads(terraform(workdir, env, "show", "-json", "second.tfplan").stdout)
        yield LocalApply(server, outputs, state, second_plan, plan.returncode, apply_seconds)


def aws(client: str, server: MotoServer) -> Any:
    return boto3.client(client, endpoint_url=server.url, region_name="us-east-1")  # type: ignore[call-overload]


def test_outputs_follow_the_contract(local_apply: LocalApply) -> None:
    assert set(local_apply.outputs) >= CONTRACT_OUTPUTS
    assert local_apply.outputs["configuration_set_names"]["value"] == ["local-transactional"]


def test_second_plan_is_empty_apart_from_the_moto_redrive_quirk(local_apply: LocalApply) -> None:
    # GIVEN the applied environment WHEN planned again
    changes = [
        c for c in local_apply.second_plan.get("resource_changes", []) if c["change"]["actions"] != ["no-op"]
    ]
    changed = [c["address"] for c in changes]
    print(f"\nsecond plan after apply: {changed} (exit {local_apply.second_plan_exit_code})")
    # THEN nothing changes, except (if moto still reformats it) the queue's redrive_policy, whose JSON
    # is semantically identical before and after
    for change in changes:
        assert change["address"] == "module.event_pipeline.aws_sqs_queue.this", change["address"]
        assert change["change"]["actions"] == ["update"]
        before, after = change["change"]["before"], change["change"]["after"]
        differing = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
        assert differing == {"redrive_policy"}, differing
        assert json.loads(before["redrive_policy"]) == json.loads(after["redrive_policy"])
    assert local_apply.second_plan_exit_code == (2 if changes else 0)


def test_queue_redrives_to_the_dlq_encrypted(local_apply: LocalApply) -> None:
    sqs = aws("sqs", local_apply.server)
    attributes = sqs.get_queue_attributes(
        QueueUrl=local_apply.outputs["queue_url"]["value"], AttributeNames=["All"]
    )["Attributes"]
    dlq = sqs.get_queue_attributes(QueueUrl=local_apply.outputs["dlq_url"]["value"], AttributeNames=["All"])[
        "Attributes"
    ]
    assert json.loads(attributes["RedrivePolicy"]) == {
        "deadLetterTargetArn": dlq["QueueArn"],
        "maxReceiveCount": 5,
    }
    assert (
        attributes["KmsMasterKeyId"] == dlq["KmsMasterKeyId"] == local_apply.outputs["kms_key_arn"]["value"]
    )
    assert dlq["MessageRetentionPeriod"] == "1209600"
    assert int(attributes["VisibilityTimeout"]) >= 6 * 30


def test_table_matches_schema_module(local_apply: LocalApply) -> None:
    ddb = aws("dynamodb", local_apply.server)
    name = local_apply.outputs["events_table_name"]["value"]
    table = ddb.describe_table(TableName=name)["Table"]
    assert {k["AttributeName"]: k["KeyType"] for k in table["KeySchema"]} == {
        schema.TABLE_PARTITION_KEY: "HASH",
        schema.TABLE_SORT_KEY: "RANGE",
    }
    indexes = {index["IndexName"]: index for index in table["GlobalSecondaryIndexes"]}
    assert set(indexes) == {schema.RECIPIENT_INDEX_NAME, schema.REF_INDEX_NAME}
    index = indexes[schema.RECIPIENT_INDEX_NAME]
    assert sorted(index["Projection"]["NonKeyAttributes"]) == sorted(
        schema.RECIPIENT_INDEX_NON_KEY_ATTRIBUTES
    )
    ttl = ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": schema.TTL_ATTRIBUTE}


def test_an_event_published_to_the_topic_reaches_the_queue_raw(local_apply: LocalApply) -> None:
    # GIVEN an SES-shaped event WHEN published to the topic
    sns, sqs = aws("sns", local_apply.server), aws("sqs", local_apply.server)
    event = {
        "eventType": "Send",
        "mail": {"messageId": "0100-local-test", "destination": ["a@example.org"]},
        "send": {},
    }
    sns.publish(TopicArn=local_apply.outputs["sns_topic_arn"]["value"], Message=json.dumps(event))
    # THEN the queue holds the SES JSON itself (raw delivery, docs/decisions/0020-raw-sns-delivery.md)
    messages = sqs.receive_message(QueueUrl=local_apply.outputs["queue_url"]["value"], WaitTimeSeconds=2)[
        "Messages"
    ]
    assert [json.loads(m["Body"]) for m in messages] == [event]


def test_applied_policies_have_no_wildcards(local_apply: LocalApply) -> None:
    # Applied state knows every policy, including the role policy that is unknown at plan time.
    documents = policy_documents(module_resources(local_apply.state["values"]["root_module"]))
    assert all(doc is not None for _, _, doc in documents)
    assert "module.event_pipeline.aws_iam_role_policy.kms.policy" in {address for address, _, _ in documents}
    problems = [
        p for address, rtype, doc in documents if doc for p in wildcard_violations(address, rtype, doc)
    ]
    assert problems == []

"""The `make demo` flow behind scripts/demo.py (its --help tells the story step by step).

Six steps share the servers they start: moto, then terraform/envs/local applied against it, the SESv2
stand-in, the seeded scenario sent through the service code path while the persister runner polls, the
drain, and the operator CLIs run exactly as a user would. Each step is timed into run.json.

Nothing here can reach real AWS: credentials are forced to fake values, shared config files are ignored
and every endpoint points at 127.0.0.1. :func:`main` maps the outcome to the script's exit codes.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import boto3

from sesmail.events.lookup import message_status
from sesmail.events.status import MessageStatus
from sesmail.events.store import EventStore
from sesmail.events.store import create_client as dynamodb_client
from sesmail.sending.sender import SesSender
from sesmail_local.console import DEFAULT_PORT as DEFAULT_CONSOLE_PORT
from sesmail_local.console import console_url, export_console_data
from sesmail_local.moto_server import MotoServer, MotoServerError
from sesmail_local.outage import PRIMARY, OutageDemo, outage_steps
from sesmail_local.scenario import (
    DEFAULT_COUNT,
    DEFAULT_SEED,
    SentMail,
    expected_event_counts,
    plan_scenario,
    send_scenario,
)
from sesmail_local.ses_standin import SesStandIn, SnsPublisher
from sesmail_local.simulator import SIMULATOR_DOMAIN
from sesmail_local.verify import (
    SUMMARY_KEYS,
    disagreements,
    final_status_counts,
    lookup_counts,
    published_counts,
    scan_counts,
)

# The emulator runs from a checkout only (never inside a Lambda zip): lambda_src/sesmail_local/ -> root.
ROOT: Final = Path(__file__).resolve().parents[2]
ENV_DIR: Final = ROOT / "terraform" / "envs" / "local"
PERSISTER_ZIP: Final = ROOT / "build" / "lambda" / "persister.zip"
REGION: Final = "us-east-1"
LIVE_SECONDS: Final = 7 * 86400.0  # --keep-running: the persister polls until Ctrl-C (a week at most)
LOCAL_AWS_ENV: Final = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}
REQUIRED_OUTPUTS: Final = (
    "sns_topic_arn",
    "queue_url",
    "dlq_url",
    "events_table_name",
    "configuration_set_names",
)
# The persister's environment contract, used when the deployed function's configuration is unavailable.
DEFAULT_FUNCTION_ENV: Final = {
    "EVENT_RETENTION_DAYS": "90",
    "STORE_SUBJECT": "false",
    "POWERTOOLS_SERVICE_NAME": "persister",
    "POWERTOOLS_METRICS_NAMESPACE": "SesMailPlatform",
    "POWERTOOLS_LOG_LEVEL": "INFO",
}


class DemoError(Exception):
    """A one-line reason the demo stopped, and the exit code it maps to."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class DemoOptions:
    """What scripts/demo.py parsed: scenario size and seed, moto port (0 = any free one), work directory."""

    count: int = DEFAULT_COUNT
    seed: int = DEFAULT_SEED
    moto_port: int = 0
    workdir: Path = ROOT / ".demo"
    keep_running: bool = False
    outage: bool = False  # play an SES outage instead (sesmail_local.outage)


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


@dataclass
class Run:
    """What the run did and measured; becomes .demo/run.json."""

    options: DemoOptions
    started: float = field(default_factory=time.monotonic)
    record: dict[str, Any] = field(default_factory=dict)
    durations: dict[str, float] = field(default_factory=dict)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @contextmanager
    def step(self, title: str) -> Iterator[None]:
        print(f"\n== {title}", flush=True)
        began = time.monotonic()
        yield
        took = time.monotonic() - began
        self.durations[title] = round(took, 2)
        print(f"   done in {took:.1f} s (total {self.elapsed():.1f} s)", flush=True)


# --- local AWS and Terraform --------------------------------------------------------------------------


def check_port_free(port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise DemoError(
                f"port {port} on 127.0.0.1 is already in use: stop what uses it, or pick another "
                "port (MOTO_PORT=5055 make demo) or leave MOTO_PORT unset for a free one",
                2,
            ) from None


def force_local_aws_env(moto_url: str) -> None:
    """Fake credentials, no profile, every SDK endpoint on moto (SESv2 is set once the stand-in runs)."""
    for key in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL_SESV2"):
        os.environ.pop(key, None)
    os.environ.update(LOCAL_AWS_ENV)
    os.environ["AWS_ENDPOINT_URL"] = moto_url


def terraform_env(workdir: Path) -> dict[str, str]:
    """The repository's CLI config (provider mirror), generated exactly as make and tf_each.sh do."""
    rc = workdir / "terraformrc"
    result = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [str(ROOT / "scripts/dev/terraformrc.sh"), str(rc)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise DemoError(result.stderr.strip() or "scripts/dev/terraformrc.sh failed", 2)
    return {
        **os.environ,
        "TF_CLI_CONFIG_FILE": str(rc),
        "TF_DATA_DIR": str(workdir / "tfdata"),
        "TF_IN_AUTOMATION": "1",
        "CHECKPOINT_DISABLE": "1",
    }


def run_logged(command: Sequence[str], env: Mapping[str, str], log: Path, what: str) -> None:
    with log.open("a") as out:
        out.write(f"\n$ {shlex.join(command)}\n")
        out.flush()
        result = subprocess.run(command, env=env, stdout=out, stderr=subprocess.STDOUT, check=False)  # noqa: S603
    if result.returncode != 0:
        tail = log.read_text().splitlines()[-15:]
        print("\n".join(f"   | {line}" for line in tail), file=sys.stderr)
        raise DemoError(f"{what} failed (exit {result.returncode}); full log: {shown(log)}")


def terraform_apply(moto_url: str, workdir: Path) -> dict[str, Any]:
    """init + apply terraform/envs/local on a fresh local state under workdir; returns the outputs."""
    env = terraform_env(workdir)
    state, log = workdir / "terraform.tfstate", workdir / "terraform.log"
    for stale in (state, state.with_name(state.name + ".backup"), log):
        stale.unlink(missing_ok=True)  # a new moto server starts empty: so does the state
    tf = ["terraform", f"-chdir={ENV_DIR}"]
    init = [
        "init",
        "-input=false",
        "-no-color",
        "-lockfile=readonly",
        "-reconfigure",
        f"-backend-config=path={state}",
    ]
    run_logged([*tf, *init], env, log, "terraform init")
    print(f"   terraform apply -var aws_endpoint={moto_url}  (log: {shown(log)})", flush=True)
    apply = ["apply", "-input=false", "-no-color", "-auto-approve", f"-var=aws_endpoint={moto_url}"]
    run_logged([*tf, *apply], env, log, "terraform apply")
    result = subprocess.run([*tf, "output", "-json"], env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise DemoError(f"terraform output failed: {result.stderr.strip()[-300:]}")
    outputs = {name: value["value"] for name, value in json.loads(result.stdout).items()}
    missing = [name for name in REQUIRED_OUTPUTS if name not in outputs]
    if missing:
        raise DemoError(f"terraform/envs/local does not output {', '.join(missing)}")
    return outputs


# --- the persister ---------------------------------------------------------------------------------------


def take_over_event_source(outputs: Mapping[str, Any]) -> tuple[dict[str, str], int]:
    """Disable moto's own SQS event source mapping and return the function's environment and batch size.

    moto would otherwise "invoke" the function on every SQS send, which needs Docker: each attempt
    fails, slows every publish down and burns the messages' receive count until the redrive policy moves
    them to the DLQ. The local runner plays the mapping's part instead, with the deployed settings.
    """
    env = {**DEFAULT_FUNCTION_ENV, "EVENTS_TABLE_NAME": outputs["events_table_name"]}
    name = outputs.get("persister_function_name")
    if not name:
        return env, 10
    aws_lambda = boto3.client("lambda")
    configuration = aws_lambda.get_function_configuration(FunctionName=name)
    env = dict(configuration.get("Environment", {}).get("Variables", {}))
    batch_size = 10
    function_arn = configuration["FunctionArn"]
    # Listed unfiltered: moto's FunctionName filter does not match a plain function name.
    mappings = aws_lambda.list_event_source_mappings()["EventSourceMappings"]
    for mapping in [m for m in mappings if m.get("FunctionArn") == function_arn]:
        aws_lambda.update_event_source_mapping(UUID=mapping["UUID"], Enabled=False)
        batch_size = int(mapping.get("BatchSize", batch_size))
    return env, batch_size


class Persister:
    """The persister over the queue, in its own process like a Lambda execution environment.

    Started before the traffic, as the event source mapping polls while mail flows; its stdout is the
    function's log (".demo/lambda.log", CloudWatch Logs' stand-in). ``traffic_done`` tells it an
    empty queue now means drained.
    """

    def __init__(
        self,
        outputs: Mapping[str, Any],
        function_env: Mapping[str, str],
        batch_size: int,
        workdir: Path,
        max_seconds: float = 300.0,
    ):
        self.report_path, self.log = workdir / "lambda-runner.json", workdir / "lambda.log"
        self.marker = workdir / "traffic-done"
        for stale in (self.report_path, self.marker):
            stale.unlink(missing_ok=True)
        command = ["-m", "sesmail_local.lambda_runner", "--queue-url", outputs["queue_url"]]
        command += ["--batch-size", str(batch_size), "--report", str(self.report_path)]
        command += ["--traffic-done-file", str(self.marker), "--max-seconds", str(max_seconds)]
        print(f"   python {shlex.join(command)}")
        print(
            f"   (the function's environment and batch size as deployed on moto; its log: {shown(self.log)})"
        )
        with self.log.open("w") as out:
            self.process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
                [sys.executable, *command],
                env={**os.environ, **function_env},
                stdout=out,
                stderr=subprocess.PIPE,
                text=True,
            )

    def traffic_done(self) -> None:
        self.marker.touch()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def wait(self, timeout: float = 300.0) -> dict[str, Any]:
        try:
            _, stderr = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise DemoError(f"the Lambda runner did not drain the queue within {timeout:.0f} s") from None
        if not self.report_path.exists():
            raise DemoError(f"the Lambda runner failed: {stderr.strip()[-300:]}")
        report: dict[str, Any] = json.loads(self.report_path.read_text())
        counts = ", ".join(
            f"{report[key]} {key.split('_')[-1]}" for key in ("records_deleted", "records_failed")
        )
        print(f"   {report['invocations']} invocations, {report['records_received']} records: {counts}")
        print(f"   drained: {report['drained']}")
        if self.process.returncode != 0:
            errors = "; ".join(report["handler_errors"][:3]) or f"see {shown(self.log)}"
            raise DemoError(f"the persister did not process every record ({errors})")
        return report


def queue_depth(queue_url: str) -> int:
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )
    return sum(int(value) for value in attributes["Attributes"].values())


# --- showing what is stored --------------------------------------------------------------------------------


def print_summary(sources: Mapping[str, Counter[str]], finals: Counter[str], mails: int) -> list[str]:
    names = list(sources)
    print("   " + " " * 12 + "".join(f"{name:>16}" for name in names))
    for key in SUMMARY_KEYS:
        print(f"   {key:<12}" + "".join(f"{sources[name].get(key, 0):>16}" for name in names))
    print(f"   final status of the {mails} mails: " + ", ".join(f"{s} {n}" for s, n in finals.most_common()))
    problems = disagreements(sources)
    for problem in problems:
        print(f"   MISMATCH {problem}", file=sys.stderr)
    if not problems:
        print(f"   all {len(names)} sources agree")
    return problems


def pick_samples(
    statuses: Mapping[str, MessageStatus], sent: Sequence[SentMail]
) -> tuple[list[str], str | None]:
    """Three message IDs with different outcomes, and a hard-bounced customer address (or any)."""
    first_by_status: dict[str, str] = {}
    bounced: list[str] = []
    for mail in sent:
        for recipient in statuses[mail.message_id].recipients:
            first_by_status.setdefault(recipient.status, mail.message_id)
            if recipient.status == "bounced":
                bounced.append(mail.recipient)
    wanted = ("delivered", "bounced", "suppressed", "complained")
    samples = [first_by_status[status] for status in wanted if status in first_by_status][:3]
    customers = [address for address in bounced if not address.endswith("@" + SIMULATOR_DOMAIN)]
    return samples, next(iter(customers or bounced), None)


class CliRunner:
    """Runs the operator CLIs as a user would, prints each exact command, keeps them for run.json."""

    def __init__(self, exports: Mapping[str, str]) -> None:
        self.env = {**os.environ, **exports}
        self.commands: list[dict[str, Any]] = []

    def run(self, args: Sequence[str]) -> str:
        display = shlex.join([".venv/bin/python", *args])
        print(f"\n   $ {display}", flush=True)
        result = subprocess.run(  # noqa: S603 - fixed argv, no shell
            [sys.executable, *args], cwd=ROOT, env=self.env, capture_output=True, text=True, check=False
        )
        for line in (result.stdout + result.stderr).rstrip().splitlines():
            print(f"     {line}")
        self.commands.append({"command": display, "exit_code": result.returncode})
        if result.returncode != 0:
            raise DemoError(f"'{display}' exited {result.returncode}")
        return result.stdout


def show_operator_views(cli: CliRunner, samples: Sequence[str], bounced_address: str | None) -> None:
    print("\n   Status timeline of three sample messages")
    for message_id in samples:
        cli.run(["scripts/mail_status.py", "message", message_id])
    if bounced_address:
        print('\n   "This user gets nothing": the recipient\'s history, then the suppression check')
        cli.run(["scripts/mail_status.py", "recipient", bounced_address])
        cli.run(["scripts/audit_suppression.py", "check", bounced_address])
    print("\n   Suppression list audit, with a dry-run removal of the hard bounces (--apply would act)")
    cli.run(["scripts/audit_suppression.py", "list", "--remove", "hard-bounce"])


# --- the flow ---------------------------------------------------------------------------------------------


def preflight(options: DemoOptions) -> None:
    if shutil.which("terraform") is None:
        raise DemoError("terraform is not on PATH: install Terraform >= 1.11 (README.md, Requirements)", 2)
    if not PERSISTER_ZIP.is_file():
        raise DemoError(f"{shown(PERSISTER_ZIP)} is missing: run 'make package' (make demo does)", 2)
    if options.moto_port:
        check_port_free(options.moto_port)


class Demo:
    """The six steps, in order, sharing the servers they start (stopped by ``servers`` on exit)."""

    def __init__(self, run: Run, servers: ExitStack) -> None:
        self.run = run
        self.options = run.options
        self.workdir: Path = run.options.workdir
        self.servers = servers

    def start_moto(self) -> None:
        log = self.workdir / "moto.log"
        try:
            self.moto = self.servers.enter_context(
                MotoServer(port=self.options.moto_port or None, log_path=log)
            )
        except MotoServerError as exc:  # its message already says what to do
            raise DemoError(str(exc), 2) from exc
        force_local_aws_env(self.moto.url)
        print(f"   moto at {self.moto.url} (log: {shown(log)})")

    def apply(self) -> None:
        self.outputs = terraform_apply(self.moto.url, self.workdir)
        for name in REQUIRED_OUTPUTS:
            print(f"   {name} = {self.outputs[name]}")
        self.function_env, self.batch_size = take_over_event_source(self.outputs)
        print("   moto's event source mapping disabled: the local runner (step 5) takes its place")

    def start_standin(self) -> None:
        topics = {name: self.outputs["sns_topic_arn"] for name in self.outputs["configuration_set_names"]}
        self.publisher = SnsPublisher(self.moto.url, REGION)
        self.servers.callback(self.publisher.close)
        self.standin = self.servers.enter_context(
            SesStandIn(topics=topics, publish=self.publisher, region=REGION)
        )
        os.environ["AWS_ENDPOINT_URL_SESV2"] = self.standin.endpoint_url
        print(f"   stand-in at {self.standin.endpoint_url}; configuration sets: {', '.join(topics)}")

    def send(self) -> None:
        self.persister = Persister(self.outputs, self.function_env, self.batch_size, self.workdir)
        self.servers.callback(self.persister.stop)
        self.plan = plan_scenario(self.options.count, self.options.seed)
        self.sent = send_scenario(self.plan, SesSender(self.outputs["configuration_set_names"][0]).send)
        self.publisher.flush()
        self.persister.traffic_done()
        if self.publisher.failed:
            raise DemoError(f"{self.publisher.failed} events could not be published to SNS (see above)")
        sent_file = self.workdir / "sent.json"
        sent_file.write_text(json.dumps([asdict(mail) for mail in self.sent], indent=1) + "\n")
        print(f"   {len(self.sent)} SES message IDs stored in {shown(sent_file)}")
        print(f"   {self.publisher.published} SES events published to SNS -> SQS")

    def persist(self) -> None:
        self.run.record["lambda_runner"] = self.persister.wait()
        left = queue_depth(self.outputs["queue_url"]) + queue_depth(self.outputs["dlq_url"])
        self.run.record["queue_and_dlq_depth"] = left
        print(f"   messages left in the queue and the DLQ: {left}")

    def summarise(self, table: str) -> tuple[dict[str, MessageStatus], list[str]]:
        store = EventStore(dynamodb_client(), table)
        statuses: dict[str, MessageStatus] = {}
        for mail in self.sent:
            status = message_status(store, mail.message_id)
            if status is None:
                raise DemoError(f"nothing is stored for message {mail.message_id}")
            statuses[mail.message_id] = status
        sources = {
            "support lookup": lookup_counts(statuses.values()),
            "table scan": scan_counts(dynamodb_client(), table),
            "SES stand-in": published_counts(self.standin.state.published),
            "scenario": expected_event_counts(self.plan),
        }
        finals = final_status_counts(statuses.values())
        print("\n   Summary: events per category, counted four independent ways")
        problems = print_summary(sources, finals, len(self.sent))
        self.run.record["summary"] = {name: dict(counts) for name, counts in sources.items()}
        self.run.record["final_status"] = dict(finals)
        return statuses, problems

    def stay_live(self, exports: Mapping[str, str]) -> Path:
        """--keep-running: a persister that keeps polling, and .demo/live.json for `make smoke ENV=local`.

        The runner of step 5 stops once the queue is drained; a live environment needs one that keeps
        polling like the event source mapping, so mail sent later (the smoke test) is stored too.
        """
        live_dir = self.workdir / "live"
        live_dir.mkdir(exist_ok=True)
        persister = Persister(
            self.outputs, self.function_env, self.batch_size, live_dir, max_seconds=LIVE_SECONDS
        )
        self.servers.callback(persister.stop)
        live_file = self.workdir / "live.json"
        live = {
            "endpoints": {"moto": self.moto.url, "sesv2_standin": self.standin.endpoint_url},
            "region": REGION,
            "terraform_outputs": self.outputs,
            "exports": dict(exports),
            "persister_pid": persister.process.pid,
        }
        live_file.write_text(json.dumps(live, indent=1) + "\n")
        self.servers.callback(live_file.unlink, missing_ok=True)
        return live_file

    def exports(self, sesv2_endpoint: str) -> dict[str, str]:
        """What the operator CLIs below run with (printed, and kept for --keep-running)."""
        exports = {
            "AWS_ENDPOINT_URL": self.moto.url,
            "AWS_ENDPOINT_URL_SESV2": sesv2_endpoint,
            **{
                k: LOCAL_AWS_ENV[k]
                for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")
            },
            "EVENTS_TABLE_NAME": self.outputs["events_table_name"],
        }
        print("\n   The commands below run with: " + " ".join(f"{k}={v}" for k, v in exports.items()))
        return exports

    def show(self) -> dict[str, str]:
        statuses, problems = self.summarise(self.outputs["events_table_name"])
        exports = self.exports(self.standin.endpoint_url)
        cli = CliRunner(exports)
        samples, bounced_address = pick_samples(statuses, self.sent)
        show_operator_views(cli, samples, bounced_address)
        self.run.record.update(
            samples={"message_ids": samples, "bounced_address": bounced_address},
            commands=cli.commands,
            endpoints={"moto": self.moto.url, "sesv2_standin": self.standin.endpoint_url},
            terraform_outputs=self.outputs,
        )
        console_data = self.workdir / "console-data.json"
        table = self.outputs["events_table_name"]
        items = export_console_data(dynamodb_client(), table, self.standin.state, console_data)
        self.run.record["console_data"] = {"file": shown(console_data), "items": items}
        if problems:
            raise DemoError("what is stored disagrees with what was sent: " + "; ".join(problems))
        if self.run.record["queue_and_dlq_depth"]:
            raise DemoError("messages were left in the queue or the DLQ")
        return exports

    def show_outage(self, outage: OutageDemo) -> None:
        cli = CliRunner(self.exports(outage.standins[PRIMARY].endpoint_url))
        outage.show(cli)
        self.run.record.update(commands=cli.commands, terraform_outputs=self.outputs)
        if outage.problems:
            raise DemoError("mail was lost or duplicated in the outage: " + "; ".join(outage.problems))
        if self.run.record["queue_and_dlq_depth"]:
            raise DemoError("messages were left in the queue or the DLQ")


def run_outage(run: Run, demo: Demo) -> None:
    outage, steps = outage_steps(demo)
    for title, action in steps:
        with run.step(title):
            action()
    with run.step("8/8 What support sees: each path, looked up by reference"):
        demo.show_outage(outage)


def save_run(run: Run) -> None:
    run.record.update(steps_seconds=run.durations, wall_seconds=round(run.elapsed(), 1))
    path = run.options.workdir / "run.json"
    path.write_text(json.dumps(run.record, indent=1, default=str) + "\n")
    print(f"\nRun artifact: {shown(path)}")


def run_demo(run: Run) -> None:
    options = run.options
    preflight(options)
    options.workdir.mkdir(parents=True, exist_ok=True)
    run.record.update(
        started_at=datetime.now(UTC).isoformat(timespec="seconds"), count=options.count, seed=options.seed
    )
    with ExitStack() as servers:
        demo = Demo(run, servers)
        steps = 8 if options.outage else 6
        with run.step(f"1/{steps} Local AWS: moto server on 127.0.0.1"):
            demo.start_moto()
        with run.step(
            f"2/{steps} terraform apply terraform/envs/local (pipeline, table, alarms) against moto"
        ):
            demo.apply()
        if options.outage:
            run_outage(run, demo)
            save_run(run)
            return
        with run.step("3/6 Local SESv2 stand-in (not SES: docs/local.md) publishing to the pipeline's topic"):
            demo.start_standin()
        count, seed = options.count, options.seed
        with run.step(f"4/6 Send {count} mails (seed {seed}) through sesmail.sending; the persister polls"):
            demo.send()
        with run.step("5/6 Persister Lambda (local runner, handler in-process) until the queue is drained"):
            demo.persist()
        with run.step("6/6 What support and operators see"):
            exports = demo.show()
        save_run(run)
        print(
            f"\nSupport console over this run's data ({shown(options.workdir / 'console-data.json')}):"
            f" `make console`, then open {console_url(DEFAULT_CONSOLE_PORT)}"
        )
        if options.keep_running:
            live_file = demo.stay_live(exports)
            print("\n== Servers still running. To rerun the commands above in another shell:")
            print("   " + " ".join(f"export {k}={shlex.quote(v)};" for k, v in exports.items()))
            print(f"   The persister keeps polling; `make smoke ENV=local` uses {shown(live_file)}.")
            print("   Ctrl-C stops them.", flush=True)
            threading.Event().wait()


def stop_on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # run the same cleanup as Ctrl-C: servers are stopped by the ExitStack


def main(options: DemoOptions) -> int:
    """Run the flow; 0 it ran and every cross-check agreed, 1 a step failed or sources disagree,
    2 setup problem (missing tool or build, port in use), 130 interrupted."""
    run = Run(options)
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    try:
        run_demo(run)
    except DemoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("\ninterrupted: local servers stopped", file=sys.stderr)
        return 130
    print(f"\nmake demo: done in {run.elapsed():.1f} s")
    return 0

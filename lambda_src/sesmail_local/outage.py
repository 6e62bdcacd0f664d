"""`make demo DEMO_ARGS=--outage`: an SES outage played against two local stand-ins (docs/local.md).

The same moto server and terraform/envs/local as the default demo, then:

- two SESv2 stand-ins, the primary (us-east-1) and the standby (us-west-2), both publishing to the
  pipeline's one SNS topic (issue 14: the standby's events reach the primary's queue);
- a durable outbox: two moto SQS queues created here (the outbox queue Terraform is not built yet), and
  the outbox trail in the events table (``TrailedOutbox``: lookup by reference while queued);
- the seeded scenario sent through ``sesmail.sending.failover.FailoverSender`` with every mail's own
  reference (``demo-0007``), in four phases by mail index: both regions up; the primary failing
  (SendEmail answers 503 ``ServiceUnavailable``): mail fails over to the standby, whose suppression list
  is first brought in step with ``sesmail.suppression.sync``; both failing: mail goes to the outbox;
  recovery: mail flows again, and the real replay handler (``sesmail.handlers.outbox_replay.handler``)
  drains the outbox through the local Lambda runner;
- the persister stores every event; then every reference is looked up with
  ``sesmail.events.lookup.ref_status`` (the product's read path) and checked: found, sent, by exactly
  one SES message unless an at-least-once duplicate was flagged, and the stand-ins accepted exactly as
  many messages as the references account for. Any gap fails the run (exit 1).

The breaker cool-down (1 s) and the retry backoff (10-50 ms) are shortened so the drill takes seconds;
the failure classes, the breaker, the outbox and the replay are the production code.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Final

import boto3

from sesmail.aws.calls import RateLimiter
from sesmail.events.lookup import RefStatus, ref_status
from sesmail.events.store import EventStore
from sesmail.events.store import create_client as dynamodb_client
from sesmail.sending.breaker import BreakerPolicy
from sesmail.sending.failover import (
    BULK,
    TRANSACTIONAL,
    FailoverSender,
    MailClass,
    RetryPolicy,
    Status,
    create_region_client,
)
from sesmail.sending.outbox import SqsOutbox, TrailedOutbox
from sesmail.suppression.api import SuppressionListApi
from sesmail.suppression.sync import apply_sync, list_plan
from sesmail_local.lambda_runner import LambdaRunner
from sesmail_local.scenario import PlannedMail, plan_scenario, scenario_email
from sesmail_local.ses_standin import SesStandIn, SnsPublisher

if TYPE_CHECKING:
    from mypy_boto3_sesv2.client import SESV2Client

    from sesmail_local.demo import CliRunner, Demo

PRIMARY: Final = "us-east-1"
STANDBY: Final = "us-west-2"
FAULT: Final = "ServiceUnavailable"
REPLAY_HANDLER: Final = "sesmail.handlers.outbox_replay"  # imported in step 6, once its env is set
# (name, primary failing, standby failing), one quarter of the mails each.
PHASES: Final = (
    ("both regions up", False, False),
    ("primary failing", True, False),
    ("both regions failing", True, True),
    ("recovered", False, False),
)
DEMO_BREAKER: Final = BreakerPolicy(failure_threshold=3, cool_down_seconds=1.0)
DEMO_RETRY: Final = RetryPolicy(attempts_per_region=3, base_delay=0.01, max_delay=0.05)
REPLAY_RATE: Final = "50"


def ref_for(mail: PlannedMail) -> str:
    return f"demo-{mail.index:04d}"


def mail_class_for(mail: PlannedMail) -> MailClass:
    return BULK if mail.campaign == "newsletter" else TRANSACTIONAL


@dataclass
class Outcome:
    """What ``send`` answered for one mail, and (after the replay) how it finally went out."""

    ref: str
    phase: str
    mail_class: str
    status: str  # sent, queued or parked, as send() answered
    region: str | None
    message_id: str | None
    possible_duplicate: bool
    path: str = ""  # primary, failover, outbox -> <region>, parked


class OutageDemo:
    """Steps 3-8 of the outage flow; steps 1-2 (moto, terraform apply) are the default demo's."""

    def __init__(self, demo: Demo) -> None:
        self.demo = demo
        self.workdir = demo.workdir
        self.table = demo.outputs["events_table_name"]
        self.configuration_set = demo.outputs["configuration_set_names"][0]
        self.metrics: Counter[str] = Counter()
        self.outcomes: list[Outcome] = []
        self.problems: list[str] = []
        log = (self.workdir / "sender.log").open("w")
        demo.servers.callback(log.close)
        self.log_stream = log
        handler = logging.StreamHandler(log)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        library = logging.getLogger("sesmail")
        library.addHandler(handler)
        library.setLevel(logging.INFO)
        library.propagate = False  # warnings of every failed attempt belong in the log, not the screen

    # --- step 3 ------------------------------------------------------------------------------------
    def start_standins(self) -> None:
        topics = {
            name: self.demo.outputs["sns_topic_arn"] for name in self.demo.outputs["configuration_set_names"]
        }
        publisher = SnsPublisher(self.demo.moto.url, PRIMARY)
        self.demo.servers.callback(publisher.close)
        self.publisher = publisher
        self.standins = {
            region: self.demo.servers.enter_context(
                SesStandIn(topics=topics, publish=publisher, region=region)
            )
            for region in (PRIMARY, STANDBY)
        }
        for region, standin in self.standins.items():
            topic = topics[self.configuration_set]
            print(f"   {region} stand-in at {standin.endpoint_url}, publishing to {topic}")

    def region_client(self, region: str) -> SESV2Client:
        return create_region_client(region, endpoint_url=self.standins[region].endpoint_url)

    # --- step 4 ------------------------------------------------------------------------------------
    def create_outbox(self) -> None:
        sqs = boto3.client("sqs")
        self.outbox_url = sqs.create_queue(QueueName="local-outbox")["QueueUrl"]
        self.parked_url = sqs.create_queue(QueueName="local-outbox-parked")["QueueUrl"]
        self.store = EventStore(dynamodb_client(), self.table)
        self.outbox = TrailedOutbox(
            SqsOutbox(sqs, self.outbox_url, self.parked_url), self.store, metrics_sink=self.count
        )
        print(f"   outbox {self.outbox_url}, parked {self.parked_url} (moto SQS)")
        print(f"   outbox trail (lookup by reference while queued): REF#<ref> items in {self.table}")

    def count(self, name: str, value: float) -> None:
        self.metrics[name] += int(value)

    # --- step 5 ------------------------------------------------------------------------------------
    def send(self) -> None:
        from sesmail_local.demo import Persister  # noqa: PLC0415 - demo imports this module

        demo = self.demo
        demo.persister = Persister(demo.outputs, demo.function_env, demo.batch_size, self.workdir)
        demo.servers.callback(demo.persister.stop)
        demo.plan = plan = plan_scenario(demo.options.count, demo.options.seed)
        sender = FailoverSender.for_regions(
            PRIMARY,
            STANDBY,
            self.configuration_set,
            self.outbox,
            client_factory=self.region_client,
            retry=DEMO_RETRY,
            breaker=DEMO_BREAKER,
            metrics_sink=self.count,
        )
        size = -(-len(plan) // len(PHASES))
        for number, (name, primary_down, standby_down) in enumerate(PHASES, start=1):
            mails = plan[(number - 1) * size : number * size]
            if number == 2:
                self.sync_suppression()
            self.standins[PRIMARY].fail_sends(FAULT if primary_down else None)
            self.standins[STANDBY].fail_sends(FAULT if standby_down else None)
            down = [
                region for region, is_down in ((PRIMARY, primary_down), (STANDBY, standby_down)) if is_down
            ]
            state = (
                f"SendEmail answers 503 {FAULT} in {', '.join(down)}" if down else "SendEmail works in both"
            )
            first, last = (mails[0].index, mails[-1].index) if mails else (0, -1)
            print(f"   phase {number}/4 {name} (mails {first}-{last}): {state}", flush=True)
            before = Counter(self.metrics)
            results = [self.send_one(sender, mail, name) for mail in mails]
            said = Counter(f"{r.status} via {r.region}" if r.region else r.status for r in results)
            print("     " + ", ".join(f"{n} {what}" for what, n in sorted(said.items())), end="")
            changed = {k: v - before.get(k, 0) for k, v in self.metrics.items() if v - before.get(k, 0)}
            print("   metrics: " + (", ".join(f"{k} {v}" for k, v in sorted(changed.items())) or "-"))
        self.publisher.flush()

    def send_one(self, sender: FailoverSender, mail: PlannedMail, phase: str) -> Outcome:
        mail_class = mail_class_for(mail)
        result = sender.send(scenario_email(mail), ref=ref_for(mail), mail_class=mail_class)
        outcome = Outcome(
            ref=result.ref,
            phase=phase,
            mail_class=mail_class.name,
            status=result.status.value,
            region=result.region,
            message_id=result.message_id,
            possible_duplicate=result.possible_duplicate,
        )
        if result.status is Status.SENT:
            outcome.path = "primary" if result.region == PRIMARY else "failover"
        self.outcomes.append(outcome)
        return outcome

    def sync_suppression(self) -> None:
        """Item 1 of issue 15: the standby must know who the primary suppressed before it sends."""
        apis = {
            region: SuppressionListApi(self.region_client(region), RateLimiter(50.0))
            for region in self.standins
        }
        plan = list_plan(apis[PRIMARY], apis[STANDBY])
        result = apply_sync(plan, apis[STANDBY], lambda **_: None)
        print(
            f"   suppression lists in step before the failover ({PRIMARY} -> {STANDBY}): {result.summary()}"
        )
        if result.failed:
            self.problems.append(f"suppression sync: {result.summary()}")

    # --- step 6 ------------------------------------------------------------------------------------
    def replay(self) -> None:
        queued = sum(1 for outcome in self.outcomes if outcome.status == Status.QUEUED.value)
        os.environ.update(
            SENDING_PRIMARY_REGION=PRIMARY,
            SENDING_STANDBY_REGION=STANDBY,
            OUTBOX_QUEUE_URL=self.outbox_url,
            OUTBOX_PARKED_QUEUE_URL=self.parked_url,
            REPLAY_SEND_RATE=REPLAY_RATE,
            EVENTS_TABLE_NAME=self.table,
            POWERTOOLS_SERVICE_NAME="outbox-replay",
            POWERTOOLS_METRICS_NAMESPACE="SesMailPlatform",
        )
        from sesmail_local.demo import shown  # noqa: PLC0415 - demo imports this module

        log = self.workdir / "replay.log"
        print(f"   {queued} mail(s) in the outbox; both regions answer again")
        print(f"   the local Lambda runner feeds {self.outbox_url} to {REPLAY_HANDLER}.handler in-process")
        print(f"   (each region's client points at its stand-in; the function's log: {shown(log)})")
        with log.open("w") as out, contextlib.redirect_stdout(out):
            import sesmail.handlers.outbox_replay as module  # noqa: PLC0415 - reads the env set above

            # Its init built clients for the real endpoints: the same settings, with stand-in endpoints.
            module.replayer = module.build_replayer(module.settings, client_factory=self.region_client)
            runner = LambdaRunner(
                boto3.client("sqs"), self.outbox_url, module.handler, function_name="outbox-replay"
            )
            report = runner.run_until_drained(max_seconds=120.0)
            _detach_handlers_writing_to(out)
        self.demo.run.record["replay_runner"] = asdict(report)
        print(
            f"   {report.invocations} invocation(s), {report.records_received} record(s): "
            f"{report.records_deleted} done, {report.records_failed} failed; drained: {report.drained}"
        )
        self.publisher.flush()
        self.demo.persister.traffic_done()
        if not report.drained or report.records_failed:
            self.problems.append("the replay worker did not drain the outbox")

    # --- step 8 ------------------------------------------------------------------------------------
    def verify(self) -> dict[str, RefStatus]:
        found: dict[str, RefStatus] = {}
        messages = 0
        duplicates: list[str] = []
        for outcome in self.outcomes:
            status = ref_status(self.store, outcome.ref)
            if status is None:
                self.problems.append(f"{outcome.ref}: not found by its reference")
                continue
            found[outcome.ref] = status
            messages += len(status.messages)
            if status.state != "sent" or not status.messages:
                self.problems.append(f"{outcome.ref}: {status.summary}")
                continue
            if outcome.status != Status.SENT.value:
                sent = [record for record in status.outbox if record.state == "sent"]
                outcome.path = f"outbox -> {sent[-1].region}" if sent else "outbox -> ?"
            if len(status.messages) > 1:
                flagged = outcome.possible_duplicate or any(r.possible_duplicate for r in status.outbox)
                duplicates.append(outcome.ref)
                if not flagged:
                    self.problems.append(
                        f"{outcome.ref}: sent {len(status.messages)} times, no duplicate allowed"
                    )
        accepted = sum(standin.state.sent_messages for standin in self.standins.values())
        if accepted != messages:
            self.problems.append(
                f"the stand-ins accepted {accepted} message(s), the references account for {messages}"
            )
        from sesmail_local.demo import queue_depth  # noqa: PLC0415 - demo imports this module

        left = queue_depth(self.outbox_url) + queue_depth(self.parked_url)
        if left:
            self.problems.append(f"{left} message(s) left in the outbox or its parked queue")
        self.print_summary(found, messages, accepted, duplicates, left)
        sent_file = self.workdir / "sent.json"
        sent_file.write_text(json.dumps([asdict(o) for o in self.outcomes], indent=1) + "\n")
        return found

    def print_summary(
        self,
        found: Mapping[str, RefStatus],
        messages: int,
        accepted: int,
        duplicates: Sequence[str],
        left: int,
    ) -> None:
        order = {"primary": 0, "failover": 1}  # then "outbox -> <region>" and anything unexpected
        paths = sorted(
            {outcome.path for outcome in self.outcomes}, key=lambda path: (order.get(path, 2), path)
        )
        print("\n   Summary: how each mail went out, by phase")
        print("   " + f"{'phase':<22}{'mails':>7}" + "".join(f"{path:>22}" for path in paths))
        for name, _, _ in PHASES:
            mine = [o for o in self.outcomes if o.phase == name]
            by_path = Counter(o.path for o in mine)
            print("   " + f"{name:<22}{len(mine):>7}" + "".join(f"{by_path.get(p, 0):>22}" for p in paths))
        total = len(self.outcomes)
        print(
            f"   {len(found)}/{total} mails found by their reference; {messages} SES message(s) for {total} "
            f"reference(s), {accepted} accepted by the stand-ins; at-least-once duplicates: "
            f"{', '.join(duplicates) or 'none'}; left in the outbox: {left}"
        )
        print("   sender metrics: " + ", ".join(f"{k} {v}" for k, v in sorted(self.metrics.items())))
        self.demo.run.record["outage"] = {
            "paths": dict(Counter(o.path for o in self.outcomes)),
            "found_by_ref": len(found),
            "mails": total,
            "ses_messages": messages,
            "accepted_by_standins": accepted,
            "duplicates": list(duplicates),
            "metrics": dict(self.metrics),
        }
        for problem in self.problems:
            print(f"   MISMATCH {problem}")
        if not self.problems:
            print(
                f"   no mail lost: each of the {total} mails was sent once and is findable by its reference"
            )

    def show(self, cli: CliRunner) -> None:
        samples: dict[str, str] = {}
        for outcome in self.outcomes:
            samples.setdefault(outcome.path, outcome.ref)
        print("\n   One mail per path, looked up by its reference as support would")
        for path in sorted(samples):
            cli.run(["scripts/mail_status.py", "ref", samples[path]])


def _detach_handlers_writing_to(stream: object) -> None:
    """Powertools copies its handler onto the library's loggers; it writes to the (closing) replay log."""
    for name in [n for n in logging.root.manager.loggerDict if n == "sesmail" or n.startswith("sesmail.")]:
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            if getattr(handler, "stream", None) is stream:
                logger.removeHandler(handler)


def outage_steps(demo: Demo) -> tuple[OutageDemo, list[tuple[str, Callable[[], None]]]]:
    """Steps 3-7 as (title, action); ``demo.run_demo`` runs them after moto and terraform apply, and
    step 8 (the operator views) with ``OutageDemo.show``."""
    outage = OutageDemo(demo)

    def persist_and_verify() -> None:
        demo.persist()
        outage.verify()

    count = demo.options.count
    return outage, [
        (
            "3/8 Two SESv2 stand-ins: primary us-east-1 and standby us-west-2, one SNS topic",
            outage.start_standins,
        ),
        (
            "4/8 The durable outbox: two moto SQS queues and the trail in the events table",
            outage.create_outbox,
        ),
        (f"5/8 Send {count} mails through FailoverSender while SES fails, in four phases", outage.send),
        ("6/8 Recovery: the outbox replay handler drains the outbox (local Lambda runner)", outage.replay),
        (
            "7/8 Persister until the queue is drained; every mail looked up by its reference",
            persist_and_verify,
        ),
    ]

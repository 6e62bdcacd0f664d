"""Smoke test of the SES event path after an apply: send to the mailbox simulator, wait for the events.

    make smoke ENV=staging|production|local        (or .venv/bin/python scripts/smoke.py --env ENV)

For every configuration set of the environment, sends one mail to each SES mailbox simulator address
(success@, bounce@, complaint@, suppressionlist@simulator.amazonses.com, each with a +label unique to
the run) and waits until every expected event (Send, Delivery, Bounce, Complaint) is queryable in the
event table through the support lookup. Each hop is printed with its latency: "sent" when SES accepted
the mail, then per event the SES event time and when it was first seen in the table.

staging / production: needs AWS credentials for the environment's account and an initialised
  environment (`make plan ENV=...` once; the CI apply job has both). Configuration sets, table, region
  and the sender domain come from `terraform -chdir=terraform/envs/ENV output`. Simulator mail is
  billed like any mail but counts against neither the quota nor the reputation. The sender must be
  on a verified domain: default smoke@<first sending domain>, or --from.
local: runs against a live `make demo` environment: start `make demo DEMO_ARGS=--keep-running` in
  another shell and wait for "Servers still running"; it writes .demo/live.json (endpoints and
  outputs), which this command reads. The SES stand-in plays SES there (docs/local.md).

What the shared exit codes mean here:
  0  every expected event was stored within the timeout
  1  AWS error: SES refused a send (sandbox, unverified sender, paused account or configuration set),
     or the event table could not be read
  2  usage or setup error: bad option, environment not initialised, no live local environment
  3  not found: some expected event was not in the table within the timeout (the path loses or
     delays events; the FAIL lines name which)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from sesmail.cli import exits
from sesmail.cli.exits import ExitCode, UsageError
from sesmail.cli.parser import CliParser

ROOT: Final = Path(__file__).resolve().parents[1]
ENVS: Final = ("local", "staging", "production")
DEFAULT_LIVE_FILE: Final = ROOT / ".demo" / "live.json"
DEFAULT_TIMEOUT: Final = {"local": 120.0, "staging": 600.0, "production": 600.0}
LOCAL_AWS_ENV: Final = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}


@dataclass(frozen=True)
class Target:
    configuration_sets: list[str]
    table: str
    region: str
    sender: str


def build_parser() -> CliParser:
    parser = CliParser(prog="smoke.py", description=__doc__)
    parser.add_argument("--env", required=True, choices=ENVS, help="environment to prove")
    parser.add_argument("--from", dest="sender", help="sender address on a verified domain")
    parser.add_argument(
        "--configuration-set", action="append", help="only this set (repeatable; default: all of the env)"
    )
    parser.add_argument(
        "--timeout", type=float, help="seconds to wait for the events (default 120 local, 600 otherwise)"
    )
    parser.add_argument(
        "--live-file", type=Path, default=DEFAULT_LIVE_FILE, help="local: the demo's live.json"
    )
    return parser


def terraform_outputs(env: str) -> dict[str, Any]:
    command = ["terraform", f"-chdir={ROOT / 'terraform' / 'envs' / env}", "output", "-json"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        raise UsageError("terraform is not on PATH") from None
    outputs = json.loads(result.stdout or "{}") if result.returncode == 0 else {}
    if not outputs:
        raise UsageError(f"no Terraform outputs for {env}: run 'make plan ENV={env}' (and apply) first")
    return {name: value["value"] for name, value in outputs.items()}


def real_target(env: str, outputs: Mapping[str, Any], sender: str | None) -> Target:
    try:
        sets, table, region = (
            outputs["ses_configuration_set_names"],
            outputs["events_table_name"],
            outputs["region"],
        )
    except KeyError as missing:
        raise UsageError(
            f"terraform/envs/{env} has no output {missing}: apply the current code first"
        ) from None
    domains = sorted(outputs.get("ses_identity_arns", {}))
    if sender is None and not domains:
        raise UsageError("no sending domain in the outputs: pass --from ADDRESS on a verified domain")
    return Target(list(sets), table, region, sender or f"smoke@{domains[0]}")


def local_target(live_file: Path, sender: str | None) -> Target:
    """The live demo environment; points every AWS client of this process at it."""
    try:
        live = json.loads(live_file.read_text())
    except (OSError, ValueError):
        raise UsageError(
            f"no live local environment ({live_file} missing): run 'make demo DEMO_ARGS=--keep-running' "
            "in another shell first"
        ) from None
    moto, standin = live["endpoints"]["moto"], live["endpoints"]["sesv2_standin"]
    try:
        urllib.request.urlopen(f"{moto}/moto-api/", timeout=3).close()  # noqa: S310 - loopback URL from live.json
    except (urllib.error.URLError, OSError):
        raise UsageError(f"the live local environment at {moto} is not running (stale {live_file})") from None
    os.environ.update(LOCAL_AWS_ENV)
    os.environ.update(
        AWS_ENDPOINT_URL=moto,
        AWS_ENDPOINT_URL_SESV2=standin,
        AWS_DEFAULT_REGION=live["region"],
        AWS_REGION=live["region"],
    )
    outputs = live["terraform_outputs"]
    return Target(
        list(outputs["configuration_set_names"]),
        outputs["events_table_name"],
        live["region"],
        sender or "smoke@example.com",
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)  # exits 2 with a one-line error on bad usage
    from sesmail.aws.clients import client  # noqa: PLC0415 - keeps --help fast
    from sesmail.events.smoke import Probe, plan_probes, run_id_now, run_smoke, summary_lines  # noqa: PLC0415
    from sesmail.events.store import EventStore, StoreError  # noqa: PLC0415
    from sesmail.sending.sender import Email, SesSender  # noqa: PLC0415

    def body() -> int:
        timeout = args.timeout if args.timeout is not None else DEFAULT_TIMEOUT[args.env]
        if timeout <= 0:
            raise UsageError("--timeout must be positive")
        if args.env == "local":
            target = local_target(args.live_file, args.sender)
        else:
            target = real_target(args.env, terraform_outputs(args.env), args.sender)
        sets = args.configuration_set or target.configuration_sets
        unknown = sorted(set(sets) - set(target.configuration_sets))
        if unknown:
            raise UsageError(f"not a configuration set of {args.env}: {', '.join(unknown)}")
        run_id = run_id_now()
        probes = plan_probes(sets, run_id)
        sesv2 = client("sesv2", target.region)
        senders = {cs: SesSender(cs, sesv2) for cs in sets}

        def send(probe: Probe) -> str:
            email = Email(
                from_address=target.sender,
                to=[probe.recipient],
                subject=f"smoke test {run_id}",
                text=f"Post-deploy smoke test {run_id} of the SES event pipeline ({probe.mailbox}).",
                tags={"purpose": "smoke", "run": run_id},
            )
            return senders[probe.configuration_set].send(email)

        store = EventStore(client("dynamodb", target.region), target.table)
        print(
            f"smoke {args.env}: {len(probes)} mails through {', '.join(sets)} -> table {target.table}, "
            f"timeout {timeout:.0f} s"
        )
        smoke = run_smoke(probes, send, store, timeout=timeout)
        for line in summary_lines(smoke, timeout):
            print(line)
        if any(r.send_error is not None for r in smoke.results):
            return int(ExitCode.AWS_ERROR)
        return int(ExitCode.OK if smoke.ok else ExitCode.NOT_FOUND)

    return exits.run(body, sys.stderr, aws_errors=(StoreError,))


if __name__ == "__main__":
    sys.exit(main())

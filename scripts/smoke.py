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

Exit codes:
  0  every expected event was stored within the timeout
  1  some event did not arrive within the timeout (the path loses or delays events)
  2  usage or setup error (bad option, environment not initialised, no live local environment)
  3  SES refused a send (sandbox, unverified sender, paused account or configuration set)
  4  the event table could not be read (permissions, missing table, network)
"""

from __future__ import annotations

import argparse
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

from sesmail.events.smoke import Probe, plan_probes, run_id_now, run_smoke, summary_lines
from sesmail.events.store import EventStore, StoreError, create_client
from sesmail.sending.sender import Email, SesSender
from sesmail.sending.sender import create_client as sesv2_client

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


class SetupError(Exception):
    """One line explaining why the smoke test cannot start (exit 2)."""


@dataclass(frozen=True)
class Target:
    configuration_sets: list[str]
    table: str
    region: str
    sender: str


class OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"error: {message} (see --help)", file=sys.stderr)
        sys.exit(2)


def build_parser() -> OneLineParser:
    parser = OneLineParser(
        prog="smoke.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--env", required=True, choices=ENVS, help="environment to prove")
    parser.add_argument("--from", dest="sender", help="sender address on a verified domain")
    parser.add_argument(
        "--configuration-set", action="append", help="only this set (repeatable; default: all of the env)"
    )
    parser.add_argument(
        "--timeout", type=float, help="seconds to wait for the events (default 120 local, 600)"
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
        raise SetupError("terraform is not on PATH") from None
    outputs = json.loads(result.stdout or "{}") if result.returncode == 0 else {}
    if not outputs:
        raise SetupError(f"no Terraform outputs for {env}: run 'make plan ENV={env}' (and apply) first")
    return {name: value["value"] for name, value in outputs.items()}


def real_target(env: str, outputs: Mapping[str, Any], sender: str | None) -> Target:
    try:
        sets, table, region = (
            outputs["ses_configuration_set_names"],
            outputs["events_table_name"],
            outputs["region"],
        )
    except KeyError as missing:
        raise SetupError(
            f"terraform/envs/{env} has no output {missing}: apply the current code first"
        ) from None
    domains = sorted(outputs.get("ses_identity_arns", {}))
    if sender is None and not domains:
        raise SetupError("no sending domain in the outputs: pass --from ADDRESS on a verified domain")
    return Target(list(sets), table, region, sender or f"smoke@{domains[0]}")


def local_target(live_file: Path, sender: str | None) -> Target:
    """The live demo environment; points every AWS client of this process at it."""
    try:
        live = json.loads(live_file.read_text())
    except (OSError, ValueError):
        raise SetupError(
            f"no live local environment ({live_file} missing): run 'make demo DEMO_ARGS=--keep-running' "
            "in another shell first"
        ) from None
    moto, standin = live["endpoints"]["moto"], live["endpoints"]["sesv2_standin"]
    try:
        urllib.request.urlopen(f"{moto}/moto-api/", timeout=3).close()  # noqa: S310 - loopback URL from live.json
    except (urllib.error.URLError, OSError):
        raise SetupError(f"the live local environment at {moto} is not running (stale {live_file})") from None
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
    args = build_parser().parse_args(argv)
    timeout = args.timeout if args.timeout is not None else DEFAULT_TIMEOUT[args.env]
    if timeout <= 0:
        print("error: --timeout must be positive", file=sys.stderr)
        return 2
    try:
        if args.env == "local":
            target = local_target(args.live_file, args.sender)
        else:
            target = real_target(args.env, terraform_outputs(args.env), args.sender)
        sets = args.configuration_set or target.configuration_sets
        unknown = sorted(set(sets) - set(target.configuration_sets))
        if unknown:
            raise SetupError(f"not a configuration set of {args.env}: {', '.join(unknown)}")
        run_id = run_id_now()
        probes = plan_probes(sets, run_id)
    except SetupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    client = sesv2_client(target.region)
    senders = {cs: SesSender(cs, client) for cs in sets}

    def send(probe: Probe) -> str:
        email = Email(
            from_address=target.sender,
            to=[probe.recipient],
            subject=f"smoke test {run_id}",
            text=f"Post-deploy smoke test {run_id} of the SES event pipeline ({probe.mailbox}).",
            tags={"purpose": "smoke", "run": run_id},
        )
        return senders[probe.configuration_set].send(email)

    store = EventStore(create_client(target.region), target.table)
    print(
        f"smoke {args.env}: {len(probes)} mails through {', '.join(sets)} -> table {target.table}, "
        f"timeout {timeout:.0f} s"
    )
    try:
        smoke = run_smoke(probes, send, store, timeout=timeout)
    except StoreError as error:
        print(f"error: {error}", file=sys.stderr)
        return 4
    for line in summary_lines(smoke, timeout):
        print(line)
    if any(r.send_error is not None for r in smoke.results):
        return 3
    return 0 if smoke.ok else 1


if __name__ == "__main__":
    sys.exit(main())

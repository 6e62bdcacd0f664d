"""make demo: the whole platform on an emulated AWS, in one command, with no AWS account.

Steps: start a moto server on 127.0.0.1 -> `terraform apply` terraform/envs/local against it (event
pipeline, table, alarms) -> start the local SESv2 stand-in wired to the pipeline's SNS topic -> send a
seeded scenario through sesmail.sending.sender (the service code path) -> run the persister handler over the
SQS queue until it is drained -> show the summary (cross-checked against a direct table scan, the
stand-in's own count and the scenario's prediction), three message timelines, a bounced recipient's
history, the suppression audit and a dry-run removal, by running the operator CLIs exactly as a user
would. Everything lands under .demo/ (Terraform state and log, moto and Lambda logs, run.json).

Nothing here can reach real AWS: credentials are forced to fake values, shared config files are
ignored and every endpoint points at 127.0.0.1. Servers stop at the end, on errors and on Ctrl-C;
--keep-running leaves them up (until Ctrl-C) with a persister that keeps polling, so the printed
commands can be rerun and `make smoke ENV=local` can prove the event path (.demo/live.json).

--outage plays an SES outage instead (primary failing, then both regions, then recovery and the outbox
replay) and checks that every mail was sent once and is findable by its reference.

Exit codes: 0 the flow ran and every cross-check agreed; 1 a step failed or sources disagree;
2 setup problem (missing tool or build, port in use, bad option); 130 interrupted.
The flow itself: lambda_src/sesmail_local/demo.py.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sesmail_local.demo import ROOT, DemoOptions, main
from sesmail_local.scenario import DEFAULT_COUNT, DEFAULT_SEED


def parse_args(argv: Sequence[str] | None) -> DemoOptions:
    parser = argparse.ArgumentParser(
        prog="scripts/demo.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--count", type=int, default=DEFAULT_COUNT, help=f"mails to send (default {DEFAULT_COUNT})"
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help="scenario seed (same seed, same mails)"
    )
    parser.add_argument(
        "--moto-port",
        type=int,
        default=int(os.environ.get("MOTO_PORT") or 0),
        help="moto server port on 127.0.0.1 (default: $MOTO_PORT, else a free port)",
    )
    parser.add_argument(
        "--workdir", type=Path, default=ROOT / ".demo", help="state, logs and run.json (.demo/)"
    )
    parser.add_argument(
        "--keep-running",
        action="store_true",
        help="leave moto, the stand-in and a polling persister up after the run, until Ctrl-C "
        "(writes .demo/live.json for `make smoke ENV=local`)",
    )
    parser.add_argument(
        "--outage",
        action="store_true",
        help="play an SES outage instead: a primary and a standby stand-in, the primary failing, then "
        "both (mail queues in an outbox), then recovery and the outbox replay; every mail is then looked "
        "up by its reference and must have been sent once (docs/local.md, 'Outage drill')",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.count <= 5000:
        parser.error("--count must be between 1 and 5000")
    if args.outage and args.count < 4:
        parser.error("--outage needs --count of at least 4 (one mail per phase)")
    if args.outage and args.keep_running:
        parser.error("--outage and --keep-running cannot be combined")
    return DemoOptions(
        count=args.count,
        seed=args.seed,
        moto_port=args.moto_port,
        workdir=args.workdir.resolve(),
        keep_running=args.keep_running,
        outage=args.outage,
    )


if __name__ == "__main__":
    sys.exit(main(parse_args(None)))

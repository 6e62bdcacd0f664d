"""Replay SES events from a dead-letter queue into the event queue (dry-run unless --apply).

    replay_events.py peek   --from DLQ_URL [--limit N]                 what is waiting (no change)
    replay_events.py replay --from DLQ_URL --to QUEUE_URL [--apply]    move them to the event queue

Meant for the SNS subscription's dead-letter queue (`terraform output subscription_dlq_url`), which
SQS's own redrive cannot move; works for any SQS queue pair. Without --apply, `replay` only says
what it would move. With --apply it asks for confirmation (or --yes), then receives, sends to --to,
and deletes from --from one message at a time, appending one JSON line per moved message to the
audit log (identifiers only, no addresses). Redelivered events overwrite their own items, so a replay
is safe to repeat. Runbook: docs/runbooks/event-subscription-dlq-not-empty.md.

Exit codes:
  0  done (dry run printed, or every message moved)
  1  AWS error (queue missing, access denied, network)
  2  usage error (bad option, unwritable audit log, confirmation refused)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from sesmail.events.replay import AuditLog, DeadLetterQueue

DEFAULT_AUDIT_LOG: Final = "event-replay-audit.jsonl"


class OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"error: {message} (see --help)", file=sys.stderr)
        sys.exit(2)


def build_parser() -> OneLineParser:
    parser = OneLineParser(
        prog="replay_events.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    peek = commands.add_parser("peek", help="show what waits in the dead-letter queue (changes nothing)")
    replay = commands.add_parser("replay", help="move messages to the event queue (dry run unless --apply)")
    for sub in (peek, replay):
        sub.add_argument("--from", dest="source", required=True, metavar="DLQ_URL", help="dead-letter queue")
        sub.add_argument("--limit", type=int, default=1000, help="at most this many messages (default 1000)")
        sub.add_argument("--region", help="AWS region (default: the usual AWS_REGION chain)")
    replay.add_argument("--to", dest="destination", required=True, metavar="QUEUE_URL", help="event queue")
    replay.add_argument("--apply", action="store_true", help="really move the messages")
    replay.add_argument("--yes", action="store_true", help="with --apply: do not ask for confirmation")
    replay.add_argument(
        "--audit-log",
        type=Path,
        default=Path(DEFAULT_AUDIT_LOG),
        help=f"JSON lines (default {DEFAULT_AUDIT_LOG})",
    )
    return parser


def run_peek(queue: DeadLetterQueue, args: argparse.Namespace) -> int:
    letters = queue.peek(min(args.limit, 50))
    print(f"{queue.waiting()} message(s) waiting in {args.source}")
    for letter in letters:
        print(f"  {letter.sqs_message_id}  {letter.event_type or '?':<12} {letter.ses_message_id or '?'}")
    return 0


def run_replay(queue: DeadLetterQueue, args: argparse.Namespace) -> int:
    waiting = queue.waiting()
    count = min(waiting, args.limit)
    if not args.apply:
        print(f"would move up to {count} of {waiting} message(s)")
        print(f"  from {args.source}\n  to   {args.destination}\nrerun with --apply to move them")
        return 0
    try:
        with args.audit_log.open("a"):
            pass
    except OSError as error:
        print(f"error: cannot write the audit log {args.audit_log}: {error.strerror}", file=sys.stderr)
        return 2
    if not args.yes and input(
        f"move up to {count} message(s) to {args.destination}? [y/N] "
    ).strip().lower() not in (
        "y",
        "yes",
    ):
        print("nothing moved", file=sys.stderr)
        return 2
    report = queue.replay(args.limit, AuditLog(args.audit_log, args.source, args.destination))
    print(f"moved {report.moved} message(s); audit log: {args.audit_log}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not 1 <= args.limit <= 100_000:
        print("error: --limit must be between 1 and 100000", file=sys.stderr)
        return 2
    sqs = boto3.client("sqs", region_name=args.region)
    queue = DeadLetterQueue(sqs, args.source, getattr(args, "destination", args.source))
    try:
        return run_peek(queue, args) if args.command == "peek" else run_replay(queue, args)
    except (ClientError, BotoCoreError) as error:
        print(f"error: SQS: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

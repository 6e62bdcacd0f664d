"""Replay SES events from a dead-letter queue into the event queue (dry run unless --apply).

    replay_events.py peek   --from DLQ_URL [--limit N]                 what is waiting (no change)
    replay_events.py replay --from DLQ_URL --to QUEUE_URL [--apply]    move them to the event queue

Meant for the SNS subscription's dead-letter queue (`terraform output subscription_dlq_url`), which
SQS's own redrive cannot move (docs/decisions/0071-no-silent-loss-above-the-queue.md); works for any
SQS queue pair. Without --apply, `replay` only says what it would move. With --apply it asks for
confirmation (or --yes), then receives, sends to --to and deletes from --from one message at a time,
appending one JSON line per moved message to the audit log (identifiers only, no addresses).
Redelivered events overwrite their own items, so a replay is safe to repeat.
Runbook: docs/runbooks/event-subscription-dlq-not-empty.md.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final

from sesmail.cli import exits
from sesmail.cli.exits import DeclinedError, UsageError
from sesmail.cli.files import require_writable
from sesmail.cli.parser import CliParser
from sesmail.cli.prompt import confirm

DEFAULT_AUDIT_LOG: Final = "event-replay-audit.jsonl"
MAX_LIMIT: Final = 100_000


def build_parser() -> CliParser:
    parser = CliParser(prog="replay_events.py", description=__doc__)
    peek = parser.add_command("peek", help="show what waits in the dead-letter queue (changes nothing)")
    replay = parser.add_command("replay", help="move messages to the event queue (dry run unless --apply)")
    for command in (peek, replay):
        command.add_argument(
            "--from", dest="source", required=True, metavar="DLQ_URL", help="dead-letter queue"
        )
        command.add_argument(
            "--limit", type=int, default=1000, help="at most this many messages (default 1000)"
        )
    replay.add_argument("--to", dest="destination", required=True, metavar="QUEUE_URL", help="event queue")
    replay.add_argument("--apply", action="store_true", help="really move the messages")
    replay.add_argument("--yes", action="store_true", help="with --apply: do not ask for confirmation")
    replay.add_argument(
        "--audit-log",
        type=Path,
        default=Path(DEFAULT_AUDIT_LOG),
        help=f"JSON lines, one per moved message (default {DEFAULT_AUDIT_LOG})",
    )
    return parser


def main(argv: Sequence[str] | None = None, ask: Callable[[str], str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from sesmail.aws.clients import client  # noqa: PLC0415 - keeps --help fast
    from sesmail.cli.audit_log import AuditLog, caller_arn  # noqa: PLC0415
    from sesmail.events.replay import DeadLetter, DeadLetterQueue  # noqa: PLC0415

    def body() -> int:
        if not 1 <= args.limit <= MAX_LIMIT:
            raise UsageError(f"--limit must be between 1 and {MAX_LIMIT}")
        queue = DeadLetterQueue(client("sqs", args.region), args.source, getattr(args, "destination", ""))
        waiting = queue.waiting()
        if args.command == "peek":
            print(f"{waiting} message(s) waiting in {args.source}")
            for letter in queue.peek(min(args.limit, 50)):
                event_type, ses_id = letter.event_type or "?", letter.ses_message_id or "?"
                print(f"  {letter.sqs_message_id}  {event_type:<12} {ses_id}")
            return 0
        count = min(waiting, args.limit)
        if not args.apply:
            print(f"would move up to {count} of {waiting} message(s)")
            print(f"  from {args.source}\n  to   {args.destination}\nrerun with --apply to move them")
            return 0
        require_writable(args.audit_log, "--audit-log")
        question = f"move up to {count} message(s) from {args.source} to {args.destination}?"
        if not args.yes and not confirm(question, ask or input):
            raise DeclinedError("nothing moved")
        with AuditLog(args.audit_log, tool="replay_events.py") as audit:
            audit.operator = caller_arn(client("sts", args.region))

            def moved(letter: DeadLetter) -> None:
                audit.record(
                    action="replay",
                    source=args.source,
                    destination=args.destination,
                    sqs_message_id=letter.sqs_message_id,
                    ses_message_id=letter.ses_message_id,
                    event_type=letter.event_type,
                )

            report = queue.replay(args.limit, moved)
        print(f"moved {report.moved} message(s); audit log: {args.audit_log}")
        return 0

    return exits.run(body, sys.stderr)


if __name__ == "__main__":
    sys.exit(main())

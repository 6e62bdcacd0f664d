"""Answer "what happened to this email?" from the SES event table.

  mail_status.py message MESSAGE_ID                    status per recipient + timeline of one message
  mail_status.py recipient ADDRESS [--since DATE]      newest events of one address, status per message
  mail_status.py ref REF                               a mail by the sending service's own reference:
                                                       sent (SES message id + timeline), or still in the
                                                       outbox ("queued since ..., attempts ...") or parked

The table is --table NAME or the EVENTS_TABLE_NAME environment variable; AWS credentials and region
come from the usual AWS environment (AWS_PROFILE, AWS_REGION, ...). Read-only: Query calls only.

Statuses, strongest first (a recipient's status is its strongest event, whatever the arrival order):
complained, bounced, suppressed, rejected, rendering_failed, soft_bounced, delivered, delayed, sent,
unknown. Recipient history reads the recipient index, which projects the bounce/complaint/delay/
reject details but not SMTP responses or subjects: use `message` for the full picture.

Options (--table, --region, --format) go before or after the subcommand.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from botocore.config import Config

from sesmail.cli import exits
from sesmail.cli.exits import ExitCode, UsageError
from sesmail.cli.parser import CliParser
from sesmail.cli.render import table_lines
from sesmail.events.lookup import (
    DEFAULT_HISTORY_LIMIT,
    LookupInputError,
    RecipientHistory,
    RefReader,
    RefStatus,
    message_status,
    parse_since,
    recipient_history,
    ref_status,
)
from sesmail.events.status import MessageStatus, describe, event_status

# Reads are few and interactive: short timeouts, botocore's standard retries (as the Lambda's store).
READ_CONFIG = Config(connect_timeout=2, read_timeout=5, retries={"mode": "standard", "total_max_attempts": 3})


def _global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--table", help="DynamoDB events table name (default: $EVENTS_TABLE_NAME)", default=None
    )
    parser.add_argument(
        "--format", choices=("table", "json"), default="table", help="output format (default: table)"
    )


def build_parser() -> CliParser:
    parser = CliParser(prog="mail_status.py", description=__doc__, global_options=_global_options)
    message = parser.add_command("message", help="status and timeline of one SES message id")
    message.add_argument(
        "message_id", metavar="MESSAGE_ID", help="SES message id (from the SendEmail response)"
    )
    recipient = parser.add_command("recipient", help="recent events of one email address")
    recipient.add_argument("address", metavar="ADDRESS", help="recipient email address (case-insensitive)")
    recipient.add_argument(
        "--since", type=_parse_date, help="only events at or after DATE (YYYY-MM-DD or ISO-8601)"
    )
    recipient.add_argument(
        "--limit",
        type=int,
        default=DEFAULT_HISTORY_LIMIT,
        help=f"newest N events (default {DEFAULT_HISTORY_LIMIT})",
    )
    ref = parser.add_command(
        "ref",
        help="a mail by the sender's reference (the `ref` tag): sent, queued in the outbox, or parked",
    )
    ref.add_argument("ref", metavar="REF", help="the reference the service passed as ref= when sending")
    return parser


def _parse_date(text: str) -> datetime | date:
    try:
        return parse_since(text)
    except LookupInputError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def run(args: argparse.Namespace, reader: RefReader) -> tuple[int, str]:
    """Pure of AWS: returns (exit code, text to print)."""
    if args.command == "ref":
        found = ref_status(reader, args.ref)
        if found is None:
            return ExitCode.NOT_FOUND, f"nothing stored for reference {args.ref}"
        return ExitCode.OK, (_json(found) if args.format == "json" else render_ref(found))
    if args.command == "message":
        status = message_status(reader, args.message_id)
        if status is None:
            return ExitCode.NOT_FOUND, f"no events stored for message {args.message_id}"
        return ExitCode.OK, (_json(status) if args.format == "json" else render_message(status))
    history = recipient_history(reader, args.address, since=args.since, limit=args.limit)
    if history is None:
        since = f" since {args.since}" if args.since else ""
        return ExitCode.NOT_FOUND, f"no events stored for {args.address}{since}"
    return ExitCode.OK, (_json(history) if args.format == "json" else render_history(history))


def render_message(status: MessageStatus) -> str:
    lines = [
        f"Message {status.message_id}",
        f"  sent {status.sent_at or '?'}  from {status.source or '?'}  configuration set "
        f"{status.configuration_set or '-'}" + (f"  subject {status.subject!r}" if status.subject else ""),
        # SES cannot tell which recipient opened or clicked: shown for the message, not per recipient.
        f"  opened {_yes(status.opened)}  clicked {_yes(status.clicked)}",
        "",
    ]
    lines += table_lines(
        ("RECIPIENT", "STATUS", "REASON"), [(r.recipient, r.status, r.reason) for r in status.recipients]
    )
    lines.append("")
    timeline = sorted(
        [*(e for r in status.recipients for e in r.timeline), *status.engagement],
        key=lambda e: (e.event_at, e.recipient),
    )
    lines += table_lines(
        ("TIME (UTC)", "RECIPIENT", "EVENT", "DETAIL"),
        [(e.event_at, e.recipient, e.event_type, describe(e)) for e in timeline],
    )
    return "\n".join(lines)


def render_ref(found: RefStatus) -> str:
    lines = [f"Reference {found.ref}: {found.state}", f"  {found.summary}"]
    if found.outbox:
        lines += ["", "Outbox"]
        lines += table_lines(
            ("TIME (UTC)", "STEP", "ATTEMPTS", "REGIONS TRIED", "DETAIL"),
            [
                (
                    r.at,
                    r.state,
                    r.attempts,
                    ",".join(r.regions_tried) or "-",
                    f"{r.message_id} via {r.region}" if r.message_id else r.reason,
                )
                for r in found.outbox
            ],
            right={2},
        )
    for message in found.messages:
        lines += ["", render_message(message)]
    return "\n".join(lines)


def render_history(history: RecipientHistory) -> str:
    lines = [f"Recipient {history.recipient}", ""]
    lines += table_lines(
        ("MESSAGE", "STATUS", "REASON"),
        [(mid, s.status, s.reason) for mid, s in history.messages],
    )
    lines.append("")
    lines += table_lines(
        ("TIME (UTC)", "EVENT", "STATUS", "MESSAGE", "DETAIL"),
        [(e.event_at, e.event_type, event_status(e), e.message_id, describe(e)) for e in history.events],
    )
    if history.truncated:
        lines += ["", f"(newest {len(history.events)} events shown: use --limit or --since for more)"]
    return "\n".join(lines)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _json(value: Any) -> str:
    return json.dumps(asdict(value), indent=2, sort_keys=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)  # exits 2 with a one-line error on bad usage
    from sesmail.aws.clients import client  # noqa: PLC0415 - keeps --help fast
    from sesmail.events.store import EventStore, StoreError  # noqa: PLC0415

    def body() -> int:
        table = args.table or os.environ.get("EVENTS_TABLE_NAME", "").strip()
        if not table:
            raise UsageError("no table: pass --table NAME or set EVENTS_TABLE_NAME")
        code, text = run(args, EventStore(client("dynamodb", args.region, config=READ_CONFIG), table))
        print(text, file=sys.stdout if code == ExitCode.OK else sys.stderr)
        return code

    return exits.run(body, sys.stderr, input_errors=(LookupInputError,), aws_errors=(StoreError,))


if __name__ == "__main__":
    sys.exit(main())

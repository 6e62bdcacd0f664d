"""The one exit-code table of every operator CLI, and the one place errors become exit codes.

Every script's ``--help`` prints ``EXIT_CODES_HELP``; the README's "Exit codes" section is the same
table. ``run`` is the guard around a tool's body: whatever escapes (a domain error, an AWS error, any
botocore error, a file error) ends as one line on stderr and the documented code, never a traceback.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Final, TextIO

from botocore.exceptions import BotoCoreError, ClientError

from sesmail.aws.calls import AwsCallError, AwsSetupError, setup_error_message


class ExitCode(enum.IntEnum):
    OK = 0
    AWS_ERROR = 1
    USAGE = 2
    NOT_FOUND = 3
    DECLINED = 4


EXIT_CODES_HELP: Final = """\
exit codes (the same in every scripts/*.py; README "Exit codes"):
  0  ok: found, done, or a dry run
  1  AWS error: an AWS call failed (service error, access denied, throttled past retries, network,
     TLS, proxy); also a file that could not be written once the run had started
  2  usage error: bad option, argument, date, address or file; no table; AWS not set up (no
     credentials, no region, unknown profile, expired SSO session); confirmation needed but no TTY
  3  not found: nothing stored for the message, address or reference; check: the address is not suppressed
  4  declined at the confirmation prompt: nothing written
"""


class UsageError(Exception):
    """Bad input found by a tool itself (exit 2)."""


class DeclinedError(Exception):
    """The operator did not confirm a write (exit 4)."""


def one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def classify(
    error: BaseException,
    input_errors: tuple[type[BaseException], ...] = (),
    aws_errors: tuple[type[BaseException], ...] = (),
) -> tuple[ExitCode, str]:
    """(exit code, one-line message) for an error that reached the top of a CLI; ``input_errors`` and
    ``aws_errors`` are a tool's own domain errors for exit 2 and exit 1."""
    setup = setup_error_message(error)
    if setup is not None:
        return ExitCode.USAGE, setup
    if isinstance(error, (UsageError, AwsSetupError, *input_errors)):
        return ExitCode.USAGE, one_line(error)
    if isinstance(error, DeclinedError):
        return ExitCode.DECLINED, one_line(error)
    if isinstance(error, (AwsCallError, ClientError, BotoCoreError, OSError, *aws_errors)):
        return ExitCode.AWS_ERROR, one_line(error)
    raise error


def run(
    body: Callable[[], int],
    stderr: TextIO,
    input_errors: tuple[type[BaseException], ...] = (),
    aws_errors: tuple[type[BaseException], ...] = (),
) -> int:
    """Call ``body``; map what escapes to one ``error: ...`` line on ``stderr`` and its exit code."""
    try:
        return body()
    except Exception as error:  # noqa: BLE001 - classify re-raises anything it does not know
        code, message = classify(error, input_errors, aws_errors)
        stderr.write(message + "\n" if code is ExitCode.DECLINED else f"error: {message}\n")
        return int(code)

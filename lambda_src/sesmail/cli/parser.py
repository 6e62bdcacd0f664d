"""The one argparse base: one-line usage errors (exit 2), the exit-code table in every --help, every
tool with ``--region``, and global options accepted before *or* after the subcommand.

argparse only knows an option where it is declared: ``mail_status.py recipient X --format json`` failed
because ``--format`` belonged to the top-level parser. Here the global options are declared on the
top-level parser and again on every subcommand with ``default=SUPPRESS``, so a value given after the
subcommand wins and one given before it is not reset by the subcommand's default.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TypeVar

from sesmail.cli.exits import EXIT_CODES_HELP, ExitCode

GlobalOptions = Callable[[argparse.ArgumentParser], None]
N = TypeVar("N", int, float)


def positive_float(text: str) -> float:
    """argparse ``type=`` for rates and intervals: a number > 0 (one-line usage error otherwise)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0 or math.isnan(value):
        raise argparse.ArgumentTypeError(f"must be > 0, got {text!r}")
    return value


def number_in(kind: Callable[[str], N], low: N, high: N) -> Callable[[str], N]:
    """argparse ``type=`` for a bounded int or float (``number_in(int, 1, 100)``): one-line usage error
    naming the range otherwise."""

    def parse(text: str) -> N:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not low <= value <= high:  # also refuses NaN: every comparison with it is false
            raise argparse.ArgumentTypeError(f"must be between {low:g} and {high:g}, got {text}")
        return value

    return parse


def _no_options(parser: argparse.ArgumentParser) -> None:
    del parser


class CliParser(argparse.ArgumentParser):
    """``CliParser(prog=..., description=..., global_options=fn)``; ``fn(parser)`` adds the tool's
    global options (``--region`` is always added); ``add_command`` adds a subcommand."""

    def __init__(
        self,
        *,
        global_options: GlobalOptions = _no_options,
        default_command: str | None = None,
        add_globals: bool = True,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("epilog", EXIT_CODES_HELP)
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(**kwargs)
        self._global_options = global_options
        self._default_command = default_command
        self._commands: argparse._SubParsersAction[CliParser] | None = None
        if add_globals:
            self._add_globals(self, suppress=False)

    def _add_globals(self, parser: argparse.ArgumentParser, *, suppress: bool) -> None:
        first = len(parser._actions)
        parser.add_argument(
            "--region",
            help="AWS region (default: AWS_REGION, then AWS_DEFAULT_REGION, then the AWS profile)",
        )
        self._global_options(parser)
        if suppress:
            for action in parser._actions[first:]:
                action.default = argparse.SUPPRESS

    def add_command(self, name: str, **kwargs: Any) -> CliParser:
        """A subcommand that also accepts every global option (after its name)."""
        if self._commands is None:
            self._commands = self.add_subparsers(
                dest="command", required=self._default_command is None, metavar="{command}"
            )
        kwargs.setdefault("epilog", EXIT_CODES_HELP)
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        command: CliParser = self._commands.add_parser(name, add_globals=False, **kwargs)
        self._add_globals(command, suppress=True)
        names = ",".join(self._commands.choices)
        self._commands.metavar = f"{{{names}}}"
        return command

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        argv = list(sys.argv[1:] if args is None else args)
        commands = self._commands.choices if self._commands is not None else {}
        if (
            self._default_command
            and not any(arg in commands for arg in argv)
            and (not argv or argv[0] not in ("-h", "--help"))
        ):
            argv.insert(0, self._default_command)
        parsed = super().parse_args(argv, namespace)
        if self._default_command and getattr(parsed, "command", None) is None:
            parsed.command = self._default_command
        return parsed

    def error(self, message: str) -> NoReturn:
        self.exit(int(ExitCode.USAGE), f"{self.prog}: error: {message}\n")

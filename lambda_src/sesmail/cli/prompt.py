"""The one confirmation prompt: the same question shape and the same accepted answers in every tool."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

Ask = Callable[[str], str]


def confirm(question: str, ask: Ask) -> bool:
    """Ask ``question`` with ``[y/N]``; only "y" or "yes" (any case) confirms; EOF or anything else is no."""
    try:
        answer = ask(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def ask_on(stdin: IO[str], stdout: IO[str]) -> Ask:
    """An ``Ask`` reading one line from ``stdin`` after writing the prompt to ``stdout`` (tests, pipes)."""

    def ask(prompt: str) -> str:
        stdout.write(prompt)
        stdout.flush()
        line = stdin.readline()
        if not line:
            raise EOFError
        return line

    return ask

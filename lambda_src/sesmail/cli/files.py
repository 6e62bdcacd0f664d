"""The one atomic writer: a reader sees the old file or the whole new one, never half of it.

The temp file is created next to the target (``os.replace`` is atomic only within one file system),
with a unique name (two runs writing the same file never share a temp file), fsynced before the
rename; on any failure it is removed and the target is untouched.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO, cast

from sesmail.cli.exits import UsageError


@contextmanager
def atomic_text_file(path: Path) -> Iterator[TextIO]:
    """Write to a temp file next to ``path``; rename over it only when the block completes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, renamed on success
        "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
    )
    try:
        with handle:
            yield cast(TextIO, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    with atomic_text_file(path) as out:
        out.write(text)


def require_writable(path: Path, option: str) -> None:
    """Fail before a long run rather than after it when ``path`` cannot be written (``UsageError``)."""
    if path.is_dir():
        raise UsageError(f"{option} {path} is a directory")
    existing = path.parent
    while not existing.exists():
        existing = existing.parent
    if not os.access(existing, os.W_OK):
        raise UsageError(f"{option} {path}: directory {existing} is not writable")

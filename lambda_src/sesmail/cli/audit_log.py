"""The one audit log: one JSON line per write, flushed and fsynced before the next write starts.

Every record carries the time, the tool, the run id and the operator, who is the caller ARN from STS
``GetCallerIdentity`` (what CloudTrail will show), not a local login name.
"""

from __future__ import annotations

import errno
import json
import os
import tempfile
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sesmail.aws.calls import call_with_retries


def caller_arn(sts: Any, **retry: Any) -> str:
    """The ARN the writes are made as (STS GetCallerIdentity)."""
    return str(call_with_retries(sts.get_caller_identity, **retry)["Arn"])


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class AuditLog:
    """Append-only JSONL. Open it before the first write: an unwritable log stops the change instead
    of losing its trail. ``run_records()`` returns this run's lines (for an upload to S3)."""

    def __init__(
        self,
        path: Path,
        *,
        tool: str,
        now: Callable[[], datetime] = _utc_now,
        run_id: str | None = None,
    ) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.tool = tool
        self.run_id = run_id or uuid.uuid4().hex[:12]
        self.operator: str | None = None
        self.records = 0
        self._now = now
        self._file = path.open("a", encoding="utf-8")
        self._run_copy: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115

    def record(self, **fields: Any) -> None:
        if self.operator is None:
            raise RuntimeError("AuditLog.operator must be set (caller_arn) before the first record")
        line = json.dumps(
            {
                "time": _format_time(self._now()),
                "tool": self.tool,
                "run_id": self.run_id,
                "operator": self.operator,
                **fields,
            },
            separators=(",", ":"),
            default=str,
        )
        for handle in (self._file, self._run_copy):
            handle.write(line + "\n")
            handle.flush()
        try:
            os.fsync(self._file.fileno())
        except OSError as error:
            # A character device or pipe (``--audit-log /dev/stdout``) cannot be fsynced; a file can.
            if error.errno != errno.EINVAL:
                raise
        self.records += 1

    def run_records(self) -> bytes:
        self._run_copy.seek(0)
        return self._run_copy.read().encode()

    def close(self) -> None:
        self._file.close()
        self._run_copy.close()

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""Suppression audit report: rows spool to a temp file while the list is read, then summary + rows.

Memory stays flat whatever the list size: each audited row is appended to a JSON-lines spool file
(and counted in ``AuditSummary``, a few dozen counters), so the summary can be written *first* in every
format and the rows streamed after it. Formats:

- ``table``: header (generated at, filters, COMPLETE / INCOMPLETE + error), the summary by class and
  reason with listing-age buckets, then one aligned row per address.
- ``csv``: rows only, one header line (machine input); the summary goes to stderr for the operator.
- ``json``: one object ``{generated_at, complete, error, filters, summary, rows: [...]}``.

``--output FILE`` is written atomically (temp file in the same directory, fsync, rename), so a reader
never sees half a report; an interrupted listing still produces a complete file marked INCOMPLETE.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Final, TextIO, cast

from sesmail.suppression import AGE_BUCKETS, AuditedEntry, AuditSummary, format_time

FORMATS: Final = ("table", "csv", "json")
ROW_FIELDS: Final = (
    "address",
    "reason",
    "listed_at",
    "age_days",
    "class",
    "evidence",
    "evidence_at",
    "message_id",
    "status_code",
    "diagnostic_code",
)
TABLE_CELL_LIMIT: Final = 60  # diagnostic codes can be paragraphs; csv/json keep them whole


def row_record(audited: AuditedEntry) -> dict[str, Any]:
    evidence = audited.evidence
    return {
        "address": audited.entry.address,
        "reason": audited.entry.reason.value,
        "listed_at": format_time(audited.entry.listed_at),
        "age_days": audited.age_days,
        "class": audited.klass.value,
        "evidence": evidence.describe() if evidence else None,
        "evidence_at": format_time(evidence.event_at) if evidence else None,
        "message_id": evidence.message_id if evidence else None,
        "status_code": evidence.status_code if evidence else None,
        "diagnostic_code": evidence.diagnostic_code if evidence else None,
    }


def _cell(value: Any) -> str:
    text = "" if value is None else " ".join(str(value).split())
    return text if len(text) <= TABLE_CELL_LIMIT else text[: TABLE_CELL_LIMIT - 1] + "…"


@dataclass
class ReportMeta:
    generated_at: str
    filters: dict[str, Any]
    complete: bool = True
    error: str | None = None
    notes: list[str] = field(default_factory=list)


def write_summary_table(summary: AuditSummary, out: TextIO) -> None:
    labels = [label for label, _ in AGE_BUCKETS]
    header = ["class", "reason", *labels, "total"]
    body = [
        [klass.value, reason.value, *(str(buckets[label]) for label in labels), str(total)]
        for klass, reason, buckets, total in summary.rows()
    ]
    body.append(["all", "", *([""] * len(labels)), str(summary.total)])
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    for row in [header, *body]:
        out.write(
            "  ".join(
                cell.rjust(width) if i >= 2 else cell.ljust(width)
                for i, (cell, width) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
            + "\n"
        )


class ReportSpool:
    """Collects audited rows on disk and their summary in memory; renders the report at the end."""

    def __init__(self, directory: str | None = None) -> None:
        self.summary = AuditSummary()
        self._file: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8", dir=directory)  # noqa: SIM115
        self._widths = {name: len(name) for name in ROW_FIELDS}

    def add(self, audited: AuditedEntry) -> None:
        record = row_record(audited)
        self.summary.add(audited)
        for name in ROW_FIELDS:
            self._widths[name] = max(self._widths[name], len(_cell(record[name])))
        self._file.write(json.dumps(record, separators=(",", ":")) + "\n")

    def _rows(self) -> Iterator[dict[str, Any]]:
        self._file.flush()
        self._file.seek(0)
        for line in self._file:
            yield json.loads(line)
        self._file.seek(0, os.SEEK_END)

    def close(self) -> None:
        self._file.close()

    def write(self, out: TextIO, fmt: str, meta: ReportMeta) -> None:
        if fmt == "table":
            self._write_table(out, meta)
        elif fmt == "csv":
            writer = csv.DictWriter(out, fieldnames=ROW_FIELDS, lineterminator="\n")
            writer.writeheader()
            for row in self._rows():
                writer.writerow(row)
        elif fmt == "json":
            self._write_json(out, meta)
        else:
            raise ValueError(f"unknown format {fmt!r}")

    def _write_table(self, out: TextIO, meta: ReportMeta) -> None:
        status = "COMPLETE" if meta.complete else f"INCOMPLETE: {meta.error}"
        filters = ", ".join(f"{key}={value}" for key, value in meta.filters.items() if value is not None)
        out.write(f"Suppression list audit, generated {meta.generated_at} ({filters or 'no filters'})\n")
        out.write(f"Status: {status}\n")
        for note in meta.notes:
            out.write(f"Note: {note}\n")
        out.write("\nSummary by class and reason (columns: days on the list)\n")
        write_summary_table(self.summary, out)
        out.write("\n")
        widths = self._widths
        out.write("  ".join(name.ljust(widths[name]) for name in ROW_FIELDS).rstrip() + "\n")
        for row in self._rows():
            out.write("  ".join(_cell(row[name]).ljust(widths[name]) for name in ROW_FIELDS).rstrip() + "\n")

    def _write_json(self, out: TextIO, meta: ReportMeta) -> None:
        head = {
            "generated_at": meta.generated_at,
            "complete": meta.complete,
            "error": meta.error,
            "notes": meta.notes,
            "filters": meta.filters,
            "summary": self.summary.as_record(),
        }
        out.write(json.dumps(head, indent=2)[:-2] + ',\n  "rows": [')
        separator = "\n    "
        for row in self._rows():
            out.write(separator + json.dumps(row))
            separator = ",\n    "
        out.write("\n  ]\n}\n")


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

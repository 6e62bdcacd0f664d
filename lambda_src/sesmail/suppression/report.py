"""Suppression audit report: rows spool to a temp file while the list is read, then summary + rows.

Memory stays flat whatever the list size: each audited row is appended to a JSON-lines spool file
(and counted in ``AuditSummary``, a few dozen counters), so the summary can be written *first* in every
format and the rows streamed after it. Formats:

- ``table``: header (generated at, filters, COMPLETE / INCOMPLETE + error), the summary by class and
  reason with listing-age buckets, then one aligned row per address.
- ``csv``: rows only, one header line (machine input); the summary goes to stderr for the operator.
- ``json``: one object ``{generated_at, complete, error, filters, summary, rows: [...]}``.

``--output FILE`` is written with the one atomic writer (``sesmail.cli.files``), so a reader never
sees half a report; an interrupted listing still produces a complete file marked INCOMPLETE.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any, Final, TextIO

from sesmail.cli.render import pad_row, table_lines
from sesmail.suppression.domain import AGE_BUCKETS, AuditedEntry, AuditSummary, format_time

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


def row_values(audited: AuditedEntry) -> list[Any]:
    """One report row, values in ``ROW_FIELDS`` order."""
    entry, evidence = audited.entry, audited.evidence
    listing = [entry.address, entry.reason.value, format_time(entry.listed_at), audited.age_days]
    if evidence is None:
        return [*listing, audited.klass.value, None, None, None, None, None]
    return [
        *listing,
        audited.klass.value,
        evidence.describe(),
        format_time(evidence.event_at),
        evidence.message_id,
        evidence.status_code,
        evidence.diagnostic_code,
    ]


_FREE_TEXT_COLUMN: Final = ROW_FIELDS.index("diagnostic_code")


def _table_cells(values: list[Any]) -> list[str]:
    """Table cells of a row. Only the free-text column (diagnostic code: remote MTA text, possibly
    multi-line paragraphs) is flattened and truncated; the other values are short single tokens."""
    cells = ["" if value is None else str(value) for value in values]
    cells[_FREE_TEXT_COLUMN] = _cell(values[_FREE_TEXT_COLUMN])
    return cells


def _cell(value: Any) -> str:
    """Table cell: one line, at most TABLE_CELL_LIMIT characters."""
    if value is None:
        return ""
    text = str(value)
    if len(text) > TABLE_CELL_LIMIT or not text.isprintable():
        text = " ".join(text.split())
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
        [klass.value, reason.value, *(buckets[label] for label in labels), total]
        for klass, reason, buckets, total in summary.rows()
    ]
    body.append(["all", "", *([""] * len(labels)), summary.total])
    right = range(2, len(header))
    out.write("".join(line + "\n" for line in table_lines(header, body, right)))


class ReportSpool:
    """Collects audited rows on disk and their summary in memory; renders the report at the end.

    For ``table`` the spool holds the rendered cells (and tracks column widths), so rendering only pads;
    for ``csv``/``json`` it holds the raw values.
    """

    _BUFFERED_ROWS: Final = 1000  # rows per write to the spool file: fewer, larger writes

    def __init__(self, fmt: str, directory: str | None = None) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}")
        self.fmt = fmt
        self.summary = AuditSummary()
        self._file: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8", dir=directory)  # noqa: SIM115
        self._buffer: list[str] = []
        self._widths = [len(name) for name in ROW_FIELDS]

    def add(self, audited: AuditedEntry) -> None:
        values = row_values(audited)
        self.summary.add(audited)
        if self.fmt == "table":
            values = _table_cells(values)
            self._widths = [max(w, len(cell)) for w, cell in zip(self._widths, values, strict=True)]
        self._buffer.append(json.dumps(values, separators=(",", ":")))
        if len(self._buffer) >= self._BUFFERED_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self._buffer:
            self._file.write("\n".join(self._buffer) + "\n")
            self._buffer.clear()

    def _rows(self) -> Iterator[list[Any]]:
        self._flush()
        self._file.flush()
        self._file.seek(0)
        for line in self._file:
            yield json.loads(line)
        self._file.seek(0, os.SEEK_END)

    def close(self) -> None:
        self._file.close()

    def write(self, out: TextIO, meta: ReportMeta) -> None:
        if self.fmt == "table":
            self._write_table(out, meta)
        elif self.fmt == "csv":
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(ROW_FIELDS)
            writer.writerows(self._rows())
        else:
            self._write_json(out, meta)

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
        out.write(pad_row(ROW_FIELDS, widths) + "\n")
        lines: list[str] = []
        for row in self._rows():
            lines.append(pad_row(_table_cells(row), widths))
            if len(lines) >= self._BUFFERED_ROWS:
                out.write("\n".join(lines) + "\n")
                lines.clear()
        if lines:
            out.write("\n".join(lines) + "\n")

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
            out.write(separator + json.dumps(dict(zip(ROW_FIELDS, row, strict=True))))
            separator = ",\n    "
        out.write("\n  ]\n}\n")

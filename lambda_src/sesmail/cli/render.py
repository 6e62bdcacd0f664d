"""The one renderer: aligned text tables, CSV (stdlib ``csv``: quoting is never hand-made) and JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Collection, Mapping, Sequence
from typing import Any, Final

FORMATS: Final = ("table", "csv", "json")


def cell(value: Any) -> str:
    return "" if value is None else str(value)


def pad_row(cells: Sequence[str], widths: Sequence[int], right: Collection[int] = ()) -> str:
    """One table line: cells padded to ``widths`` (right-aligned where the index is in ``right``)."""
    return "  ".join(
        text.rjust(width) if index in right else text.ljust(width)
        for index, (text, width) in enumerate(zip(cells, widths, strict=True))
    ).rstrip()


def table_lines(
    header: Sequence[str], rows: Sequence[Sequence[Any]], right: Collection[int] = ()
) -> list[str]:
    """Header and rows as aligned lines (two spaces between columns, no trailing blanks)."""
    cells = [list(header), *([cell(value) for value in row] for row in rows)]
    widths = [max(len(line[index]) for line in cells) for index in range(len(header))]
    return [pad_row(line, widths, right) for line in cells]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def render_table(rows: Sequence[Mapping[str, Any]]) -> str:
    """Dict rows as a table; a column whose every value is a number is right-aligned."""
    if not rows:
        return ""
    columns = list(rows[0])
    right = {i for i, c in enumerate(columns) if all(_is_number(row[c]) for row in rows)}
    return "\n".join(table_lines(columns, [[row[c] for c in columns] for row in rows], right))


def render_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    """Dict rows as CSV with a header line; no trailing newline."""
    fields = list(columns if columns is not None else (rows[0] if rows else []))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().rstrip("\n")


def render_json(value: Any) -> str:
    return json.dumps(value, indent=2, default=str)


def render(rows: Sequence[Mapping[str, Any]], fmt: str) -> str:
    """``rows`` in one of ``FORMATS``."""
    if fmt == "table":
        return render_table(rows)
    if fmt == "csv":
        return render_csv(rows)
    if fmt == "json":
        return render_json(list(rows))
    raise ValueError(f"unknown format {fmt!r}: choose from {', '.join(FORMATS)}")

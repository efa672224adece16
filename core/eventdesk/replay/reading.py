"""What every reader needs: open a file (gzipped or not), read CSV rows by header
aliases, group rows into cases, and collect the rows it could not read."""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, TypeVar

import attrs

from eventdesk.errors import InvalidValueError
from eventdesk.replay.model import Rejection, SourceCase

GZIP_MAGIC = b"\x1f\x8b"
_Row = TypeVar("_Row")


@attrs.define
class SourceLog:
    """Everything a reader got out of a file: the cases, and the rows it could not read."""

    source: str
    cases: list[SourceCase] = attrs.field(factory=list)
    unreadable: list[Rejection] = attrs.field(factory=list)
    rows_read: int = 0


def open_binary(path: str | Path) -> IO[bytes]:
    """The file's bytes, unpacked if it is gzipped (whatever its name says)."""
    raw = open(path, "rb")  # noqa: SIM115 - handed to the caller
    packed = raw.read(2) == GZIP_MAGIC
    raw.seek(0)
    return gzip.GzipFile(fileobj=raw) if packed else raw  # type: ignore[return-value]


def open_text(path: str | Path) -> IO[str]:
    """The file as text: UTF-8 (with or without a BOM), else ISO-8859-1, as the
    original challenge CSVs are."""
    with open_binary(path) as data:
        content = data.read()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("iso-8859-1")
    return io.StringIO(text, newline=None)


def csv_rows(
    stream: IO[str], aliases: Mapping[str, Sequence[str]]
) -> Iterator[tuple[int, dict[str, str]]]:
    """``(row number, {field: value})`` for each data row, the fields found by any of
    their header aliases; the delimiter (``,`` or ``;``) is read from the header."""
    header_line = stream.readline()
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    header = next(csv.reader([header_line], delimiter=delimiter))
    positions = {name.strip(): i for i, name in enumerate(header)}
    columns: dict[str, int] = {}
    for field, names in aliases.items():
        found = next((positions[name] for name in names if name in positions), None)
        if found is not None:
            columns[field] = found
    missing = [field for field in aliases if field not in columns]
    if missing:
        raise InvalidValueError(
            "log header",
            header_line.strip()[:80],
            "the columns " + ", ".join(aliases[field][0] for field in missing),
        )
    width = max(columns.values()) + 1
    for number, values in enumerate(csv.reader(stream, delimiter=delimiter), start=1):
        if not values:
            continue
        if len(values) < width:
            values = [*values, *[""] * (width - len(values))]
        yield number, {field: values[i].strip() for field, i in columns.items()}


def group_by_case(rows: Sequence[tuple[str, _Row]]) -> dict[str, list[_Row]]:
    """Rows grouped by case id, the cases in the order they first appear."""
    cases: dict[str, list[_Row]] = {}
    for case_id, row in rows:
        cases.setdefault(case_id, []).append(row)
    return cases

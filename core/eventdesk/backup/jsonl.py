"""A checksummed JSON-lines file: a header, one line per record, a trailer.

::

    {"format": "eventdesk-events", "version": 1}
    {...one record...}
    {"end": true, "records": 2, "sha256": "<hex digest of every line above, newlines included>"}

Written as it goes (the records are streamed, never all in memory) and read in
two passes: the first checks the trailer's count and digest, the second yields
the records, so a truncated or altered file is refused before anything is
written anywhere.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from eventdesk.errors import EventDeskError

VERSION = 1


class BackupFileError(EventDeskError):
    """A backup file that cannot be used: not one, of another kind, truncated or altered."""

    def __init__(self, path: Path | str, problem: str) -> None:
        super().__init__(f"{path}: {problem}", path=str(path))


def write_jsonl(path: Path | str, kind: str, records: Iterable[dict[str, Any]]) -> int:
    """Write ``records`` to ``path`` as a ``kind`` file; returns how many were written."""
    digest = hashlib.sha256()
    count = 0
    try:
        out = open(path, "wb")  # noqa: SIM115 (closed below, after the last line)
    except OSError as error:
        raise BackupFileError(path or "''", f"cannot be written: {error.strerror}") from None
    with out:

        def put(line: dict[str, Any]) -> None:
            data = json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
            digest.update(data)
            out.write(data)

        put({"format": kind, "version": VERSION})
        for record in records:
            put(record)
            count += 1
        trailer = {"end": True, "records": count, "sha256": digest.hexdigest()}
        out.write(json.dumps(trailer, separators=(",", ":")).encode() + b"\n")
    return count


def verify_jsonl(path: Path | str, kind: str) -> int:
    """Check a ``kind`` file end to end; returns how many records it holds."""
    digest = hashlib.sha256()
    count, trailer = 0, None
    for number, raw in _lines(path):
        if trailer is not None:
            raise BackupFileError(path, f"line {number} comes after the checksum line")
        line = _parse(path, number, raw)
        if number == 1:
            if line.get("format") != kind:
                raise BackupFileError(path, f"not an {kind} file (header {raw[:80]!r})")
            if line.get("version") != VERSION:
                raise BackupFileError(path, f"unsupported version {line.get('version')!r}")
        elif line.get("end") is True:
            trailer = line
            continue
        else:
            count += 1
        digest.update(raw)
    if trailer is None:
        raise BackupFileError(path, "no checksum line at the end: the file is truncated")
    if trailer.get("records") != count or trailer.get("sha256") != digest.hexdigest():
        raise BackupFileError(
            path,
            f"checksum mismatch: the file holds {count} records that do not match its "
            "checksum line (altered or corrupt)",
        )
    return count


def read_jsonl(path: Path | str) -> Iterator[dict[str, Any]]:
    """The records of a file :func:`verify_jsonl` accepted."""
    for number, raw in _lines(path):
        line = _parse(path, number, raw)
        if number > 1 and line.get("end") is not True:
            yield line


def _lines(path: Path | str) -> Iterator[tuple[int, bytes]]:
    try:
        with open(path, "rb") as source:
            yield from enumerate(source, start=1)
    except OSError as error:
        raise BackupFileError(path, f"cannot read it: {error.strerror}") from None


def _parse(path: Path | str, number: int, raw: bytes) -> dict[str, Any]:
    try:
        line = json.loads(raw)
    except ValueError:
        raise BackupFileError(path, f"line {number} is not JSON") from None
    if not isinstance(line, dict):
        raise BackupFileError(path, f"line {number} is not a JSON object")
    return line

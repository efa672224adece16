"""Reading mail a mail server delivered to disk: a Maildir or an mbox file.

Both readers yield ``(key, raw bytes)`` one message at a time and leave
judging the bytes to the intake pipeline.

- :func:`fetch_maildir` takes the *new* messages (``new/``) and marks each one
  seen (moves it to ``cur/`` with the ``S`` flag) only once the consumer asks
  for the next one, that is, after intake took it: if intake fails, the
  message stays new and the next fetch offers it again. Files are renamed,
  never rewritten, so the bytes the server delivered are kept as they are.
- :func:`fetch_mbox` yields every message of the file each time; an mbox has
  no "seen" mark the server and we agree on, and intake is idempotent by
  Message-ID, so a message fetched twice is taken once.
"""

from __future__ import annotations

import mailbox
import os
from collections.abc import Iterator
from pathlib import Path

from eventdesk.errors import InvalidValueError

__all__ = ["fetch_maildir", "fetch_mbox"]

SEEN_INFO = ":2,S"


def _maildir(path: str | os.PathLike[str]) -> Path:
    folder = Path(path)
    missing = [sub for sub in ("new", "cur") if not (folder / sub).is_dir()]
    if missing:
        raise InvalidValueError(
            "Maildir", str(path), f"a folder with new/, cur/ and tmp/ (no {missing[0]}/ there)"
        )
    return folder


def fetch_maildir(path: str | os.PathLike[str]) -> Iterator[tuple[str, bytes]]:
    """Each new message of a Maildir as ``(file name, bytes)``, oldest delivery first; a
    message is moved to ``cur/`` as seen when the consumer asks for the next one.

    >>> import mailbox, tempfile
    >>> folder = tempfile.mkdtemp() + "/inbox"
    >>> key = mailbox.Maildir(folder).add(b"From: ana@example.com\\n\\nPrinter jam\\n")
    >>> [raw for _, raw in fetch_maildir(folder)]
    [b'From: ana@example.com\\n\\nPrinter jam\\n']
    >>> list(fetch_maildir(folder))  # seen now: nothing new
    []
    """
    folder = _maildir(path)
    new, cur = folder / "new", folder / "cur"
    # Maildir names start with the delivery time, so sorting by name is delivery order.
    for name in sorted(entry.name for entry in os.scandir(new) if not entry.name.startswith(".")):
        try:
            raw = (new / name).read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            continue  # another reader took it meanwhile
        yield name, raw
        seen = name.split(":", 1)[0] + SEEN_INFO
        try:
            os.rename(new / name, cur / seen)
        except FileNotFoundError:
            continue  # another reader marked it first


def fetch_mbox(path: str | os.PathLike[str]) -> Iterator[tuple[int, bytes]]:
    """Every message of an mbox file as ``(position, bytes)``, first to last.

    >>> import tempfile
    >>> path = tempfile.mkdtemp() + "/inbox.mbox"
    >>> _ = open(path, "wb").write(b"From ana@example.com Mon Mar  2 09:00:00 2026\\n"
    ...     b"From: ana@example.com\\n\\nPrinter jam\\n\\n"
    ...     b"From bob@example.com Mon Mar  2 09:05:00 2026\\nFrom: bob@example.com\\n\\nVPN\\n")
    >>> [raw.split(b"\\n")[0] for _, raw in fetch_mbox(path)]
    [b'From: ana@example.com', b'From: bob@example.com']
    """
    file = Path(path)
    if not file.is_file():
        raise InvalidValueError("mbox", str(path), "an mbox file that exists")
    box = mailbox.mbox(file, create=False)
    try:
        for position, key in enumerate(box.iterkeys()):
            yield position, box.get_bytes(key)
    finally:
        box.close()

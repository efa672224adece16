"""``eventdesk keys export`` and ``eventdesk keys import``: the personal key store, apart.

The keys are backed up on their own, to be stored apart from the event backups
(another place, other people, a shorter retention), so that a stolen event
backup holds no readable personal data and a forgotten contact's key can be
made to disappear from every copy. A key file holds the per-contact keys, the
tombstones of forgotten contacts, the secret that keys identity lookups, and
which aggregates belong to which contact.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eventdesk.backup.events import StoreNotEmptyError, Transfer
from eventdesk.backup.jsonl import BackupFileError, read_jsonl, verify_jsonl, write_jsonl
from eventdesk.privacy.keys import KEYS, SECRETS, SUBJECTS

if TYPE_CHECKING:
    from eventdesk.application import ServiceDesk

KIND = "eventdesk-keys"
_COLUMNS = {
    KEYS: ("contact", "key", "created_at", "forgotten_at"),
    SUBJECTS: ("subject", "contact"),
    SECRETS: ("name", "value"),
}


def export_keys(desk: ServiceDesk, path: Path | str) -> Transfer:
    return Transfer(write_jsonl(path, KIND, _records(desk)), str(path))


def _records(desk: ServiceDesk) -> Iterator[dict[str, Any]]:
    db = desk.personal_keys.db
    for table, columns in _COLUMNS.items():
        for row in db.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1"):
            yield {"table": table, **row}


def import_keys(desk: ServiceDesk, path: Path | str) -> Transfer:
    """Load a key file into this desk's key store, which must hold no contact's key yet;
    then rebuild the read models, which can now show what the keys open."""
    count = verify_jsonl(path, KIND)
    keys = desk.personal_keys
    if keys.db.execute(f"SELECT 1 FROM {KEYS} LIMIT 1"):
        raise StoreNotEmptyError(
            "the key store already holds keys: import keys only into a new desk",
            store=desk.store.location,
        )
    with keys.db.transaction():
        keys.db.execute(f"DELETE FROM {SECRETS}")
        keys.db.execute(f"DELETE FROM {SUBJECTS}")
        for number, record in enumerate(read_jsonl(path), start=2):
            columns = _COLUMNS.get(record.get("table", ""))
            if columns is None or any(c not in record for c in columns):
                raise BackupFileError(path, f"line {number} is not a key store row")
            keys.db.execute(
                f"INSERT INTO {record['table']} ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' for _ in columns)})",
                [record[c] for c in columns],
            )
    keys.reload()
    desk.rebuild_projections()
    return Transfer(count, str(path))

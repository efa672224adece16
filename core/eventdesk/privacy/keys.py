"""The personal key store: one AES-GCM key per contact, kept apart from the events.

The store is a database of its own: a SQLite file beside a SQLite event store
(``events.db`` → ``events.db.keys``), its own tables in the same PostgreSQL
database as a PostgreSQL event store, memory beside a memory store, or wherever
``EVENTDESK_KEY_STORE`` (a SQLite path or a ``postgresql://`` URL) says. Its
tables are never read models: rebuilding the read models leaves them alone.

It also keeps the secret that keys identity lookups (an HMAC of the identity,
so the events never hold an address in the clear, not even as a hash anyone
could recompute), and which aggregate's personal fields belong to which
contact. Forgetting a contact deletes its key and leaves a tombstone, so
nothing is ever encrypted for that contact again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import threading
import uuid
from datetime import UTC, datetime

from eventdesk.storage import SQLDatabase, StoreConfig

ENV_VAR = "EVENTDESK_KEY_STORE"
KEYS = "eventdesk_personal_keys"
SUBJECTS = "eventdesk_personal_subjects"
SECRETS = "eventdesk_personal_secrets"
KEY_BYTES = 32


def key_store_setting(store: StoreConfig, setting: str | None = None) -> StoreConfig:
    """Where the keys of a desk whose events are in ``store`` live."""
    text = setting or os.environ.get(ENV_VAR)
    if text:
        return StoreConfig.parse(text)
    if store.kind == "sqlite":
        return StoreConfig.parse(f"{store.sqlite_path}.keys")
    return store  # memory: memory; PostgreSQL: tables of their own in the same database


class KeyStore:
    """Per-contact keys, the lookup secret, and which aggregates belong to which contact."""

    def __init__(self, db: SQLDatabase) -> None:
        self.db = db
        self._lock = threading.RLock()
        self._keys: dict[str, bytes | None] = {}  # None: forgotten
        self._subjects: dict[str, str | None] = {}
        for sql in (
            f"CREATE TABLE IF NOT EXISTS {KEYS} (contact TEXT PRIMARY KEY, key TEXT, "
            "created_at TEXT NOT NULL, forgotten_at TEXT)",
            f"CREATE TABLE IF NOT EXISTS {SUBJECTS} (subject TEXT PRIMARY KEY, "
            "contact TEXT NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {SECRETS} (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
        ):
            db.execute(sql)
        self._lookup_secret = self._secret("identity-lookup")

    @classmethod
    def open(cls, store: StoreConfig, setting: str | None = None) -> KeyStore:
        return cls(key_store_setting(store, setting).open_sql())

    def close(self) -> None:
        self.db.close()

    def reload(self) -> None:
        """Forget what was read so far (after the tables were restored from a backup)."""
        with self._lock:
            self._keys.clear()
            self._subjects.clear()
            self._lookup_secret = self._secret("identity-lookup")

    # --- the lookup secret ---------------------------------------------------

    def _secret(self, name: str) -> bytes:
        new = base64.b64encode(os.urandom(KEY_BYTES)).decode()
        insert = "INSERT INTO {t} (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING"
        self.db.execute(insert.format(t=SECRETS), [name, new])
        row = self.db.execute(f"SELECT value FROM {SECRETS} WHERE name = ?", [name])[0]
        return base64.b64decode(row["value"])

    def digest(self, text: str) -> bytes:
        """A keyed hash of ``text``: equal texts match, and nobody without the secret
        can tell which text it was."""
        return hmac.new(self._lookup_secret, text.encode(), hashlib.sha256).digest()

    def identity_id(self, identity: str) -> uuid.UUID:
        """The id of the claim on an identity (``email:ana@…``)."""
        return uuid.UUID(bytes=self.digest(f"identity:{identity}")[:16], version=5)

    # --- contacts' keys ------------------------------------------------------

    def key_for(self, contact: str, *, create: bool) -> bytes | None:
        """The contact's key; a new one if it has none yet and ``create``;
        None once the contact was forgotten."""
        with self._lock:
            if contact in self._keys:
                return self._keys[contact]
            rows = self.db.execute(f"SELECT key FROM {KEYS} WHERE contact = ?", [contact])
            if not rows and create:
                fresh = base64.b64encode(os.urandom(KEY_BYTES)).decode()
                self.db.execute(
                    f"INSERT INTO {KEYS} (contact, key, created_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (contact) DO NOTHING",
                    [contact, fresh, _now()],
                )
                rows = self.db.execute(f"SELECT key FROM {KEYS} WHERE contact = ?", [contact])
            if not rows:
                return None  # never had one (not cached: another process may create it)
            key = base64.b64decode(rows[0]["key"]) if rows[0]["key"] else None
            self._keys[contact] = key
            return key

    def forget(self, contacts: list[str]) -> int:
        """Destroy the keys of these contacts; returns how many keys were destroyed."""
        destroyed = 0
        with self._lock, self.db.transaction():
            for contact in contacts:
                rows = self.db.execute(f"SELECT key FROM {KEYS} WHERE contact = ?", [contact])
                if rows and rows[0]["key"]:
                    destroyed += 1
                self.db.execute(
                    f"INSERT INTO {KEYS} (contact, key, created_at, forgotten_at) "
                    "VALUES (?, NULL, ?, ?) ON CONFLICT (contact) DO UPDATE "
                    "SET key = NULL, forgotten_at = excluded.forgotten_at",
                    [contact, _now(), _now()],
                )
                self._keys[contact] = None
        return destroyed

    def drop_cached_keys(self) -> None:
        """Read keys from the store again (a contact may have been forgotten elsewhere)."""
        with self._lock:
            self._keys.clear()

    # --- which contact an aggregate's personal fields belong to --------------

    def link(self, subject: str, contact: str) -> None:
        with self._lock:
            if self._subjects.get(subject) == contact:
                return
            self.db.execute(
                f"INSERT INTO {SUBJECTS} (subject, contact) VALUES (?, ?) "
                "ON CONFLICT (subject) DO UPDATE SET contact = excluded.contact",
                [subject, contact],
            )
            self._subjects[subject] = contact

    def contact_of(self, subject: str, *, settled: bool = False) -> str | None:
        """The contact a subject belongs to. ``settled``: the answer cannot change later
        (an incident is linked when it is opened, or never), so "none" is remembered too."""
        with self._lock:
            if subject in self._subjects:
                return self._subjects[subject]
            rows = self.db.execute(f"SELECT contact FROM {SUBJECTS} WHERE subject = ?", [subject])
            found = rows[0]["contact"] if rows else None
            if found is not None or settled:
                self._subjects[subject] = found
            return found

    def aggregates_of(self, contacts: list[str]) -> list[str]:
        """The ids of the aggregates (incidents) whose personal fields these contacts' keys seal."""
        if not contacts:
            return []
        marks = ", ".join("?" for _ in contacts)
        rows = self.db.execute(
            f"SELECT subject FROM {SUBJECTS} WHERE contact IN ({marks}) "
            "AND subject NOT LIKE ? ORDER BY subject",
            [*contacts, "actor:%"],
        )
        return [row["subject"] for row in rows]

    def counts(self) -> dict[str, int]:
        """How many keys are live and how many were destroyed."""
        rows = self.db.execute(
            f"SELECT COUNT(key) AS live, COUNT(forgotten_at) AS forgotten FROM {KEYS}"
        )
        return {"live": int(rows[0]["live"]), "forgotten": int(rows[0]["forgotten"])}


def _now() -> str:
    # Key bookkeeping, not domain time: when a key was made or destroyed on this machine.
    return datetime.now(UTC).isoformat()

"""Where the events and read models live: one ``db`` setting, three stores.

``db`` is a SQLite path (the default, ``./eventdesk.db``), ``:memory:`` (events
in memory, for tests and experiments), or a ``postgresql://`` URL, optionally
with ``?schema=NAME`` to keep several desks in one database.
"""

from __future__ import annotations

import getpass
import os
import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import attrs

from eventdesk.errors import StorageConfigError

DEFAULT_DB = "eventdesk.db"
ENV_VAR = "EVENTDESK_DB"
SQLITE_LOCK_TIMEOUT_SECONDS = 30
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


@attrs.frozen
class StoreConfig:
    """A parsed ``db`` setting."""

    kind: str  # "memory", "sqlite" or "postgres"
    location: str  # the path, ":memory:", or the URL without password
    sqlite_path: str | None = None
    pg_conninfo: dict[str, Any] = attrs.field(factory=dict)
    pg_schema: str = "public"

    @classmethod
    def parse(cls, db: str | os.PathLike[str] | None) -> StoreConfig:
        text = os.fspath(db) if db is not None else os.environ.get(ENV_VAR) or DEFAULT_DB
        text = text.strip()
        if not text:
            raise StorageConfigError("empty database setting: give a path, :memory: or a URL")
        if text == ":memory:":
            return cls(kind="memory", location=":memory:")
        if text.startswith(("postgresql://", "postgres://")):
            return cls._parse_postgres(text)
        if "://" in text:
            raise StorageConfigError(
                f"unsupported database URL {text!r}: use a SQLite path, :memory: "
                "or a postgresql:// URL"
            )
        path = str(Path(text).expanduser().resolve())
        return cls(kind="sqlite", location=path, sqlite_path=path)

    @classmethod
    def _parse_postgres(cls, url: str) -> StoreConfig:
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        schema = query.pop("schema", ["public"])[0]
        if not _IDENTIFIER.match(schema):
            raise StorageConfigError(f"invalid schema name {schema!r} in database URL")
        if query:
            raise StorageConfigError(
                f"unsupported database URL option(s) {', '.join(sorted(query))}: "
                "only 'schema' is understood"
            )
        dbname = unquote(parts.path.lstrip("/")) or "postgres"
        try:
            port = parts.port or 5432
        except ValueError:
            raise StorageConfigError(f"invalid port in database URL {url!r}") from None
        info = {
            "host": parts.hostname or "127.0.0.1",
            "port": port,
            "user": unquote(parts.username) if parts.username else getpass.getuser(),
            "password": unquote(parts.password) if parts.password else "",
            "dbname": dbname,
        }
        shown = f"postgresql://{info['user']}@{info['host']}:{port}/{dbname}"
        if schema != "public":
            shown += f"?schema={schema}"
        return cls(kind="postgres", location=shown, pg_conninfo=info, pg_schema=schema)

    def eventsourcing_env(self) -> dict[str, str]:
        """The settings the ``eventsourcing`` library reads to build its recorders."""
        if self.kind == "memory":
            return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
        if self.kind == "sqlite":
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": self.sqlite_path or "",
                "SQLITE_LOCK_TIMEOUT": str(SQLITE_LOCK_TIMEOUT_SECONDS),
            }
        info = self.pg_conninfo
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_HOST": str(info["host"]),
            "POSTGRES_PORT": str(info["port"]),
            "POSTGRES_USER": str(info["user"]),
            "POSTGRES_PASSWORD": str(info["password"]),
            "POSTGRES_DBNAME": str(info["dbname"]),
            "POSTGRES_SCHEMA": self.pg_schema,
            # One round trip per save instead of several: see shared/EVENTSOURCING.md,
            # through a function that also locks the table so ids commit in order.
            "POSTGRES_ENABLE_DB_FUNCTIONS": "y",
            "APPLICATION_RECORDER_TOPIC": "eventdesk.pg_recorder:OrderedPostgresRecorder",
            "POSTGRES_CONNECT_TIMEOUT": "10",
        }

    def prepare(self) -> None:
        """Make sure the store can be opened: the folder exists, the schema exists."""
        if self.kind == "sqlite" and self.sqlite_path:
            folder = Path(self.sqlite_path).parent
            if not folder.is_dir():
                raise StorageConfigError(f"cannot create database: no folder {folder}")
        if self.kind == "postgres":
            with self.connect_postgres() as conn:
                conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.pg_schema}"')

    @contextmanager
    def setup_lock(self) -> Iterator[None]:
        """Serialise creating tables and functions between desks starting at once.

        PostgreSQL refuses concurrent ``CREATE OR REPLACE FUNCTION`` of one
        function ("tuple concurrently updated"), so starts on one schema take
        turns under an advisory lock. SQLite and memory need nothing.
        """
        if self.kind != "postgres":
            yield
            return
        with self.connect_postgres() as conn:
            key = f"eventdesk setup {self.pg_schema}"
            conn.execute("SELECT pg_advisory_lock(hashtext(%s))", [key])
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", [key])

    def connect_postgres(self, **kwargs: Any) -> Any:
        import psycopg

        info = {k: v for k, v in self.pg_conninfo.items() if v != ""}
        try:
            return psycopg.connect(autocommit=True, connect_timeout=10, **info, **kwargs)
        except psycopg.OperationalError as error:
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
            raise StorageConfigError(
                f"cannot connect to PostgreSQL at {self.location}: {first_line}"
            ) from None

    def open_sql(self) -> SQLDatabase:
        """A connection for read models, in the same database as the events."""
        if self.kind == "postgres":
            conn = self.connect_postgres(options=f"-c search_path={self.pg_schema}")
            return SQLDatabase(conn, dialect="postgres")
        path = self.sqlite_path if self.kind == "sqlite" else ":memory:"
        conn = sqlite3.connect(
            path or ":memory:",
            isolation_level=None,
            check_same_thread=False,
            timeout=SQLITE_LOCK_TIMEOUT_SECONDS,
        )
        # SQLite's LOWER() folds only ASCII; read models search with this one.
        conn.create_function("eventdesk_lower", 1, _lower, deterministic=True)
        if self.kind == "sqlite":
            conn.execute("PRAGMA journal_mode=WAL")
        return SQLDatabase(conn, dialect="sqlite")


def _lower(value: str | None) -> str | None:
    return value.lower() if isinstance(value, str) else value


class SQLDatabase:
    """A small, portable face over one sqlite3 or psycopg connection.

    SQL is written once with ``?`` placeholders; for PostgreSQL they become ``%s``.
    """

    def __init__(self, connection: Any, *, dialect: str) -> None:
        self.connection = connection
        self.dialect = dialect
        self._lock = threading.RLock()
        self._depth = 0

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.dialect == "postgres" else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self._lock:
            cursor = self.connection.execute(self._sql(sql), tuple(params))
            if cursor.description is None:
                return []
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def has_table(self, table: str) -> bool:
        if self.dialect == "postgres":
            sql = (
                "SELECT 1 FROM information_schema.tables "
                "WHERE table_schema = current_schema() AND table_name = ?"
            )
        else:
            sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
        return bool(self.execute(sql, [table]))

    def has_column(self, table: str, column: str) -> bool:
        if self.dialect == "postgres":
            sql = (
                "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = ? AND column_name = ?"
            )
            return bool(self.execute(sql, [table, column]))
        return any(row["name"] == column for row in self.execute(f"PRAGMA table_info({table})"))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self._lock:
            if self.dialect == "postgres":
                with self.connection.cursor() as cursor:
                    cursor.executemany(self._sql(sql), [tuple(r) for r in rows])
            else:
                self.connection.executemany(sql, [tuple(r) for r in rows])

    @contextmanager
    def transaction(self) -> Iterator[SQLDatabase]:
        """One write transaction; on SQLite it takes the write lock at once.

        Nested calls join the transaction already open on this connection.
        """
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self
                finally:
                    self._depth -= 1
                return
            self._depth = 1
            try:
                with self._outermost():
                    yield self
            finally:
                self._depth = 0

    @contextmanager
    def _outermost(self) -> Iterator[None]:
        with self._lock:
            if self.dialect == "postgres":
                with self.connection.transaction():
                    yield
                return
            self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self.connection.execute("ROLLBACK")
                raise
            self.connection.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self.connection.close()

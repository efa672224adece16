"""The one ``db`` setting: a SQLite path, :memory:, or a postgresql:// URL."""

from __future__ import annotations

import getpass
from pathlib import Path

import pytest
from eventdesk import ServiceDesk, StorageConfigError
from eventdesk.storage import DEFAULT_DB, SQLITE_LOCK_TIMEOUT_SECONDS, StoreConfig


def test_memory_keeps_events_in_the_process():
    config = StoreConfig.parse(":memory:")
    assert (config.kind, config.location, config.sqlite_path) == ("memory", ":memory:", None)
    assert config.eventsourcing_env() == {"PERSISTENCE_MODULE": "eventsourcing.popo"}


def test_a_sqlite_path_is_made_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = StoreConfig.parse("  desk/events.db ")
    expected = str(tmp_path.resolve() / "desk" / "events.db")
    assert (config.kind, config.location, config.sqlite_path) == ("sqlite", expected, expected)
    assert config.eventsourcing_env() == {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": expected,
        "SQLITE_LOCK_TIMEOUT": str(SQLITE_LOCK_TIMEOUT_SECONDS),
    }


def test_a_path_object_and_a_home_relative_path_are_understood(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert StoreConfig.parse(tmp_path / "a.db").sqlite_path == str(tmp_path / "a.db")
    assert StoreConfig.parse("~/b.db").sqlite_path == str(tmp_path.resolve() / "b.db")


def test_without_a_setting_the_environment_variable_then_the_default_is_used(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("EVENTDESK_DB", raising=False)
    assert StoreConfig.parse(None).sqlite_path == str(tmp_path.resolve() / DEFAULT_DB)

    monkeypatch.setenv("EVENTDESK_DB", ":memory:")
    assert StoreConfig.parse(None).kind == "memory"
    # An explicit setting wins over the environment.
    assert StoreConfig.parse("x.db").kind == "sqlite"


def test_a_full_postgresql_url():
    config = StoreConfig.parse(
        "postgresql://alice:s%40cret@db.example.org:6543/service?schema=acme"
    )

    assert config.kind == "postgres"
    assert config.pg_conninfo == {
        "host": "db.example.org",
        "port": 6543,
        "user": "alice",
        "password": "s@cret",
        "dbname": "service",
    }
    assert config.pg_schema == "acme"
    # The password is never shown.
    assert config.location == "postgresql://alice@db.example.org:6543/service?schema=acme"
    env = config.eventsourcing_env()
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    assert (env["POSTGRES_HOST"], env["POSTGRES_PORT"]) == ("db.example.org", "6543")
    assert (env["POSTGRES_USER"], env["POSTGRES_PASSWORD"]) == ("alice", "s@cret")
    assert (env["POSTGRES_DBNAME"], env["POSTGRES_SCHEMA"]) == ("service", "acme")
    assert env["POSTGRES_ENABLE_DB_FUNCTIONS"] == "y"


def test_a_short_postgres_url_takes_the_defaults():
    config = StoreConfig.parse("postgres://")
    assert config.kind == "postgres"
    assert config.pg_conninfo == {
        "host": "127.0.0.1",
        "port": 5432,
        "user": getpass.getuser(),
        "password": "",
        "dbname": "postgres",
    }
    assert config.pg_schema == "public"
    assert config.location == f"postgresql://{getpass.getuser()}@127.0.0.1:5432/postgres"


@pytest.mark.parametrize(
    ("setting", "complaint"),
    [
        ("", "empty database setting"),
        ("   ", "empty database setting"),
        ("mysql://root@localhost/desk", "unsupported database URL"),
        ("sqlite:///var/desk.db", "unsupported database URL"),
        ("postgresql://localhost:http/desk", "invalid port"),
        ("postgresql://localhost:99999/desk", "invalid port"),
        ("postgresql://localhost/desk?schema=bad-name", "invalid schema name"),
        ("postgresql://localhost/desk?schema=1st", "invalid schema name"),
        ("postgresql://localhost/desk?schema=" + "s" * 64, "invalid schema name"),
        ("postgresql://localhost/desk?sslmode=require", "unsupported database URL option"),
    ],
)
def test_settings_that_cannot_be_understood_are_refused(setting, complaint):
    # Fail to parse a database setting EventDesk does not understand.
    with pytest.raises(StorageConfigError, match=complaint):
        StoreConfig.parse(setting)


def test_a_sqlite_file_in_a_missing_folder_is_refused_before_anything_is_created(tmp_path):
    missing = tmp_path / "no" / "such" / "folder" / "desk.db"
    # Fail to open a desk in a folder that does not exist.
    with pytest.raises(StorageConfigError, match="no folder"):
        ServiceDesk(db=str(missing))
    assert not Path(tmp_path / "no").exists()


def test_an_unreachable_postgresql_server_is_a_storage_error_naming_it_without_the_password():
    # Fail to open a desk on a server nobody listens on.
    with pytest.raises(StorageConfigError) as caught:
        ServiceDesk(db="postgresql://eve:hunter2@127.0.0.1:1/desk")
    assert "postgresql://eve@127.0.0.1:1/desk" in str(caught.value)
    assert "hunter2" not in str(caught.value)

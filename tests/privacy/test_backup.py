"""Backups: ``export`` every event as checksummed JSON lines, ``import-events`` into an
empty store, the key store apart; the round trip SQLite → PostgreSQL → SQLite gives back
the same events, byte for byte, and the same read models."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from eventdesk import ServiceDesk
from eventdesk.backup.events import StoreNotEmptyError, export_events, import_events
from eventdesk.backup.jsonl import BackupFileError
from eventdesk.backup.keys import export_keys, import_keys
from eventdesk.cli import cli
from eventdesk.privacy import ERASED

from tests.privacy.test_personal_data import ANA, ana_writes_and_is_helped, receive

pytestmark = pytest.mark.usefixtures("note_channel")


def a_morning(desk: ServiceDesk, kit, clock) -> None:
    """Ana's incident, fixed and closed, then forgotten; Ben's, still open; Carla's contact."""
    ana_writes_and_is_helped(desk, kit, clock)
    desk.contacts.forget(ANA, reason="erasure request", actor="dpo")
    receive(desk, kit, "m-10", "ben@acme.example", "Printer on floor 2 jams", name="Ben Ortiz")
    desk.contacts.create(["+34600999888"], name="Carla Ruiz")


def read_models(desk: ServiceDesk) -> dict[str, list[tuple]]:
    """Every row of every read model, in a stable order, as text."""
    desk.catch_up()
    found = {}
    for projection in desk.projector.projections:
        for table in projection.tables:
            rows = desk.projector.db.execute(f"SELECT * FROM {table}")
            found[table] = sorted(tuple(str(v) for v in row.values()) for row in rows)
    return found


def restore(db: str, clock, events: Path, keys: Path) -> ServiceDesk:
    desk = ServiceDesk(db=db, clock=clock)
    import_keys(desk, keys)
    import_events(desk, events)
    return desk


def test_a_backup_comes_back_identical_on_postgresql_and_back_on_sqlite(
    tmp_path, note_channel, clock, postgres_url
):
    with ServiceDesk(db=str(tmp_path / "first.db"), clock=clock) as first:
        a_morning(first, note_channel, clock)
        expected = read_models(first)
        exported = export_events(first, tmp_path / "first.jsonl")
        export_keys(first, tmp_path / "first.keys")

    with restore(postgres_url, clock, tmp_path / "first.jsonl", tmp_path / "first.keys") as pg:
        assert read_models(pg) == expected
        assert pg.contacts.get("ben@acme.example").name == "Ben Ortiz"
        again = export_events(pg, tmp_path / "pg.jsonl")
        export_keys(pg, tmp_path / "pg.keys")
    assert (tmp_path / "pg.jsonl").read_bytes() == (tmp_path / "first.jsonl").read_bytes()

    back = restore(str(tmp_path / "back.db"), clock, tmp_path / "pg.jsonl", tmp_path / "pg.keys")
    with back:
        assert read_models(back) == expected
        [ben] = back.contacts.list(text="ben")
        assert back.get_incident(ben.incidents[0]).summary == "Printer on floor 2 jams"
        [erased] = [c for c in back.contacts.list() if c.name == ERASED]
        assert back.get_incident(erased.incidents[0]).state == "closed"
    print(
        f"\nevents exported: {exported.events}, imported on PostgreSQL and back: {again.events}, "
        f"read model tables identical: {len(expected)}"
    )


def test_an_import_refuses_a_store_that_is_not_empty_and_a_damaged_file(
    tmp_path, note_channel, clock
):
    with ServiceDesk(db=str(tmp_path / "first.db"), clock=clock) as first:
        a_morning(first, note_channel, clock)
        good = tmp_path / "events.jsonl"
        count = export_events(first, good).events
        # Fail to import into a store that already holds events.
        with pytest.raises(StoreNotEmptyError, match="already holds"):
            import_events(first, good)
    lines = good.read_bytes().splitlines(keepends=True)
    damaged = {
        "altered": b"".join([*lines[:3], lines[3].replace(b'"topic"', b'"topiC"'), *lines[4:]]),
        "truncated": b"".join(lines[:-1]),
        "cut mid-line": b"".join(lines)[:-40],
        "not a backup": b"hello\n",
        "reordered": b"".join([lines[0], lines[2], lines[1], *lines[3:]]),
    }
    problems = {
        "altered": "checksum mismatch",
        "truncated": "truncated",
        "cut mid-line": "not JSON",
        "not a backup": "not JSON",
        "reordered": "checksum mismatch",
    }
    with ServiceDesk(db=str(tmp_path / "empty.db"), clock=clock) as empty:
        for name, content in damaged.items():
            path = tmp_path / f"{name}.jsonl"
            path.write_bytes(content)
            # Fail to import a damaged file; nothing is written.
            with pytest.raises(BackupFileError, match=problems[name]):
                import_events(empty, path)
            assert empty.projector.head() == 0
    print(f"\nevents in the backup: {count}, damaged copies refused: {len(damaged)}")


def test_the_cli_exports_and_imports_and_says_what_is_wrong_in_one_line(
    tmp_path, note_channel, clock
):
    db, events, keys = tmp_path / "a.db", tmp_path / "a.jsonl", tmp_path / "a.keys"
    with ServiceDesk(db=str(db), clock=clock) as desk:
        a_morning(desk, note_channel, clock)
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(cli, ["--actor", "admin", *map(str, args)])

    exported = run("--db", db, "export", events)
    assert exported.exit_code == 0, exported.output
    assert run("--db", db, "keys", "export", keys).exit_code == 0
    assert run("--db", tmp_path / "b.db", "keys", "import", keys).exit_code == 0
    imported = run("--db", tmp_path / "b.db", "import-events", events)
    assert imported.exit_code == 0, imported.output
    assert imported.output.split()[1] == exported.output.split()[1]  # as many events

    refused = run("--db", tmp_path / "b.db", "import-events", events)
    assert refused.exit_code == 1 and "already holds" in refused.output
    events.write_bytes(events.read_bytes().replace(b"Contact.Created", b"Contact.Renamed", 1))
    damaged = run("--db", tmp_path / "c.db", "import-events", events)
    assert damaged.exit_code == 1
    assert damaged.output.strip().count("\n") == 0 and "checksum mismatch" in damaged.output
    # Fail to export where no folder is, or to '' (the folder; found by the CLI fuzz).
    for where in (tmp_path / "no" / "such.jsonl", ""):
        unwritable = run("--db", db, "export", where)
        assert unwritable.exit_code == 1, unwritable.output
        assert unwritable.output.count("\n") == 1 and "cannot be written" in unwritable.output

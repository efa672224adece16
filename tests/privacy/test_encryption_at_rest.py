"""Encryption at rest of the whole event store (``EVENTDESK_CIPHER_KEY``), with the
``eventsourcing`` library's AES-GCM cipher, on top of the per-contact sealing."""

from __future__ import annotations

import sqlite3

import pytest
from eventdesk import ServiceDesk
from eventdesk.backup.events import export_events, import_events
from eventdesk.backup.keys import export_keys, import_keys
from eventdesk.privacy.at_rest import ENV_VAR, new_cipher_key

from tests.privacy.test_backup import read_models
from tests.privacy.test_personal_data import ana_writes_and_is_helped

pytestmark = pytest.mark.usefixtures("note_channel")


def test_with_a_cipher_key_no_event_is_readable_without_it(
    tmp_path, note_channel, clock, monkeypatch
):
    monkeypatch.setenv(ENV_VAR, new_cipher_key())
    db = str(tmp_path / "sealed.db")
    with ServiceDesk(db=db, clock=clock) as desk:
        number = ana_writes_and_is_helped(desk, note_channel, clock)
        expected = read_models(desk)

    states = [row[0] for row in sqlite3.connect(db).execute("SELECT state FROM stored_events")]
    assert states and not any(b"timestamp" in state or b"bob" in state for state in states)
    # With the key, the desk reads its events as before.
    with ServiceDesk(db=db, clock=clock) as desk:
        assert desk.get_incident(number).state == "closed"
        desk.rebuild_projections()
        assert read_models(desk) == expected
        export_events(desk, tmp_path / "sealed.jsonl")
        export_keys(desk, tmp_path / "sealed.keys")
    # The backup holds the sealed bytes; it restores on a desk with the same key.
    assert b"bob" not in (tmp_path / "sealed.jsonl").read_bytes()
    with ServiceDesk(db=str(tmp_path / "restored.db"), clock=clock) as restored:
        import_keys(restored, tmp_path / "sealed.keys")
        import_events(restored, tmp_path / "sealed.jsonl")
        assert read_models(restored) == expected
    # Fail to read the events with another key.
    monkeypatch.setenv(ENV_VAR, new_cipher_key())
    with ServiceDesk(db=db, clock=clock) as desk, pytest.raises(ValueError, match="deserialise"):
        desk.get_incident(number)
    print(f"\nevents sealed at rest: {len(states)}, readable in the clear: 0")

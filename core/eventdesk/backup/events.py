"""``eventdesk export`` and ``eventdesk import-events``: every event, as stored.

Each event is written exactly as the store holds it: its position, aggregate
id and version, topic, and state (the stored bytes: JSON text, or base64 when
the whole store is encrypted at rest). Personal fields stay sealed with their
contacts' keys, which are not in the file (``eventdesk keys export`` writes
them, to be kept apart). Importing into an empty store of any kind (SQLite or
PostgreSQL) gives back the same events in the same order, so every read model
rebuilt from them is the same.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
from eventsourcing.persistence import StoredEvent

from eventdesk.backup.jsonl import BackupFileError, read_jsonl, verify_jsonl, write_jsonl
from eventdesk.errors import EventDeskError

if TYPE_CHECKING:
    from eventdesk.application import ServiceDesk

KIND = "eventdesk-events"
PAGE = 500


class StoreNotEmptyError(EventDeskError):
    """Events are imported only into an empty store."""


@attrs.frozen
class Transfer:
    """What an export or an import moved."""

    events: int
    path: str
    forgotten: int = 0  # contacts whose keys were destroyed again on import


def export_events(desk: ServiceDesk, path: Path | str) -> Transfer:
    """Write every event of the desk to ``path``, page by page."""
    return Transfer(write_jsonl(path, KIND, _records(desk)), str(path))


def _records(desk: ServiceDesk) -> Iterator[dict[str, Any]]:
    head = int(desk.recorder.max_notification_id() or 0)
    position = 0
    while position < head:
        page = desk.recorder.select_notifications(start=position + 1, stop=head, limit=PAGE)
        if not page:
            break
        for notification in page:
            yield _record(notification)
        position = page[-1].id


def _record(stored: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": stored.id,
        "originator_id": str(stored.originator_id),
        "originator_version": stored.originator_version,
        "topic": stored.topic,
    }
    state = bytes(stored.state)
    try:
        record["state"] = state.decode("utf-8")
    except UnicodeDecodeError:
        record["state_b64"] = base64.b64encode(state).decode()
    return record


def import_events(desk: ServiceDesk, path: Path | str) -> Transfer:
    """Load an export into this desk's empty store; refuses a non-empty store and a
    file whose checksum does not match, before writing anything."""
    count = verify_jsonl(path, KIND)
    existing = int(desk.recorder.max_notification_id() or 0)
    if existing:
        raise StoreNotEmptyError(
            f"{desk.store.location} already holds {existing} events: import into an empty store",
            store=desk.store.location,
        )
    batch: list[StoredEvent] = []
    forgotten: list[str] = []
    for number, record in enumerate(read_jsonl(path), start=2):
        stored = _stored(path, number, record)
        if stored.topic.endswith(":Contact.Forgotten"):
            forgotten.append(str(stored.originator_id))
        batch.append(stored)
        if len(batch) >= PAGE:
            desk.recorder.insert_events(batch)
            batch = []
    if batch:
        desk.recorder.insert_events(batch)
    # A key store restored from a backup older than an erasure must not bring it back.
    ids = [i for c in forgotten for i in desk.contacts.get_aggregate(c).all_ids]
    desk.personal_keys.forget(ids)
    desk.catch_up()
    return Transfer(count, str(path), forgotten=len(forgotten))


def _stored(path: Path | str, number: int, record: dict[str, Any]) -> StoredEvent:
    try:
        if "state_b64" in record:
            state = base64.b64decode(record["state_b64"], validate=True)
        else:
            state = str(record["state"]).encode("utf-8")
        return StoredEvent(
            originator_id=uuid.UUID(record["originator_id"]),
            originator_version=int(record["originator_version"]),
            topic=str(record["topic"]),
            state=state,
        )
    except (KeyError, ValueError, TypeError):
        raise BackupFileError(path, f"line {number} is not a stored event") from None

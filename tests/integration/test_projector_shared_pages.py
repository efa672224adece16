"""Read models that have got equally far read and decode each page once between them;
one that is behind catches up on its own pages, and ends where the others are."""

from __future__ import annotations

from typing import Any

import pytest
from eventdesk import ServiceDesk


def busy_morning(desk: ServiceDesk, incidents: int) -> None:
    for n in range(1, incidents + 1):
        number = desk.open_incident(f"Issue {n}", impact=2, urgency=2).number
        desk.start(number)
        desk.resolve(number, "fixed")


@pytest.fixture
def decoded(desk: ServiceDesk, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every event decoded from the notification log, in order (not those the
    repository decodes to load an aggregate)."""
    seen: list[Any] = []
    decode = desk.mapper.to_domain_event

    def counting(stored: Any) -> Any:
        event = decode(stored)
        if hasattr(stored, "id"):  # a notification: a stored event with its position
            seen.append(event)
        return event

    monkeypatch.setattr(desk.mapper, "to_domain_event", counting)
    return seen


def test_a_rebuild_decodes_each_event_once(desk: ServiceDesk, decoded: list[Any]) -> None:
    busy_morning(desk, 8)
    head = desk.projector.head()
    desk.catch_up()
    decoded.clear()

    assert desk.rebuild_projections() == head
    assert len(decoded) == head
    positions = {desk.projector.position(p) for p in desk.projector.projections}
    assert positions == {head}


def test_a_read_model_that_is_behind_catches_up_to_the_others(
    desk: ServiceDesk, decoded: list[Any]
) -> None:
    busy_morning(desk, 4)
    desk.catch_up()
    first_head = desk.projector.head()
    with desk.projector.db.transaction():
        desk.projector.db.execute(
            "UPDATE eventdesk_tracking SET position = 0 WHERE projection = 'work_log'"
        )
    busy_morning(desk, 2)
    head = desk.projector.head()
    decoded.clear()

    applied = desk.projector.catch_up_each()
    assert applied["work_log"] == head
    assert applied["incident_list"] == head - first_head
    # The one behind read its own pages; the others shared theirs.
    assert len(decoded) == head + (head - first_head)
    assert {desk.projector.position(p) for p in desk.projector.projections} == {head}
    assert desk.list_incidents().total == 6

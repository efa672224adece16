"""Finding an incident by its number, its bare sequence, or its id."""

from __future__ import annotations

from uuid import uuid4

import pytest
from eventdesk import IncidentNotFoundError

WAYS_TO_NAME_INCIDENT_3 = {
    "number": lambda view: "INC0000003",
    "number in lower case": lambda view: "inc0000003",
    "unpadded number": lambda view: "INC3",
    "bare int": lambda view: 3,
    "bare int as text": lambda view: " 3 ",
    "uuid": lambda view: view.id,
    "uuid as text": lambda view: str(view.id),
    "uuid as upper-case text": lambda view: str(view.id).upper(),
}


@pytest.mark.parametrize("way", WAYS_TO_NAME_INCIDENT_3)
def test_an_incident_can_be_named_in_every_way(desk, way):
    for n in range(1, 5):
        desk.open_incident(f"issue {n}", impact=2, urgency=2)
    view = desk.get_incident("INC0000003")
    ref = WAYS_TO_NAME_INCIDENT_3[way](view)

    assert desk.get_incident(ref) == view
    assert desk.start(ref).number == "INC0000003"
    assert len(desk.history(ref)) == 2


@pytest.mark.parametrize(
    "ref",
    ["INC0000009", 9, "9", uuid4(), str(uuid4()), "INC0000000", 0, -1, "nonsense", "", True, 2.5],
    ids=repr,
)
def test_an_unknown_incident_is_not_found(desk, ref):
    desk.open_incident("Mail server down", impact=2, urgency=2)

    # Fail to find, change or trace an incident that does not exist.
    with pytest.raises(IncidentNotFoundError) as caught:
        desk.get_incident(ref)
    assert caught.value.details == {"reference": str(ref)}
    with pytest.raises(IncidentNotFoundError):
        desk.start(ref)
    with pytest.raises(IncidentNotFoundError):
        desk.history(ref)
    assert desk.get_incident(1).state == "new"


def test_a_version_of_an_incident_never_opened_is_not_found(desk):
    number = desk.open_incident("Mail server down", impact=2, urgency=2).number
    # Fail to read version 1 of an incident that was never opened.
    with pytest.raises(IncidentNotFoundError):
        desk.get_incident("INC0000002", version=1)
    assert desk.get_incident(number, version=1).version == 1


def test_the_id_of_something_that_is_not_an_incident_is_not_found(desk):
    desk.sla.use_policy("default", actor="ana")
    settings_id = next(
        notification.originator_id
        for notification in desk.recorder.select_notifications(start=1, limit=10)
    )
    # Fail to read a desk setting as if it were an incident.
    with pytest.raises(IncidentNotFoundError):
        desk.get_incident(settings_id)

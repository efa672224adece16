"""Reading and storing named definitions (calendars, policies, settings, channels).

A definition is an event-sourced :class:`~eventdesk.domain.definition.Definition`
whose id comes from its kind and name, so storing the same name again revises
it, with who and when in its history.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.application import AggregateNotFoundError, Application

from eventdesk.domain.definition import Definition, definition_id


def load_definition(app: Application, kind: str, name: str) -> Definition | None:
    try:
        return app.repository.get(definition_id(kind, name))
    except AggregateNotFoundError:
        return None


def definition_content(app: Application, kind: str, name: str) -> dict[str, Any] | None:
    definition = load_definition(app, kind, name)
    return definition.content if definition is not None else None


def store_definition(
    app: Any, kind: str, name: str, content: dict[str, Any], *, actor: str
) -> bool:
    """Define or revise; returns False (and stores nothing) when the content is the same."""
    at = app.clock.now()
    definition = load_definition(app, kind, name)
    if definition is None:
        definition = Definition(kind=kind, name=name, content=content, actor=actor, timestamp=at)
    elif not definition.revise(content, actor=actor, at=at):
        return False
    app.save(definition)
    # The definitions index keys the caches of every process reading this database.
    app.catch_up()
    return True

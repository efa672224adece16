"""The errors EventDesk raises, each named for what went wrong.

Every error carries ``details``: the ids and values involved, so that callers
(the CLI, an HTTP intake, a test) can report them without parsing messages.
"""

from __future__ import annotations

from typing import Any


class EventDeskError(Exception):
    """Base class of every error EventDesk raises on purpose."""

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return self.message


class DomainError(EventDeskError):
    """A command was refused by a business rule."""


class IllegalTransitionError(DomainError):
    """A lifecycle transition is not allowed from the incident's current state."""

    def __init__(self, incident: str, transition: str, from_state: str) -> None:
        super().__init__(
            f"{incident}: cannot {transition} an incident that is {from_state}",
            incident=incident,
            transition=transition,
            from_state=from_state,
        )
        self.transition = transition
        self.from_state = from_state


class IncidentClosedError(DomainError):
    """A change was attempted on an incident that is closed or cancelled."""

    def __init__(self, incident: str, action: str, state: str) -> None:
        super().__init__(
            f"{incident}: cannot {action}: the incident is {state}",
            incident=incident,
            action=action,
            state=state,
        )


class InvalidValueError(DomainError):
    """A field was given a value outside what it accepts."""

    def __init__(self, field: str, value: Any, expected: str) -> None:
        super().__init__(
            f"invalid {field} {value!r}: expected {expected}",
            field=field,
            value=value,
            expected=expected,
        )
        self.field = field


class MajorIncidentError(DomainError):
    """Only an open P1 incident can be declared a major incident."""


class IncidentLinkError(DomainError):
    """A parent/child link would be invalid (itself, a cycle, a closed incident)."""


class NotFoundError(EventDeskError):
    """What was asked for does not exist (an incident, a tenant, a token...)."""


class IncidentNotFoundError(NotFoundError):
    """No incident has the given number or id."""

    def __init__(self, reference: object) -> None:
        super().__init__(f"incident {reference} not found", reference=str(reference))


class ConcurrencyConflictError(EventDeskError):
    """Someone else changed the incident since it was read (optimistic concurrency)."""

    def __init__(self, incident: str, expected_version: int | None, actual_version: int | None):
        super().__init__(
            f"{incident} was changed concurrently "
            f"(expected version {expected_version}, found {actual_version}); "
            "read it again and retry",
            incident=incident,
            expected_version=expected_version,
            actual_version=actual_version,
        )


class StorageConfigError(EventDeskError):
    """The database setting cannot be understood or reached."""


class ConfigFileError(EventDeskError):
    """A configuration file (calendar, SLA policy, ...) is malformed."""

    def __init__(self, file: str, key: str, expected: str, value: object = None) -> None:
        got = "" if value is None else f", got {value!r}"
        super().__init__(
            f"{file}: {key}: expected {expected}{got}", file=file, key=key, expected=expected
        )

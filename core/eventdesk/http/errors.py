"""How the HTTP server answers a failure: a status, and JSON that says what was wrong.

Every error body is ``{"error": message, "type": ErrorClass, "details": {...}}``,
the same message and details the engine's error carries, so a client can tell
one refusal from another without parsing the message.
"""

from __future__ import annotations

import logging
from typing import Any

from eventdesk.errors import (
    ConcurrencyConflictError,
    EventDeskError,
    NotFoundError,
    StorageConfigError,
)
from eventdesk.tenancy.access import AccessDeniedError
from eventdesk.tenancy.service import DuplicateNameError

log = logging.getLogger("eventdesk.http")


class HttpError(Exception):
    """A request the server refuses before the engine sees it (no token, a malformed
    or oversized body, a method a route does not take)."""

    def __init__(
        self,
        status: int,
        error_type: str,
        message: str,
        headers: dict[str, str] | None = None,
        **details: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.message = message
        self.headers = headers or {}
        self.details = details


def status_of(error: EventDeskError) -> int:
    """The HTTP status of an engine error.

    >>> from eventdesk.errors import IncidentNotFoundError, InvalidValueError
    >>> status_of(IncidentNotFoundError("INC0000042")), status_of(InvalidValueError("x", 1, "y"))
    (404, 422)
    """
    if isinstance(error, NotFoundError):
        return 404
    if isinstance(error, AccessDeniedError):
        return 403
    if isinstance(error, ConcurrencyConflictError | DuplicateNameError):
        return 409
    if isinstance(error, StorageConfigError):
        return 503
    # A business rule or a bad value (DomainError), or any other refusal: the request
    # was understood, and refused for the reason given.
    return 422


def error_body(error_type: str, message: str, details: dict[str, Any]) -> dict[str, Any]:
    return {"error": message, "type": error_type, "details": details}

"""Reading request bodies (with a size limit) and writing JSON answers."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from eventdesk.channels.json_body import loads
from eventdesk.errors import InvalidValueError
from eventdesk.http.errors import HttpError
from eventdesk.views import to_jsonable

MAX_BODY = 1024 * 1024  # 1 MiB: far more than any incident, comment or form needs


async def read_body(request: Request, limit: int | None = None) -> bytes:
    """The request body, or 413 as soon as it is longer than ``limit`` (by default the
    server's ``max_body``).

    A declared ``Content-Length`` over the limit is refused before reading a byte;
    a body without one (chunked) is refused once it has grown past the limit.
    """
    if limit is None:
        limit = request.app.state.max_body
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise HttpError(400, "MalformedRequest", f"invalid Content-Length {declared!r}")
        if int(declared) > limit:
            raise _too_large(limit, int(declared))
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit, size)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int, size: int) -> HttpError:
    return HttpError(
        413,
        "BodyTooLarge",
        f"the request body is larger than the server's limit of {limit} bytes",
        limit=limit,
        size=size,
    )


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_json_object(body: bytes, *, empty_is: dict[str, Any] | None = None) -> dict[str, Any]:
    """A JSON object from a request body, or 400 saying what is malformed."""
    if not body.strip() and empty_is is not None:
        return dict(empty_is)
    try:
        value = loads(body, parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise HttpError(400, "MalformedJSON", "the body is not UTF-8 text") from None
    except ValueError as error:
        raise HttpError(400, "MalformedJSON", f"the body is not valid JSON: {error}") from None
    if not isinstance(value, dict):
        raise HttpError(
            400,
            "MalformedJSON",
            f"the body must be a JSON object, not {_json_kind(value)}",
        )
    return value


def _json_kind(value: Any) -> str:
    kinds = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return kinds.get(type(value), "a number")


# The JSON types a field may take, by name: what to say when it has another.
TEXT, WHOLE_NUMBER, FLAG = "text", "a whole number", "true or false"
_CHECKS = {
    TEXT: lambda v: isinstance(v, str),
    WHOLE_NUMBER: lambda v: isinstance(v, int) and not isinstance(v, bool),
    FLAG: lambda v: isinstance(v, bool),
}


def take_fields(
    body: Mapping[str, Any], kinds: Mapping[str, str], *, required: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The body's fields, each of the kind given (null is the same as absent), or
    InvalidValueError naming the field that is unknown, missing or of the wrong kind."""
    unknown = sorted(set(body) - set(kinds))
    if unknown:
        raise InvalidValueError("field", unknown[0], "one of " + ", ".join(kinds))
    taken: dict[str, Any] = {}
    for name, kind in kinds.items():
        value = body.get(name)
        if value is None:
            if name in required:
                raise InvalidValueError(name, None, f"{kind} (required)")
            continue
        if not _CHECKS[kind](value):
            raise InvalidValueError(name, value, kind)
        taken[name] = value
    return taken


class JSONAnswer(Response):
    """A JSON response of a view, a list of views or plain data (times in UTC ISO 8601)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json.dumps(
            to_jsonable(content), ensure_ascii=False, separators=(",", ":"), default=str
        ).encode("utf-8")

"""Reading a channel's JSON body strictly, with reasons a sender can act on: the body
must be one JSON object, with no key given twice and no NaN or Infinity."""

from __future__ import annotations

import json
from typing import Any

from eventdesk.channels.base import PayloadError

# How a JSON value is named in a reason (bool before int: True is an int too).
_KINDS: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (bool, "true or false"),
    (str, "text"),
    ((int, float), "a number"),
    (list, "a list"),
    (dict, "an object"),
)


def json_kind(value: Any) -> str:
    """What a JSON value is, in the words of a reason.

    >>> json_kind("x"), json_kind(True), json_kind(4.5), json_kind([]), json_kind(None)
    ('text', 'true or false', 'a number', 'a list', 'null')
    """
    if value is None:
        return "null"
    return next((name for kind, name in _KINDS if isinstance(value, kind)), type(value).__name__)


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise ValueError(f"the key {key!r} is given twice")
        data[key] = value
    return data


def read_json_object(text: str | bytes) -> dict[str, Any]:
    """The JSON object a body holds, or PayloadError saying what is wrong with it.

    >>> read_json_object(b'{"a": 1}')
    {'a': 1}
    >>> read_json_object('[1]')
    Traceback (most recent call last):
    ...
    eventdesk.channels.base.PayloadError: the body must be a JSON object, not a list
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise PayloadError("the body is not UTF-8 text") from None
    try:
        data = json.loads(text, parse_constant=_no_constants, object_pairs_hook=_unique_keys)
    except RecursionError:
        raise PayloadError("the body is not JSON: it is nested too deeply") from None
    except ValueError as error:
        raise PayloadError(f"the body is not JSON: {error}") from None
    if not isinstance(data, dict):
        raise PayloadError(f"the body must be a JSON object, not {json_kind(data)}")
    return data

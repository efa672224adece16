"""Reading a channel's JSON body strictly, with reasons a sender can act on: the body
must be one JSON object, with no key given twice and no NaN or Infinity, nested at
most ``JSON_DEPTH_MAX`` levels deep."""

from __future__ import annotations

import json
import re
from typing import Any

from eventdesk.channels.base import PayloadError

JSON_DEPTH_MAX = 64  # levels of nested arrays and objects in a JSON body (ours use 6)
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")


def json_depth(text: str) -> int:
    """How deeply the arrays and objects of a JSON text nest (brackets in strings aside).

    >>> json_depth('{"a": [1, {"b": "[[["}]}'), json_depth("3")
    (3, 0)
    """
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", text))
    depth = deepest = 0
    for bracket in brackets:
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def loads(text: str | bytes, **options: Any) -> Any:
    """``json.loads``, refusing (ValueError) a text nested deeper than ``JSON_DEPTH_MAX``
    before Python's parser recurses into it.

    >>> loads("[" * 65 + "]" * 65)
    Traceback (most recent call last):
    ...
    ValueError: nested more than 64 levels deep
    """
    if isinstance(text, bytes | bytearray):
        text = bytes(text).decode("utf-8")
    if text.count("[") + text.count("{") > JSON_DEPTH_MAX and json_depth(text) > JSON_DEPTH_MAX:
        raise ValueError(f"nested more than {JSON_DEPTH_MAX} levels deep")
    try:
        return json.loads(text, **options)
    except RecursionError:
        raise ValueError(f"nested more than {JSON_DEPTH_MAX} levels deep") from None


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
        data = loads(text, parse_constant=_no_constants, object_pairs_hook=_unique_keys)
    except ValueError as error:
        raise PayloadError(f"the body is not JSON: {error}") from None
    if not isinstance(data, dict):
        raise PayloadError(f"the body must be a JSON object, not {json_kind(data)}")
    return data

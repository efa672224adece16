"""Every hookspec has a heading in docs/plugins.md with its exact signature."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from eventdesk import hookspecs

PLUGINS_DOC = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"


def _hookspecs() -> list[str]:
    return [
        name
        for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
        if hasattr(function, "eventdesk_spec")
    ]


def signature(name: str) -> str:
    """``name(arg, ...)``, the way the docs write a hook."""
    parameters = inspect.signature(getattr(hookspecs, name)).parameters
    return f"{name}({', '.join(parameters)})"


def test_the_hookspecs_are_found() -> None:
    assert "track_event" in _hookspecs()
    assert signature("track_event") == "track_event(desk, event)"


@pytest.mark.parametrize("name", _hookspecs())
def test_each_hook_has_a_heading_with_its_signature(name: str) -> None:
    headings = re.findall(r"^#{2,4} (.+)$", PLUGINS_DOC.read_text(encoding="utf-8"), re.M)
    assert f"`{signature(name)}`" in [heading.strip() for heading in headings]


@pytest.mark.parametrize("name", _hookspecs())
def test_each_hook_has_a_docstring(name: str) -> None:
    assert inspect.getdoc(getattr(hookspecs, name))

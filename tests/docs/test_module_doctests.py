"""The examples in the engine's docstrings run, module by module."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import eventdesk
import pytest


def _modules() -> list[str]:
    names = [eventdesk.__name__]
    names += [info.name for info in pkgutil.walk_packages(eventdesk.__path__, prefix="eventdesk.")]
    return sorted(names)


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    module = importlib.import_module(name)
    failed, attempted = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    report = capsys.readouterr().out
    assert failed == 0, f"{failed} of {attempted} examples in {name} failed:\n{report}"


def test_every_module_is_collected() -> None:
    modules = _modules()
    for name in ("eventdesk.application", "eventdesk.domain.incident", "eventdesk.cli.main"):
        assert name in modules

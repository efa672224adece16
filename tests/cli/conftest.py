"""Run the ``eventdesk`` command line in-process, on a fresh SQLite file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from eventdesk.cli import cli


@pytest.fixture
def db_path(tmp_path: Path) -> str:
    return str(tmp_path / "eventdesk.db")


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.delenv("EVENTDESK_DB", raising=False)
    monkeypatch.delenv("EVENTDESK_ACTOR", raising=False)
    return CliRunner()


@pytest.fixture
def eventdesk(runner: CliRunner, db_path: str) -> Callable[..., Result]:
    """``eventdesk("incident", "show", "1")`` runs ``eventdesk --db <file> incident show 1``."""

    def run(*args: str, actor: str = "ana", **kwargs: Any) -> Result:
        return runner.invoke(cli, ["--db", db_path, "--actor", actor, *args], **kwargs)

    return run


def succeeded(result: Result) -> Result:
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr, result.exception)
    return result


def json_of(result: Result) -> Any:
    return json.loads(succeeded(result).stdout)


def failed_in_one_line(result: Result, exit_code: int = 1) -> str:
    """The single ``Error: ...`` line a known failure prints on stderr."""
    assert result.exit_code == exit_code, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in result.stderr
    return lines[0]

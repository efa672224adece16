"""Every command of the command line, fuzzed with nonsense arguments and options.

The argument lists are drawn from the command tree itself (every command,
every option it declares, positional arguments), with values that are empty,
huge, negative, not numbers, not dates, not UTF-8-friendly or simply unknown.
Whatever the arguments, a command ends with exit status 0, 1 (a one-line
``Error: ...`` on stderr) or 2 (click's usage error), never a traceback. The
figures reached are in the run's summary.
"""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from eventdesk import ServiceDesk
from eventdesk.cli import cli
from hypothesis import given
from hypothesis import strategies as st

from .directory import build
from .harness import budget, figures

# Commands that serve, listen, loop or write files for as long as they are let: not fuzzed.
SKIPPED = {
    ("serve",),
    ("email", "listen"),
    ("demo",),
    ("benchmark",),
    ("chat", "work"),
    ("route", "work"),
    ("sla", "run"),
    ("report",),
    ("sla", "replay"),
}
VALUES = st.sampled_from(
    [
        "",
        " ",
        "x",
        "-1",
        "0",
        "3",
        "99999999999999999999999",
        "1e309",
        "nan",
        "INC0000001",
        "inc1",
        "acme",
        "globex",
        "agent:ana",
        "user:x/nowhere",
        "2026-13-45",
        "2026-03-02T09:00",
        "é" * 300,
        "email:ana@acme.example",
        "key=value",
        "=",
        "../../etc/passwd",
        "--json",
    ]
) | st.text(max_size=20)


def _commands() -> list[tuple[tuple[str, ...], click.Command]]:
    ctx = click.Context(cli)
    found: list[tuple[tuple[str, ...], click.Command]] = []

    def walk(group: click.Group, path: tuple[str, ...]) -> None:
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            if isinstance(command, click.Group):
                walk(command, (*path, name))
            elif (*path, name) not in SKIPPED and command is not None:
                found.append(((*path, name), command))

    walk(cli, ())
    return found


COMMANDS = _commands()


@st.composite
def argv(draw: st.DrawFn) -> list[str]:
    path, command = draw(st.sampled_from(COMMANDS))
    args = list(path)
    for param in command.params:
        if not draw(st.booleans()):
            continue
        if isinstance(param, click.Option):
            args.append(draw(st.sampled_from(param.opts)))
            if not param.is_flag:
                args.append(draw(VALUES))
        else:
            args.append(draw(VALUES))
    if draw(st.integers(0, 9)) == 0:
        args.append(draw(VALUES))  # one too many
    return args


@pytest.mark.fuzz
def test_every_command_fails_in_one_line_or_succeeds(tmp_path: Path, monkeypatch) -> None:
    db = str(tmp_path / "fuzz.db")
    with ServiceDesk(db=db) as desk:
        build(desk)
        desk.open_incident("Printer jam", impact=3, urgency=3, tenant="acme")
    monkeypatch.chdir(tmp_path)
    for name in ("EVENTDESK_DB", "EVENTDESK_ACTOR"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()
    counted = figures("fuzz cli")
    counted["commands"] = len(COMMANDS)

    @budget()
    @given(args=argv(), actor=st.sampled_from(["ana", "agent:cy", "user:carla@acme/acme"]))
    def one(args: list[str], actor: str) -> None:
        result = runner.invoke(cli, ["--db", db, "--actor", actor, *args], input="")
        counted["invocations tried"] += 1
        counted[f"exit {result.exit_code}"] += 1
        assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.exception)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            args,
            repr(result.exception),
        )
        assert "Traceback" not in result.stderr + result.stdout, args
        if result.exit_code == 1:
            lines = result.stderr.splitlines()
            assert len(lines) == 1 and lines[0].startswith("Error: "), (args, result.stderr)

    one()

"""The examples in README.md and docs/*.md run, and print what the documents say.

- Python examples are doctests (``>>>``), run with ``doctest.testfile``.
- Command-line examples are the fenced ``console`` blocks: each ``$ eventdesk ...``
  line is run through click's ``CliRunner`` and what it prints must match the
  lines below it (``...`` matches anything, as in a doctest). ``$ export NAME=value``
  sets a variable for the commands after it. A command may continue on the next
  line after a trailing backslash. Shell lines that are not meant to be run go
  in ``sh`` blocks instead.

The commands of one document share one database (``./eventdesk.db`` in a fresh
folder), in order. The command line reads the system clock, so here it reads a
virtual one instead: 09:00 UTC on Monday 2 March 2026, one minute later after
each command. That is the only thing the test changes; the output is what the
CLI prints.
"""

from __future__ import annotations

import doctest
import os
import re
import shlex
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from eventdesk.cli import cli
from eventdesk.clock import ManualClock, SystemClock
from eventdesk.plugins import LOAD_PLUGINS_VARIABLE, get_plugin_manager

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
CLI_START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CLI_STEP = timedelta(minutes=1)
_FENCE = re.compile(r"^```(\S*)\s*$")


def documents() -> list[Path]:
    """README.md and every docs/*.md, in a stable order."""
    return [path for path in [REPO / "README.md", *sorted(DOCS.glob("*.md"))] if path.exists()]


def doc_id(path: Path) -> str:
    return str(path.relative_to(REPO))


def _with_doctests() -> list[Path]:
    return [path for path in documents() if ">>> " in path.read_text(encoding="utf-8")]


def _with_console() -> list[Path]:
    return [path for path in documents() if console_examples(path)]


@dataclass
class ConsoleExample:
    """One ``$ command`` and the output shown under it."""

    line: int
    command: str
    expected: list[str] = field(default_factory=list)


def console_examples(path: Path) -> list[ConsoleExample]:
    """Every command of every ``console`` block of a Markdown file, in order."""
    examples: list[ConsoleExample] = []
    fence: str | None = None
    continuing = False
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = _FENCE.match(text.strip())
        if match and (fence is None or not match.group(1)):
            fence = match.group(1) if fence is None else None
            continuing = False
            continue
        if fence != "console":
            continue
        if continuing:
            examples[-1].command += " " + text.strip().removesuffix("\\").strip()
            continuing = text.rstrip().endswith("\\")
        elif text.startswith("$ "):
            examples.append(ConsoleExample(number, text[2:].strip().removesuffix("\\").strip()))
            continuing = text.rstrip().endswith("\\")
        elif examples:
            examples[-1].expected.append(text)
    return examples


@pytest.fixture
def docs_workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty working folder that sees the repository's docs/, in a clean environment.

    Examples name files as a reader in the repository would (``docs/examples/...``)
    and create databases in the current folder, and must not see the
    ``EVENTDESK_*`` settings of whoever runs the tests.
    """
    (tmp_path / "docs").symlink_to(DOCS, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    saved = dict(os.environ)
    for name in [name for name in os.environ if name.startswith("EVENTDESK_")]:
        del os.environ[name]
    try:
        yield tmp_path
    finally:
        # Examples may set variables themselves (EVENTDESK_DB, say): undo all of it.
        os.environ.clear()
        os.environ.update(saved)


def _normalised(lines: list[str]) -> str:
    stripped = [line.rstrip() for line in lines]
    while stripped and not stripped[-1]:
        stripped.pop()
    return "\n".join(stripped) + "\n"


def matches(expected: list[str], output: str) -> bool:
    """Whether ``output`` is what the document shows, with ``...`` as a wildcard."""
    checker = doctest.OutputChecker()
    return checker.check_output(
        _normalised(expected), _normalised(output.splitlines()), doctest.ELLIPSIS
    )


@pytest.mark.parametrize("path", _with_doctests(), ids=doc_id)
def test_python_examples(
    path: Path, docs_workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    failed, attempted = doctest.testfile(
        str(path), module_relative=False, globs={}, optionflags=FLAGS, encoding="utf-8"
    )
    report = capsys.readouterr().out
    assert attempted > 0
    assert failed == 0, f"{failed} of {attempted} examples in {doc_id(path)} failed:\n{report}"


@pytest.fixture
def fresh_plugins() -> Iterator[Callable[[], None]]:
    """The plugin manager is built once per process, before any document sets
    ``EVENTDESK_LOAD_PLUGINS``: a document that sets it gets one built afresh under its
    limit (call the answer), and the tests after it the usual one again."""
    limited = False

    def limit() -> None:
        nonlocal limited
        limited = True
        get_plugin_manager.cache_clear()

    yield limit
    if limited:
        get_plugin_manager.cache_clear()


@pytest.mark.parametrize("path", _with_console(), ids=doc_id)
def test_console_examples(
    path: Path,
    docs_workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    fresh_plugins: Callable[[], None],
) -> None:
    clock = ManualClock(CLI_START)
    monkeypatch.setattr(SystemClock, "now", lambda self: clock.now())
    runner = CliRunner()
    env: dict[str, str | None] = {}
    for example in console_examples(path):
        where = f"{doc_id(path)}:{example.line}: $ {example.command}"
        words = shlex.split(example.command)
        if words[0] == "export":
            name, _, value = words[1].partition("=")
            env[name] = value
            if name == LOAD_PLUGINS_VARIABLE:
                fresh_plugins()
            continue
        assert words[0] == "eventdesk", f"{where}: console blocks run eventdesk commands only"
        result = runner.invoke(cli, words[1:], env=env, prog_name="eventdesk")
        clock.advance(CLI_STEP)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            trace = "".join(traceback.format_exception(result.exception))
            pytest.fail(f"{where}\nraised:\n{trace}")
        assert matches(example.expected, result.output), (
            f"{where}\n--- the document shows:\n{_normalised(example.expected)}"
            f"--- the command printed:\n{result.output}"
        )


def test_the_guides_exist() -> None:
    names = {doc_id(path) for path in documents()}
    for guide in ("README.md", "docs/embedding.md", "docs/cli.md", "docs/architecture.md"):
        assert guide in names


_LINK = re.compile(r"\]\(([^)\s]+)\)")


def _anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lstrip("#").strip().lower())
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {_anchor(line) for line in lines if re.match(r"^#{1,6} ", line)}


@pytest.mark.parametrize("path", documents(), ids=doc_id)
def test_links_between_documents_lead_somewhere(path: Path) -> None:
    for target in _LINK.findall(path.read_text(encoding="utf-8")):
        if re.match(r"^[a-z]+:", target):
            continue  # http:, https:, mailto: are not checked here
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        assert linked.exists(), f"{doc_id(path)}: {target} does not exist"
        if anchor and linked.suffix == ".md":
            assert anchor in _anchors(linked), f"{doc_id(path)}: no heading for {target}"


def test_console_parser_reads_blocks_and_continuations(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "Text.\n\n```console\n$ eventdesk init\nready\n$ eventdesk incident list \\\n"
        "  --json\n[]\n```\n\n```sh\n$ make test\n```\n",
        encoding="utf-8",
    )
    examples = console_examples(page)
    assert [(e.line, e.command, e.expected) for e in examples] == [
        (4, "eventdesk init", ["ready"]),
        (6, "eventdesk incident list --json", ["[]"]),
    ]


def test_wildcards_match_variable_parts_only() -> None:
    assert matches(["INC0000001 opened at ..."], "INC0000001 opened at 09:14   \n\n")
    assert not matches(["INC0000001 new"], "INC0000002 new\n")

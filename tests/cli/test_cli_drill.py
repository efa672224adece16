"""``eventdesk drill``: run on a scratch file, history, and one-line errors."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

from click.testing import CliRunner
from eventdesk.cli import cli

STORM = Path(__file__).resolve().parents[2] / "docs" / "examples" / "drill-storm-surge.toml"


def drill(tmp_path: Path, *args: str):
    return CliRunner().invoke(cli, ["--db", str(tmp_path / "live.db"), "drill", *args])


def test_a_drill_runs_on_a_new_scratch_file_and_not_twice_on_it(tmp_path: Path) -> None:
    scratch = tmp_path / "scratch.db"
    result = drill(tmp_path, "run", str(STORM), "--scratch", str(scratch), "--json", "--no-record")
    assert result.exit_code == 0, result.output
    contacts = json.loads(result.stdout)["contacts"]
    with closing(sqlite3.connect(scratch)) as conn:
        # The drill's incidents are on the scratch file: the deflected contacts never queued.
        [(opened,)] = conn.execute(
            "SELECT COUNT(*) FROM stored_events WHERE topic LIKE '%Incident.Opened'"
        )
    assert 0 < opened < contacts
    # Fail to run a drill on a scratch file that exists (the live desk's, say)
    again = drill(tmp_path, "run", str(STORM), "--scratch", str(scratch))
    assert again.exit_code == 1
    assert again.output == f"Error: the scratch store {scratch} exists: give a new file\n"
    assert drill(tmp_path, "history").output == "No drills recorded.\n"


def test_history_lists_the_drills_run(tmp_path: Path) -> None:
    assert drill(tmp_path, "run", str(STORM), "--seed", "9").exit_code == 0
    result = drill(tmp_path, "history", "--json")
    [recorded] = json.loads(result.stdout)
    assert recorded["seed"] == 9 and recorded["events"][0] == "09:00-11:00 voice arrivals × 3"


def test_a_missing_scenario_is_one_line(tmp_path: Path) -> None:
    result = drill(tmp_path, "run", str(tmp_path / "nope.toml"))
    assert result.exit_code == 1
    assert result.output.startswith("Error: invalid scenario ") and result.output.count("\n") == 1

"""``eventdesk import``: both logs, the report (text and JSON), twice, figures, errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from tests.cli.conftest import failed_in_one_line, json_of, succeeded

EXCERPTS = Path(__file__).resolve().parents[2] / "docs" / "replay"


def test_import_bpi2013_reports_the_rejected_row(eventdesk: Callable[..., Result]) -> None:
    out = succeeded(eventdesk("import", "bpi2013", str(EXCERPTS / "bpi2013-excerpt.xes"))).stdout
    assert "Imported 5 cases" in out
    assert "1 rows rejected:" in out
    assert "case 1-734873980, row 31 (Unmatched / Unmatched): status 'Unmatched / Unmatched'" in out


def test_import_twice_as_json(eventdesk: Callable[..., Result]) -> None:
    log = str(EXCERPTS / "servicenow-excerpt.csv")
    first = json_of(eventdesk("import", "servicenow-log", log, "--json"))
    assert (first["cases_imported"], first["rows_read"], first["rows_rejected"]) == (6, 40, 2)
    assert {r["reason"] for r in first["rejected"]} == {
        "status '-100' has no place in the lifecycle"
    }
    again = json_of(eventdesk("import", "servicenow-log", log, "--json"))
    assert (again["cases_imported"], again["cases_skipped"], again["events_written"]) == (0, 6, 0)
    listed = json_of(eventdesk("incident", "list", "--json"))
    assert len(listed["items"]) == 6


def test_import_stats(eventdesk: Callable[..., Result]) -> None:
    succeeded(eventdesk("import", "bpi2013", str(EXCERPTS / "bpi2013-excerpt.csv")))
    figures = json_of(eventdesk("import", "stats", "--json"))
    assert (figures["source"], figures["cases"], figures["ping_pong"]) == ("bpi2013", 5, 1)
    text = succeeded(eventdesk("import", "stats")).stdout
    assert "bpi2013: 5 cases" in text
    none = json_of(eventdesk("import", "stats", "--source", "servicenow", "--json"))
    assert none["cases"] == 0


def test_a_file_that_is_not_a_log_is_one_line_error(
    eventdesk: Callable[..., Result], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.xes"
    broken.write_text("<log><trace>")
    assert "cannot read" in failed_in_one_line(eventdesk("import", "bpi2013", str(broken)))
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b,c\n1,2,3\n")
    line = failed_in_one_line(eventdesk("import", "servicenow-log", str(wrong)))
    assert "number" in line

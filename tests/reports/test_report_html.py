"""The HTML report opens in a real headless Chromium without a console message, and its
charts are drawn: each chart's SVG holds its traces, and the screenshot is not blank."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from eventdesk import ManualClock, ServiceDesk
from eventdesk.cli import cli
from eventdesk.reports.html import CHART_IDS
from PIL import Image

from ..browser import console_messages, headless
from .conftest import MONDAY, build_history

# What a drawn trace leaves in a chart's SVG: bars (and histogram bins) and heat map cells.
TRACE_MARKS = {"point", "hm"}


class ChartMarks(HTMLParser):
    """Counts, inside each ``chart-<id>`` element, the SVGs and the drawn trace marks."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str | None] = []
        self.svgs: Counter[str] = Counter()
        self.marks: Counter[str] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        chart = (found.get("id") or "").removeprefix("chart-")
        inside = next((c for c in reversed(self.stack) if c), None)
        self.stack.append(chart if chart in CHART_IDS else None)
        if inside is None:
            return
        classes = set((found.get("class") or "").split())
        if tag == "svg" and "main-svg" in classes:
            self.svgs[inside] += 1
        if classes & TRACE_MARKS or (tag == "image" and found.get("href")):
            self.marks[inside] += 1

    def handle_endtag(self, tag: str) -> None:
        if self.stack:
            self.stack.pop()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)


@pytest.fixture
def report_file(tmp_path: Path) -> Path:
    db = str(tmp_path / "desk.db")
    clock = ManualClock(MONDAY)
    with ServiceDesk(db=db, clock=clock) as desk:
        build_history(desk, clock)
    target = tmp_path / "report.html"
    result = CliRunner().invoke(
        cli, ["--db", db, "report", "--until", "2026-03-03T08:00", "--html", str(target)]
    )
    assert result.exit_code == 0, result.output
    return target


def test_the_report_is_one_file_that_fetches_nothing(report_file: Path) -> None:
    text = report_file.read_text(encoding="utf-8")
    # No script, style sheet or image is loaded from elsewhere: plotly.js is inline.
    assert "<script src=" not in text and "<link " not in text
    assert 'src="http' not in text
    assert text.count("Plotly.newPlot") == len(CHART_IDS)


def test_the_charts_render_in_a_real_browser(chromium: str, report_file: Path, tmp_path: Path):
    url = report_file.resolve().as_uri()
    dom = headless(chromium, "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr
    assert console_messages(dom.stderr) == []
    marks = ChartMarks()
    marks.feed(dom.stdout)
    assert {chart: marks.svgs[chart] >= 1 for chart in CHART_IDS} == dict.fromkeys(CHART_IDS, True)
    assert {chart: marks.marks[chart] >= 1 for chart in CHART_IDS} == dict.fromkeys(
        CHART_IDS, True
    ), marks.marks

    shot = tmp_path / "report.png"
    taken = headless(chromium, "--window-size=1280,2600", f"--screenshot={shot}", url)
    assert taken.returncode == 0, taken.stderr
    assert console_messages(taken.stderr) == []
    image = Image.open(shot).convert("RGB")
    assert image.size == (1280, 2600)
    total = image.width * image.height
    colours = dict((colour, count) for count, colour in image.getcolors(total))
    # Not blank: many colours, and a good share of the page is ink rather than white.
    assert len(colours) > 50
    assert 1 - colours.get((255, 255, 255), 0) / total > 0.05
    # Plotly's first trace colour (#636efa) fills the bars.
    assert colours.get((99, 110, 250), 0) > 1000

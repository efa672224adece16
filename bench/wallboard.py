"""How fast the wallboard paints over many open incidents, against baselines in the same run.

A ServiceDesk on a temporary SQLite file holds N open incidents (default
10,000) of two dedicated tenants, waiting for agents who are offline (so every
one is in the routing queue and has running SLA clocks). It is served by the
real HTTP server (uvicorn on loopback). Then, in the same run:

1. **Board.** ``GET /wallboard/api/board``, the snapshot every panel is drawn
   from, as the administrator (everything) and as a supervisor (one tenant).
   **Baseline**: ``GET /api/incidents?limit=50``, the JSON API's first page of
   the incident list::

       board ratio = board time ÷ list page time

2. **First paint (HTTP).** The page, its style sheet and script, and the
   board, fetched one after the other as a browser does before it draws.
3. **First paint (browser)**, when Playwright and Chromium are there (skipped
   with ``--no-browser``): a headless Chromium tab opens ``/wallboard``; the
   time is the page's own clock (``performance.now()``, from the navigation's
   start) when the SLA risk table has its rows. **Baseline**: the same tab
   opening ``/health`` until it is loaded::

       paint ratio = wallboard paint time ÷ /health load time

The issue asks for a first paint under one second with 10,000 open incidents.
Each step is repeated ``--repeat`` times (default 3) and the best time kept.
Machines are shared and noisy: compare the ratios, not the times.
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import reports  # bench/reports.py, beside this file: best_of
import uvicorn
from eventdesk import ManualClock, ServiceDesk
from eventdesk.http import create_app

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
DEFAULT_INCIDENTS = 10_000
CHANNELS = ("email", "web", "chat", "voice")
CHROMIUM = "/usr/bin/chromium"


def fill(desk: ServiceDesk, clock: ManualClock, incidents: int) -> dict[str, str]:
    """Two dedicated tenants, their supervised teams, offline agents, ``incidents`` open
    incidents a few seconds apart; the tokens of the administrator and of a supervisor."""
    tenancy = desk.tenancy
    for tenant in ("acme", "globex"):
        tenancy.register_tenant(tenant, model="dedicated", service_manager="sofia")
        tenancy.form_team(
            f"{tenant}-team",
            kind="dedicated",
            tenant=tenant,
            supervisors={"shift_manager": f"{tenant}-lead"},
        )
        for name in (f"{tenant}-lead", f"{tenant}-1", f"{tenant}-2"):
            tenancy.register_agent(name, teams=[f"{tenant}-team"])
    for n in range(incidents):
        clock.advance(timedelta(seconds=3))
        desk.open_incident(
            f"Incident {n}",
            impact=1 + n % 3,
            urgency=1 + (n // 3) % 3,
            tenant=("acme", "globex")[n % 2],
            channel=CHANNELS[n % len(CHANNELS)],
        )
    desk.catch_up()
    return {
        "admin": desk.tokens.create("bench-admin", "admin:bench")[0],
        "supervisor": desk.tokens.create("bench-lead", "agent:acme-lead")[0],
    }


class Served:
    """The HTTP application over the desk, served by uvicorn in a thread on loopback."""

    def __init__(self, desk: ServiceDesk) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        config = uvicorn.Config(create_app(desk), log_level="warning", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.listener]}, daemon=True
        )

    def __enter__(self) -> Served:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def get(self, path: str, token: str | None = None) -> bytes:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            if response.status != 200:
                raise RuntimeError(f"GET {path}: {response.status} {body[:200]!r}")
            return body
        finally:
            connection.close()


def browser_paint(served: Served, token: str, repeat: int) -> dict[str, float] | str:
    """The first paint in headless Chromium, and the /health baseline; or why not."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return "playwright is not installed"
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()

            def loaded(path: str, ready: str) -> float:
                """Seconds from the navigation's start until ``ready`` holds in the page."""
                page.goto("about:blank")
                page.goto(served.url + path, wait_until="commit")
                handle = page.wait_for_function(f"() => ({ready}) && performance.now()")
                return float(handle.json_value()) / 1000

            def best(path: str, ready: str) -> float:
                loaded(path, ready)  # the first load warms the browser's caches
                return min(loaded(path, ready) for _ in range(repeat))

            health = best("/health", "document.readyState === 'complete'")
            paint = best(
                f"/wallboard#token={token}", "document.querySelector('#risk tr[data-incident]')"
            )
        finally:
            browser.close()
    return {"health_seconds": health, "paint_seconds": paint}


def measure(incidents: int, repeat: int, folder: Path, browser: bool) -> dict[str, Any]:
    clock = ManualClock(START)
    with ServiceDesk(db=str(folder / "bench.db"), clock=clock) as desk:
        filled = time.perf_counter()
        tokens = fill(desk, clock, incidents)
        filled = time.perf_counter() - filled
        with Served(desk) as served:
            admin, lead = tokens["admin"], tokens["supervisor"]
            served.get("/wallboard/api/board", admin)  # the read models are caught up
            listing = reports.best_of(repeat, lambda: served.get("/api/incidents?limit=50", admin))
            board = reports.best_of(repeat, lambda: served.get("/wallboard/api/board", admin))
            scoped = reports.best_of(repeat, lambda: served.get("/wallboard/api/board", lead))
            snapshot = json.loads(served.get("/wallboard/api/board", admin))

            def first_paint() -> None:
                for path in ("/wallboard", "/wallboard/static/wallboard.css"):
                    served.get(path)
                served.get("/wallboard/static/wallboard.js")
                served.get("/wallboard/api/board", admin)

            http_paint = reports.best_of(repeat, first_paint)
            painted = browser_paint(served, admin, repeat) if browser else "--no-browser"
    waiting = sum(q["waiting"] for q in snapshot["queues"])
    result: dict[str, Any] = {
        "incidents": incidents,
        "waiting": waiting,
        "fill_seconds": round(filled, 2),
        "list_page_seconds": round(listing, 4),
        "board_seconds": round(board, 4),
        "board_ratio": round(board / listing, 2),
        "supervisor_board_seconds": round(scoped, 4),
        "supervisor_board_ratio": round(scoped / listing, 2),
        "http_first_paint_seconds": round(http_paint, 4),
        "repeat": repeat,
    }
    if isinstance(painted, dict):
        result.update(
            browser_health_seconds=round(painted["health_seconds"], 4),
            browser_paint_seconds=round(painted["paint_seconds"], 4),
            paint_ratio=round(painted["paint_seconds"] / painted["health_seconds"], 2),
            paint_under_one_second=painted["paint_seconds"] < 1.0,
        )
    else:
        result["browser_skipped"] = painted
    return result


def table(r: dict[str, Any]) -> str:
    lines = [
        f"Wallboard over {r['incidents']:,} open incidents ({r['waiting']:,} waiting), "
        f"SQLite, served on loopback (best of {r['repeat']})",
        f"{'step':<44}{'seconds':>10}{'ratio':>8}",
        f"{'GET /api/incidents?limit=50 (baseline)':<44}{r['list_page_seconds']:>10.4f}",
        f"{'GET /wallboard/api/board, administrator':<44}{r['board_seconds']:>10.4f}"
        f"{r['board_ratio']:>8.2f}",
        f"{'GET /wallboard/api/board, supervisor':<44}{r['supervisor_board_seconds']:>10.4f}"
        f"{r['supervisor_board_ratio']:>8.2f}",
        f"{'first paint over HTTP (page, assets, board)':<44}"
        f"{r['http_first_paint_seconds']:>10.4f}",
    ]
    if "browser_paint_seconds" in r:
        lines += [
            f"{'Chromium opens /health (baseline)':<44}{r['browser_health_seconds']:>10.4f}",
            f"{'Chromium first paint of /wallboard':<44}{r['browser_paint_seconds']:>10.4f}"
            f"{r['paint_ratio']:>8.2f}",
            f"first paint under one second: {'yes' if r['paint_under_one_second'] else 'NO'}",
        ]
    else:
        lines.append(f"browser first paint skipped: {r['browser_skipped']}")
    lines.append("ratio = time ÷ its baseline's time")
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=DEFAULT_INCIDENTS)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-browser", dest="browser", action="store_false")
    parser.add_argument("--quick", action="store_true", help="Small sizes, one repeat.")
    parser.add_argument("--dir", type=Path, default=None, help="Where the files go.")
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    args = parser.parse_args(argv)
    if args.quick:
        args.incidents, args.repeat = min(args.incidents, 200), 1
    if args.incidents < 1 or args.repeat < 1:
        parser.error("--incidents and --repeat must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(dir=args.dir) as folder:
        result = measure(args.incidents, args.repeat, Path(folder), args.browser)
    print(json.dumps(result, indent=2) if args.json else table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The wallboard over a desk on SQLite, on virtual time, really served on loopback.

The directory: acme (dedicated: acme-team, supervised by lea, with ana) and
globex (dedicated: globex-team, supervised by gus, with gil); a token for the
administrator, each supervisor, and ana (an agent who supervises nothing).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from eventdesk import ServiceDesk
from eventdesk.http import create_app

DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"


@pytest.fixture
def store() -> str:
    """The wallboard is served from a file database, as `eventdesk serve` serves it."""
    return "sqlite"


@dataclass(frozen=True)
class Tokens:
    admin: str
    lea: str  # shift manager of acme-team
    gus: str  # shift manager of globex-team
    ana: str  # an agent of acme-team, who supervises nobody


@pytest.fixture
def tokens(desk: ServiceDesk) -> Tokens:
    tenancy = desk.tenancy
    for tenant in ("acme", "globex"):
        tenancy.register_tenant(tenant, model="dedicated", service_manager="sofia")
    tenancy.form_team(
        "acme-team", kind="dedicated", tenant="acme", supervisors={"shift_manager": "lea"}
    )
    tenancy.form_team(
        "globex-team", kind="dedicated", tenant="globex", supervisors={"shift_manager": "gus"}
    )
    for name, team in (("lea", "acme-team"), ("ana", "acme-team"), ("gus", "globex-team")):
        tenancy.register_agent(name, teams=[team])
    tenancy.register_agent("gil", teams=["globex-team"])
    tenancy.set_presence("ana", "available")
    specs = {"admin": "admin:root", "lea": "agent:lea", "gus": "agent:gus", "ana": "agent:ana"}
    return Tokens(**{name: desk.tokens.create(name, spec)[0] for name, spec in specs.items()})


@pytest.fixture
def wallboard(desk: ServiceDesk, tokens: Tokens, live_server: Callable[[Any], Any]) -> Any:
    """The HTTP application over the desk, served on loopback, its stream looking often."""
    app = create_app(desk)
    app.state.wallboard_interval = 0.2
    served = live_server(app)
    served.gate = app.state.gate  # to read the desk while it serves, one call at a time
    return served


@dataclass
class BoardPage:
    """A browser tab on the wallboard, and what its console said."""

    page: Any
    console: list[str]
    errors: list[str]

    def row(self, incident: str) -> Any:
        return self.page.locator(f'#risk tr[data-incident="{incident}"]')

    def screenshot(self, name: str) -> Path:
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        target = DOCS_IMAGES / f"wallboard-{name}.png"
        self.page.screenshot(path=str(target), full_page=True)
        return target


@pytest.fixture
def open_board(browser: Any, wallboard: Any) -> Iterator[Callable[[str], BoardPage]]:
    """Open the wallboard with a token (given in the URL's fragment, as docs/wallboard.md
    says); every tab opened is closed before the server stops."""
    contexts: list[Any] = []

    def open_with(token: str) -> BoardPage:
        context = browser.new_context(viewport={"width": 1600, "height": 1000})
        contexts.append(context)
        page = context.new_page()
        board = BoardPage(page, [], [])
        page.on("console", lambda message: board.console.append(f"{message.type}: {message.text}"))
        page.on("pageerror", lambda error: board.errors.append(str(error)))
        page.goto(f"{wallboard.url}/wallboard#token={token}")
        page.wait_for_selector("#board:not([hidden])", timeout=15_000)
        return board

    yield open_with
    for context in contexts:
        context.close()

"""Fixtures shared by every test: a clock, desks on each of the three stores, and a
real HTTP server on loopback.

PostgreSQL tests need a server (``EVENTDESK_TEST_POSTGRES``, default
``postgresql://127.0.0.1:5432/test``). Without one they are skipped with the
reason, unless ``EVENTDESK_REQUIRE_POSTGRES=1`` (as in CI), where they fail.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs
import pytest
import uvicorn
from eventdesk import ManualClock, ServiceDesk
from eventdesk.storage import StoreConfig

PG_URL = os.environ.get("EVENTDESK_TEST_POSTGRES", "postgresql://127.0.0.1:5432/test")
STORES = ("memory", "sqlite", "postgres")
MONDAY_MORNING = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
NOT_SHARED = (
    "an in-memory store belongs to the one ServiceDesk that made it: "
    "a second desk cannot open the same events"
)


def _postgres_problem() -> str | None:
    """None if PostgreSQL is reachable, else why not."""
    try:
        import psycopg

        config = StoreConfig.parse(PG_URL)
        with psycopg.connect(connect_timeout=3, **config.pg_conninfo) as conn:
            conn.execute("SELECT 1")
    except Exception as error:  # any failure to connect is a reason to skip
        return f"PostgreSQL not reachable at {PG_URL}: {str(error).strip().splitlines()[0]}"
    return None


_PG_PROBLEM: str | bool | None = False  # False: not checked yet


def require_postgres() -> None:
    """Skip (or, in CI, fail) the calling test when PostgreSQL cannot be reached."""
    global _PG_PROBLEM
    if _PG_PROBLEM is False:
        _PG_PROBLEM = _postgres_problem()
    if _PG_PROBLEM:
        if os.environ.get("EVENTDESK_REQUIRE_POSTGRES"):
            pytest.fail(f"{_PG_PROBLEM} (EVENTDESK_REQUIRE_POSTGRES is set)")
        pytest.skip(str(_PG_PROBLEM))


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY_MORNING)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL to a fresh, empty schema, dropped afterwards."""
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    url = f"{PG_URL}?schema={schema}"
    yield url
    config = StoreConfig.parse(url)
    with config.connect_postgres() as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def db_setting(store: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """The ``db`` setting for a fresh database on the named store."""
    if store == "memory":
        return ":memory:"
    if store == "sqlite":
        return str(tmp_path / "eventdesk.db")
    return request.getfixturevalue("postgres_url")


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def db(store: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    return db_setting(store, tmp_path, request)


@pytest.fixture
def desk(db: str, clock: ManualClock) -> Iterator[ServiceDesk]:
    """A ServiceDesk on a fresh database, on each store in turn, on virtual time."""
    service_desk = ServiceDesk(db=db, clock=clock)
    yield service_desk
    service_desk.close()


@pytest.fixture
def another_desk(store: str, db: str, clock: ManualClock) -> Iterator[Callable[[], ServiceDesk]]:
    """Open more ServiceDesks on the same database as ``desk`` (SQLite and PostgreSQL)."""
    if store == "memory":
        pytest.skip(NOT_SHARED)
    opened: list[ServiceDesk] = []

    def open_desk() -> ServiceDesk:
        opened.append(ServiceDesk(db=db, clock=clock))
        return opened[-1]

    yield open_desk
    for service_desk in opened:
        service_desk.close()


# --- a channel for intake tests ------------------------------------------------------------


class NoteChannel:
    """A small JSON channel, registered inline by the ``note_channel`` fixture.

    A payload is ``{"id", "from", "text"}`` plus optional ``subject``, ``name``,
    ``incident``, ``references``, ``thread``, ``tenant``, ``also`` (more identities)
    and ``attachments``; ``{"ignore": reason}`` is a message the channel leaves alone.
    With a ``secret`` setting, the ``X-Signature`` header must be the payload's
    HMAC-SHA256. Replies are kept in ``sent`` instead of going anywhere.
    """

    def __init__(self) -> None:
        import hashlib
        import hmac
        import json

        from eventdesk.channels import (
            AuthenticityError,
            Channel,
            DeliveryError,
            Identity,
            Ignored,
            InboundMessage,
            PayloadError,
        )
        from eventdesk.domain.incident import Attachment

        kit = self
        self.sent: list = []
        self.failures: list[DeliveryError] = []  # raised by the next sends, in order

        class Note(Channel):
            name = "note"
            identity_kind = "email"

            def verify(self, payload: bytes, headers) -> None:
                secret = self.settings.get("secret")
                if secret is None:
                    return
                expected = hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()
                if not hmac.compare_digest(expected, headers.get("x-signature", "")):
                    raise AuthenticityError("the X-Signature header does not match the payload")

            def parse(self, payload: bytes, headers):
                try:
                    data = json.loads(payload)
                    if "ignore" in data:
                        return [Ignored(data["ignore"], message_id=data.get("id"))]
                    return [
                        InboundMessage(
                            channel="note",
                            message_id=data["id"],
                            sender=Identity.parse(data["from"])
                            if ":" in data["from"]
                            else Identity("email", data["from"]),
                            text=data["text"],
                            subject=data.get("subject"),
                            sender_name=data.get("name"),
                            incident=data.get("incident"),
                            references=tuple(data.get("references", ())),
                            thread_key=data.get("thread"),
                            tenant=data.get("tenant"),
                            also_known_as=tuple(Identity.parse(i) for i in data.get("also", ())),
                            attachments=tuple(
                                Attachment.from_mapping(a) for a in data.get("attachments", ())
                            ),
                        )
                    ]
                except PayloadError:
                    raise
                except Exception as error:
                    raise PayloadError(f"not a note: {type(error).__name__}: {error}") from None

            def send(self, message) -> str:
                if kit.failures:
                    raise kit.failures.pop(0)
                kit.sent.append(message)
                return f"sent-{len(kit.sent)}"

        self.channel_class = Note

    def payload(self, message_id: str, sender: str, text: str, **fields) -> bytes:
        import json

        return json.dumps({"id": message_id, "from": sender, "text": text, **fields}).encode()


@pytest.fixture
def note_channel() -> Iterator[NoteChannel]:
    """The ``note`` channel, registered as a plugin for the test (and unregistered after)."""
    from eventdesk.hookspecs import hookimpl
    from eventdesk.plugins import get_plugin_manager

    kit = NoteChannel()

    class Plugin:
        @hookimpl
        def register_channels(self, register):
            register("note", kit.channel_class)

    manager = get_plugin_manager()
    manager.register(Plugin(), name="test-note-channel")
    try:
        yield kit
    finally:
        manager.unregister(name="test-note-channel")


# --- a web server on loopback that keeps what it is sent ------------------------------------


class HttpSink:
    """A real HTTP server on loopback (a webhook receiver, an SMS gateway): it keeps each
    request it is sent and answers with the statuses it is told to, in order (then 200)."""

    def __init__(self) -> None:
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.requests: list[dict] = []
        self.statuses: list[int] = []
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = sink.statuses.pop(0) if sink.statuses else 200
                sink.requests.append(
                    {
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": body,
                        "status": status,
                    }
                )
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"id": f"sink-{len(sink.requests)}"}).encode())

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def accepted(self) -> list[dict]:
        return [r for r in self.requests if r["status"] == 200]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def http_sink() -> Iterator[HttpSink]:
    sink = HttpSink()
    yield sink
    sink.close()


# --- a partner's webhook endpoint, served by uvicorn, that checks signatures ----------------

WEBHOOK_SECRET = "the-secret-we-share-with-the-partner"


class WebhookReceiver:
    """A partner's endpoint for escalation webhooks (an ASGI app; ``webhook_receiver`` serves
    it with uvicorn on loopback). It checks each post's ``X-EventDesk-Signature`` against
    the HMAC-SHA256 of the body with the shared secret — its own code, not the plugin's —
    answers 401 to a bad signature and otherwise the statuses it is told to, in order
    (then 200), and takes each ``X-EventDesk-Delivery`` at most once."""

    def __init__(self, secret: str = WEBHOOK_SECRET) -> None:
        self.secret = secret
        self.statuses: list[int] = []
        self.posts: list[dict[str, Any]] = []  # every post, answered or not
        self.taken: dict[str, dict[str, Any]] = {}  # what it accepted, by delivery id
        self.url = ""

    def app(self) -> Any:
        import hashlib
        import hmac

        from starlette.applications import Starlette
        from starlette.requests import Request
        from starlette.responses import JSONResponse
        from starlette.routing import Route

        async def receive(request: Request) -> JSONResponse:
            body = await request.body()
            digest = hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
            signed = request.headers.get("x-eventdesk-signature", "")
            verified = hmac.compare_digest(signed, f"sha256={digest}")
            status = 401 if not verified else (self.statuses.pop(0) if self.statuses else 200)
            delivery = request.headers.get("x-eventdesk-delivery", "")
            self.posts.append({"status": status, "verified": verified, "delivery": delivery})
            if status != 200:
                return JSONResponse({"error": "try again later"}, status_code=status)
            self.taken.setdefault(delivery, json.loads(body))
            return JSONResponse({"ticket": f"V-{len(self.taken)}"})

        return Starlette(routes=[Route("/hooks/escalations", receive, methods=["POST"])])


@pytest.fixture
def webhook_receiver(live_server: Callable[[Any], LiveServer]) -> WebhookReceiver:
    receiver = WebhookReceiver()
    receiver.url = live_server(receiver.app()).url + "/hooks/escalations"
    return receiver


# --- a mail server on loopback that keeps what it is sent ------------------------------------


@attrs.frozen
class MailDelivery:
    """One message the loopback SMTP server accepted."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes

    @property
    def message(self) -> Any:
        """The message as an ``email.message.EmailMessage``."""
        from email import message_from_bytes, policy

        return message_from_bytes(self.raw, policy=policy.default)


class RecordingHandler:
    """An aiosmtpd handler that keeps every message and refuses the recipients it is told to."""

    def __init__(self) -> None:
        self.deliveries: list[MailDelivery] = []
        self.refusals: dict[str, str] = {}

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self.refusals:
            return self.refusals[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.deliveries.append(
            MailDelivery(envelope.mail_from, tuple(envelope.rcpt_tos), bytes(envelope.content))
        )
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@attrs.define
class SmtpServer:
    host: str
    port: int
    handler: RecordingHandler

    @property
    def deliveries(self) -> list[MailDelivery]:
        return self.handler.deliveries

    def refuse(self, address: str, answer: str) -> None:
        self.handler.refusals[address] = answer

    def settings(self, address: str = "support@desk.example", **more: Any) -> dict[str, Any]:
        """Email channel settings that send through this server."""
        return {"address": address, "smtp_host": self.host, "smtp_port": self.port, **more}


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1, on a free port, for the test's duration:
    replies really go out through ``smtplib`` and arrive. It accepts every recipient but
    those ``refuse`` names (with a real SMTP answer, ``450 ...`` or ``550 ...``), and keeps
    every message it accepted in ``deliveries``."""
    from aiosmtpd.controller import Controller

    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", controller.port, handler)
    finally:
        controller.stop()


# --- a real HTTP server on loopback --------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What the server answered: status, headers (lower-case names) and body."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        assert self.headers.get("content-type", "").startswith("application/json"), self
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class LiveServer:
    """An ASGI application served by uvicorn on a free loopback port, in a thread."""

    def __init__(self, app: Any) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        self.host, self.port = self.socket.getsockname()
        config = uvicorn.Config(app, lifespan="on", log_level="warning", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the HTTP server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.socket.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        body: bytes | None = None,
        token: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        """One request on a new connection (http.client: nothing between the test and
        the socket but HTTP/1.1)."""
        sent = dict(headers or {})
        if json_body is not None:
            body = json.dumps(json_body).encode("utf-8")
            sent.setdefault("Content-Type", "application/json")
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            return Answer(
                response.status,
                {name.lower(): value for name, value in response.getheaders()},
                response.read(),
            )
        finally:
            connection.close()


@pytest.fixture
def live_server() -> Iterator[Callable[[Any], LiveServer]]:
    """Serve an ASGI application on loopback: ``live_server(app).request("GET", "/health")``.
    Every server started is stopped after the test."""
    started: list[LiveServer] = []

    def serve(app: Any) -> LiveServer:
        started.append(LiveServer(app))
        return started[-1].start()

    yield serve
    for server in started:
        server.stop()


# --- the Graph API of WhatsApp, on loopback (uvicorn + starlette) --------------------------


class GraphApi:
    """A Graph-API-shaped server for the WhatsApp channel: ``POST /{version}/{phone number
    id}/messages`` with the bearer token it is given; it keeps each request and answers
    ``messages[0].id`` (``wamid.sent-1``, ...), or the errors it is told to, in order."""

    TOKEN = "graph-access-token"
    PHONE_NUMBER_ID = "106540352242922"

    def __init__(self, live_server: Callable[[Any], LiveServer]) -> None:
        from starlette.applications import Starlette
        from starlette.requests import Request
        from starlette.responses import JSONResponse
        from starlette.routing import Route

        self.requests: list[dict[str, Any]] = []
        self.errors: list[tuple[int, int, str]] = []  # (HTTP status, Graph error code, message)
        graph = self

        async def messages(request: Request) -> JSONResponse:
            body = await request.body()
            record = {
                "path": request.url.path,
                "headers": dict(request.headers),
                "json": json.loads(body),
            }
            graph.requests.append(record)
            if request.headers.get("authorization") != f"Bearer {graph.TOKEN}":
                record["status"] = 401
                return JSONResponse(
                    {"error": {"message": "Invalid OAuth access token.", "code": 190}}, 401
                )
            if graph.errors:
                status, code, message = graph.errors.pop(0)
                record["status"] = status
                return JSONResponse({"error": {"message": message, "code": code}}, status)
            record["status"] = 200
            sent = sum(1 for r in graph.requests if r["status"] == 200)
            to = record["json"]["to"]
            return JSONResponse(
                {
                    "messaging_product": "whatsapp",
                    "contacts": [{"input": to, "wa_id": to}],
                    "messages": [{"id": f"wamid.sent-{sent}"}],
                }
            )

        app = Starlette(routes=[Route("/{version}/{number}/messages", messages, methods=["POST"])])
        self.server = live_server(app)
        self.url = self.server.url

    def settings(self, **more: Any) -> dict[str, Any]:
        """The whatsapp channel's settings to send through this server."""
        return {
            "base_url": self.url,
            "access_token": self.TOKEN,
            "phone_number_id": self.PHONE_NUMBER_ID,
            **more,
        }

    def sent(self) -> list[dict[str, Any]]:
        """The bodies of the messages it accepted, in order."""
        return [r["json"] for r in self.requests if r["status"] == 200]


@pytest.fixture
def graph_api(live_server: Callable[[Any], LiveServer]) -> GraphApi:
    return GraphApi(live_server)


# --- a real headless browser ---------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium() -> str:
    """Headless Chromium from the package manager (installed once if missing); skipped with
    the reason where it cannot be, unless ``EVENTDESK_REQUIRE_BROWSER=1`` (as in CI)."""
    from .browser import REQUIRE, chromium_path

    path, problem = chromium_path()
    if path is None:
        if os.environ.get(REQUIRE) == "1":
            pytest.fail(f"{problem} ({REQUIRE}=1)")
        pytest.skip(problem)
    return path


@pytest.fixture(scope="session")
def browser(chromium: str) -> Iterator[Any]:
    """That Chromium, headless, driven by Playwright (its ``executable_path``: Playwright
    downloads no browser). One per test session: Playwright's sync API runs one at a time."""
    from .browser import REQUIRE

    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:  # the test extras install it
        if os.environ.get(REQUIRE) == "1":
            pytest.fail(f"playwright is not installed: {error} ({REQUIRE}=1)")
        pytest.skip(f"playwright is not installed: {error}")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield launched
        launched.close()

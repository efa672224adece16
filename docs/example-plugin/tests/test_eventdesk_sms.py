"""The example plugin's own tests, through EventDesk as its users meet it: an SMS comes
in through the channel, and the reply reaches a real SMS gateway on loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import eventdesk_sms
import pytest
from click.testing import CliRunner
from eventdesk import ManualClock, ServiceDesk
from eventdesk.cli import cli
from eventdesk.plugins import get_plugin_manager

SECRET = "a-secret-of-the-gateway"


class Gateway:
    """A real HTTP server on loopback playing the SMS gateway: it keeps what it is sent and
    answers with the statuses it is told to, in order (then 200)."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, Any], str]] = []
        self.statuses: list[int] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = gateway.statuses.pop(0) if gateway.statuses else 200
                if status == 200:
                    gateway.received.append((json.loads(body), self.headers["Authorization"]))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"id": f"gw-{len(gateway.received)}"}).encode())

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/messages"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    server = Gateway()
    yield server
    server.close()


@pytest.fixture
def desk(tmp_path: Path, gateway: Gateway) -> Iterator[ServiceDesk]:
    clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    with ServiceDesk(db=str(tmp_path / "desk.db"), clock=clock) as service_desk:
        service_desk.channels.configure(
            "sms", {"secret": SECRET, "gateway_url": gateway.url, "api_key": "k-123"}
        )
        yield service_desk


def sms(message_id: str, sender: str, text: str) -> tuple[bytes, dict[str, str]]:
    payload = json.dumps({"id": message_id, "from": sender, "to": "+34900100200", "text": text})
    body = payload.encode()
    return body, {"X-Sms-Signature": eventdesk_sms.signature(SECRET, body)}


def test_the_plugin_is_loaded_from_its_entry_point_and_adds_a_channel() -> None:
    assert get_plugin_manager().get_plugin("sms") is eventdesk_sms
    result = CliRunner().invoke(cli, ["channel", "list", "--json"])
    assert result.exit_code == 0, result.output
    assert "sms" in json.loads(result.output)


def test_a_signed_text_opens_an_incident_and_the_reply_reaches_the_gateway(
    desk: ServiceDesk, gateway: Gateway
) -> None:
    [taken] = desk.intake.receive("sms", *sms("sms-1", "+34 600 111 222", "Wifi down at desk 4"))
    assert taken.status == "opened"
    incident = desk.get_incident(taken.incident)
    assert (incident.summary, incident.channel) == ("Wifi down at desk 4", "sms")

    desk.reply(taken.incident, "A technician is on the way", actor="bob")

    assert gateway.received == [
        (
            {
                "to": "+34600111222",
                "text": "A technician is on the way",
                "reference": desk.conversation(taken.incident)[-1].message_id,
            },
            "Bearer k-123",
        )
    ]
    assert [d.state for d in desk.intake.deliveries()] == ["delivered"]


def test_a_text_with_a_wrong_signature_is_kept_as_a_dead_letter(desk: ServiceDesk) -> None:
    body, _ = sms("sms-2", "+34600111222", "hello")
    [refused] = desk.intake.receive("sms", body, {"X-Sms-Signature": "sha256=00"})
    assert refused.status == "unauthenticated"
    [letter] = desk.dead_letters.list()
    assert letter.reason == "the x-sms-signature header does not match the payload"
    assert desk.dead_letters.show(letter.id).payload == body
    assert desk.list_incidents().total == 0


def test_a_gateway_that_fails_is_tried_again_and_one_that_refuses_is_not(
    desk: ServiceDesk, gateway: Gateway
) -> None:
    [taken] = desk.intake.receive("sms", *sms("sms-3", "+34600111333", "Printer"))
    gateway.statuses = [503, 400]
    desk.reply(taken.incident, "Rebooting it", actor="bob")
    [pending] = desk.intake.deliveries()
    assert (pending.state, pending.attempts, pending.last_error) == (
        "pending",
        1,
        "the gateway answered 503",
    )

    desk.clock.advance(timedelta(minutes=1))
    assert desk.intake.deliver_due() == {"failed": 1}  # the 400: a refusal is final
    assert gateway.received == []


def test_sign_prints_the_header_for_a_payload(tmp_path: Path) -> None:
    payload = tmp_path / "sms.json"
    payload.write_bytes(b'{"id": "1"}')
    expected = eventdesk_sms.signature(SECRET, b'{"id": "1"}')
    result = CliRunner().invoke(cli, ["sms", "sign", str(payload), "--secret", SECRET])
    assert result.exit_code == 0, result.output
    assert result.output == f"X-Sms-Signature: {expected}\n"


def test_the_events_about_sms_are_counted(desk: ServiceDesk) -> None:
    before = eventdesk_sms.taken.copy()
    desk.intake.receive("sms", *sms("sms-4", "+34600111444", "Screen flickers"))
    assert eventdesk_sms.taken["Incident.Opened"] == before["Incident.Opened"] + 1
    assert eventdesk_sms.taken["Incident.Commented"] == before["Incident.Commented"] + 1

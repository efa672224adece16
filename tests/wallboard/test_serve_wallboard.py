"""`eventdesk serve` serves the wallboard, and stops on Ctrl-C even while a wallboard keeps
its live stream open."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from eventdesk import ServiceDesk

EVENTDESK = str(Path(sys.executable).with_name("eventdesk"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_stops_on_ctrl_c_while_a_wallboard_streams(db: str):
    with ServiceDesk(db=db) as desk:
        token, _ = desk.tokens.create("wall", "admin:wall")
    port = _free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("EVENTDESK_")}
    command = [EVENTDESK, "--db", db, "serve", "--port", str(port), "--no-workers"]
    process = subprocess.Popen(
        [*command, "--log-level", "warning"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                connection.request(
                    "GET", "/wallboard/api/events", headers={"Authorization": f"Bearer {token}"}
                )
                break
            except OSError:
                assert process.poll() is None, process.communicate()
                assert time.monotonic() < deadline, "the server did not start"
                connection.close()
                time.sleep(0.1)
        response = connection.getresponse()
        assert response.status == 200
        assert response.getheader("content-type").startswith("text/event-stream")
        assert response.readline() == b"retry: 2000\n"
        response.readline()
        assert response.readline() == b"event: board\n"
        assert response.readline().startswith(b'data: {"at": ')

        stopping = time.monotonic()
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
        assert stdout.startswith("EventDesk serving ")
        took = time.monotonic() - stopping
    finally:
        connection.close()
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    assert took < 15, f"the server took {took:.1f}s to stop"

"""``eventdesk serve``: the server as an administrator starts it, in a process of its own."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

EVENTDESK = Path(sys.executable).with_name("eventdesk")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str, token: str | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_serve_answers_until_interrupted(tmp_path, db):
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("EVENTDESK_")}
    subprocess.run(
        [
            EVENTDESK,
            "--db",
            db,
            "--actor",
            "admin:root",
            "token",
            "create",
            "--name",
            "ci",
            "--actor",
            "admin:ci",
            "--json",
        ],
        check=True,
        capture_output=True,
        env=environment,
    )
    created = subprocess.run(
        [
            EVENTDESK,
            "--db",
            db,
            "token",
            "create",
            "--name",
            "ops",
            "--actor",
            "admin:ops",
            "--json",
        ],
        check=True,
        capture_output=True,
        text=True,
        env=environment,
    )
    token = json.loads(created.stdout)["token"]
    process = subprocess.Popen(
        [
            EVENTDESK,
            "--db",
            db,
            "serve",
            "--port",
            str(port),
            "--no-workers",
            "--log-level",
            "warning",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, health = get(f"http://127.0.0.1:{port}/health")
                break
            except OSError:
                assert process.poll() is None, process.communicate()
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        assert status == 200
        assert health["status"] == "ok" and health["events"] >= 2
        assert get(f"http://127.0.0.1:{port}/api/incidents", token)[0] == 200
        assert get(f"http://127.0.0.1:{port}/api/incidents", "edk_wrong")[0] == 401
    finally:
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert stdout.startswith("EventDesk serving ")
    assert f"on http://127.0.0.1:{port} (without workers)" in stdout


def test_serve_with_a_database_it_cannot_open_is_a_one_line_error(tmp_path):
    result = subprocess.run(
        [EVENTDESK, "--db", str(tmp_path / "missing" / "x.db"), "serve", "--port", "1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: cannot create database: no folder {tmp_path / 'missing'}"
    ]

"""``eventdesk email fetch`` and ``eventdesk email listen``, end to end on a SQLite file:
fetch in-process with click's CliRunner, listen as the installed command, a real process
that a real SMTP client talks to and Ctrl-C stops."""

from __future__ import annotations

import json
import mailbox
import os
import signal
import smtplib
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from eventdesk import ServiceDesk
from eventdesk.cli import cli

from .conftest import MALFORMED, corpus
from .test_listener import free_port

EVENTDESK = Path(sys.executable).with_name("eventdesk")
INBOX = ["multipart_alternative.eml", "out_of_office.eml", "html_only.eml", "iso_8859_1.eml"]


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "eventdesk.db")


def eventdesk(db: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", db, "--actor", "ana", *args], catch_exceptions=False)


@pytest.fixture
def mbox(tmp_path: Path) -> Path:
    path = tmp_path / "inbox.mbox"
    box = mailbox.mbox(path)
    for name in INBOX:
        box.add(corpus(name))
    box.add((MALFORMED / "no_from.eml").read_bytes())
    box.close()
    return path


def test_fetching_an_mbox_counts_what_became_of_each_message(db: str, mbox: Path) -> None:
    first = eventdesk(db, "email", "fetch", "--mbox", str(mbox))
    assert first.exit_code == 0, first.output
    assert first.output == (f"Fetched 5 messages from {mbox}: 3 opened, 1 ignored, 1 dead letter\n")
    again = eventdesk(db, "email", "fetch", "--mbox", str(mbox), "--json")
    assert again.exit_code == 0, again.output
    report = json.loads(again.output)
    assert (report["source"], report["messages"]) == (str(mbox), 5)
    # Taken once: the ignored one is a repeat too; the dead letter is kept again.
    assert report["statuses"] == {"duplicate": 4, "dead_letter": 1}
    assert [r["key"] for r in report["results"]] == ["0", "1", "2", "3", "4"]
    assert report["results"][4]["reason"] == "no sender address: the message has no From header"
    with ServiceDesk(db=db) as desk:
        assert desk.list_incidents().total == 3
        assert len(desk.dead_letters.list()) == 2


def test_fetching_a_maildir_takes_each_new_message_once(db: str, tmp_path: Path) -> None:
    folder = tmp_path / "Maildir"
    box = mailbox.Maildir(folder)
    for name in INBOX:
        box.add(corpus(name))
    first = eventdesk(db, "email", "fetch", "--maildir", str(folder), "--json")
    assert first.exit_code == 0, first.output
    assert json.loads(first.output)["statuses"] == {"opened": 3, "ignored": 1}
    assert os.listdir(folder / "new") == []
    assert len(os.listdir(folder / "cur")) == 4
    again = eventdesk(db, "email", "fetch", "--maildir", str(folder))
    assert again.output == f"Fetched 0 messages from {folder}\n"


@pytest.mark.parametrize(
    "args", [[], ["--mbox", "a.mbox", "--maildir", "Maildir"]], ids=["neither", "both"]
)
def test_fetch_needs_one_mailbox(db: str, args: list[str]) -> None:
    # Fail to fetch from no mailbox, or from two
    result = CliRunner().invoke(cli, ["--db", db, "email", "fetch", *args])
    assert result.exit_code == 2
    assert "give one of --maildir PATH or --mbox PATH" in result.output


def test_a_folder_that_is_not_a_maildir_is_a_one_line_error(db: str, tmp_path: Path) -> None:
    # Fail to fetch from an ordinary folder
    result = CliRunner().invoke(cli, ["--db", db, "email", "fetch", "--maildir", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: invalid Maildir '{tmp_path}': expected a folder with new/, cur/ and tmp/ "
        "(no new/ there)\n"
    )


def test_listen_takes_mail_until_interrupted(db: str) -> None:
    port = free_port()
    server = subprocess.Popen(
        [EVENTDESK, "--db", db, "email", "listen", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        assert (
            server.stdout.readline() == f"Listening for email on 127.0.0.1:{port}; Ctrl-C stops.\n"
        )
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.sendmail("maria@acme.example", ["support@desk.example"], corpus(INBOX[0]))
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == 0, err
    assert out == "Stopped.\n"
    with ServiceDesk(db=db) as desk:
        [incident] = desk.list_incidents().items
        assert incident.summary == "La impresora de la 3ª planta no imprime"


def test_listen_on_a_port_in_use_is_a_one_line_error(db: str) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        # Fail to listen where another server listens
        result = CliRunner().invoke(cli, ["--db", db, "email", "listen", "--port", str(port)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: cannot listen on 127.0.0.1:{port}: ")
    assert result.output.count("\n") == 1

"""Inbound messages per second through ``eventdesk serve``, with concurrent clients.

``eventdesk serve`` runs in a process of its own on a SQLite file (without its
background workers). ``--clients`` threads (default 8) post the email bag of
bench/intake_email.py to ``POST /channels/email/inbound`` on loopback, each
client its own keep-alive connection, each message answered only once intake
has committed it: every acknowledged message is durable.

The baseline, measured in the same run: the first N rows the server wrote to
its events table, inserted again into an empty table of the same shape, one
transaction per row, with the same journal mode and synchronous setting
(bench/run.py's raw insert)::

    ratio = acknowledged messages/s ÷ raw rows/s

Also reported: the server's peak resident memory (``VmHWM``) after the run.
Run by ``make bench``; part of ``python -m bench``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import intake_email  # bench/intake_email.py, beside this file: the email bag
import run  # bench/run.py: the raw-insert baseline
from eventdesk import ManualClock, ServiceDesk

EVENTDESK = Path(sys.executable).with_name("eventdesk")
SERVE_OPTIONS = ("--no-workers", "--log-level", "warning")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def peak_memory_kib(pid: int) -> int | None:
    """The process's peak resident set (``VmHWM``), in KiB, or None where /proc has none."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return None


class Server:
    """``eventdesk --db DB serve`` in a child process, until ``stop()``."""

    def __init__(self, db: str) -> None:
        self.port = free_port()
        environment = {k: v for k, v in os.environ.items() if not k.startswith("EVENTDESK_")}
        self.process = subprocess.Popen(
            [str(EVENTDESK), "--db", db, "serve", "--port", str(self.port), *SERVE_OPTIONS],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=environment,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"eventdesk serve ended: {self.process.stderr.read()!r}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/health")
                if connection.getresponse().status == 200:
                    connection.close()
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("eventdesk serve did not answer /health within 60 s")

    def peak_memory_kib(self) -> int | None:
        return peak_memory_kib(self.process.pid)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def post_all(port: int, bag: Sequence[bytes], clients: int) -> float:
    """Post every message, ``clients`` at a time; fail unless every one is taken (200)."""
    queue = list(reversed(bag))
    lock = threading.Lock()
    failures: list[str] = []

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            while True:
                with lock:
                    if not queue or failures:
                        return
                    message = queue.pop()
                connection.request(
                    "POST",
                    "/channels/email/inbound",
                    body=message,
                    headers={"Content-Type": "message/rfc822"},
                )
                response = connection.getresponse()
                body = response.read()
                if response.status != 200:
                    failures.append(f"{response.status}: {body[:300]!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if failures:
        raise AssertionError(f"{len(failures)} message(s) refused, first: {failures[0]}")
    return seconds


def one_run(path: Path, bag: Sequence[bytes], clients: int) -> dict[str, Any]:
    """Serve a new file, post the bag; the time, the rows written, durability, memory."""
    with ServiceDesk(db=str(path), clock=ManualClock(intake_email.MONDAY)) as desk:
        desk.channels.configure("email", {"address": intake_email.DESK})
        journal_mode, synchronous = run.sqlite_durability(desk)
    before = run.last_rowid(path)
    server = Server(str(path))
    try:
        seconds = post_all(server.port, bag, clients)
        memory = server.peak_memory_kib()
    finally:
        server.stop()
    rows = run.rows_after(path, before)
    return {
        "seconds": seconds,
        "rows": rows,
        "journal_mode": journal_mode,
        "synchronous": synchronous,
        "peak_memory_kib": memory,
    }


def measure(n: int, clients: int, repeat: int, folder: Path | None) -> dict[str, Any]:
    bag = intake_email.mailbag(n)
    served: list[float] = []
    raw: list[float] = []
    memory: list[int] = []
    durability = ""
    events = 0
    with tempfile.TemporaryDirectory(prefix="eventdesk-serve-bench-", dir=folder) as scratch:
        for attempt in range(repeat):
            result = one_run(Path(scratch, f"served-{attempt}.db"), bag, clients)
            served.append(result["seconds"])
            rows, journal, sync = result["rows"], result["journal_mode"], result["synchronous"]
            events = len(rows)
            if events < n:
                raise AssertionError(f"{n} messages wrote only {events} rows")
            raw.append(run.sqlite_raw(Path(scratch, f"raw-{attempt}.db"), rows[:n], journal, sync))
            if result["peak_memory_kib"] is not None:
                memory.append(result["peak_memory_kib"])
            durability = f"journal_mode={journal}, synchronous={run.SYNCHRONOUS.get(sync, sync)}"
    messages_per_second = n / min(served)
    raw_rows_per_second = n / min(raw)
    return {
        "messages": n,
        "clients": clients,
        "events": events,
        "served_seconds": served,
        "messages_per_second": messages_per_second,
        "raw_seconds": raw,
        "raw_rows_per_second": raw_rows_per_second,
        "ratio": messages_per_second / raw_rows_per_second,
        "server_peak_memory_mib": max(memory) / 1024 if memory else None,
        "durability": durability,
    }


def table(result: dict[str, Any]) -> str:
    memory = result["server_peak_memory_mib"]
    return "\n".join(
        [
            f"eventdesk serve: {result['messages']:,} emails posted by {result['clients']}"
            " concurrent clients on loopback",
            f"{'messages/s':>11} {'raw rows/s':>11} {'ratio':>6} {'server peak MiB':>16}",
            f"{result['messages_per_second']:>11,.0f} {result['raw_rows_per_second']:>11,.0f}"
            f" {result['ratio']:>6.2f} {memory if memory is None else f'{memory:.0f}':>16}",
            "ratio = acknowledged messages/s ÷ raw single-row transactions/s, same rows",
            f"durability, both sides: {result['durability']}",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="messages per run (default 1000)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--repeat", type=int, default=3, help="runs (best kept; default 3)")
    parser.add_argument("--dir", type=Path, default=None, help="where the SQLite files go")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    if args.n < 1 or args.clients < 1 or args.repeat < 1:
        parser.error("--n, --clients and --repeat must be at least 1")
    result = measure(args.n, args.clients, args.repeat, args.dir)
    print(json.dumps(result, indent=2) if args.json else table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Inbound email per second through the whole intake pipeline, on a SQLite file.

N emails, composed before the clock starts, are taken in one at a time with
``desk.intake.receive("email", raw)``, as the SMTP listener and ``eventdesk
email fetch`` do: the email channel parses each one (MIME, charsets, HTML,
quoted history, attachments, threading headers), then intake finds or creates
the contact, finds the incident or opens one, adds the message and records
its Message-ID, all in one transaction per email.

The mail is what a service desk gets: N/2 customers each write a first email
(opens an incident) and then answer it (joins it by In-Reply-To and by the
incident number in the subject). They come as multipart/alternative (text and
HTML), every third in ISO-8859-1, every fourth with a 20 KB PDF attached, and
the answers quote the history below them.

The baseline, measured in the same run: the first N rows the pipeline wrote
to its events table, inserted again into an empty table of the same shape, one
transaction per row, with the same journal mode and synchronous setting
(bench/run.py's raw insert)::

    ratio = emails/s ÷ raw rows/s  (one email costs 1/ratio bare durable inserts)

Also shown: what parsing alone costs (``EmailChannel.parse`` per second).
Every figure is the best of ``--repeat`` runs, each on a fresh file. Run by
``make bench``; see bench/README.md ("Inbound email").
"""

from __future__ import annotations

import argparse
import json
import platform
import sqlite3
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from contextlib import closing
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import run  # bench/run.py, beside this file: its raw-insert baseline
from eventdesk import ManualClock, ServiceDesk
from eventdesk_email import EmailChannel

DESK = "support@desk.example"
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 80  # 20 KB
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def first_email(customer: int) -> tuple[bytes, str]:
    """A customer's first email: text and HTML, sometimes Latin-1, sometimes a PDF."""
    mail = EmailMessage()
    mail["From"] = f"Customer Número {customer} <customer{customer}@acme.example>"
    mail["To"] = DESK
    mail["Subject"] = f"La impresora {customer} no imprime desde esta mañana"
    mail["Date"] = format_datetime(MONDAY)
    message_id = f"first-{customer}@acme.example"
    mail["Message-ID"] = f"<{message_id}>"
    text = (
        f"Hola,\n\nla impresora {customer} de la 3ª planta no imprime desde esta mañana.\n"
        "El error es «Papel atascado» pero no hay papel.\n\nGracias,\nMaría\n"
    )
    charset = "iso-8859-1" if customer % 3 == 0 else "utf-8"
    mail.set_content(text, charset=charset)
    html = "".join(f"<p>{line}</p>" for line in text.split("\n\n"))
    mail.add_alternative(f"<html><body>{html}</body></html>", subtype="html", charset=charset)
    if customer % 4 == 0:
        mail.make_mixed()
        mail.add_attachment(PDF, maintype="application", subtype="pdf", filename="error.pdf")
    return mail.as_bytes(), message_id


def answer(customer: int, first_id: str, incident: str) -> bytes:
    """The customer's answer: threaded by its headers and its subject, history quoted."""
    mail = EmailMessage()
    mail["From"] = f"customer{customer}@acme.example"
    mail["To"] = DESK
    mail["Subject"] = f"Re: [{incident}] La impresora {customer} no imprime"
    mail["Date"] = format_datetime(MONDAY)
    mail["Message-ID"] = f"<answer-{customer}@acme.example>"
    mail["In-Reply-To"] = f"<{first_id}>"
    mail["References"] = f"<{first_id}>"
    quoted = "\n".join("> " + line for line in ["Hola,", "", "la impresora no imprime."] * 5)
    mail.set_content(
        "Sigue sin imprimir después de reiniciarla.\n\n"
        f"On Mon, 2 Mar 2026 at 09:00, customer{customer}@acme.example wrote:\n{quoted}\n"
    )
    return mail.as_bytes()


def mailbag(n: int) -> list[bytes]:
    """N emails: a first email and an answer from each of N/2 customers, in that order."""
    bag: list[bytes] = []
    customers = (n + 1) // 2
    firsts = [first_email(c) for c in range(1, customers + 1)]
    bag.extend(raw for raw, _ in firsts)
    # Incidents are numbered in order of the first emails.
    bag.extend(answer(c, mid, f"INC{c:07d}") for c, (_, mid) in enumerate(firsts, start=1))
    return bag[:n]


def pipeline(
    path: Path, bag: Sequence[bytes]
) -> tuple[float, Counter[str], list[run.Row], str, str]:
    """Take the bag in on a new file: the time, the statuses, the rows, the durability."""
    with ServiceDesk(db=str(path), clock=ManualClock(MONDAY)) as desk:
        desk.channels.configure("email", {"address": DESK})
        journal_mode, synchronous = run.sqlite_durability(desk)
        with closing(sqlite3.connect(path)) as conn:
            before = conn.execute("SELECT coalesce(max(rowid), 0) FROM stored_events").fetchone()[0]
        statuses: Counter[str] = Counter()

        def take_all() -> None:
            for raw in bag:
                for result in desk.intake.receive("email", raw):
                    statuses[result.status] += 1

        seconds = run.timed(take_all)
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute(
            "SELECT originator_id, originator_version, topic, state FROM stored_events "
            "WHERE rowid > ? ORDER BY rowid",
            (before,),
        ).fetchall()
    return seconds, statuses, rows, journal_mode, synchronous


def parse_only(bag: Sequence[bytes]) -> float:
    channel = EmailChannel({"address": DESK})
    return run.timed(lambda: [channel.parse(raw, {}) for raw in bag])


def measure(n: int, repeat: int, folder: Path | None) -> dict[str, Any]:
    bag = mailbag(n)
    engine: list[float] = []
    raw: list[float] = []
    parsing: list[float] = []
    statuses: Counter[str] = Counter()
    events = 0
    durability = ""
    with tempfile.TemporaryDirectory(prefix="eventdesk-email-bench-", dir=folder) as scratch:
        for attempt in range(repeat):
            seconds, statuses, rows, journal, sync = pipeline(
                Path(scratch, f"desk-{attempt}.db"), bag
            )
            engine.append(seconds)
            events = len(rows)
            if events < n:
                raise AssertionError(f"{n} emails wrote only {events} rows")
            raw.append(run.sqlite_raw(Path(scratch, f"raw-{attempt}.db"), rows[:n], journal, sync))
            parsing.append(parse_only(bag))
            durability = f"journal_mode={journal}, synchronous={run.SYNCHRONOUS.get(sync, sync)}"
    emails_per_second = n / min(engine)
    raw_rows_per_second = n / min(raw)
    return {
        "emails": n,
        "bytes": sum(map(len, bag)),
        "statuses": dict(statuses),
        "events": events,
        "events_per_email": events / n,
        "pipeline_seconds": engine,
        "emails_per_second": emails_per_second,
        "raw_seconds": raw,
        "raw_rows_per_second": raw_rows_per_second,
        "ratio": emails_per_second / raw_rows_per_second,
        "parse_seconds": parsing,
        "parsed_per_second": n / min(parsing),
        "durability": durability,
    }


def table(result: dict[str, Any], repeat: int) -> str:
    statuses = ", ".join(
        f"{count} {status}" for status, count in sorted(result["statuses"].items())
    )
    return "\n".join(
        [
            "EventDesk: inbound email through the whole intake pipeline, "
            f"SQLite file, best of {repeat}",
            "",
            f"{'emails':>6} {'emails/s':>9} {'events/email':>13} {'raw rows/s':>11} "
            f"{'ratio':>6} {'parse only/s':>13}",
            f"{result['emails']:>6} {result['emails_per_second']:>9.0f} "
            f"{result['events_per_email']:>13.1f} {result['raw_rows_per_second']:>11.0f} "
            f"{result['ratio']:>6.2f} {result['parsed_per_second']:>13.0f}",
            "",
            f"statuses: {statuses}",
            "ratio = emails/s ÷ raw rows/s: one email costs 1/ratio durable single-row inserts",
            f"durability, both sides: {result['durability']}",
        ]
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/intake_email.py",
        description=__doc__,
        formatter_class=argparse.RawTextHelpFormatter,
    )
    parser.add_argument("--n", type=int, default=1000, help="emails per run (default 1000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs (best kept; default 3)")
    parser.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="where the SQLite files go (default: the system's temporary folder); "
        "use a real disk, not tmpfs, or fsync costs nothing",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    if args.n < 2:
        parser.error("--n must be at least 2")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    result = measure(args.n, args.repeat, args.dir)
    if args.json:
        report = {
            "workload": "first email + threaded answer per customer, intake.receive each",
            "repeat": args.repeat,
            "python": platform.python_version(),
            "eventsourcing": version("eventsourcing"),
            **result,
        }
        print(json.dumps(report, indent=2))
    else:
        print(table(result, args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())

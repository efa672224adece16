"""Receiving mail by SMTP: an aiosmtpd server whose every message goes to the desk's intake.

Put it behind the organisation's mail server (a transport or an alias that
forwards the support addresses to it), not on the open internet: it accepts
any recipient and has no spam filtering of its own.

Each message is answered ``250 OK`` once the desk has stored it, whatever
intake made of it: taken, ignored, or kept as a dead letter. Refusing a
message the desk could not understand would only make the sending server try
again, and the dead letter already keeps it for a person to look at. Only when
the store itself fails does the listener answer ``451`` (try again later), so
that the sending server keeps the message and retries.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiosmtpd.controller import Controller

from eventdesk_email.channel import ENVELOPE_FROM, ENVELOPE_TO

__all__ = ["IntakeHandler", "start_listener"]

log = logging.getLogger(__name__)
ACCEPTED = "250 OK"
NOT_STORED = "451 4.3.0 The service desk could not store the message; try again later"


class IntakeHandler:
    """An aiosmtpd handler that passes each message, with its envelope, to
    ``desk.intake.receive("email", ...)``.

    Intake runs on one worker thread of its own, one message at a time, so the
    desk is used by one thread however many clients are connected, and the SMTP
    server keeps talking to the others meanwhile.
    """

    def __init__(self, desk: Any, channel: str = "email") -> None:
        self.desk = desk
        self.channel = channel
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="email-intake")

    def _receive(self, content: bytes, envelope: dict[str, str]) -> list[Any]:
        return list(self.desk.intake.receive(self.channel, content, envelope))

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        smtp_envelope = {
            ENVELOPE_FROM: envelope.mail_from or "",
            ENVELOPE_TO: ",".join(envelope.rcpt_tos),
        }
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._worker, self._receive, content, smtp_envelope)
        except Exception:
            log.exception("email intake failed to store a message from %s", envelope.mail_from)
            return NOT_STORED
        return ACCEPTED

    def close(self) -> None:
        self._worker.shutdown(wait=True)


class _Listener(Controller):
    """The aiosmtpd controller, which also stops the intake worker when it stops."""

    handler: IntakeHandler

    def stop(self, no_assert: bool = False) -> None:
        try:
            super().stop(no_assert=no_assert)
        finally:
            self.handler.close()


def _check_free(host: str, port: int) -> None:
    """Raise OSError now if ``host:port`` cannot be listened on (aiosmtpd would only say so
    after its start-up timeout of five seconds)."""
    family, _, _, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    with socket.create_server(address, family=family):
        pass


def start_listener(desk: Any, host: str = "127.0.0.1", port: int = 8025) -> Controller:
    """Start an SMTP server for the desk on ``host:port`` in a thread of its own; call
    ``stop()`` on the answer to stop it. Raises OSError if it cannot listen there."""
    _check_free(host, port)
    listener = _Listener(
        IntakeHandler(desk),
        hostname=host,
        port=port,
        data_size_limit=desk.intake.max_payload,  # larger: 552, the sender is told at once
        enable_SMTPUTF8=True,
        ident="EventDesk email intake",
    )
    try:
        listener.start()
    except BaseException:
        listener.handler.close()
        raise
    return listener

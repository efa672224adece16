"""Mail that no person wrote: auto-replies, bounces, receipts, and the desk's own mail.

A desk that answers an out-of-office reply gets another out-of-office reply,
and answers that too: a mail loop that fills an incident with nonsense and a
customer's mailbox with mail. So the desk takes in no mail that a machine sent
in answer to something, in any of the ways machines say so (RFC 3834's
``Auto-Submitted``, the older ``Precedence`` and ``X-Autoreply`` headers,
Exchange's ``X-Auto-Response-Suppress``), no delivery report or read receipt
(RFC 6522 ``multipart/report``), no bounce (``MAILER-DAEMON``, an empty
``Return-Path``), and nothing from its own addresses. Such mail is *ignored*
with its reason, not dead-lettered: nothing is wrong with it, and nothing
should be done about it.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from email.message import EmailMessage

from eventdesk_email.headers import raw_value, raw_values

__all__ = ["automatic_mail_reason"]

AUTOMATIC_PRECEDENCE = ("bulk", "junk", "list", "auto_reply")
SUPPRESSED_RESPONSES = ("all", "oof")
BOUNCE_SENDERS = ("mailer-daemon", "postmaster")
_TOKEN = re.compile(r"^\s*\(?\s*([A-Za-z0-9_\-.]+)")
_REPORT = re.compile(r"^\s*multipart/report\b", re.IGNORECASE)
_REPORT_TYPE = re.compile(r"report-type\s*=\s*\"?([A-Za-z0-9_\-]+)", re.IGNORECASE)
_NO = ("no", "false", "0", "off")


def _token(value: str) -> str:
    match = _TOKEN.match(value)
    return match.group(1).lower() if match else ""


def automatic_mail_reason(
    message: EmailMessage,
    *,
    sender: str | None,
    own_addresses: Collection[str] = (),
    envelope_sender: str | None = None,
) -> str | None:
    """Why a message is to be ignored as automatic mail, or None if a person may have sent it.

    ``sender`` is the From address (normalised), ``own_addresses`` the desk's
    own, and ``envelope_sender`` the SMTP ``MAIL FROM`` when the message came
    by SMTP (empty for a bounce).

    >>> from email import message_from_bytes, policy
    >>> def reason(raw, **kw):
    ...     return automatic_mail_reason(message_from_bytes(raw, policy=policy.default), **kw)
    >>> reason(b"Auto-Submitted: auto-replied (vacation)\\r\\n\\r\\n", sender="ana@example.com")
    'an automatic message (Auto-Submitted: auto-replied)'
    >>> reason(b"Auto-Submitted: no\\r\\n\\r\\n", sender="ana@example.com") is None
    True
    >>> reason(b"\\r\\n", sender="support@example.com", own_addresses={"support@example.com"})
    "sent from the desk's own address support@example.com (mail loop guard)"
    """
    if sender and sender in own_addresses:
        return f"sent from the desk's own address {sender} (mail loop guard)"
    content_type = raw_value(message, "Content-Type") or ""
    if _REPORT.match(content_type):
        found = _REPORT_TYPE.search(content_type)
        report_type = found.group(1).lower() if found else "unknown"
        kind = (
            "a read receipt" if report_type == "disposition-notification" else "a delivery report"
        )
        return f"{kind} (multipart/report; report-type={report_type})"
    if sender and sender.partition("@")[0] in BOUNCE_SENDERS:
        return f"a bounce (from {sender})"
    return_paths = [value.strip() for value in raw_values(message, "Return-Path")]
    if any(re.fullmatch(r"<\s*>", value) for value in return_paths):
        return "a bounce (empty Return-Path <>)"
    if envelope_sender is not None and envelope_sender.strip() in ("", "<>"):
        return "a bounce (empty envelope sender MAIL FROM:<>)"
    for value in raw_values(message, "Auto-Submitted"):
        token = _token(value)
        if token and token != "no":
            return f"an automatic message (Auto-Submitted: {token})"
    for value in raw_values(message, "Precedence"):
        if _token(value) in AUTOMATIC_PRECEDENCE:
            return f"bulk or automatic mail (Precedence: {_token(value)})"
    for header in ("X-Autoreply", "X-Autorespond"):
        for value in raw_values(message, header):
            if _token(value) not in _NO:
                return f"an automatic reply ({header}: {value[:40]})"
    for value in raw_values(message, "X-Auto-Response-Suppress"):
        suppressed = {_token(part) for part in value.split(",")}
        for token in SUPPRESSED_RESPONSES:
            if token in suppressed:
                return f"an automatic message (X-Auto-Response-Suppress: {token.upper()})"
    return None

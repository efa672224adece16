"""eventdesk-chat: the live chat channel of EventDesk, a plugin like any other.

It registers the ``chat`` channel (:class:`ChatChannel`: the widget's start,
message and end events, the transcript it polls), keeps the chat sessions
(:class:`ChatSessions`: each live one holds a unit of its agent's chat
capacity) and adds ``eventdesk chat``. docs/chat.md is its guide.
"""

from __future__ import annotations

import json
from typing import Any

from eventdesk.channels import InboundMessage
from eventdesk.hookspecs import hookimpl
from eventdesk.intake.service import IntakeResult

from eventdesk_chat.channel import ChatChannel, SessionEnded
from eventdesk_chat.cli import chat_commands
from eventdesk_chat.sessions import ChatSession, ChatSessionError, ChatSessions, SessionView

__all__ = [
    "ChatChannel",
    "ChatSession",
    "ChatSessionError",
    "ChatSessions",
    "SessionEnded",
    "SessionView",
    "post",
]


def post(desk: Any, event: dict[str, Any]) -> IntakeResult:
    """Post one widget event (a dict, as the widget would post it as JSON) through intake,
    as ``POST /channels/chat/inbound`` does; intake's result for it."""
    [result] = desk.intake.receive("chat", json.dumps(event).encode("utf-8"))
    return result


@hookimpl
def register_channels(register: Any) -> None:
    register("chat", ChatChannel)


@hookimpl
def register_commands(cli: Any) -> None:
    cli.add_command(chat_commands())


@hookimpl
def message_taken(desk: Any, message: Any, result: IntakeResult) -> None:
    """A chat's first message starts its session; the customer leaving ends it."""
    if result.channel != "chat":
        return
    sessions = ChatSessions(desk)
    if isinstance(message, SessionEnded):
        sessions.end(message.session, reason=message.reason, actor="customer")
    elif isinstance(message, InboundMessage) and message.thread_key and result.incident:
        sessions.started(
            message.thread_key, result.incident, language=message.metadata.get("language")
        )

"""eventdesk-voice: the voice channel of EventDesk, a plugin like any other.

It registers the ``voice`` channel (:class:`VoiceChannel`: signed call events
from a telephony system) and the ``eventdesk voice`` commands. From Python,
``voice(desk)`` is the voice desk of a desk: ``receive`` a call event,
``next_step`` for the IVR, ``screen_pop`` of a call, ``calls``, ``callbacks``.
docs/voice.md is its guide.
"""

from __future__ import annotations

from typing import Any

from eventdesk.hookspecs import hookimpl
from eventdesk.intake.model import MessageKey

from eventdesk_voice.calls import (
    CallbackView,
    CallNotFoundError,
    CallResult,
    CallStateError,
    CallView,
    IvrAnswer,
    ScreenPop,
    VoiceDesk,
    voice,
)
from eventdesk_voice.channel import VoiceChannel, read_event, signature, take_read_event
from eventdesk_voice.diversion import DiversionRule, ShareCount, decide
from eventdesk_voice.ivr import Ivr, IvrError

__all__ = [
    "CallNotFoundError",
    "CallResult",
    "CallStateError",
    "CallView",
    "CallbackView",
    "DiversionRule",
    "Ivr",
    "IvrAnswer",
    "IvrError",
    "ScreenPop",
    "ShareCount",
    "VoiceChannel",
    "VoiceDesk",
    "decide",
    "read_event",
    "signature",
    "voice",
]


@hookimpl
def register_channels(register: Any) -> None:
    register("voice", VoiceChannel)


@hookimpl
def register_commands(cli: Any) -> None:
    from eventdesk_voice.cli import voice_commands

    cli.add_command(voice_commands())


@hookimpl
def track_event(desk: Any, event: Any) -> None:
    """A call event intake has just taken (by any route: the HTTP server, the command
    line, a dead letter retried) changes its call."""
    if (
        isinstance(event, MessageKey.Taken)
        and event.channel == "voice"
        and event.direction == "inbound"
    ):
        call_event = take_read_event(event.message_id)
        if call_event is not None:
            voice(desk).apply(call_event, event.incident, event.contact)


@hookimpl
def wallboard_diverted(desk: Any, since: Any) -> list[dict[str, Any]]:
    """The calls offered since ``since`` that were diverted, for the supervisors' wallboard."""
    return [
        {
            "tenant": call.tenant,
            "what": f"call {call.call}",
            "to": call.diverted_to,
            "at": call.offered_at.isoformat().replace("+00:00", "Z"),
        }
        for call in voice(desk).calls()
        if call.diverted_to and call.offered_at >= since
    ]

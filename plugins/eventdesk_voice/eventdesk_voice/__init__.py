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
from eventdesk_voice.channel import VoiceChannel, read_event, signature
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

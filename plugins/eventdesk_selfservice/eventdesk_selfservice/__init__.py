"""eventdesk-selfservice: a self-service bot that answers from the knowledge base.

On the channels named in its settings it takes new incidents' conversations,
answers from the knowledge base, records each deflection (an incident solved
without a person) and hands over to a person with the whole transcript when
the customer asks, when no article is a confident answer, or when a second
answer did not help. docs/selfservice.md is its guide.
"""

from __future__ import annotations

from typing import Any

from eventdesk.channels import InboundMessage
from eventdesk.hookspecs import hookimpl

from eventdesk_selfservice.bot import (
    BotConversation,
    SelfServiceBot,
    configure,
    settings_of,
)
from eventdesk_selfservice.cli import selfservice_commands
from eventdesk_selfservice.stats import BotStats, bot_stats

__all__ = [
    "BotConversation",
    "BotStats",
    "SelfServiceBot",
    "bot_stats",
    "configure",
    "settings_of",
]


@hookimpl
def register_commands(cli: Any) -> None:
    cli.add_command(selfservice_commands())


@hookimpl(trylast=True)
def message_taken(desk: Any, message: Any, result: Any) -> None:
    """The bot's turn, after every other plugin has seen the message (a chat channel has
    started its session, so the bot's answers reach it)."""
    if isinstance(message, InboundMessage):
        SelfServiceBot(desk).take(message, result)

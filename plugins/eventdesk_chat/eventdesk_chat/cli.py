"""``eventdesk chat``: the live chat sessions, ending them, and the idle sweep.

Customers' chats come in through intake (``POST /channels/chat/inbound``, or
``eventdesk intake receive chat FILE``); these commands read and end sessions.
"""

from __future__ import annotations

import contextlib
import json
import time
from typing import Any

import click

__all__ = ["chat_commands"]


def chat_commands() -> click.Group:
    """The ``eventdesk chat`` group (built when the command line asks for it)."""
    from eventdesk.cli.context import DeskContext, pass_desk
    from eventdesk.cli.output import emit_json, show_rows

    from eventdesk_chat.sessions import ChatSessions, SessionView

    def rows(views: list[SessionView]) -> list[list[Any]]:
        return [
            [
                v.key,
                v.state,
                v.incident,
                v.agent or ("waiting" if v.waiting else "—"),
                f"{v.started_at:%Y-%m-%d %H:%M}",
                f"{v.last_activity:%H:%M}",
                v.end_reason or "—",
            ]
            for v in views
        ]

    columns = ["session", "state", "incident", "agent", "started (UTC)", "last", "ended"]

    @click.group()
    def chat() -> None:
        """Live chat: sessions, ending them, the idle sweep."""

    @chat.command()
    @click.option(
        "--state",
        type=click.Choice(["live", "ended", "all"]),
        default="live",
        show_default=True,
    )
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    @pass_desk
    def sessions(ctx: DeskContext, state: str, as_json: bool) -> None:
        """The chat sessions, oldest first, with the agent who has each."""
        views = ChatSessions(ctx.desk).list(state=state, actor=ctx.actor)
        if as_json:
            emit_json([v.to_dict() for v in views])
        else:
            show_rows(f"Chat sessions ({len(views)})", columns, rows(views))

    @chat.command()
    @click.argument("session")
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    @pass_desk
    def show(ctx: DeskContext, session: str, as_json: bool) -> None:
        """A session and its transcript."""
        chats = ChatSessions(ctx.desk)
        view = chats.get(session, actor=ctx.actor)
        lines = chats.transcript(session, actor=ctx.actor)
        if as_json:
            emit_json({**view.to_dict(), "transcript": [line.to_dict() for line in lines]})
            return
        show_rows(f"Chat session {session}", columns, rows([view]))
        show_rows(
            f"Transcript ({view.incident})",
            ["at (UTC)", "from", "message"],
            [[f"{x.at:%H:%M:%S}", f"{x.name} ({x.author})", x.text] for x in lines],
        )

    @chat.command()
    @click.argument("session")
    @click.option("--reason", default="ended by the agent", show_default=True)
    @pass_desk
    def end(ctx: DeskContext, session: str, reason: str) -> None:
        """End a live session: its agent's unit of chat capacity is free again."""
        view = ChatSessions(ctx.desk).end(session, reason=reason, actor=ctx.actor)
        click.echo(f"ended {view.key} ({view.incident}): {view.end_reason}")

    @chat.command()
    @click.option(
        "--idle-minutes",
        type=click.IntRange(1, 1440),
        help="Quiet for longer than this ends a session [default: the channel's idle_minutes].",
    )
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    @pass_desk
    def expire(ctx: DeskContext, idle_minutes: int | None, as_json: bool) -> None:
        """End every live session that has been idle for too long."""
        ended = ChatSessions(ctx.desk).expire(idle_minutes=idle_minutes, actor=ctx.actor)
        if as_json:
            emit_json([v.to_dict() for v in ended])
            return
        for view in ended:
            click.echo(f"ended {view.key} ({view.incident}): {view.end_reason}")
        click.echo(f"{len(ended)} session(s) ended")

    @chat.command()
    @click.option(
        "--interval",
        type=click.FloatRange(0.1),
        default=60.0,
        show_default=True,
        help="Seconds between sweeps.",
    )
    @click.option("--passes", type=click.IntRange(1), help="Stop after this many sweeps.")
    @pass_desk
    def work(ctx: DeskContext, interval: float, passes: int | None) -> None:
        """The idle sweep as a worker: ``expire`` every few seconds until interrupted
        (Ctrl-C); prints each session it ends as a JSON line."""
        chats = ChatSessions(ctx.desk)
        done = 0
        with contextlib.suppress(KeyboardInterrupt):
            while passes is None or done < passes:
                if done:
                    time.sleep(interval)
                for view in chats.expire(actor=ctx.actor):
                    click.echo(json.dumps(view.to_dict()))
                done += 1

    return chat

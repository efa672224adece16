"""``eventdesk voice``: call events, the IVR, calls, callbacks and the screen pop.

Thin over the voice desk (``eventdesk_voice.voice(desk)``): no rule lives here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from eventdesk_voice.calls import CallView, ScreenPop, voice
from eventdesk_voice.channel import signature
from eventdesk_voice.ivr import Ivr, IvrError

__all__ = ["voice_commands"]


def _read(source: str) -> bytes:
    if source == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(source).read_bytes()
    except OSError as error:
        raise click.ClickException(f"cannot read {source}: {error.strerror}") from None


def _one_line(view: CallView) -> str:
    parts = [view.call, view.state, view.caller, view.incident or "no incident"]
    if view.agent:
        parts.append(f"agent {view.agent}")
    if view.diverted_to:
        parts.append(f"diverted to {view.diverted_to}")
    if view.callback:
        parts.append("callback")
    return " · ".join(parts)


def voice_commands() -> click.Group:
    """The ``eventdesk voice`` group (built when the command line asks for it: the
    command line's helpers import the plugins, see eventdesk_email.cli)."""
    from eventdesk.cli.context import DeskContext, pass_desk
    from eventdesk.cli.output import emit_json, show_conversation, show_fields, show_rows

    json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")

    def show_pop(pop: ScreenPop) -> None:
        call = pop.call
        show_fields(
            f"Call {call.call}",
            [
                (
                    "caller",
                    f"{pop.contact_name} ({call.caller})"
                    if pop.contact_name not in (None, call.caller)
                    else call.caller,
                ),
                ("identities", pop.identities),
                ("state", call.state),
                ("agent", call.agent),
                ("incident", call.incident),
                ("summary", pop.incident.summary if pop.incident else None),
                ("incident state", pop.incident.state if pop.incident else None),
            ],
        )
        if pop.incident is not None:
            show_conversation(pop.incident.number, pop.conversation)

    @click.group(name="voice")
    def group() -> None:
        """The phone: call events, the IVR, calls and callbacks (the eventdesk-voice plugin)."""

    @group.command()
    @click.argument("source", metavar="FILE")
    @click.option(
        "--header", "headers", multiple=True, metavar="NAME=VALUE", help="A header (repeatable)."
    )
    @json_option
    @pass_desk
    def receive(ctx: DeskContext, source: str, headers: tuple[str, ...], as_json: bool) -> None:
        """Take one call event (JSON) from FILE (- for standard input)."""
        given: dict[str, str] = {}
        for text in headers:
            name, equals, value = text.partition("=")
            if not equals or not name.strip():
                raise click.UsageError(f"{text!r} is not NAME=VALUE")
            given[name.strip()] = value
        result = voice(ctx.desk).receive(_read(source), given)
        if as_json:
            emit_json(result)
            return
        if result.dead_letter or result.status in ("dead_letter", "unauthenticated"):
            click.echo(f"{result.status}: {result.reason} (dead letter {result.dead_letter})")
            return
        click.echo(f"{result.status} {result.call} {result.event} {result.incident or ''}".strip())
        if result.screen_pop is not None:
            show_pop(result.screen_pop)

    @group.command(name="next")
    @click.argument("call")
    @click.option("--digits", help="The keys the caller pressed since the last answer.")
    @json_option
    @pass_desk
    def next_step(ctx: DeskContext, call: str, digits: str | None, as_json: bool) -> None:
        """What the telephony system does next with CALL: play, queue, divert or callback."""
        answer = voice(ctx.desk).next_step(call, digits)
        if as_json:
            emit_json(answer.to_dict())
            return
        extra = answer.to or answer.queue or answer.menu
        click.echo(f"{answer.action}{f' {extra}' if extra else ''}: {answer.text}")

    @group.command(name="call")
    @click.argument("call")
    @json_option
    @pass_desk
    def show_call(ctx: DeskContext, call: str, as_json: bool) -> None:
        """The screen pop of CALL: the caller, their open incident and its conversation."""
        pop = voice(ctx.desk).screen_pop(call, actor=ctx.actor)
        emit_json(pop) if as_json else show_pop(pop)

    @group.command()
    @click.option("--state", help="Only calls in this state (open: every call not over).")
    @json_option
    @pass_desk
    def calls(ctx: DeskContext, state: str | None, as_json: bool) -> None:
        """The calls, oldest first."""
        found = voice(ctx.desk).calls(state=state)
        if as_json:
            emit_json(found)
            return
        show_rows(
            f"Calls ({len(found)})",
            ["call", "caller", "state", "incident", "queue", "agent", "diverted to", "waited"],
            [
                (
                    c.call,
                    c.caller,
                    c.state,
                    c.incident,
                    c.queue,
                    c.agent,
                    c.diverted_to,
                    f"{c.waited_seconds} s" if c.waited_seconds is not None else None,
                )
                for c in found
            ],
        )

    @group.command()
    @json_option
    @pass_desk
    def callbacks(ctx: DeskContext, as_json: bool) -> None:
        """The callers who asked to be called back, and who has each."""
        found = voice(ctx.desk).callbacks()
        if as_json:
            emit_json(found)
            return
        show_rows(
            f"Callbacks ({len(found)})",
            ["call", "caller", "incident", "requested (UTC)", "state", "agent"],
            [
                (c.call, c.caller, c.incident, f"{c.requested_at:%Y-%m-%d %H:%M}", c.state, c.agent)
                for c in found
            ],
        )

    @group.command(name="called-back")
    @click.argument("call")
    @click.option("--agent", required=True, help="Who called the customer back.")
    @click.option("--note", help="What came of it.")
    @pass_desk
    def called_back(ctx: DeskContext, call: str, agent: str, note: str | None) -> None:
        """Record that CALL's caller was called back."""
        click.echo(_one_line(voice(ctx.desk).callback_done(call, agent=agent, note=note)))

    @group.command()
    @click.argument("source", metavar="FILE")
    @click.option("--secret", envvar="EVENTDESK_VOICE_SECRET", required=True, help="The secret.")
    @click.option(
        "--timestamp",
        type=click.IntRange(min=0),
        help="Sign this Unix time too (t=...,sha256=...), refused outside the replay window.",
    )
    def sign(source: str, secret: str, timestamp: int | None) -> None:
        """Print the X-Voice-Signature header of a call event, to post it by hand."""
        click.echo(f"X-Voice-Signature: {signature(secret, _read(source), timestamp)}")

    @group.group()
    def ivr() -> None:
        """The IVR's TOML definition."""

    @ivr.command()
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    def check(file: Path) -> None:
        """Load and check an IVR definition: its menus, choices, queues and diversion."""
        try:
            loaded = Ivr.load(file)
        except IvrError as error:
            raise click.ClickException(error.message) from None
        queues = ", ".join(loaded.queues) or "none"
        extra = "; contingency menu" if loaded.contingency else ""
        click.echo(
            f"{file}: {len(loaded.menus)} menus (start {loaded.start}), queues {queues}"
            f"{'; diversion to ' + loaded.diversion.to if loaded.diversion else ''}{extra}"
        )

    return group

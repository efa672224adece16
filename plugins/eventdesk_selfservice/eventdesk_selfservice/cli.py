"""``eventdesk selfservice``: the bot's settings and its figures."""

from __future__ import annotations

from datetime import datetime

import click

__all__ = ["selfservice_commands"]


def selfservice_commands() -> click.Group:
    """The ``eventdesk selfservice`` group (built when the command line asks for it)."""
    from eventdesk.cli.context import DeskContext, pass_desk
    from eventdesk.cli.output import emit_json, show_fields

    from eventdesk_selfservice.bot import configure as configure_bot
    from eventdesk_selfservice.bot import settings_of
    from eventdesk_selfservice.stats import bot_stats

    @click.group()
    def selfservice() -> None:
        """The self-service bot: where it answers, and what it solved."""

    @selfservice.command()
    @click.option(
        "--channel", "channels", multiple=True, help="A channel the bot answers on (repeat)."
    )
    @click.option("--min-score", type=click.FloatRange(0, 1), help="The least confident answer.")
    @click.option("--chat-url", help="The live chat page the bot offers when it hands over.")
    @pass_desk
    def configure(
        ctx: DeskContext, channels: tuple[str, ...], min_score: float | None, chat_url: str | None
    ) -> None:
        """Set the channels the bot answers on, its confidence threshold, its chat link."""
        changes = {
            key: value
            for key, value in (
                ("channels", list(channels) or None),
                ("min_score", min_score),
                ("chat_url", chat_url),
            )
            if value is not None
        }
        settings = configure_bot(ctx.desk, actor=ctx.actor, **changes)
        where = ", ".join(settings["channels"]) or "no channel"
        click.echo(f"The bot answers on {where}, from a score of {settings['min_score']:.2f}.")

    @selfservice.command()
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    @pass_desk
    def show(ctx: DeskContext, as_json: bool) -> None:
        """The bot's settings."""
        settings = settings_of(ctx.desk)
        if as_json:
            emit_json(settings)
            return
        show_fields(
            "Self-service bot",
            [
                ("channels", ", ".join(settings["channels"]) or "—"),
                ("min_score", f"{settings['min_score']:.2f}"),
                ("chat_url", settings["chat_url"] or "—"),
            ],
        )

    @selfservice.command()
    @click.option("--tenant", help="Only this tenant's conversations.")
    @click.option(
        "--since", type=click.DateTime(["%Y-%m-%d"]), help="Conversations started since (UTC)."
    )
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    @pass_desk
    def stats(ctx: DeskContext, tenant: str | None, since: datetime | None, as_json: bool) -> None:
        """Conversations, answers, deflections (solved without a person) and handovers."""
        from datetime import UTC

        figures = bot_stats(
            ctx.desk,
            since=since.replace(tzinfo=UTC) if since else None,
            tenant=tenant,
            actor=ctx.actor,
        )
        if as_json:
            emit_json(figures.to_dict())
            return
        reasons = "; ".join(f"{r}: {n}" for r, n in figures.handover_reasons.items())
        show_fields(
            "Self-service bot",
            [
                ("conversations", figures.conversations),
                ("answers", figures.answers),
                ("deflected", f"{figures.deflected} ({figures.deflection_rate:.0%})"),
                ("handed over", f"{figures.handed_over}" + (f" ({reasons})" if reasons else "")),
                ("with the bot", figures.with_the_bot),
            ],
        )

    return selfservice

"""``eventdesk serve``: the HTTP server (the incident API, channels' inbound routes, health)."""

from __future__ import annotations

import contextlib

import click

from eventdesk.cli.context import DeskContext, pass_desk
from eventdesk.http import MAX_BODY, create_app
from eventdesk.http.app import WORKER_INTERVAL

LOG_LEVELS = ("critical", "error", "warning", "info", "debug")


GRACE_SECONDS = 3  # how long Ctrl-C waits for requests in flight before it cuts them


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True)
@click.option(
    "--max-body",
    type=click.IntRange(min=1),
    default=MAX_BODY,
    show_default=True,
    metavar="BYTES",
    help="The largest request body taken; a larger one is answered 413.",
)
@click.option(
    "--workers/--no-workers",
    default=True,
    show_default=True,
    help="Also run the SLA timer, routing and delivery workers, in background threads.",
)
@click.option(
    "--worker-interval",
    type=click.FloatRange(min=0.1),
    default=WORKER_INTERVAL,
    show_default=True,
    metavar="SECONDS",
    help="Seconds between the workers' passes.",
)
@click.option("--log-level", type=click.Choice(LOG_LEVELS), default="info", show_default=True)
@pass_desk
def serve(
    ctx: DeskContext,
    host: str,
    port: int,
    max_body: int,
    workers: bool,
    worker_interval: float,
    log_level: str,
) -> None:
    """Serve the HTTP API on uvicorn until interrupted (Ctrl-C)."""
    import uvicorn

    desk = ctx.desk  # opened now, so that a database that cannot be opened fails here
    app = create_app(desk, max_body=max_body, workers=workers, worker_interval=worker_interval)
    running = f"with workers every {worker_interval:g}s" if workers else "without workers"
    click.echo(f"EventDesk serving {desk.store.location} on http://{host}:{port} ({running})")
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level=log_level,
            lifespan="on",
            # Live streams (the wallboard's) never finish by themselves: cut them then.
            timeout_graceful_shutdown=GRACE_SECONDS,
        )
    )
    # uvicorn shuts down gracefully on Ctrl-C, then raises it again: that is a normal end.
    with contextlib.suppress(KeyboardInterrupt):
        server.run()

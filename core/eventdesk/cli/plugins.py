"""``eventdesk plugins``: what the plugin manager loaded."""

from __future__ import annotations

import click

from eventdesk.cli.output import emit_json
from eventdesk.plugins import list_plugins


@click.group()
def plugins() -> None:
    """Plugins: shipped ones and those installed under the ``eventdesk`` entry points."""


@plugins.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_(as_json: bool) -> None:
    """The loaded plugins and the hooks each implements (EVENTDESK_LOAD_PLUGINS limits them)."""
    loaded = list_plugins()
    if as_json:
        emit_json(loaded)
        return
    if not loaded:
        click.echo("No plugins loaded.")
    for plugin in loaded:
        origin = f" {plugin['version']} ({plugin['distribution']})" if "version" in plugin else ""
        click.echo(f"{plugin['name']}{origin}: {', '.join(plugin['hooks'])}")

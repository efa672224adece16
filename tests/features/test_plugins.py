"""Scenarios of features/plugins.feature, with the steps only plugins need.

The plugin is the documentation's example (docs/example-plugin), which ``make test``
installs; the command line runs in-process through click's ``CliRunner``.
"""

from __future__ import annotations

import importlib.metadata
import json
import shlex
from collections import Counter
from typing import Any

from click.testing import CliRunner, Result
from eventdesk.cli import cli
from eventdesk.plugins import ENTRY_POINT_GROUP, get_plugin_manager
from pytest_bdd import given, parsers, scenarios, then, when

scenarios("plugins.feature")


def _counter(plugin: str) -> Counter[str]:
    return get_plugin_manager().get_plugin(plugin).counted


@given(
    parsers.parse('the plugin "{plugin}" is installed by entry point from the package "{package}"')
)
def installed_plugin(plugin: str, package: str) -> None:
    entry_points = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP, name=plugin)
    assert [entry_point.dist.metadata["Name"] for entry_point in entry_points] == [package]
    assert get_plugin_manager().get_plugin(plugin) is not None


@given(
    parsers.parse('the plugin "{plugin}" has counted the events saved so far'),
    target_fixture="counted_before",
)
def counted_so_far(plugin: str) -> Counter[str]:
    return _counter(plugin).copy()


@when(parsers.parse('I run "{command}"'), target_fixture="ran")
def run_command(command: str) -> Result:
    words = shlex.split(command)
    assert words[0] == "eventdesk"
    return CliRunner().invoke(cli, words[1:], prog_name="eventdesk")


@then(parsers.parse('the plugin "{plugin}" is listed at version {version} with the hooks {hooks}'))
def plugin_listed(ran: Result, plugin: str, version: str, hooks: str) -> None:
    assert ran.exit_code == 0, ran.output
    listed: dict[str, Any] = {entry["name"]: entry for entry in json.loads(ran.output)}
    assert listed[plugin]["version"] == version
    assert listed[plugin]["hooks"] == [hook.strip() for hook in hooks.split(",")]


@then(parsers.parse('the command prints "{output}"'))
def command_prints(ran: Result, output: str) -> None:
    assert ran.exit_code == 0, ran.output
    assert ran.output == output + "\n"


@then(parsers.parse('the plugin "{plugin}" has counted {more:d} more "{event}" event'))
def counted_more(counted_before: Counter[str], plugin: str, more: int, event: str) -> None:
    assert _counter(plugin)[event] == counted_before[event] + more

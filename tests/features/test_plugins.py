"""Scenarios of features/plugins.feature, with the steps only plugins need.

The plugin is the documentation's example (docs/example-plugin, an SMS gateway channel),
which ``make test`` installs; the command line runs in-process through click's
``CliRunner``; the gateway is a real web server on loopback (``http_sink``).
"""

from __future__ import annotations

import importlib.metadata
import json
import shlex
from collections import Counter
from typing import Any

from click.testing import CliRunner, Result
from eventdesk import ServiceDesk
from eventdesk.cli import cli
from eventdesk.intake.service import IntakeResult
from eventdesk.plugins import ENTRY_POINT_GROUP, get_plugin_manager
from pytest_bdd import given, parsers, scenarios, then, when

SECRET = "the-gateway-and-the-desk-share-this"

scenarios("plugins.feature")


def _counter(plugin: str) -> Counter[str]:
    return get_plugin_manager().get_plugin(plugin).taken


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


@then(parsers.parse('the channel "{name}" is listed'))
def channel_listed(ran: Result, name: str) -> None:
    assert ran.exit_code == 0, ran.output
    assert name in json.loads(ran.output)


@then(parsers.parse('the command prints a line "{line}"'))
def command_prints_a_line(ran: Result, line: str) -> None:
    assert ran.exit_code == 0, ran.output
    assert line in [printed.strip() for printed in ran.output.splitlines()]


@given("the SMS gateway is a web server that keeps what it is sent", target_fixture="gateway")
def sms_gateway(http_sink: Any) -> Any:
    return http_sink


@given("the sms channel is configured with the gateway and a shared secret")
def sms_configured(desk: ServiceDesk, gateway: Any) -> None:
    desk.channels.configure("sms", {"secret": SECRET, "gateway_url": f"{gateway.url}/sms"})


def _text(text: str, sender: str) -> bytes:
    message = {"id": f"sms-{abs(hash((text, sender)))}", "from": sender, "text": text}
    return json.dumps(message).encode()


@when(
    parsers.parse('the gateway delivers a signed text "{text}" from "{sender}"'),
    target_fixture="taken",
)
def deliver_signed(desk: ServiceDesk, text: str, sender: str) -> list[IntakeResult]:
    from eventdesk_sms import signature

    body = _text(text, sender)
    return desk.intake.receive("sms", body, {"X-Sms-Signature": signature(SECRET, body)})


@when(
    parsers.parse('the gateway delivers a text "{text}" from "{sender}" with a wrong signature'),
    target_fixture="taken",
)
def deliver_badly_signed(desk: ServiceDesk, text: str, sender: str) -> list[IntakeResult]:
    body = _text(text, sender)
    return desk.intake.receive("sms", body, {"X-Sms-Signature": "sha256=" + "0" * 64})


@then(parsers.parse('an incident "{summary}" is opened by {channel} for the contact "{identity}"'))
def incident_opened(
    desk: ServiceDesk, taken: list[IntakeResult], summary: str, channel: str, identity: str
) -> None:
    [result] = taken
    assert result.status == "opened"
    incident = desk.get_incident(result.incident)
    assert (incident.summary, incident.channel) == (summary, channel)
    contact = desk.contacts.get(identity)
    assert incident.contact == contact.id
    assert contact.incidents == (incident.number,)


@when(parsers.parse('{agent} replies "{text}" to that incident'))
def agent_replies(desk: ServiceDesk, taken: list[IntakeResult], agent: str, text: str) -> None:
    desk.reply(taken[0].incident, text, actor=agent.lower())


@then(parsers.parse('the gateway is sent the text "{text}" for "{number}"'))
def gateway_sent(gateway: Any, text: str, number: str) -> None:
    [request] = gateway.accepted()
    assert request["path"] == "/sms"
    body = json.loads(request["body"])
    assert (body["text"], body["to"]) == (text, number)


@then("no incident is opened")
def no_incident(desk: ServiceDesk) -> None:
    assert desk.list_incidents().total == 0


@then(parsers.parse('the payload is kept as a dead letter because "{reason}"'))
def kept_as_dead_letter(desk: ServiceDesk, taken: list[IntakeResult], reason: str) -> None:
    [result] = taken
    [letter] = desk.dead_letters.list()
    assert (result.status, result.dead_letter) == ("unauthenticated", letter.id)
    assert letter.reason == reason

"""``eventdesk contingency on|off|status``."""

from __future__ import annotations

import json
from collections.abc import Callable

from click.testing import Result

from .conftest import succeeded


def test_contingency_on_off_status(eventdesk: Callable[..., Result]) -> None:
    succeeded(eventdesk("tenant", "add", "acme", "--model", "dedicated", "--manager", "sofia"))
    switch = ["contingency", "on", "--tenant", "acme", "--reason", "power cut"]
    on = succeeded(
        eventdesk(*switch, "--capacity-factor", "0.5", "--capacity", "voice=1", actor="admin:sofia")
    )
    assert on.output.startswith("Contingency mode on for tenant acme since ")
    assert on.output.endswith(": power cut (capacity × 0.5, voice 1)\n")
    shown = succeeded(eventdesk("contingency", "status", "--tenant", "acme", "--json"))
    status = json.loads(shown.output)
    assert (status["on"], status["capacity_factor"]) == (True, 0.5)
    assert status["capacity"] == {"voice": 1}
    assert status["history"][0]["actor"] == "sofia"
    # Fail to switch it on twice, or with a capacity that is not CHANNEL=N.
    again = eventdesk(*switch)
    assert again.exit_code == 1 and "on already for tenant acme" in again.output
    misuse = eventdesk("contingency", "on", "--reason", "x", "--capacity", "chat")
    assert misuse.exit_code == 2
    off = succeeded(eventdesk("contingency", "off", "--tenant", "acme", "--reason", "back"))
    assert off.output.startswith("Contingency mode off for tenant acme since ")
    desk_wide = succeeded(eventdesk("contingency", "status"))
    assert desk_wide.output == "Contingency mode off for the desk\n"

"""The desk's configuration files fuzzed: calendars, SLA policies and the voice IVR (TOML),
the staffing arrival profile (CSV), and every channel's settings.

Each documented example (docs/examples) is the seed: hypothesis breaks its
text (bytes cut, flipped, inserted) and its tables (values replaced, removed,
added), and loads the result. A broken file is refused with an EventDeskError
that names the file (ConfigFileError, IvrError, InvalidValueError), never with
another exception; a channel's broken settings are refused by ``configure``
and leave the channel's stored settings as they were. The figures reached are
in the run's summary.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from eventdesk import ServiceDesk
from eventdesk.calendars.loading import calendar_from_mapping, load_calendar
from eventdesk.errors import EventDeskError
from eventdesk.sla.policy import load_policy, policy_from_mapping
from eventdesk.staffing import read_profile
from eventdesk_voice.ivr import Ivr
from hypothesis import given
from hypothesis import strategies as st

from .boundaries import CHANNELS, directory
from .harness import budget, figures
from .mutations import HEADERS, broken_bytes, broken_json

EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"

# Each kind of file: its loaders (from a path, from the parsed tables) and its seeds.
FILES: dict[str, tuple[Callable[[Path], Any], Callable[[dict, str], Any] | None, list[str]]] = {
    "calendar": (
        load_calendar,
        lambda data, source: calendar_from_mapping(data, source=source),
        ["madrid-office.toml", "night-shift.toml"],
    ),
    "sla policy": (
        load_policy,
        lambda data, source: policy_from_mapping(data, source=source),
        ["standard-policy.toml", "strict-policy.toml", "conversations-policy.toml"],
    ),
    "ivr": (
        Ivr.load,
        lambda data, source: Ivr.from_mapping(data, source=source),
        ["voice-ivr.toml"],
    ),
    "arrival profile": (read_profile, None, ["monday-arrivals.csv"]),
}


def kind_named(error: EventDeskError) -> bool:
    """An error about a file's content that names the kind of file rather than its path."""
    return any(word in str(error) for word in ("ivr", "arrival profile"))


def _outcome(counted, load: Callable[[], Any], source: str) -> None:
    counted["files tried"] += 1
    try:
        load()
    except EventDeskError as error:
        counted["refused"] += 1
        assert source in str(error) or kind_named(error), str(error)
    else:
        counted["loaded"] += 1


@pytest.mark.fuzz
@pytest.mark.parametrize("kind", sorted(FILES))
def test_broken_configuration_files_are_refused_naming_the_file(kind: str, tmp_path: Path):
    from_path, from_tables, seeds = FILES[kind]
    counted = figures(f"fuzz config {kind}")
    texts = [(EXAMPLES / seed).read_bytes() for seed in seeds]
    for text in texts:  # every seed loads as it is
        from_path(_written(tmp_path, text))

    @budget()
    @given(data=st.data())
    def one(data: st.DataObject) -> None:
        text = data.draw(st.sampled_from(texts))
        if from_tables is None or data.draw(st.booleans()):
            path = _written(tmp_path, data.draw(broken_bytes(text)))
            _outcome(counted, lambda: from_path(path), str(path))
        else:
            tables = tomllib.loads(text.decode())
            broken = json.loads(data.draw(broken_json(json.dumps(tables).encode())))
            _outcome(counted, lambda: from_tables(broken, "fuzz.toml"), "fuzz.toml")

    one()


def _written(folder: Path, text: bytes) -> Path:
    path = folder / "config.toml"
    path.write_bytes(text)
    return path


@pytest.mark.fuzz
@pytest.mark.parametrize("channel", sorted(CHANNELS))
def test_broken_channel_settings_are_refused_and_change_nothing(desk: ServiceDesk, channel):
    directory(desk)
    counted = figures(f"fuzz settings {channel}")
    stored = desk.channels.settings(channel)
    seed = json.dumps({**CHANNELS[channel].settings, "tenant": "acme"}).encode()

    @budget()
    @given(settings=broken_json(seed) | HEADERS.map(lambda h: json.dumps(h).encode()))
    def one(settings: bytes) -> None:
        counted["settings tried"] += 1
        before = desk.projector.head()
        try:
            desk.channels.configure(channel, json.loads(settings))
        except EventDeskError:
            counted["refused"] += 1
            assert desk.projector.head() == before
        else:
            counted["taken"] += 1
            CHANNELS[channel].configure(desk)  # back to the good settings

    one()
    assert desk.channels.settings(channel) == stored

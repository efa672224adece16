"""The IVR: menus of DTMF choices, defined in TOML and checked when loaded.

::

    start = "main"                 # the first menu (default: main)
    callback_key = "*"             # pressed while waiting: call me back (default: *)

    [menus.main]
    prompt = "Press 1 to reset your password, 2 for the network team."
    [menus.main.choices]
    "1" = { article = "KB0000001" }    # self-service: the article's answer is read out
    "2" = { queue = "network" }        # queue selection
    "3" = { menu = "other" }           # another menu
    "4" = { search = "vpn drops" }     # the best published answer for these words
    "9" = { callback = true }          # ask to be called back

    [queues.network]
    team = "acme-desk"                 # optional: else whoever covers the tenant
    skill = "network"                  # optional

    [diversion]                        # optional: when calls leave the team
    wait_threshold_minutes = 5
    to = "pool"                        # a team, or an E.164 number
    minimum_team_share = 0.6

    [contingency]                      # the menu played while contingency mode is on
    prompt = "..."
    choices = { "1" = { queue = "network" } }
    diversion = { to = "+34910000099", minimum_team_share = 0.3 }

Every error names the key that is wrong (``menus.main.choices.7.queue``).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
from eventdesk.channels import Identity
from eventdesk.errors import InvalidValueError

from eventdesk_voice.diversion import DiversionRule

CONTINGENCY = "contingency"
ACTIONS = ("article", "callback", "menu", "queue", "search")
_KEY = re.compile(r"^[0-9*#]{1,4}$")
_NAME = re.compile(r"^[A-Za-z0-9][\w.\-]{0,63}$")
PROMPT_MAX = 1000


class IvrError(InvalidValueError):
    """An IVR definition is wrong; the message names the file and the key."""

    def __init__(self, source: str, key: str, problem: str) -> None:
        # An InvalidValueError (so settings refuse it like any bad value), with a message
        # of its own: the file and the key, not "invalid <field> <value>".
        super(InvalidValueError, self).__init__(
            f"{source}: {key}: {problem}", source=source, key=key
        )
        self.field = key
        self.key = key


@attrs.frozen
class Choice:
    """What pressing a key does: exactly one action, and its value."""

    action: str
    value: Any


@attrs.frozen
class Menu:
    name: str
    prompt: str
    choices: Mapping[str, Choice]


@attrs.frozen
class Queue:
    name: str
    team: str | None = None
    skill: str | None = None


@attrs.frozen
class Ivr:
    """A checked IVR: its menus, queues, diversion rules, and contingency menu."""

    start: str
    callback_key: str
    menus: Mapping[str, Menu]
    queues: Mapping[str, Queue]
    diversion: DiversionRule | None = None
    contingency_diversion: DiversionRule | None = None

    @property
    def contingency(self) -> Menu | None:
        return self.menus.get(CONTINGENCY)

    @classmethod
    def load(cls, path: str | Path) -> Ivr:
        """Read and check a TOML file (IvrError names what is wrong)."""
        source = str(path)
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as error:
            raise IvrError(source, "(file)", f"cannot be read: {error.strerror or error}") from None
        except UnicodeDecodeError:
            raise IvrError(source, "(file)", "is not UTF-8 text") from None
        except tomllib.TOMLDecodeError as error:
            raise IvrError(source, "(file)", f"is not TOML: {error}") from None
        return cls.from_mapping(data, source=source)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, source: str = "ivr") -> Ivr:
        return _Reader(source).ivr(data)


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, problem: str) -> IvrError:
        return IvrError(self.source, key, problem)

    def table(self, value: Any, key: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(key, f"expected a table, got {value!r}")
        return value

    def only(self, data: Mapping[str, Any], key: str, allowed: tuple[str, ...]) -> None:
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            where = f"{key}.{unknown[0]}" if key else unknown[0]
            raise self.fail(where, "unknown key (expected one of " + ", ".join(allowed) + ")")

    def name(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not _NAME.match(value):
            raise self.fail(key, f"expected a name (letters, digits, . _ -), got {value!r}")
        return value

    def text(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "expected a non-empty text")
        if len(value) > PROMPT_MAX:
            raise self.fail(key, f"{len(value)} characters, at most {PROMPT_MAX}")
        return value.strip()

    def ivr(self, data: Mapping[str, Any]) -> Ivr:
        self.only(data, "", ("start", "callback_key", "menus", "queues", "diversion", CONTINGENCY))
        start = self.name(data.get("start", "main"), "start")
        callback_key = data.get("callback_key", "*")
        if not isinstance(callback_key, str) or not _KEY.match(callback_key):
            raise self.fail("callback_key", f"expected keys of 0-9, * and #, got {callback_key!r}")
        queues = {
            name: self.queue(name, spec)
            for name, spec in self.table(data.get("queues", {}), "queues").items()
        }
        menus_data = dict(self.table(data.get("menus", {}), "menus"))
        if not menus_data:
            raise self.fail("menus", "at least one menu is needed")
        if CONTINGENCY in menus_data:
            raise self.fail(f"menus.{CONTINGENCY}", "the contingency menu is [contingency]")
        contingency_diversion = None
        if CONTINGENCY in data:
            spec = dict(self.table(data[CONTINGENCY], CONTINGENCY))
            if "diversion" in spec:
                contingency_diversion = self.diversion(
                    spec.pop("diversion"), f"{CONTINGENCY}.diversion", contingency=True
                )
            menus_data[CONTINGENCY] = spec
        menus = {
            name: self.menu(name, spec, CONTINGENCY if name == CONTINGENCY else f"menus.{name}")
            for name, spec in menus_data.items()
        }
        if start not in menus or start == CONTINGENCY:
            raise self.fail("start", f"no menu named {start!r} (menus: {', '.join(menus_data)})")
        for menu in menus.values():
            where = CONTINGENCY if menu.name == CONTINGENCY else f"menus.{menu.name}"
            for key, choice in menu.choices.items():
                target = f"{where}.choices.{key}.{choice.action}"
                if choice.action == "menu" and choice.value not in menus:
                    raise self.fail(target, f"no menu named {choice.value!r}")
                if choice.action == "queue" and choice.value not in queues:
                    raise self.fail(target, f"no queue named {choice.value!r} (define [queues])")
        diversion = (
            self.diversion(data["diversion"], "diversion", contingency=False)
            if "diversion" in data
            else None
        )
        return Ivr(start, callback_key, menus, queues, diversion, contingency_diversion)

    def queue(self, name: str, spec: Any) -> Queue:
        key = f"queues.{name}"
        self.name(name, key)
        spec = self.table(spec, key)
        self.only(spec, key, ("team", "skill"))
        team = self.name(spec["team"], f"{key}.team") if "team" in spec else None
        skill = self.name(spec["skill"], f"{key}.skill").lower() if "skill" in spec else None
        return Queue(name, team, skill)

    def menu(self, name: str, spec: Any, key: str) -> Menu:
        self.name(name, key)
        spec = self.table(spec, key)
        self.only(spec, key, ("prompt", "choices"))
        if "prompt" not in spec:
            raise self.fail(f"{key}.prompt", "missing: what the caller hears")
        prompt = self.text(spec["prompt"], f"{key}.prompt")
        choices: dict[str, Choice] = {}
        for digits, action in self.table(spec.get("choices", {}), f"{key}.choices").items():
            where = f"{key}.choices.{digits}"
            if not _KEY.match(digits):
                raise self.fail(where, "a choice is 1 to 4 keys of 0-9, * and #")
            choices[digits] = self.choice(action, where)
        return Menu(name, prompt, choices)

    def choice(self, spec: Any, key: str) -> Choice:
        spec = self.table(spec, key)
        self.only(spec, key, ACTIONS)
        if len(spec) != 1:
            raise self.fail(key, "expected exactly one of " + ", ".join(ACTIONS))
        [(action, value)] = spec.items()
        where = f"{key}.{action}"
        if action == "callback":
            if value is not True:
                raise self.fail(where, "expected true")
        elif action == "search":
            value = self.text(value, where)
        else:
            value = self.name(value, where)
        return Choice(action, value)

    def diversion(self, spec: Any, key: str, *, contingency: bool) -> DiversionRule:
        spec = self.table(spec, key)
        self.only(spec, key, ("wait_threshold_minutes", "to", "minimum_team_share"))
        if "to" not in spec:
            raise self.fail(f"{key}.to", "missing: a team (the shared pool) or an E.164 number")
        to = spec["to"]
        if isinstance(to, str) and to.strip().startswith("+"):
            try:
                to = Identity("phone", to).value
            except InvalidValueError:
                raise self.fail(f"{key}.to", f"{to!r} is not an E.164 number") from None
        else:
            to = self.name(to, f"{key}.to")
        threshold = spec.get("wait_threshold_minutes")
        if threshold is None and not contingency:
            raise self.fail(f"{key}.wait_threshold_minutes", "missing: the wait that diverts")
        if threshold is not None and (
            isinstance(threshold, bool) or not isinstance(threshold, int | float) or threshold < 0
        ):
            raise self.fail(f"{key}.wait_threshold_minutes", "expected minutes, 0 or more")
        share = spec.get("minimum_team_share", 0.0)
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
            raise self.fail(f"{key}.minimum_team_share", "expected a share from 0 to 1 (0.6)")
        return DiversionRule(to, threshold, float(share))

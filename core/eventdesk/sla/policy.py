"""SLA policies: response and resolution targets per priority, on calendars."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import attrs
from eventdesk.calendars.loading import parse_duration, read_toml, refuse_unknown_keys
from eventdesk.calendars.model import BusinessCalendar
from eventdesk.domain.incident import HoldReason
from eventdesk.domain.priority import PRIORITIES
from eventdesk.errors import ConfigFileError, InvalidValueError

METRICS = ("response", "resolution")
LEVELS = ("shift_manager", "team_manager", "director")
DEFAULT_PAUSE_ON = frozenset({HoldReason.AWAITING_CALLER, HoldReason.AWAITING_VENDOR})
DEFAULT_WARNINGS = (0.75, 0.90)
POLICY_KEYS = ("name", "calendar", "pause_on", "warnings", "targets", "escalation")
TARGET_KEYS = ("response", "resolution", "calendar")

# Finds a calendar by name (``desk.sla.calendar``), raising if there is none.
CalendarLookup = Callable[[str], BusinessCalendar]


@attrs.frozen
class Target:
    """How long a metric may take at one priority, and on which calendar it runs."""

    response: timedelta
    resolution: timedelta
    calendar: str = "24x7"

    def for_metric(self, metric: str) -> timedelta:
        return self.response if metric == "response" else self.resolution


def threshold_key(fraction: float) -> str:
    """``0.75`` → ``"75%"``: how warnings are named in events and escalation matrices."""
    return f"{round(fraction * 100):d}%"


@attrs.frozen
class SlaPolicy:
    """Targets per priority, what pauses the clocks, when to warn, whom to bring in.

    ``escalation`` maps a moment (``"75%"``, ``"90%"``, ``"breach"``) to the
    management level brought in then; ``major_level`` is the level a major
    incident goes straight to.
    """

    name: str
    targets: Mapping[int, Target] = attrs.field(converter=lambda t: dict(t))
    pause_on: frozenset[HoldReason] = attrs.field(default=DEFAULT_PAUSE_ON, converter=frozenset)
    warnings: tuple[float, ...] = attrs.field(
        default=DEFAULT_WARNINGS, converter=lambda w: tuple(sorted(w))
    )
    escalation: Mapping[str, str] = attrs.field(
        factory=lambda: {"75%": "shift_manager", "90%": "team_manager", "breach": "director"},
        converter=lambda e: dict(e),
    )
    major_level: str = "director"

    @property
    def calendars(self) -> frozenset[str]:
        return frozenset(target.calendar for target in self.targets.values())

    def on_calendar(self, calendar: str) -> SlaPolicy:
        """The same policy with every target running on ``calendar``."""
        return attrs.evolve(
            self,
            targets={
                priority: attrs.evolve(target, calendar=calendar)
                for priority, target in self.targets.items()
            },
        )

    def target(self, priority: int) -> Target | None:
        return self.targets.get(priority)

    def to_mapping(self) -> dict[str, Any]:
        """Primitives only: how a policy travels inside events."""
        return {
            "name": self.name,
            "targets": {
                str(p): {
                    "response": int(t.response.total_seconds()),
                    "resolution": int(t.resolution.total_seconds()),
                    "calendar": t.calendar,
                }
                for p, t in sorted(self.targets.items())
            },
            "pause_on": sorted(r.value for r in self.pause_on),
            "warnings": list(self.warnings),
            "escalation": dict(self.escalation),
            "major_level": self.major_level,
        }

    @classmethod
    def from_stored(cls, data: Mapping[str, Any]) -> SlaPolicy:
        """The inverse of ``to_mapping``."""
        return cls(
            name=data["name"],
            targets={
                int(p): Target(
                    response=timedelta(seconds=t["response"]),
                    resolution=timedelta(seconds=t["resolution"]),
                    calendar=t["calendar"],
                )
                for p, t in data["targets"].items()
            },
            pause_on={HoldReason(r) for r in data["pause_on"]},
            warnings=tuple(data["warnings"]),
            escalation=data["escalation"],
            major_level=data["major_level"],
        )


def default_policy() -> SlaPolicy:
    """The built-in policy, used until another is imported and chosen: 24x7 targets."""
    hours = timedelta(hours=1)
    return SlaPolicy(
        name="default",
        targets={
            1: Target(timedelta(minutes=15), 4 * hours),
            2: Target(timedelta(minutes=30), 8 * hours),
            3: Target(1 * hours, 24 * hours),
            4: Target(4 * hours, 72 * hours),
            5: Target(8 * hours, 120 * hours),
        },
    )


def load_policy(path: str | Path, *, calendars: CalendarLookup | None = None) -> SlaPolicy:
    """Load a ``[policy]`` TOML file (see docs/sla.md); errors name the file and key.

    A target in days (``"5d"``) is accepted only on a calendar open around the
    clock. ``calendars`` finds the targets' calendars to tell; without it only
    the built-in ``24x7`` is known to be, and days on any other are refused.
    """
    return policy_from_mapping(read_toml(path), source=str(path), calendars=calendars)


def policy_from_mapping(
    document: Mapping[str, Any], *, source: str, calendars: CalendarLookup | None = None
) -> SlaPolicy:
    section = document.get("policy")
    if not isinstance(section, dict):
        raise ConfigFileError(source, "policy", "a [policy] table")
    refuse_unknown_keys(source, document, ("policy",))
    refuse_unknown_keys(source, section, POLICY_KEYS, prefix="policy.")
    name = section.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigFileError(source, "policy.name", "a non-empty string", name)
    default_calendar = section.get("calendar", "24x7")
    if not isinstance(default_calendar, str):
        raise ConfigFileError(source, "policy.calendar", "a calendar name", default_calendar)
    pause_on = _pause_on(source, section.get("pause_on"))
    warnings = _warnings(source, section.get("warnings"))
    targets_table = section.get("targets")
    if not isinstance(targets_table, dict) or not targets_table:
        raise ConfigFileError(
            source, "policy.targets", "a table [policy.targets.P1] … per priority"
        )
    targets = {}
    for key, value in targets_table.items():
        priority = _priority(source, key)
        targets[priority] = _target(
            source, f"policy.targets.{key}", value, default_calendar, calendars
        )
    escalation = section.get("escalation", {})
    if not isinstance(escalation, dict):
        raise ConfigFileError(source, "policy.escalation", "a table", escalation)
    moments = {threshold_key(w) for w in warnings} | {"breach"}
    matrix: dict[str, str] = {}
    major_level = "director"
    for key, level in escalation.items():
        if level not in LEVELS:
            raise ConfigFileError(
                source, f"policy.escalation.{key}", "one of " + ", ".join(LEVELS), level
            )
        if key == "major":
            major_level = level
        elif key in moments:
            matrix[key] = level
        else:
            raise ConfigFileError(
                source,
                f"policy.escalation.{key}",
                'a warning threshold such as "75%", "breach" or "major"',
            )
    if not escalation:
        matrix = dict(SlaPolicy(name="x", targets={}).escalation)
        matrix = {k: v for k, v in matrix.items() if k in moments}
    return SlaPolicy(
        name=name.strip(),
        targets=targets,
        pause_on=pause_on,
        warnings=warnings,
        escalation=matrix,
        major_level=major_level,
    )


def _priority(source: str, key: str) -> int:
    text = key.upper().removeprefix("P")
    if not text.isdigit() or int(text) not in PRIORITIES:
        raise ConfigFileError(source, f"policy.targets.{key}", "a priority P1 … P5")
    return int(text)


def _target(
    source: str,
    key: str,
    value: Any,
    default_calendar: str,
    calendars: CalendarLookup | None,
) -> Target:
    if not isinstance(value, dict):
        raise ConfigFileError(source, key, "a table with response and resolution", value)
    refuse_unknown_keys(source, value, TARGET_KEYS, prefix=f"{key}.")
    calendar = value.get("calendar", default_calendar)
    if not isinstance(calendar, str) or not calendar:
        raise ConfigFileError(source, f"{key}.calendar", "a calendar name", calendar)
    # Days are judged on the calendar itself when it can be found, else on its name alone.
    counted_on = calendars(calendar) if calendars is not None else calendar
    durations = {}
    for metric in METRICS:
        text = value.get(metric)
        try:
            durations[metric] = parse_duration(text)
        except InvalidValueError:
            raise ConfigFileError(
                source, f"{key}.{metric}", "a duration such as 15m, 4h or 1h30m", text
            ) from None
        try:
            parse_duration(text, counted_on)
        except InvalidValueError as error:
            raise ConfigFileError(
                source, f"{key}.{metric}", error.details["expected"], text
            ) from None
        if durations[metric] <= timedelta(0):
            raise ConfigFileError(source, f"{key}.{metric}", "a duration above zero", text)
    return Target(durations["response"], durations["resolution"], calendar)


def _pause_on(source: str, value: Any) -> frozenset[HoldReason]:
    if value is None:
        return DEFAULT_PAUSE_ON
    if not isinstance(value, list):
        raise ConfigFileError(source, "policy.pause_on", "a list of hold reasons", value)
    reasons = set()
    for index, reason in enumerate(value):
        try:
            reasons.add(HoldReason(reason))
        except ValueError:
            raise ConfigFileError(
                source,
                f"policy.pause_on[{index}]",
                "one of " + ", ".join(r.value for r in HoldReason),
                reason,
            ) from None
    return frozenset(reasons)


def _warnings(source: str, value: Any) -> tuple[float, ...]:
    if value is None:
        return DEFAULT_WARNINGS
    if not isinstance(value, list):
        raise ConfigFileError(source, "policy.warnings", "a list of percentages", value)
    result = []
    for index, percent in enumerate(value):
        if (
            isinstance(percent, bool)
            or not isinstance(percent, int | float)
            or not 0 < percent < 100
        ):
            raise ConfigFileError(
                source, f"policy.warnings[{index}]", "a percentage between 0 and 100", percent
            )
        result.append(percent / 100)
    return tuple(sorted(set(result)))

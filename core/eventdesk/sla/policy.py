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

METRICS = (
    "response",
    "next_reply",
    "periodic_update",
    "requester_wait",
    "agent_work",
    "resolution",
)
# Metrics that run in cycles: each cycle is a clock of its own ("next_reply#2").
CYCLIC_METRICS = frozenset({"next_reply", "periodic_update"})
LEVELS = ("shift_manager", "team_manager", "director")
DEFAULT_PAUSE_ON = frozenset({HoldReason.AWAITING_CALLER, HoldReason.AWAITING_VENDOR})
DEFAULT_WARNINGS = (0.75, 0.90)
POLICY_KEYS = (
    "name",
    "calendar",
    "pause_on",
    "warnings",
    "targets",
    "escalation",
    "ola",
    "underpinning",
    "waiting",
)
TARGET_KEYS = (*METRICS, "calendar")
HOP_KEYS = ("target", "calendar")
WAITING_KEYS = ("limit", "action", "group", "level")
WAITING_ACTIONS = ("reassign", "supervisor")
# The policy name a contract or the desk names to have no SLA at all.
NO_POLICY = "none"

# Finds a calendar by name (``desk.sla.calendar``), raising if there is none.
CalendarLookup = Callable[[str], BusinessCalendar]


@attrs.frozen
class Target:
    """How long each metric may take at one priority, and on which calendar it runs.

    Any subset of the metrics may be named (at least one); a metric left out has
    no clock at that priority.
    """

    response: timedelta | None = None
    resolution: timedelta | None = None
    calendar: str = "24x7"
    next_reply: timedelta | None = None
    periodic_update: timedelta | None = None
    requester_wait: timedelta | None = None
    agent_work: timedelta | None = None

    def __attrs_post_init__(self) -> None:
        if not self.metrics:
            raise InvalidValueError("target", None, "at least one of " + ", ".join(METRICS))

    def for_metric(self, metric: str) -> timedelta | None:
        """The target of ``metric`` (None: no clock for it at this priority)."""
        return getattr(self, metric)

    @property
    def metrics(self) -> tuple[str, ...]:
        return tuple(metric for metric in METRICS if getattr(self, metric) is not None)


@attrs.frozen
class HopAgreement:
    """A group's own target for the time it holds an incident: an operational-level
    agreement (OLA) for a team of the desk, an underpinning contract (UC) for a vendor
    or another escalation target. Without a calendar it runs on the incident's."""

    target: timedelta
    calendar: str | None = None


@attrs.frozen
class WaitingRule:
    """What happens when a customer's message has waited longer than ``limit`` for a
    public answer: the incident goes to ``group`` (``reassign``), or the ``level`` of
    management is brought in (``supervisor``, and also when a reassignment cannot be
    made: the incident is already with that group, or the group does not serve the
    incident's tenant)."""

    limit: timedelta
    action: str
    group: str | None = None
    level: str = "team_manager"

    def describe(self) -> str:
        to = f"reassign to {self.group}" if self.action == "reassign" else f"bring in {self.level}"
        return f"after {duration_text(self.limit)}: {to}"


def duration_text(duration: timedelta) -> str:
    """A duration as a policy file writes it: ``2h``, ``1h30m``, ``45m``.

    >>> duration_text(timedelta(hours=1, minutes=30)), duration_text(timedelta(0))
    ('1h30m', '0m')
    """
    minutes = int(duration.total_seconds()) // 60
    hours, minutes = divmod(minutes, 60)
    return (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes or not hours else "")


def threshold_key(fraction: float) -> str:
    """``0.75`` → ``"75%"``: how warnings are named in events and escalation matrices."""
    return f"{round(fraction * 100):d}%"


def _seconds(duration: timedelta) -> int:
    return int(duration.total_seconds())


@attrs.frozen
class SlaPolicy:
    """Targets per priority, what pauses the clocks, when to warn, whom to bring in.

    ``escalation`` maps a moment (``"75%"``, ``"90%"``, ``"breach"``) to the
    management level brought in then; ``major_level`` is the level a major
    incident goes straight to. ``ola`` and ``underpinning`` give groups and
    vendors their own target per hop; ``waiting`` says what happens to a
    conversation left waiting.
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
    ola: Mapping[str, HopAgreement] = attrs.field(factory=dict, converter=lambda o: dict(o))
    underpinning: Mapping[str, HopAgreement] = attrs.field(
        factory=dict, converter=lambda u: dict(u)
    )
    waiting: WaitingRule | None = None

    @property
    def calendars(self) -> frozenset[str]:
        """Every calendar the policy names (its targets' and its hops')."""
        hops = [*self.ola.values(), *self.underpinning.values()]
        return frozenset(target.calendar for target in self.targets.values()) | {
            hop.calendar for hop in hops if hop.calendar
        }

    @property
    def metrics(self) -> tuple[str, ...]:
        """The metrics some priority has a target for, in the order of METRICS."""
        named = {metric for target in self.targets.values() for metric in target.metrics}
        return tuple(metric for metric in METRICS if metric in named)

    def on_calendar(self, calendar: str) -> SlaPolicy:
        """The same policy with every target running on ``calendar`` (a contract's).

        Hops that name a calendar of their own (a team's hours) keep it."""
        return attrs.evolve(
            self,
            targets={
                priority: attrs.evolve(target, calendar=calendar)
                for priority, target in self.targets.items()
            },
        )

    def target(self, priority: int) -> Target | None:
        return self.targets.get(priority)

    def hop_agreement(self, group: str) -> tuple[str, HopAgreement | None]:
        """(``"uc"`` or ``"ola"``, the agreement if any) for a group holding an incident:
        a group named under ``underpinning`` is a vendor's, any other the desk's own."""
        if group in self.underpinning:
            return "uc", self.underpinning[group]
        return "ola", self.ola.get(group)

    def to_mapping(self) -> dict[str, Any]:
        """Primitives only: how a policy travels inside events (the newer tables only
        when used, so that a policy without them is stored as before)."""
        data: dict[str, Any] = {
            "name": self.name,
            "targets": {
                str(p): {
                    **{m: _seconds(d) for m in METRICS if (d := t.for_metric(m)) is not None},
                    "calendar": t.calendar,
                }
                for p, t in sorted(self.targets.items())
            },
            "pause_on": sorted(r.value for r in self.pause_on),
            "warnings": list(self.warnings),
            "escalation": dict(self.escalation),
            "major_level": self.major_level,
        }
        for key, hops in (("ola", self.ola), ("underpinning", self.underpinning)):
            if hops:
                data[key] = {
                    group: {"target": _seconds(hop.target), "calendar": hop.calendar}
                    for group, hop in sorted(hops.items())
                }
        if self.waiting is not None:
            data["waiting"] = {
                "limit": _seconds(self.waiting.limit),
                "action": self.waiting.action,
                "group": self.waiting.group,
                "level": self.waiting.level,
            }
        return data

    @classmethod
    def from_stored(cls, data: Mapping[str, Any]) -> SlaPolicy:
        """The inverse of ``to_mapping`` (also of policies stored before the newer
        metrics, OLAs and waiting rules existed)."""

        def hops(key: str) -> dict[str, HopAgreement]:
            return {
                group: HopAgreement(timedelta(seconds=hop["target"]), hop.get("calendar"))
                for group, hop in (data.get(key) or {}).items()
            }

        waiting = data.get("waiting")
        return cls(
            name=data["name"],
            targets={
                int(p): Target(
                    calendar=t["calendar"],
                    **{m: timedelta(seconds=t[m]) for m in METRICS if t.get(m) is not None},
                )
                for p, t in data["targets"].items()
            },
            pause_on={HoldReason(r) for r in data["pause_on"]},
            warnings=tuple(data["warnings"]),
            escalation=data["escalation"],
            major_level=data["major_level"],
            ola=hops("ola"),
            underpinning=hops("underpinning"),
            waiting=WaitingRule(
                limit=timedelta(seconds=waiting["limit"]),
                action=waiting["action"],
                group=waiting.get("group"),
                level=waiting.get("level") or "team_manager",
            )
            if waiting
            else None,
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
    if name.strip() == NO_POLICY:
        raise ConfigFileError(
            source, "policy.name", f"a name other than {NO_POLICY!r} (it means no policy)", name
        )
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
        ola=_hops(source, "policy.ola", section.get("ola"), default_calendar, calendars),
        underpinning=_hops(
            source, "policy.underpinning", section.get("underpinning"), default_calendar, calendars
        ),
        waiting=_waiting(source, section.get("waiting"), default_calendar, calendars),
    )


def _priority(source: str, key: str) -> int:
    text = key.upper().removeprefix("P")
    if not text.isdigit() or int(text) not in PRIORITIES:
        raise ConfigFileError(source, f"policy.targets.{key}", "a priority P1 … P5")
    return int(text)


def _duration(source: str, key: str, text: Any, counted_on: BusinessCalendar | str) -> timedelta:
    """A positive duration from a file, judged on the calendar it is counted on."""
    try:
        duration = parse_duration(text)
    except InvalidValueError:
        raise ConfigFileError(source, key, "a duration such as 15m, 4h or 1h30m", text) from None
    try:
        parse_duration(text, counted_on)
    except InvalidValueError as error:
        raise ConfigFileError(source, key, error.details["expected"], text) from None
    if duration <= timedelta(0):
        raise ConfigFileError(source, key, "a duration above zero", text)
    return duration


def _calendar_name(source: str, key: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigFileError(source, key, "a calendar name", value)
    return value


def _counted_on(calendar: str, calendars: CalendarLookup | None) -> BusinessCalendar | str:
    # Days are judged on the calendar itself when it can be found, else on its name alone.
    return calendars(calendar) if calendars is not None else calendar


def _target(
    source: str,
    key: str,
    value: Any,
    default_calendar: str,
    calendars: CalendarLookup | None,
) -> Target:
    if not isinstance(value, dict):
        raise ConfigFileError(source, key, "a table with the targets of that priority", value)
    refuse_unknown_keys(source, value, TARGET_KEYS, prefix=f"{key}.")
    calendar = _calendar_name(source, f"{key}.calendar", value.get("calendar", default_calendar))
    counted_on = _counted_on(calendar, calendars)
    durations = {
        metric: _duration(source, f"{key}.{metric}", value[metric], counted_on)
        for metric in METRICS
        if metric in value
    }
    if not durations:
        raise ConfigFileError(source, key, "at least one of " + ", ".join(METRICS))
    return Target(calendar=calendar, **durations)


def _hops(
    source: str,
    key: str,
    value: Any,
    default_calendar: str,
    calendars: CalendarLookup | None,
) -> dict[str, HopAgreement]:
    """``[policy.ola.<group>]`` or ``[policy.underpinning.<target>]`` tables."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigFileError(source, key, "a table per group, such as [policy.ola.network]")
    hops = {}
    for group, hop in value.items():
        where = f"{key}.{group}"
        if not isinstance(hop, dict):
            raise ConfigFileError(source, where, 'a table with target = "4h"', hop)
        refuse_unknown_keys(source, hop, HOP_KEYS, prefix=f"{where}.")
        if "target" not in hop:
            raise ConfigFileError(source, f"{where}.target", "a duration such as 30m or 4h")
        calendar = hop.get("calendar")
        if calendar is not None:
            calendar = _calendar_name(source, f"{where}.calendar", calendar)
        counted_on = _counted_on(calendar or default_calendar, calendars)
        hops[group] = HopAgreement(
            _duration(source, f"{where}.target", hop["target"], counted_on), calendar
        )
    return hops


def _waiting(
    source: str, value: Any, default_calendar: str, calendars: CalendarLookup | None
) -> WaitingRule | None:
    """``[policy.waiting]``: the limit on a customer's wait and what happens after it."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ConfigFileError(source, "policy.waiting", "a table with limit and action", value)
    refuse_unknown_keys(source, value, WAITING_KEYS, prefix="policy.waiting.")
    if "limit" not in value:
        raise ConfigFileError(source, "policy.waiting.limit", "a duration such as 2h")
    limit = _duration(
        source, "policy.waiting.limit", value["limit"], _counted_on(default_calendar, calendars)
    )
    action = value.get("action")
    if action not in WAITING_ACTIONS:
        raise ConfigFileError(
            source, "policy.waiting.action", "one of " + ", ".join(WAITING_ACTIONS), action
        )
    group = value.get("group")
    if action == "reassign" and (not isinstance(group, str) or not group.strip()):
        raise ConfigFileError(source, "policy.waiting.group", "the group to reassign to", group)
    if action == "supervisor" and group is not None:
        raise ConfigFileError(
            source, "policy.waiting.group", "no group: a supervisor is brought in, not a group"
        )
    level = value.get("level", "team_manager")
    if level not in LEVELS:
        raise ConfigFileError(source, "policy.waiting.level", "one of " + ", ".join(LEVELS), level)
    return WaitingRule(limit, action, group.strip() if group else None, level)


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

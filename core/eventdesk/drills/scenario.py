"""A drill's scenario, read from TOML: the desk, the traffic, and the timed events.

The desk comes from files (calendars, SLA policies) and tables (tenants, teams, agents)
or is copied, read-only, from the live desk. Traffic is Poisson arrivals per tenant and
channel with a rate per hour of each weekday, handling times per channel (and
priority), and the customers' patience per channel. Events happen at a time of the
drill's day: a site outage, a surge, contingency mode, IVR self-service, diversion.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs

from eventdesk.errors import InvalidValueError
from eventdesk.staffing import ServiceTarget

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Impact and urgency that give each priority in the default matrix.
PRIORITY_INPUTS = {1: (1, 1), 2: (1, 2), 3: (2, 2), 4: (2, 3), 5: (3, 3)}
EVENT_KINDS = ("outage", "surge", "contingency", "self_service", "diversion")
DISTRIBUTIONS = ("exponential", "fixed", "lognormal")
DEFAULT_TARGETS = {"voice": "80/20", "chat": "80/60"}
DEFAULT_TARGET = "80/3600"


class ScenarioError(InvalidValueError):
    """A scenario that cannot be read: names the file, the key and what was wrong."""

    def __init__(self, source: str, key: str, problem: str) -> None:
        super().__init__(f"scenario {key}", source, problem)
        self.message = f"invalid scenario {source}: {key}: {problem}"


@attrs.frozen
class Arrivals:
    """Poisson arrivals of one tenant on one channel: ``per_hour[weekday][hour]``."""

    tenant: str
    channel: str
    per_hour: tuple[tuple[float, ...], ...]  # 7 weekdays × 24 hours
    priorities: tuple[tuple[int, float], ...] = ((3, 1.0),)

    def rate(self, moment: datetime) -> float:
        return self.per_hour[moment.weekday()][moment.hour]

    @property
    def peak(self) -> float:
        return max(max(day) for day in self.per_hour)


@attrs.frozen
class Handling:
    """Handling time of a channel: a distribution with a mean, per priority if given."""

    mean_seconds: float
    distribution: str = "exponential"
    by_priority: Mapping[int, float] = attrs.field(factory=dict)

    def mean_for(self, priority: int) -> float:
        return self.by_priority.get(priority, self.mean_seconds)


@attrs.frozen
class DrillEvent:
    """Something that happens during the drill, from ``at`` until ``until`` (or the end)."""

    kind: str
    at: datetime
    until: datetime | None = None
    site: str | None = None
    mode: str = "offline"  # outage: offline | remote
    tenant: str | None = None
    channel: str | None = None
    factor: float = 1.0  # surge: arrival rate × factor; remote/contingency: capacity factor
    share: float = 0.0  # self_service: share of contacts the IVR resolves
    after_minutes: int = 0  # diversion: the wait before calls go to the shared pool

    def active(self, moment: datetime) -> bool:
        return self.at <= moment and (self.until is None or moment < self.until)

    def describe(self) -> str:
        when = f"{self.at:%H:%M}" + (f"-{self.until:%H:%M}" if self.until else "")
        what = {
            "outage": f"site {self.site} {self.mode}"
            + (f" (capacity × {self.factor:g})" if self.mode == "remote" else ""),
            "surge": f"{self.channel} arrivals × {self.factor:g}",
            "contingency": f"contingency mode (capacity × {self.factor:g})",
            "self_service": f"IVR self-service resolves {self.share:.0%} of {self.channel}",
            "diversion": f"divert to the shared pool after {self.after_minutes} min",
        }[self.kind]
        scope = f" for {self.tenant}" if self.tenant else ""
        return f"{when} {what}{scope}"


@attrs.frozen
class Scenario:
    name: str
    start: datetime
    hours: float
    desk: Mapping[str, Any]
    arrivals: tuple[Arrivals, ...]
    handling: Mapping[str, Handling]
    patience: Mapping[str, float]
    targets: Mapping[str, ServiceTarget]
    events: tuple[DrillEvent, ...]
    base: Path = Path(".")
    text: str = ""

    @property
    def end(self) -> datetime:
        return self.start + timedelta(hours=self.hours)

    def target_for(self, channel: str) -> ServiceTarget:
        return self.targets.get(channel) or ServiceTarget.parse(
            DEFAULT_TARGETS.get(channel, DEFAULT_TARGET)
        )

    def handling_for(self, channel: str) -> Handling:
        return self.handling[channel]  # every channel with arrivals has one (checked)

    @classmethod
    def load(cls, path: str | Path) -> Scenario:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
            data = tomllib.loads(text)
        except OSError as error:
            raise ScenarioError(str(path), "file", error.strerror or str(error)) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ScenarioError(str(path), "TOML", str(error)) from None
        return cls.from_mapping(data, source=str(path), base=path.parent, text=text)

    @classmethod
    def from_mapping(
        cls,
        data: Mapping[str, Any],
        *,
        source: str = "scenario",
        base: Path = Path("."),
        text: str = "",
    ) -> Scenario:
        read = _Reader(source)
        drill = read.table(data.get("drill"), "drill")
        start = read.moment(drill.get("start"), "drill.start")
        hours = read.number(drill.get("hours", 24), "drill.hours", low=0, strict=True)
        if not isinstance(data.get("arrivals"), list) or not data["arrivals"]:
            read.fail("arrivals", "at least one [[arrivals]] table")
        arrivals = tuple(
            read.arrivals(spec, f"arrivals[{i}]") for i, spec in enumerate(data["arrivals"])
        )
        handling = {
            channel: read.handling(spec, f"handling.{channel}")
            for channel, spec in read.table(data.get("handling", {}), "handling").items()
        }
        for channel in sorted({a.channel for a in arrivals} - set(handling)):
            read.fail(f"handling.{channel}", "a table with mean_seconds")
        return cls(
            name=str(drill.get("name") or source),
            start=start,
            hours=hours,
            desk=read.table(data.get("desk", {}), "desk"),
            arrivals=arrivals,
            handling=handling,
            patience={
                ch: read.number(v, f"patience.{ch}", low=0, strict=True)
                for ch, v in read.table(data.get("patience", {}), "patience").items()
            },
            targets={
                ch: read.target(v, f"targets.{ch}")
                for ch, v in read.table(data.get("targets", {}), "targets").items()
            },
            events=tuple(
                read.event(spec, f"events[{i}]", start)
                for i, spec in enumerate(data.get("events", ()))
            ),
            base=base,
            text=text,
        )


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, problem: str) -> Any:
        raise ScenarioError(self.source, key, problem)

    def table(self, value: Any, key: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            self.fail(key, "a table")
        return value

    def number(self, value: Any, key: str, *, low: float = 0, strict: bool = False) -> float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok or not math.isfinite(value) or value < low or (strict and value == low):
            self.fail(key, f"a number {'above' if strict else 'at least'} {low:g}")
        return float(value)

    def moment(self, value: Any, key: str) -> datetime:
        if isinstance(value, datetime):
            moment = value
        else:
            try:
                moment = datetime.fromisoformat(str(value))
            except ValueError:
                return self.fail(key, "an ISO date-time such as 2026-03-02T07:00:00Z")
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)

    def time_of_day(self, value: Any, key: str, start: datetime) -> datetime:
        """``HH:MM`` on the drill's first day (the next day if before the start), or ISO."""
        text = str(value)
        if len(text) <= 5 and ":" in text:
            try:
                hour, minute = (int(part) for part in text.split(":"))
                moment = start.replace(hour=hour, minute=minute, second=0, microsecond=0)
            except ValueError:
                return self.fail(key, "a time HH:MM or an ISO date-time")
            return moment if moment >= start else moment + timedelta(days=1)
        return self.moment(value, key)

    def target(self, value: Any, key: str) -> ServiceTarget:
        try:
            return ServiceTarget.parse(value)
        except InvalidValueError:
            return self.fail(key, "PERCENT/SECONDS, such as 80/20")

    def arrivals(self, spec: Any, key: str) -> Arrivals:
        spec = self.table(spec, key)
        for name in ("tenant", "channel"):
            if not isinstance(spec.get(name), str):
                self.fail(f"{key}.{name}", "a name")
        flat = self.number(spec.get("per_hour", 0), f"{key}.per_hour")
        days = []
        profile = self.table(spec.get("weekdays", {}), f"{key}.weekdays")
        for unknown in set(profile) - set(WEEKDAYS):
            self.fail(f"{key}.weekdays.{unknown}", f"one of {', '.join(WEEKDAYS)}")
        for day in WEEKDAYS:
            hours = profile.get(day)
            if hours is None:
                days.append((flat,) * 24)
                continue
            if not isinstance(hours, list) or len(hours) != 24:
                self.fail(f"{key}.weekdays.{day}", "24 arrivals per hour, one for each hour")
            days.append(tuple(self.number(v, f"{key}.weekdays.{day}") for v in hours))
        mix = self.table(spec.get("priorities", {"P3": 1}), f"{key}.priorities")
        priorities = []
        for name, share in mix.items():
            level = str(name).upper().removeprefix("P")
            if level not in {"1", "2", "3", "4", "5"}:
                self.fail(f"{key}.priorities.{name}", "P1 to P5")
            priorities.append((int(level), self.number(share, f"{key}.priorities.{name}")))
        if not sum(share for _, share in priorities) > 0:
            self.fail(f"{key}.priorities", "shares that add up to more than 0")
        return Arrivals(spec["tenant"], spec["channel"].lower(), tuple(days), tuple(priorities))

    def handling(self, spec: Any, key: str) -> Handling:
        spec = self.table(spec, key)
        distribution = spec.get("distribution", "exponential")
        if distribution not in DISTRIBUTIONS:
            self.fail(f"{key}.distribution", f"one of {', '.join(DISTRIBUTIONS)}")
        by_priority = {
            int(str(p).upper().removeprefix("P")): self.number(
                v, f"{key}.by_priority.{p}", strict=True
            )
            for p, v in self.table(spec.get("by_priority", {}), f"{key}.by_priority").items()
        }
        mean = self.number(spec.get("mean_seconds"), f"{key}.mean_seconds", strict=True)
        return Handling(mean, distribution, by_priority)

    def event(self, spec: Any, key: str, start: datetime) -> DrillEvent:
        spec = self.table(spec, key)
        kind = spec.get("kind")
        if kind not in EVENT_KINDS:
            self.fail(f"{key}.kind", f"one of {', '.join(EVENT_KINDS)}")
        at = self.time_of_day(spec.get("at"), f"{key}.at", start)
        until = spec.get("until")
        until_at = self.time_of_day(until, f"{key}.until", start) if until is not None else None
        if until_at is not None and until_at <= at:
            self.fail(f"{key}.until", "a time after at")
        fields: dict[str, Any] = {"kind": kind, "at": at, "until": until_at}
        fields["tenant"] = spec.get("tenant")
        if kind == "outage":
            if not isinstance(spec.get("site"), str):
                self.fail(f"{key}.site", "the location of the agents who lose their site")
            fields["site"] = spec["site"]
            fields["mode"] = spec.get("mode", "offline")
            if fields["mode"] not in ("offline", "remote"):
                self.fail(f"{key}.mode", "offline or remote")
        if kind == "surge":
            if not isinstance(spec.get("channel"), str):
                self.fail(f"{key}.channel", "the channel whose arrivals surge")
            fields["channel"] = spec["channel"].lower()
        if kind in ("surge", "contingency", "outage"):
            default = 1.0 if kind == "surge" else 0.5
            fields["factor"] = self.number(
                spec.get("factor", spec.get("capacity_factor", default)),
                f"{key}.factor",
                strict=True,
            )
            if kind != "surge" and fields["factor"] > 1:
                self.fail(f"{key}.factor", "a capacity factor above 0 and at most 1")
        if kind == "self_service":
            fields["channel"] = str(spec.get("channel", "voice")).lower()
            share = self.number(spec.get("share"), f"{key}.share")
            if share > 1:
                self.fail(f"{key}.share", "a share from 0 to 1")
            fields["share"] = share
        if kind == "diversion":
            if not isinstance(spec.get("tenant"), str):
                self.fail(f"{key}.tenant", "the tenant whose calls divert")
            fields["after_minutes"] = int(
                self.number(spec.get("after_minutes", 0), f"{key}.after_minutes")
            )
        return DrillEvent(**fields)

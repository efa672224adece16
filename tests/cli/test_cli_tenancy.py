"""``eventdesk tenant|team|agent|route|access ...``: a multi-tenant desk on the command line."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from eventdesk import ServiceDesk
from eventdesk.clock import ManualClock, SystemClock

from .conftest import failed_in_one_line, json_of, succeeded

CALENDAR = Path(__file__).resolve().parents[2] / "docs" / "examples" / "madrid-office.toml"
MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # the Madrid office is open (10:00 local)


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> ManualClock:
    """The command line reads the system clock: here, a virtual one."""
    virtual = ManualClock(MONDAY_9)
    monkeypatch.setattr(SystemClock, "now", lambda self: virtual.now())
    return virtual


@pytest.fixture
def directory(eventdesk):
    """Three tenants, one of each model; their teams; four agents, all available."""
    succeeded(eventdesk("calendar", "import", str(CALENDAR)))
    for command in (
        "tenant add acme --model dedicated --manager sofia --calendar madrid-office"
        " --monthly-fee 4200",
        "tenant add globex --model hybrid --manager sofia --calendar madrid-office"
        " --hourly-rate 60 --overflow-wait 20m --category-group network=network-ops",
        "tenant add initech --model shared --manager omar --hourly-rate 55 --weight 2",
        "team add acme-team --kind dedicated --tenant acme --calendar madrid-office"
        " --shift-manager lena",
        "team add globex-team --kind dedicated --tenant globex --calendar madrid-office",
        "team add pool --kind shared --team-manager omar",
        "team add network-ops --kind specialist --skill-area network",
        "agent add bruno --team acme-team --language en --language es",
        "agent add carla --team globex-team --team pool --language fr",
        "agent add dmitri --team pool",
        "agent add nadia --team network-ops --skill cisco",
    ):
        succeeded(eventdesk(*command.split()))
    for name in ("bruno", "carla", "dmitri", "nadia"):
        succeeded(eventdesk("agent", "presence", name, "available"))


def open_for(eventdesk, tenant: str, summary: str, *extra: str, actor: str = "ana") -> dict:
    return json_of(
        eventdesk(
            "incident",
            "open",
            *("-s", summary, "-i", "2", "-u", "2", "--tenant", tenant),
            *extra,
            "--json",
            actor=actor,
        )
    )


# --- tenants -----------------------------------------------------------------


def test_adding_a_tenant_prints_it(eventdesk):
    added = json_of(
        eventdesk(
            "tenant",
            "add",
            "globex",
            *("--model", "hybrid", "--manager", "sofia", "--hourly-rate", "60"),
            *("--monthly-fee", "3900", "--overflow-wait", "1h", "--weight", "3"),
            *("--category-group", "network=network-ops", "--category-group", "DB=dba"),
            "--json",
        )
    )
    assert added == {
        "name": "globex",
        "model": "hybrid",
        "service_manager": "sofia",
        "calendar": None,
        "sla_policy": None,
        "priority_matrix": None,
        "hourly_rate": 60.0,
        "monthly_fee": 3900.0,
        "overflow_wait_minutes": 60,
        "weight": 3,
        "category_groups": {"network": "network-ops", "db": "dba"},
        "domains": [],
        "teams": [],
        "version": 1,
    }
    assert "--overflow-wait" in succeeded(eventdesk("tenant", "add", "--help")).stdout

    text = succeeded(
        eventdesk("tenant", "add", "initech", "--model", "SHARED", "--manager", "omar")
    )
    assert text.stdout == "initech shared · manager omar · no team\n"


@pytest.mark.parametrize(("wait", "minutes"), [("45", 45), ("30m", 30), ("1h", 60), ("1h30m", 90)])
def test_the_overflow_wait_is_minutes_or_a_duration(eventdesk, wait, minutes):
    added = json_of(
        eventdesk(
            "tenant",
            "add",
            "globex",
            *("--model", "hybrid", "--manager", "sofia", "--overflow-wait", wait, "--json"),
        )
    )
    assert added["overflow_wait_minutes"] == minutes


def test_updating_a_tenant_changes_only_what_is_given(eventdesk, directory):
    before = json_of(eventdesk("tenant", "show", "globex", "--json"))
    assert before["teams"] == ["globex-team"]

    after = json_of(
        eventdesk(
            "tenant",
            "update",
            "globex",
            *("--weight", "4", "--category-group", "database=dba", "--json"),
        )
    )
    assert after == {
        **before,
        "weight": 4,
        "category_groups": {"network": "network-ops", "database": "dba"},
        "version": 2,
    }

    # CATEGORY= takes a category out of the map.
    after = json_of(
        eventdesk("tenant", "update", "globex", "--category-group", "network=", "--json")
    )
    assert after["category_groups"] == {"database": "dba"}

    # Nothing changed: no new event.
    assert json_of(eventdesk("tenant", "update", "globex", "--weight", "4", "--json")) == after


def test_show_and_list_tenants(eventdesk, directory):
    shown = succeeded(eventdesk("tenant", "show", "globex")).stdout
    assert "Tenant globex" in shown
    assert "network=network-ops" in shown
    assert "60.00" in shown

    listed = json_of(eventdesk("tenant", "list", "--json"))
    assert [(t["name"], t["model"], t["teams"]) for t in listed] == [
        ("acme", "dedicated", ["acme-team"]),
        ("globex", "hybrid", ["globex-team"]),
        ("initech", "shared", []),
    ]
    table = succeeded(eventdesk("tenant", "list")).stdout
    assert "Tenants (3)" in table
    assert "madrid-office" in table


def test_coverage_follows_the_model_and_the_shift(eventdesk, directory):
    now = json_of(eventdesk("tenant", "coverage", "acme", "--json"))
    assert now == {
        "tenant": "acme",
        "at": "2026-03-02T09:00:00Z",
        "model": "dedicated",
        "teams": ["acme-team"],
        "agents": ["bruno"],
        "reason": "the dedicated team is on shift",
        "next_shift": None,
    }

    night = succeeded(eventdesk("tenant", "coverage", "acme", "--at", "2026-03-02T19:00Z"))
    assert night.stdout.splitlines() == [
        "acme (dedicated) at 2026-03-02T19:00:00Z: "
        "out of hours: waits for the dedicated team's next shift",
        "teams: —",
        "agents: —",
        "next shift: 2026-03-03T08:00:00Z",
    ]

    hybrid = json_of(
        eventdesk("tenant", "coverage", "globex", "--at", "2026-03-02T20:00:00+01:00", "--json")
    )
    assert (hybrid["teams"], hybrid["agents"]) == (["pool"], ["carla", "dmitri"])
    assert hybrid["reason"] == "out of the dedicated team's hours: the shared pool"


# --- teams and agents ----------------------------------------------------------


def test_teams(eventdesk, directory):
    shown = json_of(eventdesk("team", "show", "acme-team", "--json"))
    assert shown == {
        "name": "acme-team",
        "kind": "dedicated",
        "tenant": "acme",
        "skill_area": None,
        "calendar": "madrid-office",
        "supervisors": {"shift_manager": "lena"},
        "members": ["bruno"],
        "version": 1,
    }

    updated = json_of(
        eventdesk(
            "team",
            "update",
            "acme-team",
            *("--calendar", "24x7", "--director", "zoe", "--json"),
        )
    )
    assert updated["calendar"] == "24x7"
    assert updated["supervisors"] == {"shift_manager": "lena", "director": "zoe"}
    assert updated["version"] == 2

    line = succeeded(eventdesk("team", "update", "network-ops", "--team-manager", "ivo")).stdout
    assert line == "network-ops specialist (network) · calendar 24x7 · nadia\n"

    listed = json_of(eventdesk("team", "list", "--json"))
    assert [(t["name"], t["kind"]) for t in listed] == [
        ("acme-team", "dedicated"),
        ("globex-team", "dedicated"),
        ("network-ops", "specialist"),
        ("pool", "shared"),
    ]
    assert "Teams (4)" in succeeded(eventdesk("team", "list")).stdout
    assert "team_manager=omar" in succeeded(eventdesk("team", "show", "pool")).stdout


def test_agents(eventdesk, directory):
    added = json_of(
        eventdesk(
            "agent",
            "add",
            "erik",
            *("--team", "pool", "--team", "network-ops", "--skill", "Cisco", "--skill", "linux"),
            *("--language", "sv", "--location", "on_site", "--capacity", "chat=2", "--json"),
        )
    )
    assert added == {
        "name": "erik",
        "teams": ["pool", "network-ops"],
        "skills": ["cisco", "linux"],
        "languages": ["sv"],
        "location": "on_site",
        "presence": "offline",
        "capacity": {"voice": 1, "chat": 2, "email": 8, "other": 5},
        "load": {},
        "idle_since": None,
        "version": 1,
    }

    updated = json_of(
        eventdesk(
            "agent",
            "update",
            "erik",
            *("--team", "pool", "--language", "en", "--capacity", "email=4", "--json"),
        )
    )
    assert (updated["teams"], updated["skills"], updated["languages"]) == (
        ["pool"],
        ["cisco", "linux"],
        ["en"],
    )
    assert updated["capacity"] == {"voice": 1, "chat": 2, "email": 4, "other": 5}

    present = json_of(eventdesk("agent", "presence", "erik", "available", "--json"))
    assert (present["presence"], present["idle_since"]) == ("available", "2026-03-02T09:00:00Z")
    line = succeeded(eventdesk("agent", "presence", "erik", "busy")).stdout
    assert line == "erik busy · pool · skills cisco, linux · speaks en · on_site\n"

    assert json_of(eventdesk("agent", "show", "erik", "--json"))["presence"] == "busy"
    assert "email=4" in succeeded(eventdesk("agent", "show", "erik")).stdout
    pool = json_of(eventdesk("agent", "list", "--team", "pool", "--json"))
    assert [a["name"] for a in pool] == ["carla", "dmitri", "erik"]
    everyone = succeeded(eventdesk("agent", "list")).stdout
    assert "Agents (5)" in everyone
    assert "nadia" in everyone


# --- incidents, routing and the queue -------------------------------------------


def test_incidents_of_tenants_wait_then_are_routed(eventdesk, directory, clock):
    acme = open_for(eventdesk, "acme", "Printer jam", "--language", "es")
    assert (acme["tenant"], acme["assignee"]) == ("acme", None)
    open_for(eventdesk, "globex", "VPN down", "--category", "network", "--channel", "chat")
    open_for(eventdesk, "initech", "Password reset", "--skill", "sap")
    line = succeeded(
        eventdesk(
            "incident",
            "open",
            *("-s", "Mouse", "-i", "3", "-u", "3", "--tenant", "initech", "--channel", "SMS"),
        )
    ).stdout
    assert line == "INC0000004 new P5 for initech · unassigned · Mouse\n"

    waiting = json_of(eventdesk("route", "queue", "--json"))
    assert [(e["incident"], e["tenant"], e["channel"], e["position"]) for e in waiting] == [
        ("INC0000001", "acme", "email", 1),
        ("INC0000002", "globex", "chat", 1),
        ("INC0000003", "initech", "email", 1),
        ("INC0000004", "initech", "sms", 2),
    ]
    assert all(e["waiting_since"] == "2026-03-02T09:00:00Z" for e in waiting)
    assert [
        e["incident"] for e in json_of(eventdesk("route", "queue", "--tenant", "initech", "--json"))
    ] == [
        "INC0000003",
        "INC0000004",
    ]

    clock.advance(minutes=5)
    passed = succeeded(eventdesk("route", "run")).stdout.splitlines()
    assert passed[0] == (
        "INC0000001 acme → bruno (acme-team): the dedicated team is on shift; "
        "longest idle eligible agent in acme-team, idle 5 min"
    )
    assert passed[1].startswith("INC0000002 globex → carla (globex-team): ")
    assert passed[2] == (
        "INC0000003 initech waits: no available agent with email capacity, skill sap in pool"
    )
    assert passed[3].startswith("INC0000004 initech → dmitri (pool): ")
    assert passed[4] == "3 routed, 1 waiting."

    shown = json_of(eventdesk("incident", "show", "1", "--json"))
    assert (shown["assignment_group"], shown["assignee"]) == ("acme-team", "bruno")
    table = succeeded(eventdesk("route", "queue")).stdout
    assert "Waiting (1)" in table
    assert "INC0000003" in table

    again = json_of(eventdesk("route", "run", "--at", "2026-03-02T09:10Z", "--json"))
    assert again == [
        {
            "incident": "INC0000003",
            "tenant": "initech",
            "agent": None,
            "team": None,
            "reason": "no available agent with email capacity, skill sap in pool",
            "overflowed": False,
        }
    ]


def test_escalate_and_log_work(eventdesk, directory):
    number = open_for(eventdesk, "globex", "VPN down", "--category", "network")["number"]
    succeeded(eventdesk("route", "run"))

    # Without --group, the tenant's category map chooses the specialist group.
    escalated = json_of(eventdesk("incident", "escalate", number, "--json", actor="agent:carla"))
    assert (escalated["assignment_group"], escalated["assignee"]) == ("network-ops", None)
    assert escalated["reassignment_count"] == 1
    routed = json_of(eventdesk("route", "run", "--json"))
    assert [(d["agent"], d["team"]) for d in routed] == [("nadia", "network-ops")]

    worked = json_of(eventdesk("incident", "work", number, "45", "--json", actor="agent:nadia"))
    assert worked["work_minutes"] == 45
    line = succeeded(eventdesk("incident", "work", number, "15", actor="agent:nadia")).stdout
    assert line == "INC0000001 new P3 for globex · network-ops/nadia · VPN down\n"

    trail = json_of(eventdesk("incident", "history", number, "--json"))
    escalation = next(e for e in trail if e["type"] == "FunctionallyEscalated")
    assert escalation["actor"] == "carla"
    assert escalation["data"]["reason"] == "category network → network-ops"
    assert [e["data"]["minutes"] for e in trail if e["type"] == "WorkLogged"] == [45, 15]

    other = open_for(eventdesk, "initech", "Slow VPN")["number"]
    by_hand = json_of(
        eventdesk(
            "incident",
            "escalate",
            other,
            *("--group", "network-ops", "--reason", "tunnel flaps", "--json"),
        )
    )
    assert by_hand["assignment_group"] == "network-ops"


def test_list_by_tenant(eventdesk, directory):
    open_for(eventdesk, "acme", "Printer jam")
    open_for(eventdesk, "initech", "Password reset")
    succeeded(eventdesk("incident", "open", "-s", "Internal", "-i", "3", "-u", "3"))

    page = json_of(eventdesk("incident", "list", "--tenant", "initech", "--json"))
    assert [(i["number"], i["tenant"]) for i in page["items"]] == [("INC0000002", "initech")]
    table = succeeded(eventdesk("incident", "list")).stdout
    assert "tenant" in table
    assert "initech" in table


# --- access ----------------------------------------------------------------------


def test_an_agent_of_another_tenant_is_refused_in_one_line(eventdesk, directory):
    number = open_for(eventdesk, "acme", "Printer jam")["number"]

    # Fail to start an incident of a tenant the agent's teams do not serve.
    line = failed_in_one_line(eventdesk("incident", "start", number, actor="agent:dmitri"))
    assert line == (
        "Error: access denied: agent dmitri may not start INC0000001: "
        "dmitri's teams do not serve tenant acme"
    )
    # Fail to see it, its history or its clocks.
    for verb in ("show", "history", "sla"):
        failed_in_one_line(eventdesk("incident", verb, number, "--json", actor="agent:dmitri"))
    # Fail to list another tenant's incidents.
    failed_in_one_line(
        eventdesk("incident", "list", "--tenant", "acme", "--json", actor="agent:dmitri")
    )
    # Fail as an agent nobody registered.
    line = failed_in_one_line(eventdesk("incident", "show", number, actor="agent:x"))
    assert line.endswith("not a registered agent")

    assert json_of(eventdesk("incident", "show", number, "--json"))["state"] == "new"
    assert json_of(eventdesk("incident", "list", "--json", actor="agent:dmitri"))["total"] == 0
    assert json_of(eventdesk("incident", "show", number, "--json", actor="agent:bruno"))

    refused = json_of(eventdesk("access", "refusals", "--json"))
    assert [(r["actor"], r["actor_kind"], r["action"], r["incident"]) for r in refused] == [
        ("dmitri", "agent", "start", "INC0000001"),
        ("dmitri", "agent", "show", "INC0000001"),
        ("dmitri", "agent", "history", "INC0000001"),
        ("dmitri", "agent", "sla", "INC0000001"),
        ("dmitri", "agent", "list", None),
        ("x", "agent", "show", "INC0000001"),
    ]
    assert refused[0] == {
        "at": "2026-03-02T09:00:00Z",
        "actor": "dmitri",
        "actor_kind": "agent",
        "action": "start",
        "incident": "INC0000001",
        "tenant": "acme",
        "reason": "dmitri's teams do not serve tenant acme",
    }
    assert len(json_of(eventdesk("access", "refusals", "--limit", "2", "--json"))) == 2
    table = succeeded(eventdesk("access", "refusals")).stdout
    assert "Refused accesses (6)" in table
    assert "not a registered agent" in table


def test_a_tenant_user_sees_its_own_tenant_only(eventdesk, directory):
    own = open_for(eventdesk, "acme", "Printer jam", actor="user:pat@acme/acme")
    assert (own["tenant"], own["opened_by"]) == ("acme", "pat@acme")
    other = open_for(eventdesk, "initech", "Password reset")["number"]
    succeeded(eventdesk("incident", "comment", own["number"], "On it", "--internal"))

    page = json_of(eventdesk("incident", "list", "--json", actor="user:pat@acme/acme"))
    assert [i["number"] for i in page["items"]] == [own["number"]]
    shown = json_of(
        eventdesk("incident", "show", own["number"], "--json", actor="user:pat@acme/acme")
    )
    assert shown["comments"] == []
    # Fail to see another tenant's incident, or to work on one's own.
    line = failed_in_one_line(eventdesk("incident", "show", other, actor="user:pat@acme/acme"))
    assert "tenant user pat@acme of acme may not show INC0000002" in line
    failed_in_one_line(eventdesk("incident", "start", own["number"], actor="user:pat@acme/acme"))


def test_the_actor_may_be_an_administrator_or_a_bare_name(eventdesk, directory):
    number = open_for(eventdesk, "acme", "Printer jam", actor="admin:root")["number"]
    succeeded(eventdesk("incident", "start", number, actor="night-shift"))
    trail = json_of(eventdesk("incident", "history", number, "--json"))
    assert [e["actor"] for e in trail] == ["root", "night-shift"]


@pytest.mark.parametrize("actor", ["robot:x", "agent:", "user:pat", "user:/acme"])
def test_a_malformed_actor_is_a_usage_error(eventdesk, actor):
    # Fail to act as someone of no known kind.
    result = eventdesk("incident", "list", actor=actor)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert "agent:NAME, user:NAME/TENANT or admin:NAME" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_actor_may_come_from_the_environment(runner, db_path, directory):
    from eventdesk.cli import cli

    result = runner.invoke(
        cli,
        ["--db", db_path, "incident", "list", "--tenant", "acme"],
        env={"EVENTDESK_ACTOR": "agent:dmitri"},
    )
    failed_in_one_line(result)
    with ServiceDesk(db=db_path) as desk:
        assert [r.actor for r in desk.tenancy.refusals()] == ["dmitri"]


# --- errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["tenant", "add", "acme", "--model", "shared", "--manager", "x"], "exists already"),
        (["tenant", "add", "zz", "--model", "shared", "--manager", "x", "--weight", "0"], "weight"),
        (
            ["tenant", "add", "zz", "--model", "shared", "--manager", "x", "--hourly-rate", "-3"],
            "hourly rate",
        ),
        (
            ["tenant", "add", "zz", "--model", "shared", "--manager", "x", "--calendar", "nope"],
            "no calendar named 'nope'",
        ),
        (["tenant", "add", "zz", "--model", "shared", "--manager", " "], "service manager"),
        (["tenant", "update", "nope", "--weight", "2"], "no tenant named 'nope'"),
        (["tenant", "show", "nope", "--json"], "no tenant named 'nope'"),
        (["tenant", "coverage", "nope"], "no tenant named 'nope'"),
        (["team", "add", "t", "--kind", "dedicated"], "the tenant a dedicated team works for"),
        (["team", "add", "t", "--kind", "specialist"], "skill area"),
        (["team", "add", "pool", "--kind", "shared"], "a team named 'pool' exists already"),
        (["team", "update", "nope", "--director", "x"], "no team named 'nope'"),
        (["team", "show", "nope"], "no team named 'nope'"),
        (["agent", "add", "z", "--team", "nope"], "no team named 'nope'"),
        (["agent", "add", "z", "--team", "pool", "--capacity", "chat=lots"], "capacity for chat"),
        (["agent", "update", "nope", "--skill", "x"], "no agent named 'nope'"),
        (["agent", "presence", "nope", "busy"], "no agent named 'nope'"),
        (["agent", "show", "nope"], "no agent named 'nope'"),
        (["agent", "list", "--team", "nope"], "no team named 'nope'"),
        (["route", "queue", "--tenant", "nope"], "no tenant named 'nope'"),
        (
            ["incident", "open", "-s", "x", "-i", "2", "-u", "2", "--tenant", "nope"],
            "no tenant named 'nope'",
        ),
        (["incident", "escalate", "1"], "specialist group"),
        (["incident", "escalate", "1", "--group", "nope"], "no team named 'nope'"),
        (["incident", "work", "1", "0"], "minutes"),
        (["incident", "work", "99", "10"], "not found"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_refused_input_is_one_line(eventdesk, directory, args, expected):
    open_for(eventdesk, "initech", "Password reset")
    # Fail to do what the engine refuses.
    assert expected in failed_in_one_line(eventdesk(*args))


@pytest.mark.parametrize(
    "args",
    [
        ["tenant", "add", "zz", "--model", "bespoke", "--manager", "x"],
        ["tenant", "add", "zz", "--model", "shared"],
        ["tenant", "add", "zz", "--model", "shared", "--manager", "x", "--overflow-wait", "soon"],
        ["tenant", "add", "zz", "--model", "shared", "--manager", "x", "--overflow-wait", "90s"],
        ["tenant", "add", "zz", "--model", "shared", "--manager", "x", "--category-group", "net"],
        ["tenant", "add", "zz", "--model", "shared", "--manager", "x", "--weight", "heavy"],
        ["tenant", "coverage", "acme", "--at", "tonight"],
        ["team", "add", "t", "--kind", "tiger"],
        ["agent", "add", "z"],
        ["agent", "add", "z", "--team", "pool", "--location", "moon"],
        ["agent", "add", "z", "--team", "pool", "--capacity", "chat"],
        ["agent", "presence", "dmitri", "asleep"],
        ["route", "run", "--at", "yesterday"],
        ["access", "refusals", "--limit", "0"],
        ["incident", "work", "1", "lots"],
    ],
)
def test_misuse_is_a_usage_error(eventdesk, directory, args):
    # Fail to run a command given options it does not accept.
    result = eventdesk(*args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert "Error" in result.stderr
    assert "Traceback" not in result.stderr


# --- cost and advice ----------------------------------------------------------------------


def test_cost_of_a_month_under_each_tenants_model(eventdesk, directory):
    gateway = open_for(eventdesk, "globex", "Gateway down")["number"]
    succeeded(eventdesk("route", "run"))
    succeeded(eventdesk("incident", "work", gateway, "30", actor="agent:carla"))
    succeeded(
        eventdesk("incident", "escalate", gateway, "--group", "network-ops", actor="agent:carla")
    )
    succeeded(eventdesk("route", "run"))
    succeeded(eventdesk("incident", "work", gateway, "90", actor="agent:nadia"))

    globex = json_of(eventdesk("tenant", "cost", "globex", "--month", "2026-03", "--json"))
    # Hybrid: carla is the one dedicated resource (no monthly fee set: 0), and the
    # specialist's 1.5 h are billed at 60 an hour; carla's 0.5 h are her team's work.
    assert globex == {
        "tenant": "globex",
        "month": "2026-03",
        "model": "hybrid",
        "incidents": 1,
        "hours_dedicated": 0.5,
        "hours_shared": 0.0,
        "hours_specialist": 1.5,
        "dedicated_resources": 1,
        "fixed_fees": 0.0,
        "hourly_charges": 90.0,
        "total": 90.0,
    }
    acme = json_of(eventdesk("tenant", "cost", "acme", "--month", "2026-03", "--json"))
    assert (acme["model"], acme["dedicated_resources"], acme["total"]) == ("dedicated", 1, 4200.0)
    shown = succeeded(eventdesk("tenant", "cost", "globex", "--month", "2026-03")).stdout
    assert "Cost of globex for 2026-03" in shown
    assert "90.00" in shown
    # Fail to price a month that is not a month.
    assert "month" in failed_in_one_line(eventdesk("tenant", "cost", "globex", "--month", "March"))


def test_advice_recommends_a_model_and_says_why(eventdesk, directory):
    open_for(eventdesk, "initech", "Printer")
    advice = json_of(eventdesk("tenant", "advise", "initech", "--months", "3", "--json"))
    assert advice["recommended"] == "shared"
    # Only the months since the tenant was registered (this one) count.
    assert [m["month"] for m in advice["months"]] == ["2026-03"]
    assert [o["model"] for o in advice["options"]] == ["dedicated", "shared", "hybrid"]
    assert any("volume is low" in reason for reason in advice["reasons"])
    shown = succeeded(eventdesk("tenant", "advise", "initech", "--months", "3")).stdout
    assert "Recommended: shared" in shown


def test_only_administrators_change_the_directory_or_read_its_costs(eventdesk, directory):
    # Fail, as an agent, to add a tenant, to route, to read refusals or another tenant's cost.
    for args in (
        ("tenant", "add", "hooli", "--model", "shared", "--manager", "x"),
        ("route", "run"),
        ("access", "refusals"),
        ("tenant", "cost", "acme", "--month", "2026-03"),
    ):
        assert "access denied" in failed_in_one_line(eventdesk(*args, actor="agent:dmitri"))
    # Fail, as a tenant user, to read another tenant's coverage.
    line = failed_in_one_line(eventdesk("tenant", "coverage", "acme", actor="user:carla/globex"))
    assert "another tenant (acme)" in line
    # An agent sets its own presence, not a colleague's.
    succeeded(eventdesk("agent", "presence", "dmitri", "away", actor="agent:dmitri"))
    assert "access denied" in failed_in_one_line(
        eventdesk("agent", "presence", "bruno", "away", actor="agent:dmitri")
    )
    refused = json_of(eventdesk("access", "refusals", "--json"))
    assert [(r["actor"], r["action"]) for r in refused] == [
        ("dmitri", "register a tenant"),
        ("dmitri", "run routing"),
        ("dmitri", "read refusals"),
        ("dmitri", "read the cost of"),
        ("carla", "read coverage of"),
        ("dmitri", "set the presence of"),
    ]


def test_the_routing_worker_routes_as_work_arrives(eventdesk, directory):
    number = open_for(eventdesk, "initech", "Disk full")["number"]
    result = succeeded(eventdesk("route", "work", "--interval", "0.1", "--passes", "2"))
    routed = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["incident"], r["team"]) for r in routed] == [(number, "pool")]
    # Fail to run the worker as an agent.
    assert "access denied" in failed_in_one_line(
        eventdesk("route", "work", "--passes", "1", actor="agent:dmitri")
    )

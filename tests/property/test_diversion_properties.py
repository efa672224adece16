"""The minimum share of calls a tenant's own team answers (hypothesis).

- Over any sequence of calls, whatever their estimated waits and whether the pool is
  free, the team's share of the calls decided never drops below the rule's minimum when
  calls divert by wait (or by contingency).
- A call is diverted only when its wait is over the threshold (or in contingency).
- Through the real voice desk: any sequence of callers, answers and hang-ups leaves the
  team's share of the day's calls at or above the minimum.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from eventdesk import ManualClock, ServiceDesk
from eventdesk_voice import DiversionRule, ShareCount, decide, signature, voice
from hypothesis import given, settings
from hypothesis import strategies as st

rules = st.builds(
    DiversionRule,
    to=st.sampled_from(["pool", "+34910000099"]),
    wait_threshold_minutes=st.one_of(st.none(), st.integers(0, 30)),
    minimum_team_share=st.floats(0, 1, allow_nan=False),
)
calls = st.lists(st.tuples(st.integers(0, 60), st.booleans()), max_size=200)


@settings(max_examples=300, deadline=None)
@given(rule=rules, sequence=calls)
def test_the_team_never_falls_below_its_share(rule: DiversionRule, sequence: list) -> None:
    count = ShareCount()
    for wait, pool_free in sequence:
        verdict = decide(rule, wait, count, target_free=pool_free)
        if verdict.divert:
            threshold = rule.wait_threshold_minutes
            assert threshold is None or wait > threshold
        count = count.after(kept=not verdict.divert)
        assert count.share >= rule.minimum_team_share - 1e-9


SECRET = "the-line-and-the-desk-share-this"
IVR = """
[menus.main]
prompt = "Press 2 for the service desk."
[menus.main.choices]
"2" = { queue = "desk" }
[queues.desk]
team = "acme-desk"
[diversion]
wait_threshold_minutes = %d
to = "pool"
minimum_team_share = %s
"""

# call, answer (by the longest-waiting call's routed agent) or hang up the oldest call
actions = st.lists(st.sampled_from(["call", "call", "answer", "end"]), min_size=1, max_size=25)


@settings(max_examples=15, deadline=None)
@given(
    steps=actions,
    threshold=st.integers(0, 10),
    minimum=st.sampled_from(["0.0", "0.5", "0.6", "0.8", "1.0"]),
)
def test_the_voice_desk_keeps_the_team_share(
    tmp_path_factory, steps: list[str], threshold: int, minimum: str
) -> None:
    folder: Path = tmp_path_factory.mktemp("ivr")
    (folder / "ivr.toml").write_text(IVR % (threshold, minimum), encoding="utf-8")
    clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    with ServiceDesk(":memory:", clock=clock) as desk:
        t = desk.tenancy
        t.register_tenant("acme", model="hybrid", service_manager="sofia", hourly_rate=50)
        t.form_team("acme-desk", kind="dedicated", tenant="acme")
        t.form_team("pool", kind="shared")
        for name, team in [("lea", "acme-desk"), ("marc", "acme-desk"), ("omar", "pool")]:
            t.register_agent(name, teams=[team])
            t.set_presence(name, "available")
        desk.channels.configure(
            "voice", {"secret": SECRET, "tenant": "acme", "ivr": str(folder / "ivr.toml")}
        )
        line = voice(desk)

        def post(event: dict[str, str]) -> None:
            body = json.dumps(event).encode()
            line.receive(body, {"X-Voice-Signature": signature(SECRET, body)})

        for number, step in enumerate(steps):
            clock.advance(timedelta(seconds=30))
            live = [c for c in line.calls() if c.state in ("queued", "answered", "diverted")]
            if step == "call":
                call = f"c{number}"
                post({"call": call, "event": "offered", "from": f"+3460000{number:04d}"})
                line.next_step(call, "2")
            elif step == "answer":
                t.route()
                waiting = [c for c in live if c.state in ("queued", "diverted")]
                for c in waiting:
                    item = line._item("call", c.call)
                    if item is not None and item.agent:
                        post({"call": c.call, "event": "answered", "agent": item.agent})
                        break
            elif live:
                post({"call": live[0].call, "event": "ended"})
            count = line.share("acme")
            assert count.share >= float(minimum) - 1e-9

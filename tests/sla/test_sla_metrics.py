"""Each SLA metric's rules, told as short stories on the Incident aggregate and folded.

The policy gives every metric a target at P3, round the clock, and pauses on
the default hold reasons (awaiting the caller, awaiting a vendor). Each story
starts on Monday 2 March 2026 at 09:00 UTC.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from eventdesk.domain import HoldReason
from eventdesk.sla.policy import SlaPolicy, Target

from .story import HOUR, MINUTE, MONDAY_9, Story

EVERY_METRIC = Target(
    response=HOUR,
    resolution=16 * HOUR,
    next_reply=30 * MINUTE,
    periodic_update=2 * HOUR,
    requester_wait=8 * HOUR,
    agent_work=4 * HOUR,
)
DEEP = SlaPolicy(name="deep", targets={3: EVERY_METRIC})


def minutes(status_seconds: float) -> float:
    return status_seconds / 60


# --- responders --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "who"),
    [
        (Story.bot_says, "a bot"),
        (Story.system_says, "an automatic acknowledgement"),
        (Story.notes, "an internal work note"),
        (Story.customer_says, "the customer"),
    ],
)
def test_only_a_public_human_agent_message_meets_the_response(message, who) -> None:
    story = Story(DEEP).after(minutes=5)
    message(story)
    story.after(minutes=5)
    assert story.clock("response").state == "running", who
    assert story.clock("response").elapsed_seconds == 10 * 60

    story.agent_says()
    assert story.clock("response").state == "met"
    assert story.clock("response").stopped_at == MONDAY_9 + 10 * MINUTE


def test_neither_a_bot_nor_a_note_answers_a_customer_waiting_for_a_reply() -> None:
    story = Story(DEEP).after(minutes=5).agent_says().after(minutes=5).customer_says()
    story.after(minutes=5).bot_says().after(minutes=5).system_says().after(minutes=5).notes()
    assert story.clock("next_reply").state == "running"
    assert minutes(story.clock("next_reply").elapsed_seconds) == 15
    story.after(minutes=5).agent_says()
    assert story.clock("next_reply").state == "met"
    assert minutes(story.clock("next_reply").elapsed_seconds) == 20


# --- next reply ---------------------------------------------------------------------------


def test_next_reply_cycles_start_at_a_customer_message_once_the_first_response_was_given() -> None:
    story = Story(DEEP).after(minutes=10).customer_says("Hello? Anyone?")
    # Before the first response, a customer message is still waiting on the response clock.
    assert "next_reply" not in story.clocks()

    story.after(minutes=10).agent_says().after(minutes=10).customer_says("Still dropping")
    story.after(minutes=5).customer_says("Now it is down for good")  # the same cycle
    story.after(minutes=10)
    reply = story.clock("next_reply")
    assert (reply.clock, reply.cycle, reply.state) == ("next_reply#1", 1, "running")
    assert minutes(reply.elapsed_seconds) == 15
    assert reply.deadline == MONDAY_9 + 30 * MINUTE + 30 * MINUTE

    story.agent_says("Rebooting the concentrator").after(minutes=20).customer_says("Thanks!")
    story.after(minutes=45)
    reply = story.clock("next_reply")
    assert (reply.clock, reply.state) == ("next_reply#2", "breached")
    assert (reply.cycles_met, reply.cycles_breached) == (1, 1)
    assert reply.breached_at == MONDAY_9 + 65 * MINUTE + 30 * MINUTE


def test_a_next_reply_cycle_pauses_on_the_policys_holds_and_ends_with_the_incident() -> None:
    story = Story(DEEP).do("start").agent_says().after(minutes=10).customer_says()
    story.after(minutes=10).do("hold", "awaiting_vendor").after(hours=3).do("resume")
    story.after(minutes=5)
    assert minutes(story.clock("next_reply").elapsed_seconds) == 15
    story.do("resolve", "fixed")
    assert story.clock("next_reply").state == "met"

    cancelled = Story(DEEP).agent_says().after(minutes=5).customer_says().after(minutes=5)
    cancelled.do("cancel", "duplicate of INC0000007")
    assert cancelled.clock("next_reply").state == "cancelled"


def test_a_customer_message_on_a_resolved_incident_starts_no_cycle() -> None:
    story = Story(DEEP).agent_says().after(minutes=5).do("resolve", "fixed").after(minutes=5)
    story.customer_says("Thank you!").after(hours=1)
    assert "next_reply" not in story.clocks()


# --- periodic update ----------------------------------------------------------------------


def test_periodic_updates_run_from_one_public_agent_message_to_the_next() -> None:
    story = Story(DEEP).after(minutes=30)
    assert "periodic_update" not in story.clocks()  # until the first answer
    story.agent_says().after(hours=1, minutes=30).agent_says("Update: vendor engaged")
    story.after(hours=2, minutes=30)
    update = story.clock("periodic_update")
    assert (update.clock, update.state) == ("periodic_update#2", "breached")
    assert (update.cycles_met, update.cycles_breached) == (1, 1)
    story.notes().bot_says()  # neither is an update
    assert story.clock("periodic_update").clock == "periodic_update#2"


def test_periodic_updates_stop_at_resolution_and_restart_at_the_next_message_after_a_reopen():
    story = Story(DEEP).do("start").agent_says().after(minutes=40)
    story.do("hold", "awaiting_caller").after(hours=5).do("resume").after(minutes=20)
    assert minutes(story.clock("periodic_update").elapsed_seconds) == 60  # the hold paused it
    story.do("resolve", "fixed").after(hours=1).do("reopen", "again").after(hours=1)
    update = story.clock("periodic_update")
    assert (update.clock, update.state) == ("periodic_update#1", "met")
    story.agent_says("Looking again")
    update = story.clock("periodic_update")
    assert (update.clock, update.state, update.elapsed_seconds) == (
        "periodic_update#2",
        "running",
        0,
    )


# --- requester wait -----------------------------------------------------------------------


@pytest.mark.parametrize("pause_on", [set(), {HoldReason.AWAITING_VENDOR}, set(HoldReason)])
def test_requester_wait_pauses_only_while_the_desk_waits_on_the_customer(pause_on) -> None:
    policy = SlaPolicy(name="p", targets={3: EVERY_METRIC}, pause_on=pause_on)
    story = Story(policy).do("start").after(hours=1)
    story.do("hold", "awaiting_caller").after(hours=2).do("resume").after(hours=1)
    story.do("hold", "awaiting_vendor").after(hours=1).do("resume")
    story.do("hold", "awaiting_change").after(hours=1).do("resume")
    assert story.clock("requester_wait").elapsed_seconds == 4 * 3600  # all but the caller's


def test_requester_wait_stops_at_resolution_and_a_reopen_resumes_it() -> None:
    story = Story(DEEP).do("start").after(hours=2).do("resolve", "fixed").after(hours=10)
    assert story.clock("requester_wait").state == "met"
    story.do("reopen", "It dropped again").after(hours=7)
    wait = story.clock("requester_wait")
    assert (wait.state, wait.elapsed_seconds) == ("breached", 9 * 3600)
    assert wait.breached_at == MONDAY_9 + 18 * HOUR


# --- agent work ---------------------------------------------------------------------------


def test_agent_work_runs_only_while_new_or_in_progress() -> None:
    story = Story(DEEP).after(minutes=30).do("start").after(minutes=30)
    for reason in ("awaiting_caller", "awaiting_change", "awaiting_problem"):
        story.do("hold", reason).after(hours=1).do("resume").after(minutes=15)
    assert minutes(story.clock("agent_work").elapsed_seconds) == 60 + 45
    story.do("resolve", "fixed").after(hours=2).do("reopen", "no").after(minutes=10)
    work = story.clock("agent_work")
    assert (work.state, minutes(work.elapsed_seconds)) == ("running", 115)


# --- targets per priority ---------------------------------------------------------------


def test_a_policy_names_any_subset_of_metrics_per_priority() -> None:
    policy = SlaPolicy(
        name="chat-first",
        targets={
            3: Target(next_reply=10 * MINUTE, agent_work=2 * HOUR),
            2: Target(response=15 * MINUTE, resolution=8 * HOUR),
        },
    )
    story = Story(policy).agent_says().after(minutes=5).customer_says().after(minutes=5)
    assert list(story.clocks()) == ["next_reply", "agent_work"]
    story.do("reprioritise", impact=1, urgency=2, priority=2).after(minutes=1)
    # The response was answered at P3, which had no response target: a clock settled
    # without a target is not judged again at P2. The resolution clock starts counting now.
    assert [(s.metric, s.state) for s in story.fold().status(story.at)] == [
        ("resolution", "running")
    ]
    assert story.clock("resolution").elapsed_seconds == 60  # no target at P3: nothing counted


def test_each_cycle_and_hop_has_a_timer_of_its_own() -> None:
    story = Story(DEEP, group="first-line").do("start").agent_says().after(minutes=5)
    story.customer_says()
    timers = story.timers()
    assert timers["next_reply#1"] == (MONDAY_9 + 5 * MINUTE + 22.5 * MINUTE, "75%")
    assert timers["periodic_update#1"] == (MONDAY_9 + 90 * MINUTE, "75%")
    assert "response" not in timers  # met
    assert set(timers) == {
        "next_reply#1",
        "periodic_update#1",
        "requester_wait",
        "agent_work",
        "resolution",
    }  # no OLA for first-line, no waiting limit in this policy: no timers for them


def test_a_warning_raised_on_a_cycle_is_known_to_that_cycle_only() -> None:
    story = Story(DEEP).agent_says().after(minutes=5).customer_says().after(minutes=25)
    story.raised("next_reply#1", "75%").agent_says().after(minutes=5).customer_says()
    story.after(minutes=1)
    fold = story.fold()
    assert fold.by_name["next_reply#1"].raised == ["75%"]
    assert fold.by_name["next_reply#2"].raised == []
    assert story.clock("next_reply").raised == ()
    timers = story.timers()
    assert timers["next_reply#2"][1] == "75%"
    assert "next_reply#1" not in timers


def test_time_without_a_target_does_not_count_but_hops_always_do() -> None:
    policy = SlaPolicy(name="p1-only", targets={1: Target(HOUR, 4 * HOUR)})
    story = Story(policy, group="network").after(hours=2)
    assert story.clocks() == {}
    [hop] = story.hops()
    assert (hop.group, hop.business_seconds, hop.target_seconds, hop.state) == (
        "network",
        2 * 3600,
        None,
        "running",
    )
    story.do("reprioritise", impact=1, urgency=1, priority=1).after(minutes=30)
    assert story.clock("response").elapsed_seconds == 30 * 60
    assert story.clock("response").deadline == story.at + 30 * MINUTE


def test_no_policy_means_no_clocks_and_no_timers() -> None:
    story = Story(None, group="network").agent_says().after(hours=5)
    assert story.clocks() == {}
    assert story.timers() == {}
    assert story.hops()[0].business_seconds == 5 * 3600  # still attributed


def test_the_status_lists_the_metrics_in_a_fixed_order() -> None:
    story = Story(DEEP).agent_says().after(minutes=1).customer_says().after(minutes=1)
    assert [s.metric for s in story.fold().status(story.at)] == [
        "response",
        "next_reply",
        "periodic_update",
        "requester_wait",
        "agent_work",
        "resolution",
    ]
    assert story.clock("response").clock == "response"
    assert story.clock("response").cycle is None


def test_a_clock_paused_when_it_starts_waits_for_the_resume() -> None:
    story = Story(DEEP).do("start").agent_says().do("hold", "awaiting_caller")
    story.after(minutes=1).customer_says("Here is the log you asked for").after(hours=1)
    reply = story.clock("next_reply")
    assert (reply.state, reply.elapsed_seconds, reply.deadline) == ("paused", 0, None)
    story.do("resume").after(minutes=10)
    assert story.clock("next_reply").elapsed_seconds == 600
    assert story.clock("next_reply").deadline == story.at + timedelta(minutes=20)


def test_attainment_counts_each_cycle_of_a_cyclic_metric(desk, clock) -> None:
    desk.sla.import_policy(DEEP)
    number = desk.open_incident("VPN drops", impact=2, urgency=2, caller="carla").number
    clock.advance(minutes=5)
    desk.comment(number, "We are on it", actor="bo")
    for answered_after in (10, 40, 10):  # minutes; the next reply is due within 30
        clock.advance(minutes=5)
        desk.comment(number, "Any news?", actor="carla")
        clock.advance(minutes=answered_after)
        desk.comment(number, "Here is where we are", actor="bo")

    [row] = desk.sla.attainment(DEEP)
    assert (row.priority, row.incidents) == (3, 1)
    assert (row.met["next_reply"], row.breached["next_reply"]) == (2, 1)
    assert row.met["periodic_update"] == 3  # the fourth update still runs
    assert row.response_met == 1
    data = row.to_dict()
    assert data["next_reply_percent"] == 66.7
    assert list(data)[:4] == ["priority", "incidents", "response_met", "response_breached"]

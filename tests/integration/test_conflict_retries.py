"""Commands safe to retry are retried after a conflict; the others fail with a named error."""

from __future__ import annotations

from datetime import datetime

import pytest
from eventdesk import ConcurrencyConflictError, ManualClock
from eventdesk.retry import ConflictRetriesExhaustedError, RetryPolicy


class ColleagueOnEveryRead:
    """A clock that lets a colleague change the incident in the middle of every command."""

    def __init__(self, clock: ManualClock, colleague) -> None:
        self.clock, self.colleague, self.busy = clock, colleague, False

    def now(self) -> datetime:
        if not self.busy:
            self.busy = True
            try:
                self.colleague()
            finally:
                self.busy = False
        return self.clock.now()


def test_a_comment_that_lost_a_race_is_retried_on_a_fresh_read(desk, interleaving):
    number = desk.open_incident("Mail server down", impact=2, urgency=2).number

    interleaving.meanwhile(lambda: desk.assign(number, "network", "bob", actor="lead"))
    view = desk.comment(number, "Looking into it", actor="ana")

    assert view.version == 3
    assert [e.type for e in desk.history(number)] == ["Opened", "Assigned", "Commented"]
    assert desk.conflicts.to_dict() == {"conflicts": 1, "retries": 1, "exhausted": 0}


def test_a_set_operation_retried_applies_the_rules_to_what_it_finds(desk, interleaving):
    number = desk.open_incident("Mail server down", impact=3, urgency=3).number

    interleaving.meanwhile(lambda: desk.cancel(number, "duplicate", actor="lead"))
    # Fail to reprioritise: on the fresh read the incident is cancelled, a rule refuses it.
    with pytest.raises(Exception) as refused:
        desk.reprioritise(number, impact=1, urgency=1, actor="ana")
    assert type(refused.value).__name__ == "IncidentClosedError"
    assert desk.get_incident(number).priority == 5
    assert desk.conflicts.retries == 1


def test_a_command_given_an_expected_version_is_never_retried(desk, interleaving):
    number = desk.open_incident("Mail server down", impact=2, urgency=2).number

    interleaving.meanwhile(lambda: desk.assign(number, "network", actor="lead"))
    # Fail to comment on version 1, which the caller asked for: it is version 2 now.
    with pytest.raises(ConcurrencyConflictError) as caught:
        desk.comment(number, "Looking into it", actor="ana", expected_version=1)
    assert not isinstance(caught.value, ConflictRetriesExhaustedError)
    assert desk.conflicts.to_dict() == {"conflicts": 1, "retries": 0, "exhausted": 0}


def test_a_transition_is_not_retried(desk, interleaving):
    number = desk.open_incident("Mail server down", impact=2, urgency=2).number

    interleaving.meanwhile(lambda: desk.comment(number, "Still down", actor="lead"))
    # Fail to start: starting is a decision on what ana saw, which has changed.
    with pytest.raises(ConcurrencyConflictError):
        desk.start(number, actor="ana")
    assert desk.conflicts.to_dict() == {"conflicts": 1, "retries": 0, "exhausted": 0}


def test_retries_are_bounded(desk, clock):
    number = desk.open_incident("Mail server down", impact=2, urgency=2).number
    desk.retry_policy = RetryPolicy(attempts=3, base_delay=0.0, max_delay=0.0)
    desk.clock = ColleagueOnEveryRead(
        clock, lambda: desk.categorise(number, category="network", actor="lead")
    )

    # Fail to log work: a colleague wins the race every time, and the desk gives up.
    with pytest.raises(ConflictRetriesExhaustedError) as caught:
        desk.log_work(number, 15, actor="ana")
    assert caught.value.details["attempts"] == 3
    assert "gave up after 3 attempts" in str(caught.value)
    assert desk.conflicts.to_dict() == {"conflicts": 3, "retries": 2, "exhausted": 1}
    assert "WorkLogged" not in [e.type for e in desk.history(number)]


def test_the_pause_before_each_retry_grows_and_is_capped():
    policy = RetryPolicy(attempts=5, base_delay=0.001, max_delay=0.004)
    assert [policy.longest_pause(n) for n in range(1, 5)] == [0.002, 0.004, 0.004, 0.004]

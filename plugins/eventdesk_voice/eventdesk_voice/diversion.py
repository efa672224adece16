"""Call diversion: when a call leaves the tenant's own team, and the minimum share it keeps.

Pure: a rule, the day's count of calls the team kept, and the estimated wait of
the queue the caller chose decide whether the call queues for the team or is
diverted (to the shared pool or to an external number). A diversion that would
leave the team fewer than ``minimum_team_share`` of the calls decided so far is
refused, and the call queues: so, over any sequence of calls, the team's share
never drops below the minimum.
"""

from __future__ import annotations

import attrs


@attrs.frozen
class DiversionRule:
    """When calls divert, and where to.

    ``wait_threshold_minutes``: divert when the estimated wait is over it (None:
    divert every call the minimum share allows, as in contingency); ``to``: a
    team (the shared pool) or an E.164 number; ``minimum_team_share``: the share
    of calls (0 to 1) that the tenant's own team must answer.
    """

    to: str
    wait_threshold_minutes: float | None = None
    minimum_team_share: float = 0.0

    @property
    def to_number(self) -> bool:
        """Whether calls divert to an external number (else to a team)."""
        return self.to.startswith("+")


@attrs.frozen
class ShareCount:
    """Calls decided for a tenant (in a day), and how many its own team kept."""

    decided: int = 0
    kept: int = 0

    @property
    def share(self) -> float:
        """The team's share of the calls decided (1 before any)."""
        return self.kept / self.decided if self.decided else 1.0

    def after(self, *, kept: bool) -> ShareCount:
        return ShareCount(self.decided + 1, self.kept + (1 if kept else 0))

    def may_divert(self, minimum: float) -> bool:
        """Whether one more call may leave the team with its share still at the minimum."""
        return self.kept >= minimum * (self.decided + 1) - 1e-9


@attrs.frozen
class Verdict:
    """Divert or queue, and why."""

    divert: bool
    reason: str


def decide(
    rule: DiversionRule | None,
    estimated_wait_minutes: int,
    count: ShareCount,
    *,
    target_free: bool = True,
) -> Verdict:
    """Whether a call diverts under ``rule``, given its queue's estimated wait and the
    team's count of calls so far. ``target_free`` says whether the team it would
    divert to has anybody free (a number outside is always taken as free).

    >>> rule = DiversionRule("pool", wait_threshold_minutes=5, minimum_team_share=0.6)
    >>> decide(rule, 12, ShareCount(decided=4, kept=4)).reason
    'estimated wait 12 min is over 5 min: diverted to pool'
    >>> print(decide(rule, 12, ShareCount(decided=4, kept=2)).reason)
    estimated wait 12 min is over 5 min, but the team must answer at least 60% of calls
    (diverting would leave it 2 of 5): queued for the team
    >>> decide(rule, 3, ShareCount()).divert
    False
    """
    if rule is None:
        return Verdict(False, "no diversion rule: queued for the team")
    if rule.wait_threshold_minutes is None:
        why = "contingency"
    elif estimated_wait_minutes > rule.wait_threshold_minutes:
        threshold = rule.wait_threshold_minutes
        why = f"estimated wait {estimated_wait_minutes} min is over {threshold:g} min"
    else:
        return Verdict(
            False,
            f"estimated wait {estimated_wait_minutes} min is within "
            f"{rule.wait_threshold_minutes:g} min: queued for the team",
        )
    if not target_free and not rule.to_number:
        return Verdict(False, f"{why}, but nobody in {rule.to} is free: queued for the team")
    if not count.may_divert(rule.minimum_team_share):
        return Verdict(
            False,
            f"{why}, but the team must answer at least {rule.minimum_team_share:.0%} of calls "
            f"(diverting would leave it {count.kept} of {count.decided + 1}): queued for the team",
        )
    return Verdict(True, f"{why}: diverted to {rule.to}")

"""Every channel's payloads, fuzzed through the one intake pipeline.

For each channel (``boundaries.CHANNELS``), hypothesis breaks a good payload
— values replaced, removed or added; bytes cut, flipped, inserted; header lines
mangled; plain noise — signs it validly, stale, wrongly or not at all, and
hands it to ``desk.intake.receive``. Whatever it is:

- nothing raises;
- a refused message has a reason and a dead letter that reads back the same;
- a payload refused whole records its dead letters and nothing else (events
  counted before and after);

and once the budget is spent, every read model equals the one rebuilt from
the events. The figures reached are printed in the run's summary.
"""

from __future__ import annotations

import pytest
from eventdesk import ServiceDesk
from eventdesk.clock import ManualClock
from hypothesis import given
from hypothesis import strategies as st

from .boundaries import CHANNELS, directory
from .harness import (
    assert_read_models_equal_a_rebuild,
    assert_refusal_kept,
    budget,
    count_results,
    figures,
)
from .mutations import HEADERS, payloads

SIGNINGS = ("valid", "stale", "wrong", "none")


def test_every_registered_channel_is_fuzzed(desk: ServiceDesk) -> None:
    """A channel a plugin registers and this harness does not know fails here."""
    assert set(desk.channels.names()) <= set(CHANNELS)


def _headers(boundary, payload: bytes, signing: str, now: int, noise: dict[str, str]):
    headers = {**boundary.headers, **noise}
    if boundary.sign is None or signing == "none":
        return headers
    if signing == "valid":
        return {**headers, **boundary.sign(payload, now)}
    if signing == "stale":
        return {**headers, **boundary.sign(payload, now - 3600)}
    return {**headers, **boundary.sign(payload + b"tampered", now)}


@pytest.mark.fuzz
@pytest.mark.parametrize("channel", sorted(CHANNELS))
def test_fuzzed_payloads_are_taken_or_dead_lettered(
    desk: ServiceDesk, clock: ManualClock, channel: str
) -> None:
    boundary = CHANNELS[channel]
    directory(desk)
    counted = figures(f"fuzz channel {channel}")
    now = int(clock.now().timestamp())
    seed = desk.intake.receive(
        channel, boundary.seed, _headers(boundary, boundary.seed, "valid", now, {})
    )
    assert all(r.taken for r in seed) == boundary.seed_taken, seed

    @budget()
    @given(
        payload=payloads(boundary.seed, is_json=boundary.json),
        signing=st.sampled_from(SIGNINGS),
        noise=st.one_of(st.just({}), HEADERS),
    )
    def one(payload: bytes, signing: str, noise: dict[str, str]) -> None:
        now = int(clock.now().timestamp())
        headers = _headers(boundary, payload, signing, now, noise)
        before = desk.projector.head()
        results = desk.intake.receive(channel, payload, headers)
        assert results, "every payload has at least one result"
        count_results(counted, results)
        assert_refusal_kept(desk, before, results)

    one()
    counted["events replayed by the rebuild"] = assert_read_models_equal_a_rebuild(desk)
    assert counted["payloads tried"] >= 1
    assert counted["channel defects"] == 0, "a parser raised instead of refusing with a reason"

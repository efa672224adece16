"""Signed channels: constant-time checks, and replays refused by a timestamp window.

- Every channel that checks a signature does so with ``hmac.compare_digest``
  (through ``eventdesk.channels.signing`` or directly): a test reads each
  ``verify`` and fails on one that does not.
- A header that is not ASCII is refused as not matching (``compare_digest`` on
  text raises TypeError for it: the checks compare bytes).
- The SMS, voice and webhook channels take ``t=<unix>,sha256=<hex>`` signatures;
  one whose timestamp is further than ``signature_window`` seconds (default
  300) from the desk's clock is refused, and a changed timestamp breaks the
  signature. ``require_timestamp = true`` refuses the untimestamped form.
"""

from __future__ import annotations

import inspect
from datetime import timedelta

import pytest
from eventdesk import InvalidValueError, ServiceDesk
from eventdesk.channels.signing import SIGNATURE_WINDOW
from eventdesk.clock import ManualClock
from eventdesk.plugins import get_channels

from .boundaries import CHANNELS, directory
from .harness import figures

TIMESTAMPED = ("sms", "voice", "webhook")


def test_every_signature_check_is_constant_time() -> None:
    """Each channel whose ``verify`` is its own compares with hmac.compare_digest."""
    from eventdesk.channels import Channel

    checked = []
    for name, factory in get_channels().items():
        if factory.verify is Channel.verify:
            continue
        source = inspect.getsource(factory.verify)
        module = inspect.getsource(inspect.getmodule(factory))
        assert "verify_signed" in source or "compare_digest" in source + module, name
        assert " == signature(" not in module and "!= signature(" not in module, name
        checked.append(name)
    assert set(checked) >= {"sms", "voice", "webhook", "whatsapp"}
    figures("signatures")["channels audited for constant-time checks"] = len(checked)


@pytest.fixture
def ready(desk: ServiceDesk) -> ServiceDesk:
    directory(desk)
    return desk


def _post(desk: ServiceDesk, channel: str, headers: dict[str, str]):
    [result] = desk.intake.receive(channel, CHANNELS[channel].seed, headers)
    figures("signatures")["signed requests tried"] += 1
    if not result.taken:
        figures("signatures")["refused"] += 1
    return result


@pytest.mark.parametrize("channel", sorted(name for name, b in CHANNELS.items() if b.sign))
def test_a_header_that_is_not_ascii_is_refused_not_a_crash(ready, channel):
    header = next(iter(CHANNELS[channel].sign(b"", 0)))
    result = _post(ready, channel, {header: "sha256=é" + "0" * 63})
    assert result.status == "unauthenticated"
    assert "does not match" in result.reason


@pytest.mark.parametrize("channel", TIMESTAMPED)
def test_a_replay_outside_the_window_is_refused(ready, clock: ManualClock, channel):
    boundary = CHANNELS[channel]
    sent_at = int(clock.now().timestamp())
    headers = boundary.sign(boundary.seed, sent_at)
    clock.advance(timedelta(seconds=SIGNATURE_WINDOW + 1))
    late = _post(ready, channel, headers)
    assert late.status == "unauthenticated"
    assert f"outside the window of {SIGNATURE_WINDOW} s" in late.reason
    # From the future too (a skewed or forged clock), and with a changed timestamp.
    ahead = boundary.sign(boundary.seed, int(clock.now().timestamp()) + SIGNATURE_WINDOW + 1)
    assert "outside the window" in _post(ready, channel, ahead).reason
    [(name, value)] = boundary.sign(boundary.seed, sent_at).items()
    moved = value.replace(f"t={sent_at}", f"t={int(clock.now().timestamp())}")
    assert "does not match" in _post(ready, channel, {name: moved}).reason
    # Within the window it is taken (or refused only by the business rule: the webhook's).
    fresh = _post(ready, channel, boundary.sign(boundary.seed, int(clock.now().timestamp()) - 60))
    assert fresh.status != "unauthenticated", fresh


@pytest.mark.parametrize("channel", TIMESTAMPED)
def test_the_window_is_a_setting_and_the_timestamp_can_be_required(ready, clock, channel):
    boundary = CHANNELS[channel]
    ready.channels.configure(
        channel, {**boundary.settings, "signature_window": 30, "require_timestamp": True}
    )
    now = int(clock.now().timestamp())
    assert (
        "outside the window of 30 s"
        in _post(ready, channel, boundary.sign(boundary.seed, now - 31)).reason
    )
    [(name, _)] = boundary.sign(boundary.seed, now).items()
    untimestamped = {name: boundary.sign(boundary.seed, now)[name].split(",", 1)[1]}
    refused = _post(ready, channel, untimestamped)
    assert refused.status == "unauthenticated"
    assert refused.reason.endswith("must carry a timestamp: t=<unix seconds>,sha256=<hex>")
    with pytest.raises(InvalidValueError, match="signature_window"):
        ready.channels.configure(channel, {**boundary.settings, "signature_window": 0})

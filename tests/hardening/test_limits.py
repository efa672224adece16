"""Oversized payloads and bombs are refused, on every channel, with the documented limit.

Each refusal is a dead letter whose reason names the limit; the store keeps at
most what the limits allow (an oversized payload's first 64 KiB, headers
clipped), and nothing else is recorded. docs/intake.md lists the limits.
"""

from __future__ import annotations

import json

import pytest
from eventdesk import ServiceDesk
from eventdesk.channels.json_body import JSON_DEPTH_MAX
from eventdesk.clock import ManualClock
from eventdesk.intake.limits import HEADER_MAX, HEADERS_MAX
from eventdesk.intake.service import KEPT_OF_OVERSIZED
from eventdesk_email.parsing import MAX_DEPTH, MAX_PARTS
from eventdesk_web import ATTACHMENT_SIZE_MAX, ATTACHMENTS_MAX

from .boundaries import CHANNELS, directory
from .harness import figures

SMALL_LIMIT = 64 * 1024 + 10


def _refused(desk: ServiceDesk, clock: ManualClock, channel: str, payload: bytes, extra=None):
    boundary = CHANNELS[channel]
    headers = dict(boundary.headers)
    if boundary.sign is not None:
        headers.update(boundary.sign(payload, int(clock.now().timestamp())))
    headers.update(extra or {})
    before = desk.projector.head()
    [result] = desk.intake.receive(channel, payload, headers)
    assert not result.taken, result
    assert desk.projector.head() - before == 1  # its dead letter, and nothing else
    figures(f"limits {channel}")["bombs refused"] += 1
    return result, desk.dead_letters.show(result.dead_letter)


@pytest.fixture
def ready(desk: ServiceDesk) -> ServiceDesk:
    directory(desk)
    return desk


@pytest.mark.parametrize("channel", sorted(CHANNELS))
def test_an_oversized_payload_is_refused_and_only_its_start_kept(ready, clock, channel):
    ready.intake.max_payload = SMALL_LIMIT
    payload = CHANNELS[channel].seed + b" " * SMALL_LIMIT
    result, letter = _refused(ready, clock, channel, payload)
    assert result.reason == (
        f"payload of {len(payload)} bytes is over the limit of {SMALL_LIMIT} bytes"
    )
    assert letter.size == len(payload)
    assert len(letter.payload) == KEPT_OF_OVERSIZED


JSON_CHANNELS = sorted(name for name, boundary in CHANNELS.items() if boundary.json)


@pytest.mark.parametrize("channel", JSON_CHANNELS)
def test_deeply_nested_json_is_refused_before_it_is_parsed(ready, clock, channel):
    seed = json.loads(CHANNELS[channel].seed)
    nested = json.dumps({**seed, "text": 0})[:-1] + ', "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    result, _ = _refused(ready, clock, channel, nested.encode())
    assert f"nested more than {JSON_DEPTH_MAX} levels deep" in result.reason


@pytest.mark.parametrize("channel", sorted(CHANNELS))
def test_too_many_or_too_long_headers_are_refused_and_clipped(ready, clock, channel):
    many = {f"x-h{n}": "v" for n in range(HEADERS_MAX + 1)}
    result, letter = _refused(ready, clock, channel, CHANNELS[channel].seed, many)
    assert result.reason.endswith(f"headers: at most {HEADERS_MAX}")
    assert len(letter.headers) <= HEADERS_MAX
    huge = {"x-huge": "h" * (HEADER_MAX * 100)}
    result, letter = _refused(ready, clock, channel, CHANNELS[channel].seed, huge)
    assert (
        result.reason == f"header 'x-huge' has {HEADER_MAX * 100} characters: at most {HEADER_MAX}"
    )
    assert len(letter.headers["x-huge"]) == HEADER_MAX


def _multipart(parts: int) -> bytes:
    body = [
        "From: ana.lopez@acme.example",
        "To: support@desk.example",
        "Subject: many parts",
        "Message-ID: <bomb@acme.example>",
        "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="b"',
        "",
    ]
    for n in range(parts):
        body += ["--b", "Content-Type: text/plain", "", f"part {n}"]
    return "\n".join([*body, "--b--", ""]).encode()


def _nested(depth: int) -> bytes:
    head = [
        "From: ana.lopez@acme.example",
        "To: support@desk.example",
        "Subject: nested",
        "Message-ID: <nested@acme.example>",
        "MIME-Version: 1.0",
    ]
    lines = [f'Content-Type: multipart/mixed; boundary="b{d}"\n\n--b{d}' for d in range(depth)]
    tail = "\n".join(f"--b{d}--" for d in reversed(range(depth)))
    return (
        "\n".join(head) + "\n" + "\n".join(lines) + "\nContent-Type: text/plain\n\nhi\n" + tail
    ).encode()


def test_a_mime_bomb_of_many_parts_is_refused(ready, clock):
    [taken] = ready.intake.receive("email", _multipart(MAX_PARTS - 10), {})
    assert taken.taken, taken
    result, _ = _refused(ready, clock, "email", _multipart(MAX_PARTS + 1))
    assert result.reason == f"the message has more than {MAX_PARTS} MIME parts"


def test_mime_nested_too_deep_is_refused(ready, clock):
    result, _ = _refused(ready, clock, "email", _nested(MAX_DEPTH + 5))
    assert "nested" in result.reason


def _form(**fields) -> bytes:
    return json.dumps({**json.loads(CHANNELS["web"].seed), **fields}).encode()


def test_a_form_with_too_many_or_too_large_attachments_is_refused(ready, clock):
    many = [{"name": f"f{n}.png", "content_type": "image/png", "size": 1} for n in range(21)]
    assert len(many) == ATTACHMENTS_MAX + 1
    result, _ = _refused(ready, clock, "web", _form(attachments=many))
    assert result.reason == f"field 'attachments': 21 attachments, at most {ATTACHMENTS_MAX}"
    huge = [{"name": "x.iso", "content_type": "application/octet-stream", "size": 10**18}]
    result, _ = _refused(ready, clock, "web", _form(attachments=huge))
    assert result.reason == (
        f"field 'attachments[0]': a size of {10**18} bytes, at most {ATTACHMENT_SIZE_MAX}"
    )

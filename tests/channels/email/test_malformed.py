"""Malformed email never crashes the channel: every one is refused with PayloadError and a
reason that says what is wrong (which the intake pipeline keeps with the dead letter).

The corpus is the hand-made messages of malformed/ and at least 150 more that
hypothesis makes by breaking good mail in every way malformed.py knows.
"""

from __future__ import annotations

import re

import pytest
from eventdesk.channels.base import Ignored, InboundMessage, PayloadError
from eventdesk_email import EmailChannel
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import DESK_ADDRESS, MALFORMED, corpus
from .malformed import PERSON_MAIL, Malformed, malformed_emails

HAND_MADE = {
    "bad_base64_attachment.eml": "damaged MIME structure: bad base64: characters outside the "
    "base64 alphabet",
    "bad_base64_characters.eml": "damaged MIME structure: bad base64: characters outside the "
    "base64 alphabet",
    "bad_base64_length.eml": "damaged MIME structure: bad base64: a length no base64 text can have",
    "bad_base64_padding.eml": "damaged MIME structure: bad base64: wrong padding",
    "binary_garbage.eml": r"the header block is broken: '\x00\x01\x02\x03\x04\x05\x06\x07\x08\t' "
    "is not a header line",
    "blank_lines_only.eml": "an empty message",
    "continuation_first.eml": "the header block starts with a continuation line",
    "empty.eml": "an empty message",
    "from_angle_garbage.eml": "no sender address: From '<<<@@@>>>' holds no valid address",
    "from_group_only.eml": "no sender address: From 'undisclosed-recipients:;' holds no valid "
    "address",
    "from_name_only.eml": "no sender address: From 'Customer Support Team' holds no valid address",
    "from_no_domain_dot.eml": "no sender address: From 'Ana <ana@localhost>' holds no valid "
    "address",
    "from_unreadable.eml": "no sender address: From '<' cannot be read",
    "from_two_at_signs.eml": "no sender address: From 'ana@@acme.example' holds no valid address",
    "http_request.eml": "the header block is broken: 'POST /channels/email/inbound HTTP/1.1' "
    "is not a header line",
    "huge_references_line.eml": "header line 6 is 4101 characters long; RFC 5322 allows 998",
    "huge_subject_line.eml": "header line 2 is 5609 characters long; RFC 5322 allows 998",
    "json_document.eml": "no sender address: the message has no From header",
    "mbox_separator_only.eml": "no sender address: the message has no From header",
    "multipart_without_boundary.eml": "damaged MIME structure: a multipart part declares no "
    "boundary",
    "multipart_without_parts.eml": "damaged MIME structure: a multipart part's boundary never "
    "appears",
    "nested_too_deep.eml": "MIME parts are nested more than 30 deep",
    "no_from.eml": "no sender address: the message has no From header",
    "png_image.eml": "the header block is broken: '\ufffdPNG' is not a header line",
    "stray_line_in_headers.eml": "the header block is broken: 'this line is not a header' is not "
    "a header line",
    "too_many_parts.eml": "the message has more than 500 MIME parts",
    "truncated_multipart.eml": "damaged MIME structure: a multipart part ends without its "
    "closing boundary (the message is cut short)",
    "utf16_message.eml": "the header block is broken: ",
    "wrong_boundary.eml": "damaged MIME structure: a multipart part's boundary never appears",
}
GENERATED = 150


@pytest.fixture(scope="module")
def channel() -> EmailChannel:
    return EmailChannel({"address": DESK_ADDRESS})


def refusal(channel: EmailChannel, raw: bytes) -> str:
    """The reason the channel refuses a payload (the test fails if it takes or ignores it)."""
    try:
        results = channel.parse(raw, {})
    except PayloadError as error:
        assert error.reason.strip(), "a refusal says why"
        assert "\n" not in error.reason
        return error.reason
    pytest.fail(f"taken instead of refused: {results!r}")


def test_every_hand_made_malformed_email_is_listed() -> None:
    assert sorted(path.name for path in MALFORMED.glob("*.eml")) == sorted(HAND_MADE)


@pytest.mark.parametrize("name", sorted(HAND_MADE))
def test_a_hand_made_malformed_email_is_refused_with_its_reason(
    channel: EmailChannel, name: str
) -> None:
    reason = refusal(channel, (MALFORMED / name).read_bytes())
    if HAND_MADE[name].endswith(": "):
        assert reason.startswith(HAND_MADE[name])
    else:
        assert reason == HAND_MADE[name]


def test_generated_malformed_email_is_refused_with_a_reason_of_its_kind(
    channel: EmailChannel,
) -> None:
    seen: dict[bytes, str] = {}

    @settings(
        max_examples=GENERATED * 2,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(malformed_emails())
    def refused_with_its_reason(example: Malformed) -> None:
        reason = refusal(channel, example.raw)
        assert re.match(example.reason_pattern, reason), (example.kind, reason)
        seen[example.raw] = example.kind

    refused_with_its_reason()
    assert len(seen) >= GENERATED, f"only {len(seen)} distinct malformed emails were generated"
    assert set(seen.values()) == {
        "truncated",
        "boundary",
        "base64",
        "long header",
        "stray line",
        "broken header",
        "no sender",
        "garbage",
    }


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """Good mail with a few bytes replaced, inserted or deleted anywhere: often still good,
    sometimes broken, never a reason to crash."""
    raw = bytearray(corpus(draw(st.sampled_from(PERSON_MAIL))))
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        at = draw(st.integers(min_value=0, max_value=len(raw) - 1))
        action = draw(st.sampled_from(["replace", "insert", "delete"]))
        byte = draw(st.sampled_from(b'\x00\r\n\t :;<>@=?"-\xff\x80abc'))
        if action == "replace":
            raw[at] = byte
        elif action == "insert":
            raw.insert(at, byte)
        else:
            del raw[at]
    return bytes(raw)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_mail_is_read_ignored_or_refused_and_nothing_else(raw: bytes) -> None:
    channel = EmailChannel({"address": DESK_ADDRESS})
    try:
        results = channel.parse(raw, {})
    except PayloadError as error:
        assert error.reason.strip()
    else:
        assert len(results) == 1
        assert isinstance(results[0], InboundMessage | Ignored)

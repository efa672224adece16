"""A corpus of malformed posts to the web channel, through a real server: every one is
answered 400 with the reason, and kept whole as a dead letter; none opens an incident.

The hand-made corpus covers what people and programs get wrong; hypothesis adds posts
that are malformed by construction (random bytes that are no JSON object, JSON that is
no object, and valid posts with exactly one thing broken).
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
VALID = {"email": "ana@acme.example", "text": "The printer is on fire"}
TEXT_FIELDS = ("email", "name", "subject", "text", "incident", "message_id", "phone", "tenant")
KNOWN = (*TEXT_FIELDS, "attachments")
BROWSER_FORMS = (FORM, "multipart/form-data")


def j(value) -> tuple[bytes, str]:
    return json.dumps(value).encode(), JSON


def form(fields) -> tuple[bytes, str]:
    return urlencode(fields).encode(), FORM


CORPUS: list[tuple[bytes, str]] = [
    # Not JSON at all.
    (b"", JSON),
    (b" ", JSON),
    (b"{", JSON),
    (b"}", JSON),
    (b'{"email": "ana@acme.example", "text": "x"', JSON),
    (b"{'email': 'ana@acme.example', 'text': 'x'}", JSON),
    (b'{"email": "ana@acme.example", "text": "x",}', JSON),
    (b'{email: "ana@acme.example"}', JSON),
    (b'{"email": "ana@acme.example" "text": "x"}', JSON),
    (b'{"email": "ana@acme.example", "text": "x"} trailing', JSON),
    (b'{"text": "unterminated}', JSON),
    (b'{"text": "bad \\x escape", "email": "ana@acme.example"}', JSON),
    (b'{"email": NaN, "text": "x"}', JSON),
    (b'{"email": Infinity, "text": "x"}', JSON),
    (b"\xff\xfe\x00{", JSON),
    (b'{"email": "ana@acme.example", "text": "caf\xe9"}', JSON),
    (b"[" * 50_000, JSON),
    (b"<html><body>hello</body></html>", JSON),
    (b"email=ana@acme.example&text=x", JSON),
    # JSON, but not an object.
    j([]),
    j([VALID]),
    j("ana@acme.example"),
    j(42),
    j(None),
    j(True),
    # An object, but not a post.
    j({}),
    j({"text": "x"}),
    j({"email": "ana@acme.example"}),
    j({"email": None, "text": "x"}),
    j({"email": "", "text": "x"}),
    j({"email": "ana@acme.example", "text": "   "}),
    j({"email": "not an address", "text": "x"}),
    j({"email": "ana@acme", "text": "x"}),
    j({"email": ["ana@acme.example"], "text": "x"}),
    j({"email": "ana@acme.example", "text": 42}),
    j({"email": "ana@acme.example", "text": {"body": "x"}}),
    j({**VALID, "text": "x" * 4001}),
    j({**VALID, "subject": "s" * 201}),
    j({**VALID, "name": "n" * 201}),
    j({**VALID, "name": False}),
    j({**VALID, "phone": "not a phone"}),
    j({**VALID, "phone": 34600123456}),
    j({**VALID, "incident": "yesterday's"}),
    j({**VALID, "incident": 42}),
    j({**VALID, "tenant": ["acme"]}),
    j({**VALID, "message_id": "m" * 201}),
    j({**VALID, "priority": 1}),
    j({**VALID, "attachments": {"name": "a.png"}}),
    j({**VALID, "attachments": [{"name": "a.png", "content_type": "image/png"}]}),
    j({**VALID, "attachments": [{"name": "a.png", "content_type": "image/png", "size": "1kB"}]}),
    j({**VALID, "attachments": [{"name": "a", "content_type": "b", "size": 1, "bytes": "…"}]}),
    j({**VALID, "attachments": [{"name": "a", "content_type": "b", "size": 1}] * 21}),
    j({**VALID, "tenant": "nobody-registered-this"}),
    (b'{"email": "ana@acme.example", "text": "a", "text": "b"}', JSON),
    # Forms.
    form({"email": "ana@acme.example"}),
    form({"text": "x"}),
    form({**VALID, "colour": "red"}),
    form({**VALID, "attachments": "a.png"}),
    form({**VALID, "email": "ana"}),
    form({**VALID, "text": "x" * 4001}),
    (b"email=ana%40acme.example&email=bob%40acme.example&text=x", FORM),
    (b"email=ana%40acme.example&text", FORM),
    (b"email=%ff%fe&text=x", FORM),
    (b"&&&", FORM),
    # What the channel does not take.
    (b"<post><email>ana@acme.example</email></post>", "application/xml"),
    (b"--b\r\nContent-Disposition: form-data; name=email\r\n\r\nx\r\n--b--", "multipart/form-data"),
    (json.dumps(VALID).encode(), "text/plain"),
]


def test_the_corpus_is_big_enough():
    assert len(CORPUS) >= 60
    assert len(set(CORPUS)) == len(CORPUS)


def test_every_malformed_post_of_the_corpus_is_400_and_kept(desk, server):
    for body, content_type in CORPUS:
        answer = server.request(
            "POST", "/channels/web/inbound", body=body, headers={"Content-Type": content_type}
        )
        assert answer.status == 400, ((body[:80], content_type), answer)
        if content_type.startswith(BROWSER_FORMS):  # a browser is answered a page
            assert "<h1>Your message could not be taken</h1>" in answer.text
            continue
        error = answer.json()
        [result] = error["results"]
        assert (error["type"], result["status"]) == ("DeadLetter", "dead_letter")
        assert error["error"] == result["reason"] and result["reason"]
        letter = desk.dead_letters.show(result["dead_letter"])
        assert (letter.channel, letter.payload, letter.reason, letter.state) == (
            "web",
            body,
            result["reason"],
            "open",
        )

    kept = desk.dead_letters.list(limit=1000)
    assert len(kept) == len(CORPUS)
    assert sorted(desk.dead_letters.show(s.id).payload for s in kept) == sorted(
        body for body, _ in CORPUS
    )
    assert desk.list_incidents().total == 0
    assert desk.contacts.list() == []


# --- generated -------------------------------------------------------------------------------


def _is_json_object(body: bytes) -> bool:
    try:
        return isinstance(json.loads(body), dict)
    except ValueError:
        return False


not_text = st.one_of(
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)


@st.composite
def broken_posts(draw) -> tuple[bytes, str]:
    """A post malformed by construction: one of several ways to get it wrong."""
    kind = draw(
        st.sampled_from(
            ["bytes", "not an object", "missing", "wrong type", "unknown", "too long", "address"]
        )
    )
    post = dict(VALID)
    if kind == "bytes":
        body = draw(st.binary(max_size=300).filter(lambda b: not _is_json_object(b)))
        return body, JSON
    if kind == "not an object":
        value = draw(json_values.filter(lambda v: not isinstance(v, dict)))
        return json.dumps(value).encode(), JSON
    if kind == "missing":
        del post[draw(st.sampled_from(["email", "text"]))]
    elif kind == "wrong type":
        post[draw(st.sampled_from(TEXT_FIELDS))] = draw(not_text)
    elif kind == "unknown":
        post[draw(st.text(min_size=1, max_size=20).filter(lambda k: k not in KNOWN))] = "x"
    elif kind == "too long":
        post["text"] = draw(st.text(alphabet="abc é", min_size=4001, max_size=5000))
        if not post["text"].strip() or len(post["text"].strip()) <= 4000:
            post["text"] = "x" * 4001
    else:
        post["email"] = draw(st.text(max_size=30).filter(lambda t: "@" not in t))
    if kind != "wrong type" and draw(st.booleans()):
        return urlencode(post).encode(), FORM
    return json.dumps(post).encode(), JSON


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(post=broken_posts())
def test_every_generated_malformed_post_is_400_and_kept(desk, server, post):
    body, content_type = post
    before = {letter.id for letter in desk.dead_letters.list(limit=10_000)}
    answer = server.request(
        "POST", "/channels/web/inbound", body=body, headers={"Content-Type": content_type}
    )
    assert answer.status == 400, (post, answer)
    [new] = {letter.id for letter in desk.dead_letters.list(limit=10_000)} - before
    letter = desk.dead_letters.show(new)
    assert (letter.channel, letter.payload) == ("web", body)
    assert letter.reason
    assert desk.list_incidents().total == 0

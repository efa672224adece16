"""The fast reading of From (eventdesk_email.from_header) agrees with the standard library.

Wherever ``simple_from`` gives an answer it must be the library's: the address and
display name that ``email.policy.default`` parses. Checked on the corpus, on a list of
shapes chosen to sit on the edges, and on generated headers.
"""

from __future__ import annotations

from email.headerregistry import Address, HeaderRegistry
from email.policy import default

import pytest
from eventdesk_email.from_header import simple_from
from hypothesis import given, settings
from hypothesis import strategies as st

from .conftest import CORPUS

REGISTRY = HeaderRegistry()


def library(value: str) -> tuple[str, str] | None:
    """The first address of the header and its display name, as the library reads them."""
    try:
        addresses = REGISTRY("From", value).addresses
    except Exception:
        return None
    if not addresses:
        return None
    first = addresses[0]
    return first.addr_spec, " ".join(first.display_name.split())


def corpus_froms() -> list[str]:
    froms = []
    for path in sorted(CORPUS.glob("*.eml")):
        for line in path.read_bytes().decode("ascii", "replace").splitlines():
            if line.lower().startswith("from:"):
                froms.append(line.split(":", 1)[1].strip())
                break
    return froms


EDGES = [
    "Lena Fischer <lena.fischer@acme.example>",
    "Peter O'Neill <peter.oneill@acme.example>",
    "John Q. Public <jqp@acme.example>",
    "=?utf-8?B?SsO2cmcgTcO8bGxlcg==?= <joerg.mueller@acme.example>",
    "=?ISO-8859-1?Q?Jos=E9_Mar=EDa?= =?UTF-8?Q?_N=C3=BA=C3=B1ez?= <jose@acme.example>",
    "=?iso-2022-jp?b?GyRCOzNFREJATzobKEI=?= <taro.yamada@acme.example>",
    "support@desk.example",
    "  spaced   name   <a.b@c.example>  ",
    "<only.address@acme.example>",
    '"Doe, Jane" <jane@acme.example>',
    "MAILER-DAEMON@mx.acme.example (Mail Delivery System)",
    "a@b.example, c@d.example",
    "Group: a@b.example;",
    "=?utf-8?q?bad?= plain <mixed@acme.example>",
    "Customer =?utf-8?q?N=C3=BAmero?= 1 <customer1@acme.example>",
    "=?utf-8?q?a?= =?utf-8?q?b?= c =?iso-8859-1?q?d=E9?= <abcd@acme.example>",
    "=?unknown-charset?q?x?= <u@acme.example>",
    "=?utf-8?q?line=0Abreak?= <lb@acme.example>",
    "name <no-domain@localhost>",
    "name <user@@acme.example>",
]


@pytest.mark.parametrize("value", EDGES + corpus_froms())
def test_where_the_fast_reading_answers_it_is_the_librarys(value: str) -> None:
    fast = simple_from(value)
    if fast is not None:
        address, name = fast
        assert (address, " ".join(name.split())) == library(value)


def test_it_answers_for_the_usual_shapes() -> None:
    answered = [value for value in EDGES[:9] if simple_from(value) is not None]
    assert len(answered) == 9  # the common shapes take the fast way


names = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=20
)
locals_ = st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,10}[a-z0-9]", fullmatch=True)


@settings(max_examples=50, deadline=None)
@given(name=names, local=locals_, charset=st.sampled_from(["utf-8", "iso-8859-1"]))
def test_generated_names_encoded_or_not(name: str, local: str, charset: str) -> None:
    try:
        header = REGISTRY("From", [Address(name, addr_spec=f"{local}@acme.example")])
        folded = header.fold(policy=default.clone(max_line_length=998)).split(":", 1)[1]
    except Exception:
        return  # a name the library cannot write is not a case to compare
    value = folded.replace("\r\n", "").replace("\n", "").strip()
    fast = simple_from(value)
    if fast is not None:
        assert (fast[0], " ".join(fast[1].split())) == library(value)

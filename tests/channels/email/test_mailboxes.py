"""Reading a Maildir and an mbox: new messages once, marked seen only after intake took
them, the bytes exactly as the mail server delivered them."""

from __future__ import annotations

import mailbox
import os
from pathlib import Path

import pytest
from eventdesk.errors import InvalidValueError
from eventdesk_email.mailboxes import fetch_maildir, fetch_mbox

from .conftest import corpus

MESSAGES = ["multipart_alternative.eml", "iso_8859_1.eml", "attachments.eml"]


@pytest.fixture
def maildir(tmp_path: Path) -> Path:
    folder = tmp_path / "Maildir"
    box = mailbox.Maildir(folder)
    for name in MESSAGES:
        box.add(corpus(name))
    return folder


def test_a_maildir_gives_each_new_message_byte_for_byte(maildir: Path) -> None:
    fetched = [raw for _, raw in fetch_maildir(maildir)]
    assert sorted(fetched) == sorted(corpus(name) for name in MESSAGES)


def test_a_message_is_marked_seen_once_the_next_one_is_asked_for(maildir: Path) -> None:
    messages = fetch_maildir(maildir)
    first_key, _ = next(messages)
    assert (maildir / "new" / first_key).exists()  # intake has not finished with it yet
    next(messages)
    assert not (maildir / "new" / first_key).exists()
    assert (maildir / "cur" / f"{first_key}:2,S").exists()
    assert mailbox.Maildir(maildir).get_message(first_key).get_flags() == "S"


def test_a_message_intake_failed_on_stays_new(maildir: Path) -> None:
    class IntakeFailed(Exception):
        pass

    with pytest.raises(IntakeFailed):
        for _key, _raw in fetch_maildir(maildir):
            raise IntakeFailed
    assert len(os.listdir(maildir / "new")) == len(MESSAGES)
    assert len(list(fetch_maildir(maildir))) == len(MESSAGES)


def test_seen_messages_are_not_fetched_again(maildir: Path) -> None:
    assert len(list(fetch_maildir(maildir))) == len(MESSAGES)
    assert list(fetch_maildir(maildir)) == []
    assert len(os.listdir(maildir / "cur")) == len(MESSAGES)
    mailbox.Maildir(maildir).add(corpus("base64_body.eml"))
    assert [raw for _, raw in fetch_maildir(maildir)] == [corpus("base64_body.eml")]


def test_an_mbox_gives_every_message_every_time(tmp_path: Path) -> None:
    path = tmp_path / "inbox.mbox"
    box = mailbox.mbox(path)
    for name in MESSAGES:
        box.add(corpus(name))
    box.close()
    first = list(fetch_mbox(path))
    assert [position for position, _ in first] == [0, 1, 2]
    for (_, raw), name in zip(first, MESSAGES, strict=True):
        # mbox stores LF line ends; the message is otherwise the same.
        assert raw.replace(b"\r\n", b"\n") == corpus(name).replace(b"\r\n", b"\n")
    assert list(fetch_mbox(path)) == first


def test_a_folder_that_is_not_a_maildir_is_refused(tmp_path: Path) -> None:
    # Fail to read an ordinary folder as a Maildir
    with pytest.raises(InvalidValueError, match="no new/ there"):
        list(fetch_maildir(tmp_path))


def test_a_missing_mbox_is_refused(tmp_path: Path) -> None:
    # Fail to read an mbox that does not exist
    with pytest.raises(InvalidValueError, match="an mbox file that exists"):
        list(fetch_mbox(tmp_path / "nowhere.mbox"))

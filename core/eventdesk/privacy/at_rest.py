"""Encryption at rest of the whole event store, with the ``eventsourcing`` library's cipher.

Set ``EVENTDESK_CIPHER_KEY`` to a base64 AES key (16, 24 or 32 bytes; make one with
``eventdesk keys new-cipher-key``) and every event's state is sealed with AES-GCM
(``eventsourcing.cryptography:AESCipher``, from the ``cryptography`` package) before
it reaches the database. Without the key the store cannot be read at all; with a
wrong key reading fails. This is on top of the per-contact sealing of personal
fields, which is always on.
"""

from __future__ import annotations

import os

from eventsourcing.cryptography import AESCipher

ENV_VAR = "EVENTDESK_CIPHER_KEY"
CIPHER_TOPIC = "eventsourcing.cryptography:AESCipher"


def store_cipher_env(key: str | None = None) -> dict[str, str]:
    """The ``eventsourcing`` settings that seal the whole store, if a key is set."""
    key = key or os.environ.get(ENV_VAR)
    if not key:
        return {}
    return {"CIPHER_TOPIC": CIPHER_TOPIC, "CIPHER_KEY": key}


def new_cipher_key() -> str:
    """A fresh 256-bit key, base64, for ``EVENTDESK_CIPHER_KEY``."""
    return AESCipher.create_key(32)

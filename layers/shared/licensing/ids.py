"""Sortable identifiers (ULID layout: 48-bit millisecond time + 80 random bits, Crockford base32)."""

from __future__ import annotations

import secrets
import time

from licensing.keys import ALPHABET


def _encode(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        value, index = divmod(value, 32)
        chars.append(ALPHABET[index])
    return "".join(reversed(chars))


def ulid() -> str:
    return _encode(time.time_ns() // 1_000_000, 10) + _encode(secrets.randbits(80), 16)


def new_id(prefix: str) -> str:
    """E.g. `ord_01JDZ...`: the prefix names the entity, the ULID sorts by creation time."""
    return f"{prefix}_{ulid()}"

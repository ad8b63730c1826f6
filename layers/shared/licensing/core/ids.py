"""Sortable identifiers (ULID layout: 48-bit millisecond time + 80 random bits) in Crockford base32, the
alphabet license keys and API key secrets use too."""

from __future__ import annotations

import secrets
import time

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # no I, L, O or U: nothing to misread


def _encode(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        value, index = divmod(value, 32)
        chars.append(CROCKFORD[index])
    return "".join(reversed(chars))


def ulid() -> str:
    return _encode(time.time_ns() // 1_000_000, 10) + _encode(secrets.randbits(80), 16)


def plausible(identifier: str) -> bool:
    """Could this be one of our ids? Longer or odd values are refused before they reach a DynamoDB key
    (whose 2 KB limit would otherwise turn a silly path into a 500)."""
    return 0 < len(identifier) <= 128 and identifier.isascii() and identifier.isprintable()


def new_id(prefix: str) -> str:
    """E.g. `ord_01JDZ...`: the prefix names the entity, the ULID sorts by creation time."""
    return f"{prefix}_{ulid()}"

"""Opaque list cursors: DynamoDB's LastEvaluatedKey, bound to the query and partition that produced it.

A cursor is only accepted for the same query (fingerprint) and inside the partition the caller may
read, so a forged or swapped cursor can neither reveal another partner's data nor change the filters;
its key must have exactly the attributes of a key of the table or index, or DynamoDB refuses the query.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from licensing.core.errors import InvalidCursor

VERSION = 1
PATTERN = r"^[A-Za-z0-9_-]+$"  # what `encode` gives (unpadded URL-safe base64); `decode` refuses the rest


def fingerprint(**query: Any) -> str:
    """A short digest of everything that shapes a list (its filters, order, page size, owner)."""
    canonical = json.dumps(query, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def encode(last_key: dict[str, Any] | None, fingerprint: str) -> str | None:
    if not last_key:
        return None
    raw = json.dumps({"v": VERSION, "q": fingerprint, "k": last_key}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: str | None, fingerprint: str, *, partition: dict[str, str]) -> dict[str, Any] | None:
    """The LastEvaluatedKey to resume from, or None to start; `partition` names the key attributes
    (e.g. {"PK": "LICENSE#..."}) whose values the cursor must carry unchanged."""
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursor("The cursor is malformed; start again without it.") from None
    if not isinstance(data, dict) or data.get("v") != VERSION or data.get("q") != fingerprint:
        raise InvalidCursor("The cursor belongs to another query; start again without it.")
    key = data.get("k")
    if not isinstance(key, dict) or not all(isinstance(v, dict) and set(v) == {"S"} for v in key.values()):
        raise InvalidCursor("The cursor is malformed; start again without it.")
    if any(key.get(name) != {"S": value} for name, value in partition.items()):
        raise InvalidCursor("The cursor belongs to another query; start again without it.")
    if partition and set(key) != key_names(partition):
        raise InvalidCursor("The cursor is malformed; start again without it.")
    return key


def key_names(partition: dict[str, str]) -> set[str]:
    """The attributes of a LastEvaluatedKey in the table (partition "PK") or in an index ("GSI<n>PK"): the
    table's key, plus the index's. DynamoDB refuses an ExclusiveStartKey with any other set."""
    names = {"PK", "SK"}
    for name in partition:
        names |= {name, name.removesuffix("PK") + "SK"}
    return names

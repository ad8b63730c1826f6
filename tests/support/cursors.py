"""Cursors tampered with: a real `next_cursor` whose DynamoDB key is changed but whose query and partition
still match, so only the engine can tell that it is not a key of the table or index."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any


def _decode(cursor: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    return data


def _encode(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def tampered(cursor: str, *, keep: str) -> Iterator[str]:
    """The cursor without each key attribute but `keep` (the partition), and with an attribute added."""
    data = _decode(cursor)
    key = data["k"]
    for name in sorted(set(key) - {keep}):
        yield _encode({**data, "k": {n: v for n, v in key.items() if n != name}})
    yield _encode({**data, "k": {**key, "note": {"S": "x"}}})

"""The wildcard search partners type: case-insensitive, `*` any run of characters, `?` one character,
matching anywhere inside a field (as if surrounded by `*`), so a plain word is a substring match."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from licensing.core.errors import ValidationFailed

MAX_QUERY = 100
QUERY_PATTERN = "^[^\\u0000-\\u001f\\u007f]*$"  # what `matcher` takes: no control characters


def comma_list_pattern(allowed: tuple[str, ...]) -> str:
    """What `choices` accepts, as a regular expression for the OpenAPI document and the models."""
    item = rf"\s*(|{'|'.join(allowed)})\s*"
    return rf"^{item}(,{item})*$"


def one_of(allowed: tuple[str, ...]) -> str:
    """One of `allowed`, or empty for the default, as a regular expression."""
    return rf"^({'|'.join(allowed)})?$"


def matcher(query: str) -> Callable[[Iterable[str | None]], bool]:
    """A predicate over a record's searchable fields: True if any field matches the pattern."""
    if len(query) > MAX_QUERY:
        raise ValidationFailed(
            f"q: at most {MAX_QUERY} characters", errors=[{"field": "query.q", "message": "too long"}]
        )
    if any(ord(c) < 32 or ord(c) == 127 for c in query):
        raise ValidationFailed(
            "q: control characters are not allowed", errors=[{"field": "query.q", "message": "control"}]
        )
    pattern = re.compile(
        "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in query), re.I | re.S
    )

    def matches(fields: Iterable[str | None]) -> bool:
        return any(field is not None and pattern.search(field) for field in fields)

    return matches


def key_variants(key: str) -> tuple[str, str]:
    """A license key as stored and as typed without dashes, so either form matches."""
    return key, key.replace("-", "")


def choices(name: str, raw: str | None, allowed: tuple[str, ...]) -> list[str]:
    """A comma list from the query string, every value one of `allowed`."""
    values = [v.strip() for v in (raw or "").split(",") if v.strip()]
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise invalid(name, f"unknown {', '.join(unknown)}; use {', '.join(allowed)}")
    return values


def invalid(name: str, message: str) -> ValidationFailed:
    """A 400 problem naming the query parameter."""
    return ValidationFailed(f"{name}: {message}", errors=[{"field": f"query.{name}", "message": message}])

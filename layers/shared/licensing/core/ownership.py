"""A partner sees only its own items: another partner's license or order is as unknown as a missing one,
so a guessed key or id never reveals that it exists (404, never 403)."""

from __future__ import annotations

from typing import Protocol, TypeVar

from licensing.core.errors import NotFound


class Owned(Protocol):
    @property
    def partner_id(self) -> str | None: ...


OwnedT = TypeVar("OwnedT", bound=Owned)


def owned_by(partner_id: str, item: OwnedT | None, missing: NotFound) -> OwnedT:
    """`item` when it exists and belongs to `partner_id`; otherwise raise `missing`."""
    if item is None or item.partner_id != partner_id:
        raise missing
    return item

"""Who made a change, as a license's history and an order record it: a partner's person (`user`, by
Cognito `sub`, with the e-mail at the time), an API key (`api_key`, by key id), the vendor's operators
(`admin`), or the system itself (`system`: an order's fulfilment, the client software's activation, the
payment provider, the sweeper), named by what acted."""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

ActorType = Literal["user", "api_key", "admin", "system"]


class Actor(NamedTuple):
    type: ActorType
    id: str
    email: str | None = None

    def as_dict(self) -> dict[str, str]:
        found = {"type": self.type, "id": self.id}
        return found | ({"email": self.email} if self.email else {})

    @classmethod
    def from_dict(cls, value: dict[str, Any]) -> Actor:
        return cls(value["type"], value["id"], value.get("email") or None)


ADMIN = Actor("admin", "admin")


def system(name: str) -> Actor:
    """The system acting on its own, e.g. `system("order:ord_...")` or `system("client:<workspace>")`."""
    return Actor("system", name)


def from_legacy(value: str) -> Actor:
    """The actor a history entry written before actors had types recorded as a string: `partner:<id>`
    (then always an API key, whose id was not kept), or `client:...`, `order:...`, `vendor`, ..."""
    kind, _, rest = value.partition(":")
    if kind == "partner" and rest:
        return Actor("api_key", value)
    if kind == "admin":
        return ADMIN
    return system(value)

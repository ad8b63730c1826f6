"""What each role at a partner may do. A route declares the role it needs (`licensing.http.contract.
operation(role=...)`); the resolver refuses a partner's person or key whose role does not grant it.

owner: everything, plus people and API keys. purchaser: buy, renew, migrate, assign, claim, notes,
offers, discount requests. billing: orders, statements, usage, reminder settings. read_only: every GET.
"""

from __future__ import annotations

from typing import Literal, get_args

PartnerRole = Literal["owner", "purchaser", "billing", "read_only"]
PARTNER_ROLES: tuple[PartnerRole, ...] = get_args(PartnerRole)
# Who else a route may be for: the vendor's operators, a distributor, the payment provider, anyone.
RequiredRole = Literal[PartnerRole, "admin", "distributor", "payment_provider", "public"]
REQUIRED_ROLES: tuple[str, ...] = (*PARTNER_ROLES, "admin", "distributor", "payment_provider", "public")

# Keys issued before roles existed act as purchasers, the role they had in all but name.
DEFAULT_KEY_ROLE: PartnerRole = "purchaser"

GRANTS: dict[str, frozenset[str]] = {
    "owner": frozenset(PARTNER_ROLES),
    "purchaser": frozenset({"purchaser", "read_only"}),
    "billing": frozenset({"billing", "read_only"}),
    "read_only": frozenset({"read_only"}),
}


def grants(role: str | None, required: str) -> bool:
    """Whether a partner's `role` may call a route that needs `required` (a partner role)."""
    return required in GRANTS.get(role or "", frozenset())


def is_partner_role(value: str | None) -> bool:
    return value in PARTNER_ROLES

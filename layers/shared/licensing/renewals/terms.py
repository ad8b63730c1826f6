"""What a paid renewal buys (pure rules over the catalog): the edition, the license's own or one on its
upgrade path, and its price at the partner's discount."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from licensing.catalog.catalog import Catalog
from licensing.catalog.pricing import Quote, quote
from licensing.renewals.errors import InvalidMigration

if TYPE_CHECKING:
    from licensing.store.table import LicenseItem


def upgrade_path(catalog: Catalog, product_id: str) -> list[str]:
    """Every edition reachable from `product_id` through `upgrades_to`, nearest first."""
    path: list[str] = []
    frontier = list(catalog.product(product_id).upgrades_to)
    while frontier:
        target = frontier.pop(0)
        if target not in path and target != product_id:
            path.append(target)
            frontier.extend(catalog.product(target).upgrades_to)
    return path


def target_product(catalog: Catalog, license: LicenseItem, migrate_to: str | None) -> str:
    """The edition a renewal buys: the license's own, or a valid migration target."""
    if migrate_to is None:
        return str(license.product)
    allowed = upgrade_path(catalog, license.product)
    if migrate_to not in allowed:
        choices = ", ".join(allowed) or "none"
        raise InvalidMigration(
            f"A {license.product} license can migrate to: {choices}; not to '{migrate_to}'.",
            allowed=allowed,
        )
    return migrate_to


def renewal_quote(
    catalog: Catalog, *, currency: str, partner_discount: Decimal, product_id: str, devices: int, years: int
) -> Quote:
    """One license's renewal at the partner's discount (a renewal is never a volume order)."""
    return quote(
        catalog,
        product_id=product_id,
        devices=devices,
        years=years,
        licenses=1,
        currency=currency,
        partner_discount=partner_discount,
    )

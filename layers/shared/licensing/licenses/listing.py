"""Listing, searching and grouping a partner's licenses (the CSV export pages through the same).

Two ways to read, both over GSI2's compact rows:
- a page in purchase order without `q` or `group_by` is one Query of the partner's partition;
- a search, a grouping or another sort reads the whole partition (a few MB for 50,000 licenses) and
  filters, groups, sorts and pages in memory; its cursor is an offset bound to the query.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from licensing.core import cursors
from licensing.core.errors import InvalidCursor
from licensing.core.search import choices, invalid, key_variants, matcher
from licensing.licenses import repository as license_repo
from licensing.licenses.lifecycle import LicenseStatus, status_of
from licensing.store.table import LicenseItem

STATUSES = tuple(status.value for status in LicenseStatus)
VIEWS = {"activated": ("active", "expired"), "coupons": ("unused",)}
SORTS = ("purchased_at", "expires_at", "activation_deadline", "activated_at")
GROUPS = ("product", "status", "devices", "term_months")
FULL_READ_PAGE = 10_000  # a Limit above what 1 MB holds: DynamoDB's size cap ends each page, fewer calls
FILTERED_PAGE = 250  # rows one Query examines for a filtered page in purchase order


class LicenseQuery(NamedTuple):
    statuses: tuple[str, ...] = ()
    product: str | None = None
    devices: int | None = None
    expiring_within_days: int | None = None
    q: str | None = None
    group_by: str | None = None
    sort: str = "purchased_at"
    newest_first: bool = True
    limit: int = 25
    matches: Callable[[list[str | None]], bool] | None = None  # the compiled `q`

    @classmethod
    def parse(
        cls, *, status: str | None, view: str | None, product: str | None, devices: int | None,
        expiring_within_days: int | None, q: str | None, group_by: str | None, sort: str | None,
        order: str | None, limit: int,
    ) -> LicenseQuery:  # fmt: skip
        group_by, order = group_by or None, order or None  # an empty value is the default, as for view/sort
        statuses = choices("status", status, STATUSES)
        if view:
            if view not in VIEWS:
                raise invalid("view", f"use {' or '.join(VIEWS)}")
            statuses = [s for s in statuses if s in VIEWS[view]] if statuses else list(VIEWS[view])
            if not statuses:
                raise invalid("status", f"none of these statuses is in the {view} view")
        if group_by is not None and group_by not in GROUPS:
            raise invalid("group_by", f"use one of {', '.join(GROUPS)}")
        chosen_sort = sort or ("activation_deadline" if view == "coupons" else "purchased_at")
        if chosen_sort not in SORTS:
            raise invalid("sort", f"use one of {', '.join(SORTS)}")
        if order not in (None, "asc", "desc"):
            raise invalid("order", "use asc or desc")
        newest_first = order == "desc" if order else chosen_sort == "purchased_at"
        return cls(
            statuses=tuple(statuses),
            product=product,
            devices=devices,
            expiring_within_days=expiring_within_days,
            q=q,
            group_by=group_by,
            sort=chosen_sort,
            newest_first=newest_first,
            limit=limit,
            matches=matcher(q) if q else None,
        )

    @property
    def needs_full_read(self) -> bool:
        return bool(self.q or self.group_by or self.sort != "purchased_at")

    def fingerprint(self, partner_id: str) -> str:
        shape = {k: v for k, v in self._asdict().items() if k != "matches"}
        return cursors.fingerprint(list="licenses", partner=partner_id, **shape)

    def keeps(self, license: LicenseItem, now: datetime) -> bool:
        status = status_of(license, now).value
        if self.statuses and status not in self.statuses:
            return False
        if self.product is not None and license.product != self.product:
            return False
        if self.devices is not None and int(license.devices) != self.devices:
            return False
        if self.expiring_within_days is not None and not _expiring(
            license, status, now, self.expiring_within_days
        ):
            return False
        if self.matches is not None:
            fields = [*key_variants(license.key), license.note, license.customer_ref, license.workspace_id]
            return self.matches([*fields, license.order_id])
        return True


class LicensePage(NamedTuple):
    items: list[LicenseItem]
    next_cursor: str | None
    groups: list[dict[str, Any]] | None = None


def page(partner_id: str, query: LicenseQuery, cursor: str | None, now: datetime) -> LicensePage:
    fingerprint = query.fingerprint(partner_id)
    if not query.needs_full_read:
        return _indexed_page(partner_id, query, fingerprint, cursor, now)
    offset = _offset(cursor, fingerprint)
    matching = [
        lic
        for lic in license_repo.partner_licenses(partner_id, page_size=FULL_READ_PAGE)
        if query.keeps(lic, now)
    ]
    groups = _groups(matching, query.group_by, now) if query.group_by else None
    ordered = _sorted(matching, query)
    items = ordered[offset : offset + query.limit]
    more = offset + query.limit < len(ordered)
    next_cursor = cursors.encode({"offset": {"S": str(offset + query.limit)}}, fingerprint) if more else None
    return LicensePage(items, next_cursor, groups)


def _indexed_page(
    partner_id: str, query: LicenseQuery, fingerprint: str, cursor: str | None, now: datetime
) -> LicensePage:
    """One Query in purchase order; with filters it examines a larger slice and may return a short page."""
    start = cursors.decode(
        cursor, fingerprint, partition={"GSI2PK": license_repo.partner_partition(partner_id)}
    )
    filtered = bool(
        query.statuses or query.product or query.devices or query.expiring_within_days is not None
    )
    size = max(query.limit, FILTERED_PAGE) if filtered else query.limit
    examined, last_key = license_repo.partner_licenses_page(
        partner_id, newest_first=query.newest_first, size=size, start=start
    )
    kept: list[LicenseItem] = []
    for license in examined:
        if query.keeps(license, now):
            kept.append(license)
            if len(kept) == query.limit:
                last_key = license_repo.index_key(license) if license is not examined[-1] else last_key
                break
    return LicensePage(kept, cursors.encode(last_key, fingerprint))


def _offset(cursor: str | None, fingerprint: str) -> int:
    position = cursors.decode(cursor, fingerprint, partition={})
    if position is None:
        return 0
    value = position.get("offset", {}).get("S", "")
    if set(position) != {"offset"} or not value.isdigit():
        raise InvalidCursor("The cursor belongs to another query; start again without it.")
    return int(value)


def _sorted(licenses: list[LicenseItem], query: LicenseQuery) -> list[LicenseItem]:
    """By the chosen date; licenses without that date (e.g. coupons by expiry) come last either way."""
    dated = [lic for lic in licenses if getattr(lic, query.sort) is not None]
    undated = [lic for lic in licenses if getattr(lic, query.sort) is None]
    dated.sort(key=lambda lic: (getattr(lic, query.sort), lic.key), reverse=query.newest_first)
    return dated + undated


def _groups(licenses: list[LicenseItem], column: str, now: datetime) -> list[dict[str, Any]]:
    def value(license: LicenseItem) -> Any:
        return status_of(license, now).value if column == "status" else getattr(license, column)

    counts = Counter(value(license) for license in licenses)
    return [
        {"value": v, "count": n} for v, n in sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))
    ]


def _expiring(license: LicenseItem, status: str, now: datetime, days: int) -> bool:
    horizon = now + timedelta(days=days)
    if status == "active" and license.expires_at is not None:
        return now <= license.expires_at < horizon
    if status == "unused":
        return now <= license.activation_deadline < horizon
    return False

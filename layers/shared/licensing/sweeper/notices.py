"""What a visit owes, written in the visit's own transaction: each license's event (a reminder, the end
customer's notice, expiry, lapse) goes straight to the table's outbox, and a reminder or coupon warning
also leaves a digest line (`PK=SWEEPER#DIGEST`). At the end of the run the lines become one digest per
partner (coupon warnings: per partner and threshold), each written to the outbox in one transaction with
the deletion of its lines. A run that stops before that leaves its lines for the next run: nothing twice,
nothing skipped, and a run reads its own lines from memory, never back from the table.

A line's detail is its event's, built and validated through `licensing.contracts` when it is written; its
id is the event's stable id (license, kind, threshold and term).
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from typing import Any

from licensing.contracts.base import EventDetail
from licensing.contracts.sweeper import (
    CouponDeadlineWarning,
    CouponLapsed,
    DigestLicense,
    EndCustomerExpiryNotice,
    LicenseExpired,
    PartnerRenewalDigest,
    RenewalReminderDue,
    WarnedCoupon,
)
from licensing.core.clock import iso
from licensing.store.table import LicenseItem, SweepNoticeItem
from licensing.store.transactions import MAX_ITEMS, Transaction
from licensing.sweeper import repository
from licensing.sweeper.rules import EXPIRED, LAPSED, NOTICE, REMINDER, WARNING, Owed

# Licenses per digest or coupon warning event: its lines are deleted in the transaction that writes it.
GROUP_LIMIT = MAX_ITEMS - 1
DIGESTED = (REMINDER, WARNING)
EVENTS: dict[str, type[EventDetail]] = {
    REMINDER: RenewalReminderDue,
    NOTICE: EndCustomerExpiryNotice,
    EXPIRED: LicenseExpired,
    LAPSED: CouponLapsed,
}


def add(
    tx: Transaction, license: LicenseItem, owed: Owed, term: datetime, now: datetime
) -> SweepNoticeItem | None:
    """Put what `owed` asks for into the visit's transaction: its event, and for a reminder or a coupon
    warning its digest line, which is returned."""
    notice = line(license, owed, term, now)
    if notice.kind in EVENTS:
        tx.emit(_event(notice))
    if notice.kind not in DIGESTED:
        return None
    repository.add_line(tx, notice)
    return notice


def line(license: LicenseItem, owed: Owed, term: datetime, now: datetime) -> SweepNoticeItem:
    """The notice a visit owes, with a stable id from what it is about: license, kind, threshold, term."""
    notice_id = f"{owed.kind}:{license.key}:{owed.days}:{iso(term)}"
    partner_id = str(license.partner_id)
    return repository.new_line(
        notice_id, kind=owed.kind, partner_id=partner_id, days=owed.days,
        detail=_detail(license, owed, term, notice_id), created_at=now,
    )  # fmt: skip


def _detail(license: LicenseItem, owed: Owed, term: datetime, notice_id: str) -> dict[str, Any]:
    partner_id, key, when = str(license.partner_id), license.key, iso(term)
    product, devices = license.product, int(license.devices)
    workspace_id, customer_ref = license.workspace_id, license.customer_ref
    if owed.kind == WARNING:  # gathered into one CouponDeadlineWarning per partner and threshold
        coupon = WarnedCoupon(license_key=key, activation_deadline=when, product=product, devices=devices)
        return {"partner_id": partner_id, **coupon.model_dump(mode="json")}
    event: EventDetail
    if owed.kind == REMINDER:
        event = RenewalReminderDue(
            event_id=notice_id, partner_id=partner_id, license_key=key, threshold_days=owed.days,
            expires_at=when, product=product, devices=devices, workspace_id=workspace_id,
            customer_ref=customer_ref,
        )  # fmt: skip
    elif owed.kind == NOTICE:
        event = EndCustomerExpiryNotice(
            event_id=notice_id, partner_id=partner_id, license_key=key, expires_at=when, product=product,
            devices=devices, workspace_id=workspace_id, customer_ref=customer_ref,
            customer_email=_email_in(customer_ref),
        )  # fmt: skip
    elif owed.kind == EXPIRED:
        event = LicenseExpired(
            event_id=notice_id,
            partner_id=partner_id,
            license_key=key,
            expires_at=when,
            workspace_id=workspace_id,
        )
    else:
        event = CouponLapsed(
            event_id=notice_id, partner_id=partner_id, license_key=key, activation_deadline=when
        )
    return event.as_event().detail


def _email_in(customer_ref: str | None) -> str | None:
    """The end customer's address, when the partner recorded one as the customer reference."""
    if customer_ref and "@" in customer_ref and " " not in customer_ref.strip():
        return customer_ref.strip()
    return None


def announce(lines: Iterable[SweepNoticeItem], now: datetime) -> Counter[str]:
    """Turn digest lines into digests: each written to the outbox with the deletion of its lines, in one
    transaction. A line another run announced meanwhile fails its condition: that run's digest has it,
    and this part is written again without it (overlapping runs hold different lines, so the rest would
    otherwise wait for the next run). Returns the digests announced, by detail-type."""
    reminders: dict[str, list[SweepNoticeItem]] = defaultdict(list)
    warnings: dict[tuple[str, int], list[SweepNoticeItem]] = defaultdict(list)
    for notice in {notice.SK: notice for notice in lines}.values():
        if notice.kind == REMINDER:
            reminders[notice.partner_id].append(notice)
        elif notice.kind == WARNING:
            warnings[(notice.partner_id, int(notice.days))].append(notice)
    digests: list[tuple[Callable[[list[SweepNoticeItem]], EventDetail], list[SweepNoticeItem]]] = []
    for partner_id, group in sorted(reminders.items()):
        digests += [(partial(_digest, partner_id, now=now), part) for part in _parts(group, "expires_at")]
    for (partner_id, days), group in sorted(warnings.items()):
        digests += [
            (partial(_warning, partner_id, days), part) for part in _parts(group, "activation_deadline")
        ]
    announced: Counter[str] = Counter()
    for build, part in digests:
        while part:
            digest = build(part)
            tx = Transaction().emit(digest)
            repository.add_line_deletions(tx, part)
            taken = tx.commit(*(notice.SK for notice in part))  # by another run's digest
            if not taken:
                announced[type(digest).__name__] += 1
                break
            part = [notice for notice in part if notice.SK not in taken]
    return announced


def _event(notice: SweepNoticeItem) -> EventDetail:
    return EVENTS[notice.kind].model_validate({"event_id": notice.SK, **notice.detail})


def _parts(notices: list[SweepNoticeItem], by: str) -> list[list[SweepNoticeItem]]:
    """A group in parts of GROUP_LIMIT, by date then key, so every event stays well inside EventBridge's
    256 KB (a license entry is about 300 bytes)."""
    ordered = sorted(notices, key=lambda n: (n.detail[by], n.detail["license_key"]))
    return [ordered[i : i + GROUP_LIMIT] for i in range(0, len(ordered), GROUP_LIMIT)]


def _group_id(prefix: str, notices: list[SweepNoticeItem]) -> str:
    """A stable id for a group: the same notices always make the same id, so a re-sent group dedupes."""
    digest = hashlib.sha256("|".join(sorted(n.SK for n in notices)).encode()).hexdigest()[:20]
    return f"{prefix}:{digest}"


def _digest(partner_id: str, notices: list[SweepNoticeItem], now: datetime) -> PartnerRenewalDigest:
    fields = DigestLicense.model_fields
    licenses = sorted(
        (DigestLicense.model_validate({name: n.detail[name] for name in fields}) for n in notices),
        key=lambda entry: (entry.expires_at, entry.license_key),
    )
    return PartnerRenewalDigest(
        event_id=_group_id(f"renewal-digest:{partner_id}", notices),
        partner_id=partner_id,
        run_at=iso(now),
        license_keys=[entry.license_key for entry in licenses],
        licenses=licenses,
    )


def _warning(partner_id: str, days: int, notices: list[SweepNoticeItem]) -> CouponDeadlineWarning:
    fields = WarnedCoupon.model_fields
    coupons = sorted(
        (WarnedCoupon.model_validate({name: n.detail[name] for name in fields}) for n in notices),
        key=lambda entry: (entry.activation_deadline, entry.license_key),
    )
    return CouponDeadlineWarning(
        event_id=_group_id(f"coupon-warning:{partner_id}:{days}", notices),
        partner_id=partner_id,
        threshold_days=days,
        license_keys=[entry.license_key for entry in coupons],
        coupons=coupons,
    )

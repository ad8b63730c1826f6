"""The sweeper's outbox: each notice a visit owes is written with the visit, then published (a digest per
partner, coupon warnings grouped per partner and threshold) and deleted. A run that stops in between
leaves its notices for the next run to send: nothing twice, nothing skipped.

A notice's detail is its event's, built and validated through `licensing.contracts.events` when the
notice is written; its id is the event's stable id (license, kind, threshold and term).
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from datetime import datetime
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
from licensing.infra.bus import deliver
from licensing.store.table import LicenseItem, SweepNoticeItem
from licensing.sweeper import repository
from licensing.sweeper.rules import EXPIRED, LAPSED, NOTICE, REMINDER, WARNING, Owed

GROUP_LIMIT = 200  # licenses per digest or coupon warning event
EVENTS: dict[str, type[EventDetail]] = {
    REMINDER: RenewalReminderDue,
    NOTICE: EndCustomerExpiryNotice,
    EXPIRED: LicenseExpired,
    LAPSED: CouponLapsed,
}


def notice(license: LicenseItem, owed: Owed, term: datetime, now: datetime) -> SweepNoticeItem:
    """The notice a visit owes, with a stable id from what it is about: license, kind, threshold, term."""
    notice_id = f"{owed.kind}:{license.key}:{owed.days}:{iso(term)}"
    partner_id = str(license.partner_id)
    return repository.new_notice(
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


def publish_waiting(now: datetime) -> Counter[str]:
    """Publish every notice waiting in the outbox, then delete them; a failure keeps them there. Returns
    the events published, by detail-type."""
    notices = repository.outbox()
    if not notices:
        return Counter()
    events: list[EventDetail] = [_event(notice) for notice in notices if notice.kind in EVENTS]
    reminders: dict[str, list[SweepNoticeItem]] = defaultdict(list)
    warnings: dict[tuple[str, int], list[SweepNoticeItem]] = defaultdict(list)
    for notice in notices:
        if notice.kind == REMINDER:
            reminders[notice.partner_id].append(notice)
        elif notice.kind == WARNING:
            warnings[(notice.partner_id, int(notice.days))].append(notice)
    for partner_id, group in sorted(reminders.items()):
        events += [_digest(partner_id, part, now) for part in _parts(group, "expires_at")]
    for (partner_id, days), group in sorted(warnings.items()):
        events += [_warning(partner_id, days, part) for part in _parts(group, "activation_deadline")]
    sent = deliver(events)
    repository.clear(notices)
    return Counter(event.detail_type for event in sent)


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

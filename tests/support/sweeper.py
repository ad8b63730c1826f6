"""The sweeper's world, shared by its API tests and its races on the moto server: the calendar of a
license activated at 2026-11-27T10:00Z, the shop that buys, activates and renews through the API, and the
readers of the events a sweep publishes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from licensing.contracts.base import DomainEvent
from licensing.store.table import SweepStateItem
from licensing.sweeper import repository as sweeps
from tests.support.clients import Api, Partner, WebhookSender

START = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)  # where the app clock starts: purchases, activations
EXPIRY = datetime(2027, 11, 27, 10, 0, tzinfo=UTC)  # a license activated at START; a coupon's deadline
NEW_EXPIRY = datetime(2028, 11, 27, 10, 0, tzinfo=UTC)  # after a one-year renewal
FIRST_LOOK_DAY = "2027-08-29"  # EXPIRY - 90 days: the earliest due bucket of this world
THIRTY_DAY = "2027-10-28"  # EXPIRY - 30 days: the first reminder, the coupons' first look
PER_LICENSE = ("RenewalReminderDue", "EndCustomerExpiryNotice", "LicenseExpired", "CouponLapsed")
GROUPED = ("PartnerRenewalDigest", "CouponDeadlineWarning")
SWEEPER_TYPES = PER_LICENSE + GROUPED
LOCKED = "another sweeper run is in progress"


def run_at(days_before: float, term: datetime = EXPIRY) -> datetime:
    """An hourly run one hour after the moment `days_before` the term (negative: after it)."""
    return term - timedelta(days=days_before) + timedelta(hours=1)


class Shop:
    """Buys, activates and renews through the API at the application's (frozen) time."""

    def __init__(self, api: Api, webhook: WebhookSender, clock: Callable[..., datetime]) -> None:
        self.api, self.webhook, self.clock = api, webhook, clock

    def pay(self, order: dict[str, Any]) -> None:
        paid = self.webhook.pay(order, timestamp=int(self.clock().timestamp()))
        assert paid.json()["outcome"] == "fulfilled", paid.body

    def coupons(self, partner: Partner, count: int, **fields: Any) -> list[str]:
        """`count` unused coupons of one paid order: deadline a year from now."""
        placed = partner.order(licenses=count, **fields)
        assert placed.status == 201, placed.body
        self.pay(placed.json())
        keys: list[str] = partner.api.get(f"/v1/orders/{placed.json()['id']}").json()["license_keys"]
        return keys

    def licenses(self, partner: Partner, count: int, **fields: Any) -> list[str]:
        """`count` licenses activated now by their clients (`/v1/lookup`), each in its own workspace."""
        keys = self.coupons(partner, count, **fields)
        for key in keys:
            lookup = {"license_key": key, "workspace_id": workspace(key)}
            found = self.api.with_key(None).post("/v1/lookup", lookup)
            assert found.json()["code"] == "VALID", found.body
        return keys

    def renew(self, partner: Partner, key: str) -> None:
        """A paid one-year renewal: the expiry moves a year on."""
        placed = partner.api.post(f"/v1/licenses/{key}/renew", {"years": 1}, headers={"Idempotency-Key": key})
        assert placed.status == 201, placed.body
        self.pay(placed.json())


def workspace(key: str) -> str:
    return f"ws-{key[:5]}"


def sweeper_ran_until(day: str) -> None:
    """The checkpoint the hourly schedule leaves when it has run up to `day` and found nothing due (true
    of this world before its first looks): spares a test the fresh table's 100-day look-back."""
    SweepStateItem(sweeps.STATE_PK, sweeps.STATE_SK, swept_until=day).save()


def sweeper_events(published: Iterable[DomainEvent]) -> list[DomainEvent]:
    return [e for e in published if e.detail_type in SWEEPER_TYPES]


def of_type(published: Iterable[DomainEvent], detail_type: str) -> list[DomainEvent]:
    return [e for e in published if e.detail_type == detail_type]


def reminders(published: Iterable[DomainEvent]) -> list[tuple[str, int]]:
    """(license key, threshold) of every RenewalReminderDue, sorted, duplicates kept."""
    found = of_type(published, "RenewalReminderDue")
    return sorted((e.detail["license_key"], e.detail["threshold_days"]) for e in found)


def keys_of(published: Iterable[DomainEvent], detail_type: str) -> list[str]:
    """The license key of every per-license event of that type, sorted, duplicates kept."""
    return sorted(e.detail["license_key"] for e in of_type(published, detail_type))


def digests(published: Iterable[DomainEvent]) -> dict[str, list[str]]:
    """Each partner's digest: the keys it lists (one digest per partner expected)."""
    found = of_type(published, "PartnerRenewalDigest")
    by_partner = {e.detail["partner_id"]: e.detail["license_keys"] for e in found}
    assert len(by_partner) == len(found), "more than one digest for a partner in one run"
    return by_partner


def coupon_warnings(published: Iterable[DomainEvent]) -> dict[tuple[str, int], list[str]]:
    """Each (partner, threshold) warning: the coupon keys it lists (one per partner and threshold)."""
    found = of_type(published, "CouponDeadlineWarning")
    grouped = {(e.detail["partner_id"], e.detail["threshold_days"]): e.detail["license_keys"] for e in found}
    assert len(grouped) == len(found), "more than one warning for a partner and threshold in one run"
    return grouped


def digested_keys(published: Iterable[DomainEvent]) -> list[str]:
    """Every key listed by any digest, sorted, duplicates kept (across runs: each once expected)."""
    return sorted(key for e in of_type(published, "PartnerRenewalDigest") for key in e.detail["license_keys"])

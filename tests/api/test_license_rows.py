"""What a license derives for the indexes must always describe the license exactly as the item does,
after every kind of write (issue, activation, edit, claim, revocation, renewal, redemption): GSI2's
compact row; GSI3's keys, present exactly while the license is a coupon renew-with-coupon may pick; and
the sweeper's term, whose change re-arms its schedule."""

from __future__ import annotations

from licensing.licenses import repository as license_repo
from licensing.licenses.api import license_out
from licensing.licenses.index import coupon_partition, term_id
from licensing.store.table import LicenseItem
from tests.support.clients import Partner, WebhookSender

SCHEDULED_BY = (
    "partner_id", "activated_at", "expires_at", "activation_deadline", "revoked_at", "redeemed_at",
)  # fmt: skip


def stored(key: str) -> LicenseItem:
    return LicenseItem.get(f"LICENSE#{key}", "LICENSE")


def pickable(item: LicenseItem) -> bool:
    unused = item.activated_at is None and item.revoked_at is None and item.redeemed_at is None
    return unused and not item.note and item.partner_id is not None


def test_rows_match_items_after_every_kind_of_write(
    partner: Partner, webhook: WebhookSender, frozen_now
) -> None:
    order = partner.order(licenses=4, customer_ref="CUST-9").json()
    webhook.pay(order, timestamp=int(frozen_now().timestamp()))
    keys = partner.api.get(f"/v1/orders/{order['id']}").json()["license_keys"]
    partner.api.with_key(None).post("/v1/lookup", {"license_key": keys[0], "workspace_id": "ws-1"})
    partner.api.patch(
        f"/v1/licenses/{keys[1]}", {"note": 'reserved | "quoted" ünïcode', "customer_ref": None}
    )
    partner.api.post(f"/v1/licenses/{keys[2]}/assign", {"workspace_id": "ws-2"})
    webhook.pay(order, type="payment.refunded", timestamp=int(frozen_now().timestamp()))

    listed = {lic.key: lic for lic in license_repo.partner_licenses(partner.id, page_size=100)}
    assert sorted(listed) == sorted(keys)
    now = frozen_now()
    for key in keys:
        assert license_out(listed[key], now) == license_out(stored(key), now), key
    assert listed[keys[3]].revoked_at is not None and listed[keys[1]].note.startswith("reserved |")


def test_rows_and_coupon_index_follow_renewals_and_redemptions(
    partner: Partner, webhook: WebhookSender, frozen_now
) -> None:
    order = partner.order(licenses=5).json()
    webhook.pay(order, timestamp=int(frozen_now().timestamp()))
    keys = partner.api.get(f"/v1/orders/{order['id']}").json()["license_keys"]
    active, noted, cleared, redeemed, open_coupon = keys
    partner.api.post(f"/v1/licenses/{active}/assign", {"workspace_id": "ws-1"})
    partner.api.patch(f"/v1/licenses/{noted}", {"note": "kept for ACME"})
    partner.api.patch(f"/v1/licenses/{cleared}", {"note": "briefly kept"})
    partner.api.patch(f"/v1/licenses/{cleared}", {"note": None})
    coupon_used = partner.api.post(f"/v1/licenses/{active}/renew-with-coupon", {"coupon_key": redeemed})
    assert coupon_used.status == 200, coupon_used.body
    picked = partner.api.post(f"/v1/licenses/{active}/renew-with-coupon")  # redeemed from GSI3's entry
    assert picked.status == 200, picked.body
    auto_picked = picked.json()["coupon"]["key"]
    renewal = partner.api.post(f"/v1/licenses/{active}/renew", {"years": 1, "migrate_to": "enterprise"})
    webhook.pay(renewal.json(), timestamp=int(frozen_now().timestamp()))

    now = frozen_now()
    listed = {lic.key: lic for lic in license_repo.partner_licenses(partner.id, page_size=100)}
    for key in keys:
        item = stored(key)
        assert license_out(listed[key], now) == license_out(item, now), key
        assert (item.GSI3PK is not None) == pickable(item), key
        assert item.sweep_term == term_id({name: getattr(item, name) for name in SCHEDULED_BY}), key
        assert (item.GSI4PK is not None) == (item.sweep_term is not None), key  # no sweep ran yet
    in_index = {
        item.PK.removeprefix("LICENSE#")
        for item in LicenseItem.partner_coupons.query(coupon_partition(partner.id, "business", 5))
    }
    assert in_index == {cleared, open_coupon} - {auto_picked}
    assert stored(active).product == "enterprise" and stored(redeemed).redeemed_for == active

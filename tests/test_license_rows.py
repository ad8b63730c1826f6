"""GSI2's compact row must always describe the license exactly as the item does, after every kind of
write (issue, activation, edit, claim, revocation)."""

from __future__ import annotations

from licensing.repositories import licenses as license_repo
from licensing.repositories.table import LicenseItem
from licensing.views import license_out
from tests.support import Partner, WebhookSender


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
        stored = LicenseItem.get(f"LICENSE#{key}", "LICENSE")
        assert license_out(listed[key], now) == license_out(stored, now), key
    assert listed[keys[3]].revoked_at is not None and listed[keys[1]].note.startswith("reserved |")

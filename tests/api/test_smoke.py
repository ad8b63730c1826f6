from tests.support.clients import Partner, WebhookSender


def test_buy_pay_and_look_up(partner: Partner, webhook: WebhookSender) -> None:
    order = partner.order()
    assert order.status == 201, order.body
    paid = webhook.pay(order.json())
    assert paid.status == 200, paid.body
    assert paid.json()["outcome"] == "fulfilled"
    fetched = partner.api.get(f"/v1/orders/{order.json()['id']}").json()
    assert fetched["status"] == "fulfilled"
    key = fetched["license_keys"][0]
    looked = partner.api.with_key(None).post("/v1/lookup", {"license_key": key, "workspace_id": "ws-1"})
    assert looked.status == 200, looked.body
    assert looked.json()["code"] == "VALID"

"""Every history entry names who made the change as `{type, id, email}`: the person signed in (their
Cognito `sub` and e-mail), the API key, or the system; entries stored before actors had types read as
the typed actor their string meant."""

from __future__ import annotations

from datetime import UTC, datetime

import boto3

from devtools.user_pool import UserPool
from licensing.core.actors import Actor
from licensing.licenses import repository as license_repo
from licensing.store.table import HistoryItem
from tests.support.clients import Api, Partner, WebhookSender
from tests.support.people import FakeJwks, sign_in

TEMPORARY = "Temp-Passw0rd!history"


def a_coupon(partner: Partner, webhook: WebhookSender) -> str:
    order = partner.order()
    assert order.status == 201, order.body
    assert webhook.pay(order.json()).status == 200
    return partner.api.get(f"/v1/orders/{order.json()['id']}").json()["license_keys"][0]


def history(partner: Partner, key: str) -> list[dict]:
    answer = partner.api.get(f"/v1/licenses/{key}/history")
    assert answer.status == 200, answer.body
    return answer.json()["items"]


def test_a_persons_change_names_the_person(
    partner: Partner, webhook: WebhookSender, user_pool: UserPool, jwks: FakeJwks
) -> None:
    key = a_coupon(partner, webhook)
    email = "buyer@acme.example"
    invited = partner.api.post(
        "/v1/users", {"email": email, "role": "purchaser", "temporary_password": TEMPORARY}
    )
    assert invited.status == 201, invited.body
    person = partner.api.with_key(sign_in(user_pool, email, TEMPORARY)["id"])

    assert person.patch(f"/v1/licenses/{key}", {"note": "for the Lisbon office"}).status == 200
    assert person.post(f"/v1/licenses/{key}/assign", {"workspace_id": "ws-lisbon"}).status == 200

    entries = history(partner, key)
    user = {"type": "user", "id": invited.json()["id"], "email": email}
    assert [(e["action"], e["actor"]) for e in entries[:2]] == [("activated", user), ("edited", user)]


def test_a_keys_change_names_the_key_and_the_clients_first_use_the_workspace(
    partner: Partner, webhook: WebhookSender, api: Api
) -> None:
    key, other = a_coupon(partner, webhook), a_coupon(partner, webhook)
    assert partner.api.post(f"/v1/licenses/{key}/assign", {"workspace_id": "ws-1"}).status == 200
    assert api.post("/v1/lookup", {"license_key": other, "workspace_id": "ws-2"}).status == 200

    by_key = history(partner, key)[0]["actor"]
    assert by_key == {"type": "api_key", "id": partner.key_id, "email": None}
    first_use, issued = history(partner, other)
    assert first_use["actor"] == {"type": "system", "id": "client:ws-2", "email": None}
    assert issued["actor"]["type"] == "system" and issued["actor"]["id"].startswith("order:ord_")


def test_entries_stored_before_typed_actors_read_as_what_they_meant(
    partner: Partner, webhook: WebhookSender
) -> None:
    key = a_coupon(partner, webhook)
    legacy = [f"partner:{partner.id}", "client:ws-9", "payment-provider"]  # as the old code stored them
    dynamodb = boto3.client("dynamodb")
    for minute, actor in enumerate(legacy):
        at = datetime(2026, 11, 27, 11, minute, tzinfo=UTC)
        entry = license_repo.history_entry(
            key, at=at, actor=Actor("system", "x"), action="edited", changes={}
        )
        item = entry.serialize()
        item["actor"] = {"S": actor}  # a plain string, not today's map
        dynamodb.put_item(TableName=HistoryItem.Meta.table_name, Item=item)

    actors = [entry["actor"] for entry in history(partner, key)[:3]]
    assert actors == [
        {"type": "system", "id": "payment-provider", "email": None},
        {"type": "system", "id": "client:ws-9", "email": None},
        {"type": "api_key", "id": f"partner:{partner.id}", "email": None},
    ]

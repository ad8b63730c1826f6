"""GET /v1/orders: the partner's order history, filtered, searched and paginated."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.clients import Api, Partner, WebhookSender
from tests.support.problems import assert_problem


@pytest.fixture
def history(partner: Partner, webhook: WebhookSender, frozen_now) -> list[dict]:
    """Five orders a minute apart: new (paid), bulk of 3 (paid, one key in use), new (unpaid),
    bulk of 2 (failed), new with a customer reference (unpaid)."""
    orders = []
    for n, fields in enumerate([{}, {"licenses": 3}, {}, {"licenses": 2}, {"customer_ref": "ACME-Berlin"}]):
        frozen_now(frozen_now() + timedelta(minutes=1))
        orders.append(partner.order(**fields).json())
        stamp = int(frozen_now().timestamp())
        if n in (0, 1):
            webhook.pay(orders[-1], timestamp=stamp)
        if n == 3:
            webhook.pay(orders[-1], type="payment.failed", timestamp=stamp)
    keys = partner.api.get(f"/v1/orders/{orders[1]['id']}").json()["license_keys"]
    partner.api.with_key(None).post("/v1/lookup", {"license_key": keys[0], "workspace_id": "ws"})
    return orders


def ids(response) -> list[str]:
    assert response.status == 200, response.body
    return [order["id"] for order in response.json()["items"]]


def test_newest_first_with_used_and_unused_counts(partner: Partner, history: list[dict]) -> None:
    page = partner.api.get("/v1/orders").json()
    assert [o["id"] for o in page["items"]] == [o["id"] for o in reversed(history)]
    bulk = next(o for o in page["items"] if o["id"] == history[1]["id"])
    assert (bulk["status"], bulk["licenses_used"], bulk["licenses_unused"]) == ("fulfilled", 1, 2)
    assert page["next_cursor"] is None


def test_oldest_first(partner: Partner, history: list[dict]) -> None:
    assert ids(partner.api.get("/v1/orders", query={"order": "asc"})) == [o["id"] for o in history]


def test_filters(partner: Partner, history: list[dict]) -> None:
    assert ids(partner.api.get("/v1/orders", query={"type": "bulk"})) == [history[3]["id"], history[1]["id"]]
    fulfilled = ids(partner.api.get("/v1/orders", query={"status": "fulfilled"}))
    assert fulfilled == [history[1]["id"], history[0]["id"]]
    both = partner.api.get("/v1/orders", query={"status": "pending_payment,payment_failed", "type": "bulk"})
    assert ids(both) == [history[3]["id"]]


def test_search_by_reference_id_and_key(partner: Partner, history: list[dict]) -> None:
    assert ids(partner.api.get("/v1/orders", query={"q": "acme-b*"})) == [history[4]["id"]]
    assert ids(partner.api.get("/v1/orders", query={"q": history[2]["id"][-8:].lower()})) == [
        history[2]["id"]
    ]
    key = partner.api.get(f"/v1/orders/{history[1]['id']}").json()["license_keys"][2]
    assert ids(partner.api.get("/v1/orders", query={"q": key.replace("-", "")[3:15]})) == [history[1]["id"]]
    assert ids(partner.api.get("/v1/orders", query={"q": "nothing-like-this"})) == []


def test_pages_with_cursor_cover_everything_once(partner: Partner, history: list[dict]) -> None:
    seen, cursor = [], None
    while True:
        page = partner.api.get(
            "/v1/orders", query={"limit": "2", **({"cursor": cursor} if cursor else {})}
        ).json()
        assert len(page["items"]) <= 2
        seen.extend(o["id"] for o in page["items"])
        if not (cursor := page["next_cursor"]):
            break
    assert seen == [o["id"] for o in reversed(history)]


def test_another_partners_orders_never_show(partner: Partner, history: list[dict], admin: Api) -> None:
    other = Partner.create(admin, name="Other")
    other.order()
    assert len(ids(other.api.get("/v1/orders"))) == 1
    cursor = partner.api.get("/v1/orders", query={"limit": "1"}).json()["next_cursor"]
    assert_problem(other.api.get("/v1/orders", query={"limit": "1", "cursor": cursor}), 400, "INVALID_CURSOR")


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"status": "shipped"}, "VALIDATION_ERROR"),
        ({"type": "gift"}, "VALIDATION_ERROR"),
        ({"sort": "total"}, "VALIDATION_ERROR"),
        ({"order": "random"}, "VALIDATION_ERROR"),
        ({"limit": "0"}, "VALIDATION_ERROR"),
        ({"limit": "101"}, "VALIDATION_ERROR"),
        ({"q": "x" * 101}, "VALIDATION_ERROR"),
        ({"q": "a\x01b"}, "VALIDATION_ERROR"),
        ({"cursor": "not-a-cursor"}, "INVALID_CURSOR"),
    ],
)
def test_bad_queries_are_400(partner: Partner, query: dict, code: str) -> None:
    assert_problem(partner.api.get("/v1/orders", query=query), 400, code)


def test_a_page_without_search_is_one_query_and_one_batch_read(
    partner: Partner, history: list[dict], ddb_calls
) -> None:
    ddb_calls.reset()
    partner.api.get("/v1/orders", query={"limit": "10"})
    assert ddb_calls.calls == ["GetItem", "Query", "BatchGetItem"]  # authorizer, the page, its usage counters

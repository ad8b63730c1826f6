"""GET /v1/licenses and its CSV export: filters, views, wildcard search, grouping, sorting, pages."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from tests.support.clients import Api, Partner, WebhookSender
from tests.support.problems import assert_problem


@pytest.fixture
def stock(partner: Partner, webhook: WebhookSender, frozen_now) -> dict[str, list[str]]:
    """Home x1 (3 keys), business x5 (2 keys), enterprise x10 (1 key, 2 years), bought a day apart; the
    first home key activated by its client, the first business key assigned, the second one noted."""
    keys: dict[str, list[str]] = {}
    for product, devices, licenses, years in (
        ("home", 1, 3, 1),
        ("business", 5, 2, 1),
        ("enterprise", 10, 1, 2),
    ):
        frozen_now(frozen_now() + timedelta(days=1))
        order = partner.order(product=product, devices=devices, licenses=licenses, years=years).json()
        webhook.pay(order, timestamp=int(frozen_now().timestamp()))
        keys[product] = partner.api.get(f"/v1/orders/{order['id']}").json()["license_keys"]
    client = partner.api.with_key(None)
    client.post("/v1/lookup", {"license_key": keys["home"][0], "workspace_id": "ws-Home-Office"})
    frozen_now(frozen_now() + timedelta(hours=1))
    partner.api.post(f"/v1/licenses/{keys['business'][0]}/assign", {"workspace_id": "ws-acme-hq"})
    partner.api.patch(
        f"/v1/licenses/{keys['business'][1]}", {"note": "Reserved for ACME Berlin", "customer_ref": "ACME-7"}
    )
    return keys


def listed(api: Api, **query: str) -> list[str]:
    response = api.get("/v1/licenses", query=query)
    assert response.status == 200, response.body
    return [item["key"] for item in response.json()["items"]]


def test_default_is_newest_purchase_first(partner: Partner, stock: dict[str, list[str]]) -> None:
    keys = listed(partner.api)
    assert keys[:1] == stock["enterprise"] and set(keys[-3:]) == set(stock["home"])
    assert len(keys) == 6


def test_status_filters_and_views(partner: Partner, stock: dict[str, list[str]]) -> None:
    active = {stock["home"][0], stock["business"][0]}
    assert set(listed(partner.api, status="active")) == active
    assert set(listed(partner.api, view="activated")) == active
    coupons = listed(partner.api, view="coupons")
    assert set(coupons) == set(stock["home"][1:] + stock["business"][1:] + stock["enterprise"])
    assert set(listed(partner.api, status="unused,active")) == set(
        [key for keys in stock.values() for key in keys]
    )
    assert listed(partner.api, status="expired,lapsed,revoked,redeemed") == []


def test_product_and_devices(partner: Partner, stock: dict[str, list[str]]) -> None:
    assert set(listed(partner.api, product="business")) == set(stock["business"])
    assert listed(partner.api, devices="10") == stock["enterprise"]


def test_expiring_within_days(partner: Partner, stock: dict[str, list[str]], frozen_now) -> None:
    frozen_now(frozen_now() + timedelta(days=360))
    assert set(listed(partner.api, status="active", expiring_within_days="10")) == {
        stock["home"][0], stock["business"][0]
    }  # fmt: skip
    # coupons: their activation deadline, 12 months after purchase, is within 10 days too
    assert set(listed(partner.api, view="coupons", expiring_within_days="10")) == set(
        stock["home"][1:] + stock["business"][1:] + stock["enterprise"]
    )
    assert listed(partner.api, view="coupons", expiring_within_days="1") == []


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("acme", ["business:0", "business:1"]),  # workspace id and note, case-insensitive
        ("*berlin", ["business:1"]),
        ("ACME-?", ["business:0", "business:1"]),  # one-character wildcard: ws-acme-hq and ACME-7
        ("acme-7", ["business:1"]),  # customer reference
        ("home-office", ["home:0"]),
        ("no such thing", []),
    ],
)
def test_wildcard_search(partner: Partner, stock: dict[str, list[str]], q: str, expected: list[str]) -> None:
    want = {stock[ref.split(":")[0]][int(ref.split(":")[1])] for ref in expected}
    assert set(listed(partner.api, q=q)) == want


def test_search_by_key_with_or_without_dashes_and_by_order(
    partner: Partner, stock: dict[str, list[str]]
) -> None:
    key = stock["enterprise"][0]
    assert listed(partner.api, q=key.lower()) == [key]
    assert listed(partner.api, q=key.replace("-", "")[5:17]) == [key]
    order_id = partner.api.get(f"/v1/licenses/{key}").json()["order_id"]
    assert listed(partner.api, q=order_id) == [key]


def test_group_counts_cover_all_matches_not_just_the_page(
    partner: Partner, stock: dict[str, list[str]]
) -> None:
    page = partner.api.get("/v1/licenses", query={"group_by": "product", "limit": "2"}).json()
    assert len(page["items"]) == 2
    assert page["groups"] == [
        {"value": "home", "count": 3}, {"value": "business", "count": 2}, {"value": "enterprise", "count": 1}
    ]  # fmt: skip
    by_status = partner.api.get("/v1/licenses", query={"group_by": "status"}).json()["groups"]
    assert by_status == [{"value": "unused", "count": 4}, {"value": "active", "count": 2}]
    assert partner.api.get("/v1/licenses").json()["groups"] is None  # only when asked for


def test_sorting(partner: Partner, stock: dict[str, list[str]]) -> None:
    by_expiry = listed(partner.api, sort="expires_at", order="asc")
    assert by_expiry[:2] == [stock["home"][0], stock["business"][0]]  # coupons have no expiry: last
    coupons = listed(partner.api, view="coupons")  # nearest activation deadline first by default
    assert coupons[0] in stock["home"] and coupons[-1] == stock["enterprise"][0]


@pytest.mark.parametrize("query", [{}, {"status": "unused"}, {"q": "*"}, {"sort": "activation_deadline"}])
def test_pages_cover_everything_once(partner: Partner, stock: dict[str, list[str]], query: dict) -> None:
    seen, cursor = [], None
    while True:
        page = partner.api.get(
            "/v1/licenses", query={**query, "limit": "2", **({"cursor": cursor} if cursor else {})}
        )
        assert page.status == 200, page.body
        seen.extend(item["key"] for item in page.json()["items"])
        if not (cursor := page.json()["next_cursor"]):
            break
    expected = listed(partner.api, **query, limit="100")
    assert seen == expected and len(set(seen)) == len(seen)


def test_another_partner_sees_nothing_and_cannot_use_a_cursor(partner: Partner, stock, admin: Api) -> None:
    other = Partner.create(admin, name="Other")
    assert listed(other.api) == []
    for query in ({}, {"q": "*"}):
        cursor = partner.api.get("/v1/licenses", query={**query, "limit": "1"}).json()["next_cursor"]
        assert_problem(
            other.api.get("/v1/licenses", query={**query, "limit": "1", "cursor": cursor}),
            400,
            "INVALID_CURSOR",
        )


@pytest.mark.parametrize(
    "query",
    [
        {"status": "sleeping"}, {"view": "all"}, {"group_by": "colour"}, {"sort": "price"}, {"order": "up"},
        {"limit": "0"}, {"limit": "101"}, {"q": "x" * 101}, {"q": "tab\there"}, {"devices": "many"},
        {"expiring_within_days": "-1"}, {"cursor": "forged"}, {"view": "coupons", "status": "active"},
    ],
)  # fmt: skip
def test_bad_queries_are_400(partner: Partner, query: dict) -> None:
    response = partner.api.get("/v1/licenses", query=query)
    assert response.status == 400, response.body
    assert response.json()["code"] in {"VALIDATION_ERROR", "INVALID_CURSOR"}


def test_a_filtered_page_without_search_is_one_query(partner: Partner, stock, ddb_calls) -> None:
    ddb_calls.reset()
    listed(partner.api, status="unused", product="home")
    assert ddb_calls.calls == ["GetItem", "Query"]  # the authorizer, then one Query of GSI2


def test_export_is_csv_with_every_matching_license(partner: Partner, stock: dict[str, list[str]]) -> None:
    response = partner.api.get("/v1/licenses/export", query={"product": "business"})
    assert response.status == 200, response.body
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.body)))
    assert list(rows[0]) == [
        "key", "product", "devices", "term_months", "status", "partner_id", "order_id",
        "purchased_at", "activation_deadline", "activated_at", "expires_at", "workspace_id",
        "customer_ref", "note", "renewed_at", "redeemed_for", "version", "plan", "suspended_at",
        "cancelled_at", "ends_at",
    ]  # fmt: skip
    assert {row["key"] for row in rows} == set(stock["business"])
    noted = next(row for row in rows if row["key"] == stock["business"][1])
    assert (noted["note"], noted["customer_ref"]) == ("Reserved for ACME Berlin", "ACME-7")


def test_export_follows_link_headers_page_by_page(partner: Partner, stock, monkeypatch) -> None:
    from functions.licenses import app

    monkeypatch.setattr(app, "EXPORT_PAGE", 2)
    keys, query = [], {}
    while True:
        response = partner.api.get("/v1/licenses/export", query=query)
        keys.extend(row["key"] for row in csv.DictReader(io.StringIO(response.body)))
        link = response.headers.get("Link")
        if not link:
            break
        assert link.startswith("</local/v1/licenses/export?")  # the stage's path, as the client called it
        from urllib.parse import parse_qs, urlparse

        query = {k: v[0] for k, v in parse_qs(urlparse(link.split(">")[0].lstrip("<")).query).items()}
    assert sorted(keys) == sorted([key for keys in stock.values() for key in keys]) and len(keys) == 6


def test_export_neutralises_spreadsheet_formulas(partner: Partner, stock: dict[str, list[str]]) -> None:
    partner.api.patch(f"/v1/licenses/{stock['home'][1]}", {"note": '=HYPERLINK("http://evil")'})
    rows = list(csv.DictReader(io.StringIO(partner.api.get("/v1/licenses/export").body)))
    assert next(r for r in rows if r["key"] == stock["home"][1])["note"].startswith("'=")

"""Offers and discount requests made through the admin API, for the offers tests."""

from __future__ import annotations

from typing import Any

from devtools.gateway import HttpResponse
from tests.support.clients import Api, Partner

LATER = "2026-12-31T23:59:59Z"  # after the frozen clock's 2026-11-27 10:00 UTC


def offer_body(partner: Partner, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "partner_id": partner.id,
        "product": "business",
        "devices": 750,  # beyond the catalog's 500: a custom configuration
        "years": 2,
        "licenses": 3,
        "reason": "education",
        "discount_percent": 40,
        "expires_at": LATER,
    }
    return {**body, **fields}


def create_offer(admin: Api, partner: Partner, **fields: Any) -> dict[str, Any]:
    response = admin.post("/v1/admin/offers", offer_body(partner, **fields))
    assert response.status == 201, response.body
    return response.json()


def request_body(**fields: Any) -> dict[str, Any]:
    body = {
        "customer_name": "Springfield Elementary",
        "kind": "education",
        "evidence_url": "https://springfield.example/accreditation.pdf",
        "details": "A public primary school, 40 teachers' laptops.",
    }
    return {**body, **fields}


def ask_discount(partner: Partner, **fields: Any) -> dict[str, Any]:
    response = partner.api.post("/v1/discount-requests", request_body(**fields))
    assert response.status == 201, response.body
    return response.json()


def approval_body(**fields: Any) -> dict[str, Any]:
    body = {"product": "business", "devices": 40, "years": 1, "licenses": 1, "discount_percent": 50}
    return {**body, "expires_at": LATER, **fields}


def approve(admin: Api, request_id: str, **fields: Any) -> HttpResponse:
    return admin.post(f"/v1/admin/discount-requests/{request_id}/approve", approval_body(**fields))

"""Discount requests: a partner asks with its evidence, a partner manager approves (creating the offer,
linked both ways) or rejects with a reason, once; the partner sees the outcome and the offer."""

from __future__ import annotations

from typing import Any

import pytest

from licensing.infra.bus import RecordingPublisher
from licensing.store.table import DiscountRequestItem, OfferItem
from tests.support import table
from tests.support.clients import Api, Partner
from tests.support.offers import LATER, approval_body, approve, ask_discount, request_body
from tests.support.problems import assert_problem


def test_a_partner_asks_for_a_discount(
    partner: Partner, frozen_now: Any, recorded_events: RecordingPublisher
) -> None:
    request = ask_discount(partner)
    assert request["id"].startswith("dsr_")
    assert (request["status"], request["kind"], request["partner_id"]) == ("pending", "education", partner.id)
    assert (request["rejection_reason"], request["offer_id"], request["offer"], request["decided_at"]) == (
        None, None, None, None,
    )  # fmt: skip
    assert request["evidence_url"] == "https://springfield.example/accreditation.pdf"
    assert partner.api.get("/v1/discount-requests").json() == {"items": [request], "next_cursor": None}
    (event,) = recorded_events.events
    assert (event.detail_type, event.event_id) == ("DiscountRequested", f"discount-requested:{request['id']}")
    assert event.detail == {
        "discount_request_id": request["id"], "partner_id": partner.id,
        "customer_name": "Springfield Elementary", "kind": "education",
    }  # fmt: skip


def test_evidence_is_optional_and_an_idempotency_key_replays_the_first_answer(
    partner: Partner, frozen_now: Any, recorded_events: RecordingPublisher
) -> None:
    body = request_body(evidence_url=None, kind="nonprofit")
    once = {"Idempotency-Key": "ask-1"}
    first = partner.api.post("/v1/discount-requests", body, headers=once)
    again = partner.api.post("/v1/discount-requests", body, headers=once)
    assert first.status == again.status == 201
    assert again.json() == first.json()
    assert len(partner.api.get("/v1/discount-requests").json()["items"]) == 1
    assert len(recorded_events.events) == 1
    other = request_body(kind="charity")
    assert_problem(
        partner.api.post("/v1/discount-requests", other, headers=once), 409, "IDEMPOTENCY_KEY_REUSED"
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "custom"},  # the manager's own reason, not a partner's request
        {"kind": "vip"},
        {"evidence_url": "http://springfield.example/proof.pdf"},
        {"evidence_url": "javascript:alert(1)"},
        {"evidence_url": "https://"},
        {"evidence_url": "https://" + "a" * 2000 + ".example"},
        {"customer_name": ""},
        {"customer_name": "x" * 201},
        {"details": ""},
        {"details": "x" * 2001},
        {"details": "bad\u0000text"},
        {"status": "approved"},
    ],
)
def test_bad_discount_requests_are_400_and_write_nothing(
    partner: Partner, frozen_now: Any, fields: dict[str, Any]
) -> None:
    before = table.snapshot()
    assert_problem(partner.api.post("/v1/discount-requests", request_body(**fields)), 400, "VALIDATION_ERROR")
    assert table.snapshot() == before


def test_missing_fields_and_bad_lists_are_400(partner: Partner, admin: Api) -> None:
    before = table.snapshot()
    body = request_body()
    del body["details"]
    assert_problem(partner.api.post("/v1/discount-requests", body), 400, "VALIDATION_ERROR")
    assert_problem(partner.api.get("/v1/discount-requests", query={"limit": "101"}), 400, "VALIDATION_ERROR")
    assert_problem(partner.api.get("/v1/discount-requests", query={"cursor": "junk"}), 400, "INVALID_CURSOR")
    query = {"status": "maybe"}
    assert_problem(admin.get("/v1/admin/discount-requests", query=query), 400, "VALIDATION_ERROR")
    assert table.snapshot() == before


def test_approval_creates_the_offer_and_links_both(
    admin: Api, partner: Partner, frozen_now: Any, recorded_events: RecordingPublisher
) -> None:
    request = ask_discount(partner, kind="teacher")
    response = approve(admin, request["id"], note="Welcome")
    assert response.status == 201, response.body
    approved, offer = response.json()["request"], response.json()["offer"]
    assert (approved["status"], approved["offer_id"], approved["decided_at"]) == (
        "approved", offer["id"], "2026-11-27T10:00:00Z",
    )  # fmt: skip
    assert (offer["reason"], offer["discount_request_id"], offer["status"]) == (
        "teacher",
        request["id"],
        "open",
    )
    assert (offer["partner_id"], offer["devices"], offer["discount_percent"], offer["note"]) == (
        partner.id, 40, 50, "Welcome",
    )  # fmt: skip
    assert admin.get(f"/v1/admin/offers/{offer['id']}").json() == offer
    assert partner.api.get("/v1/offers").json()["items"] == [offer]

    mine = partner.api.get("/v1/discount-requests").json()["items"]
    assert [(r["status"], r["offer"]) for r in mine] == [
        ("approved", {"id": offer["id"], "status": "open", "purchase_url": offer["purchase_url"]})
    ]
    created = [e for e in recorded_events.events if e.detail_type == "OfferCreated"]
    assert [e.detail["discount_request_id"] for e in created] == [request["id"]]

    partner.api.post("/v1/orders", {"offer_id": offer["id"]})
    assert partner.api.get("/v1/discount-requests").json()["items"][0]["offer"]["status"] == "used"


def test_rejection_carries_its_reason(
    admin: Api, partner: Partner, frozen_now: Any, recorded_events: RecordingPublisher
) -> None:
    request = ask_discount(partner)
    response = admin.post(
        f"/v1/admin/discount-requests/{request['id']}/reject", {"reason": "No accreditation."}
    )
    assert response.status == 200, response.body
    assert (response.json()["status"], response.json()["rejection_reason"]) == (
        "rejected",
        "No accreditation.",
    )
    (mine,) = partner.api.get("/v1/discount-requests").json()["items"]
    assert (mine["status"], mine["rejection_reason"], mine["offer"]) == (
        "rejected",
        "No accreditation.",
        None,
    )
    rejected = recorded_events.events[-1]
    assert (rejected.detail_type, rejected.event_id) == (
        "DiscountRequestRejected", f"discount-request-rejected:{request['id']}",
    )  # fmt: skip
    assert rejected.detail["reason"] == "No accreditation."


@pytest.mark.parametrize("first", ["approve", "reject"])
def test_deciding_twice_is_409_and_writes_nothing(
    admin: Api, partner: Partner, frozen_now: Any, first: str
) -> None:
    request = ask_discount(partner)
    path = f"/v1/admin/discount-requests/{request['id']}"
    if first == "approve":
        assert approve(admin, request["id"]).status == 201
    else:
        assert admin.post(f"{path}/reject", {"reason": "No."}).status == 200
    before = table.snapshot()
    decided = "approved" if first == "approve" else "rejected"
    assert (
        assert_problem(approve(admin, request["id"]), 409, "DISCOUNT_REQUEST_DECIDED")["decision"] == decided
    )
    problem = assert_problem(admin.post(f"{path}/reject", {"reason": "No."}), 409, "DISCOUNT_REQUEST_DECIDED")
    assert problem["decision"] == decided
    assert table.snapshot() == before


def test_admin_lists_requests_by_status_across_partners(
    admin: Api, partner: Partner, frozen_now: Any
) -> None:
    other = Partner.create(admin, name="Other")
    a, b, c = ask_discount(partner), ask_discount(other), ask_discount(partner, kind="student")
    approve(admin, a["id"])
    admin.post(f"/v1/admin/discount-requests/{b['id']}/reject", {"reason": "No."})

    def listed(status: str | None = None, **query: str) -> dict[str, Any]:
        response = admin.get(
            "/v1/admin/discount-requests", query={**({"status": status} if status else {}), **query}
        )
        assert response.status == 200, response.body
        return response.json()

    assert [r["id"] for r in listed()["items"]] == [c["id"]]  # pending by default
    assert [r["id"] for r in listed("pending")["items"]] == [c["id"]]
    (approved,) = listed("approved")["items"]
    assert (approved["id"], approved["status"], approved["offer_id"] is not None) == (
        a["id"],
        "approved",
        True,
    )
    (rejected,) = listed("rejected")["items"]
    assert (rejected["id"], rejected["partner_id"], rejected["rejection_reason"]) == (
        b["id"],
        other.id,
        "No.",
    )
    assert rejected == {
        **b,
        "status": "rejected",
        "rejection_reason": "No.",
        "decided_at": "2026-11-27T10:00:00Z",
    }

    more = [ask_discount(other) for _ in range(3)]
    page = listed("pending", limit="2")
    assert [r["id"] for r in page["items"]] == [more[2]["id"], more[1]["id"]]
    rest = listed("pending", limit="2", cursor=page["next_cursor"])
    assert [r["id"] for r in rest["items"]] == [more[0]["id"], c["id"]]
    assert_problem(
        admin.get("/v1/admin/discount-requests", query={"status": "approved", "cursor": page["next_cursor"]}),
        400, "INVALID_CURSOR",
    )  # fmt: skip


def test_partners_see_only_their_own_requests(admin: Api, partner: Partner, frozen_now: Any) -> None:
    other = Partner.create(admin, name="Other")
    mine = [ask_discount(partner) for _ in range(3)]
    ask_discount(other)
    page = partner.api.get("/v1/discount-requests", query={"limit": "2"}).json()
    rest = partner.api.get(
        "/v1/discount-requests", query={"limit": "2", "cursor": page["next_cursor"]}
    ).json()
    assert [r["id"] for r in page["items"] + rest["items"]] == [r["id"] for r in reversed(mine)]
    assert_problem(
        other.api.get("/v1/discount-requests", query={"limit": "2", "cursor": page["next_cursor"]}),
        400, "INVALID_CURSOR",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"discount_percent": 150}, 422, "INVALID_OFFER_PRICE"),
        (
            {"discount_percent": None, "price_per_license": {"amount": -100, "currency": "EUR"}},
            422,
            "INVALID_OFFER_PRICE",
        ),
        ({"expires_at": "2026-01-01T00:00:00Z"}, 422, "INVALID_OFFER_EXPIRY"),
        ({"product": "platinum"}, 422, "UNKNOWN_PRODUCT"),
        ({"years": 11}, 400, "VALIDATION_ERROR"),
        ({"reason": "custom"}, 400, "VALIDATION_ERROR"),  # the reason is the request's kind
        ({"partner_id": "ptn_x"}, 400, "VALIDATION_ERROR"),
    ],
)
def test_bad_approvals_write_nothing_and_leave_the_request_pending(
    admin: Api, partner: Partner, frozen_now: Any, fields: dict[str, Any], status: int, code: str
) -> None:
    request = ask_discount(partner)
    before = table.snapshot()
    assert_problem(approve(admin, request["id"], **fields), status, code)
    assert table.snapshot() == before


def test_unknown_requests_and_bad_rejections(admin: Api, partner: Partner, frozen_now: Any) -> None:
    request = ask_discount(partner)
    before = table.snapshot()
    assert_problem(approve(admin, "dsr_missing"), 404, "DISCOUNT_REQUEST_NOT_FOUND")
    path = "/v1/admin/discount-requests/dsr_missing/reject"
    assert_problem(admin.post(path, {"reason": "No."}), 404, "DISCOUNT_REQUEST_NOT_FOUND")
    path = f"/v1/admin/discount-requests/{request['id']}/reject"
    for body in ({}, {"reason": ""}, {"reason": "x" * 501}, {"reason": "No.", "extra": 1}):
        assert_problem(admin.post(path, body), 400, "VALIDATION_ERROR")
    assert table.snapshot() == before
    assert (
        DiscountRequestItem.get(f"DISCOUNT_REQUEST#{request['id']}", "DISCOUNT_REQUEST").status == "pending"
    )
    assert sum(1 for i in OfferItem.scan() if i.SK == "OFFER") == 0
    assert approval_body()["expires_at"] == LATER

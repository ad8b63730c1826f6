"""An owner's own API keys (`/v1/api-keys`): issued with a role and the secret shown once, listed without
secrets (revoked ones marked), revoked once (again is fine); another partner's key is unknown. A key acts
with its role: the resolver refuses what the role does not grant."""

from __future__ import annotations

from tests.support.clients import Partner
from tests.support.table import snapshot


def test_issue_list_and_revoke(partner: Partner) -> None:
    issued = partner.api.post("/v1/api-keys", {"name": "help desk", "role": "read_only"})
    assert issued.status == 201, issued.body
    key = issued.json()
    assert (key["partner_id"], key["role"], key["name"]) == (partner.id, "read_only", "help desk")
    assert key["api_key"].startswith(f"{key['key_id']}.")
    listed = partner.api.get("/v1/api-keys")
    assert listed.status == 200
    rows = {row["key_id"]: row for row in listed.json()["items"]}
    assert set(rows) == {partner.key_id, key["key_id"]}
    assert rows[key["key_id"]] == {
        "key_id": key["key_id"], "name": "help desk", "role": "read_only", "created_at": key["created_at"],
        "revoked": False, "revoked_at": None,
    }  # fmt: skip
    assert rows[partner.key_id]["role"] == "owner"
    secret = key["api_key"].split(".", 1)[1]
    assert secret not in listed.body
    assert "secret_hash" not in listed.body
    assert partner.api.delete(f"/v1/api-keys/{key['key_id']}").status == 204
    assert partner.api.delete(f"/v1/api-keys/{key['key_id']}").status == 204  # again: fine
    revoked = {row["key_id"]: row for row in partner.api.get("/v1/api-keys").json()["items"]}[key["key_id"]]
    assert revoked["revoked"] is True and revoked["revoked_at"]
    gone = partner.api.with_key(key["api_key"]).get("/v1/licenses")
    assert gone.status == 401


def test_the_list_pages_with_a_cursor(partner: Partner) -> None:
    made = [partner.api.post("/v1/api-keys", {"name": f"k{n}", "role": "billing"}).json() for n in range(3)]
    seen, cursor = [], None
    while True:
        page = partner.api.get("/v1/api-keys", query={"limit": "2", **({"cursor": cursor} if cursor else {})})
        assert page.status == 200, page.body
        seen += [row["key_id"] for row in page.json()["items"]]
        if not (cursor := page.json()["next_cursor"]):
            break
    assert seen == [partner.key_id, *(k["key_id"] for k in made)]  # oldest first


def test_a_key_acts_with_its_role(partner: Partner) -> None:
    read_only = partner.api.with_key(
        partner.api.post("/v1/api-keys", {"name": "viewer", "role": "read_only"}).json()["api_key"]
    )
    before = snapshot()
    refused = read_only.post("/v1/orders", {"product": "business", "devices": 5, "years": 1})
    assert (refused.status, refused.json()["code"]) == (403, "FORBIDDEN")
    assert snapshot() == before
    assert read_only.get("/v1/licenses").status == 200
    purchaser = partner.api.with_key(partner.api.post("/v1/api-keys", {"name": "buyer"}).json()["api_key"])
    assert purchaser.post("/v1/orders", {"product": "business", "devices": 5, "years": 1}).status == 201
    assert purchaser.get("/v1/api-keys").status == 403  # the default role: purchaser


def test_another_partners_key_is_unknown(partner: Partner, admin) -> None:
    other = Partner.create(admin, name="Other Reseller")
    unknown = "plk_01JDZ0000000000000000000000"
    before = snapshot()
    for key_id in (partner.key_id, unknown):
        answer = other.api.delete(f"/v1/api-keys/{key_id}")
        assert (answer.status, answer.json()["code"]) == (404, "API_KEY_NOT_FOUND")
        assert answer.json()["detail"] == f"No API key '{key_id}'."
    assert snapshot() == before
    assert partner.api.get("/v1/me").status == 200  # A's key still works
    assert partner.key_id not in other.api.get("/v1/api-keys").body


def test_bad_bodies_write_nothing(partner: Partner) -> None:
    before = snapshot()
    for body in ({"name": "x", "role": "emperor"}, {"name": "x" * 101}, {"name": "x", "secret": "mine"}):
        answer = partner.api.post("/v1/api-keys", body)
        assert (answer.status, answer.json()["code"]) == (400, "VALIDATION_ERROR"), body
    assert snapshot() == before

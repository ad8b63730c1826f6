"""A partner's people through the gateway: an owner invites (Cognito e-mails the invitation, or a
temporary password is set), lists, re-roles, suspends and removes them; the last active owner stays;
every change is exactly once under retries and a crash between the directory and the table."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from devtools.user_pool import UserPool
from licensing.people import repository as people_repo
from tests.support.clients import Api, Partner
from tests.support.distributors import create_distributor
from tests.support.table import snapshot

PASSWORD = "Sup3r-Secret-Pw!"


def invite(partner: Partner, email: str, role: str = "purchaser", **fields: Any):
    return partner.api.post("/v1/users", {"email": email, "role": role, **fields})


def created(partner: Partner, email: str, role: str = "purchaser", **fields: Any) -> dict[str, Any]:
    answer = invite(partner, email, role, temporary_password=PASSWORD, **fields)
    assert answer.status == 201, answer.body
    return answer.json()


def directory_user(pool: UserPool, email: str) -> dict[str, str] | None:
    cognito = boto3.client("cognito-idp")
    try:
        found = cognito.admin_get_user(UserPoolId=pool.id, Username=email)
    except cognito.exceptions.UserNotFoundException:
        return None
    return {a["Name"]: a["Value"] for a in found["UserAttributes"]} | {"status": found["UserStatus"]}


def test_invite_with_a_temporary_password(partner: Partner, user_pool: UserPool) -> None:
    person = created(partner, "  Ann@Acme.Example ")
    assert person["email"] == "ann@acme.example"
    assert (person["role"], person["status"]) == ("purchaser", "active")
    assert set(person) == {"id", "email", "role", "status", "created_at", "updated_at"}
    user = directory_user(user_pool, "ann@acme.example")
    assert user is not None
    assert user["sub"] == person["id"]
    assert user["custom:partner_id"] == partner.id
    assert (user["email_verified"], user["status"]) == ("true", "FORCE_CHANGE_PASSWORD")


def test_invite_without_a_password_sends_the_invitation(partner: Partner, user_pool: UserPool) -> None:
    answer = invite(partner, "bob@acme.example", "billing")
    assert answer.status == 201, answer.body
    assert directory_user(user_pool, "bob@acme.example")["custom:partner_id"] == partner.id  # type: ignore[index]
    listed = partner.api.get("/v1/users").json()["items"]
    assert [(p["email"], p["role"]) for p in listed] == [("bob@acme.example", "billing")]


def test_list_pages_with_a_cursor(partner: Partner, user_pool: UserPool) -> None:
    emails = [f"p{n}@acme.example" for n in range(5)]
    for email in reversed(emails):
        created(partner, email)
    seen, cursor = [], None
    while True:
        query = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        page = partner.api.get("/v1/users", query=query).json()
        seen += [p["email"] for p in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert seen == emails  # by e-mail
    forged = partner.api.get("/v1/users", query={"cursor": "bm90LWEtY3Vyc29y"})
    assert (forged.status, forged.json()["code"]) == (400, "INVALID_CURSOR")


def test_re_role_suspend_and_reactivate(partner: Partner, user_pool: UserPool) -> None:
    person = created(partner, "carl@acme.example")
    path = f"/v1/users/{person['id']}"
    changed = partner.api.patch(path, {"role": "read_only"})
    assert (changed.status, changed.json()["role"]) == (200, "read_only"), changed.body
    suspended = partner.api.patch(path, {"status": "suspended"}).json()
    assert (suspended["role"], suspended["status"]) == ("read_only", "suspended")
    assert people_repo.get(person["id"]).status == "suspended"  # type: ignore[union-attr]
    again = partner.api.patch(path, {"status": "active", "role": "owner"}).json()
    assert (again["role"], again["status"]) == ("owner", "active")
    assert people_repo.owner_count(partner.id) == 1


def test_remove_then_retry(partner: Partner, user_pool: UserPool) -> None:
    person = created(partner, "dora@acme.example")
    path = f"/v1/users/{person['id']}"
    assert partner.api.delete(path).status == 204
    assert directory_user(user_pool, "dora@acme.example") is None
    assert people_repo.get(person["id"]) is None
    again = partner.api.delete(path)
    assert (again.status, again.json()["code"]) == (404, "USER_NOT_FOUND")
    assert partner.api.get("/v1/users").json()["items"] == []


def test_a_removal_interrupted_after_access_ended_is_finished_by_the_retry(
    partner: Partner, user_pool: UserPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    owners = [created(partner, f"o{n}@acme.example", "owner") for n in range(2)]
    path = f"/v1/users/{owners[0]['id']}"
    from licensing.infra import cognito

    def crash(_: str) -> None:
        raise RuntimeError("lost the connection")

    monkeypatch.setattr(cognito, "delete_user", crash)
    assert partner.api.delete(path).status == 500
    stuck = people_repo.get(owners[0]["id"])
    assert stuck is not None and stuck.status == "removing"  # no access any more
    assert people_repo.owner_count(partner.id) == 1
    monkeypatch.undo()
    assert partner.api.delete(path).status == 204
    assert people_repo.get(owners[0]["id"]) is None
    assert directory_user(user_pool, "o0@acme.example") is None
    assert people_repo.owner_count(partner.id) == 1  # counted down once


@pytest.mark.parametrize(
    ("change", "body"),
    [("remove", None), ("suspend", {"status": "suspended"}), ("demote", {"role": "purchaser"})],
)
def test_the_last_active_owner_stays(
    partner: Partner, user_pool: UserPool, change: str, body: dict[str, str] | None
) -> None:
    owner = created(partner, "olga@acme.example", "owner")
    path = f"/v1/users/{owner['id']}"
    before = snapshot()
    answer = partner.api.delete(path) if body is None else partner.api.patch(path, body)
    assert (answer.status, answer.json()["code"]) == (409, "LAST_OWNER"), answer.body
    assert snapshot() == before
    assert directory_user(user_pool, "olga@acme.example") is not None
    # with a second active owner the same change goes through
    created(partner, "otto@acme.example", "owner")
    answer = partner.api.delete(path) if body is None else partner.api.patch(path, body)
    assert answer.status in (200, 204), answer.body
    assert people_repo.owner_count(partner.id) == 1


def test_a_suspended_owner_does_not_count(partner: Partner, user_pool: UserPool) -> None:
    first = created(partner, "o1@acme.example", "owner")
    second = created(partner, "o2@acme.example", "owner")
    assert partner.api.patch(f"/v1/users/{second['id']}", {"status": "suspended"}).status == 200
    refused = partner.api.patch(f"/v1/users/{first['id']}", {"role": "billing"})
    assert (refused.status, refused.json()["code"]) == (409, "LAST_OWNER")
    assert partner.api.delete(f"/v1/users/{second['id']}").status == 204  # suspended: not counted
    assert people_repo.owner_count(partner.id) == 1


def test_a_duplicate_e_mail_is_refused_here_and_at_another_partner(
    partner: Partner, admin, user_pool: UserPool
) -> None:
    created(partner, "eve@acme.example")
    other = Partner.create(admin, name="Other Reseller")
    before = snapshot()
    again = invite(partner, "EVE@acme.example", "billing")
    assert (again.status, again.json()["code"]) == (409, "USER_EXISTS")
    elsewhere = invite(other, "eve@acme.example")
    assert (elsewhere.status, elsewhere.json()["code"]) == (409, "USER_EXISTS")
    assert elsewhere.json()["detail"] == again.json()["detail"]  # nothing about the first partner
    assert partner.id not in elsewhere.body
    assert snapshot() == before
    assert [p["email"] for p in other.api.get("/v1/users").json()["items"]] == []


def test_another_partners_user_is_not_found_like_an_unknown_one(
    partner: Partner, admin, user_pool: UserPool
) -> None:
    person = created(partner, "fay@acme.example")
    other = Partner.create(admin, name="Other Reseller")
    unknown = "00000000-0000-4000-8000-000000000000"
    before = snapshot()
    for user_id in (person["id"], unknown):
        for answer in (
            other.api.patch(f"/v1/users/{user_id}", {"role": "billing"}),
            other.api.delete(f"/v1/users/{user_id}"),
        ):
            assert (answer.status, answer.json()["code"]) == (404, "USER_NOT_FOUND")
            assert answer.json()["detail"] == f"No user '{user_id}'."
    assert snapshot() == before
    assert people_repo.get(person["id"]).role == "purchaser"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"email": "not-an-email", "role": "purchaser"}, "VALIDATION_ERROR"),
        ({"email": "a@b.example", "role": "emperor"}, "VALIDATION_ERROR"),
        ({"email": "a@b.example", "role": "purchaser", "admin": True}, "VALIDATION_ERROR"),
        ({"email": f"{'a' * 250}@b.example", "role": "purchaser"}, "VALIDATION_ERROR"),
        ({"email": "a@b.example"}, "VALIDATION_ERROR"),
        ({"email": "a@b.example", "role": "owner", "temporary_password": "Sh0rt!"}, "VALIDATION_ERROR"),
        ({"email": "a@b.example", "role": "owner", "temporary_password": "x" * 300}, "VALIDATION_ERROR"),
        (
            {"email": "a@b.example", "role": "owner", "temporary_password": "lowercase-123"},
            "INVALID_PASSWORD",
        ),
        (
            {"email": "a@b.example", "role": "owner", "temporary_password": "NoDigitsHere!"},
            "INVALID_PASSWORD",
        ),
    ],
)
def test_bad_invitations_write_nothing(
    partner: Partner, user_pool: UserPool, body: dict[str, Any], code: str
) -> None:
    before = snapshot()
    answer = partner.api.post("/v1/users", body)
    status = 422 if code == "INVALID_PASSWORD" else 400
    assert (answer.status, answer.json()["code"]) == (status, code), answer.body
    assert snapshot() == before
    assert directory_user(user_pool, "a@b.example") is None


@pytest.mark.parametrize(
    "body", [{"status": "removing"}, {"role": "emperor"}, {"role": None}, {"nickname": "x"}, {"status": 1}]
)
def test_bad_changes_write_nothing(partner: Partner, user_pool: UserPool, body: dict[str, Any]) -> None:
    person = created(partner, "gus@acme.example")
    before = snapshot()
    answer = partner.api.patch(f"/v1/users/{person['id']}", body)
    assert (answer.status, answer.json()["code"]) == (400, "VALIDATION_ERROR"), answer.body
    assert snapshot() == before


@pytest.mark.parametrize("role", ["purchaser", "billing", "read_only"])
def test_only_owners_reach_the_people_routes(partner: Partner, user_pool: UserPool, role: str) -> None:
    person = created(partner, "hal@acme.example")
    key = partner.api.post("/v1/api-keys", {"name": role, "role": role}).json()
    caller = partner.api.with_key(key["api_key"])
    before = snapshot()
    for answer in (
        caller.get("/v1/users"),
        caller.post("/v1/users", {"email": "new@acme.example", "role": "owner"}),
        caller.patch(f"/v1/users/{person['id']}", {"role": "owner"}),
        caller.delete(f"/v1/users/{person['id']}"),
        caller.get("/v1/api-keys"),
        caller.post("/v1/api-keys", {"name": "mine", "role": "owner"}),
        caller.delete(f"/v1/api-keys/{key['key_id']}"),
    ):
        assert (answer.status, answer.json()["code"]) == (403, "FORBIDDEN"), answer.body
    assert snapshot() == before
    assert directory_user(user_pool, "new@acme.example") is None
    me = caller.get("/v1/me")
    assert me.status == 200
    assert me.json()["caller"] == {
        "type": "api_key", "role": role, "key_id": key["key_id"], "name": role,
        "id": None, "email": None, "status": None,
    }  # fmt: skip
    assert me.json()["partner"]["id"] == partner.id


def test_me_for_an_owner_key(partner: Partner) -> None:
    me = partner.api.get("/v1/me").json()
    assert me["role"] == "owner"
    assert me["partner"] == {
        "id": partner.id, "name": "Acme Reseller", "currency": "EUR",
        "billing": "prepaid", "distributor_id": None, "distributor": None,
    }  # fmt: skip
    assert (me["caller"]["type"], me["caller"]["key_id"]) == ("api_key", partner.key_id)


def test_me_tells_the_portal_how_the_partner_buys(admin: Api, monthly_partner: Partner) -> None:
    """The portal offers the monthly plan and direct purchase only to the partners that have them."""
    assert monthly_partner.api.get("/v1/me").json()["partner"]["billing"] == "monthly"
    distributor_id = create_distributor(admin)["id"]
    moved = admin.patch(f"/v1/admin/partners/{monthly_partner.id}", {"distributor_id": distributor_id})
    assert moved.status == 200, moved.body
    partner = monthly_partner.api.get("/v1/me").json()["partner"]
    assert partner["distributor_id"] == distributor_id
    assert partner["distributor"] == {
        "id": distributor_id, "name": "Nordic Distribution",
        "email": "orders@nordic.example", "support_url": None,
    }  # fmt: skip


def test_an_idempotency_key_replays_the_invitation(partner: Partner, user_pool: UserPool) -> None:
    once = {"Idempotency-Key": "invite-ivy"}
    body = {"email": "ivy@acme.example", "role": "owner", "temporary_password": PASSWORD}
    first = partner.api.post("/v1/users", body, headers=once)
    assert first.status == 201, first.body
    replay = partner.api.post("/v1/users", body, headers=once)
    assert (replay.status, replay.json()) == (201, first.json())
    assert len(partner.api.get("/v1/users").json()["items"]) == 1
    assert people_repo.owner_count(partner.id) == 1
    other = partner.api.post("/v1/users", {**body, "role": "billing"}, headers=once)
    assert (other.status, other.json()["code"]) == (409, "IDEMPOTENCY_KEY_REUSED")
    without = partner.api.post("/v1/users", body)
    assert (without.status, without.json()["code"]) == (409, "USER_EXISTS")


def test_a_crash_between_the_directory_and_the_table_is_repaired_by_the_retry(
    partner: Partner, user_pool: UserPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*_: Any, **__: Any) -> None:
        raise RuntimeError("the Lambda died here")

    monkeypatch.setattr(people_repo, "add_create", crash)
    body = {"email": "jo@acme.example", "role": "owner", "temporary_password": PASSWORD}
    assert partner.api.post("/v1/users", body).status == 500
    assert directory_user(user_pool, "jo@acme.example") is not None
    assert partner.api.get("/v1/users").json()["items"] == []
    monkeypatch.undo()
    retried = partner.api.post("/v1/users", body)
    assert retried.status == 201, retried.body
    assert retried.json()["id"] == directory_user(user_pool, "jo@acme.example")["sub"]  # type: ignore[index]
    assert [p["email"] for p in partner.api.get("/v1/users").json()["items"]] == ["jo@acme.example"]
    assert people_repo.owner_count(partner.id) == 1
    assert partner.api.post("/v1/users", body).json()["code"] == "USER_EXISTS"


def test_the_admin_creates_a_partners_first_owner(partner: Partner, admin, user_pool: UserPool) -> None:
    path = f"/v1/admin/partners/{partner.id}/users"
    body = {"email": "First@Acme.example", "role": "owner", "temporary_password": PASSWORD}
    answer = admin.post(path, body)
    assert answer.status == 201, answer.body
    assert set(answer.json()) == {"id", "email", "role", "status", "created_at", "updated_at"}
    assert (answer.json()["email"], answer.json()["role"]) == ("first@acme.example", "owner")
    assert [p["id"] for p in admin.get(path).json()["items"]] == [answer.json()["id"]]
    assert admin.post(path, {**body, "role": "purchaser"}).status == 400
    unknown = admin.post(
        "/v1/admin/partners/ptn_01JDZ0000000000000000000000/users", {**body, "email": "x@y.example"}
    )
    assert (unknown.status, unknown.json()["code"]) == (404, "PARTNER_NOT_FOUND")
    assert directory_user(user_pool, "x@y.example") is None
    assert people_repo.owner_count(partner.id) == 1


@pytest.mark.parametrize(
    ("cognito_code", "status", "code"),
    [
        ("InvalidPasswordException", 422, "INVALID_PASSWORD"),
        ("InvalidParameterException", 422, "INVALID_EMAIL"),
        ("UsernameExistsException", 409, "USER_EXISTS"),
        ("TooManyRequestsException", 503, "DIRECTORY_UNAVAILABLE"),
    ],
)
def test_the_directorys_refusals_are_typed_problems(
    partner: Partner, user_pool: UserPool, monkeypatch: pytest.MonkeyPatch, cognito_code: str, status: int,
    code: str,
) -> None:  # fmt: skip
    from botocore.exceptions import ClientError

    from licensing.infra import cognito

    class Refusing:
        def admin_create_user(self, **_: Any) -> None:
            raise ClientError({"Error": {"Code": cognito_code, "Message": "no"}}, "AdminCreateUser")

        def admin_get_user(self, **_: Any) -> None:
            raise ClientError({"Error": {"Code": "UserNotFoundException", "Message": "no"}}, "AdminGetUser")

    monkeypatch.setattr(cognito, "client", Refusing)
    before = snapshot()
    answer = invite(partner, "kim@acme.example", temporary_password=PASSWORD)
    assert (answer.status, answer.json()["code"]) == (status, code), answer.body
    assert snapshot() == before


def test_me_for_a_person(gateway, partner: Partner, user_pool: UserPool) -> None:
    """As the authorizer describes a signed-in person (its JWT verification is tested with the authorizer)."""
    import json

    from devtools.gateway import LambdaContext, api_event

    person = created(partner, "lea@acme.example", "billing")

    def me_as(user_id: str) -> tuple[int, Any]:
        route, params = next((r, p) for r in gateway.routes if (p := r.match("GET", "/v1/me")) is not None)
        event = api_event(route, "/v1/me", params, {}, {}, None, False, "req-me")
        event["requestContext"]["authorizer"] = {
            "principalId": user_id, "role": "partner", "partner_id": partner.id, "api_key_id": "",
            "partner_role": "billing", "user_id": user_id, "email": "lea@acme.example",
        }  # fmt: skip
        result = gateway.handler(route.module)(event, LambdaContext(route.module))
        return result["statusCode"], json.loads(result["body"])

    status, me = me_as(person["id"])
    assert status == 200
    assert me["caller"] == {
        "type": "user", "role": "billing", "id": person["id"], "email": "lea@acme.example",
        "status": "active", "key_id": None, "name": None,
    }  # fmt: skip
    assert (me["partner"]["id"], me["role"]) == (partner.id, "billing")
    assert partner.api.delete(f"/v1/users/{person['id']}").status == 204
    status, gone = me_as(person["id"])
    assert (status, gone["code"]) == (401, "UNAUTHORIZED")

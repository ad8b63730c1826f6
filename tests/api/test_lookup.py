"""The client software's lookup and first-use activation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from licensing.core.actors import system
from licensing.infra.bus import RecordingPublisher
from licensing.licenses import repository as licenses
from licensing.licenses.keys import generate_key
from licensing.store.table import HistoryItem
from tests.support.clients import Api, Partner, WebhookSender
from tests.support.problems import assert_problem


@pytest.fixture
def client(api: Api) -> Api:
    return api.with_key(None)


@pytest.fixture
def keys(partner: Partner, webhook: WebhookSender, frozen_now) -> list[str]:
    order = partner.order(licenses=2, years=2).json()
    webhook.pay(order, timestamp=int(frozen_now().timestamp()))
    return partner.api.get(f"/v1/orders/{order['id']}").json()["license_keys"]


def look_up(client: Api, key: str, workspace: str = "ws-1") -> dict:
    response = client.post("/v1/lookup", {"license_key": key, "workspace_id": workspace})
    assert response.status == 200, response.body
    return response.json()


@pytest.mark.engines  # also on DynamoDB Local: tests/conftest.py
def test_first_lookup_activates_for_the_workspace(
    client: Api, keys: list[str], frozen_now, recorded_events: RecordingPublisher, partner: Partner
) -> None:
    now = frozen_now()
    answer = look_up(client, keys[0])
    assert answer["valid"] is True
    assert answer["code"] == "VALID"
    license = answer["license"]
    assert license["status"] == "active"
    assert license["activated_at"] == "2026-11-27T10:00:00Z"
    assert license["expires_at"] == "2028-11-27T10:00:00Z"  # two-year term from first use
    assert license["workspace_id"] == "ws-1"
    assert license["term_months"] == 24
    assert "note" not in license and "partner_id" not in license  # the client sees no partner data
    activated = [e for e in recorded_events.events if e.detail_type == "LicenseActivated"]
    assert [e.detail["license_key"] for e in activated] == [keys[0]]
    history = [h for h in HistoryItem.query(f"LICENSE#{keys[0]}") if h.SK.startswith("HISTORY#")]
    assert [(h.action, h.actor) for h in history] == [("activated", system("client:ws-1"))]
    assert history[0].at == now

    frozen_now(now + timedelta(days=30))
    again = look_up(client, keys[0])
    assert again["code"] == "VALID"
    assert again["license"]["activated_at"] == "2026-11-27T10:00:00Z"  # the term did not restart
    order = partner.api.get(f"/v1/orders/{licenses.get(keys[0]).order_id}").json()
    assert (order["licenses_used"], order["licenses_unused"]) == (1, 1)


@pytest.mark.engines  # also on DynamoDB Local: tests/conftest.py
def test_another_workspace_is_refused(client: Api, keys: list[str]) -> None:
    look_up(client, keys[0], "ws-1")
    answer = look_up(client, keys[0], "ws-2")
    assert answer == {
        "valid": False,
        "code": "WORKSPACE_MISMATCH",
        "license": {**answer["license"], "workspace_id": None},
    }
    assert licenses.get(keys[0]).workspace_id == "ws-1"


def test_key_is_normalised(client: Api, keys: list[str]) -> None:
    typed = keys[0].replace("-", "").lower()
    assert look_up(client, typed)["license"]["key"] == keys[0]


def test_expired_license(client: Api, keys: list[str], frozen_now) -> None:
    look_up(client, keys[0])
    frozen_now(frozen_now() + timedelta(days=2 * 366))
    answer = look_up(client, keys[0])
    assert (answer["valid"], answer["code"], answer["license"]["status"]) == (False, "EXPIRED", "expired")


def test_coupon_lapses_after_twelve_months(client: Api, keys: list[str], frozen_now) -> None:
    frozen_now(frozen_now() + timedelta(days=366))
    answer = look_up(client, keys[0])
    assert (answer["valid"], answer["code"]) == (False, "LAPSED")
    assert licenses.get(keys[0]).activated_at is None  # a lapsed coupon is never activated


def test_revoked_license(
    client: Api, keys: list[str], partner: Partner, webhook: WebhookSender, frozen_now
) -> None:
    order_id = licenses.get(keys[0]).order_id
    order = partner.api.get(f"/v1/orders/{order_id}").json()
    webhook.pay(order, type="payment.refunded", timestamp=int(frozen_now().timestamp()))
    answer = look_up(client, keys[0])
    assert (answer["valid"], answer["code"]) == (False, "REVOKED")


@pytest.mark.parametrize(
    "key",
    ["", "ABC", "XXXXX-XXXXX-XXXXX-XXXXX-XXXX!", "UUUUU-UUUUU-UUUUU-UUUUU-UUUUU", "x" * 64],
)
def test_malformed_key_is_400_without_a_read(client: Api, key: str, ddb_calls) -> None:
    ddb_calls.reset()
    response = client.post("/v1/lookup", {"license_key": key, "workspace_id": "ws-1"})
    assert response.status == 400, response.body
    assert response.json()["code"] in {"INVALID_LICENSE_KEY", "VALIDATION_ERROR"}
    assert len(ddb_calls) == 0


def test_mistyped_key_is_caught_by_the_check_symbol(client: Api, keys: list[str], ddb_calls) -> None:
    key = keys[0]
    wrong = ("1" if key[0] != "1" else "2") + key[1:]
    ddb_calls.reset()
    assert_problem(
        client.post("/v1/lookup", {"license_key": wrong, "workspace_id": "ws"}), 400, "INVALID_LICENSE_KEY"
    )
    assert len(ddb_calls) == 0


def test_unknown_key_is_404(client: Api) -> None:
    assert_problem(
        client.post("/v1/lookup", {"license_key": generate_key(), "workspace_id": "ws-1"}),
        404,
        "LICENSE_NOT_FOUND",
    )


@pytest.mark.parametrize(
    "body",
    [
        {"license_key": "K"},
        {"workspace_id": "ws"},
        {"license_key": 12345, "workspace_id": "ws"},
        {"license_key": "K", "workspace_id": ""},
        {"license_key": "K", "workspace_id": "w s"},
        {"license_key": "K", "workspace_id": "w" * 129},
    ],
)
def test_bad_lookup_bodies(client: Api, body: dict) -> None:
    assert_problem(client.post("/v1/lookup", body), 400, "VALIDATION_ERROR")


def test_lookup_answer_matches_the_documented_schema(client: Api, keys: list[str]) -> None:
    from licensing.licenses.api import LookupOut

    for workspace in ("ws-1", "ws-2"):
        answer = look_up(client, keys[0], workspace)
        assert LookupOut.model_validate(answer).model_dump(mode="json") == answer


@pytest.mark.parametrize(
    ("raw", "code"), [("{", "MALFORMED_JSON"), ("[1,", "MALFORMED_JSON"), ("", "VALIDATION_ERROR")]
)
def test_lookup_body_that_is_not_json(client: Api, raw: str, code: str) -> None:
    assert_problem(
        client.post("/v1/lookup", body=raw, headers={"Content-Type": "application/json"}), 400, code
    )


def test_unexpected_failure_is_a_500_problem_without_details(
    client: Api, keys: list[str], monkeypatch
) -> None:
    from licensing.licenses import lookup

    def broken(*_args: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(lookup.license_repo, "get", broken)
    response = client.post("/v1/lookup", {"license_key": keys[0], "workspace_id": "ws"})
    problem = assert_problem(response, 500, "INTERNAL_ERROR")
    assert "secret internals" not in response.body
    assert problem["request_id"]

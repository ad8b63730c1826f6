"""A known path asked with a method it does not have: 405 METHOD_NOT_ALLOWED with `Allow`, as a problem,
from the function behind the path's ANY route (no key needed); an unknown path stays 404."""

import json

import pytest

from tests.support.clients import Api
from tests.support.paths import REPO_ROOT

DOCUMENT = json.loads((REPO_ROOT / "docs" / "openapi.json").read_text())
SAMPLE_PARAMETERS = {
    "key": "7K3QD-M9XWT-2FHBR-0JNVA-5CZE8",
    "order_id": "ord_01JDZ0000000000000000000000",
    "partner_id": "ptn_01JDZ0000000000000000000000",
    "offer_id": "ofr_01JDZ0000000000000000000000",
    "request_id": "dsr_01JDZ0000000000000000000000",
    "distributor_id": "dst_01JDZ0000000000000000000000",
    "key_id": "lk_01JDZ0000000000000000000000",
    "user_id": "3f1c9a52-7d1e-4c1b-9a0e-2b6f0f6c8d41",
}
PATHS = sorted(DOCUMENT["paths"].items())


def _concrete(template: str) -> str:
    for name, value in SAMPLE_PARAMETERS.items():
        template = template.replace("{" + name + "}", value)
    return template


@pytest.mark.parametrize(("template", "methods"), PATHS, ids=[path for path, _ in PATHS])
def test_every_path_refuses_the_methods_it_lacks_with_405_and_allow(
    api: Api, template: str, methods: dict
) -> None:
    allowed = sorted(method.upper() for method in methods)
    for method in sorted({"GET", "POST", "PUT", "PATCH", "DELETE", "TRACE"} - set(allowed)):
        answer = api.request(method, _concrete(template))
        assert answer.status == 405, (method, template, answer.body)
        assert answer.headers["Allow"] == ", ".join(allowed)
        assert answer.headers["Content-Type"] == "application/problem+json"
        assert answer.json()["code"] == "METHOD_NOT_ALLOWED"
        assert answer.json()["status"] == 405


def test_an_unknown_path_is_still_404_whatever_the_method(api: Api) -> None:
    for method in ("GET", "TRACE", "PUT"):
        answer = api.request(method, "/v1/no-such-thing")
        assert (answer.status, answer.json()["code"]) == (404, "NOT_FOUND")


def test_a_static_path_wins_over_a_parameter_for_other_methods_too(api: Api) -> None:
    """POST /v1/licenses/export is the export's 405 (GET only), not a POST to /v1/licenses/{key}."""
    answer = api.request("POST", "/v1/licenses/export")
    assert (answer.status, answer.headers["Allow"]) == (405, "GET")

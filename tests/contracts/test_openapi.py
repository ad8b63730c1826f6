"""docs/openapi.json is generated from the handlers; it must match what they serve now, cover every
route of template.yaml, and describe every error as a problem with the codes the operation can answer."""

import json
import re

from hypothesis import given
from hypothesis import strategies as st

from devtools.gateway import load_routes, load_template
from devtools.openapi import build
from licensing.access.roles import PARTNER_ROLES, REQUIRED_ROLES
from licensing.http.contract import PARTNER_SECURITY
from licensing.licenses.errors import InvalidLicenseKey
from licensing.licenses.keys import KEY_INPUT_PATTERN, KEY_PATH_PATTERN, generate_key, normalize_key
from tests.support.paths import REPO_ROOT

DOCUMENT = build()
OPERATIONS = [
    (method.upper(), path, operation)
    for path, methods in DOCUMENT["paths"].items()
    for method, operation in methods.items()
]


def test_committed_openapi_document_is_current() -> None:
    committed = json.loads((REPO_ROOT / "docs" / "openapi.json").read_text())
    assert committed == DOCUMENT, "run `make openapi` and commit docs/openapi.json"


def test_every_route_of_the_template_is_an_operation_and_nothing_else_is() -> None:
    routes = {(r.method, r.resource) for r in load_routes(load_template())[0] if r.method != "ANY"}
    assert {(method, path) for method, path, _ in OPERATIONS} == routes
    assert DOCUMENT["openapi"] == "3.1.0"


def test_each_path_of_the_template_answers_other_methods_itself() -> None:
    """An ANY event per path sends unsupported methods to the function, which answers 405 with Allow."""
    routes = load_routes(load_template())[0]
    owners = {(r.resource, r.module) for r in routes if r.method != "ANY"}
    assert {(r.resource, r.module) for r in routes if r.method == "ANY"} == owners
    assert all(not r.authorized for r in routes if r.method == "ANY")


def test_operation_ids_are_unique_camel_case_names() -> None:
    ids = [operation["operationId"] for _, _, operation in OPERATIONS]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][A-Za-z]+", operation_id) for operation_id in ids)
    tags = {tag["name"] for tag in DOCUMENT["tags"]}
    assert all(len(operation["tags"]) == 1 and operation["tags"][0] in tags for _, _, operation in OPERATIONS)


def test_public_routes_need_no_key_and_every_other_route_names_its_scheme() -> None:
    schemes = DOCUMENT["components"]["securitySchemes"]
    for _, path, operation in OPERATIONS:
        if path in ("/health", "/v1/lookup", "/v1/auth/config"):
            assert operation["security"] == [], path
        else:
            assert operation["security"] and all(set(need) <= set(schemes) for need in operation["security"])
    # a partner's routes take its API key or a person's Cognito token, either
    assert DOCUMENT["paths"]["/v1/orders"]["post"]["security"] == [{"partnerKey": []}, {"partnerUser": []}]
    assert DOCUMENT["paths"]["/v1/admin/partners"]["post"]["security"] == [{"adminKey": []}]
    assert DOCUMENT["paths"]["/v1/webhooks/payments"]["post"]["security"] == [{"paymentSignature": []}]


def test_every_route_declares_the_role_it_needs_and_its_security_follows() -> None:
    for method, path, operation in OPERATIONS:
        required = operation.get("x-required-role")
        assert required in REQUIRED_ROLES, f"{method} {path}: x-required-role {required!r}"
        if required in PARTNER_ROLES:
            assert operation["security"] == PARTNER_SECURITY, f"{method} {path}"
    assert DOCUMENT["paths"]["/v1/settings"]["patch"]["x-required-role"] == "billing"
    assert DOCUMENT["paths"]["/v1/orders"]["post"]["x-required-role"] == "purchaser"
    assert DOCUMENT["paths"]["/v1/licenses"]["get"]["x-required-role"] == "read_only"


def test_every_error_is_a_problem_with_the_codes_of_its_status() -> None:
    for method, path, operation in OPERATIONS:
        responses = operation["responses"]
        assert "422" not in responses or "HTTPValidationError" not in json.dumps(responses["422"])
        assert [code for code in responses if code.startswith("2")], f"{method} {path}: no success"
        assert {"429", "500"} <= set(responses), f"{method} {path}"
        for status, response in responses.items():
            if int(status) < 400:
                continue
            schema = response["content"]["application/problem+json"]["schema"]
            assert schema["allOf"][0] == {"$ref": "#/components/schemas/Problem"}
            codes = schema["allOf"][1]["properties"]["code"]["enum"]
            assert codes and codes == sorted(codes), f"{method} {path} {status}"


def test_creates_answer_201_and_exports_csv() -> None:
    paths = DOCUMENT["paths"]
    assert "201" in paths["/v1/orders"]["post"]["responses"]
    assert "200" not in paths["/v1/orders"]["post"]["responses"]
    assert set(paths["/v1/licenses/export"]["get"]["responses"]["200"]["content"]) == {"text/csv"}
    assert set(paths["/v1/billing/usage.csv"]["get"]["responses"]["200"]["content"]) == {"text/csv"}


def test_path_parameters_carry_their_formats() -> None:
    for method, path, operation in OPERATIONS:
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path":
                assert parameter["schema"].get("pattern"), f"{method} {path} {parameter['name']}"


@given(
    st.text(alphabet="0123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzIiLlOo- \t", max_size=40)
)
def test_the_key_patterns_admit_what_normalize_key_accepts(raw: str) -> None:
    """A key the lookup accepts matches the documented pattern; one that matches fails only its check."""
    try:
        normalize_key(raw)
        accepted = True
    except InvalidLicenseKey as refused:
        accepted = False
        if re.fullmatch(KEY_INPUT_PATTERN, raw):
            assert "check symbol" in refused.detail
    if accepted:
        assert re.fullmatch(KEY_INPUT_PATTERN, raw)
        assert re.fullmatch(KEY_PATH_PATTERN, raw) or re.search(r"\s", raw)


def test_issued_keys_match_the_path_pattern() -> None:
    assert all(re.fullmatch(KEY_PATH_PATTERN, generate_key()) for _ in range(100))

"""Print the OpenAPI 3.1 document of the whole API (`make openapi` writes it to docs/openapi.json).

Every route of template.yaml is in it: each function's Powertools resolver gives its routes and the
pydantic models they really use, and each route's `licensing.http.contract.operation(...)` declaration
gives its operationId, tag, audience, success status, headers and problems. This module adds what the
routes share (the problems of the authorizer and of a malformed request, 405, 429, 500, 503), the security
schemes, the parameters' real constraints, links between operations and the examples of events/.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
COMPONENT = "#/components/schemas/"
PROBLEM_CONTENT = "application/problem+json"
TAGS = {
    "Health": "Is the API up.",
    "Lookup": "The vendor's client software: what a license key entitles it to (no API key).",
    "Catalog": "Products, terms and the partner's prices.",
    "Orders": "Quotes, orders (new, bulk, renewal, monthly statements) and their history.",
    "Licenses": "A partner's licenses: list, search, export, edit, assign, claim; monthly subscriptions.",
    "Renewals": "Renew a license, migrate it to another edition, or renew it with an unused coupon.",
    "Billing": "Monthly (MSP) billing: usage so far and its CSV.",
    "Offers": "Special prices from the partner manager, and education / non-profit discount requests.",
    "Settings": "A partner's own settings.",
    "People": "A partner's people and API keys, managed by its owners; who is calling (`GET /v1/me`); "
    "where people sign in (`GET /v1/auth/config`).",
    "Distributors": "Distributors and the orders they place for their partners.",
    "Partners": "The vendor's operators: partners and their API keys.",
    "Payments": "The payment provider's signed webhook.",
}
SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    "partnerKey": {
        "type": "http",
        "scheme": "bearer",
        "description": "A partner API key (`plk_<id>.<secret>`), issued by an owner or the vendor: "
        "`Authorization: Bearer <key>`. It acts with the role it was issued with (`x-required-role`).",
    },
    "partnerUser": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "A partner's person signed in with the Cognito user pool (`GET /v1/auth/config`): "
        "its ID or access token as `Authorization: Bearer <token>`, acting with the person's role.",
    },
    "adminKey": {
        "type": "http",
        "scheme": "bearer",
        "description": "The vendor's admin key, for the partner managers' routes under /v1/admin.",
    },
    "distributorKey": {
        "type": "http",
        "scheme": "bearer",
        "description": "A distributor API key (`dlk_...`), for the routes under /v1/distributor.",
    },
    "paymentSignature": {
        "type": "apiKey",
        "in": "header",
        "name": "Payment-Signature",
        "description": '`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` with the webhook secret.',
    },
}
# Routes share these problems (`code` by status) besides what each declares.
AUTHORIZER_PROBLEMS = {"401": ["UNAUTHORIZED"], "403": ["FORBIDDEN"]}
INPUT_PROBLEMS = {"400": ["VALIDATION_ERROR"]}
BODY_PROBLEMS = {"400": ["MALFORMED_JSON", "VALIDATION_ERROR"], "415": ["UNSUPPORTED_MEDIA_TYPE"]}
# A path segment the route's pattern cannot take (e.g. %C2%84) names nothing: 404 before any use case.
PATH_PROBLEMS = {"404": ["NOT_FOUND"]}
# Every route refuses a body over its limit (licensing.http.proxy), whatever its method.
# And any route can find DynamoDB busy past the retry budget (licensing.store.transient): 503.
EVERY_ROUTE_PROBLEMS = {
    "413": ["PAYLOAD_TOO_LARGE"],
    "429": ["THROTTLED"],
    "500": ["INTERNAL_ERROR"],
    "503": ["SERVICE_UNAVAILABLE"],
}
PROBLEM_DESCRIPTIONS = {
    "400": "The request is malformed",
    "401": "No valid credentials",
    "403": "Not allowed for this caller",
    "404": "Not found",
    "409": "In conflict with the resource's state",
    "412": "The resource changed since it was read",
    "413": "The body is over the route's size limit (64 KiB; the lookup's 4 KiB)",
    "415": "The body is not JSON",
    "422": "Against the catalog or the business rules",
    "429": "Too many requests (API Gateway throttling)",
    "500": "Unexpected error; it has been logged with the request id",
    "503": "DynamoDB stayed busy past the retry budget; the change was made whole or not at all. "
    "Retry after `Retry-After` seconds (with the same Idempotency-Key)",
}
# Stateful links: what a create answers feeds the reads (operationId -> link name -> target, parameters).
LINKS: dict[str, dict[str, tuple[str, dict[str, str]]]] = {
    "createOrder": {
        "GetOrder": ("getOrder", {"order_id": "$response.body#/id"}),
        "GetFirstLicense": ("getLicense", {"key": "$response.body#/keys/0"}),
    },
    "createPartner": {
        "GetPartner": ("getPartner", {"partner_id": "$response.body#/id"}),
        "CreatePartnerApiKey": ("createPartnerApiKey", {"partner_id": "$response.body#/id"}),
    },
    "createPartnerApiKey": {"RevokeApiKey": ("revokeApiKey", {"key_id": "$response.body#/key_id"})},
    "adminCreateOffer": {"AdminGetOffer": ("adminGetOffer", {"offer_id": "$response.body#/id"})},
    "createDistributor": {
        "GetDistributor": ("getDistributor", {"distributor_id": "$response.body#/id"}),
    },
    "createPartnerOrder": {
        "GetDistributorOrder": ("getDistributorOrder", {"order_id": "$response.body#/id"}),
    },
    "renewLicense": {"GetRenewalOrder": ("getOrder", {"order_id": "$response.body#/id"})},
}


def _path_parameters() -> dict[str, dict[str, Any]]:
    """The schema of each path parameter, by name: the id formats the API issues, the forgiving key."""
    from pydantic import TypeAdapter

    from licensing.contracts.base import OrderId, PartnerId
    from licensing.contracts.offers import DiscountRequestId, OfferId
    from licensing.licenses.keys import KEY_PATH_PATTERN

    def schema_of(annotated: Any) -> dict[str, Any]:
        return TypeAdapter(annotated).json_schema()

    symbol = "[0-9A-HJKMNP-TV-Z]"
    return {
        "key": {
            "type": "string",
            "pattern": KEY_PATH_PATTERN,
            "description": "A license key, as printed (`XXXXX-XXXXX-XXXXX-XXXXX-XXXXX`) or as typed: "
            "any case, dashes anywhere, I and L read as 1, O as 0. A key whose check symbol does not "
            "match is 400 INVALID_LICENSE_KEY.",
            "example": "7K3QD-M9XWT-2FHBR-0JNVA-5CZE8",
        },
        "order_id": schema_of(OrderId),
        "partner_id": schema_of(PartnerId),
        "offer_id": schema_of(OfferId),
        "request_id": schema_of(DiscountRequestId),
        "distributor_id": {
            "type": "string",
            "pattern": f"^dst_{symbol}{{26}}$",
            "description": "Distributor id",
        },
        "key_id": {"type": "string", "pattern": f"^[pd]?lk_{symbol}{{26}}$", "description": "API key id"},
        "user_id": {
            "type": "string",
            "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
            "description": "A person's id: the user pool's `sub` (a UUID)",
            "example": "3f1c9a52-7d1e-4c1b-9a0e-2b6f0f6c8d41",
        },
    }


def build() -> dict[str, Any]:
    sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "shared")]
    os.environ.setdefault("TABLE_NAME", "licensing")
    from devtools.gateway import load_routes, load_template

    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "Partner licensing API",
            "version": "1.0.0",
            "description": "Resellers and MSPs buy, stock, renew and manage license keys; the vendor's "
            "client software looks licenses up. Every error is an RFC 9457 problem "
            "(`application/problem+json`) with a stable `code`. Full guide: README.md of the repository.",
        },
        "tags": [{"name": name, "description": text} for name, text in TAGS.items()],
        "paths": {},
        "components": {"schemas": {"Problem": _problem_schema()}, "securitySchemes": SECURITY_SCHEMES},
    }
    modules = sorted({route.module for route in load_routes(load_template())[0]})
    for module in modules:
        app = getattr(importlib.import_module(module), "app", None)
        if app is None:
            continue  # the lookup has no resolver: added below
        part = json.loads(
            app.get_openapi_json_schema(title="part", version="1", security_schemes=SECURITY_SCHEMES)
        )
        for path, operations in part.get("paths", {}).items():
            document["paths"].setdefault(path, {}).update(operations)
        document["components"]["schemas"].update(part.get("components", {}).get("schemas", {}))
    _document_lookup(document)
    _document_query_models(document)
    for schema in ("HTTPValidationError", "ValidationError"):
        document["components"]["schemas"].pop(schema, None)
    parameters = _path_parameters()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            _finish(operation, parameters, f"{method.upper()} {path}")
    # The lookup reads its body as JSON whatever the Content-Type (no resolver): it never answers 415.
    del document["paths"]["/v1/lookup"]["post"]["responses"]["415"]
    _add_links(document)
    _add_examples(document)
    _tidy_schemas(document["components"]["schemas"], json.dumps(document["paths"]))
    document["paths"] = dict(sorted(document["paths"].items()))
    document["components"]["schemas"] = dict(sorted(document["components"]["schemas"].items()))
    return document


def _problem_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "title": "Problem",
        "description": "An RFC 9457 problem. `code` is stable: branch on it, not on `title` or `detail`.",
        "required": ["type", "title", "detail", "code"],
        "properties": {
            "type": {"type": "string", "format": "uri"},
            "title": {"type": "string"},
            "status": {
                "type": "integer",
                "description": "Absent when API Gateway answers a malformed request",
            },
            "detail": {"type": "string"},
            "code": {"type": "string"},
            "instance": {"type": ["string", "null"], "description": "This occurrence: its request id"},
            "request_id": {"type": ["string", "null"]},
            "errors": {
                "type": "array",
                "description": "VALIDATION_ERROR: each field that is not valid",
                "items": {
                    "type": "object",
                    "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                },
            },
        },
    }


def _merge(*problem_sets: dict[str, list[str]]) -> dict[str, list[str]]:
    merged: dict[str, set[str]] = {}
    for problems in problem_sets:
        for status, codes in problems.items():
            merged.setdefault(status, set()).update(codes)
    return {status: sorted(codes) for status, codes in sorted(merged.items())}


def _problem_response(status: str, codes: list[str]) -> dict[str, Any]:
    schema = {
        "allOf": [
            {"$ref": COMPONENT + "Problem"},
            {"type": "object", "properties": {"code": {"type": "string", "enum": codes}}},
        ]
    }
    response: dict[str, Any] = {
        "description": f"{PROBLEM_DESCRIPTIONS[status]}: {', '.join(codes)}",
        "content": {PROBLEM_CONTENT: {"schema": schema}},
    }
    if status == "401":
        response["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
    if status == "503":
        response["headers"] = {"Retry-After": {"schema": {"type": "integer", "minimum": 1}}}
    return response


def _finish(operation: dict[str, Any], path_parameters: dict[str, dict[str, Any]], name: str) -> None:
    """Turn one operation's declaration (`x-problems`, `x-headers`) into responses and parameters."""
    if "x-problems" not in operation:
        raise LookupError(f"{name}: declare it with licensing.http.contract.operation(...)")
    declared = operation.pop("x-problems")
    operation.setdefault("parameters", []).extend(operation.pop("x-headers", []))
    for parameter in operation["parameters"]:
        if parameter["in"] == "path":
            parameter["schema"] = path_parameters[parameter["name"]]
    if not operation["parameters"]:
        del operation["parameters"]
    security = operation.setdefault("security", [])
    bearer = any(SECURITY_SCHEMES[scheme]["type"] == "http" for need in security for scheme in need)
    has_body = "requestBody" in operation
    in_path = any(parameter["in"] == "path" for parameter in operation.get("parameters", []))
    problems = _merge(
        declared,
        AUTHORIZER_PROBLEMS if bearer else {},
        BODY_PROBLEMS if has_body else INPUT_PROBLEMS if operation.get("parameters") else {},
        PATH_PROBLEMS if in_path else {},
        EVERY_ROUTE_PROBLEMS,
    )
    responses = {k: v for k, v in operation["responses"].items() if k != "422" or k in problems}
    if "204" in responses:
        responses["204"] = {"description": "Done; no content"}
    responses.update({status: _problem_response(status, codes) for status, codes in problems.items()})
    operation["responses"] = dict(sorted(responses.items()))


def _tidy_schemas(schemas: dict[str, Any], paths: str) -> None:
    """Drop the schemas no operation uses (Powertools' ResponseValidationError, which refers to the dropped
    ValidationError; the unused mode of a model), and title `X-Input` / `X-Output` (pydantic's names for
    a model whose two modes differ; it titles both `X`) after their names: client generators name classes
    by title, and two classes of one name lose one of them."""
    used: set[str] = set()
    found = set(re.findall(rf'"{COMPONENT}([^"]+)"', paths))
    while found:
        used |= found
        found = set(re.findall(rf'"{COMPONENT}([^"]+)"', json.dumps([schemas[n] for n in found]))) - used
    for name in [name for name in schemas if name not in used]:
        del schemas[name]
    for name, schema in schemas.items():
        if name.endswith(("-Input", "-Output")):
            schema["title"] = name.replace("-", "")


def _add_links(document: dict[str, Any]) -> None:
    operations = {op["operationId"]: op for methods in document["paths"].values() for op in methods.values()}
    for source, links in LINKS.items():
        success = next(code for code in operations[source]["responses"] if code.startswith("2"))
        operations[source]["responses"][success]["links"] = {
            name: {"operationId": target, "parameters": parameters}
            for name, (target, parameters) in links.items()
        }


def _add_examples(document: dict[str, Any]) -> None:
    """The request bodies of events/ (API Gateway events the tests replay) as the operations' examples."""
    for event_file in sorted((ROOT / "events").glob("*.json")):
        event = json.loads(event_file.read_text())
        operation = (
            document["paths"].get(event.get("resource", ""), {}).get(str(event.get("httpMethod")).lower())
        )
        if not operation or not event.get("body") or "requestBody" not in operation:
            continue
        content = operation["requestBody"]["content"]["application/json"]
        content.setdefault("examples", {})[event_file.stem] = {
            "summary": f"events/{event_file.name}",
            "value": json.loads(event["body"]),
        }


def _document_query_models(document: dict[str, Any]) -> None:
    """Powertools expands a pydantic model of query parameters (`Annotated[Model, Query()]`) into one
    parameter per field, but describes each by its type alone and lists the model among the schemas,
    unreferenced. Give each such parameter its field's own schema (constraints, description) and drop the
    model: the document then says what the model validates."""
    schemas = document["components"]["schemas"]
    text = json.dumps(document["paths"]) + json.dumps(schemas)
    unreferenced = {name for name in schemas if f'"{COMPONENT}{name}"' not in text}
    expanded: set[str] = set()
    for operations in document["paths"].values():
        for operation in operations.values():
            query = [p for p in operation.get("parameters", []) if p["in"] == "query"]
            for model in sorted(unreferenced):
                fields = schemas[model].get("properties", {})
                if query and {p["name"] for p in query} == set(fields):
                    expanded.add(model)
                    for parameter in query:
                        field = fields[parameter["name"]]
                        parameter["schema"] = {k: v for k, v in field.items() if (k, v) != ("default", None)}
    for model in expanded:
        del schemas[model]


def _document_lookup(document: dict[str, Any]) -> None:
    """The lookup function has no resolver or pydantic (cold start); its contract lives in
    licensing.licenses.api, which a test keeps in step with the code."""
    from licensing.licenses.api import LOOKUP_OPERATION, LookupOut, LookupRequest

    schemas = document["components"]["schemas"]
    for model in (LookupRequest, LookupOut):
        schema = model.model_json_schema(ref_template=COMPONENT + "{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    document["paths"]["/v1/lookup"] = {
        "post": {
            "tags": LOOKUP_OPERATION["tags"],
            "summary": LOOKUP_OPERATION["summary"],
            "operationId": LOOKUP_OPERATION["operation_id"],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": COMPONENT + "LookupRequest"}}},
            },
            "responses": {
                "200": {
                    "description": "The entitlement; the first lookup of a coupon activates it",
                    "content": {"application/json": {"schema": {"$ref": COMPONENT + "LookupOut"}}},
                }
            },
            **LOOKUP_OPERATION["openapi_extensions"],
        }
    }


if __name__ == "__main__":
    json.dump(build(), sys.stdout, indent=2)
    sys.stdout.write("\n")

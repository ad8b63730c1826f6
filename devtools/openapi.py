"""Print one OpenAPI 3 document for the whole API, merged from each function's Powertools resolver
(the routes and pydantic models the handlers really use). `make openapi` writes it to docs/openapi.json."""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
API_FUNCTIONS = [
    "health",
    "checkout",
    "licenses",
    "payment_webhook",
    "admin",
    "billing",
]  # the lookup has no resolver
PUBLIC_PATHS = {"/health", "/v1/lookup", "/v1/webhooks/payments"}


def build() -> dict[str, Any]:
    sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "shared")]
    os.environ.setdefault("TABLE_NAME", "licensing")
    document: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "Partner licensing API", "version": "1.0.0"},
        "paths": {},
        "components": {
            "schemas": {},
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer", "description": "API key"}},
        },
    }
    for name in API_FUNCTIONS:
        app = importlib.import_module(f"functions.{name}.app").app
        part = json.loads(app.get_openapi_json_schema(title="part", version="1"))
        for path, operations in part.get("paths", {}).items():
            if path not in PUBLIC_PATHS:
                for operation in operations.values():
                    operation["security"] = [{"apiKey": []}]
            document["paths"].setdefault(path, {}).update(operations)
        document["components"]["schemas"].update(part.get("components", {}).get("schemas", {}))
    _document_query_models(document)
    _document_lookup(document)
    document["paths"] = dict(sorted(document["paths"].items()))
    document["components"]["schemas"] = dict(sorted(document["components"]["schemas"].items()))
    return document


def _document_query_models(document: dict[str, Any]) -> None:
    """Powertools expands a pydantic model of query parameters (`Annotated[Model, Query()]`) into one
    parameter per field, but describes each by its type alone and lists the model among the schemas,
    unreferenced. Give each such parameter its field's own schema (constraints, description) and drop the
    model: the document then says what the model validates."""
    schemas = document["components"]["schemas"]
    text = json.dumps(document["paths"]) + json.dumps(schemas)
    unreferenced = {name for name in schemas if f'"#/components/schemas/{name}"' not in text}
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
    from licensing.licenses.api import LookupOut, LookupRequest

    schemas = document["components"]["schemas"]
    for model in (LookupRequest, LookupOut):
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    document["paths"]["/v1/lookup"] = {
        "post": {
            "summary": "POST /v1/lookup",
            "operationId": "lookup_v1_lookup_post",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LookupRequest"}}},
            },
            "responses": {
                "200": {
                    "description": "The entitlement; the first lookup of a coupon activates it",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LookupOut"}}},
                }
            },
        }
    }


if __name__ == "__main__":
    json.dump(build(), sys.stdout, indent=2)
    sys.stdout.write("\n")

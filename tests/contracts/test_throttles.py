"""The public routes (the client software's lookup, the payment provider's webhook) have throttles of
their own in template.yaml, below the stage default and far below the account's; API Gateway's answer
past them (THROTTLED, 429) is a problem like the functions' own; no method setting logs request data."""

from __future__ import annotations

import json
from typing import Any

import pytest

from devtools.gateway import load_routes, load_template

# API Gateway's account-level throttle per region (a quota AWS can raise, never lower by itself).
ACCOUNT_RATE_LIMIT = 10_000
ACCOUNT_BURST_LIMIT = 5_000
PUBLIC_ROUTES = [("POST", "/v1/lookup"), ("POST", "/v1/webhooks/payments")]


def _resolved(template: dict[str, Any], value: Any) -> float:
    """A literal, or the default of the parameter a `!Ref` names (the loader keeps only its name)."""
    parameter = template.get("Parameters", {}).get(value) if isinstance(value, str) else None
    return float(parameter["Default"] if parameter else value)


def _method_settings() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    template = load_template()
    api = next(r for r in template["Resources"].values() if r["Type"] == "AWS::Serverless::Api")
    return template, api["Properties"]["MethodSettings"]


def _setting(settings: list[dict[str, Any]], method: str, path: str) -> dict[str, Any]:
    resource_path = path.replace("/", "~1")
    found = [s for s in settings if s["ResourcePath"] == f"/{resource_path}" and s["HttpMethod"] == method]
    assert len(found) == 1, f"one MethodSettings entry for {method} {path} (ResourcePath /{resource_path})"
    return found[0]


@pytest.mark.parametrize(("method", "path"), PUBLIC_ROUTES)
def test_each_public_route_has_its_own_throttle_below_the_defaults(method: str, path: str) -> None:
    template, settings = _method_settings()
    stage = _setting(settings, "*", "*")
    route = _setting(settings, method, path)
    rate = _resolved(template, route["ThrottlingRateLimit"])
    burst = _resolved(template, route["ThrottlingBurstLimit"])
    assert 0 < rate < ACCOUNT_RATE_LIMIT
    assert 0 < burst < ACCOUNT_BURST_LIMIT
    assert rate < _resolved(template, stage["ThrottlingRateLimit"])
    assert burst < _resolved(template, stage["ThrottlingBurstLimit"])
    assert rate <= burst, "a burst below the steady rate would cap the rate"


@pytest.mark.parametrize(("method", "path"), PUBLIC_ROUTES)
def test_each_throttled_route_exists_in_the_template(method: str, path: str) -> None:
    routes, _, _ = load_routes(load_template())
    assert any(r.method == method and r.resource == path and not r.authorized for r in routes)


def test_the_stage_default_is_below_the_account_limit_too() -> None:
    template, settings = _method_settings()
    stage = _setting(settings, "*", "*")
    assert _resolved(template, stage["ThrottlingRateLimit"]) < ACCOUNT_RATE_LIMIT
    assert _resolved(template, stage["ThrottlingBurstLimit"]) < ACCOUNT_BURST_LIMIT


def test_no_method_setting_logs_request_data() -> None:
    """Data tracing would write whole requests (Authorization headers, license keys) to CloudWatch."""
    _, settings = _method_settings()
    assert all(setting.get("DataTraceEnabled") is False for setting in settings)
    assert all(setting.get("LoggingLevel") in (None, "OFF", "ERROR") for setting in settings)


def test_a_throttled_request_is_a_429_problem() -> None:
    _, _, responses = load_routes(load_template())
    throttled = responses["THROTTLED"]
    assert int(throttled.get("StatusCode", 429)) == 429  # API Gateway's own status for THROTTLED
    assert throttled["ResponseParameters"]["Headers"]["Content-Type"] == "'application/problem+json'"
    body = json.loads(throttled["ResponseTemplates"]["application/json"].replace("$context.requestId", "r"))
    assert (body["status"], body["code"]) == (429, "THROTTLED")

"""A local stand-in for API Gateway (REST), driven by template.yaml.

It reads the routes, the authorizer and the gateway responses from the template, turns an HTTP request
into the API Gateway event the deployed function would get, runs the same REQUEST authorizer (and
evaluates its IAM policy), and calls the same handlers. The dev server and the tests both go through it.
"""

from __future__ import annotations

import base64
import importlib
import json
import re
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import yaml

from devtools.table import TEMPLATE_PATH, _CloudFormationLoader

ACCOUNT_ID = "123456789012"
REGION = "eu-west-1"
API_ID = "local"
STAGE = "local"
IDENTITY_HEADER = "Authorization"
# API Gateway's own payload quota: it answers a larger request itself (413 REQUEST_TOO_LARGE) and passes
# any smaller body to the function unchanged; the functions' own, lower limits are licensing.http.proxy's.
MAX_PAYLOAD_BYTES = 10 * 1024 * 1024

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


@dataclass(frozen=True)
class Route:
    method: str
    resource: str  # API Gateway resource path, e.g. /v1/orders/{id}
    module: str  # e.g. functions.checkout.app
    authorized: bool
    pattern: re.Pattern[str] = field(compare=False)

    def match(self, method: str, path: str) -> dict[str, str] | None:
        if self.method not in (method, "ANY"):
            return None
        found = self.pattern.fullmatch(path)
        return found.groupdict() if found else None


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class LambdaContext:
    """The attributes Powertools reads from a real Lambda context."""

    def __init__(self, function_name: str, timeout_ms: int = 29_000) -> None:
        self._deadline = time.monotonic() + timeout_ms / 1000
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = 512
        self.invoked_function_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{function_name}"
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def load_template(path: Path | None = None) -> dict[str, Any]:
    with (path or TEMPLATE_PATH).open(encoding="utf-8") as stream:
        template: dict[str, Any] = yaml.load(stream, Loader=_CloudFormationLoader)  # noqa: S506 - safe loader
    return template


def _module_of(function: Mapping[str, Any]) -> str:
    folder = Path(function["Properties"]["CodeUri"]).name
    handler = function["Properties"].get("Handler", "app.lambda_handler").rsplit(".", 1)[0]
    return f"functions.{folder}.{handler}"


def resource_pattern(resource: str) -> re.Pattern[str]:
    regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(resource))
    return re.compile(regex)


def load_routes(template: Mapping[str, Any]) -> tuple[list[Route], str | None, dict[str, Any]]:
    """Routes, the authorizer's module, and the gateway responses, as the template declares them."""
    resources = template["Resources"]
    api = next(r for r in resources.values() if r["Type"] == "AWS::Serverless::Api")
    auth = api["Properties"].get("Auth", {})
    default_authorizer = auth.get("DefaultAuthorizer")
    authorizer_module = None
    if default_authorizer:
        function_arn = auth["Authorizers"][default_authorizer]["FunctionArn"]
        logical_id = str(function_arn).split(".")[0]  # "!GetAtt X.Arn" is loaded as "X.Arn"
        authorizer_module = _module_of(resources[logical_id])
    routes = []
    for function in resources.values():
        if function["Type"] != "AWS::Serverless::Function":
            continue
        for event in function["Properties"].get("Events", {}).values():
            if event["Type"] != "Api":
                continue
            props = event["Properties"]
            authorizer = props.get("Auth", {}).get("Authorizer", default_authorizer)
            routes.append(
                Route(
                    method=props["Method"].upper(),
                    resource=props["Path"],
                    module=_module_of(function),
                    authorized=bool(authorizer) and authorizer != "NONE",
                    pattern=resource_pattern(props["Path"]),
                )
            )
    # Like API Gateway: static paths win, and a method of its own wins over a resource's ANY.
    routes.sort(key=lambda route: (route.resource.count("{"), route.method == "ANY"))
    return routes, authorizer_module, api["Properties"].get("GatewayResponses", {})


def _policy_allows(policy: Mapping[str, Any], method_arn: str) -> bool:
    """IAM evaluation for execute-api:Invoke: an explicit Deny wins, otherwise some Allow must match."""
    allowed = False
    for statement in policy.get("Statement", []):
        resources = statement.get("Resource", [])
        resources = [resources] if isinstance(resources, str) else resources
        if any(fnmatchcase(method_arn, resource) for resource in resources):
            if statement.get("Effect") == "Deny":
                return False
            allowed = allowed or statement.get("Effect") == "Allow"
    return allowed


class LocalGateway:
    def __init__(self, template_path: Path | None = None) -> None:
        self.routes, self.authorizer_module, self.gateway_responses = load_routes(
            load_template(template_path)
        )
        self._handlers: dict[str, Handler] = {}

    def handler(self, module: str) -> Handler:
        if module not in self._handlers:
            self._handlers[module] = importlib.import_module(module).lambda_handler
        return self._handlers[module]

    def request(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str] | None = None,
        query: Mapping[str, list[str]] | None = None,
        body: str | bytes | None = None,
        json_body: Any = None,
    ) -> HttpResponse:
        headers = dict(headers or {})
        if json_body is not None:
            body = json.dumps(json_body)
            headers.setdefault("Content-Type", "application/json")
        text, is_base64 = _body_text(body)
        request_id = str(uuid.uuid4())
        method = method.upper()
        if len((text or "").encode("utf-8", errors="replace")) > MAX_PAYLOAD_BYTES:
            return self.gateway_response("REQUEST_TOO_LARGE", 413, request_id, path, "Request Too Long")
        for route in self.routes:
            params = route.match(method, path)
            if params is None:
                continue
            event = api_event(route, path, params, headers, query or {}, text, is_base64, request_id, method)
            if route.authorized:
                denial = self._authorize(event)
                if denial is not None:
                    return denial
            result = self.handler(route.module)(event, LambdaContext(route.module.split(".")[1]))
            return _http_response(result)
        return self.gateway_response(
            "MISSING_AUTHENTICATION_TOKEN", 404, request_id, path, "Missing Authentication Token"
        )

    def _authorize(self, event: dict[str, Any]) -> HttpResponse | None:
        context = event["requestContext"]
        if not _header(event["headers"] or {}, IDENTITY_HEADER):
            return self.gateway_response(
                "UNAUTHORIZED", 401, context["requestId"], event["path"], "Unauthorized"
            )
        if not self.authorizer_module:
            raise LookupError("a route needs an authorizer that template.yaml does not declare")
        method_arn = (
            f"arn:aws:execute-api:{REGION}:{ACCOUNT_ID}:{API_ID}/{STAGE}/{event['httpMethod']}{event['path']}"
        )
        authorizer_event = {k: v for k, v in event.items() if k not in ("body", "isBase64Encoded")}
        authorizer_event.update(type="REQUEST", methodArn=method_arn)
        authorizer_event["requestContext"] = {k: v for k, v in context.items() if k != "authorizer"}
        try:
            answer = self.handler(self.authorizer_module)(authorizer_event, LambdaContext("authorizer"))
        except Exception as error:
            if str(error) == "Unauthorized":
                return self.gateway_response(
                    "UNAUTHORIZED", 401, context["requestId"], event["path"], "Unauthorized"
                )
            return self.gateway_response(
                "AUTHORIZER_FAILURE", 500, context["requestId"], event["path"], str(error)
            )
        if not _policy_allows(answer.get("policyDocument", {}), method_arn):
            message = "User is not authorized to access this resource"
            return self.gateway_response("ACCESS_DENIED", 403, context["requestId"], event["path"], message)
        context["authorizer"] = {
            "principalId": answer.get("principalId"),
            "integrationLatency": 0,
            **{k: str(v) for k, v in (answer.get("context") or {}).items()},
        }
        return None

    def gateway_response(
        self, kind: str, default_status: int, request_id: str, path: str, message: str
    ) -> HttpResponse:
        """Render the template's gateway response of this kind (else its DEFAULT_4XX / DEFAULT_5XX, as API
        Gateway does), with the few $context values it uses."""
        default = "DEFAULT_5XX" if default_status >= 500 else "DEFAULT_4XX"
        spec = self.gateway_responses.get(kind) or self.gateway_responses.get(default) or {}
        status = int(spec.get("StatusCode", default_status))
        body = spec.get("ResponseTemplates", {}).get("application/json", json.dumps({"message": message}))
        for name, value in {
            "$context.requestId": request_id,
            "$context.path": f"/{STAGE}{path}",
            "$context.error.messageString": json.dumps(message),
            "$context.error.message": message,
        }.items():
            body = body.replace(name, value)
        headers = {
            name: str(value).strip("'")
            for name, value in (spec.get("ResponseParameters", {}).get("Headers", {})).items()
        }
        return HttpResponse(status, headers or {"Content-Type": "application/json"}, body)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    return next((value for key, value in headers.items() if key.lower() == name.lower()), None)


def _body_text(body: str | bytes | None) -> tuple[str | None, bool]:
    if body is None or isinstance(body, str):
        return body, False
    # Without binary media types API Gateway passes bodies as text; undecodable bytes are replaced.
    return body.decode("utf-8", errors="replace"), False


def api_event(
    route: Route,
    path: str,
    params: dict[str, str],
    headers: Mapping[str, str],
    query: Mapping[str, list[str]],
    body: str | None,
    is_base64: bool,
    request_id: str,
    method: str | None = None,
) -> dict[str, Any]:
    """The event API Gateway's Lambda proxy integration (REST, payload v1) sends; `method` is the
    request's, for a route whose method is ANY."""
    now_ms = int(time.time() * 1000)
    method = method or route.method
    return {
        "resource": route.resource,
        "path": path,
        "httpMethod": method,
        "headers": dict(headers) or None,
        "multiValueHeaders": {k: [v] for k, v in headers.items()} or None,
        "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
        "multiValueQueryStringParameters": {k: list(v) for k, v in query.items()} or None,
        "pathParameters": params or None,
        "stageVariables": None,
        "requestContext": {
            "resourceId": "local",
            "resourcePath": route.resource,
            "httpMethod": method,
            "extendedRequestId": request_id,
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now_ms / 1000)),
            "path": f"/{STAGE}{path}",
            "accountId": ACCOUNT_ID,
            "protocol": "HTTP/1.1",
            "stage": STAGE,
            "domainPrefix": "localhost",
            "requestTimeEpoch": now_ms,
            "requestId": request_id,
            "identity": {"sourceIp": "127.0.0.1", "userAgent": _header(headers, "User-Agent")},
            "domainName": "localhost",
            "apiId": API_ID,
        },
        "body": body,
        "isBase64Encoded": is_base64,
    }


def _http_response(result: Mapping[str, Any]) -> HttpResponse:
    headers = {k: str(v) for k, v in (result.get("headers") or {}).items()}
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers[name] = ", ".join(str(v) for v in values)
    body = result.get("body") or ""
    if result.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    return HttpResponse(int(result["statusCode"]), headers, body)

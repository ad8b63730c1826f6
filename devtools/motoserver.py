"""An embedded moto server on 127.0.0.1: every service moto has, over HTTP. The dev server and the tests use
it for DynamoDB and for Cognito (cognito-idp: the user pool's API and its JWKS at
`/<pool id>/.well-known/jwks.json`); beside DynamoDB Local the dev server starts one for Cognito alone.

It serves one request at a time (werkzeug's non-threaded server): moto's DynamoDB backend has no
locks, and serialising requests gives each call the atomicity real DynamoDB guarantees, so the
concurrency tests exercise our conditions and transactions, not moto's races.

Its transactions take one rollback copy of the table each (`devtools.moto_transactions`), not one per
item: otherwise a dev server under load (the soak) slows down and grows by a table copy per item. Its
Cognito challenges carry the attributes Cognito's do (`devtools.moto_cognito`), which the portal's
sign-in library reads.
"""

from __future__ import annotations

import threading
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server

from devtools.moto_cognito import cognito_challenges_as_in_aws
from devtools.moto_transactions import one_backup_per_transaction


@dataclass
class MotoServer:
    server: BaseWSGIServer
    thread: threading.Thread
    patches: ExitStack = field(default_factory=ExitStack)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)
        self.patches.close()


def _cors_on_every_answer(app: Any) -> Any:
    """Cognito answers a browser's calls from any origin, preflights and errors included. moto takes a
    preflight (OPTIONS) for an API call and refuses it, so here a preflight is answered as Cognito does
    and every answer carries Access-Control-Allow-Origin: a portal's refused sign-in then shows its
    error instead of a network failure."""

    def with_cors(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("REQUEST_METHOD") == "OPTIONS" and environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"):
            allowed = environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", "")
            start_response(
                "204 No Content",
                [
                    ("Access-Control-Allow-Origin", "*"),
                    ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
                    ("Access-Control-Allow-Headers", allowed),
                    ("Access-Control-Max-Age", "600"),
                    ("Content-Length", "0"),
                ],
            )
            return [b""]

        def start(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            if not any(name.lower() == "access-control-allow-origin" for name, _ in headers):
                headers = [*headers, ("Access-Control-Allow-Origin", "*")]
            return start_response(status, headers, *rest)

        return app(environ, start)

    return with_cors


def start(port: int = 0) -> MotoServer:
    patches = ExitStack()
    patches.enter_context(one_backup_per_transaction())
    patches.enter_context(cognito_challenges_as_in_aws())
    app = _cors_on_every_answer(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", port, app, threaded=False, request_handler=MotoRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="moto-server", daemon=True)
    thread.start()
    return MotoServer(server, thread, patches)

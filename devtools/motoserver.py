"""An embedded moto server (DynamoDB protocol over HTTP) on 127.0.0.1.

It serves one request at a time (werkzeug's non-threaded server): moto's DynamoDB backend has no
locks, and serialising requests gives each call the atomicity real DynamoDB guarantees, so the
concurrency tests exercise our conditions and transactions, not moto's races.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server


@dataclass
class MotoServer:
    server: BaseWSGIServer
    thread: threading.Thread

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


def start(port: int = 0) -> MotoServer:
    app = DomainDispatcherApplication(create_backend_app)
    server = make_server("127.0.0.1", port, app, threaded=False, request_handler=MotoRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="moto-server", daemon=True)
    thread.start()
    return MotoServer(server, thread)

"""The dev server's portal: the files of `build/portal/` (`make portal`) under /portal/.

PORTAL_DIR names another build folder (the browser tests build one of their own).

As in AWS (CloudFront in front of a private bucket), `/` and `/portal` redirect to `/portal/`, which is
`index.html`; every file goes out with the security headers CloudFront adds there, the Content-Security-
Policy included, so that a portal change that breaks the policy breaks locally first. The one difference
is `connect-src`: the portal signs in against moto's Cognito, whose URL is on another port here.

An offer's purchase link, `/portal/offers/<id>`, is index.html: the portal opens that offer's checkout.
A request path becomes a file only when it names a file inside the build folder with a known type;
anything else under /portal/ is a 404 problem. `runtime.json` is answered here, not from the build: it
tells the portal that payments are simulated (`POST /dev/pay/{order_id}`); the build's own file, which
a deployed portal serves, says they are not.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote

from devtools.gateway import HttpResponse

REPO_ROOT = Path(__file__).resolve().parent.parent
BUILD_DIR = REPO_ROOT / "build" / "portal"
PREFIX = "/portal"
RUNTIME = f"{PREFIX}/runtime.json"
# Offers' purchase links (`licensing.offers.rules.purchase_url`): /portal/offers/<offer id>.
OFFER_LINK = re.compile(r"offers/[A-Za-z0-9_-]+/?")
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
}
_BUILD = "run `make portal` (npm ci in portal/ and the build), then reload"


def content_security_policy(cognito_endpoint: str) -> str:
    """The portal's policy: only this origin, and Cognito for signing in."""
    connect = " ".join(filter(None, ("'self'", cognito_endpoint.rstrip("/"))))
    return "; ".join(
        (
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            f"connect-src {connect}",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def is_portal_path(path: str) -> bool:
    return path in ("/", PREFIX) or path.startswith(PREFIX + "/")


class PortalPage:
    """Answers the requests under /portal; the folder is an argument so tests can point it elsewhere."""

    def __init__(self, cognito_endpoint: str = "", build_dir: Path | None = None) -> None:
        self.build_dir = build_dir or Path(os.environ.get("PORTAL_DIR") or BUILD_DIR)
        self.headers = {
            "Cache-Control": "no-cache",
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "strict-origin-when-cross-origin",
            "Cross-Origin-Opener-Policy": "same-origin",
            "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
            "Content-Security-Policy": content_security_policy(cognito_endpoint),
        }

    def built(self) -> bool:
        return (self.build_dir / "index.html").is_file()

    def respond(self, method: str, path: str) -> HttpResponse:
        if path in ("/", PREFIX):
            return HttpResponse(302, {"Location": f"{PREFIX}/", **self.headers}, "")
        if method.upper() not in ("GET", "HEAD"):
            problem = self._problem(405, "METHOD_NOT_ALLOWED", "Method not allowed", "Use GET.", path)
            problem.headers["Allow"] = "GET, HEAD"
            return problem
        if path == RUNTIME:
            return HttpResponse(
                200, {"Content-Type": TYPES[".json"], **self.headers}, '{"simulated_payments": true}'
            )
        file = self._file(path)
        if file is None:
            return self._problem(404, "NOT_FOUND", "Not found", "No such file in the portal.", path)
        if not file.is_file():
            return self._problem(
                503, "SERVICE_UNAVAILABLE", "Service unavailable", f"Not built: {_BUILD}.", path
            )
        return HttpResponse(
            200, {"Content-Type": TYPES[file.suffix], **self.headers}, file.read_text("utf-8")
        )

    def _file(self, path: str) -> Path | None:
        """The build file a path names, or None when it names none (outside the folder, unknown type)."""
        relative = unquote(path[len(PREFIX) :]).lstrip("/") or "index.html"
        normal = posixpath.normpath(relative)
        if normal.startswith(("..", "/")) or "\\" in normal or "\x00" in normal:
            return None
        if OFFER_LINK.fullmatch(normal):
            normal = "index.html"  # an offer's purchase link: the portal opens its checkout
        file = self.build_dir / normal
        if file.suffix not in TYPES or not file.resolve().is_relative_to(self.build_dir.resolve()):
            return None
        if not self.built():
            return file  # not built: respond() says how to build it
        return file if file.is_file() else None

    def _problem(self, status: int, code: str, title: str, detail: str, path: str) -> HttpResponse:
        from licensing.http.problem_details import CONTENT_TYPE, problem_body

        body = problem_body(status, code, title, detail, instance=path)
        return HttpResponse(status, {**self.headers, "Content-Type": CONTENT_TYPE}, json.dumps(body))

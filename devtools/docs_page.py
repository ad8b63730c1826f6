"""The dev server's API reference: Swagger UI at /docs, rendering the committed docs/openapi.json, offline.

The page (devtools/apidocs/index.html and docs.js) is ours; Swagger UI's own files come from the npm
package swagger-ui-dist, pinned in devtools/apidocs/package.json and installed into its node_modules by
`make apidocs` (`make dev` and `make test` run it). The files served are a fixed table, so a request
path never becomes a file path: whatever else is asked for under /docs, encoded or not, is a 404. Every
file is read on every request, so the page shows a `make openapi` (or an `npm ci`) on the next reload.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from devtools.gateway import HttpResponse

REPO_ROOT = Path(__file__).resolve().parent.parent
APIDOCS_DIR = REPO_ROOT / "devtools" / "apidocs"
SWAGGER_UI_DIR = APIDOCS_DIR / "node_modules" / "swagger-ui-dist"
SPEC_PATH = REPO_ROOT / "docs" / "openapi.json"
PREFIX = "/docs"
ALLOWED_METHODS = ("GET", "HEAD")

HTML = "text/html; charset=utf-8"
CSS = "text/css; charset=utf-8"
JAVASCRIPT = "text/javascript; charset=utf-8"
JSON = "application/json"

# This origin only: Swagger UI's script and styles, the spec and "Try it out" all come from the dev
# server. swagger-ui.css draws its icons as data: SVG images; the favicon is an empty data: URL.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)
# Always revalidate, so a new spec or a new Swagger UI shows on the next reload.
_COMMON_HEADERS = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
_INSTALL = "run `make apidocs` (npm ci in devtools/apidocs), then reload"


@dataclass(frozen=True)
class Asset:
    file: Path
    content_type: str
    missing_hint: str  # what to do when the file cannot be read


def is_docs_path(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


class DocsPage:
    """Answers the requests under /docs; the folders are arguments so tests can point them elsewhere."""

    def __init__(
        self, swagger_ui_dir: Path = SWAGGER_UI_DIR, spec_path: Path = SPEC_PATH, page_dir: Path = APIDOCS_DIR
    ) -> None:
        restore = "restore it with `git checkout`"
        page = Asset(page_dir / "index.html", HTML, restore)
        self.swagger_ui = (
            Asset(swagger_ui_dir / "swagger-ui.css", CSS, _INSTALL),
            Asset(swagger_ui_dir / "index.css", CSS, _INSTALL),
            Asset(swagger_ui_dir / "swagger-ui-bundle.js", JAVASCRIPT, _INSTALL),
        )
        self.assets = {
            PREFIX: page,
            f"{PREFIX}/": page,
            f"{PREFIX}/docs.js": Asset(page_dir / "docs.js", JAVASCRIPT, restore),
            **{f"{PREFIX}/{asset.file.name}": asset for asset in self.swagger_ui},
            f"{PREFIX}/openapi.json": Asset(spec_path, JSON, "run `make openapi`"),
        }

    def installed(self) -> bool:
        """Whether swagger-ui-dist is in devtools/apidocs/node_modules (`make apidocs`)."""
        return all(asset.file.is_file() for asset in self.swagger_ui)

    def respond(self, method: str, path: str) -> HttpResponse:
        """The answer to a request for a path under /docs (to HEAD too: the server leaves the body out)."""
        asset = self.assets.get(path)
        if asset is None:
            detail = f"No such file: {PREFIX} serves its page and the files the page loads."
            return _problem(404, "NOT_FOUND", "Not found", detail, path)
        if method.upper() not in ALLOWED_METHODS:
            detail = f"{method} is not allowed here; use {' or '.join(ALLOWED_METHODS)}."
            problem = _problem(405, "METHOD_NOT_ALLOWED", "Method not allowed", detail, path)
            problem.headers["Allow"] = ", ".join(ALLOWED_METHODS)
            return problem
        if asset.content_type == HTML and not self.installed():
            detail = f"Swagger UI (the npm package swagger-ui-dist) is not installed: {_INSTALL}."
            return _problem(503, "SERVICE_UNAVAILABLE", "Service unavailable", detail, path)
        try:
            body = asset.file.read_text(encoding="utf-8")
        except OSError:
            detail = f"{_shown(asset.file)} cannot be read: {asset.missing_hint}."
            return _problem(503, "SERVICE_UNAVAILABLE", "Service unavailable", detail, path)
        headers = {"Content-Type": asset.content_type, **_COMMON_HEADERS}
        if asset.content_type == HTML:
            headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return HttpResponse(200, headers, body)


def _shown(file: Path) -> str:
    return str(file.relative_to(REPO_ROOT)) if file.is_relative_to(REPO_ROOT) else str(file)


def _problem(status: int, code: str, title: str, detail: str, path: str) -> HttpResponse:
    """An RFC 9457 problem shaped like the API's own (`licensing.http.problem_details`)."""
    from licensing.http.problem_details import CONTENT_TYPE, problem_body

    body = problem_body(status, code, title, detail, instance=path)
    return HttpResponse(status, {"Content-Type": CONTENT_TYPE, **_COMMON_HEADERS}, json.dumps(body))

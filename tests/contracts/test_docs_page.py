"""The dev server's /docs page (`devtools.docs_page`), in process: what it serves, and what it answers
when Swagger UI or the spec is missing. tests/api/test_devserver_docs.py drives it over HTTP."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from devtools.docs_page import APIDOCS_DIR, DocsPage
from devtools.gateway import HttpResponse


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls |= {value for name, value in attrs if name in {"src", "href"} and value}


def _loaded_by_the_page() -> set[str]:
    """What index.html loads (the empty data: favicon is no request), and the paths docs.js fetches."""
    parser = _References()
    parser.feed((APIDOCS_DIR / "index.html").read_text(encoding="utf-8"))
    fetched = re.findall(r"\"(/docs/[^\"]*)\"", (APIDOCS_DIR / "docs.js").read_text(encoding="utf-8"))
    return {url for url in parser.urls if not url.startswith("data:")} | set(fetched)


def _assert_unavailable(response: HttpResponse, hint: str) -> None:
    assert response.status == 503, response.body
    assert response.headers["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert (problem["status"], problem["code"]) == (503, "SERVICE_UNAVAILABLE")
    assert hint in problem["detail"]


def test_it_serves_the_files_the_page_loads_and_no_other() -> None:
    assert set(DocsPage().assets) == {"/docs", "/docs/"} | _loaded_by_the_page()


def test_without_swagger_ui_the_page_says_to_run_make_apidocs(tmp_path: Path) -> None:
    page = DocsPage(swagger_ui_dir=tmp_path / "node_modules" / "swagger-ui-dist")

    assert not page.installed()
    for path in ("/docs", "/docs/", "/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css"):
        _assert_unavailable(page.respond("GET", path), "make apidocs")
    assert page.respond("GET", "/docs/openapi.json").status == 200  # the spec needs no npm package


def test_the_spec_is_read_on_every_request(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.json"
    page = DocsPage(spec_path=spec)

    _assert_unavailable(page.respond("GET", "/docs/openapi.json"), "make openapi")
    for version in ("1.0.0", "1.1.0"):  # as after a `make openapi`, with no restart
        spec.write_text(json.dumps({"openapi": "3.1.0", "info": {"version": version}}), encoding="utf-8")
        served = page.respond("GET", "/docs/openapi.json")
        assert (served.status, served.json()["info"]["version"]) == (200, version)


def test_swagger_ui_dist_is_pinned_exactly_and_locked() -> None:
    package = json.loads((APIDOCS_DIR / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((APIDOCS_DIR / "package-lock.json").read_text(encoding="utf-8"))

    assert "swagger-ui-dist" in package["dependencies"]
    assert lock["packages"][""]["dependencies"] == package["dependencies"]
    for name, version in package["dependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), (name, version)
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    assert package["scarfSettings"] == {"enabled": False}  # its install-time analytics: off

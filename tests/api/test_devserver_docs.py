"""The running dev server's API reference (/docs) and its answer to any HTTP method, over real HTTP.

Raw requests go through http.client, which sends the path exactly as written (no dot-segment clean-up),
so the traversal attempts below reach the server as an attacker would send them.
"""

from __future__ import annotations

import http.client
import json
import re
from dataclasses import dataclass
from email.message import Message
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest

from devtools.gateway import LocalGateway
from tests.support.devserver import Running
from tests.support.paths import REPO_ROOT

pytestmark = pytest.mark.server

CONTENT_TYPES = {".css": "text/css", ".js": "text/javascript", ".json": "application/json"}


@dataclass
class Raw:
    status: int
    headers: Message
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def raw(base_url: str, method: str, path: str) -> Raw:
    split = urlsplit(base_url)
    connection = http.client.HTTPConnection(split.hostname or "", split.port, timeout=10)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return Raw(response.status, response.headers, response.read())
    finally:
        connection.close()


class _References(HTMLParser):
    """The URLs a page loads: every src and href."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in {"src", "href"} and value]


def _references(html: str) -> list[str]:
    parser = _References()
    parser.feed(html)
    return parser.urls


def _foreign_urls(text: str, base_url: str) -> list[str]:
    return [url for url in re.findall(r"https?://[^\s\"'`<>)]+", text) if not url.startswith(base_url + "/")]


def _assert_problem(reply: Raw, status: int, code: str) -> dict[str, Any]:
    assert reply.status == status, reply.body
    assert reply.headers["Content-Type"] == "application/problem+json"
    problem = reply.json()
    assert (problem["status"], problem["code"]) == (status, code)
    return problem


def test_the_banner_links_the_api_reference(devserver: Running, base_url: str) -> None:
    assert devserver.banner_value(r"API reference:\s+(\S+)") == f"{base_url}/docs"


@pytest.mark.parametrize("path", ["/docs", "/docs/"])
def test_the_page_loads_only_files_of_the_dev_server_each_with_its_type(base_url: str, path: str) -> None:
    page = raw(base_url, "GET", path)

    assert page.status == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    directives = [directive.split() for directive in page.headers["Content-Security-Policy"].split(";")]
    policy = {name: sources for name, *sources in directives}
    assert policy["default-src"] == ["'none'"]
    assert {source for sources in policy.values() for source in sources} <= {"'none'", "'self'", "data:"}
    references = _references(page.text)
    assert _foreign_urls(page.text, base_url) == []
    loaded = [url for url in references if url != "data:,"]  # the empty favicon: no request
    assert loaded and all(url.startswith("/docs/") for url in loaded), references
    scripts = []
    for url in loaded:
        asset = raw(base_url, "GET", url)
        assert asset.status == 200, url
        suffix = url[url.rindex(".") :]
        assert asset.headers["Content-Type"] == f"{CONTENT_TYPES[suffix]}; charset=utf-8", url
        assert asset.headers["X-Content-Type-Options"] == "nosniff"
        if suffix == ".js":
            scripts.append((url, asset.text))
    own = [(url, text) for url, text in scripts if not url.endswith("/swagger-ui-bundle.js")]
    assert own, loaded  # the initializer: ours, not swagger-ui-dist's (which points at the petstore)
    for url, text in own:
        assert _foreign_urls(text, base_url) == [], url
    assert any("SwaggerUIBundle(" in text and '"/docs/openapi.json"' in text for _, text in own)


def test_the_spec_is_the_committed_file(base_url: str) -> None:
    reply = raw(base_url, "GET", "/docs/openapi.json")

    assert reply.status == 200
    assert reply.headers["Content-Type"] == "application/json"
    assert reply.body == (REPO_ROOT / "docs" / "openapi.json").read_bytes()


@pytest.mark.parametrize(
    "path",
    [
        "/docs/../../etc/passwd",
        "/docs/../pyproject.toml",
        "/docs/%2e%2e/%2e%2e/etc/passwd",
        "/docs/..%2f..%2fetc%2fpasswd",
        "/docs/%2e%2e%2f%2e%2e%2fpyproject.toml",
        "/docs/%252e%252e/%252e%252e/etc/passwd",
        "/docs//etc/passwd",
        "/docs/%2fetc%2fpasswd",
        "/docs/package.json",
        "/docs/node_modules/swagger-ui-dist/swagger-ui.css",
        "/docs/swagger-initializer.js",
        "/docs/index.html",
    ],
)
def test_no_other_file_is_served(base_url: str, path: str) -> None:
    reply = raw(base_url, "GET", path)

    _assert_problem(reply, 404, "NOT_FOUND")
    assert b"root:" not in reply.body and b"[project]" not in reply.body


def test_head_answers_the_headers_of_get_without_the_body(base_url: str) -> None:
    got = raw(base_url, "GET", "/docs/swagger-ui.css")
    head = raw(base_url, "HEAD", "/docs/swagger-ui.css")

    assert (head.status, head.body) == (200, b"")
    assert head.headers["Content-Type"] == got.headers["Content-Type"]
    assert head.headers["Content-Length"] == str(len(got.body))


def test_the_page_takes_get_and_head_only(base_url: str) -> None:
    reply = raw(base_url, "POST", "/docs")

    _assert_problem(reply, 405, "METHOD_NOT_ALLOWED")
    assert reply.headers["Allow"] == "GET, HEAD"


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PROPFIND", "BREW"])
def test_any_method_on_an_unknown_path_is_the_gateways_404_problem(base_url: str, method: str) -> None:
    _assert_problem(raw(base_url, method, "/v1/nowhere"), 404, "NOT_FOUND")


@pytest.mark.parametrize("method", ["TRACE", "PROPFIND"])
def test_an_unsupported_method_on_a_route_is_answered_by_the_gateway(
    base_url: str, gateway: LocalGateway, method: str
) -> None:
    """Not the stdlib's 501 HTML page: the 405 problem the local gateway answers in process."""
    reply = raw(base_url, method, "/health")
    expected = gateway.request(method, "/health")

    problem = _assert_problem(reply, 405, "METHOD_NOT_ALLOWED")
    assert problem["type"] == expected.json()["type"]
    assert reply.headers.get("Allow") == expected.headers.get("Allow") == "GET"

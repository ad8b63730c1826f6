"""The portal's build (what the first load weighs) and how the dev server serves it (only the build's
files, with the portal's security headers; an offer's purchase link opens the portal)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devtools import portal_build
from devtools.portal_page import PortalPage, content_security_policy

COGNITO = "http://127.0.0.1:4566"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (portal_build.NODE_MODULES / "tabulator-tables").is_dir():
        pytest.fail("portal/node_modules is missing: run `make portal` (make test does)")
    folder = tmp_path_factory.mktemp("portal") / "build"
    portal_build.build(folder)
    return folder


def test_the_build_measures_what_index_html_loads_within_the_budget(built: Path) -> None:
    report = json.loads((built / "size.json").read_text())
    files = {entry["file"] for entry in report["files"]}
    assert {"app.js", "api.js", "auth.js", "styles.css", "vendor/amazon-cognito-identity.min.js"} <= files
    assert all((built / name).is_file() for name in files)
    assert report["first_load_gzip_bytes"] == sum(entry["gzip"] for entry in report["files"])
    assert 0 < report["first_load_gzip_bytes"] <= portal_build.BUDGET_BYTES
    assert not list(built.rglob("axe*")), "axe-core is for the tests, not the portal"


def test_index_and_files_are_served_with_the_policy(built: Path) -> None:
    page = PortalPage(COGNITO, build_dir=built)
    index = page.respond("GET", "/portal/")
    assert index.status == 200
    assert index.headers["Content-Type"].startswith("text/html")
    assert index.headers["Content-Security-Policy"] == content_security_policy(COGNITO)
    assert f"connect-src 'self' {COGNITO};" in index.headers["Content-Security-Policy"]
    script = page.respond("GET", "/portal/app.js")
    assert script.status == 200
    assert script.headers["Content-Type"].startswith("text/javascript")
    assert script.body == (built / "app.js").read_text()
    assert page.respond("GET", "/portal").headers["Location"] == "/portal/"


def test_an_offers_purchase_link_is_the_portal(built: Path) -> None:
    answer = PortalPage(build_dir=built).respond("GET", "/portal/offers/off_123abc")
    assert answer.status == 200
    assert answer.body == (built / "index.html").read_text()


@pytest.mark.parametrize(
    "path",
    [
        "/portal/../template.yaml",
        "/portal/%2e%2e/%2e%2e/etc/passwd",
        "/portal/..%2fsize.json%00",
        "/portal/nothing.js",
        "/portal/screens/../../pyproject.toml",
        "/portal/offers/a/b",
        "/portal/app.py",
    ],
)
def test_paths_outside_the_build_or_of_unknown_files_are_404_problems(built: Path, path: str) -> None:
    answer = PortalPage(build_dir=built).respond("GET", path)
    assert answer.status == 404
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert json.loads(answer.body)["code"] == "NOT_FOUND"


def test_only_get_and_head(built: Path) -> None:
    answer = PortalPage(build_dir=built).respond("POST", "/portal/")
    assert answer.status == 405
    assert answer.headers["Allow"] == "GET, HEAD"


def test_an_unbuilt_portal_says_how_to_build_it(tmp_path: Path) -> None:
    answer = PortalPage(build_dir=tmp_path / "missing").respond("GET", "/portal/")
    assert answer.status == 503
    assert "make portal" in json.loads(answer.body)["detail"]


def test_payments_are_simulated_on_the_dev_server_only(built: Path) -> None:
    """The build's runtime.json (what S3 serves in AWS) says payments are real; the dev server's own
    answer, which wins over the file, says they are simulated through /dev/pay."""
    assert json.loads((built / "runtime.json").read_text()) == {"simulated_payments": False}
    served = PortalPage(COGNITO, build_dir=built).respond("GET", "/portal/runtime.json")
    assert (served.status, json.loads(served.body)) == (200, {"simulated_payments": True})

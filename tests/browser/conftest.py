"""Browser tests of the portal: a dev server per module serving a portal built for the run, and a fresh
browser page per test that fails on script errors, console errors and CSP violations."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, WIDE, Portal, chromium_missing, watch
from tests.support.devserver import ADMIN_KEY, running_devserver
from tests.support.paths import REPO_ROOT


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.server)


@pytest.fixture(scope="session")
def portal_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`make portal`'s build, into a folder of this run (xdist workers must not share one)."""
    missing = chromium_missing()
    assert missing is None, missing
    folder = tmp_path_factory.mktemp("portal")
    build = [sys.executable, "-m", "devtools.portal_build", str(folder)]
    subprocess.run(build, cwd=REPO_ROOT, check=True)  # noqa: S603 - our own interpreter and module
    return folder


@pytest.fixture(scope="module")
def portal(
    portal_build: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch_module: Any
) -> Iterator[Portal]:
    monkeypatch_module.setenv("PORTAL_DIR", str(portal_build))
    with running_devserver(admin_key=ADMIN_KEY, outbox=tmp_path_factory.mktemp("dev-outbox")) as server:
        yield Portal(server)


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page at 1280 x 900 in a context of its own; the test fails on any error the page reports."""
    context = browser.new_context(viewport={"width": WIDE, "height": 900}, accept_downloads=True)
    context.set_default_timeout(15_000)
    opened = context.new_page()
    problems = watch(opened)
    yield opened
    context.close()
    assert not problems, "the page reported errors:\n" + "\n".join(problems)

"""The layer's layout keeps its promises: AWS only behind store/, infra/ and the repositories; pure rules
free of AWS; package __init__ files that import nothing; a lean lookup; every package documented."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import REPO_ROOT

LAYER = REPO_ROOT / "layers" / "shared" / "licensing"
AWS_LIBRARIES = ("boto3", "botocore", "pynamodb")
SHARED = ("core", "store", "infra", "http", "contracts")
CONTEXTS = (
    "catalog",
    "partners",
    "access",
    "people",
    "orders",
    "payments",
    "licenses",
    "renewals",
    "sweeper",
    "notifications",
    "billing",
    "offers",
)
# Modules of pure rules: what they decide depends on their arguments alone (plus the catalog file).
PURE = (
    *(f"licensing.core.{path.stem}" for path in sorted((LAYER / "core").glob("[!_]*.py"))),
    *(f"licensing.contracts.{path.stem}" for path in sorted((LAYER / "contracts").glob("[!_]*.py"))),
    "licensing.catalog.catalog", "licensing.catalog.pricing", "licensing.partners.reminders",
    "licensing.partners.distributor_rules", "licensing.licenses.keys", "licensing.licenses.lifecycle",
    "licensing.licenses.index", "licensing.orders.status", "licensing.orders.usage",
    "licensing.payments.signatures", "licensing.renewals.rules", "licensing.renewals.terms",
    "licensing.sweeper.rules", "licensing.notifications.templates", "licensing.billing.usage",
    "licensing.offers.rules", "licensing.access.roles", "licensing.people.rules",
)  # fmt: skip
FUNCTIONS = sorted(path.parent.name for path in (REPO_ROOT / "functions").glob("*/app.py"))


def _modules() -> list[Path]:
    return sorted(LAYER.rglob("*.py"))


def _imported(path: Path) -> set[str]:
    """Every module an `import` or `from ... import` in the file names, wherever it stands."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _loaded_after_import(module: str) -> set[str]:
    """The modules a fresh interpreter has loaded once it imported `module` (as Lambda would)."""
    code = (
        f"import importlib, json, sys; importlib.import_module({module!r}); print(json.dumps([*sys.modules]))"
    )
    env = {"PYTHONPATH": f"{REPO_ROOT}:{REPO_ROOT / 'layers' / 'shared'}", "TABLE_NAME": "layout-test",
           "AWS_DEFAULT_REGION": "eu-west-1", "PATH": ""}  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)  # noqa: S603
    return set(json.loads(done.stdout))


def test_aws_libraries_are_imported_only_by_store_infra_and_repositories() -> None:
    offenders = []
    for path in _modules():
        relative = path.relative_to(LAYER)
        allowed = relative.parts[0] in ("store", "infra") or path.name == "repository.py"
        aws = {name for name in _imported(path) if name.split(".")[0] in AWS_LIBRARIES}
        if aws and not allowed:
            offenders.append(f"{relative}: {sorted(aws)}")
    assert offenders == []


def test_the_layer_is_one_package_per_context_over_the_shared_ones() -> None:
    packages = {path.name for path in LAYER.iterdir() if path.is_dir() and (path / "__init__.py").exists()}
    assert packages == {*SHARED, *CONTEXTS}
    assert sorted(path.name for path in LAYER.glob("*.py")) == ["__init__.py"]  # no module outside a package


def test_package_inits_import_nothing_and_say_in_one_paragraph_what_they_own() -> None:
    for init in [LAYER / "__init__.py", *sorted(LAYER.glob("*/__init__.py"))]:
        tree = ast.parse(init.read_text(encoding="utf-8"))
        docstring = ast.get_docstring(tree)
        assert docstring, init
        if init.parent != LAYER:
            assert "\n\n" not in docstring, f"{init}: one paragraph"
        assert [type(node) for node in tree.body] == [ast.Expr], f"{init}: only its docstring"


@pytest.mark.parametrize("module", PURE)
def test_pure_rules_load_nothing_of_aws(module: str) -> None:
    loaded = _loaded_after_import(module)
    aws = sorted(name for name in loaded if name.split(".")[0] in (*AWS_LIBRARIES, "aws_lambda_powertools"))
    assert aws == [], module


def test_the_lookup_loads_neither_pydantic_nor_the_resolver() -> None:
    loaded = _loaded_after_import("functions.license_lookup.app")
    assert "pydantic" not in loaded
    assert "aws_lambda_powertools.event_handler" not in loaded
    assert not {"licensing.contracts.base", "licensing.infra.bus"} & loaded  # only a first use needs them


@pytest.mark.parametrize("function", FUNCTIONS)
def test_no_function_loads_the_xray_sdk_or_boto3_at_cold_start(function: str) -> None:
    loaded = _loaded_after_import(f"functions.{function}.app")
    assert "aws_xray_sdk" not in loaded  # infra.tracing sends the segments itself
    assert "boto3" not in loaded  # clients for the bus, SES and secrets are made where they are used


def test_the_readme_names_every_package_of_the_layer() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    architecture = readme.split("## Architecture", 1)[1].split("\n## ", 1)[0]
    assert [name for name in (*SHARED, *CONTEXTS) if f"`{name}/`" not in architecture] == []

"""Project wiring that would otherwise drift silently."""

import tomllib

from tests.support.paths import REPO_ROOT


def _pins(lines: list[str]) -> dict[str, str]:
    pins = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.split("[")[0].lower()] = version
    return pins


def test_layer_requirements_match_the_runtime_dependency_group() -> None:
    layer = _pins((REPO_ROOT / "layers" / "shared" / "requirements.txt").read_text().splitlines())
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["dependency-groups"]["runtime"]
    assert layer == _pins(project)


def test_functions_ship_no_dependencies_of_their_own() -> None:
    for requirements in (REPO_ROOT / "functions").glob("*/requirements.txt"):
        assert _pins(requirements.read_text().splitlines()) == {}, requirements

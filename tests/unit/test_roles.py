"""The roles table of issue 13: what each partner role grants, and that a route must declare one."""

from __future__ import annotations

import pytest

from licensing.access.roles import PARTNER_ROLES, grants
from licensing.http.contract import operation
from licensing.http.resolver import create_app

# role -> the route roles it may call (the README's roles table)
MAY = {
    "owner": {"owner", "purchaser", "billing", "read_only"},
    "purchaser": {"purchaser", "read_only"},
    "billing": {"billing", "read_only"},
    "read_only": {"read_only"},
}


@pytest.mark.parametrize("role", PARTNER_ROLES)
@pytest.mark.parametrize("required", PARTNER_ROLES)
def test_each_role_grants_what_the_table_says(role: str, required: str) -> None:
    assert grants(role, required) is (required in MAY[role])


@pytest.mark.parametrize("role", [None, "", "admin", "OWNER", "superuser"])
def test_no_other_value_grants_anything(role: str | None) -> None:
    assert not any(grants(role, required) for required in PARTNER_ROLES)


def test_a_route_without_a_declared_role_cannot_be_registered() -> None:
    app = create_app()
    with pytest.raises(LookupError, match="GET /v1/undeclared"):
        app.get("/v1/undeclared", summary="no operation(...)")(lambda: {})


def test_an_unknown_role_is_refused_at_import() -> None:
    with pytest.raises(ValueError, match="superuser"):
        operation("anything", "Tag", "summary", role="superuser")  # type: ignore[arg-type]

"""The query parameters that select, order and group a partner's licenses (the list and its CSV export),
with patterns built from the tuples `licensing.licenses.listing` checks. Apart from
`licensing.licenses.api`, which functions that only show a license import too."""

from typing import Annotated

from pydantic import Field

from licensing.core import cursors
from licensing.core.search import MAX_QUERY, QUERY_PATTERN, comma_list_pattern, one_of
from licensing.http.models import Model
from licensing.licenses.listing import GROUPS, SORTS, STATUSES, VIEWS


class LicenseFilters(Model):
    """The query parameters that select and order licenses, for the list and its CSV export alike."""

    status: Annotated[
        str | None,
        Field(
            pattern=comma_list_pattern(STATUSES),
            description="comma list of statuses; with `view`, only that view's (else 400)",
        ),
    ] = None
    view: Annotated[
        str | None,
        Field(pattern=one_of(tuple(VIEWS)), description="activated (active + expired) or coupons (unused)"),
    ] = None
    product: Annotated[str | None, Field(max_length=40)] = None
    devices: Annotated[int | None, Field(ge=1, le=100_000)] = None
    expiring_within_days: Annotated[
        int | None, Field(ge=0, le=3650, description="days: expiry, or a coupon's deadline")
    ] = None
    q: Annotated[
        str | None,
        Field(
            max_length=MAX_QUERY,
            pattern=QUERY_PATTERN,
            description="wildcards * and ?: key, note, customer ref, workspace, order",
        ),
    ] = None
    sort: Annotated[str | None, Field(pattern=one_of(SORTS), description="default: purchased_at")] = None
    order: Annotated[str | None, Field(pattern=one_of(("asc", "desc")), description="default: by sort")] = (
        None
    )
    cursor: Annotated[str | None, Field(max_length=2048, json_schema_extra={"pattern": cursors.PATTERN})] = (
        None
    )


class LicenseListQuery(LicenseFilters):
    """The list's own parameters besides the filters: a grouping and the page size."""

    group_by: Annotated[
        str | None, Field(pattern=one_of(GROUPS), description="counts per value, over every match")
    ] = None
    limit: Annotated[int, Field(ge=1, le=100)] = 25

"""The query parameters every list shares, as Powertools parameters (kept apart from
`licensing.http.contract`, which every function imports: these bring in Powertools' OpenAPI params)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from licensing.core import cursors

# The paging parameters of every list.
PageSize = Annotated[int, Query(ge=1, le=100, description="Items per page")]
Cursor = Annotated[
    str | None,
    # The format is documented, not validated here: any cursor the list cannot use is INVALID_CURSOR.
    Query(
        max_length=2048,
        json_schema_extra={"pattern": cursors.PATTERN},
        description="The `next_cursor` of the previous page, as it was given",
    ),
]

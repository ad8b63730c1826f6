"""The filters of the order lists (a partner's and a distributor's), as the routes take them: patterns
built from the tuples `licensing.orders.history` checks. Apart from `licensing.orders.api`, which
functions that only show orders import too."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from licensing.core.search import MAX_QUERY, QUERY_PATTERN, comma_list_pattern
from licensing.orders import history

OrderTypes = Annotated[
    str | None, Query(pattern=comma_list_pattern(history.TYPES), description="comma list of order types")
]
OrderStatuses = Annotated[
    str | None,
    Query(pattern=comma_list_pattern(history.STATUSES), description="comma list of order statuses"),
]
OrderSearch = Annotated[
    str | None,
    Query(
        max_length=MAX_QUERY,
        pattern=QUERY_PATTERN,
        description="wildcards * and ?: order id, customer reference, keys",
    ),
]

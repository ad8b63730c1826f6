"""The client software's lookup: what a key entitles it to; the first lookup activates a coupon.

The hot path: one read for a known key, and no pydantic or X-Ray SDK at cold start (see
`licensing.activation`)."""

from typing import Any

from licensing import activation, clock
from licensing.http import api_handler, create_app
from licensing.observability import count_by

app = create_app(validation=False)


@app.post("/v1/lookup")
def lookup() -> dict[str, Any]:
    request = activation.LookupRequest.from_json(app.current_event.json_body)
    answer = activation.lookup(request.license_key, request.workspace_id, clock.now())
    count_by(name="LicenseLookups", dimension="code", value=answer.code)
    return answer.as_json()


lambda_handler = api_handler(app, traced=False)

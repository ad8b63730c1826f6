"""The client software's lookup: what a key entitles it to; the first lookup activates a coupon."""

from licensing import activation, clock
from licensing.http import api_handler, create_app
from licensing.schemas.lookup import LookupOut, LookupRequest

app = create_app()


@app.post("/v1/lookup")
def lookup(request: LookupRequest) -> LookupOut:
    return activation.lookup(request.license_key, request.workspace_id, clock.now())


lambda_handler = api_handler(app, traced=False)

"""A partner's own settings: the renewal reminder thresholds the sweeper uses."""

from licensing.core import clock
from licensing.http.resolver import api_handler, create_app, principal
from licensing.partners import service as partners
from licensing.partners.api import SettingsOut, SettingsUpdate, settings_out

app = create_app()


@app.get("/v1/settings")
def get_settings() -> SettingsOut:
    return settings_out(partners.get(principal(app).require_partner()))


@app.patch("/v1/settings")
def update_settings(changes: SettingsUpdate) -> SettingsOut:
    partner_id = principal(app).require_partner()
    return settings_out(partners.update(partner_id, changes.model_dump(exclude_unset=True), clock.now()))


lambda_handler = api_handler(app)

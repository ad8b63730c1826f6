"""A partner's own settings: the renewal reminder thresholds the sweeper uses."""

from licensing import clock, partners
from licensing.http.resolver import api_handler, create_app, principal
from licensing.repositories import partners as partner_repo
from licensing.schemas.partners import SettingsOut, SettingsUpdate

app = create_app()


@app.get("/v1/settings")
def get_settings() -> SettingsOut:
    return partners.settings_of(partner_repo.get(principal(app).require_partner()))


@app.patch("/v1/settings")
def update_settings(changes: SettingsUpdate) -> SettingsOut:
    partner_id = principal(app).require_partner()
    return partners.settings_of(partners.update_settings(partner_id, changes, clock.now()))


lambda_handler = api_handler(app)

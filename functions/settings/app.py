"""A partner's own settings: the renewal reminder thresholds the sweeper uses."""

from licensing.core import clock
from licensing.core.errors import VersionConflict
from licensing.http.contract import SETTINGS, operation
from licensing.http.resolver import api_handler, create_app, principal
from licensing.partners import service as partners
from licensing.partners.api import SettingsOut, SettingsUpdate, settings_out
from licensing.partners.errors import PartnerNotFound

app = create_app()


@app.get(
    "/v1/settings",
    **operation("getSettings", SETTINGS, "The partner's settings", PartnerNotFound, role="read_only"),
)
def get_settings() -> SettingsOut:
    return settings_out(partners.get(principal(app).require_partner()))


@app.patch(
    "/v1/settings",
    **operation(
        "updateSettings",
        SETTINGS,
        "Change the reminder thresholds",
        PartnerNotFound,
        VersionConflict,
        role="billing",
    ),
)
def update_settings(changes: SettingsUpdate) -> SettingsOut:
    partner_id = principal(app).require_partner()
    return settings_out(partners.update(partner_id, changes.model_dump(exclude_unset=True), clock.now()))


lambda_handler = api_handler(app)

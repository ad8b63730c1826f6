"""What the client software's lookup answers; the first lookup of a coupon activates it.

This is the hot path, so it stays free of pydantic and the Powertools resolver (which would double the
lookup function's cold start): the request is checked by hand and the answer is a dataclass.
`licensing.licenses.api` documents the same contract for OpenAPI, and a test keeps the two in step.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, NamedTuple

from licensing.core.actors import system
from licensing.core.clock import iso
from licensing.core.errors import Conflict, ValidationFailed
from licensing.licenses import repository as license_repo
from licensing.licenses.activation import ATTEMPTS, activate
from licensing.licenses.errors import LicenseNotFound
from licensing.licenses.keys import normalize_key
from licensing.licenses.lifecycle import LicenseStatus, status_of
from licensing.store.table import LicenseItem

WORKSPACE_ID = re.compile(r"[\x21-\x7e]{1,128}")
_CODES = {
    LicenseStatus.EXPIRED: "EXPIRED",
    LicenseStatus.LAPSED: "LAPSED",
    LicenseStatus.REVOKED: "REVOKED",
    LicenseStatus.REDEEMED: "REDEEMED",
    LicenseStatus.SUSPENDED: "SUSPENDED",
    LicenseStatus.CANCELLED: "CANCELLED",
}


class LookupRequest(NamedTuple):
    license_key: str
    workspace_id: str

    @classmethod
    def from_json(cls, body: Any) -> LookupRequest:
        if not isinstance(body, dict):
            raise ValidationFailed(
                "body: a JSON object is required", errors=[_error("body", "object required")]
            )
        errors = [
            _error(f"body.{name}", "Extra inputs are not permitted") for name in sorted(set(body) - _FIELDS)
        ]
        key, workspace = body.get("license_key"), body.get("workspace_id")
        if not isinstance(key, str) or not 1 <= len(key) <= 64:
            errors.append(_error("body.license_key", "a string of 1 to 64 characters is required"))
        if not isinstance(workspace, str) or not WORKSPACE_ID.fullmatch(workspace):
            errors.append(_error("body.workspace_id", "1 to 128 visible ASCII characters are required"))
        if errors:
            raise ValidationFailed("; ".join(f"{e['field']}: {e['message']}" for e in errors), errors=errors)
        return cls(license_key=key, workspace_id=workspace)  # type: ignore[arg-type]


_FIELDS = {"license_key", "workspace_id"}


def _error(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}


class LookupAnswer(NamedTuple):
    valid: bool
    code: str  # VALID, EXPIRED, LAPSED, REVOKED, REDEEMED, SUSPENDED, CANCELLED or WORKSPACE_MISMATCH
    license: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {"valid": self.valid, "code": self.code, "license": self.license}


def lookup(raw_key: str, workspace_id: str, now: datetime) -> LookupAnswer:
    """One read for a known key; a coupon's first lookup also activates it for `workspace_id`."""
    key = normalize_key(raw_key)  # a malformed key never reaches the database
    license = license_repo.get(key)
    for _ in range(ATTEMPTS):
        if license is None:
            raise LicenseNotFound("No license has this key.")
        status = status_of(license, now)
        if status is not LicenseStatus.UNUSED:
            return _answer(license, status, workspace_id, now)
        if activate(license, workspace_id, now, actor=system(f"client:{workspace_id}")):
            return _answer(license, LicenseStatus.ACTIVE, workspace_id, now)
        license = license_repo.get(key, consistent=True)  # someone else changed it first: look again
    raise Conflict("The license is changing too often to activate; retry.")


def entitlement(license: LicenseItem, now: datetime, *, show_workspace: bool) -> dict[str, Any]:
    """What the client software may see: no partner, note or customer data."""
    return {
        "key": license.key,
        "product": license.product,
        "devices": int(license.devices),
        "term_months": int(license.term_months),
        "status": status_of(license, now).value,
        "activated_at": iso(license.activated_at) if license.activated_at else None,
        "expires_at": iso(license.expires_at) if license.expires_at else None,
        "workspace_id": license.workspace_id if show_workspace else None,
    }


def _answer(license: LicenseItem, status: LicenseStatus, workspace_id: str, now: datetime) -> LookupAnswer:
    same_workspace = license.workspace_id == workspace_id
    code = _CODES.get(status, "VALID" if same_workspace else "WORKSPACE_MISMATCH")
    return LookupAnswer(
        valid=code == "VALID", code=code, license=entitlement(license, now, show_workspace=same_workspace)
    )

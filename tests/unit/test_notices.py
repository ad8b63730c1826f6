"""The notifier's notices, rendered without SES or the table."""

from __future__ import annotations

from licensing.licenses.keys import generate_key
from licensing.notifications import templates as notices


def test_notices_name_a_single_license_in_the_subject() -> None:
    key = generate_key()
    detail = {
        "run_at": "2026-11-27T23:59:00Z",
        "licenses": [
            {"license_key": key, "expires_at": "2026-11-28T00:30:00Z", "product": "home", "devices": 1}
        ],
    }

    notice = notices.renewal_digest(detail, "Acme Reseller")

    assert notice.subject == f"Renewal reminder: license {key} expires 2026-11-28"
    assert f"- {key}: Home Security, 1 device, expires 2026-11-28 (1 day left)" in notice.text.splitlines()

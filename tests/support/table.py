"""The table read and written directly, past the API: a snapshot to prove a request wrote nothing, and a
key the vendor issued without a partner."""

from __future__ import annotations

from licensing.licenses import repository as license_repo
from licensing.licenses.keys import generate_key
from licensing.store.table import BaseItem


def snapshot() -> list[dict]:
    return sorted((i.to_simple_dict() for i in BaseItem.scan()), key=lambda i: (i["PK"], i["SK"]))


def unowned_key() -> str:
    from datetime import UTC, datetime

    from licensing.licenses.lifecycle import activation_deadline
    from licensing.store.transactions import Transaction

    key = generate_key()
    issued = datetime(2026, 11, 1, tzinfo=UTC)
    license = license_repo.new_license(
        key, product="home", devices=1, term_months=12, partner_id=None, order_id=None,  # by the vendor
        purchased_at=issued, activation_deadline=activation_deadline(issued), customer_ref=None, now=issued,
    )  # fmt: skip
    tx = Transaction()
    license_repo.add_issues(tx, [license])
    tx.commit()
    return key

"""Billing's storage, all on the sparse GSI5 (no Scan): the monthly partners (`GSI5PK=MONTHLY_PARTNERS`,
`GSI5SK=<partner id>`, with their currency, discount, name and e-mail projected) and each partner's
activated monthly licenses (`GSI5PK=PARTNER#<id>#MONTHLY`, `GSI5SK=<last billable day>#<key>`, with their
row and usage periods projected); the statement's claim (`PK=STATEMENT#<partner>#<month>`) written with
its order; and the run's checkpoint (`PK=BILLING#RUN`, `SK=<month>`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.update import Action

from licensing.billing.usage import Billable, Month
from licensing.licenses.monthly import MONTHLY_PARTNERS, partner_partition
from licensing.licenses.repository import from_row
from licensing.orders import repository as order_repo
from licensing.store.table import BillingRunItem, LicenseItem, OrderItem, PartnerItem, StatementClaimItem
from licensing.store.transactions import Transaction
from licensing.store.transient import condition_failed

RUN_PK = "BILLING#RUN"
CLAIM_SK = "STATEMENT"
CLAIM = "claim"  # label of the claim in a statement's transaction
ORDER = order_repo.ORDER


class MonthlyPartner(NamedTuple):
    id: str
    name: str
    email: str
    currency: str
    discount_percent: Decimal


def monthly_partners(after: str | None = None) -> Iterator[MonthlyPartner]:
    """Every partner with monthly billing, by id, after the checkpoint `after` (one page per 1 MB)."""
    condition = PartnerItem.GSI5SK > after if after else None  # noqa: SIM300 - an attribute
    for entry in PartnerItem.monthly_billing.query(MONTHLY_PARTNERS, range_key_condition=condition):
        if isinstance(entry, PartnerItem) and entry.GSI5SK:
            yield MonthlyPartner(
                entry.GSI5SK, entry.name, entry.email, entry.currency, Decimal(entry.discount_percent)
            )


def billable(partner_id: str, month: Month) -> Iterator[Billable]:
    """The partner's monthly licenses that may have been billable in the month: those whose last day is
    on or after its first day (a license that ended before is never read), less those activated after it."""
    results = LicenseItem.monthly_billing.query(
        partner_partition(partner_id),
        range_key_condition=LicenseItem.GSI5SK >= month.first_day,  # noqa: SIM300
    )
    for entry in results:
        if not isinstance(entry, LicenseItem):
            continue
        license = from_row(entry)
        if license.activated_at is not None and license.activated_at >= month.end:
            continue
        yield Billable(
            license.key, license.product, license.customer_ref, license.workspace_id, list(entry.usage or [])
        )


def claim_pk(partner_id: str, month: str) -> str:
    return f"STATEMENT#{partner_id}#{month}"


def add_statement(tx: Transaction, order: OrderItem, now: datetime) -> None:
    """The statement's order and its claim; the claim fails (label CLAIM) when the month is billed. The
    run's count of statements moves in the same transaction, so a run that stops between a statement
    and its next checkpoint leaves the count right."""
    claim = StatementClaimItem(
        claim_pk(order.partner_id, str(order.month)), CLAIM_SK,
        partner_id=order.partner_id, month=order.month, order_id=order.id, created_at=now,
    )  # fmt: skip
    tx.put(claim, condition=StatementClaimItem.PK.does_not_exist(), label=CLAIM)
    order_repo.add_create(tx, order)
    counted: list[Action] = [BillingRunItem.entity.set(BillingRunItem), BillingRunItem.statements.add(1)]
    tx.update(BillingRunItem(RUN_PK, str(order.month)), counted, versioned=False)


def checkpoint(month: str) -> BillingRunItem | None:
    try:
        return BillingRunItem.get(RUN_PK, month, consistent_read=True)
    except DoesNotExist:
        return None


def save_checkpoint(month: str, *, last_partner: str | None, now: datetime, done: bool) -> None:
    """Move the checkpoint on (it may be created here); nothing moves once a run finished the month."""
    actions: list[Action] = [
        BillingRunItem.entity.set(BillingRunItem),  # an update may create the item
        BillingRunItem.updated_at.set(now),
    ]
    if last_partner:
        actions.append(BillingRunItem.last_partner.set(last_partner))
    if done:
        actions.append(BillingRunItem.completed_at.set(now))
    try:
        BillingRunItem(RUN_PK, month).update(
            actions=actions, condition=BillingRunItem.completed_at.does_not_exist()
        )
    except UpdateError as error:
        if not condition_failed(error):
            raise  # else a concurrent run finished the month first: its checkpoint stands

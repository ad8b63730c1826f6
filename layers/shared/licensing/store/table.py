"""The single table: connection settings, custom attributes and the PynamoDB models.

Key design (see docs/data-model.md): every entity has `PK`/`SK`; a partner's orders and API keys are
listed on `GSI1`, its licenses on the compact `GSI2`, the coupons renew-with-coupon may pick on `GSI3`,
when the sweeper next looks at a license on `GSI4`, and what the monthly billing run reads on `GSI5`.
"""

from __future__ import annotations

import os
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any, TypeVar

from pynamodb.attributes import (
    Attribute,
    DiscriminatorAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.connection import Connection
from pynamodb.constants import MAP, NUMBER, STRING
from pynamodb.expressions.update import Action
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

from licensing.core.actors import Actor, from_legacy
from licensing.core.clock import iso, parse_iso

TABLE_NAME = os.environ.get("TABLE_NAME", "licensing")
REGION = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "eu-west-1"
# None lets botocore resolve the endpoint, which honours AWS_ENDPOINT_URL_DYNAMODB.
HOST = os.environ.get("DYNAMODB_ENDPOINT_URL") or None
# The retry budget of every DynamoDB call: botocore's "standard" mode (PynamoDB's default), 3 attempts in
# all, with full-jitter exponential backoff (a random wait up to 1 s, then up to 2 s) on throttling, 5xx,
# timeouts and lost connections; what still fails is a 503 (licensing.store.transient).
ATTEMPTS = 3


class IsoDateTimeAttribute(Attribute[datetime]):
    """A UTC datetime stored as `2026-11-27T10:00:00Z`, so stored values sort and compare as strings."""

    attr_type = STRING

    def serialize(self, value: datetime) -> str:
        return iso(value)

    def deserialize(self, value: str) -> datetime:
        return parse_iso(value)


class DecimalAttribute(Attribute[Decimal]):
    """An exact decimal stored as a DynamoDB number (never through float)."""

    attr_type = NUMBER

    def serialize(self, value: Decimal) -> str:
        return str(value)

    def deserialize(self, value: str) -> Decimal:
        return Decimal(value)


class BaseItem(Model):
    class Meta:
        table_name = TABLE_NAME
        region = REGION
        host = HOST
        connect_timeout_seconds = 2
        read_timeout_seconds = 5
        max_retry_attempts = ATTEMPTS - 1  # retries after the first attempt (mode "standard")

    PK = UnicodeAttribute(hash_key=True)
    SK = UnicodeAttribute(range_key=True)
    # Names the entity of every item, so one Query over a partition yields the right model per item.
    entity = DiscriminatorAttribute()


class PartnerListIndex(GlobalSecondaryIndex["BaseItem"]):  # type: ignore[no-untyped-call]
    """GSI1: a partner's orders and API keys, sorted by creation."""

    class Meta:
        index_name = "GSI1"
        projection = AllProjection()

    GSI1PK = UnicodeAttribute(hash_key=True)
    GSI1SK = UnicodeAttribute(range_key=True)


class PartnerLicensesIndex(GlobalSecondaryIndex["BaseItem"]):  # type: ignore[no-untyped-call]
    """GSI2: a partner's licenses by purchase, projecting only the keys and the compact `row`, so reading
    a whole partition for a search costs about half of reading the full items."""

    class Meta:
        index_name = "GSI2"
        projection = IncludeProjection(["row", "entity"])

    GSI2PK = UnicodeAttribute(hash_key=True)
    GSI2SK = UnicodeAttribute(range_key=True)


class PartnerCouponsIndex(GlobalSecondaryIndex["BaseItem"]):  # type: ignore[no-untyped-call]
    """GSI3 (sparse): the coupons renew-with-coupon may pick, per partner, product and devices, soonest
    activation deadline first (see licensing.licenses.index)."""

    class Meta:
        index_name = "GSI3"
        projection = IncludeProjection(["row", "entity", "sweep_term"])

    GSI3PK = UnicodeAttribute(hash_key=True)
    GSI3SK = UnicodeAttribute(range_key=True)


class DueIndex(GlobalSecondaryIndex["BaseItem"]):  # type: ignore[no-untyped-call]
    """GSI4 (sparse): when the sweeper must next look at a license or coupon, bucketed by day and split
    into shards (see licensing.licenses.index.due_keys)."""

    class Meta:
        index_name = "GSI4"
        projection = IncludeProjection(["row", "entity", "sweep_term", "sweep_done", "due_at"])

    GSI4PK = UnicodeAttribute(hash_key=True)
    GSI4SK = UnicodeAttribute(range_key=True)


class MonthlyBillingIndex(GlobalSecondaryIndex["BaseItem"]):  # type: ignore[no-untyped-call]
    """GSI5 (sparse): the partners with monthly billing (`GSI5PK=MONTHLY_PARTNERS`, `GSI5SK=<partner id>`)
    and each one's activated monthly licenses (`GSI5PK=PARTNER#<id>#MONTHLY`, `GSI5SK=<last day>#<key>`,
    the last day being `9999-12-31` while not cancelled), so a month's run reads only what it bills."""

    class Meta:
        index_name = "GSI5"
        projection = IncludeProjection(
            ["row", "entity", "usage", "currency", "discount_percent", "name", "email"]
        )

    GSI5PK = UnicodeAttribute(hash_key=True)
    GSI5SK = UnicodeAttribute(range_key=True)


class PartnerItem(BaseItem, discriminator="Partner"):
    id = UnicodeAttribute()
    name = UnicodeAttribute()
    email = UnicodeAttribute()
    currency = UnicodeAttribute()
    discount_percent = DecimalAttribute()
    billing = UnicodeAttribute()
    distributor_id = UnicodeAttribute(null=True)
    reminder_days = ListAttribute[int](null=True)  # days before expiry; None: the default thresholds
    created_at = IsoDateTimeAttribute()
    updated_at = IsoDateTimeAttribute()
    version = VersionAttribute()
    # set once the partner has monthly billing (and kept: its monthly licenses are billed until they end)
    GSI5PK = UnicodeAttribute(null=True)
    GSI5SK = UnicodeAttribute(null=True)
    monthly_billing = MonthlyBillingIndex()
    # ---- distributors (licensing.partners.distributors): listed for its distributor while assigned
    GSI1PK = UnicodeAttribute(null=True)
    GSI1SK = UnicodeAttribute(null=True)
    distributor_index = PartnerListIndex()


class ApiKeyItem(BaseItem, discriminator="ApiKey"):
    key_id = UnicodeAttribute()
    partner_id = UnicodeAttribute(null=True)  # None: a distributor's key
    name = UnicodeAttribute(null=True)
    secret_hash = UnicodeAttribute()
    created_at = IsoDateTimeAttribute()
    revoked_at = IsoDateTimeAttribute(null=True)
    distributor_id = UnicodeAttribute(null=True)  # a distributor's key (licensing.partners.distributors)
    role = UnicodeAttribute(null=True)  # a partner key's role; None (keys from before roles): purchaser
    GSI1PK = UnicodeAttribute()
    GSI1SK = UnicodeAttribute()
    partner_index = PartnerListIndex()


class UserItem(BaseItem, discriminator="User"):
    """A partner's person (licensing.people): `PK=USER#<sub>`, `SK=USER`, read by the authorizer on each
    request; listed per partner on GSI1 (`PARTNER#<id>#USERS`, `USER#<email>`)."""

    user_id = UnicodeAttribute()  # the Cognito user's `sub`
    partner_id = UnicodeAttribute()
    email = UnicodeAttribute()
    role = UnicodeAttribute()  # licensing.access.roles.PartnerRole
    status = UnicodeAttribute()  # active, suspended, or removing (being deleted: no access any more)
    created_at = IsoDateTimeAttribute()
    updated_at = IsoDateTimeAttribute()
    version = VersionAttribute()
    GSI1PK = UnicodeAttribute()
    GSI1SK = UnicodeAttribute()
    partner_index = PartnerListIndex()


class PartnerOwnersItem(BaseItem, discriminator="PartnerOwners"):
    """`PK=PARTNER#<id>`, `SK=OWNERS`: how many of the partner's people are active owners, changed in the
    transaction that changes one of them, on the condition that a decrement leaves at least one."""

    partner_id = UnicodeAttribute()
    active_owners = NumberAttribute(default=0)


class OrderItem(BaseItem, discriminator="Order"):
    id = UnicodeAttribute()
    partner_id = UnicodeAttribute()
    type = UnicodeAttribute()  # new, bulk, renewal or monthly_statement
    billing = UnicodeAttribute()
    plan = UnicodeAttribute(null=True)  # annual (None on orders placed before plans existed) or monthly
    status = UnicodeAttribute()
    product = UnicodeAttribute(null=True)  # None on a monthly statement (its lines name the products)
    devices = NumberAttribute(null=True)
    years = NumberAttribute(null=True)  # None on a monthly plan's order and a statement
    licenses = NumberAttribute()
    currency = UnicodeAttribute()
    list_price_per_license = NumberAttribute()
    price_per_license = NumberAttribute()
    total_amount = NumberAttribute()
    discounts = JSONAttribute()
    catalog_version = UnicodeAttribute()
    customer_ref = UnicodeAttribute(null=True)
    created_at = IsoDateTimeAttribute()
    updated_at = IsoDateTimeAttribute()
    license_keys = ListAttribute[str](default=list)
    payment_event_id = UnicodeAttribute(null=True)
    payment_id = UnicodeAttribute(null=True)
    paid_at = IsoDateTimeAttribute(null=True)
    refunded_at = IsoDateTimeAttribute(null=True)
    refund_event_id = UnicodeAttribute(null=True)
    refund_announced_at = IsoDateTimeAttribute(null=True)  # when OrderRefunded went to the outbox
    renews_license = UnicodeAttribute(null=True)  # a renewal order: the key it extends
    previous_product = UnicodeAttribute(null=True)  # a renewal that migrates: the edition it leaves
    # ---- offers (licensing.offers): the offer an order was bought through
    offer_id = UnicodeAttribute(null=True)
    # ---- distributors (licensing.partners.distributors): who placed an order for the partner
    placed_by = UnicodeAttribute(null=True)
    # ---- monthly statements (licensing.billing): the month billed and the statement's lines
    month = UnicodeAttribute(null=True)  # 2026-11
    statement = JSONAttribute(null=True)
    GSI1PK = UnicodeAttribute()
    GSI1SK = UnicodeAttribute()
    partner_index = PartnerListIndex()


class OrderUsageItem(BaseItem, discriminator="OrderUsage"):
    """How many of an order's keys are in use or revoked, kept apart from the order so the counter updates
    on every activation stay one small write however many keys the order holds."""

    licenses_used = NumberAttribute(default=0)
    licenses_revoked = NumberAttribute(default=0)


class LicenseItem(BaseItem, discriminator="License"):
    key = UnicodeAttribute()
    product = UnicodeAttribute()
    devices = NumberAttribute()
    term_months = NumberAttribute()
    partner_id = UnicodeAttribute(null=True)
    order_id = UnicodeAttribute(null=True)
    purchased_at = IsoDateTimeAttribute()
    activation_deadline = IsoDateTimeAttribute()
    activated_at = IsoDateTimeAttribute(null=True)
    expires_at = IsoDateTimeAttribute(null=True)
    workspace_id = UnicodeAttribute(null=True)
    customer_ref = UnicodeAttribute(null=True)
    note = UnicodeAttribute(null=True)
    revoked_at = IsoDateTimeAttribute(null=True)
    redeemed_at = IsoDateTimeAttribute(null=True)
    redeemed_for = UnicodeAttribute(null=True)  # a redeemed coupon: the license it renewed
    renewed_at = IsoDateTimeAttribute(null=True)
    # a monthly plan's license (licensing.licenses.monthly): no expiry once activated, billed for use
    plan = UnicodeAttribute(null=True)  # None: annual; "monthly"
    suspended_at = IsoDateTimeAttribute(null=True)  # present while suspended
    cancelled_at = IsoDateTimeAttribute(null=True)  # when the partner cancelled it
    ends_at = IsoDateTimeAttribute(null=True)  # a cancelled license ends at the next UTC midnight
    # What it was billable for: [start, end, devices] periods in Unix seconds, end None while open. A
    # period closes at a suspension, a device change or the end; it opens at activation, reinstatement
    # and a device change (see licensing.licenses.monthly; device-days in licensing.billing).
    usage = JSONAttribute(null=True)
    version = VersionAttribute()
    # derived from the fields above on every write (licensing.licenses.index)
    row = UnicodeAttribute(null=True)
    GSI2PK = UnicodeAttribute(null=True)
    GSI2SK = UnicodeAttribute(null=True)
    GSI3PK = UnicodeAttribute(null=True)
    GSI3SK = UnicodeAttribute(null=True)
    # the sweeper's schedule: the term its notices belong to, what it sent for that term, when it is next due
    sweep_term = UnicodeAttribute(null=True)
    sweep_done = ListAttribute[str](null=True)
    due_at = IsoDateTimeAttribute(null=True)
    GSI4PK = UnicodeAttribute(null=True)
    GSI4SK = UnicodeAttribute(null=True)
    partner_licenses = PartnerLicensesIndex()
    partner_coupons = PartnerCouponsIndex()
    due_index = DueIndex()
    GSI5PK = UnicodeAttribute(null=True)
    GSI5SK = UnicodeAttribute(null=True)
    monthly_billing = MonthlyBillingIndex()


class ActorAttribute(Attribute[Actor]):
    """Who made a change (licensing.core.actors), stored as a map `{type, id, email?}`. Entries written
    before actors had types hold a string (`partner:<id>`, `client:<workspace>`...): read through
    `from_legacy`, so old tables keep working."""

    attr_type = MAP

    def serialize(self, value: Actor) -> dict[str, Any]:
        return {name: {STRING: text} for name, text in value.as_dict().items()}

    def get_value(self, value: dict[str, Any]) -> Any:
        return value[STRING] if STRING in value else super().get_value(value)

    def deserialize(self, value: str | dict[str, Any]) -> Actor:
        if isinstance(value, str):
            return from_legacy(value)
        return Actor.from_dict({name: typed[STRING] for name, typed in value.items()})


class HistoryItem(BaseItem, discriminator="LicenseHistory"):
    """One change to a license, stored in the license's partition, written in the change's transaction."""

    at = IsoDateTimeAttribute()
    actor = ActorAttribute()
    action = UnicodeAttribute()
    changes = JSONAttribute()


class PaymentEventItem(BaseItem, discriminator="PaymentEvent"):
    event_id = UnicodeAttribute()
    type = UnicodeAttribute()
    order_id = UnicodeAttribute()
    amount = NumberAttribute(null=True)
    currency = UnicodeAttribute(null=True)
    payment_id = UnicodeAttribute(null=True)
    received_at = IsoDateTimeAttribute()
    outcome = UnicodeAttribute()


class IdempotencyItem(BaseItem, discriminator="IdempotencyRecord"):
    request_hash = UnicodeAttribute()
    result = JSONAttribute(null=True)  # a snapshot of the domain result the first request produced
    order_id = UnicodeAttribute(null=True)
    created_at = IsoDateTimeAttribute()
    ttl = NumberAttribute()


class NotificationItem(BaseItem, discriminator="Notification"):
    """A domain event the notifier handled; claiming it before sending makes each e-mail go out once."""

    detail_type = UnicodeAttribute()
    recipient = UnicodeAttribute(null=True)  # None: an end customer without an address
    outcome = UnicodeAttribute()
    sent_at = IsoDateTimeAttribute()
    claim_id = UnicodeAttribute()  # tells this claim from a later one, so only its owner releases it
    ttl = NumberAttribute()


class OutboxItem(BaseItem, discriminator="OutboxEvent"):
    """A domain event, written in the transaction of the change it describes (`PK=OUTBOX#<event id>`,
    `SK=EVENT`). The table's stream carries it to the bus (functions/outbox_relay); it stays as a record
    of what was announced until its `ttl`."""

    detail_type = UnicodeAttribute()
    detail = JSONAttribute()
    created_at = IsoDateTimeAttribute()
    ttl = NumberAttribute()


def index_page(
    index: GlobalSecondaryIndex[Any],
    model: type[ModelT],
    partition: str,
    *,
    limit: int,
    start: dict[str, Any] | None,
) -> tuple[list[ModelT], dict[str, Any] | None]:
    """One page of `model` items of an index partition (one Query), and where the next page starts (None
    when this one is the last)."""
    results = index.query(partition, last_evaluated_key=start, limit=limit, page_size=limit)
    items = [item for item in results if isinstance(item, model)]
    last = results.last_evaluated_key
    return items, last if last and len(items) == limit else None


def set_or_remove(model: type[Model], changes: dict[str, Any]) -> list[Action]:
    """Update actions for a partial change: each attribute is set, or removed when its value is None."""
    attributes = model.get_attributes()
    return [
        attributes[name].remove() if value is None else attributes[name].set(value)
        for name, value in changes.items()
    ]


@cache
def connection() -> Connection:
    """The low-level connection transactions use, with the same settings as the models."""
    return Connection(
        region=REGION,
        host=HOST,
        connect_timeout_seconds=BaseItem.Meta.connect_timeout_seconds,
        read_timeout_seconds=BaseItem.Meta.read_timeout_seconds,
        max_retry_attempts=BaseItem.Meta.max_retry_attempts,
    )


def reset_connections() -> None:
    """Forget cached clients, so tests and local tools can point the models at another endpoint."""
    for model in (BaseItem, *BaseItem.__subclasses__()):
        setattr(model, "_connection", None)  # noqa: B010 - PynamoDB's private client cache
    connection.cache_clear()


class SweepStateItem(BaseItem, discriminator="SweepState"):
    """The sweeper's checkpoint (the first day bucket that may still hold due items) and its run lock."""

    swept_until = UnicodeAttribute(null=True)  # a day, 2026-11-27
    lock_owner = UnicodeAttribute(null=True)
    lock_until = NumberAttribute(null=True)  # Unix seconds, wall clock
    updated_at = IsoDateTimeAttribute(null=True)


class SweepNoticeItem(BaseItem, discriminator="SweepNotice"):
    """A digest line: a reminder or coupon warning the sweeper owes a partner's digest, written in the
    transaction of the visit and deleted in the one that writes the digest, so a run that stops in between
    leaves it for the next run."""

    kind = UnicodeAttribute()
    partner_id = UnicodeAttribute()
    days = NumberAttribute(default=0)
    detail = JSONAttribute()
    created_at = IsoDateTimeAttribute()


# ------------------------------------------------ offers and discount requests (licensing.offers)


class OfferItem(BaseItem, discriminator="Offer"):
    """A partner manager's custom purchase link for one partner: `PK=OFFER#<id>`, `SK=OFFER`, the partner's
    offers on GSI1 (see licensing.offers.repository). Its status is derived from the fields below."""

    id = UnicodeAttribute()
    partner_id = UnicodeAttribute()
    product = UnicodeAttribute()
    devices = NumberAttribute()
    years = NumberAttribute()
    licenses = NumberAttribute()
    reason = UnicodeAttribute()  # education, nonprofit, charity, student, teacher or custom
    currency = UnicodeAttribute()  # the partner's
    discount_percent = DecimalAttribute(null=True)  # exactly one of these two
    price_per_license = NumberAttribute(null=True)  # minor units of `currency`
    expires_at = IsoDateTimeAttribute()
    note = UnicodeAttribute(null=True)
    discount_request_id = UnicodeAttribute(null=True)  # the request an approval created it for
    created_at = IsoDateTimeAttribute()
    order_id = UnicodeAttribute(null=True)  # set, with used_at, by the order's creation transaction
    used_at = IsoDateTimeAttribute(null=True)
    withdrawn_at = IsoDateTimeAttribute(null=True)
    GSI1PK = UnicodeAttribute()
    GSI1SK = UnicodeAttribute()
    partner_index = PartnerListIndex()


class DiscountRequestItem(BaseItem, discriminator="DiscountRequest"):
    """A partner's request for an education / non-profit discount: `PK=DISCOUNT_REQUEST#<id>`,
    `SK=DISCOUNT_REQUEST`; the partner's requests on GSI1, every request by status on GSI2 with its
    compact `row` (see licensing.offers.repository)."""

    id = UnicodeAttribute()
    partner_id = UnicodeAttribute()
    customer_name = UnicodeAttribute()
    kind = UnicodeAttribute()
    evidence_url = UnicodeAttribute(null=True)
    details = UnicodeAttribute()
    status = UnicodeAttribute()  # pending, approved or rejected
    rejection_reason = UnicodeAttribute(null=True)
    offer_id = UnicodeAttribute(null=True)  # approved: the offer it created
    created_at = IsoDateTimeAttribute()
    decided_at = IsoDateTimeAttribute(null=True)
    row = UnicodeAttribute(null=True)  # the request as the admin's list shows it (JSON), on GSI2
    GSI1PK = UnicodeAttribute()
    GSI1SK = UnicodeAttribute()
    GSI2PK = UnicodeAttribute()
    GSI2SK = UnicodeAttribute()
    partner_index = PartnerListIndex()
    by_status = PartnerLicensesIndex()


# ---------------------------------------------------------------- distributors (licensing.partners)


class DistributorItem(BaseItem, discriminator="Distributor"):
    """A distributor: `PK=DISTRIBUTOR#<id>`, `SK=PROFILE`; all of them listed on GSI1 (`GSI1PK=DISTRIBUTORS`,
    `GSI1SK=<id>`). Its partners carry `GSI1PK=DISTRIBUTOR#<id>#PARTNERS` while assigned to it."""

    id = UnicodeAttribute()
    name = UnicodeAttribute()
    email = UnicodeAttribute()
    support_url = UnicodeAttribute(null=True)
    discount_percent = DecimalAttribute()  # what its orders for its partners are priced at
    created_at = IsoDateTimeAttribute()
    updated_at = IsoDateTimeAttribute()
    version = VersionAttribute()
    GSI1PK = UnicodeAttribute()
    GSI1SK = UnicodeAttribute()
    listing = PartnerListIndex()


# ---------------------------------------------------------------- monthly billing (licensing.billing)


class StatementClaimItem(BaseItem, discriminator="StatementClaim"):
    """`PK=STATEMENT#<partner id>#<month>`: put with the statement's order in one transaction, on the
    condition that it does not exist yet, so a partner's month is billed once however many runs try."""

    partner_id = UnicodeAttribute()
    month = UnicodeAttribute()
    order_id = UnicodeAttribute()
    created_at = IsoDateTimeAttribute()


class BillingRunItem(BaseItem, discriminator="BillingRun"):
    """`PK=BILLING#RUN`, `SK=<month>`: how far the month's run got (the last partner id it finished, in
    GSI5 order), and when it finished all of them."""

    last_partner = UnicodeAttribute(null=True)
    statements = NumberAttribute(default=0)
    completed_at = IsoDateTimeAttribute(null=True)
    updated_at = IsoDateTimeAttribute(null=True)


ModelT = TypeVar("ModelT", bound=Model)


# What a snapshot leaves out: the keys and what an item derives for the indexes and the sweeper.
_DERIVED = {"PK", "SK", "entity", "row", "sweep_term", "sweep_done", "due_at"}


def snapshot(item: Model) -> dict[str, Any]:
    """An item's own attributes as plain JSON values (for an Idempotency-Key record's result)."""
    return {
        name: value
        for name, value in item.to_simple_dict().items()
        if name not in _DERIVED and not name.startswith("GSI")
    }


def restore(model: type[ModelT], data: dict[str, Any]) -> ModelT:
    """The item a snapshot was taken of, its own attributes (not stored again: answered from)."""
    item = model()
    item.from_simple_dict(data)
    return item

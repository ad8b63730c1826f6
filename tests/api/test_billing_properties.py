"""Properties of the billing run over random monthly licenses (moto in process, a fresh table each
example): one statement per partner with usage, equal to its lines unless the minimum applied, and a
rerun (even without its checkpoint) writes nothing new."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import boto3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws

from devtools.table import create_table
from licensing.billing import run as billing_run
from licensing.catalog.catalog import load_catalog
from licensing.infra import bus
from licensing.store.table import BillingRunItem, PartnerItem
from tests.support.billing import monthly_license, statements
from tests.support.environment import TABLE
from tests.support.table import snapshot
from tests.unit.test_billing_usage import histories

RUN_AT = datetime(2026, 12, 1, 2, tzinfo=UTC)


def _partner(n: int, currency: str, discount: Decimal) -> str:
    partner_id = f"ptn_{n:026d}"
    item = PartnerItem(
        f"PARTNER#{partner_id}", "PROFILE", id=partner_id, name=f"MSP {n}", email="m@x.example",
        currency=currency, discount_percent=discount, billing="monthly", created_at=RUN_AT, updated_at=RUN_AT,
        GSI5PK="MONTHLY_PARTNERS", GSI5SK=partner_id,
    )  # fmt: skip
    item.save()
    return partner_id


PARTNERS = st.lists(
    st.tuples(
        st.sampled_from(["EUR", "USD"]),
        st.decimals(0, 50, places=1),
        st.lists(st.tuples(histories(), st.sampled_from(["home", "business", "enterprise"])), max_size=4),
    ),
    min_size=1,
    max_size=3,
)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PARTNERS)
def test_one_statement_per_partner_with_usage_and_a_rerun_writes_nothing(partners) -> None:
    bus.set_publisher(bus.RecordingPublisher())
    with mock_aws():
        create_table(boto3.client("dynamodb"), TABLE)
        ids = []
        for n, (currency, discount, licenses) in enumerate(partners):
            ids.append(_partner(n, currency, discount))
            for periods, product in licenses:
                monthly_license(ids[-1], periods, product=product)
        first = billing_run.run(RUN_AT)
        written = {o.partner_id: o for o in statements()}
        assert first.complete and first.statements == len(written) <= len(ids)
        minimum = load_catalog().minimum_monthly_charge
        for order in written.values():
            lines = sum(line["amount"] for line in order.statement["lines"])
            assert order.statement["lines"] and order.total_amount == order.statement["total"]
            if order.statement["minimum_applied"]:
                assert lines < order.total_amount == minimum[order.currency]
            else:
                assert order.total_amount == lines
        before = snapshot()
        assert billing_run.run(RUN_AT).statements == 0
        BillingRunItem("BILLING#RUN", "2026-11").delete()
        again = billing_run.run(RUN_AT)
        assert (again.statements, again.already_issued) == (0, len(written))
        unchanged = [i for i in snapshot() if i["PK"] != "BILLING#RUN"]
        assert unchanged == [i for i in before if i["PK"] != "BILLING#RUN"]
    bus.set_publisher(None)

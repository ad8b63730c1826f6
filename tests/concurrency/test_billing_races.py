"""Billing runs for the same month at the same time, against the moto server: one statement per partner,
each claimed once, whichever run gets there first."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from licensing.billing import run as billing_run
from licensing.infra.bus import RecordingPublisher
from licensing.licenses.monthly import opened
from licensing.store.table import StatementClaimItem
from tests.support.billing import monthly_license, statements
from tests.support.clients import Api, Partner
from tests.support.environment import ADMIN_KEY

RUN_AT = datetime(2026, 12, 1, 2, tzinfo=UTC)


@pytest.mark.server
@pytest.mark.parametrize("runs", [2, 3])
def test_concurrent_runs_write_one_statement_per_partner(
    server_api: Api, recorded_events: RecordingPublisher, frozen_now, runs: int
) -> None:
    frozen_now(RUN_AT)
    admin = server_api.with_key(ADMIN_KEY)
    partners = [Partner.create(admin, billing="monthly", name=f"MSP {n}") for n in range(6)]
    for partner in partners:
        for devices in (1, 4):
            monthly_license(partner.id, opened(None, datetime(2026, 11, 3, 9, tzinfo=UTC), devices))
    start = threading.Barrier(runs)

    def one_run(_: int) -> billing_run.Summary:
        start.wait()
        return billing_run.run(RUN_AT)

    with ThreadPoolExecutor(max_workers=runs) as pool:
        summaries = list(pool.map(one_run, range(runs)))

    assert all(s.complete for s in summaries)
    assert sum(s.statements for s in summaries) == len(partners)
    assert sum(s.statements + s.already_issued for s in summaries) == len(partners) * runs
    written = statements()
    assert Counter(o.partner_id for o in written) == Counter({p.id: 1 for p in partners})
    assert len(list(StatementClaimItem.scan())) == len(partners)
    issued = [e for e in recorded_events.events if e.detail_type == "MonthlyStatementIssued"]
    assert {e.event_id for e in issued} == {f"statement:{p.id}:2026-11" for p in partners}
    assert billing_run.run(RUN_AT).statements == 0

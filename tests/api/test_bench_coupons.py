"""The renew-with-coupon benchmark on a small stock: it runs, and every redemption takes the coupon the
rules name (the benchmark raises otherwise), at the same call budget as at 10,000 coupons."""

from __future__ import annotations

import pytest

from bench import coupons
from bench.world import World


def test_coupon_benchmark_picks_by_the_rules_at_a_constant_cost(aws: None, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(coupons, "COUPONS", 400)
    monkeypatch.setattr(coupons, "RENEWALS", 3)
    result = coupons.measure(World())
    assert [op.kinds for op in result.redemptions] == ["1 GetItem + 1 Query + 1 TransactWriteItems"] * 3
    assert [op.items_read for op in result.redemptions] == [2, 2, 2]
    assert result.options.kinds == "1 BatchGetItem + 1 Query"
    assert result.naive.items_read == 403  # every license of the partner, against 2 per redemption
    assert "took the coupon the rules name" in coupons.table(result)

"""`python -m bench` (`make bench`): every benchmark from one run, printed as Markdown for the README."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

from bench import environment

if TYPE_CHECKING:
    from bench import billing


def main() -> int:
    if sys.argv[1:] == ["billing"]:  # `python -m bench billing`: the billing figures alone
        return billing_only()
    if sys.argv[1:] == ["sweeper"]:  # `python -m bench sweeper`: the sweeper figures alone
        return sweeper_only()
    if sys.argv[1:] == ["authorizer"]:  # `python -m bench authorizer`: a key's and a person's token's latency
        environment.configure()  # before anything imports licensing
        from bench import people

        return people.main()
    if sys.argv[1:] == ["portal"]:  # `python -m bench portal`: the portal's first grid pages, 50,000 licenses
        return portal_only()
    if sys.argv[1:] == ["soak"]:  # `python -m bench soak`: the soak against the dev server (make soak)
        from bench import soak

        return soak.main()
    started = time.perf_counter()
    environment.configure()  # before anything imports licensing
    from moto import mock_aws

    from bench import billing, coupons, imports, latency, operations, report, search, sweeper
    from bench.world import World
    from devtools.moto_transactions import one_backup_per_transaction

    import_times = imports.measure()
    with mock_aws():
        lookups = latency.measure(World())
    with mock_aws(), one_backup_per_transaction():
        costs = operations.measure(World())
    with mock_aws(), one_backup_per_transaction():
        redemptions = coupons.measure(World())
    with mock_aws():
        searches = search.measure(World())
    with mock_aws():  # each size in a fresh table; transactions without moto's rollback copies
        sweeps = sweeper.measure(World())
    with mock_aws(), one_backup_per_transaction():
        bills = billing.measure(World())

    print("### DynamoDB calls and estimated capacity per operation\n")
    print(operations.table(costs))
    print(
        "\nCounted at botocore for the function alone (set-up calls excluded), in process against moto. "
        "Capacity is estimated from item sizes with DynamoDB's documented rules (moto's own figures "
        "are constants): reads 1 RCU per 4 KB per item, half for eventually consistent reads; writes "
        "1 WCU per 1 KB of the larger of the item before and after; transactional items cost twice. "
        "Written items are read back around each write to size them.\n"
    )
    print(f"### Listing and searching {search.LICENSES:,} licenses of one partner\n")
    print(search.table(searches))
    print(
        "\nReads go through GSI2, which projects only the keys and a compact row per license; the naive "
        "baseline reads every full license item. Estimated from item sizes as above.\n"
    )
    print(
        f"### Renew with coupon: {coupons.COUPONS:,} coupons of {len(coupons.SIZES)} kinds, "
        f"{coupons.NOTED_PERCENT}% with a note\n"
    )
    print(coupons.table(redemptions))
    print(
        "\nThe pick is one Query of the sparse GSI3 (`Limit=1`), which lists only the coupons "
        "renew-with-coupon may take, per partner, product and devices, by activation deadline.\n"
    )
    print("### Sweeper: cost grows with what is due\n")
    print(sweeper.table(sweeps))
    print(
        f"\nOne `sweeper.run` at {sweeper.NOW:%Y-%m-%d %H:%M} UTC over activated licenses seeded straight to "
        f"the table, {100 // sweeper.DUE_EVERY}% of them with their 30-day renewal reminder due in the hours "
        "before, the others due one to ninety days later; the checkpoint is at the run's day, as the hourly "
        "schedule leaves it. The run queries GSI4, the due index (the day's bucket, one Query per shard and "
        "page of 100), and reads each due entry once: the visit writes the license's events into the outbox "
        "and its digest line in one `TransactWriteItems`, and the digests are built from the lines the run "
        "keeps in memory (one transaction per digest, with the deletion of its lines), so its reads follow "
        "the due licenses, not the table. The events reach the bus through the table's stream and the "
        "outbox relay, another function, not counted here. The baseline is the paginated Scan a sweeper "
        "without the index would make. Estimated from item sizes as above. Wall time is moto's (sped up "
        "where its cost grows with the table, answers unchanged), with the recorder's size probes around "
        "each write; "
        "moto's Queries still walk the whole table, so only the calls, items and units carry over to "
        "DynamoDB.\n"
    )
    print(billing_section(bills))
    print(f"### License lookup latency ({lookups.samples:,} lookups after {latency.WARM_UP} warm-up)\n")
    print(latency.table(lookups))
    print(
        "\nIn process against moto, interleaved call by call: the absolute figures are moto's, "
        "the ratio is the overhead our code adds to the one `GetItem` a lookup makes.\n"
    )
    print(f"### Cold import time ({imports.RUNS} rounds of fresh interpreters)\n")
    print(imports.table(import_times))
    print(
        "\nCPU time of the import alone, in a fresh interpreter, with the bytecode `make build` ships; the "
        "ratio is the median of per-round ratios to `import boto3` (modules shuffled in each round). "
        "Instructions are callgrind's count of the same import (interpreter start-up subtracted), which "
        "does not vary between runs. A target holds when both ratios meet it.\n"
    )
    print(f"Measured on {report.machine()}. Run time {time.perf_counter() - started:.0f} s.")
    return 0


def portal_only() -> int:
    environment.configure()  # before anything imports licensing
    from moto import mock_aws

    from bench import report, search
    from bench.world import World

    with mock_aws():
        pages = search.measure_portal(World())
    print(f"### The portal's first grid pages, {search.LICENSES:,} licenses of one partner\n")
    print(search.table(pages))
    print(f"\nMeasured on {report.machine()}.")
    return 0


def billing_section(bills: billing.Result) -> str:
    from bench import billing

    return (
        f"### Monthly billing: {billing.PARTNERS} MSPs x {billing.LICENSES_PER_PARTNER} monthly licenses, "
        f"{billing.PREPAID_LICENSES:,} prepaid licenses around them\n\n"
        + billing.table(bills)
        + "\n\nThe run reads GSI5 only: one page of the monthly partners, then per partner one Query of its "
        "monthly licenses whose last day is in or after the month, and writes one transaction (the statement "
        "and its claim) per partner, with a checkpoint every ten partners. The run also bills the world's "
        f"monthly partner, the one whose live usage ({billing.USAGE_LICENSES:,} licenses) is then read: "
        "the partner, then one Query. Estimated from item sizes as above; wall time is moto's.\n"
    )


def sweeper_only() -> int:
    started = time.perf_counter()
    environment.configure()
    from moto import mock_aws

    from bench import report, sweeper
    from bench.world import World

    with mock_aws():
        sweeps = sweeper.measure(World())
    print(sweeper.table(sweeps))
    print(f"Measured on {report.machine()}. Run time {time.perf_counter() - started:.0f} s.")
    return 0


def billing_only() -> int:
    started = time.perf_counter()
    environment.configure()
    from moto import mock_aws

    from bench import billing, report
    from bench.world import World
    from devtools.moto_transactions import one_backup_per_transaction

    with mock_aws(), one_backup_per_transaction():
        bills = billing.measure(World())
    print(billing_section(bills))
    print(f"Measured on {report.machine()}. Run time {time.perf_counter() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

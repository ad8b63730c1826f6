"""`python -m bench` (`make bench`): every benchmark from one run, printed as Markdown for the README."""

from __future__ import annotations

import time

from bench import environment


def main() -> int:
    started = time.perf_counter()
    environment.configure()  # before anything imports licensing
    from moto import mock_aws

    from bench import coupons, imports, latency, operations, report, search
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
    print(f"### License lookup latency ({lookups.samples:,} lookups after {latency.WARM_UP} warm-up)\n")
    print(latency.table(lookups))
    print(
        "\nIn process against moto, interleaved call by call: the absolute figures are moto's, "
        "the ratio is the overhead our code adds to the one `GetItem` a lookup makes.\n"
    )
    print(f"### Cold import time ({imports.RUNS} rounds of fresh interpreters)\n")
    print(imports.table(import_times))
    print("\nTimed inside the child around the import alone; interpreter start-up is excluded.\n")
    print(f"Measured on {report.machine()}. Run time {time.perf_counter() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

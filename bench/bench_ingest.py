"""Ingest throughput and store read time.

Prints documents per second through parse + extract + store for a batch of
1,000 documents (the shipped article and the test reports, each made unique
by a counter so that its hash differs), and the time to read 100,000 events
back from a store.  Run: ``python bench/bench_ingest.py [--docs N] [--events N]``.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np

from geo import events, geoparse
from geo.document import Document
from geo.store import Store

ROOT = Path(__file__).resolve().parent.parent
REPORTS = [
    "A car bomb exploded at a crowded market in Mosul on Friday, killing at least 23 people and "
    "wounding dozens, police said.",
    "Russian forces shelled residential districts of Kharkiv on March 3, killing between 8 and 12 "
    "civilians, regional officials said.",
    "More than 2,500 families fled from Kharkiv to Poland last week, the UN refugee agency said.",
    "Soldiers clashed with Boko Haram insurgents near Maiduguri on Sunday; 12 insurgents were killed.",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "data" / "articles").glob("*.txt"))]
    texts += REPORTS
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "bench.gpkg")
        geoparse.parse(texts[0])                        # load the gazetteer once, outside the timing
        timings = {"parse": 0.0, "extract": 0.0, "store": 0.0}
        chars = 0
        for i in range(args.docs):
            document = Document(f"{texts[i % len(texts)]}\n\n(copy {i})", published="2014-12-16")
            chars += len(document.text)
            t0 = time.perf_counter()
            places = geoparse.parse(document.text)
            t1 = time.perf_counter()
            extraction = events.extract(document, places)
            t2 = time.perf_counter()
            store.save(document, extraction)
            t3 = time.perf_counter()
            timings["parse"] += t1 - t0
            timings["extract"] += t2 - t1
            timings["store"] += t3 - t2
        total = sum(timings.values())
        print(f"ingest: {args.docs} documents ({chars / args.docs:,.0f} characters each on average) "
              f"in {total:.1f} s = {args.docs / total:.1f} docs/s "
              f"(parse {timings['parse']:.1f} s, extract {timings['extract']:.1f} s, "
              f"store {timings['store']:.1f} s)")

        big = Store(Path(folder) / "read.gpkg")
        rng = np.random.default_rng(0)
        n = args.events
        rows = gpd.GeoDataFrame({
            "event_id": [f"bench:{i}" for i in range(n)], "source_dataset": "bench",
            "event_date": [f"20{10 + i % 10}-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(n)],
            "event_type": rng.choice(["Battles", "Violence against civilians",
                                      "Explosions/Remote violence"], n),
            "fatalities": rng.integers(0, 50, n), "notes": "benchmark row"},
            geometry=gpd.points_from_xy(rng.uniform(60, 78, n), rng.uniform(24, 37, n)), crs="EPSG:4326")
        t0 = time.perf_counter()
        big.save_records(events=rows)
        t1 = time.perf_counter()
        every = big.read("events")
        t2 = time.perf_counter()
        some = big.read("events", start="2014-01-01", end="2015-12-31", event_type=["Battles"])
        t3 = time.perf_counter()
        print(f"store: wrote {n:,} events in {t1 - t0:.1f} s; read all {len(every):,} in {t2 - t1:.2f} s; "
              f"read {len(some):,} filtered (date range + event type) in {t3 - t2:.2f} s")


if __name__ == "__main__":
    main()

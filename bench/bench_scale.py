"""Benchmark: synthetic events over Pakistan -> district x month counts, in memory and on dask.

For each size (default 1 and 10 million events) the script writes the events
as partitioned Parquet (one file per half million rows) in a temporary folder,
then runs ``geo.scale.district_month`` on it twice, each in a fresh child
process: ``engine="memory"`` (read whole, one pass) and ``engine="dask"``
(dask-geopandas on a local ``distributed`` cluster, one single-threaded
worker process per core).  It prints the seconds, events per second and the
peak memory of the whole process tree (the child plus the dask scheduler and
workers it starts), sampled with psutil every 20 ms, and checks that both
engines give the same counts.

    python bench/bench_scale.py [SIZE ...]      e.g. 1000000 10000000
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHUNK = 500_000
# Places the synthetic events cluster around (longitude, latitude, weight).
CENTRES = [(71.58, 34.01, 3), (70.07, 33.00, 3), (69.48, 32.39, 2), (67.01, 30.18, 2), (67.01, 24.86, 2),
           (74.35, 31.55, 1), (73.05, 33.69, 1), (72.36, 34.77, 2), (70.60, 32.99, 1), (62.33, 25.13, 1)]
BBOX = (60.8, 23.6, 77.9, 37.1)
ENGINES = ("memory", "dask")


def main(argv: list[str]) -> None:
    if argv[:1] == ["--child"]:
        _child(argv[1], Path(argv[2]), Path(argv[3]))
        return
    sizes = [int(a) for a in argv] or [1_000_000, 10_000_000]
    print(f"machine: {psutil.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.1f} GiB; "
          f"load average before: {os.getloadavg()[0]:.1f} (other work on the cores slows every figure)")
    print(f"{'events':>11} {'engine':>7} {'seconds':>8} {'events/s':>11} {'peak RSS (tree)':>16}")
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        for n in sizes:
            folder = Path(tmp) / f"events-{n}"
            t = time.perf_counter()
            _write_events(folder, n)
            size = sum(f.stat().st_size for f in folder.glob("*.parquet")) / 2**20
            print(f"{n:>11,} (Parquet written in {time.perf_counter() - t:.1f} s, {size:.0f} MiB, "
                  f"{len(list(folder.glob('*.parquet')))} files)")
            results = {}
            for engine in ENGINES:
                out = Path(tmp) / f"counts-{n}-{engine}.parquet"
                seconds, peak = _run_child(engine, folder, out)
                results[engine] = pd.read_parquet(out)
                print(f"{n:>11,} {engine:>7} {seconds:8.1f} {n / seconds:11,.0f} {peak / 2**30:13.2f} GiB")
            same = results["memory"].equals(results["dask"])
            print(f"{n:>11,} same counts from both engines: {same} "
                  f"({len(results['memory']):,} district-month rows)")
            assert same, "dask and in-memory counts differ"
    print(f"load average after: {os.getloadavg()[0]:.1f}")


def _write_events(folder: Path, n: int) -> None:
    folder.mkdir(parents=True)
    weights = np.array([w for *_, w in CENTRES], dtype=float)
    for i, start in enumerate(range(0, n, CHUNK)):
        m = min(CHUNK, n - start)
        rng = np.random.default_rng(i)
        clustered = rng.random(m) < 0.7
        centre = rng.choice(len(CENTRES), size=m, p=weights / weights.sum())
        lon = np.where(clustered, np.array([c[0] for c in CENTRES])[centre] + rng.normal(0, 0.35, m),
                       rng.uniform(BBOX[0], BBOX[2], m))
        lat = np.where(clustered, np.array([c[1] for c in CENTRES])[centre] + rng.normal(0, 0.35, m),
                       rng.uniform(BBOX[1], BBOX[3], m))
        days = rng.integers(0, 16 * 365, m)
        dates = (np.datetime64("2008-01-01") + days.astype("timedelta64[D]")).astype(str)
        fatalities = pd.array(rng.poisson(1.5, m), dtype="Int64")
        fatalities[rng.random(m) < 0.1] = pd.NA
        pd.DataFrame({"event_date": dates, "latitude": lat.round(5), "longitude": lon.round(5),
                      "fatalities": fatalities}).to_parquet(folder / f"part-{i:04d}.parquet", index=False)


def _run_child(engine: str, folder: Path, out: Path) -> tuple[float, int]:
    """Run one engine in a fresh process; return its seconds and the tree's peak RSS (bytes)."""
    proc = subprocess.Popen([sys.executable, __file__, "--child", engine, str(folder), str(out)],
                            stdout=subprocess.PIPE, text=True)
    parent, peak = psutil.Process(proc.pid), 0
    while proc.poll() is None:
        try:
            tree = [parent] + parent.children(recursive=True)
            peak = max(peak, sum(_rss(p) for p in tree))
        except psutil.NoSuchProcess:
            pass
        time.sleep(0.02)
    stdout = proc.stdout.read()
    if proc.returncode:
        raise SystemExit(f"{engine} run failed (exit {proc.returncode})")
    return json.loads(stdout.strip().splitlines()[-1])["seconds"], peak


def _rss(process: psutil.Process) -> int:
    try:
        return process.memory_info().rss
    except psutil.NoSuchProcess:
        return 0


def _child(engine: str, folder: Path, out: Path) -> None:
    from geo import boundaries, scale

    boundaries.prepare(("admin2",))     # grid built or loaded once, outside the timing
    t = time.perf_counter()
    result = scale.district_month(folder, engine=engine)
    seconds = time.perf_counter() - t
    result.counts.to_parquet(out, index=False)
    print(json.dumps({"seconds": seconds, "events": result.n_events}))


if __name__ == "__main__":
    main(sys.argv[1:])

"""Time the exports: the shipped view as PNG (200 dpi) and PDF, and 100,000 synthetic events as PNG.

Targets: under 3 s for the shipped view, under 15 s for 100,000 events (drawn, as on the
interactive map above ``settings.MAP_POINTS_MAX``, as a heat map and districts).
Run: ``python bench/bench_export.py [FOLDER]`` (uses a temporary store; the PNGs are kept in
FOLDER when given, to be looked at; nothing else is written).
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo import boundaries, export, layers, settings, store, style  # noqa: E402


def main(folder: Path | None = None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        s = store.Store(Path(tmp) / "store.gpkg")
        store.ensure_seeded(s, settings.DATA_DIR / "articles")
        view = layers.build(s)
        docs = s.documents()
        export.export(view, "png", dpi=50)  # warm the boundary caches once
        for fmt, dpi in (("png", 200), ("pdf", 200)):
            t = time.perf_counter()
            data = export.export(view, fmt, dpi=dpi, documents=docs)
            if folder and fmt == "png":
                (folder / "shipped.png").write_bytes(data)
            print(f"shipped view  {fmt:4} {dpi} dpi  {time.perf_counter() - t:6.2f} s  "
                  f"{len(data) / 1e6:5.2f} MB  (target < 3 s)")

        n = 100_000
        rng = np.random.default_rng(6)
        # draw in Pakistan's bounding box, keep the first n that fall inside the country
        lon, lat = rng.uniform(61, 77, 3 * n), rng.uniform(24, 37, 3 * n)
        inside = boundaries.join(gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=settings.CRS))
        keep = np.flatnonzero((inside["admin0"] == "Pakistan").to_numpy())[:n]
        lon, lat = lon[keep], lat[keep]
        events = pd.DataFrame({
            "event_id": [f"bench:{i}" for i in range(n)], "source_dataset": "bench",
            "source_event_id": [str(i) for i in range(n)],
            "event_date": pd.to_datetime("2014-01-01") + pd.to_timedelta(rng.integers(0, 365, n), "D"),
            "event_type": rng.choice(["Battles", "Violence against civilians", "Explosions/Remote violence",
                                      "Protests"], n),
            "fatalities": rng.poisson(2, n), "location": [f"Site {i}" for i in range(n)],
            "admin0": "Pakistan", "geo_precision": 1, "latitude": lat, "longitude": lon,
            "confidence": 1.0})
        events["event_date"] = events["event_date"].dt.strftime("%Y-%m-%d")
        points = gpd.GeoDataFrame(events, geometry=gpd.points_from_xy(lon, lat), crs=settings.CRS)
        s.save_records(events=points)
        t = time.perf_counter()
        big = layers.build(s)
        built = time.perf_counter() - t
        t = time.perf_counter()
        data = export.export(big, "png", dpi=200, documents=docs)
        drawn = " and ".join(sorted(style.drawn_layers(big.filters.layers, big.aggregated)))
        print(f"{len(big.sites) + len(big.events):,} events  png  200 dpi  {time.perf_counter() - t:6.2f} s  "
              f"{len(data) / 1e6:5.2f} MB  (target < 15 s; layers.build {built:.2f} s more; drawn: {drawn})")
        if folder:
            (folder / f"{n}_events.png").write_bytes(data)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else None)

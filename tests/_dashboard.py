"""Stores for the dashboard's tests: the shipped article, plus a hostile document.

Built once per test session (ingesting the article takes a few seconds) and
copied for each test, so a test that writes cannot disturb another.
"""
from __future__ import annotations

import functools
import shutil
import tempfile
from pathlib import Path

import geopandas as gpd
import shapely

from geo import schema, settings
from geo.document import Document
from geo.store import Store, ensure_seeded

#: Markup a hostile (or careless) document may hold; must show as text, never run.
SCRIPT = "<script>window.__pwned=1</script>"
IMG = "<img src=x onerror=\"window.__pwned=2\">"
QUOTES = "O'Brien said \"`${document.cookie}`\""
HOSTILE_TITLE = f"{SCRIPT} {IMG} {QUOTES}"


@functools.lru_cache(maxsize=None)
def _built(hostile: bool) -> Path:
    path = Path(tempfile.mkdtemp(prefix="cm-dashboard-")) / "store.gpkg"
    store = Store(path)
    ensure_seeded(store, settings.DATA_DIR / "articles")
    if hostile:
        document = Document(text=f"A note about Quetta. {QUOTES}.", title=HOSTILE_TITLE,
                            published="2015-03-04")
        store.ingest(document)
        event = {"event_id": "hostile:1", "doc_id": document.doc_id, "source_dataset": "test",
                 "source_event_id": "hostile:1", "event_date": "2015-03-03",
                 "event_type": "Violence against civilians", "sub_event_type": "Attack",
                 "actor1": SCRIPT, "actor2": IMG, "fatalities": 5, "location": IMG, "admin0": "Pakistan",
                 "admin1": "Balochistan", "admin2": "Quetta", "geo_precision": 1, "latitude": 30.18,
                 "longitude": 66.99, "notes": f"Gunmen attacked {SCRIPT} {IMG} {QUOTES}", "confidence": 0.9}
        frame = gpd.GeoDataFrame([event], geometry=[shapely.Point(66.99, 30.18)], crs="EPSG:4326")
        store.save_records(events=schema.conform(frame, "events"))
    return path


def store_copy(folder: Path, hostile: bool = False) -> Path:
    """A fresh copy, in ``folder``, of the seeded store (with the hostile document when asked)."""
    target = Path(folder) / "store.gpkg"
    shutil.copy(_built(hostile), target)
    return target

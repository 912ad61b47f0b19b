"""The GeoPackage store: idempotent, transactional, concurrent, versioned, readable by GDAL."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Point

from geo import events, schema, store
from geo.document import Document
from geo.store import Store, StoreError
from tests._places import places_in

ROOT = Path(__file__).resolve().parent.parent
REPORT = ("Gunmen stormed a school in Peshawar on Tuesday, killing at least 12 people. "
          "More than 2,500 families fled from Kharkiv to Poland last week.")


def _doc(text=REPORT, published="2014-12-16"):
    return Document(text, title="test", published=published, source="unit test")


def _save(s: Store, text=REPORT):
    document = _doc(text)
    return s.save(document, events.extract(document, places_in(text)))


def _counts(path: Path) -> dict:
    with sqlite3.connect(path) as con:
        return {layer: con.execute(f"SELECT count(*) FROM {layer}").fetchone()[0]
                for layer in schema.LAYERS}


def test_new_store_is_a_valid_geopackage(tmp_path):
    s = Store(tmp_path / "sub" / "store.gpkg")
    assert s.is_empty()
    layers = dict(pyogrio.list_layers(s.path))
    assert layers == {"documents": None, "places": "Point", "events": "Point",
                      "areas": "MultiPolygon", "flows": "LineString"}
    summary = _save(s)
    assert summary.new and summary.n_events == 1 and summary.n_flows == 1
    frame = gpd.read_file(s.path, layer="events")
    assert frame.geometry.iloc[0].equals(Point(71.578, 34.008))
    flows = gpd.read_file(s.path, layer="flows")
    assert flows.geometry.iloc[0].geom_type == "LineString"
    assert not s.is_empty()


def test_ingesting_twice_changes_nothing(tmp_path):
    s = Store(tmp_path / "store.gpkg")
    first = _save(s)
    before = _counts(s.path)
    again = _save(s)
    assert not again.new and again.doc_id == first.doc_id and again.n_events == first.n_events
    assert _counts(s.path) == before
    assert len(s.documents()) == 1


def test_read_filters_and_dtypes(tmp_path):
    s = Store(tmp_path / "store.gpkg")
    _save(s)
    _save(s, "A car bomb exploded in a market in Mosul on 3 May 2016, killing 9 people.")
    every = s.read("events")
    assert len(every) == 2 and str(every["fatalities"].dtype) == "Int64"
    assert list(s.read("events", start="2014-12-01", end="2014-12-31")["location"]) == ["Peshawar"]
    assert list(s.read("events", event_type=["Explosions/Remote violence"])["location"]) == ["Mosul"]
    doc = s.documents().iloc[0]["doc_id"]
    assert set(s.read("events", doc_id=[doc])["doc_id"]) == {doc}
    assert s.read("events", event_type=[]).empty
    assert bool(s.read("places")["resolved"].all())
    with pytest.raises(ValueError, match="unknown layer"):
        s.read("nope")


def test_failure_mid_save_leaves_store_unchanged(tmp_path, monkeypatch):
    s = Store(tmp_path / "store.gpkg")
    _save(s)
    before = _counts(s.path)
    real = store._insert

    def broken(con, layer, frame):
        if layer == "events":
            raise RuntimeError("disk on fire")
        return real(con, layer, frame)

    monkeypatch.setattr(store, "_insert", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        _save(s, "Gunmen attacked a market in Mosul on Friday, killing 5 people.")
    assert _counts(s.path) == before


def test_killed_process_mid_write_leaves_store_unchanged(tmp_path):
    path = tmp_path / "store.gpkg"
    Store(path)
    before = _counts(path)
    script = textwrap.dedent(f"""
        import os
        from geo import store, events
        from geo.document import Document
        from tests._places import places_in
        real = store._insert
        def dying(con, layer, frame):
            n = real(con, layer, frame)
            if layer == "events":
                os._exit(9)          # killed after writing some rows, before COMMIT
            return n
        store._insert = dying
        doc = Document({REPORT!r}, published="2014-12-16")
        store.Store({str(path)!r}).save(doc, events.extract(doc, places_in(doc.text)))
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 9, result.stderr
    assert _counts(path) == before
    assert Store(path).is_empty()


def test_two_processes_ingesting_at_once_both_succeed(tmp_path):
    path = tmp_path / "store.gpkg"
    script = textwrap.dedent("""
        import sys
        from geo import store, events
        from geo.document import Document
        from tests._places import places_in
        s = store.Store(sys.argv[1])
        for i in range(15):
            doc = Document(f"Report {sys.argv[2]}-{i}: gunmen attacked a market in Mosul on Friday, "
                           "killing 5 people.", published="2016-07-10")
            s.save(doc, events.extract(doc, places_in(doc.text)))
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script, str(path), tag], cwd=ROOT,
                              stderr=subprocess.PIPE, text=True) for tag in ("a", "b")]
    for p in procs:
        assert p.wait(timeout=120) == 0, p.stderr.read()
    assert len(Store(path).documents()) == 30
    assert len(Store(path).read("events")) == 30


def test_newer_schema_version_is_refused(tmp_path):
    path = tmp_path / "store.gpkg"
    Store(path)
    with sqlite3.connect(path) as con:
        con.execute("UPDATE conflictmap_meta SET value = ? WHERE key = 'schema_version'",
                    (str(schema.SCHEMA_VERSION + 1),))
    with pytest.raises(StoreError, match="newer conflictmap"):
        Store(path)


def test_a_file_that_is_not_a_store_is_refused(tmp_path):
    other = tmp_path / "other.gpkg"
    gpd.GeoDataFrame({"a": [1]}, geometry=[Point(0, 0)], crs="EPSG:4326").to_file(other)
    with pytest.raises(StoreError, match="not a conflictmap store"):
        Store(other)


def test_unwritable_store_path_gives_a_clear_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="cannot create store .*a-file"):
        Store(blocker / "store.gpkg")


def test_empty_or_binary_input_is_refused_and_nothing_written(tmp_path):
    s = Store(tmp_path / "store.gpkg")
    for bad in ("", "   \n\t", "\x00\x01\x02binary\x00" * 10):
        with pytest.raises(ValueError, match="empty|binary"):
            s.ingest(Document(bad))
    assert s.is_empty()


def test_document_without_places_is_stored_and_reported(tmp_path):
    s = Store(tmp_path / "store.gpkg")
    summary = _save(s, "Nothing happened anywhere that anyone would name today.")
    assert summary.new and summary.n_places == 0 and summary.n_events == 0
    assert list(s.documents()["n_events"]) == [0]


def test_save_records_deduplicates_imports(tmp_path):
    s = Store(tmp_path / "store.gpkg")
    rows = gpd.GeoDataFrame({"event_id": ["acled:1", "acled:2"], "source_dataset": ["acled"] * 2,
                             "source_event_id": ["PAK1", "PAK2"], "event_date": ["2014-12-16"] * 2,
                             "event_type": ["Battles"] * 2, "fatalities": [3, 4]},
                            geometry=[Point(70, 33), Point(71, 34)], crs="EPSG:4326")
    assert s.save_records(events=rows) == {"events": 2, "areas": 0, "flows": 0}
    assert s.save_records(events=rows) == {"events": 0, "areas": 0, "flows": 0}
    assert list(s.read("events", source_dataset="acled")["fatalities"]) == [3, 4]


def test_seeding_and_export(tmp_path):
    s = Store(tmp_path / "store.gpkg")
    summaries = store.ensure_seeded(s, ROOT / "data" / "articles")
    assert len(summaries) == 1 and summaries[0].n_events >= 3
    assert store.ensure_seeded(s, ROOT / "data" / "articles") == []
    doc = s.documents().iloc[0]
    assert doc.published == "2014-12-16" and doc.title.startswith("Pakistan massacre")
    csv = tmp_path / "events.csv"
    store.export(s, "csv", csv)
    table = pd.read_csv(csv)
    assert {"event_id_cnty", "event_date", "country", "admin1", "time_precision",
            "fatalities"} <= set(table.columns)
    assert 145 in set(table["fatalities"])
    geojson = store.export(s, "geojson")
    assert '"Peshawar"' in geojson and '"type": "FeatureCollection"' in geojson


def test_acled_time_precision_follows_the_acled_codebook():
    # ACLED: 1 the day is known, 2 within a week or so, 3 only the month (or vaguer).
    events = schema.conform(pd.DataFrame({"event_date": ["2014-12-16", "2014-06-01", "2014-12-09"],
                                          "date_precision": ["day", "month", "range"]}), "events")
    assert list(store.acled_columns(events)["time_precision"]) == [1, 3, 2]

"""Importers: detection, mapping onto the store, the validation report, one-transaction writes."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import shapely

from geo import ingest, settings
from geo.__main__ import main
from geo.store import Store

SAMPLES = settings.PROJECT_DIR / "data" / "samples"
UCDP = SAMPLES / "ucdp_ged_pakistan_2009_2010.csv"
FLOWS = SAMPLES / "flows_north_waziristan_2014.csv"

ACLED_HEADER = ("event_id_cnty,event_date,year,time_precision,event_type,sub_event_type,actor1,actor2,"
                "country,admin1,admin2,location,latitude,longitude,geo_precision,source,notes,fatalities\n")


def _acled_row(event_id, date="2014-12-16", lat="34.0080", lon="71.5785", fatalities="3",
               notes="Attack on a school"):
    return (f"{event_id},{date},2014,1,Violent explosions,Suicide bomb,Unidentified Armed Group,"
            f"Civilians,Pakistan,Khyber Pakhtunkhwa,Peshawar,Peshawar,{lat},{lon},1,Dawn,"
            f"\"{notes}\",{fatalities}\n")


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "store.gpkg")


def test_ucdp_sample_is_detected_mapped_and_imported_once(store):
    result = ingest.read(UCDP)
    raw = pd.read_csv(UCDP, dtype=str, keep_default_na=False)
    assert result.kind == "ucdp" and result.ok and result.n_valid == len(raw)
    events = result.records
    assert set(events["source_dataset"]) == {"ucdp"}
    assert events["source_event_id"].tolist() == raw["id"].tolist()
    assert events["fatalities"].astype(int).tolist() == raw["best"].astype(int).tolist()
    one_sided = raw["type_of_violence"] == "3"
    assert set(events.loc[one_sided.to_numpy(), "event_type"]) == {"Violence against civilians"}
    # points in Pakistan take the district the maps draw
    assert (events["admin2"] != "").mean() > 0.95
    assert ingest.save(result, store)["events"] == len(raw)
    assert ingest.save(ingest.read(UCDP), store)["events"] == 0
    assert len(store.read("events")) == len(raw)


def test_acled_export_with_long_dates(tmp_path, store):
    path = tmp_path / "acled.csv"
    path.write_text(ACLED_HEADER + _acled_row("PAK1") + _acled_row("PAK2", date="16 December 2014"),
                    encoding="utf-8")
    result = ingest.read(path)
    assert result.kind == "acled" and result.ok
    assert result.records["event_date"].tolist() == ["2014-12-16", "2014-12-16"]
    assert result.records["event_id"].tolist() == ["acled:PAK1", "acled:PAK2"]
    row = result.records.iloc[0]
    assert (row["event_type"], row["admin2"], row["fatalities"]) == ("Violent explosions", "Peshawar", 3)
    ingest.save(result, store)
    assert store.read("events", source_dataset="acled")["source_event_id"].tolist() == ["PAK1", "PAK2"]


def test_mixed_rows_are_reported_by_row_and_column_and_nothing_is_written_unless_asked(tmp_path, store):
    path = tmp_path / "mixed.csv"
    path.write_text(ACLED_HEADER + _acled_row("PAK1") + _acled_row("PAK2", date="sometime")
                    + _acled_row("PAK3", lat="95.2") + _acled_row("", lon="71.5")
                    + _acled_row("PAK5", fatalities="many") + _acled_row("PAK6"), encoding="utf-8")
    result = ingest.read(path)
    found = set(zip(result.problems["row"], result.problems["column"]))
    assert found == {(3, "event_date"), (4, "latitude"), (5, "event_id_cnty"), (6, "fatalities")}
    assert set(result.problems["file"]) == {"mixed.csv"}
    assert "out of range" in result.problems.set_index("row").at[4, "problem"]
    assert result.records["source_event_id"].tolist() == ["PAK1", "PAK6"]
    with pytest.raises(ingest.IngestError, match="nothing imported"):
        ingest.save(result, store)
    assert store.read("events").empty
    assert ingest.save(result, store, valid_only=True)["events"] == 2


def test_wrong_columns(tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("name,colour\nPeshawar,red\n", encoding="utf-8")
    with pytest.raises(ingest.IngestError, match=r"cannot tell .*\(name, colour\)"):
        ingest.read(path)
    forced = ingest.read(path, kind="acled")
    assert forced.n_valid == 0 and set(forced.errors["row"]) == {1}
    assert {"event_id_cnty", "event_date", "latitude"} <= set(forced.errors["column"])


def test_empty_and_header_only_files(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ingest.IngestError, match="empty.csv is empty"):
        ingest.read(empty)
    header = tmp_path / "header.csv"
    header.write_text(ACLED_HEADER, encoding="utf-8")
    with pytest.raises(ingest.IngestError, match="header.csv has no rows"):
        ingest.read(header)


def test_non_utf8_file_names_the_line_and_reads_with_its_encoding(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes((ACLED_HEADER + _acled_row("PAK1") + _acled_row("PAK2", notes="Caf\u00e9 attacked"))
                     .encode("cp1252"))
    with pytest.raises(ingest.IngestError, match=r"not UTF-8 text: line 3 holds byte 0xe9"):
        ingest.read(path)
    result = ingest.read(path, encoding="cp1252")
    assert result.ok and result.records["notes"].iloc[1] == "Caf\u00e9 attacked"


def test_generic_csv_resolves_place_names_and_reports_unknown_ones(tmp_path, store):
    path = tmp_path / "incidents.csv"
    path.write_text("Town,When,Killed\nPeshawar,2014-12-16,141\nXqzzyville,2014-12-17,1\n"
                    "Bannu,2014-06-20,\n", encoding="utf-8")
    result = ingest.read(path, columns={"location": "Town", "event_date": "When", "fatalities": "Killed"},
                         source_dataset="my-incidents")
    assert result.kind == "csv"
    assert result.problems[["row", "column", "problem"]].values.tolist() == [
        [3, "Town", "place not found in the gazetteer"]]
    events = result.records
    assert events["admin2"].tolist() == ["Peshawar", "Bannu"]
    assert events["latitude"].iloc[0] == pytest.approx(34.0, abs=0.1)
    assert set(events["source_dataset"]) == {"my-incidents"}
    assert ingest.save(result, store, valid_only=True)["events"] == 2
    # no id column: rows are keyed on their content, so the same file adds nothing the second time
    again = ingest.read(path, columns={"location": "Town", "event_date": "When", "fatalities": "Killed"},
                        source_dataset="my-incidents")
    assert ingest.save(again, store, valid_only=True)["events"] == 0


def test_guessed_mapping_for_latitude_longitude_csv(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("id,date,lat,lon,type\n7,2015-01-02,33.6,73.05,Battles\n", encoding="utf-8")
    assert ingest.guess_columns(["id", "date", "lat", "lon", "type"], "csv") == {
        "source_event_id": "id", "event_date": "date", "latitude": "lat", "longitude": "lon",
        "event_type": "type"}
    result = ingest.read(path)
    assert result.kind == "csv" and result.ok
    assert result.records[["event_id", "event_type", "admin0"]].values.tolist() == [
        ["csv:7", "Battles", "Pakistan"]]


def test_flows_sample_names_coordinates_and_periods(store):
    result = ingest.read(FLOWS, country="PK")
    assert result.kind == "flows"
    assert result.errors[["row", "column", "value"]].values.tolist() == [[10, "destination", "Mosaki"]]
    flows = result.records.set_index("source_event_id")
    first = flows.loc["nwa-2014-01"]
    assert (first["start_date"], first["end_date"]) == ("2014-06-01", "2014-06-30")
    assert (first["origin_admin2"], first["destination_admin2"], first["count"]) == (
        "North Waziristan", "Bannu", 450000)
    assert first.geometry.geom_type == "LineString"
    by_coordinates = flows.loc["nwa-2014-05"]
    assert (by_coordinates["origin_latitude"], by_coordinates["unit"]) == (33.02, "families")
    assert flows.loc["nwa-2015-01", "kind"] == "return"
    assert ingest.save(result, store, valid_only=True)["flows"] == 9
    assert len(store.read("flows")) == 9


def test_flows_bad_count_kind_and_period(tmp_path):
    path = tmp_path / "moves.csv"
    path.write_text("origin,destination,count,period,kind\nBannu,Peshawar,lots,2014-06,displacement\n"
                    "Bannu,Peshawar,10,June,displacement\nBannu,Peshawar,10,2014-07,exodus\n",
                    encoding="utf-8")
    result = ingest.read(path)
    assert result.n_valid == 0
    assert set(zip(result.problems["row"], result.problems["column"])) == {
        (2, "count"), (3, "period"), (4, "kind")}


def _feature(coords, **props):
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "Polygon", "coordinates": [coords]}}


def test_geojson_invalid_geometry_is_repaired_and_reported(tmp_path, store):
    bowtie = [[70.0, 32.0], [70.5, 32.5], [70.5, 32.0], [70.0, 32.5], [70.0, 32.0]]
    square = [[69.5, 32.8], [70.2, 32.8], [70.2, 33.2], [69.5, 33.2], [69.5, 32.8]]
    point = {"type": "Feature", "properties": {"name": "a point"},
             "geometry": {"type": "Point", "coordinates": [70.0, 33.0]}}
    path = tmp_path / "ops.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        _feature(square, name="Operation Zarb-e-Azb", start_date="2014-06-15"),
        _feature(bowtie, name="Strike zone"), point]}), encoding="utf-8")
    result = ingest.read(path)
    assert result.kind == "areas"
    repaired = result.problems[result.problems["severity"] == "repaired"]
    assert repaired[["row", "column"]].values.tolist() == [[2, "geometry"]]
    assert "Self-intersection" in repaired["value"].iloc[0]
    assert result.errors[["row", "column"]].values.tolist() == [[3, "geometry"]]
    areas = result.records.set_index("name")
    assert areas.loc["Operation Zarb-e-Azb", "start_date"] == "2014-06-15"
    fixed = areas.loc["Strike zone", "geometry"]
    assert shapely.is_valid(fixed) and fixed.geom_type == "MultiPolygon" and fixed.area > 0
    assert ingest.save(result, store, valid_only=True)["areas"] == 2
    assert ingest.save(ingest.read(path), store, valid_only=True)["areas"] == 0


def test_geopackage_areas(tmp_path):
    import geopandas as gpd

    path = tmp_path / "drawn.gpkg"
    gpd.GeoDataFrame({"name": ["Khyber"]}, geometry=[shapely.box(71.0, 33.9, 71.3, 34.2)],
                     crs="EPSG:4326").to_crs("EPSG:32642").to_file(path, layer="ops")
    result = ingest.read(path)
    assert result.ok and result.records["name"].tolist() == ["Khyber"]
    assert result.records.geometry.iloc[0].bounds == pytest.approx((71.0, 33.9, 71.3, 34.2), abs=1e-6)


def test_command_line_import(tmp_path, capsys):
    target = str(tmp_path / "cli.gpkg")
    assert main(["import", str(UCDP), "--store", target]) == 0
    assert "added 1845" in capsys.readouterr().out
    assert main(["import", str(UCDP), "--store", target]) == 0
    assert "added 0 of 1845" in capsys.readouterr().out
    assert main(["import", str(FLOWS), "--store", target]) == 1
    assert "nothing imported" in capsys.readouterr().err
    assert main(["import", str(FLOWS), "--store", target, "--valid-only"]) == 0
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n", encoding="utf-8")
    assert main(["import", str(wrong), "--store", target]) == 2
    assert "cannot tell" in capsys.readouterr().err


def test_import_page_checks_then_imports_a_sample(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setattr(settings, "STORE_PATH", tmp_path / "page.gpkg")
    at = AppTest.from_file("../pages/6_Import_data.py", default_timeout=60).run()
    assert not at.exception and at.title[0].value == "Import data"
    at.radio[0].set_value("Try a shipped sample").run()
    sample = next(s for s in at.selectbox if s.label == "Sample")
    sample.set_value(FLOWS).run()
    assert next(s for s in at.selectbox if s.label == "Kind of data").value == "flows"
    next(b for b in at.button if b.label == "Check file").click().run()
    assert not at.exception
    assert "9 valid, 1 problems" in at.warning[0].value
    assert not [b for b in at.button if b.label.startswith("Import all")]   # errors: only valid rows
    next(b for b in at.button if b.label == "Import the 9 valid rows only").click().run()
    assert "Added 9 flows" in at.success[0].value
    assert len(Store(tmp_path / "page.gpkg").read("flows")) == 9


@pytest.mark.slow
def test_large_csv_is_read_without_losing_rows(tmp_path, store):
    n = 420_000
    rng = np.random.default_rng(7)
    frame = pd.DataFrame({
        "event_id_cnty": [f"PAK{i}" for i in range(n)],
        "event_date": pd.to_datetime(rng.integers(14_000, 19_000, n), unit="D").strftime("%Y-%m-%d"),
        "year": 2014, "time_precision": 1, "event_type": "Battles", "sub_event_type": "Armed clash",
        "actor1": "Military Forces of Pakistan (2013-2018)", "actor2": "TTP: Tehreek-i-Taliban Pakistan",
        "country": "Pakistan", "admin1": "Khyber Pakhtunkhwa", "admin2": "", "location": "somewhere",
        "latitude": rng.uniform(24.0, 36.5, n).round(4), "longitude": rng.uniform(61.0, 77.0, n).round(4),
        "geo_precision": 1, "source": "Dawn", "notes": "An armed clash was reported in the area.",
        "fatalities": rng.poisson(2, n)})
    frame.loc[::1000, "event_date"] = "not a date"
    path = tmp_path / "large.csv"
    frame.to_csv(path, index=False)
    assert path.stat().st_size >= 50 * 2**20
    result = ingest.read(path)
    bad = len(frame.index[::1000])
    assert result.n_rows == n and result.n_valid == n - bad and len(result.errors) == bad
    assert ingest.save(result, store, valid_only=True)["events"] == n - bad

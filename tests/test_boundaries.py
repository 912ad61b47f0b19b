"""Administrative boundaries: loading, point -> unit, name -> unit."""
import json
import warnings

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Point

from geo import boundaries, settings

CITIES = [  # name, lat, lon, district, province, 2014 province
    ("Peshawar", 34.008, 71.578, "Peshawar", "Khyber Pakhtunkhwa", "Khyber Pakhtunkhwa"),
    ("Islamabad", 33.69, 73.05, "Islamabad", "Islamabad Capital Territory", "Islamabad Capital Territory"),
    ("Karachi", 24.86, 67.01, "Karachi South", "Sindh", "Sindh"),
    ("Rawalpindi", 33.60, 73.07, "Rawalpindi", "Punjab", "Punjab"),
    ("Miranshah", 33.00, 70.07, "North Waziristan", "Khyber Pakhtunkhwa",
     "Federally Administered Tribal Areas"),
]


def _points(coords):
    return gpd.GeoDataFrame(geometry=[Point(lon, lat) for lat, lon in coords], crs="EPSG:4326")


@pytest.mark.parametrize("level", boundaries.LEVELS)
def test_every_level_loads_in_wgs84_with_names(level):
    frame = boundaries.load(level)
    assert frame.crs.to_epsg() == 4326
    assert len(frame) > 0 and frame["name"].notna().all()
    assert shapely.is_valid(frame.geometry.values).all()


def test_simplified_layers_are_lighter_than_full_detail():
    full, light = boundaries.load("admin2"), boundaries.load("admin2", simplified=True)
    assert len(full) == len(light) == 156
    assert shapely.get_num_coordinates(light.geometry.values).sum() < \
        shapely.get_num_coordinates(full.geometry.values).sum()


def test_first_article_cities_land_in_their_district_and_province():
    joined = boundaries.join(_points([(lat, lon) for _, lat, lon, *_ in CITIES]))
    for (name, _, _, district, province, province_2014), (_, row) in zip(CITIES, joined.iterrows()):
        assert row["admin2"] == district, name
        assert row["admin1"] == province, name
        assert row["admin1_2014"] == province_2014, name
        assert row["admin0"] == "Pakistan" and row["admin0_code"] == "PK"
        assert row["admin_distance_km"] == 0


def test_points_outside_pakistan_get_country_and_first_level_unit():
    joined = boundaries.join(_points([(34.53, 69.17), (41.50, -81.69)]))  # Kabul, Cleveland
    assert list(joined["admin0_code"]) == ["AF", "US"]
    assert joined["admin1"].iloc[1] == "Ohio"
    assert joined["admin2"].isna().all()


def test_point_just_off_the_coast_takes_nearest_district_with_distance():
    # About 2 km south of the coast at Karachi's Clifton beach.
    joined = boundaries.join(_points([(24.78, 67.03)]))
    row = joined.iloc[0]
    assert row["admin1"] == "Sindh"
    assert 0 < row["admin_distance_km"] <= settings.NEAREST_MAX_KM


def test_point_far_at_sea_gets_no_unit():
    row = boundaries.join(_points([(20.0, 65.0)])).iloc[0]
    assert row["admin0"] is None or row["admin0"] != row["admin0"]  # None or NaN
    assert np.isnan(row["admin_distance_km"])


def test_join_on_empty_frame_returns_empty_frame_with_columns():
    out = boundaries.join(gpd.GeoDataFrame(geometry=[], crs="EPSG:4326"))
    assert len(out) == 0
    assert set(boundaries.JOIN_COLUMNS) <= set(out.columns)


def test_bad_coordinates_are_counted_in_a_warning_and_the_rest_kept():
    frame = gpd.GeoDataFrame(geometry=[Point(71.578, 34.008), Point(), None, Point(500, 500)],
                             crs="EPSG:4326")
    with pytest.warns(UserWarning, match="3 of 4 points"):
        out = boundaries.join(frame)
    assert out["admin2"].iloc[0] == "Peshawar"
    assert out["admin2"].iloc[1:].isna().all()


def test_join_reprojects_points_in_another_crs():
    frame = _points([(34.008, 71.578)]).to_crs("EPSG:3857")
    assert boundaries.join(frame)["admin2"].iloc[0] == "Peshawar"


@pytest.mark.parametrize("spelling,expected", [
    ("North Waziristan Agency", "North Waziristan"),
    ("N. Waziristan", "North Waziristan"),
    ("Waziristan North", "North Waziristan"),
    ("north waziristan", "North Waziristan"),
    ("KPK", "Khyber Pakhtunkhwa"),
    ("NWFP", "Khyber Pakhtunkhwa"),
    ("FATA", "Federally Administered Tribal Areas"),
    ("Islamabad Capital Territory", "Islamabad Capital Territory"),
    ("ICT", "Islamabad Capital Territory"),
    ("Khyber Agency", "Khyber"),
    ("Sind", "Sindh"),
])
def test_find_tolerates_the_spellings_analysts_meet(spelling, expected):
    found = boundaries.find(spelling)
    assert not found.empty, spelling
    assert found["name"].iloc[0] == expected
    assert found.geometry.iloc[0].geom_type in ("Polygon", "MultiPolygon")


def test_find_returns_parents():
    row = boundaries.find("North Waziristan").iloc[0]
    assert row["admin1"] == "Khyber Pakhtunkhwa"
    assert row["admin1_2014"] == "Federally Administered Tribal Areas"
    assert row["admin0"] == "Pakistan"
    assert row.geometry.contains(Point(row["longitude"], row["latitude"]))


def test_ambiguous_name_returns_all_candidates_ranked():
    found = boundaries.find("Punjab")
    assert set(found["admin0"]) >= {"Pakistan", "India"}
    assert found["score"].is_monotonic_decreasing


def test_find_level_filter():
    found = boundaries.find("Peshawar", level="division")
    assert list(found["level"]) == ["division"]


@pytest.mark.parametrize("name", ["", "   ", "Xqzzyville", "zz"])
def test_find_unknown_or_empty_name_returns_nothing(name):
    assert boundaries.find(name).empty


def test_find_rejects_unknown_level():
    with pytest.raises(ValueError, match="unknown level 'county'"):
        boundaries.find("Peshawar", level="county")


def test_user_boundary_file_replaces_a_level(tmp_path, monkeypatch):
    # A file shaped like OCHA COD-AB (ADM2_EN / ADM2_PCODE / ADM1_EN), dropped in by a user.
    cod = boundaries.load("admin2")[["name", "admin1", "geometry"]].rename(
        columns={"name": "ADM2_EN", "admin1": "ADM1_EN"})
    cod["ADM2_PCODE"] = [f"PK{i:03d}" for i in range(len(cod))]
    path = tmp_path / "pak_admbnda_adm2.geojson"
    cod.to_file(path, driver="GeoJSON")
    config = tmp_path / "boundaries.json"
    config.write_text(json.dumps({"admin2": {"path": str(path), "admin0": "Pakistan", "admin0_code": "PK"}}))
    monkeypatch.setattr(settings, "BOUNDARY_CONFIG", str(config))
    frame = boundaries.load("admin2")
    assert frame["code"].str.startswith("PK").all()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        row = boundaries.join(_points([(34.008, 71.578)])).iloc[0]
    assert row["admin2"] == "Peshawar" and row["admin2_code"].startswith("PK")


def test_user_boundary_config_with_unknown_level_is_refused(tmp_path, monkeypatch):
    config = tmp_path / "b.json"
    config.write_text(json.dumps({"admin9": {"path": "x"}}))
    monkeypatch.setattr(settings, "BOUNDARY_CONFIG", str(config))
    with pytest.raises(ValueError, match="admin9"):
        boundaries.load("admin2")


def test_join_district_level_only_answers_containment():
    # Kabul is in no Pakistani district; Peshawar is.
    out = boundaries.join(_points([(34.008, 71.578), (34.53, 69.17)]), levels=("admin2",))
    assert out["admin2"].iloc[0] == "Peshawar" and out["admin1"].iloc[0] == "Khyber Pakhtunkhwa"
    assert out["admin2"].isna().iloc[1] and out["admin0"].isna().iloc[1]


def test_point_in_a_neighbouring_country_near_the_border_keeps_its_country():
    # Torkham, on the Afghan side of the Khyber Pass, within 5 km of Pakistan's Khyber district.
    row = boundaries.join(_points([(34.115, 71.07)])).iloc[0]
    assert row["admin0_code"] == "AF"
    assert row["admin2"] is None or row["admin2"] != row["admin2"]

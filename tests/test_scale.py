"""District x month counts: what they count, and the dask path equals the in-memory one."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from geo import boundaries, scale


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    # in-process workers: starts in a second; the address is passed like a remote scheduler's
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as c:
        yield c.scheduler_address


def _inside(name: str) -> tuple[float, float]:
    point = boundaries.load("admin2").set_index("name").loc[name].geometry.representative_point()
    return point.y, point.x


def _synthetic(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "event_date": (np.datetime64("2012-01-01") + rng.integers(0, 4 * 365, n).astype("timedelta64[D]"))
        .astype(str),
        "latitude": rng.uniform(23.0, 38.0, n), "longitude": rng.uniform(60.0, 78.0, n),
        "fatalities": pd.array(rng.poisson(2, n), dtype="Int64")})
    frame.loc[::97, "fatalities"] = pd.NA
    frame.loc[::89, "event_date"] = ""
    frame.loc[::83, "latitude"] = np.nan
    return frame


def test_counts_by_district_and_month():
    peshawar, bannu = _inside("Peshawar"), _inside("Bannu")
    events = pd.DataFrame({
        "event_date": ["2014-06-15", "2014-06-20", "2014-06-30", "2014-07-01", "2014-06-01", "",
                       "2014-06-03"],
        "latitude": [peshawar[0]] * 3 + [peshawar[0], bannu[0], bannu[0], 20.0],
        "longitude": [peshawar[1]] * 3 + [peshawar[1], bannu[1], bannu[1], 60.0],   # last: Arabian Sea
        "fatalities": pd.array([2, 3, None, 1, 4, 9, 5], dtype="Int64")})
    result = scale.district_month(events)
    counts = result.counts.set_index(["admin2", "month"])
    assert counts.loc[("Peshawar", "2014-06"), ["events", "fatalities"]].tolist() == [3, 5]
    assert counts.loc[("Peshawar", "2014-07"), ["events", "fatalities"]].tolist() == [1, 1]
    assert counts.loc[("Bannu", "2014-06"), ["events", "fatalities"]].tolist() == [1, 4]
    assert len(counts) == 3
    assert result.timeline.values.tolist() == [["2014-06", 5, 14], ["2014-07", 1, 1]]
    assert (result.n_events, result.n_undated, result.n_outside) == (7, 1, 1)

    june = result.districts("2014-06", "2014-06").set_index("admin2")
    assert len(june) == len(boundaries.load("admin2"))
    assert june.loc["Peshawar", "events"] == 3 and june.loc["Bannu", "fatalities"] == 4
    assert june["events"].sum() == 4 and june.geometry.notna().all()


def test_geometry_and_datetime_input_counts_the_same():
    frame = _synthetic(5_000, seed=3).dropna(subset=["latitude"])
    frame = frame[frame["event_date"] != ""]
    points = gpd.GeoDataFrame(frame[["fatalities"]].assign(event_date=pd.to_datetime(frame["event_date"])),
                              geometry=gpd.points_from_xy(frame["longitude"], frame["latitude"]),
                              crs="EPSG:4326")
    expected = scale.district_month(frame)
    got = scale.district_month(points)
    pd.testing.assert_frame_equal(got.counts, expected.counts)
    pd.testing.assert_frame_equal(got.timeline, expected.timeline)


def test_dask_on_partitioned_parquet_equals_in_memory(tmp_path, cluster):
    frame = _synthetic(60_000, seed=1)
    folder = tmp_path / "events"
    folder.mkdir()
    for i, part in enumerate(np.array_split(frame.index, 4)):
        frame.loc[part].to_parquet(folder / f"part-{i}.parquet", index=False)
    expected = scale.district_month(frame)
    assert expected.n_undated > 0 and expected.n_outside > 0 and len(expected.counts) > 1000
    for got in (scale.district_month(folder, address=cluster),
                scale.district_month(str(folder / "*.parquet"), address=cluster),
                scale.district_month(folder, engine="memory")):
        pd.testing.assert_frame_equal(got.counts, expected.counts)
        pd.testing.assert_frame_equal(got.timeline, expected.timeline)
        assert (got.n_events, got.n_undated, got.n_outside) == (
            expected.n_events, expected.n_undated, expected.n_outside)


def test_dask_on_an_in_memory_geodataframe(cluster):
    frame = _synthetic(20_000, seed=2).dropna(subset=["latitude"])
    points = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["longitude"], frame["latitude"]),
                              crs="EPSG:4326")
    got = scale.district_month(points, engine="dask", address=cluster, npartitions=3)
    pd.testing.assert_frame_equal(got.counts, scale.district_month(points).counts)


def test_bad_input_names_the_problem(tmp_path):
    with pytest.raises(ValueError, match="event_date"):
        scale.district_month(pd.DataFrame({"latitude": [33.0], "longitude": [70.0]}))
    with pytest.raises(ValueError, match="latitude"):
        scale.district_month(pd.DataFrame({"event_date": ["2014-01-01"]}))
    with pytest.raises(ValueError, match="engine"):
        scale.district_month(pd.DataFrame(), engine="spark")
    with pytest.raises(ValueError, match="no Parquet file"):
        scale.district_month(str(tmp_path / "*.parquet"), engine="memory")


@pytest.mark.slow
def test_default_local_cluster_of_worker_processes(tmp_path):
    frame = _synthetic(20_000, seed=4)
    frame.to_parquet(tmp_path / "events.parquet", index=False)
    got = scale.district_month(tmp_path / "events.parquet")
    pd.testing.assert_frame_equal(got.counts, scale.district_month(frame).counts)

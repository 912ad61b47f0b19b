"""District x month counts of large event tables, in memory or on a dask cluster.

A map cannot send millions of points to a browser; above a size threshold the
dashboard draws districts coloured by their counts and a timeline instead.
``district_month`` computes those counts (events and fatalities per district
and month) from an in-memory frame or from partitioned Parquet.  The Parquet
path runs on dask-geopandas over a ``dask.distributed`` cluster (a local one
by default, or the scheduler at ``address`` / ``settings.DASK_ADDRESS``), so a
table larger than memory is read and joined partition by partition; both
paths share the same per-partition step and give equal results.

A point's district is the ``admin2`` unit that contains it
(``geo.boundaries.join`` with ``levels=("admin2",)``: about 2.7 times as
fast as ``geopandas.sjoin`` on the same polygons, see ``bench/bench_join.py``).
Points outside every district count in the timeline only.
"""
from __future__ import annotations

import glob
import os
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import boundaries, settings

#: Columns of ``DistrictMonth.counts``.
COUNT_COLUMNS = ("admin2_code", "admin2", "admin1", "month", "events", "fatalities")

_KEYS = ["admin2_code", "month"]
_PARTIAL = pd.DataFrame({"admin2_code": pd.Series(dtype=object), "month": pd.Series(dtype=object),
                         "events": pd.Series(dtype="int64"), "fatalities": pd.Series(dtype="int64")})


@dataclass
class DistrictMonth:
    """Counts of events and fatalities by district and month.

    Attributes
    ----------
    counts : DataFrame
        ``COUNT_COLUMNS``: one row per district and month (``YYYY-MM``) with
        at least one event; ``fatalities`` sums the best estimates (people).
    timeline : DataFrame
        ``month``, ``events``, ``fatalities`` over every dated event, inside a
        district or not, one row per month in order.
    n_events : int
        Rows read.
    n_undated : int
        Rows without a usable ``event_date`` (in no month, so in no count).
    n_outside : int
        Dated rows in no district (in the timeline only).
    """

    counts: pd.DataFrame
    timeline: pd.DataFrame
    n_events: int
    n_undated: int
    n_outside: int

    def districts(self, start: str | None = None, end: str | None = None,
                  simplified: bool = True) -> gpd.GeoDataFrame:
        """Every district with its totals over the months ``start``..``end``, for a choropleth.

        Parameters
        ----------
        start, end : str, optional
            First and last month (``YYYY-MM`` or a ``YYYY-MM-DD`` date), inclusive.
        simplified : bool
            Lighter polygons for drawing.

        Returns
        -------
        GeoDataFrame
            ``admin2``, ``admin2_code``, ``admin1``, ``events``, ``fatalities``
            (0 where nothing happened) and the district polygons (EPSG:4326).
        """
        counts = self.counts
        if start is not None:
            counts = counts[counts["month"] >= str(start)[:7]]
        if end is not None:
            counts = counts[counts["month"] <= str(end)[:7]]
        totals = counts.groupby("admin2_code")[["events", "fatalities"]].sum()
        units = boundaries.load("admin2", simplified=simplified)
        out = gpd.GeoDataFrame({"admin2": units["name"].to_numpy(), "admin2_code": units["code"].to_numpy(),
                                "admin1": units["admin1"].to_numpy()},
                               geometry=units.geometry.values, crs="EPSG:4326")
        for col in ("events", "fatalities"):
            out[col] = out["admin2_code"].map(totals[col]).fillna(0).astype("int64")
        return out[["admin2", "admin2_code", "admin1", "events", "fatalities", "geometry"]]


def district_month(source, engine: str | None = None, address: str | None = None,
                   npartitions: int | None = None) -> DistrictMonth:
    """Count events and fatalities per district and month.

    Parameters
    ----------
    source : DataFrame, GeoDataFrame, str or Path
        Events with ``event_date`` (``YYYY-MM-DD`` text or datetimes),
        ``fatalities`` (optional) and either ``latitude``/``longitude``
        (degrees) or point geometry; or a Parquet file, folder of Parquet
        files or glob of them holding those columns.
    engine : {"memory", "dask"}, optional
        Default: ``memory`` for a frame, ``dask`` for Parquet.
    address : str, optional
        ``dask.distributed`` scheduler address; default
        ``settings.DASK_ADDRESS``, else a local cluster of one single-threaded
        worker process per core, closed afterwards.
    npartitions : int, optional
        Partitions of an in-memory frame sent to dask (default: one per core).

    Returns
    -------
    DistrictMonth
    """
    engine = engine or ("memory" if isinstance(source, pd.DataFrame) else "dask")
    if engine == "memory":
        frame = source if isinstance(source, pd.DataFrame) else _read_parquet(source)
        partial = _partition_counts(frame)
    elif engine == "dask":
        partial = _dask_counts(source, address or settings.DASK_ADDRESS, npartitions)
    else:
        raise ValueError(f"unknown engine {engine!r}; expected 'memory' or 'dask'")
    return _finish(partial)


# --------------------------------------------------------------------------- helpers


def _partition_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Events and fatalities per (district code, month) of one partition.

    Also carries the rows in no district (code ``""``) and without a date
    (month ``""``) so that the totals can be told apart at the end.
    """
    if "event_date" not in frame.columns:
        raise ValueError(f"events need an 'event_date' column; got {list(frame.columns)}")
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns \
            and frame.geometry.notna().any():
        points = gpd.GeoDataFrame(geometry=frame.geometry.values, crs=frame.crs or "EPSG:4326")
    elif {"latitude", "longitude"} <= set(frame.columns):
        points = _points(frame[["latitude", "longitude"]])
    else:
        raise ValueError("events need 'latitude'/'longitude' columns or point geometry")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # missing coordinates: counted as in no district
        code = boundaries.join(points, levels=("admin2",))["admin2_code"]
    dates = frame["event_date"]
    if pd.api.types.is_datetime64_any_dtype(dates):
        month = dates.dt.strftime("%Y-%m").fillna("").to_numpy(object)
    else:
        text = dates.astype(str)
        month = text.str.slice(0, 7).where(text.str.match(r"\d{4}-\d{2}"), "").fillna("").to_numpy(object)
    fatalities = pd.to_numeric(frame["fatalities"], errors="coerce").fillna(0).to_numpy("int64") \
        if "fatalities" in frame.columns else np.zeros(len(frame), dtype="int64")
    partial = pd.DataFrame({"admin2_code": code.astype(object).fillna("").to_numpy(object),
                            "month": month, "events": 1, "fatalities": fatalities})
    return partial.groupby(_KEYS, as_index=False, sort=False).sum()


def _points(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    """A partition of events with point geometry from ``longitude``/``latitude`` (degrees)."""
    lat = pd.to_numeric(frame["latitude"], errors="coerce").to_numpy(float)
    lon = pd.to_numeric(frame["longitude"], errors="coerce").to_numpy(float)
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


def _dask_counts(source, address: str | None, npartitions: int | None) -> pd.DataFrame:
    import dask.dataframe as dd
    import dask_geopandas

    with _client(address):
        if isinstance(source, pd.DataFrame):
            n = npartitions or os.cpu_count() or 1
            ddf = dask_geopandas.from_geopandas(source, npartitions=n) \
                if isinstance(source, gpd.GeoDataFrame) else dd.from_pandas(source, npartitions=n)
        else:
            ddf = dd.read_parquet(str(source))
            wanted = [c for c in ("event_date", "fatalities", "latitude", "longitude", "geometry")
                      if c in ddf.columns]
            ddf = dask_geopandas.read_parquet(str(source), columns=wanted) \
                if "latitude" not in ddf.columns and "geometry" in ddf.columns else ddf[wanted]
        if not isinstance(ddf, dask_geopandas.GeoDataFrame):
            if not {"latitude", "longitude"} <= set(ddf.columns):
                raise ValueError(f"events need 'latitude'/'longitude' columns or point geometry; got "
                                 f"{list(ddf.columns)}")
            meta = gpd.GeoDataFrame(ddf._meta, geometry=gpd.GeoSeries(crs="EPSG:4326"))
            ddf = ddf.map_partitions(_points, meta=meta)
        partial = ddf.map_partitions(_partition_counts, meta=_PARTIAL)
        return partial.groupby(_KEYS).sum(split_out=1).compute().reset_index()


@contextmanager
def _client(address: str | None):
    """A ``distributed`` client on ``address``, or on a local cluster that is closed afterwards."""
    from distributed import Client, LocalCluster

    if address:
        with Client(address) as client:
            yield client
        return
    with LocalCluster(n_workers=os.cpu_count() or 1, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        yield client


def _read_parquet(source) -> pd.DataFrame:
    """A Parquet file, folder or glob read whole (the in-memory path)."""
    files = sorted(glob.glob(str(source))) if glob.has_magic(str(source)) else [source]
    if not files:
        raise ValueError(f"no Parquet file matches {str(source)!r}")
    return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)


def _finish(partial: pd.DataFrame) -> DistrictMonth:
    """Totals over partitions, split into district counts and the timeline."""
    partial = partial.groupby(_KEYS, as_index=False)[["events", "fatalities"]].sum()
    dated = partial[partial["month"] != ""]
    timeline = dated.groupby("month", as_index=False)[["events", "fatalities"]].sum()
    counts = dated[dated["admin2_code"] != ""].sort_values(_KEYS).reset_index(drop=True)
    units = boundaries.load("admin2").set_index("code")
    counts.insert(1, "admin2", counts["admin2_code"].map(units["name"]))
    counts.insert(2, "admin1", counts["admin2_code"].map(units["admin1"]))
    return DistrictMonth(
        counts=counts[list(COUNT_COLUMNS)].astype({"events": "int64", "fatalities": "int64"}),
        timeline=timeline.sort_values("month").reset_index(drop=True).astype(
            {"events": "int64", "fatalities": "int64"}),
        n_events=int(partial["events"].sum()),
        n_undated=int(partial.loc[partial["month"] == "", "events"].sum()),
        n_outside=int(dated.loc[dated["admin2_code"] == "", "events"].sum()))

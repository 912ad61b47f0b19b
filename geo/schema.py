"""Columns of the store's layers, in one place.

The store (``geo.store``), the importers (``geo.ingest``), the layer builders
(``geo.layers``) and the exports all speak these columns.  Names follow ACLED
and UCDP where the concept is shared (``event_type``, ``event_date``,
``fatalities``, ``admin1``, ``admin2``, ``geo_precision``, ``actor1`` ...).
All geometries are EPSG:4326.  Dates are ISO 8601 strings (``YYYY-MM-DD``)
so that a GeoPackage written here opens unchanged in QGIS.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

#: Version of this schema, recorded in the store; bump on incompatible change.
SCHEMA_VERSION = 1

#: Credit owed when records of a ``source_dataset`` are shown: (short name, home page,
#: licence, full line).  The interactive map links the short name; exported images
#: print the full line.
DATASET_CREDITS = {
    "ucdp": ("UCDP", "https://ucdp.uu.se", "CC BY 4.0",
             "Events: UCDP Georeferenced Event Dataset (Uppsala Conflict Data Program, ucdp.uu.se), CC BY 4.0"),
    "acled": ("ACLED", "https://acleddata.com", "",
              "Events: Armed Conflict Location & Event Data (ACLED, acleddata.com), under ACLED's terms of use"),
}

#: ``geo_precision`` codes, as ACLED and UCDP use them.
GEO_PRECISION = {1: "exact place", 2: "district", 3: "province", 4: "country"}

DOCUMENTS = {
    "doc_id": "str",          # sha256 of the text, first 16 hex digits
    "title": "str",
    "published": "str",       # YYYY-MM-DD or empty
    "source": "str",
    "url": "str",
    "text": "str",
    "ingested_at": "str",     # ISO timestamp (UTC)
    "n_places": "int64",
    "n_events": "int64",
}

PLACES = {
    "place_id": "str",        # doc_id:start
    "doc_id": "str",
    "start": "int64",         # character offsets into the document text
    "end": "int64",
    "surface": "str",         # the text as written
    "name": "str",            # the gazetteer name chosen
    "geonameid": "Int64",
    "feature_class": "str",
    "feature_code": "str",
    "country_code": "str",
    "admin1": "str",
    "admin2": "str",
    "confidence": "float64",  # 0..1
    "evidence": "str",        # why this candidate won
    "resolved": "bool",       # False: kept with no geometry
    "role": "str",            # event, area, flow or mention (only a reference point)
}

EVENTS = {
    "event_id": "str",
    "doc_id": "str",             # empty for imported rows
    "source_dataset": "str",     # "text", "acled", "ucdp", "csv", ...
    "source_event_id": "str",    # the dataset's own id; dedup key with source_dataset
    "event_date": "str",
    "date_precision": "str",     # day, month, year, range; "reported" = undated, publication date
    "event_type": "str",         # ACLED event types
    "sub_event_type": "str",
    "actor1": "str",
    "actor2": "str",
    "actor1_count": "Int64",     # people carrying it out ("six gunmen"), when stated
    "target": "str",
    "fatalities": "Int64",       # best estimate
    "fatalities_low": "Int64",
    "fatalities_high": "Int64",
    "location": "str",
    "admin0": "str",
    "admin1": "str",
    "admin2": "str",
    "geo_precision": "Int64",    # see GEO_PRECISION
    "latitude": "float64",
    "longitude": "float64",
    "notes": "str",              # the source sentence
    "sentence_start": "Int64",
    "sentence_end": "Int64",
    "confidence": "float64",
}

AREAS = {
    "area_id": "str",
    "doc_id": "str",
    "source_dataset": "str",
    "source_event_id": "str",
    "name": "str",            # "Operation Zarb-e-Azb"
    "kind": "str",            # military operation, strike zone, siege, drawn
    "start_date": "str",
    "end_date": "str",
    "date_precision": "str",
    "forces": "str",          # actors carrying it out
    "troops": "Int64",        # people
    "outcomes": "str",        # reported outcomes, as text
    "admin_units": "str",     # names of the units the geometry comes from
    "buffer_km": "float64",   # radius when the geometry is a buffer, else null
    "notes": "str",
    "sentence_start": "Int64",
    "sentence_end": "Int64",
    "confidence": "float64",
}

FLOWS = {
    "flow_id": "str",
    "doc_id": "str",
    "source_dataset": "str",
    "source_event_id": "str",
    "kind": "str",                 # displacement, return, relocation
    "origin": "str",               # place names; empty when the text does not say
    "origin_latitude": "float64",
    "origin_longitude": "float64",
    "origin_admin2": "str",
    "destination": "str",
    "destination_latitude": "float64",
    "destination_longitude": "float64",
    "destination_admin2": "str",
    "count": "Int64",
    "unit": "str",                 # people, families, fighters
    "start_date": "str",
    "end_date": "str",
    "speculative": "bool",
    "notes": "str",
    "sentence_start": "Int64",
    "sentence_end": "Int64",
    "confidence": "float64",
}

#: Layer name -> (columns, geometry type or None for an attribute table).
LAYERS = {
    "documents": (DOCUMENTS, None),
    "places": (PLACES, "Point"),
    "events": (EVENTS, "Point"),
    "areas": (AREAS, "MultiPolygon"),
    # LineString when both ends are known, else null geometry (the known end
    # stays in the origin_/destination_ columns).
    "flows": (FLOWS, "LineString"),
}


def empty(layer: str) -> gpd.GeoDataFrame | pd.DataFrame:
    """An empty frame with the columns and dtypes of ``layer``.

    Parameters
    ----------
    layer : str
        One of ``LAYERS``.

    Returns
    -------
    GeoDataFrame (or DataFrame for ``documents``) with no rows.
    """
    if layer not in LAYERS:
        raise ValueError(f"unknown layer {layer!r}; expected one of {sorted(LAYERS)}")
    columns, geom_type = LAYERS[layer]
    frame = pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})
    if geom_type is None:
        return frame
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs="EPSG:4326"), crs="EPSG:4326")


def _missing(dtype: str, n: int):
    if dtype == "str":
        return pd.array([""] * n, dtype="str")
    if dtype == "Int64":
        return pd.array([pd.NA] * n, dtype="Int64")
    return np.zeros(n, dtype=dtype) if dtype in ("bool", "int64") else np.full(n, np.nan)


def conform(frame: pd.DataFrame, layer: str) -> gpd.GeoDataFrame | pd.DataFrame:
    """Return ``frame`` with exactly the columns of ``layer`` (missing ones empty), in order.

    Extra columns are dropped; the geometry column is kept for spatial layers.
    """
    columns, geom_type = LAYERS[layer]
    n = len(frame)
    data = {}
    for col, dtype in columns.items():
        if col in frame.columns:
            values = frame[col]
            data[col] = (values.fillna("").astype(str) if dtype == "str" else values.astype(dtype)).array
        else:
            data[col] = _missing(dtype, n)
    # One constructor call: inserting column by column costs far more on small frames.
    out = pd.DataFrame(data, index=frame.index)
    if geom_type is None:
        return out
    geometry = frame.geometry if isinstance(frame, gpd.GeoDataFrame) else gpd.GeoSeries(
        [None] * len(frame), index=frame.index, crs="EPSG:4326")
    return gpd.GeoDataFrame(out, geometry=geometry.values, crs="EPSG:4326")

"""Add-text helpers: the places found with their evidence, a place corrected by picking
another candidate, and an operation area drawn on the map, in the store's columns."""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, shape

from geo import boundaries, schema, settings
from geo.geoparse import Candidate, Place


def places_table(places: list[Place]) -> pd.DataFrame:
    """One row per mention: as written, chosen place, confidence, evidence, other candidates."""
    return pd.DataFrame([{
        "mention": p.surface, "place": p.name or "(not resolved)", "district": p.admin2 or "",
        "province": p.admin1 or "", "confidence": round(p.confidence, 2), "evidence": p.evidence,
        # the runners-up; a namesake elsewhere is told apart by its coordinates
        "other candidates": "; ".join(f"{c.name} ({c.country_code or '?'}, {c.latitude:.2f}, {c.longitude:.2f}; "
                                      f"score {c.score:.2f})" for c in p.candidates),
    } for p in places])


def choose_candidate(place: Place, candidate: Candidate) -> Place:
    """``place`` resolved to ``candidate`` instead, with its admin units looked up again.

    The choice is the analyst's, so the confidence is 1 and the evidence says so.
    """
    point = gpd.GeoDataFrame(geometry=[shapely.Point(candidate.longitude, candidate.latitude)],
                             crs=settings.CRS)
    units = boundaries.join(point).iloc[0]
    return dataclasses.replace(
        place, name=candidate.name, latitude=candidate.latitude, longitude=candidate.longitude,
        geonameid=candidate.geonameid, feature_code=candidate.feature_code,
        country_code=candidate.country_code, admin1=units.get("admin1") or None,
        admin2=units.get("admin2") or None, admin1_2014=units.get("admin1_2014") or None,
        level=None, geometry=point.geometry.iloc[0], confidence=1.0,
        evidence=f"chosen by the analyst instead of {place.name or 'nothing'}")


def drawn_area(feature: dict, name: str, kind: str = "drawn", start_date: str = "",
               end_date: str = "", forces: str = "", notes: str = "") -> gpd.GeoDataFrame:
    """A polygon drawn on the map as one ``areas`` row (``source_dataset`` "drawn").

    Without ``notes``, the notes say when it was drawn ("Drawn on the map on 3 March 2015.").

    Raises
    ------
    ValueError
        The drawing is not a polygon, or has no name.
    """
    if not name.strip():
        raise ValueError("give the drawn area a name")
    geometry = shape(feature.get("geometry") or {}) if feature.get("geometry") else None
    if geometry is None or geometry.geom_type not in ("Polygon", "MultiPolygon") or geometry.is_empty:
        raise ValueError(f"the drawing is a {getattr(geometry, 'geom_type', 'nothing')}, not a polygon: "
                         "draw a polygon or a rectangle")
    if geometry.geom_type == "Polygon":
        geometry = MultiPolygon([geometry])
    today = dt.date.today()
    key = hashlib.sha256(json.dumps(feature.get("geometry"), sort_keys=True).encode()).hexdigest()[:16]
    row = {"area_id": f"drawn:{key}", "source_dataset": "drawn", "source_event_id": key,
           "name": name.strip(), "kind": kind, "start_date": start_date, "end_date": end_date,
           "forces": forces, "notes": notes or f"Drawn on the map on {today.day} {today:%B %Y}.",
           "confidence": 1.0,
           "date_precision": "day" if start_date else ""}
    return schema.conform(gpd.GeoDataFrame([row], geometry=[geometry], crs=settings.CRS), "areas")

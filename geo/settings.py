"""One place for configuration: paths, thresholds and user overrides.

Every value can be overridden by an environment variable so that the
dashboard, the command line and the tests share one configuration without
code changes.
"""
from __future__ import annotations

import os
from pathlib import Path

#: Root of the repository (the folder holding ``geo/`` and ``data/``).
PROJECT_DIR = Path(__file__).resolve().parent.parent

#: Shipped, read-only data: boundaries, gazetteer, articles, samples.
DATA_DIR = Path(os.environ.get("CONFLICTMAP_DATA", PROJECT_DIR / "data"))

#: Derived files (gazetteer index, boundary grids); rebuilt when missing or stale.
CACHE_DIR = Path(os.environ.get("CONFLICTMAP_CACHE",
                                Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
                                / "conflictmap"))

#: The user's GeoPackage store; the shipped data/ is never written.
STORE_PATH = Path(os.environ.get("CONFLICTMAP_STORE",
                                 Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
                                 / "conflictmap" / "store.gpkg"))

#: A JSON file naming user boundary files that replace or add levels
#: (OCHA COD-AB, geoBoundaries); see ``geo.boundaries`` and the README.
BOUNDARY_CONFIG = os.environ.get("CONFLICTMAP_BOUNDARY_CONFIG") or None

#: A CSV of extra places (name, alternate_names, latitude, longitude, kind).
USER_GAZETTEER = os.environ.get("CONFLICTMAP_USER_GAZETTEER") or None

#: Points at most this far outside every polygon (km) take the nearest unit.
NEAREST_MAX_KM = float(os.environ.get("CONFLICTMAP_NEAREST_MAX_KM", "5"))

#: Turn off every page and control that writes (for public links).
READONLY = os.environ.get("CONFLICTMAP_READONLY", "") not in ("", "0", "false", "False")

#: Opt-in online geocoding fallback (geopy's Nominatim); off by default.
ONLINE_GEOCODER = os.environ.get("CONFLICTMAP_ONLINE_GEOCODER", "") not in ("", "0", "false", "False")

#: CRS of everything stored and drawn.
CRS = "EPSG:4326"

#: Above this many event points a map draws aggregates (districts, heat map) instead of markers.
MAP_POINTS_MAX = int(os.environ.get("CONFLICTMAP_MAP_POINTS_MAX", "3000"))

#: ISO 3166 codes of the countries the map is about: a weak prior for place
#: names that a text does not tie to any country (event records, short notes).
FOCUS_COUNTRIES = tuple(c.strip().upper() for c in os.environ.get(
    "CONFLICTMAP_FOCUS_COUNTRIES", "PK,AF").split(",") if c.strip())

#: ``dask.distributed`` scheduler for large aggregations (``geo.scale``), e.g.
#: ``tcp://10.0.0.5:8786``; empty: a local cluster started for each run.
DASK_ADDRESS = os.environ.get("CONFLICTMAP_DASK_ADDRESS") or None

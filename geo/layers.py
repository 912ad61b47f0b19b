"""Store -> the GeoDataFrames every view draws, filtered and styled.

``build(store, filters)`` reads the store once and returns ``Layers``:

``sites``
    attack sites (events of ``style.ATTACK_TYPES``), points with the style
    columns ``color``, ``symbol`` and ``radius`` (px) and the document ``title``;
``events``
    every other event, same columns;
``areas``
    operation areas (polygons) with ``color`` and ``label``;
``flows``
    displacement, return and relocation flows as curved LineStrings running
    from origin to destination, with ``color``, ``width`` (px), ``dash`` and
    ``label``.  A flow whose origin or destination the text does not name is
    an ``STUB_KM`` stub leaving (or reaching) the known end, ``open_end``
    saying which end is unknown: never a guessed place;
``choropleth``
    Pakistan's districts with ``events``, ``fatalities`` and, where the
    district layer carries a ``population``, both per 100,000 people;
``headline``
    events, fatalities, people displaced, districts affected and date span.

``Filters`` is the one description of a view (what to keep and how the map
is framed); ``to_query_params``/``from_query_params`` are its one encoding in
a URL, used by the dashboard's share link and by ``python -m geo export``.
The interactive maps (``geo.maps``) and the exported images
(``geo.render``) draw these frames, so both show the same thing.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, replace
from typing import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Geod

from geo import boundaries, settings, style

#: Layer keys a view can show, in drawing order (bottom first).
LAYER_KEYS = ("choropleth", "heat", "areas", "flows", "events", "sites")
#: Layers shown when the URL names none.
DEFAULT_LAYERS = ("areas", "flows", "events", "sites")
#: Basemap keys: the offline boundaries, or web tiles when a network is there.
BASEMAPS = ("boundaries", "osm", "carto", "satellite")
#: Columns of the filterable events table, in order.
TABLE_COLUMNS = ("event_date", "event_type", "sub_event_type", "location", "admin1", "admin2",
                 "fatalities", "actor1", "actor2", "confidence", "title", "notes", "event_id")

_GEOD = Geod(ellps="WGS84")
_EQUAL_AREA = "EPSG:6933"   # WGS 84 / EASE-Grid 2.0, equal area: shares of district areas
_LIST_SEP = "|"


class FilterError(ValueError):
    """A query parameter holds a value a filter cannot take (message names both)."""


@dataclass(frozen=True)
class Filters:
    """What a view keeps and how its map is framed.

    Empty tuples mean "no restriction".  Dates are inclusive; areas and
    flows are kept when their period overlaps the range.  ``event_types``
    applies to events; ``actors`` to events (``actor1`` or ``actor2``) and to
    areas (``forces``); admin units, documents and ``min_confidence`` (0..1)
    to every layer.  ``layers`` are the keys of ``LAYER_KEYS`` shown;
    ``lat``/``lon`` (degrees) and ``zoom`` (Leaflet zoom level) frame the map,
    ``None`` meaning "fit the data".
    """

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    event_types: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    admin1: tuple[str, ...] = ()
    admin2: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()
    min_confidence: float = 0.0
    layers: tuple[str, ...] = DEFAULT_LAYERS
    lat: float | None = None
    lon: float | None = None
    zoom: int | None = None
    basemap: str = "boundaries"

    def to_query_params(self) -> dict[str, str]:
        """Encode the view as URL query parameters (only what differs from the default)."""
        default = Filters()
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value == getattr(default, f.name):
                continue
            key = _PARAM[f.name]
            if isinstance(value, tuple):
                out[key] = _LIST_SEP.join(v.replace("%", "%25").replace(_LIST_SEP, "%7C") for v in value)
            elif isinstance(value, dt.date):
                out[key] = value.isoformat()
            elif isinstance(value, float):
                out[key] = f"{value:.5f}".rstrip("0").rstrip(".")
            else:
                out[key] = str(value)
        return out

    @classmethod
    def from_query_params(cls, mapping: Mapping[str, str | list[str]]) -> "Filters":
        """Decode ``to_query_params``'s parameters; unknown keys are ignored.

        Parameters
        ----------
        mapping : mapping of str to str (or to a list of str, last one wins)
            ``st.query_params``, ``urllib.parse.parse_qs`` output or a dict.

        Raises
        ------
        FilterError
            A value cannot be read (the message names the parameter and value).
        """
        values = {}
        for name, key in _PARAM.items():
            if key not in mapping:
                continue
            raw = mapping[key]
            raw = (raw[-1] if raw else "") if isinstance(raw, (list, tuple)) else str(raw)
            values[name] = _decode(name, key, raw.strip())
        return cls(**values)

    def with_view(self, lat: float | None, lon: float | None, zoom: int | None) -> "Filters":
        """The same filters with the map framed at ``lat``/``lon``/``zoom``."""
        return replace(self, lat=None if lat is None else round(float(lat), 5),
                       lon=None if lon is None else round(float(lon), 5),
                       zoom=None if zoom is None else int(zoom))


@dataclass(frozen=True)
class Headline:
    """Headline figures of a view; counts of records, people and districts."""

    events: int
    fatalities: int
    displaced: int          # people, from displacement flows counted in people
    districts: int          # districts with an event, a flow end or an operation area, within the
                            # filters' districts and provinces when they name any
    date_from: str          # YYYY-MM-DD, empty when nothing is dated
    date_to: str


@dataclass
class Layers:
    """The frames a view draws (see the module docstring); all EPSG:4326."""

    sites: gpd.GeoDataFrame
    events: gpd.GeoDataFrame
    areas: gpd.GeoDataFrame
    flows: gpd.GeoDataFrame
    choropleth: gpd.GeoDataFrame
    headline: Headline
    filters: Filters = field(default_factory=Filters)

    @property
    def points(self) -> gpd.GeoDataFrame:
        """Attack sites and other events together, in date order."""
        both = pd.concat([self.sites, self.events], ignore_index=True)
        return gpd.GeoDataFrame(both, geometry="geometry", crs=settings.CRS).sort_values(
            "event_date", kind="stable", ignore_index=True)

    @property
    def aggregated(self) -> bool:
        """True when there are too many points to draw one by one (see ``settings.MAP_POINTS_MAX``)."""
        return len(self.sites) + len(self.events) > settings.MAP_POINTS_MAX

    def is_empty(self) -> bool:
        """True when the filters keep nothing at all."""
        return not (len(self.sites) or len(self.events) or len(self.areas) or len(self.flows))

    def bounds(self, keys: tuple[str, ...] = ("sites", "events", "areas", "flows")
               ) -> tuple[float, float, float, float] | None:
        """``(minx, miny, maxx, maxy)`` in degrees of the layers named in ``keys``, or None when empty."""
        frames = [f.geometry for f in (getattr(self, k) for k in keys) if len(f)]
        if not frames:
            return None
        geoms = pd.concat(frames)
        geoms = geoms[geoms.notna() & ~geoms.is_empty]
        return None if geoms.empty else tuple(float(v) for v in geoms.total_bounds)


def build(store, filters: Filters | None = None) -> Layers:
    """Read ``store`` through ``filters`` and return the styled layers.

    Parameters
    ----------
    store : geo.store.Store
    filters : Filters, optional
        Default: everything.

    Returns
    -------
    Layers
    """
    filters = filters or Filters()
    dates = {"start": filters.date_from, "end": filters.date_to}
    docs = list(filters.doc_ids) or None
    titles = store.documents().set_index("doc_id")["title"]
    events = store.read("events", event_type=list(filters.event_types) or None, doc_id=docs, **dates)
    areas = store.read("areas", doc_id=docs, **dates)
    flows = store.read("flows", doc_id=docs, **dates)

    events = _filter_events(events, filters)
    areas = _filter_areas(areas, filters)
    flows = _filter_flows(flows, filters)

    events = _style_points(events, titles)
    attack = events["event_type"].isin(style.ATTACK_TYPES)
    areas = _style_areas(areas, titles)
    flows = _style_flows(flows, titles)
    choropleth = _choropleth(events)
    return Layers(sites=events[attack].reset_index(drop=True),
                  events=events[~attack].reset_index(drop=True),
                  areas=areas, flows=flows, choropleth=choropleth,
                  headline=_headline(events, areas, flows, choropleth, filters), filters=filters)


def event_table(layers: Layers) -> pd.DataFrame:
    """The events of ``layers`` as a plain table (``TABLE_COLUMNS``), newest first."""
    points = layers.points
    return pd.DataFrame(points[list(TABLE_COLUMNS)]).sort_values(
        "event_date", ascending=False, kind="stable", ignore_index=True)


def timeline(layers: Layers, freq: str = "month") -> pd.DataFrame:
    """Events per period and event type, for a timeline chart.

    Parameters
    ----------
    freq : {"week", "month"}

    Returns
    -------
    DataFrame
        Index: first day of each period (every period between the first and the
        last, empty ones as 0); one column per event type; values: events.
        Undated events are left out.
    """
    if freq not in ("week", "month"):
        raise ValueError(f"unknown timeline period {freq!r}; expected 'week' or 'month'")
    points = layers.points
    dates = pd.to_datetime(points["event_date"], format="%Y-%m-%d", errors="coerce")
    frame = pd.DataFrame({"date": dates, "event_type": points["event_type"]}).dropna(subset=["date"])
    if frame.empty:
        return pd.DataFrame(index=pd.DatetimeIndex([], name="period"))
    rule = "W-MON" if freq == "week" else "MS"
    counts = (frame.groupby([pd.Grouper(key="date", freq=rule, label="left", closed="left"),
                             "event_type"]).size().unstack(fill_value=0))
    counts.index.name = "period"
    return counts.asfreq(rule, fill_value=0)


def events_in_areas(layers: Layers) -> pd.DataFrame:
    """Events that fall inside each operation area (point in polygon).

    Returns
    -------
    DataFrame
        ``area``, ``period`` and the event's ``event_date``, ``event_type``,
        ``location``, ``fatalities`` and ``event_id``; one row per (area, event).
    """
    columns = ["area", "period", "event_date", "event_type", "location", "fatalities", "event_id"]
    points = layers.points
    if layers.areas.empty or points.empty:
        return pd.DataFrame(columns=columns)
    joined = gpd.sjoin(points, layers.areas[["label", "period", "geometry"]], predicate="within")
    return pd.DataFrame(joined.rename(columns={"label": "area"})[columns]).sort_values(
        ["area", "event_date"], ignore_index=True)


def before_after(layers: Layers) -> pd.DataFrame:
    """Events per district before and after each operation began.

    For every dated area, the districts it covers (more than 5 % of their
    area) with the events there before ``start_date`` and from it on (up to
    ``end_date`` when the operation ended).

    Returns
    -------
    DataFrame
        ``area``, ``start_date``, ``district``, ``before``, ``after`` (events).
    """
    columns = ["area", "start_date", "district", "before", "after"]
    points, rows = layers.points, []
    for area in layers.areas[layers.areas["start_date"] != ""].itertuples():
        for district in _covered_districts(layers.choropleth, area.geometry):
            here = points[points["admin2"] == district]
            dates = here["event_date"][here["event_date"] != ""]
            after = dates >= area.start_date
            if area.end_date:
                after &= dates <= area.end_date
            rows.append((area.label, area.start_date, district, int((dates < area.start_date).sum()),
                         int(after.sum())))
    return pd.DataFrame(rows, columns=columns)


def flow_totals(layers: Layers) -> pd.DataFrame:
    """People (or families, fighters...) leaving and reaching each district.

    An end the text does not name is the row ``"(not reported)"``, so totals
    are never attributed to a guessed place.

    Returns
    -------
    DataFrame
        ``district``, ``unit``, ``outflow``, ``inflow``, ``net`` (inflow - outflow).
    """
    flows = layers.flows
    counts = flows["count"].fillna(0).astype("int64")
    out = pd.DataFrame({"district": flows["origin_admin2"].where(flows["origin_admin2"] != "", "(not reported)"),
                        "unit": flows["unit"], "outflow": counts, "inflow": 0})
    into = pd.DataFrame({"district": flows["destination_admin2"].where(flows["destination_admin2"] != "",
                                                                        "(not reported)"),
                         "unit": flows["unit"], "outflow": 0, "inflow": counts})
    totals = pd.concat([out, into]).groupby(["district", "unit"], as_index=False)[["outflow", "inflow"]].sum()
    totals["net"] = totals["inflow"] - totals["outflow"]
    return totals.sort_values(["outflow", "inflow"], ascending=False, ignore_index=True)


def arrowheads(flows: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A triangle at the head of each flow line, for maps and images alike.

    The size (degrees) follows the line's length and width, so short flows
    keep a visible head and long ones do not get a huge one.

    Returns
    -------
    GeoDataFrame
        ``flow_id``, ``color`` and a Polygon geometry per flow with a line.
    """
    rows = []
    for flow_id, color, width, line in zip(flows["flow_id"], flows["color"], flows["width"],
                                           flows.geometry):
        if line is None or line.is_empty:
            continue
        coords = np.asarray(line.coords)
        tip, back = coords[-1], coords[-2]
        direction = tip - back
        norm = float(np.hypot(*direction)) or 1.0
        unit = direction / norm
        size = min(max(line.length * 0.07, 0.08), 0.3) * (1 + float(width) / 12)
        base = tip - unit * size
        side = np.array([-unit[1], unit[0]]) * size * 0.5
        rows.append((flow_id, color, shapely.Polygon([tip, base + side, base - side])))
    return gpd.GeoDataFrame(rows, columns=["flow_id", "color", "geometry"], geometry="geometry",
                            crs=settings.CRS)


# -- private --------------------------------------------------------------------------------
#: Title of the rows of a ``source_dataset`` that is no dataset a reader would know by name.
_SOURCE_TITLES = {"drawn": "Drawn on the map"}
_PARAM = {"date_from": "from", "date_to": "to", "event_types": "type", "actors": "actor",
          "admin1": "admin1", "admin2": "admin2", "doc_ids": "doc", "min_confidence": "conf",
          "layers": "layers", "lat": "lat", "lon": "lon", "zoom": "zoom", "basemap": "basemap"}


def _decode(name: str, key: str, raw: str):
    """One query parameter -> the value of field ``name``."""
    try:
        if name in ("date_from", "date_to"):
            return dt.date.fromisoformat(raw) if raw else None
        if name in ("min_confidence", "lat", "lon"):
            value = float(raw)
            limit = {"min_confidence": (0.0, 1.0), "lat": (-90.0, 90.0), "lon": (-180.0, 180.0)}[name]
            if not (limit[0] <= value <= limit[1]):
                raise ValueError(f"outside {limit[0]:g}..{limit[1]:g}")
            return value
        if name == "zoom":
            value = int(raw)
            if not 1 <= value <= 18:
                raise ValueError("outside 1..18")
            return value
        if name == "basemap":
            if raw not in BASEMAPS:
                raise ValueError(f"expected one of {', '.join(BASEMAPS)}")
            return raw
    except ValueError as exc:
        raise FilterError(f"query parameter {key}={raw!r} cannot be read: {exc}") from None
    items = tuple(v.replace("%7C", _LIST_SEP).replace("%25", "%")
                  for v in raw.split(_LIST_SEP) if v.strip())
    if name == "layers":
        unknown = [v for v in items if v not in LAYER_KEYS]
        if unknown:
            raise FilterError(f"query parameter layers={raw!r} names unknown layers {unknown}; "
                              f"expected some of {', '.join(LAYER_KEYS)}")
    return items


def _filter_events(events: gpd.GeoDataFrame, filters: Filters) -> gpd.GeoDataFrame:
    keep = events["confidence"].fillna(0) >= filters.min_confidence
    if filters.actors:
        keep &= events["actor1"].isin(filters.actors) | events["actor2"].isin(filters.actors)
    if filters.admin1:
        keep &= events["admin1"].isin(filters.admin1)
    if filters.admin2:
        keep &= events["admin2"].isin(filters.admin2)
    return events[keep]


def _filter_areas(areas: gpd.GeoDataFrame, filters: Filters) -> gpd.GeoDataFrame:
    keep = areas["confidence"].fillna(0) >= filters.min_confidence
    if filters.actors:
        keep &= areas["forces"].apply(lambda forces: any(a in forces for a in filters.actors))
    for level, names in (("admin1", filters.admin1), ("admin2", filters.admin2)):
        if names:
            units = boundaries.load(level, simplified=True)
            units = units[units["name"].isin(names)]
            keep &= areas.geometry.intersects(units.union_all()) if len(units) else False
    return areas[keep]


def _filter_flows(flows: gpd.GeoDataFrame, filters: Filters) -> gpd.GeoDataFrame:
    keep = flows["confidence"].fillna(0) >= filters.min_confidence
    if filters.admin2:
        keep &= flows["origin_admin2"].isin(filters.admin2) | \
            flows["destination_admin2"].isin(filters.admin2)
    if filters.admin1:
        district_admin1 = _district_admin1()
        keep &= flows["origin_admin2"].map(district_admin1).isin(filters.admin1) | \
            flows["destination_admin2"].map(district_admin1).isin(filters.admin1)
    return flows[keep]


def _district_admin1() -> pd.Series:
    districts = boundaries.load("admin2", simplified=True)
    return pd.Series(districts["admin1"].values, index=districts["name"].values)


def _title(frame: pd.DataFrame, titles: pd.Series) -> pd.Series:
    """Document title, or where the row came from for rows no document holds (``_SOURCE_TITLES``,
    else the dataset's name: "UCDP")."""
    title = frame["doc_id"].map(titles)
    fallback = frame["source_dataset"].fillna("").map(
        lambda dataset: _SOURCE_TITLES.get(dataset) or dataset.upper() or "imported")
    return title.where(title.notna() & (title != ""), fallback)


def _style_points(events: gpd.GeoDataFrame, titles: pd.Series) -> gpd.GeoDataFrame:
    events = events[events.geometry.notna() & ~events.geometry.is_empty]
    return events.assign(
        title=_title(events, titles),
        color=events["event_type"].map(style.event_color),
        symbol=events["event_type"].map(style.event_symbol),
        radius=events["fatalities"].map(style.marker_radius).astype("float64"),
    ).reset_index(drop=True)


def _style_areas(areas: gpd.GeoDataFrame, titles: pd.Series) -> gpd.GeoDataFrame:
    areas = areas[areas.geometry.notna() & ~areas.geometry.is_empty]
    period = areas["start_date"].where(areas["start_date"] != "", "?") + " to " + \
        areas["end_date"].where(areas["end_date"] != "", "ongoing")
    return areas.assign(
        title=_title(areas, titles),
        color=areas["kind"].map(style.area_color),
        period=period.where((areas["start_date"] != "") | (areas["end_date"] != ""), "undated"),
        label=areas["name"].where(areas["name"] != "", areas["kind"]),
    ).reset_index(drop=True)


def _style_flows(flows: gpd.GeoDataFrame, titles: pd.Series) -> gpd.GeoDataFrame:
    has_origin = flows["origin_latitude"].notna() & flows["origin_longitude"].notna()
    has_dest = flows["destination_latitude"].notna() & flows["destination_longitude"].notna()
    flows = flows[has_origin | has_dest].copy()
    has_origin, has_dest = has_origin[flows.index], has_dest[flows.index]
    open_end = np.where(has_origin & has_dest, "", np.where(has_origin, "destination", "origin"))
    flows["open_end"] = open_end
    flows["geometry"] = _flow_lines(flows)
    flows["title"] = _title(flows, titles)
    flows["color"] = flows["kind"].map(style.flow_color)
    flows["width"] = flows["count"].map(style.flow_width).astype("float64")
    flows["dash"] = np.where(flows["speculative"], style.SPECULATIVE_DASH, "")
    flows["label"] = [_flow_label(row) for row in flows.itertuples()]
    return gpd.GeoDataFrame(flows, geometry="geometry", crs=settings.CRS).reset_index(drop=True)


def _flow_lines(flows: pd.DataFrame) -> list:
    """Curved origin -> destination lines; stubs at the known end of open flows."""
    lines = []
    # stubs sharing a known end fan out around it instead of drawing over each other
    end_keys = [(round(r.origin_latitude, 4), round(r.origin_longitude, 4)) if r.open_end == "destination"
                else (round(r.destination_latitude, 4), round(r.destination_longitude, 4))
                for r in flows.itertuples()]
    stub_totals = pd.Series([k for k, e in zip(end_keys, flows["open_end"]) if e]).value_counts()
    seen: dict = {}
    for row, key in zip(flows.itertuples(), end_keys):
        if not row.open_end:
            lines.append(_curve((row.origin_longitude, row.origin_latitude),
                                (row.destination_longitude, row.destination_latitude)))
            continue
        k = seen[key] = seen.get(key, -1) + 1
        bearing = 45.0 + 360.0 * k / int(stub_totals[key])
        if row.open_end == "destination":
            lon, lat = row.origin_longitude, row.origin_latitude
            far_lon, far_lat, _ = _GEOD.fwd(lon, lat, bearing, style.STUB_KM * 1000)
            lines.append(_curve((lon, lat), (far_lon, far_lat)))
        else:
            lon, lat = row.destination_longitude, row.destination_latitude
            far_lon, far_lat, _ = _GEOD.fwd(lon, lat, bearing, style.STUB_KM * 1000)
            lines.append(_curve((far_lon, far_lat), (lon, lat)))
    return lines


def _curve(start: tuple[float, float], end: tuple[float, float], n: int = 24) -> shapely.LineString:
    """A quadratic Bezier from ``start`` to ``end`` (lon, lat), bent to the right of travel."""
    a, b = np.asarray(start, dtype=float), np.asarray(end, dtype=float)
    d = b - a
    control = (a + b) / 2 + np.array([d[1], -d[0]]) * style.FLOW_BEND
    t = np.linspace(0.0, 1.0, n)[:, None]
    points = (1 - t) ** 2 * a + 2 * (1 - t) * t * control + t ** 2 * b
    return shapely.LineString(points)


def _flow_label(row) -> str:
    count = "" if pd.isna(row.count) else f"{int(row.count):,} {row.unit or 'people'}".strip()
    origin = row.origin or row.origin_admin2 or "origin not reported"
    destination = row.destination or row.destination_admin2 or "destination not reported"
    text = f"{row.kind or 'flow'}: {origin} → {destination}"
    if row.open_end:
        text = f"{row.kind or 'flow'}: " + (f"from {origin}, destination not reported"
                                            if row.open_end == "destination"
                                            else f"to {destination}, origin not reported")
    text = f"{count} ({text})" if count else text
    return text + (" [speculative]" if row.speculative else "")


def _choropleth(events: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Districts with events and fatalities; per 100,000 people where population is known.

    Only events placed at district precision or finer (``geo_precision`` 1-2)
    count: an event known only to its province says nothing about a district.
    """
    districts = boundaries.load("admin2", simplified=True)
    keep = ["name", "admin1"] + (["population"] if "population" in districts.columns else [])
    out = districts[keep + ["geometry"]].copy()
    precise = events[events["geo_precision"].fillna(4) <= 2]
    grouped = precise.groupby("admin2").agg(events=("event_id", "size"),
                                            fatalities=("fatalities", lambda s: s.fillna(0).sum()))
    out["events"] = out["name"].map(grouped["events"]).fillna(0).astype("int64")
    out["fatalities"] = out["name"].map(grouped["fatalities"]).fillna(0).astype("int64")
    population = pd.to_numeric(out["population"], errors="coerce") if "population" in out else \
        pd.Series(np.nan, index=out.index)
    population = population.where(population > 0)
    out["events_per_100k"] = out["events"] / population * 1e5
    out["fatalities_per_100k"] = out["fatalities"] / population * 1e5
    return gpd.GeoDataFrame(out, geometry="geometry", crs=settings.CRS)


def _covered_districts(districts: gpd.GeoDataFrame, geometry, share: float = 0.05) -> list[str]:
    """Names of the districts more than ``share`` of whose area ``geometry`` covers."""
    if geometry is None or geometry.is_empty:
        return []
    projected = districts.geometry.to_crs(_EQUAL_AREA)
    shape = gpd.GeoSeries([geometry], crs=settings.CRS).to_crs(_EQUAL_AREA).iloc[0]
    covered = projected.intersection(shape).area / projected.area
    return list(districts.loc[covered > share, "name"])


def _headline(events, areas, flows, choropleth, filters: Filters) -> Headline:
    fatalities = int(events["fatalities"].fillna(0).sum())
    displaced = flows[(flows["kind"] == "displacement") & (flows["unit"].isin(["people", ""]))]
    touched = set(choropleth.loc[choropleth["events"] > 0, "name"])
    touched |= set(flows["origin_admin2"]) | set(flows["destination_admin2"])
    if len(areas):
        # touching a boundary is not being affected: the area must cover a share of it
        touched |= set(_covered_districts(choropleth, areas.union_all()))
    # a flow into a chosen district is in view, but the district it came from is not
    within = set(choropleth["name"])
    if filters.admin2:
        within &= set(filters.admin2)
    if filters.admin1:
        within &= set(choropleth.loc[choropleth["admin1"].isin(filters.admin1), "name"])
    dates = pd.concat([events["event_date"], areas["start_date"], areas["end_date"],
                       flows["start_date"], flows["end_date"]])
    dates = dates[dates.astype(str).str.match(r"^\d{4}-\d{2}-\d{2}$")]
    return Headline(events=len(events), fatalities=fatalities,
                    displaced=int(displaced["count"].fillna(0).sum()),
                    districts=len(touched & within),
                    date_from=dates.min() if len(dates) else "",
                    date_to=dates.max() if len(dates) else "")

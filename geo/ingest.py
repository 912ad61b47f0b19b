"""Importers for structured data: ACLED and UCDP GED exports, generic event CSVs, flow tables, areas.

An import runs in two steps.  ``read`` parses a file, checks every row and
maps the good ones onto the store's columns (``geo.schema``) without writing
anything; its ``Import`` holds the mapped rows and a report naming the file,
row and column of every problem.  ``save`` then writes the rows to the store
in one transaction: all of them, or only the valid ones when the user says
so.  Rows are keyed on ``(source_dataset, source_event_id)``, so importing the
same file again adds nothing.

Kinds of file (``KINDS``):

``acled``
    an ACLED export CSV (``event_id_cnty``, ``event_date``, ``event_type`` ...).
``ucdp``
    a UCDP GED CSV (``id``, ``date_start``, ``type_of_violence`` ...).
``csv``
    any CSV of events with a date column and either latitude/longitude or a
    place-name column that the offline gazetteer resolves; the columns are
    mapped with ``columns`` (store column -> file column), guessed by
    ``guess_columns`` when not given.
``flows``
    a table of movements: origin and destination (names or coordinates),
    count, unit, a date or period, and kind (displacement, return,
    relocation).
``areas``
    GeoJSON or GeoPackage polygons, imported as operation areas; invalid
    geometry is repaired with ``shapely.make_valid`` and reported.

Event points take their ``admin0``/``admin1``/``admin2`` from
``geo.boundaries.join`` (the same units the maps draw); the file's own names
are kept where the point lies outside every unit.  Rows of the report use
spreadsheet numbering: the header is row 1, the first record row 2 (features
of a GeoJSON/GeoPackage are numbered from 1).
"""
from __future__ import annotations

import calendar
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geo import boundaries, gazetteer, schema, settings

#: Kinds of file ``read`` understands.
KINDS = ("acled", "ucdp", "csv", "flows", "areas")

#: Store layer each kind fills.
LAYER = {"acled": "events", "ucdp": "events", "csv": "events", "flows": "flows", "areas": "areas"}

#: Columns of the problem report.
REPORT_COLUMNS = ("file", "row", "column", "value", "problem", "severity")

#: Flow kinds the store knows.
FLOW_KINDS = ("displacement", "return", "relocation")

#: File suffixes read as polygons (``areas``).
AREA_SUFFIXES = (".geojson", ".json", ".gpkg")

#: Store columns a file column can be mapped onto, per kind (``read``'s ``columns``).
MAPPABLE = {
    "csv": ("source_event_id", "event_date", "latitude", "longitude", "location", "event_type",
            "sub_event_type", "actor1", "actor2", "fatalities", "geo_precision", "notes"),
    "flows": ("source_event_id", "origin", "destination", "origin_latitude", "origin_longitude",
              "destination_latitude", "destination_longitude", "count", "unit", "kind", "date",
              "start_date", "end_date", "period", "notes"),
    "areas": ("source_event_id", "name", "kind", "start_date", "end_date", "forces", "notes"),
}

# ACLED export column -> store column (the values are copied as they are).
_ACLED_COPY = {"event_type": "event_type", "sub_event_type": "sub_event_type", "actor1": "actor1",
               "actor2": "actor2", "country": "admin0", "admin1": "admin1", "admin2": "admin2",
               "location": "location", "notes": "notes"}
_ACLED_REQUIRED = ("event_id_cnty", "event_date", "event_type", "latitude", "longitude")
# ACLED time_precision: 1 day known, 2 within a week or so, 3 month or vaguer.
_ACLED_TIME_PRECISION = {"1": "day", "2": "range", "3": "month"}

_UCDP_REQUIRED = ("id", "date_start", "type_of_violence", "latitude", "longitude")
_UCDP_COPY = {"side_a": "actor1", "side_b": "actor2", "where_description": "location",
              "adm_1": "admin1", "adm_2": "admin2", "country": "admin0", "source_headline": "notes"}
# UCDP type_of_violence -> (ACLED event type, UCDP's own term as the sub-type).
_UCDP_VIOLENCE = {"1": ("Battles", "state-based conflict"), "2": ("Battles", "non-state conflict"),
                  "3": ("Violence against civilians", "one-sided violence")}
# UCDP date_prec: 1 day, 2 two to six days, 3 a week, 4 a month, 5 a year or vaguer.
_UCDP_DATE_PRECISION = {"1": "day", "2": "range", "3": "range", "4": "month", "5": "year"}
# UCDP where_prec (1 exact .. 7 international waters) -> GEO_PRECISION (1 exact .. 4 country).
_UCDP_GEO_PRECISION = {"1": 1, "2": 1, "3": 2, "4": 3, "5": 3, "6": 4, "7": 4}

# Header spellings ``guess_columns`` recognises, per store column (lower case).
_ALIASES = {
    "source_event_id": ("source_event_id", "event_id", "id", "uid", "record_id"),
    "event_date": ("event_date", "date", "day", "date_start", "start_date"),
    "latitude": ("latitude", "lat", "y"),
    "longitude": ("longitude", "lon", "lng", "long", "x"),
    "location": ("location", "place", "place_name", "town", "city", "village", "locality"),
    "event_type": ("event_type", "type", "category"),
    "sub_event_type": ("sub_event_type", "subtype"),
    "actor1": ("actor1", "actor", "perpetrator", "side_a"),
    "actor2": ("actor2", "target_actor", "side_b"),
    "fatalities": ("fatalities", "deaths", "killed", "best"),
    "geo_precision": ("geo_precision",),
    "notes": ("notes", "description", "summary"),
    "origin": ("origin", "from", "origin_name"),
    "destination": ("destination", "to", "destination_name"),
    "origin_latitude": ("origin_latitude", "origin_lat", "from_lat"),
    "origin_longitude": ("origin_longitude", "origin_lon", "from_lon"),
    "destination_latitude": ("destination_latitude", "destination_lat", "to_lat"),
    "destination_longitude": ("destination_longitude", "destination_lon", "to_lon"),
    "count": ("count", "people", "individuals", "number", "total"),
    "unit": ("unit", "units"),
    "kind": ("kind", "movement", "flow_type"),
    "date": ("date", "event_date", "month"),
    "start_date": ("start_date", "date_start", "from_date"),
    "end_date": ("end_date", "date_end", "to_date"),
    "period": ("period",),
    "name": ("name", "title", "operation"),
    "forces": ("forces", "actor", "actor1"),
}
# Gazetteer level -> GEO_PRECISION of a place resolved by name.
_LEVEL_PRECISION = {"ADM0": 4, "ADM1": 3, "DIVISION": 3, "ADM2": 2}


class IngestError(ValueError):
    """A file cannot be read at all (message names the file and the problem)."""


@dataclass
class Import:
    """What ``read`` found in one file.

    Attributes
    ----------
    file : str
        The file's name as the report shows it.
    kind : str
        One of ``KINDS``.
    source_dataset : str
        Recorded on every row (``acled``, ``ucdp``, or the name chosen).
    records : GeoDataFrame
        The valid rows in the columns of ``layer`` (``geo.schema``).
    problems : DataFrame
        ``REPORT_COLUMNS``; ``severity`` is ``error`` (row left out) or
        ``repaired`` (row kept, changed as the problem says).
    n_rows : int
        Rows (features) in the file.
    columns : dict
        The mapping used (store column -> file column); empty for ACLED and UCDP.
    """

    file: str
    kind: str
    source_dataset: str
    records: gpd.GeoDataFrame
    problems: pd.DataFrame
    n_rows: int
    columns: dict = field(default_factory=dict)

    @property
    def layer(self) -> str:
        """The store layer the rows go to."""
        return LAYER[self.kind]

    @property
    def n_valid(self) -> int:
        """Rows that can be imported."""
        return len(self.records)

    @property
    def errors(self) -> pd.DataFrame:
        """The problems that leave a row (or the whole file) out."""
        return self.problems[self.problems["severity"] == "error"]

    @property
    def ok(self) -> bool:
        """True when every row can be imported as it is."""
        return self.errors.empty

    def summary(self) -> str:
        """One line for the user: rows, valid rows and problems."""
        repaired = len(self.problems) - len(self.errors)
        text = (f"{self.file}: {self.kind}, {self.n_rows} rows, {self.n_valid} valid, "
                f"{len(self.errors)} problems")
        return text + (f", {repaired} repaired" if repaired else "")


def detect(path: str | Path, encoding: str = "utf-8") -> str:
    """Tell which kind of file ``path`` is from its suffix and header.

    Returns
    -------
    str
        One of ``KINDS``.

    Raises
    ------
    IngestError
        The file is empty, unreadable, or its columns match no known layout.
    """
    path = Path(path)
    if path.suffix.lower() in AREA_SUFFIXES:
        return "areas"
    header = _read_csv(path, path.name, encoding, nrows=0).columns
    return _detect_columns(header, path.name)


def columns_of(path: str | Path, encoding: str = "utf-8", layer: str | None = None) -> list[str]:
    """The column names of a CSV, or the attribute names of a GeoJSON/GeoPackage layer.

    Raises
    ------
    IngestError
        The file is empty or unreadable.
    """
    path = Path(path)
    if path.suffix.lower() in AREA_SUFFIXES:
        try:
            info = pyogrio.read_info(path, layer=layer)
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
            raise IngestError(f"{path.name} is not a readable GeoJSON or GeoPackage: {exc}") from None
        return [str(f) for f in info["fields"]]
    return list(_read_csv(path, path.name, encoding, nrows=0).columns)


def guess_columns(header, kind: str) -> dict[str, str]:
    """Propose a mapping store column -> file column from the file's header.

    Parameters
    ----------
    header : list of str
        The file's column names.
    kind : {"csv", "flows", "areas"}

    Returns
    -------
    dict
        Only the store columns for which a header matched.
    """
    if kind not in MAPPABLE:
        raise ValueError(f"no column mapping for kind {kind!r}; expected one of {sorted(MAPPABLE)}")
    by_lower = {str(h).strip().lower(): h for h in header}
    mapping, used = {}, set()
    for target in MAPPABLE[kind]:
        for alias in _ALIASES[target]:
            if alias in by_lower and by_lower[alias] not in used:
                mapping[target] = by_lower[alias]
                used.add(by_lower[alias])
                break
    return mapping


def read(path: str | Path, kind: str | None = None, columns: dict[str, str] | None = None,
         source_dataset: str | None = None, country: str | None = None, encoding: str = "utf-8",
         layer: str | None = None, name: str | None = None) -> Import:
    """Read, check and map one file; nothing is written.

    Parameters
    ----------
    path : str or Path
    kind : str, optional
        One of ``KINDS``; when not given, detected from the suffix and header
        (or, with ``columns``, ``flows`` if an origin or destination is
        mapped, else ``csv``).
    columns : dict, optional
        For ``csv``, ``flows`` and ``areas``: store column -> file column
        (e.g. ``{"event_date": "Date", "location": "Town"}``); guessed from
        the header when not given.
    source_dataset : str, optional
        Recorded on every row; default the kind (``acled``, ``ucdp``, ``csv``,
        ``flows``, ``areas``).
    country : str, optional
        ISO 3166-1 alpha-2 code: place names resolve to places in this
        country first (spelling variants are tried there too), elsewhere
        only when the country has no place of that name.  Default
        ``settings.FOCUS_COUNTRIES``.
    encoding : str
        Text encoding of a CSV (default UTF-8; a byte-order mark is skipped).
    layer : str, optional
        GeoPackage layer holding the areas (default the first one).
    name : str, optional
        The file's name in the report (default the file name).

    Returns
    -------
    Import

    Raises
    ------
    IngestError
        The file is empty, not text in ``encoding``, not a CSV/GeoJSON/
        GeoPackage, or (kind not given) its columns match no known layout.
    """
    path = Path(path)
    label = name or path.name
    if not path.exists():
        raise IngestError(f"{label}: no such file")
    if path.stat().st_size == 0:
        raise IngestError(f"{label} is empty")
    if kind is None:
        kind = "areas" if path.suffix.lower() in AREA_SUFFIXES else None
    if kind is not None and kind not in KINDS:
        raise IngestError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    if kind == "areas":
        frame = _read_areas(path, label, layer)
    else:
        frame = _read_csv(path, label, encoding)
        if kind is None and columns:
            kind = "flows" if {"origin", "destination"} & columns.keys() else "csv"
        kind = kind or _detect_columns(frame.columns, label)
    if frame.empty:
        raise IngestError(f"{label} has no " + ("features" if kind == "areas" else "rows"))
    dataset = (source_dataset or kind).strip()
    if not dataset:
        raise IngestError("the source dataset name must not be empty")
    if kind in MAPPABLE:
        columns = dict(columns) if columns else guess_columns(frame.columns, kind)
    report = _Report(label, frame.index, first_row=1 if kind == "areas" else 2)
    if kind == "areas":
        records = _areas(frame, report, dataset, columns)
    elif kind in ("csv", "flows"):
        records = (_generic_events if kind == "csv" else _flows)(frame, report, dataset, columns, country)
    else:
        records = (_acled if kind == "acled" else _ucdp)(frame, report, dataset)
    records = schema.conform(records[~report.bad.loc[records.index].to_numpy()], LAYER[kind])
    return Import(label, kind, dataset, records.reset_index(drop=True), report.frame(), len(frame),
                  columns or {})


def save(result: Import, store=None, valid_only: bool = False) -> dict[str, int]:
    """Write an import's rows to the store in one transaction.

    Parameters
    ----------
    result : Import
        From ``read``.
    store : geo.store.Store, str or Path, optional
        The store or its path (default ``settings.STORE_PATH``).
    valid_only : bool
        Import the valid rows even when others have problems.  When False
        and the report holds errors, nothing is written.

    Returns
    -------
    dict
        Layer -> rows added (0 for rows already stored).

    Raises
    ------
    IngestError
        The report holds errors and ``valid_only`` is False.
    """
    from geo.store import Store

    if not result.ok and not valid_only:
        raise IngestError(f"{result.file}: {len(result.errors)} problems in "
                          f"{result.errors['row'].nunique()} rows; nothing imported. Fix the file, "
                          f"or import the {result.n_valid} valid rows only")
    if not isinstance(store, Store):
        store = Store(store)
    return store.save_records(**{result.layer: result.records})


# --------------------------------------------------------------------------- reading


class _Report:
    """Problems found so far, and which rows they leave out."""

    def __init__(self, file: str, index: pd.Index, first_row: int) -> None:
        self.file, self.index, self.first_row = file, index, first_row
        self.bad = pd.Series(False, index=index)
        self.parts: list[pd.DataFrame] = []

    def add(self, mask: pd.Series, column: str, values, problem: str, severity: str = "error") -> None:
        """Record ``problem`` for every row where ``mask`` holds."""
        mask = pd.Series(mask, index=self.index).fillna(False).astype(bool)
        if not mask.any():
            return
        values = pd.Series(values, index=self.index)[mask] if not np.isscalar(values) \
            else pd.Series(values, index=self.index[mask])
        self.parts.append(pd.DataFrame({
            "file": self.file, "row": self.index[mask].to_numpy() + self.first_row,
            "column": column, "value": values.astype(str).str.slice(0, 80).to_numpy(),
            "problem": problem, "severity": severity}))
        if severity == "error":
            self.bad |= mask

    def missing_column(self, column: str, why: str = "") -> None:
        """A column the kind needs is not in the header: every row is left out."""
        self.parts.append(pd.DataFrame([{
            "file": self.file, "row": 1, "column": column, "value": "",
            "problem": f"missing column {column!r}{why}", "severity": "error"}]))
        self.bad[:] = True

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame({c: pd.Series(dtype="int64" if c == "row" else object)
                                 for c in REPORT_COLUMNS})
        return pd.concat(self.parts, ignore_index=True).sort_values(
            ["row", "column"], kind="stable").reset_index(drop=True)


def _read_csv(path: Path, label: str, encoding: str, nrows: int | None = None) -> pd.DataFrame:
    if path.stat().st_size == 0:
        raise IngestError(f"{label} is empty")
    enc = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=enc, nrows=nrows,
                            skipinitialspace=True)
    except UnicodeDecodeError:
        raise IngestError(_encoding_message(path, label, enc)) from None
    except LookupError:
        raise IngestError(f"unknown text encoding {encoding!r}") from None
    except pd.errors.EmptyDataError:
        raise IngestError(f"{label} is empty") from None
    except pd.errors.ParserError as exc:
        raise IngestError(f"{label} is not a readable CSV: {str(exc).strip()}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    if "\x00" in "".join(frame.columns):
        raise IngestError(f"{label} is not a CSV (no column names in its first line)")
    return frame


def _encoding_message(path: Path, label: str, encoding: str) -> str:
    with open(path, "rb") as fh:
        for number, line in enumerate(fh, start=1):
            try:
                line.decode(encoding)
            except UnicodeDecodeError as exc:
                return (f"{label} is not {encoding.replace('-sig', '').upper()} text: line {number} "
                        f"holds byte 0x{line[exc.start]:02x}; save the file as UTF-8 or give its "
                        "encoding (e.g. --encoding cp1252)")
    return f"{label} is not {encoding} text"


def _detect_columns(header, label: str) -> str:
    names = {str(h).strip().lower() for h in header}
    if {"event_id_cnty", "event_date", "event_type"} <= names:
        return "acled"
    if {"date_start", "type_of_violence"} <= names and ({"id", "side_a"} & names):
        return "ucdp"
    flows = guess_columns(header, "flows")
    if {"origin", "destination"} <= flows.keys():
        return "flows"
    events = guess_columns(header, "csv")
    if "event_date" in events and ({"latitude", "longitude"} <= events.keys() or "location" in events):
        return "csv"
    shown = ", ".join(list(map(str, header))[:12]) + (" ..." if len(header) > 12 else "")
    raise IngestError(
        f"{label}: cannot tell what the file holds from its columns ({shown}). Expected an ACLED export "
        "(event_id_cnty, event_date, event_type, latitude, longitude ...), a UCDP GED CSV (id, "
        "date_start, type_of_violence, latitude, longitude ...), a flows table (origin, destination, "
        "count, date) or events with a date and latitude/longitude or a place column; or choose the "
        "kind and map the columns yourself")


def _read_areas(path: Path, label: str, layer: str | None) -> gpd.GeoDataFrame:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = pyogrio.read_dataframe(path, layer=layer, on_invalid="ignore")
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise IngestError(f"{label} is not a readable GeoJSON or GeoPackage: {exc}") from None
    if frame.crs is None:   # GeoJSON without a "crs" member is WGS 84 by the standard
        frame = frame.set_crs("EPSG:4326")
    frame.columns = [str(c).strip() if c != frame.geometry.name else c for c in frame.columns]
    return frame.reset_index(drop=True)


# --------------------------------------------------------------------------- mapping


def _acled(frame: pd.DataFrame, report: _Report, dataset: str) -> gpd.GeoDataFrame:
    for col in _ACLED_REQUIRED:
        if col not in frame.columns:
            report.missing_column(col, " (ACLED export)")
    if report.bad.all():
        return _nothing(frame, "events")
    out = pd.DataFrame({store: frame[col] for col, store in _ACLED_COPY.items() if col in frame})
    out["source_event_id"] = _ids(frame["event_id_cnty"], report, "event_id_cnty")
    out["event_date"], bad = _dates(frame["event_date"])
    report.add(bad, "event_date", frame["event_date"], "unparsable date")
    precision = frame.get("time_precision", pd.Series("1", index=frame.index))
    out["date_precision"] = precision.str.strip().map(_ACLED_TIME_PRECISION).fillna("day")
    out["fatalities"] = _counts(frame, "fatalities", report)
    out["geo_precision"] = _counts(frame, "geo_precision", report)
    return _events(out, *_coordinates(frame, "latitude", "longitude", report), dataset, report)


def _ucdp(frame: pd.DataFrame, report: _Report, dataset: str) -> gpd.GeoDataFrame:
    for col in _UCDP_REQUIRED:
        if col not in frame.columns:
            report.missing_column(col, " (UCDP GED)")
    if report.bad.all():
        return _nothing(frame, "events")
    out = pd.DataFrame({store: frame[col] for col, store in _UCDP_COPY.items() if col in frame})
    out["source_event_id"] = _ids(frame["id"], report, "id")
    out["event_date"], bad = _dates(frame["date_start"])
    report.add(bad, "date_start", frame["date_start"], "unparsable date")
    violence = frame["type_of_violence"].str.strip()
    report.add(~violence.isin(_UCDP_VIOLENCE.keys()), "type_of_violence", violence,
               "unknown type of violence (expected 1, 2 or 3)")
    out["event_type"] = violence.map({k: v[0] for k, v in _UCDP_VIOLENCE.items()})
    out["sub_event_type"] = violence.map({k: v[1] for k, v in _UCDP_VIOLENCE.items()})
    precision = frame.get("date_prec", pd.Series("1", index=frame.index)).str.strip()
    out["date_precision"] = precision.map(_UCDP_DATE_PRECISION).fillna("day")
    if "where_prec" in frame:
        out["geo_precision"] = frame["where_prec"].str.strip().map(_UCDP_GEO_PRECISION).astype("Int64")
    for col, store in (("best", "fatalities"), ("low", "fatalities_low"), ("high", "fatalities_high")):
        out[store] = _counts(frame, col, report)
    return _events(out, *_coordinates(frame, "latitude", "longitude", report), dataset, report)


def _generic_events(frame: pd.DataFrame, report: _Report, dataset: str, columns: dict,
                    country: str | None) -> gpd.GeoDataFrame:
    _check_mapping(frame, report, columns, "csv")
    has_xy = {"latitude", "longitude"} <= columns.keys()
    if "event_date" not in columns:
        report.missing_column("event_date", " (map a date column)")
    if not has_xy and "location" not in columns:
        report.missing_column("latitude", " (map latitude and longitude, or a place-name column)")
    if report.bad.all():
        return _nothing(frame, "events")
    col = columns.__getitem__
    text = ("location", "event_type", "sub_event_type", "actor1", "actor2", "notes")
    out = pd.DataFrame({c: frame[col(c)] for c in text if c in columns}, index=frame.index)
    out["event_date"], bad = _dates(frame[col("event_date")])
    report.add(bad, col("event_date"), frame[col("event_date")], "unparsable date")
    out["date_precision"] = "day"
    out["fatalities"] = _counts(frame, columns.get("fatalities"), report)
    out["geo_precision"] = _counts(frame, columns.get("geo_precision"), report)
    if "source_event_id" in columns:
        out["source_event_id"] = _ids(frame[col("source_event_id")], report, col("source_event_id"))
    else:
        out["source_event_id"] = _row_hash(frame[list(dict.fromkeys(columns.values()))])
    if has_xy:
        return _events(out, *_coordinates(frame, col("latitude"), col("longitude"), report), dataset,
                       report)
    lat, lon, level = _resolve(frame[col("location")], report, col("location"), country)
    out["geo_precision"] = out["geo_precision"].fillna(level)
    return _events(out, lat, lon, dataset, report)


def _events(out: pd.DataFrame, lat: pd.Series, lon: pd.Series, dataset: str,
            report: _Report) -> gpd.GeoDataFrame:
    """Add ids, coordinates (degrees), geometry and admin units to mapped event rows."""
    out["latitude"], out["longitude"] = lat, lon
    out["source_dataset"] = dataset
    out["event_id"] = dataset + ":" + out["source_event_id"].astype(str)
    out["geo_precision"] = out.get("geo_precision", pd.Series(pd.NA, index=out.index, dtype="Int64")
                                   ).fillna(1).astype("Int64")
    out["confidence"] = 1.0
    points = gpd.GeoDataFrame(out, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    ok = ~report.bad
    if ok.any():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            joined = boundaries.join(points.loc[ok, ["geometry"]])
        for unit in ("admin0", "admin1", "admin2"):
            found = joined[unit].astype(object)
            own = points[unit].loc[ok] if unit in points else pd.Series("", index=found.index)
            points.loc[ok, unit] = found.where(found.notna(), own).astype(object)
    return points


def _flows(frame: pd.DataFrame, report: _Report, dataset: str, columns: dict,
           country: str | None) -> gpd.GeoDataFrame:
    _check_mapping(frame, report, columns, "flows")
    for end in ("origin", "destination"):
        if end not in columns and not {f"{end}_latitude", f"{end}_longitude"} <= columns.keys():
            report.missing_column(end, " (map a place name or its coordinates)")
    if "count" not in columns:
        report.missing_column("count")
    if not ({"date", "start_date", "period"} & columns.keys()):
        report.missing_column("date", " (map a date, a start date or a period)")
    if report.bad.all():
        return _nothing(frame, "flows")
    out = pd.DataFrame(index=frame.index)
    for end in ("origin", "destination"):
        names = frame[columns[end]].str.strip() if end in columns else pd.Series("", index=frame.index)
        out[end] = names
        if {f"{end}_latitude", f"{end}_longitude"} <= columns.keys():
            lat, lon = _coordinates(frame, columns[f"{end}_latitude"], columns[f"{end}_longitude"],
                                    report, required=False)
        else:
            lat = lon = pd.Series(np.nan, index=frame.index)
        named = lat.isna() & (names != "")
        if named.any():
            rlat, rlon, _ = _resolve(names[named], report, columns[end], country)
            lat, lon = lat.fillna(rlat.reindex(lat.index)), lon.fillna(rlon.reindex(lon.index))
        out[f"{end}_latitude"], out[f"{end}_longitude"] = lat, lon
    report.add(out["origin_latitude"].isna() & out["destination_latitude"].isna() &
               (out["origin"] == "") & (out["destination"] == ""),
               columns.get("origin", "origin"), "", "neither origin nor destination given")
    out["count"] = _counts(frame, columns["count"], report)
    report.add(out["count"].isna(), columns["count"], frame[columns["count"]], "missing count")
    out["unit"] = frame[columns["unit"]].str.strip().str.lower().replace("", "people") \
        if "unit" in columns else "people"
    kind = frame[columns["kind"]].str.strip().str.lower().replace("", "displacement") \
        if "kind" in columns else pd.Series("displacement", index=frame.index)
    report.add(~kind.isin(FLOW_KINDS), columns.get("kind", "kind"), kind,
               f"unknown kind of movement (expected {', '.join(FLOW_KINDS)})")
    out["kind"] = kind
    out["start_date"], out["end_date"] = _period(frame, columns, report)
    out["notes"] = frame[columns["notes"]] if "notes" in columns else ""
    out["speculative"] = False
    out["confidence"] = 1.0
    out["source_dataset"] = dataset
    out["source_event_id"] = _ids(frame[columns["source_event_id"]], report,
                                  columns["source_event_id"]) if "source_event_id" in columns \
        else _row_hash(frame[list(dict.fromkeys(columns.values()))])
    out["flow_id"] = dataset + ":" + out["source_event_id"]
    both = out["origin_latitude"].notna() & out["destination_latitude"].notna()
    lines = np.full(len(out), None, dtype=object)
    lines[both.to_numpy()] = shapely.linestrings(np.stack([
        out.loc[both, ["origin_longitude", "origin_latitude"]].to_numpy(float),
        out.loc[both, ["destination_longitude", "destination_latitude"]].to_numpy(float)], axis=1))
    for end in ("origin", "destination"):
        out[f"{end}_admin2"] = _admin2(out[f"{end}_latitude"], out[f"{end}_longitude"])
    return gpd.GeoDataFrame(out, geometry=lines, crs="EPSG:4326")


def _areas(frame: gpd.GeoDataFrame, report: _Report, dataset: str, columns: dict) -> gpd.GeoDataFrame:
    _check_mapping(frame, report, columns, "areas")
    geoms = frame.geometry.to_crs("EPSG:4326") if frame.crs and not frame.crs.equals("EPSG:4326") \
        else frame.geometry
    geoms = pd.Series(np.asarray(geoms.values, dtype=object), index=frame.index)
    missing = geoms.isna() | pd.Series(shapely.is_empty(geoms.to_numpy()), index=frame.index)
    report.add(missing, "geometry", "", "no geometry")
    arr = geoms.to_numpy()
    invalid = ~missing & ~pd.Series(shapely.is_valid(arr), index=frame.index)
    if invalid.any():
        reasons = pd.Series(shapely.is_valid_reason(arr[invalid.to_numpy()]), index=frame.index[invalid])
        report.add(invalid, "geometry", reasons, "invalid geometry repaired with make_valid",
                   severity="repaired")
        arr = arr.copy()
        arr[invalid.to_numpy()] = [_polygonal(shapely.make_valid(g)) for g in arr[invalid.to_numpy()]]
    kinds = pd.Series([None if g is None else g.geom_type for g in arr], index=frame.index)
    report.add(~missing & ~kinds.isin(["Polygon", "MultiPolygon"]), "geometry", kinds,
               "not a polygon (areas must be Polygon or MultiPolygon)")
    arr = np.array([shapely.MultiPolygon([g]) if k == "Polygon" else g for g, k in zip(arr, kinds)],
                   dtype=object)
    attrs = frame.drop(columns=frame.geometry.name)
    attrs = attrs.astype(object).where(attrs.notna(), "").astype(str)
    out = pd.DataFrame({c: attrs[columns[c]] for c in ("name", "forces", "notes")
                        if c in columns}, index=frame.index)
    out["kind"] = attrs[columns["kind"]].replace("", "drawn") if "kind" in columns \
        else "drawn"
    for end in ("start_date", "end_date"):
        if end in columns:
            out[end], bad = _dates(attrs[columns[end]])
            report.add(bad, columns[end], attrs[columns[end]], "unparsable date")
    out["date_precision"] = "day"
    out["confidence"] = 1.0
    out["source_dataset"] = dataset
    if "source_event_id" in columns:
        out["source_event_id"] = _ids(attrs[columns["source_event_id"]], report,
                                      columns["source_event_id"])
    else:
        wkb = pd.Series(shapely.to_wkb(np.asarray(frame.geometry.values), hex=True), index=frame.index)
        out["source_event_id"] = _row_hash(pd.concat([attrs, wkb.rename("_wkb")], axis=1))
    out["area_id"] = dataset + ":" + out["source_event_id"]
    return gpd.GeoDataFrame(out, geometry=arr, crs="EPSG:4326")


# --------------------------------------------------------------------------- checks


def _check_mapping(frame: pd.DataFrame, report: _Report, columns: dict, kind: str) -> None:
    for target, source in columns.items():
        if target not in MAPPABLE[kind]:
            raise IngestError(f"cannot map onto {target!r} for a {kind} import; expected one of "
                              f"{', '.join(MAPPABLE[kind])}")
        if source not in frame.columns:
            report.missing_column(source, f" (mapped to {target})")


def _nothing(frame: pd.DataFrame, layer: str) -> gpd.GeoDataFrame:
    empty = schema.empty(layer)
    return schema.conform(pd.DataFrame(index=frame.index), layer) if len(frame) else empty


def _ids(values: pd.Series, report: _Report, column: str) -> pd.Series:
    ids = values.astype(str).str.strip()
    report.add(ids == "", column, ids, "missing id")
    return ids


def _row_hash(frame: pd.DataFrame) -> pd.Series:
    """A stable id for rows that carry none: the hash of their values (so a re-import matches)."""
    hashed = pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy()
    return pd.Series([f"{h:016x}" for h in hashed], index=frame.index)


def _dates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """ISO dates (``YYYY-MM-DD``, empty when missing) and the mask of unparsable ones.

    ISO 8601 and ACLED's ``16 December 2014`` are read fast; anything else
    goes through pandas' mixed parser, day first.
    """
    text = values.astype(str).str.strip()
    parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
    for fmt in ("%d %B %Y", "%d-%b-%y", "mixed"):
        todo = parsed.isna() & (text != "")
        if not todo.any():
            break
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            extra = pd.to_datetime(text[todo], format=fmt, errors="coerce",
                                   **({"dayfirst": True} if fmt == "mixed" else {}))
        parsed[todo] = extra
    # the mixed parser fills a missing year with this year's: a date must name its year
    parsed[~text.str.contains(r"\d{4}|\d{1,2}-[A-Za-z]{3}-\d{2}")] = pd.NaT
    bad = parsed.isna() & (text != "")
    return parsed.dt.strftime("%Y-%m-%d").fillna(""), bad


def _period(frame: pd.DataFrame, columns: dict, report: _Report) -> tuple[pd.Series, pd.Series]:
    """Start and end dates from a date, start/end dates or a period (``2014-06`` or ``A/B``)."""
    empty = pd.Series("", index=frame.index)
    if "period" in columns and "start_date" not in columns and "date" not in columns:
        text = frame[columns["period"]].astype(str).str.strip()
        parts = text.str.partition("/")
        month = parts[0].str.fullmatch(r"\d{4}-\d{2}") & (parts[2] == "")
        start, bad_a = _dates(parts[0].where(~month, parts[0] + "-01"))
        end, bad_b = _dates(parts[2])
        end = end.where(~month, [_month_end(s) if m else "" for s, m in zip(start, month)])
        end = end.where(end != "", start)
        report.add(bad_a | bad_b | (text == ""), columns["period"], text, "unparsable period")
        return start, end
    first = columns.get("start_date", columns.get("date"))
    start, bad = _dates(frame[first])
    report.add(bad | (start == ""), first, frame[first], "unparsable date")
    if "end_date" in columns:
        end, bad = _dates(frame[columns["end_date"]])
        report.add(bad, columns["end_date"], frame[columns["end_date"]], "unparsable date")
        report.add((end != "") & (start != "") & (end < start), columns["end_date"],
                   frame[columns["end_date"]], "ends before it starts")
        return start, end
    return start, empty


def _month_end(iso: str) -> str:
    year, month = int(iso[:4]), int(iso[5:7])
    return f"{iso[:8]}{calendar.monthrange(year, month)[1]:02d}"


def _counts(frame: pd.DataFrame, column: str | None, report: _Report) -> pd.Series:
    """Non-negative whole numbers (``1,200`` allowed); empty -> missing, anything else reported."""
    if column is None or column not in frame:
        return pd.Series(pd.NA, index=frame.index, dtype="Int64")
    text = frame[column].astype(str).str.strip().str.replace(",", "", regex=False)
    numbers = pd.to_numeric(text, errors="coerce")
    bad = (text != "") & (numbers.isna() | (numbers < 0) | (numbers % 1 != 0))
    report.add(bad, column, frame[column], "not a whole number of 0 or more")
    return numbers.where(~bad).round().astype("Int64")


def _coordinates(frame: pd.DataFrame, lat_col: str, lon_col: str, report: _Report,
                 required: bool = True) -> tuple[pd.Series, pd.Series]:
    """Latitude and longitude in degrees; missing, unparsable or out-of-range values reported."""
    result = []
    for col, limit, label in ((lat_col, 90, "latitude"), (lon_col, 180, "longitude")):
        text = frame[col].astype(str).str.strip()
        value = pd.to_numeric(text, errors="coerce")
        if required:
            report.add(text == "", col, text, f"missing {label}")
        report.add((text != "") & value.isna(), col, text, f"{label} is not a number")
        report.add(value.abs() > limit, col, text, f"{label} out of range (-{limit}..{limit})")
        result.append(value.where(value.abs() <= limit).astype(float))
    return result[0], result[1]


def _resolve(names: pd.Series, report: _Report, column: str,
             country: str | None) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Coordinates of place names through the offline gazetteer; unknown names reported.

    Each distinct name is looked up once.  Exact names in ``country`` (by
    default ``settings.FOCUS_COUNTRIES``, in order) come first, then spelling
    variants there, then exact names anywhere; among the entries left the
    most populous place wins, administrative units after places.
    """
    names = names.astype(str).str.strip()
    gaz = gazetteer.load()
    codes = [country.upper()] if country else list(settings.FOCUS_COUNTRIES)
    country_of = gaz.places["country_code"].to_numpy()
    found = {}
    for name in names[names != ""].unique():
        exact = list(gaz.lookup(name))
        variants = list(gaz.lookup_variant(name))
        rows = next((chosen for chosen in (
            [r for r in pool if country_of[r] == code] for pool in (exact, variants) for code in codes)
            if chosen), exact)
        if rows:
            cand = gaz.places.iloc[rows]
            best = cand.assign(_unit=cand["level"].notna()).sort_values(
                ["_unit", "population"], ascending=[True, False], kind="stable").iloc[0]
            found[name] = (best["latitude"], best["longitude"],
                           _LEVEL_PRECISION.get(best["level"], 1))
    report.add((names != "") & ~names.isin(found.keys()), column, names,
               "place not found in the gazetteer")
    report.add(names == "", column, names, "missing place name")
    hit = names.map(lambda n: found.get(n, (np.nan, np.nan, pd.NA)))
    return (hit.str[0].astype(float), hit.str[1].astype(float), hit.str[2].astype("Int64"))


def _admin2(lat: pd.Series, lon: pd.Series) -> pd.Series:
    known = lat.notna() & lon.notna()
    result = pd.Series("", index=lat.index, dtype=object)
    if known.any():
        points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon[known], lat[known]),
                                  index=lat.index[known], crs="EPSG:4326")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result[known] = boundaries.join(points)["admin2"].astype(object).fillna("")
    return result


def _polygonal(geometry):
    """The polygon parts of a repaired geometry (``make_valid`` may add lines or points)."""
    parts = [g for g in shapely.get_parts(geometry) if g.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return geometry
    return shapely.union_all(parts) if len(parts) > 1 else parts[0]

"""The GeoPackage store: documents, places, events, areas and flows, kept on disk.

One GeoPackage file (an OGC standard SQLite database that QGIS and GDAL
open) holds a layer per record kind, with the columns of ``geo.schema``.  The
layers are created once with pyogrio; rows are then written with ``sqlite3``
in one transaction per document (``BEGIN IMMEDIATE`` with a busy timeout), so
a failure or a kill mid-write leaves the store as it was and two processes
can ingest at the same time.  A document's id is a hash of its text: saving
it again changes nothing.  Imported rows (ACLED, UCDP...) are deduplicated on
``(source_dataset, source_event_id)``.
"""
from __future__ import annotations

import datetime as dt
import os
import sqlite3
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from shapely.geometry import MultiPolygon, Polygon

from geo import schema, settings
from geo.document import SUFFIXES, Document

#: Seconds a writer waits for another process's transaction before giving up.
BUSY_TIMEOUT_S = 60.0

_META = "conflictmap_meta"
_SRS_ID = 4326
_ID_COLUMN = {"documents": "doc_id", "places": "place_id", "events": "event_id",
              "areas": "area_id", "flows": "flow_id"}
#: Store column -> ACLED export column, where ACLED names the concept differently.
_ACLED_NAMES = {"event_id": "event_id_cnty", "admin0": "country", "actor1_count": "actor1_size"}
#: ``date_precision`` -> ACLED ``time_precision`` (1 day known, 2 within a week or so, 3 month or vaguer).
_TIME_PRECISION = {"day": 1, "range": 2, "reported": 2, "month": 3, "year": 3}
_DATE_COLUMNS = {"documents": ("published", "published"), "events": ("event_date", "event_date"),
                 "areas": ("start_date", "end_date"), "flows": ("start_date", "end_date")}


class StoreError(RuntimeError):
    """The store cannot be opened or written (message names the file and the problem)."""


@dataclass(frozen=True)
class SaveSummary:
    """What ``Store.save`` did with one document."""

    doc_id: str
    new: bool           # False: the same text was already stored, nothing changed
    n_places: int
    n_events: int
    n_areas: int
    n_flows: int


class Store:
    """A GeoPackage store at ``path`` (default ``settings.STORE_PATH``), created when missing.

    Raises
    ------
    StoreError
        The folder cannot be written, the file is not a conflictmap store, or
        it was written by a newer schema version.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else Path(settings.STORE_PATH)
        if not self.path.exists():
            _create(self.path)
        self._check_version()

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    # -- writing -----------------------------------------------------------------------
    def save(self, document: Document, extraction) -> SaveSummary:
        """Write a document and what was extracted from it, in one transaction.

        Parameters
        ----------
        document : Document
        extraction : geo.events.Extraction
            ``events``, ``areas``, ``flows`` and ``places`` frames in the schema's columns.

        Returns
        -------
        SaveSummary
            ``new`` is False (and nothing is written) when the text is already stored.
        """
        doc_id = document.doc_id
        frames = {"places": extraction.places, "events": extraction.events,
                  "areas": extraction.areas, "flows": extraction.flows}
        counts = {k: len(v) for k, v in frames.items()}
        doc_row = pd.DataFrame([{
            "doc_id": doc_id, "title": document.title,
            "published": document.published.isoformat() if document.published else "",
            "source": document.source, "url": document.url, "text": document.text,
            "ingested_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "n_places": counts["places"], "n_events": counts["events"]}])
        with self._transaction() as con:
            if con.execute("SELECT 1 FROM documents WHERE doc_id = ?", (doc_id,)).fetchone():
                return SaveSummary(doc_id, False, *self._doc_counts(con, doc_id))
            _insert(con, "documents", doc_row)
            for layer, frame in frames.items():
                frame = frame.assign(doc_id=doc_id)
                if layer != "places":
                    frame = frame.assign(source_dataset="text")
                _insert(con, layer, frame)
        return SaveSummary(doc_id, True, counts["places"], counts["events"], counts["areas"],
                           counts["flows"])

    def save_records(self, events: pd.DataFrame | None = None, areas: pd.DataFrame | None = None,
                     flows: pd.DataFrame | None = None) -> dict[str, int]:
        """Write imported rows (no document) in one transaction.

        Rows whose ``(source_dataset, source_event_id)`` is already stored are
        skipped, so importing the same file twice adds nothing.

        Returns
        -------
        dict
            Layer -> number of rows added.
        """
        added = {}
        with self._transaction() as con:
            for layer, frame in (("events", events), ("areas", areas), ("flows", flows)):
                added[layer] = 0 if frame is None or frame.empty else _insert(con, layer, frame)
        return added

    def ingest(self, document: Document):
        """Parse, extract and save one document.

        Returns
        -------
        (SaveSummary, geo.events.Extraction)
        """
        from geo import events, geoparse

        extraction = events.extract(document, geoparse.parse(document.text))
        return self.save(document, extraction), extraction

    # -- reading -----------------------------------------------------------------------
    def read(self, layer: str, start: str | dt.date | None = None, end: str | dt.date | None = None,
             event_type: list[str] | str | None = None, doc_id: list[str] | str | None = None,
             source_dataset: list[str] | str | None = None) -> gpd.GeoDataFrame | pd.DataFrame:
        """Rows of ``layer`` in the schema's columns and dtypes.

        Parameters
        ----------
        layer : str
            One of ``documents``, ``places``, ``events``, ``areas``, ``flows``.
        start, end : str (YYYY-MM-DD) or date, optional
            Keep rows dated within [start, end] (areas and flows: periods that
            overlap it; no end date means still going on).  Undated rows are
            dropped when a range is given.
        event_type, doc_id, source_dataset : str or list of str, optional
            Keep rows with one of these values (``event_type``: events only).
        """
        if layer not in schema.LAYERS:
            raise ValueError(f"unknown layer {layer!r}; expected one of {sorted(schema.LAYERS)}")
        where = []
        if start is not None or end is not None:
            if layer not in _DATE_COLUMNS:
                raise ValueError(f"layer {layer!r} has no dates to filter on")
            first, last = _DATE_COLUMNS[layer]
            where.append(f"{first} <> ''")
            if end is not None:
                where.append(f"{first} <= {_quote(str(end)[:10])}")
            if start is not None:
                # a period with no end is still going on
                open_end = first if first == last else "'9999-12-31'"
                where.append(f"(CASE WHEN {last} <> '' THEN {last} ELSE {open_end} END) >= "
                             f"{_quote(str(start)[:10])}")
        for column, values in (("event_type", event_type), ("doc_id", doc_id),
                               ("source_dataset", source_dataset)):
            if values is None:
                continue
            if column not in schema.LAYERS[layer][0]:
                raise ValueError(f"layer {layer!r} has no column {column!r} to filter on")
            values = [values] if isinstance(values, str) else list(values)
            where.append(f"{column} IN ({', '.join(map(_quote, values)) or 'NULL'})"
                         if values else "0")
        try:
            frame = pyogrio.read_dataframe(self.path, layer=layer, where=" AND ".join(where) or None,
                                           use_arrow=True)
        except pyogrio.errors.DataSourceError as exc:
            raise StoreError(f"cannot read {self.path}: {exc}") from None
        return schema.conform(frame, layer)

    def documents(self) -> pd.DataFrame:
        """The stored documents (one row each, schema ``documents`` columns)."""
        return self.read("documents")

    def is_empty(self) -> bool:
        """True when nothing at all has been stored yet."""
        con = self._connect()
        try:
            return not any(con.execute(f"SELECT 1 FROM {layer} LIMIT 1").fetchone()
                           for layer in schema.LAYERS)
        finally:
            con.close()

    # -- helpers -----------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        try:
            con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open store {self.path}: {exc}") from None
        return con

    def _transaction(self):
        return _Transaction(self._connect(), self.path)

    def _check_version(self) -> None:
        con = self._connect()
        try:
            row = con.execute(f"SELECT value FROM {_META} WHERE key = 'schema_version'").fetchone()
        except sqlite3.DatabaseError:
            row = None
        finally:
            con.close()
        if row is None:
            raise StoreError(f"{self.path} is not a conflictmap store (no schema version recorded); "
                             "choose another path with CONFLICTMAP_STORE")
        version = int(row[0])
        if version > schema.SCHEMA_VERSION:
            raise StoreError(f"store {self.path} was written by a newer conflictmap (schema version "
                             f"{version}; this program reads up to {schema.SCHEMA_VERSION}): "
                             "upgrade conflictmap or choose another store with CONFLICTMAP_STORE")

    @staticmethod
    def _doc_counts(con: sqlite3.Connection, doc_id: str) -> tuple[int, int, int, int]:
        return tuple(con.execute(f"SELECT count(*) FROM {layer} WHERE doc_id = ?", (doc_id,))
                     .fetchone()[0] for layer in ("places", "events", "areas", "flows"))


def ensure_seeded(store: Store, folder: str | Path) -> list[SaveSummary]:
    """Ingest every text file of ``folder`` when ``store`` is empty (for a first run).

    Returns
    -------
    list of SaveSummary
        One per file ingested; empty when the store already held something.
    """
    if not store.is_empty():
        return []
    files = sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in SUFFIXES)
    return [store.ingest(Document.from_file(p))[0] for p in files]


def export(store: Store, fmt: str, out=None, **filters) -> str | None:
    """Write the store's events (ACLED-like columns) as GeoJSON or CSV.

    Parameters
    ----------
    fmt : {"geojson", "csv"}
    out : path or None
        File to write; ``None`` returns the text instead.
    **filters
        Passed to ``Store.read`` (start, end, event_type, doc_id, source_dataset).
    """
    if fmt not in ("geojson", "csv"):
        raise ValueError(f"unknown export format {fmt!r}; expected 'geojson' or 'csv'")
    events = acled_columns(store.read("events", **filters))
    text = events.to_json(na="null", drop_id=True) if fmt == "geojson" else \
        events.drop(columns="geometry").to_csv(index=False)
    if out is None:
        return text
    Path(out).write_text(text, encoding="utf-8")
    return None


def acled_columns(events: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Events (schema columns) with ACLED's names, ``year`` and ``time_precision`` added."""
    return events.assign(
        year=events["event_date"].str[:4],
        time_precision=events["date_precision"].map(_TIME_PRECISION).astype("Int64"),
    ).rename(columns=_ACLED_NAMES)


# -- private --------------------------------------------------------------------------------
class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` or ``ROLLBACK``, then close."""

    def __init__(self, con: sqlite3.Connection, path: Path) -> None:
        self.con, self.path = con, path

    def __enter__(self) -> sqlite3.Connection:
        try:
            self.con.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            self.con.close()
            raise StoreError(f"cannot write to store {self.path}: {exc}") from None
        return self.con

    def __exit__(self, exc_type, exc, tb) -> bool:
        try:
            if exc_type is None:
                try:
                    self.con.execute("COMMIT")
                except sqlite3.Error as error:
                    self.con.execute("ROLLBACK")
                    raise StoreError(f"cannot write to store {self.path}: {error}") from None
            else:
                self.con.execute("ROLLBACK")
        finally:
            self.con.close()
        return False


def _create(path: Path) -> None:
    """Create an empty store at ``path`` atomically (another process may be creating it too)."""
    blocked = next((p for p in path.parents if p.exists()), None)
    if blocked is not None and not blocked.is_dir():
        raise StoreError(f"cannot create store {path}: {blocked} is a file, not a folder "
                         "(set CONFLICTMAP_STORE to a writable file)")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(suffix=".gpkg", prefix=".creating-", dir=path.parent)
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        raise StoreError(f"cannot create store {path}: {exc.strerror or exc} "
                         "(set CONFLICTMAP_STORE to a writable file)") from None
    try:
        for layer, (_, geom_type) in schema.LAYERS.items():
            options = dict(geometry_type=geom_type, layer_options={"SPATIAL_INDEX": "NO"}) \
                if geom_type else {}
            pyogrio.write_dataframe(schema.empty(layer), tmp, layer=layer, driver="GPKG",
                                    append=os.path.exists(tmp), **options)
        con = sqlite3.connect(tmp, isolation_level=None)
        try:
            con.execute(f"CREATE TABLE {_META} (key TEXT PRIMARY KEY, value TEXT)")
            con.execute(f"INSERT INTO {_META} VALUES ('schema_version', ?)",
                        (str(schema.SCHEMA_VERSION),))
            for layer, id_column in _ID_COLUMN.items():
                con.execute(f"CREATE UNIQUE INDEX {layer}_{id_column} ON {layer} ({id_column})")
            for layer in ("events", "areas", "flows"):
                con.execute(f"CREATE UNIQUE INDEX {layer}_source ON {layer} "
                            "(source_dataset, source_event_id) WHERE source_event_id <> ''")
            con.execute("CREATE INDEX events_date ON events (event_date)")
            con.execute("CREATE INDEX places_doc ON places (doc_id)")
        finally:
            con.close()
        try:
            os.link(tmp, path)      # fails if another process created it first: keep theirs
        except FileExistsError:
            pass
    except OSError as exc:
        raise StoreError(f"cannot create store {path}: {exc.strerror or exc}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _insert(con: sqlite3.Connection, layer: str, frame: pd.DataFrame) -> int:
    """Insert ``frame`` (conformed to ``layer``) and return the number of rows added."""
    columns, geom_type = schema.LAYERS[layer]
    rows = schema.conform(frame, layer)
    if "source_event_id" in columns:
        missing = rows["source_event_id"] == ""
        rows.loc[missing, "source_event_id"] = rows.loc[missing, _ID_COLUMN[layer]]
    names = list(columns)
    values = [_column_values(rows[c]) for c in names]
    if geom_type is not None:
        names.append("geom")
        values.append([_gpkg_blob(g, geom_type) for g in rows.geometry])
    sql = (f"INSERT OR IGNORE INTO {layer} ({', '.join(names)}) "
           f"VALUES ({', '.join('?' * len(names))})")
    # rowcount leaves out the rows GDAL's feature-count triggers touch
    return max(0, con.executemany(sql, zip(*values)).rowcount)


def _column_values(series: pd.Series) -> list:
    if series.dtype == bool:
        return [int(v) for v in series]
    return [None if v is pd.NA or (isinstance(v, float) and np.isnan(v)) else
            (v.item() if isinstance(v, np.generic) else v) for v in series.astype(object)]


def _gpkg_blob(geometry, geom_type: str) -> bytes | None:
    """GeoPackage binary geometry: header (magic, flags, SRS id, envelope) + WKB."""
    if geometry is None or geometry.is_empty:
        return None
    if geom_type == "MultiPolygon" and isinstance(geometry, Polygon):
        geometry = MultiPolygon([geometry])
    if geometry.geom_type == "Point":
        return b"GP\x00\x01" + struct.pack("<i", _SRS_ID) + shapely.to_wkb(geometry, byte_order=1)
    minx, miny, maxx, maxy = geometry.bounds
    return (b"GP\x00\x03" + struct.pack("<i4d", _SRS_ID, minx, maxx, miny, maxy)
            + shapely.to_wkb(geometry, byte_order=1))


def _quote(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"

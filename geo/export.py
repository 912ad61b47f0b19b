"""Exports of a view: map images, a report PDF, a standalone HTML map and data files.

``export(layers, fmt)`` turns the ``geo.layers.Layers`` of a view (the
frames the dashboard draws, already filtered) into one of ``FORMATS``:

``png``, ``svg``, ``pdf``
    the static map of ``geo.render`` (PNG at ``dpi``; SVG and PDF vector,
    text kept as text);
``report``
    a multi-page PDF: the map, a table of the events shown (date, place,
    type, fatalities, source), a table of the flows and the list of source
    documents with their titles, dates and links;
``html``
    the interactive map of ``geo.maps`` as one HTML file;
``geojson``, ``csv``
    the events (ACLED-like columns, ``geo.store.acled_columns``), operation
    areas and flows in view, one row per record with its ``layer``.

The file is built in memory and written in one step, so a failed export
leaves no partial file behind.
"""
from __future__ import annotations

import io
import os
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

import geopandas as gpd
import pandas as pd
import shapely

from geo import layers as layers_mod
from geo import schema, settings, style
from geo.layers import Filters, Layers
from geo.store import Store, acled_columns

if TYPE_CHECKING:
    from matplotlib.backends.backend_pdf import PdfPages

#: Format -> (file suffix, MIME type).
FORMATS = {
    "png": (".png", "image/png"),
    "svg": (".svg", "image/svg+xml"),
    "pdf": (".pdf", "application/pdf"),
    "report": (".pdf", "application/pdf"),
    "html": (".html", "text/html"),
    "geojson": (".geojson", "application/geo+json"),
    "csv": (".csv", "text/csv"),
}
#: At most this many events are listed in a report (the most fatal first); the CSV has them all.
REPORT_MAX_EVENTS = 300

_ROWS_PER_PAGE = 24


def export(layers: Layers, fmt: str, out: str | os.PathLike | None = None, *,
           page: str = "a4-landscape", dpi: int = 200, documents: pd.DataFrame | None = None,
           title: str | None = None) -> bytes | None:
    """Export a view.

    Parameters
    ----------
    layers : Layers
        From ``geo.layers.build``; ``layers.filters`` says what the view shows.
    fmt : str
        One of ``FORMATS``.
    out : path, optional
        File to write; ``None`` returns the bytes instead.
    page : str
        Page preset of the map (``geo.style.PAGES``); a report is A4 landscape.
    dpi : int
        Resolution of a PNG, in dots per inch (an A4 landscape page at 200 dpi
        is 2339 x 1654 pixels).
    documents : DataFrame, optional
        The store's documents (``Store.documents()``); those the view's
        records come from are named in the footer and listed in a report.
    title : str, optional
        Map title (default: names the country).

    Returns
    -------
    bytes or None
        The file's content when ``out`` is None.

    Raises
    ------
    ValueError
        Unknown format or page preset, or a dpi outside 10..1200.
    OSError
        ``out`` cannot be written (the message names the path).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if page not in style.PAGES:
        raise ValueError(f"unknown page preset {page!r}; expected one of {', '.join(style.PAGES)}")
    if not 10 <= int(dpi) <= 1200:
        raise ValueError(f"dpi {dpi!r} is outside 10..1200")
    if out is not None:
        _check_writable(Path(out))
    used = documents_in_view(layers, documents)
    if fmt in ("png", "svg", "pdf"):
        data = _image(layers, fmt, page, dpi, used, title)
    elif fmt == "report":
        data = _report(layers, used, title)
    elif fmt == "html":
        from geo import maps  # folium is only needed here

        data = maps.standalone_html(layers).encode("utf-8")
    else:
        data = _records(layers, fmt)
    if out is None:
        return data
    _write(Path(out), data)
    return None


def export_store_view(store: Store, query: Mapping[str, str], fmt: str, out: str | os.PathLike, *,
                      page: str = "a4-landscape", dpi: int = 200, title: str | None = None) -> None:
    """Export the view that the dashboard URL's ``query`` parameters describe (the command line's way).

    Raises
    ------
    ValueError
        Unknown format or a query value that cannot be read (``FilterError``).
    OSError
        ``out`` cannot be written.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    _check_writable(Path(out))
    view = layers_mod.build(store, Filters.from_query_params(query))
    export(view, fmt, out, page=page, dpi=dpi, documents=store.documents(), title=title)


def records(layers: Layers) -> gpd.GeoDataFrame:
    """The events, operation areas and flows in view as one table, one row per record.

    Events carry ACLED-like columns (``event_id_cnty``, ``country``,
    ``year``, ``time_precision`` ...); areas and flows their store columns
    with a point (area) or a straight line between the named ends (flow, a
    point when one end is not named).  ``layer`` says which kind a row is and
    ``source`` the title of the document it comes from (or the dataset).
    """
    parts = []
    points = _points(layers)
    # the event columns always come first, even with no event in view
    events = acled_columns(schema.conform(points, "events"))
    parts.append(events.assign(layer="event", source=points["title"].astype(str)))
    if "areas" in layers.filters.layers and len(layers.areas):
        areas = schema.conform(layers.areas, "areas")
        parts.append(areas.assign(layer="area", source=layers.areas["title"]))
    if "flows" in layers.filters.layers and len(layers.flows):
        flows = schema.conform(layers.flows, "flows")
        flows = flows.set_geometry(gpd.GeoSeries([_flow_geometry(row) for row in flows.itertuples()],
                                                 index=flows.index, crs=settings.CRS))
        parts.append(flows.assign(layer="flow", source=layers.flows["title"]))
    frame = pd.concat([p for p in parts if len(p)] or parts[:1], ignore_index=True)
    frame = frame.reindex(columns=list(dict.fromkeys(c for p in parts for c in p.columns)))
    front = ["layer"] + [c for c in frame.columns if c not in ("layer", "geometry")]
    return gpd.GeoDataFrame(frame[front + ["geometry"]], geometry="geometry", crs=settings.CRS)


def documents_in_view(layers: Layers, documents: pd.DataFrame | None) -> pd.DataFrame:
    """The rows of ``documents`` that the view's events, areas or flows come from."""
    if documents is None:
        return schema.empty("documents")
    ids = set()
    for frame in (_points(layers), _shown(layers, "areas"), _shown(layers, "flows")):
        ids |= set(frame["doc_id"])
    return documents[documents["doc_id"].isin(ids)].reset_index(drop=True)


# -- private --------------------------------------------------------------------------------
def _shown(layers: Layers, key: str) -> gpd.GeoDataFrame:
    """Layer ``key`` when the view shows it, else none of its rows."""
    frame = getattr(layers, key)
    return frame if key in layers.filters.layers else frame.iloc[:0]


def _points(layers: Layers) -> gpd.GeoDataFrame:
    """The sites and other events the view shows, in date order."""
    both = pd.concat([_shown(layers, "sites"), _shown(layers, "events")], ignore_index=True)
    return gpd.GeoDataFrame(both, geometry="geometry", crs=settings.CRS).sort_values(
        "event_date", kind="stable", ignore_index=True)


def _check_writable(path: Path) -> None:
    """Raise OSError naming ``path`` when it cannot be written (before any work is done)."""
    if path.is_dir():
        raise OSError(f"cannot write export to {path}: it is a folder")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OSError(f"cannot write export to {path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise OSError(f"cannot write export to {path}: permission denied")


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise OSError(f"cannot write export to {path}: {exc.strerror or exc}") from None


def _image(layers: Layers, fmt: str, page: str, dpi: int, documents: pd.DataFrame,
           title: str | None) -> bytes:
    # matplotlib is imported when an image is asked for, so that the dashboard opens without it
    import matplotlib

    from geo import render

    fig = render.map_figure(layers, page=page, title=title, documents=documents)
    buffer = io.BytesIO()
    # SVG keeps its text as text, so labels stay searchable and editable
    with matplotlib.rc_context({"svg.fonttype": "none", "pdf.fonttype": 42}):
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=_metadata(fmt, title or "Conflict map"))
    return buffer.getvalue()


def _metadata(fmt: str, title: str) -> dict:
    return {"png": {"Title": title, "Software": "conflictmap"},
            "svg": {"Title": title},
            "pdf": {"Title": title, "Creator": "conflictmap"}}[fmt]


def _report(layers: Layers, documents: pd.DataFrame, title: str | None) -> bytes:
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages

    from geo import render

    buffer = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(
            buffer, metadata={"Title": title or "Conflict map report", "Creator": "conflictmap"}) as pdf:
        pdf.savefig(render.map_figure(layers, page="a4-landscape", title=title, documents=documents))
        points = _points(layers)
        n = len(points)
        points = points.assign(_f=points["fatalities"].astype("float64").fillna(-1)).sort_values(
            ["_f", "event_date"], ascending=[False, True], kind="stable").head(REPORT_MAX_EVENTS)
        points = points.sort_values("event_date", kind="stable")
        note = "" if n <= REPORT_MAX_EVENTS else \
            f"The {REPORT_MAX_EVENTS} events with the most fatalities of {n:,}; the CSV export lists all."
        events = pd.DataFrame({
            "Date": points["event_date"],
            "Place": [_join(loc, a2, a1) for loc, a2, a1 in
                      zip(points["location"], points["admin2"], points["admin1"])],
            "Type": [_join(t, s) for t, s in zip(points["event_type"], points["sub_event_type"])],
            "Fatalities": points["fatalities"].map(lambda v: "" if pd.isna(v) else f"{int(v):,}"),
            "Source": points["title"],
        })
        _table_pages(pdf, f"Events shown ({n:,})", events, (0.11, 0.25, 0.27, 0.09, 0.28), note)
        flows = _shown(layers, "flows")
        table = pd.DataFrame({
            "Kind": flows["kind"],
            "From": [o or "(not named)" for o in flows["origin"]],
            "To": [d or "(not named)" for d in flows["destination"]],
            "Number": [("" if pd.isna(c) else f"{int(c):,} ") + (u or "") for c, u in
                       zip(flows["count"], flows["unit"])],
            "Dates": [_join(a, b, sep=" to ") for a, b in zip(flows["start_date"], flows["end_date"])],
            "Source": [s + (" (speculative)" if spec else "") for s, spec in
                       zip(flows["title"], flows["speculative"])],
        })
        _table_pages(pdf, f"Flows shown ({len(flows):,})", table, (0.1, 0.17, 0.17, 0.13, 0.16, 0.27))
        docs = pd.DataFrame({
            "Title": documents["title"].where(documents["title"] != "", "(untitled)"),
            "Published": documents["published"],
            "Source": documents["source"],
            "Link": documents["url"],
        })
        _table_pages(pdf, f"Source documents ({len(docs):,})", docs, (0.42, 0.1, 0.14, 0.34),
                     "Data: " + " · ".join(style.attribution()))
    return buffer.getvalue()


def _table_pages(pdf: PdfPages, heading: str, table: pd.DataFrame, widths: tuple,
                 note: str = "") -> None:
    """Add ``table`` to ``pdf`` as A4 landscape pages of ``_ROWS_PER_PAGE`` rows, with a heading."""
    from matplotlib.figure import Figure

    width_in, height_in = style.PAGES["a4-landscape"]
    chunks = [table.iloc[i:i + _ROWS_PER_PAGE] for i in range(0, len(table), _ROWS_PER_PAGE)] or [table]
    for number, chunk in enumerate(chunks, start=1):
        fig = Figure(figsize=(width_in, height_in))
        suffix = f" (page {number} of {len(chunks)})" if len(chunks) > 1 else ""
        fig.text(0.04, 0.95, heading + suffix, fontsize=15, fontweight="bold", va="top", color="#222222")
        if note:
            fig.text(0.04, 0.905, "\n".join(textwrap.wrap(note, 190)), fontsize=7.5, va="top",
                     color="#555555")
        ax = fig.add_axes((0.04, 0.05, 0.92, 0.80))
        ax.axis("off")
        if chunk.empty:
            ax.text(0, 1, "None in this view.", fontsize=10, va="top", color="#444444")
        else:
            chars = [max(8, int(w * 170)) for w in widths]  # characters of 7.5 pt text per column
            cells = [[textwrap.shorten(str(v), c, placeholder="…") if str(v) else "" for v, c in
                      zip(row, chars)] for row in chunk.itertuples(index=False)]
            grid = ax.table(cellText=cells, colLabels=list(chunk.columns), colWidths=list(widths),
                            loc="upper left", cellLoc="left", colLoc="left")
            grid.auto_set_font_size(False)
            grid.set_fontsize(7.5)
            grid.scale(1, 1.45)
            for (row, _), cell in grid.get_celld().items():
                cell.set_edgecolor("#cccccc")
                if row == 0:
                    cell.set_text_props(fontweight="bold")
                    cell.set_facecolor("#eeeeee")
        pdf.savefig(fig)


def _records(layers: Layers, fmt: str) -> bytes:
    frame = records(layers)
    if fmt == "geojson":
        return frame.to_json(na="null", drop_id=True).encode("utf-8")
    # plain CSV for spreadsheets: the geometry is in latitude/longitude columns
    return frame.drop(columns="geometry").to_csv(index=False).encode("utf-8")


def _flow_geometry(row):
    ends = [(lon, lat) for lon, lat in ((row.origin_longitude, row.origin_latitude),
                                        (row.destination_longitude, row.destination_latitude))
            if not (pd.isna(lon) or pd.isna(lat))]
    if len(ends) == 2:
        return shapely.LineString(ends)
    return shapely.Point(ends[0]) if ends else None


def _join(*parts, sep: str = ", ") -> str:
    return sep.join(str(p) for p in parts if isinstance(p, str) and p)

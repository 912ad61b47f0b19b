"""What every map page shares: opening the store, the filters sidebar kept in the URL,
the map with its recorded view, the share link, and the empty states.

The URL (``st.query_params``) is the view: ``Filters.from_query_params`` reads
it when a page opens, the sidebar widgets start from it, and every change is
written back with ``Filters.to_query_params``, so the "Share this view" link
reproduces filters, layers, centre and zoom.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Callable
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from geo import charts, maps, settings, style
from geo import layers as layers_mod
from geo.layers import BASEMAPS, LAYER_KEYS, FilterError, Filters, Layers, build
from geo.store import Store, StoreError, ensure_seeded
from ui.download import download_controls
from ui.gate import require_password

_BASEMAP_LABELS = {"boundaries": "Boundaries (offline)", "osm": "OpenStreetMap", "carto": "CARTO light",
                   "satellite": "Satellite (Esri)"}
_TABLE_STYLE = ("<style>table.cm-events {border-collapse: collapse; font-size: 0.8rem; width: 100%}"
                "table.cm-events th {text-align: left; border-bottom: 1px solid #999; padding-right: 8px}"
                "table.cm-events td {vertical-align: top; border-bottom: 1px solid #e3e3e3; "
                "padding: 3px 8px 3px 0; overflow-wrap: anywhere}"
                "table.cm-events td:first-child {white-space: nowrap}"
                "table.cm-events td:nth-child(2) {min-width: 8rem}"
                "table.cm-events td:nth-child(6) {min-width: 22rem}</style>")


def start(title: str, caption: str = "") -> Store:
    """Page header, password gate and the store (a clear message and stop when it cannot open)."""
    st.set_page_config(page_title=f"{title} · conflictmap", layout="wide")
    require_password()
    st.title(title)
    if caption:
        st.caption(caption)
    try:
        return Store()
    except StoreError as exc:
        st.error(str(exc))
        st.stop()


def open_view(title: str, caption: str, default_layers: tuple[str, ...],
              adjust: Callable[[Filters], Filters] | None = None) -> tuple[Filters, Layers]:
    """A map page's opening: header, store, filters sidebar, layers and share link.

    Stops the page with a helpful message when the store is empty or the
    filters keep nothing.  ``adjust`` lets a page change the filters (a
    toggle of its own) before the layers are built.
    """
    store = start(title, caption)
    if store.is_empty():
        empty_store(store)
        st.stop()
    filters = sidebar(store, default_layers)
    if adjust is not None:
        filters = adjust(filters)
        _write_url(filters, default_layers)     # the page's own toggle is part of the view too
    data = built(store, filters)
    if nothing_matches(data):
        share_link(filters, default_layers)
        st.stop()
    return filters, data


def built(store: Store, filters: Filters) -> Layers:
    """``geo.layers.build(store, filters)``, shared by every visitor until the store file changes."""
    return replace(_layers(str(store.path), _mtime(store.path), _without_view(filters)), filters=filters)


def warm(store: Store) -> None:
    """Fill the caches the pages read for ``store``: sidebar options, the default view's layers
    and its timeline picture."""
    _options(str(store.path), _mtime(store.path))
    counts = layers_mod.timeline(built(store, Filters()), "month")
    if not counts.empty:
        _timeline_png(counts, "month")


def sidebar(store: Store, default_layers: tuple[str, ...]) -> Filters:
    """The filters sidebar, started from the URL and written back to it.

    Parameters
    ----------
    default_layers : tuple of str
        Layers this page shows when the URL names none.
    """
    url = _url_filters(default_layers)
    options = _options(str(store.path), _mtime(store.path))
    sb = st.sidebar
    sb.header("Filters")
    first, last = options["dates"]
    date_from = sb.date_input("From", value=url.date_from, min_value=dt.date(1900, 1, 1),
                              max_value=dt.date(2100, 12, 31), key="f_from",
                              help=f"Earliest date in the store: {first or 'none'}")
    date_to = sb.date_input("To", value=url.date_to, min_value=dt.date(1900, 1, 1),
                            max_value=dt.date(2100, 12, 31), key="f_to",
                            help=f"Latest date in the store: {last or 'none'}")
    picks = {}
    for name, label in (("event_types", "Event types"), ("actors", "Actors"), ("admin1", "Provinces"),
                        ("admin2", "Districts")):
        chosen = getattr(url, name)
        picks[name] = tuple(sb.multiselect(label, _union(options[name], chosen), default=list(chosen),
                                           key=f"f_{name}"))
    titles = options["documents"]
    doc_ids = sb.multiselect("Documents", _union(list(titles), url.doc_ids), default=list(url.doc_ids),
                             format_func=lambda d: titles.get(d) or d, key="f_docs")
    min_conf = sb.slider("Minimum confidence", 0.0, 1.0, float(url.min_confidence), 0.05, key="f_conf")
    sb.header("Map")
    shown = sb.multiselect("Layers", list(LAYER_KEYS), default=list(url.layers),
                           format_func=style.LAYER_LABELS.get, key="f_layers")
    basemap = sb.selectbox("Basemap", list(BASEMAPS), index=BASEMAPS.index(url.basemap),
                           format_func=_BASEMAP_LABELS.get, key="f_basemap",
                           help="Web tiles need a network; the boundaries work offline.")
    filters = Filters(date_from=date_from, date_to=date_to, doc_ids=tuple(doc_ids),
                      min_confidence=round(float(min_conf), 2), layers=tuple(shown), basemap=basemap,
                      lat=url.lat, lon=url.lon, zoom=url.zoom, **picks)
    _write_url(filters, default_layers)
    return filters


def show_map(layers: Layers, filters: Filters, key: str, default_layers: tuple[str, ...] | None = None,
             height: int = 560, draw: bool = False) -> dict:
    """Draw ``layers`` as ``filters`` shows them; on a page with ``default_layers`` (a view
    kept in the URL), record where the user moved the map and show the share link.

    The link comes after the map, so that it holds the move the map has just reported.

    The map's HTML leaves the view out: streamlit-folium names the component after
    that HTML, so a view written into it would make every move a new component,
    which forgets the click that came with it.  The view goes to the map as
    streamlit-folium's ``center`` and ``zoom`` instead.

    Returns
    -------
    dict
        streamlit-folium's output (``last_active_drawing`` is the feature
        clicked, ``last_object_clicked_count`` counts the clicks, ``all_drawings``
        holds the shapes drawn).
    """
    # imported here, not at the top: ``ui.serve`` imports this module before Streamlit's runtime
    # exists, and a component declared then draws a blank frame
    from streamlit_folium import st_folium

    unframed = replace(filters, lat=None, lon=None, zoom=None)
    fmap = maps.make_map(layers, unframed, draw=draw)
    center = [filters.lat, filters.lon] if filters.lat is not None and filters.lon is not None else None
    out = st_folium(fmap, key=key, height=height, use_container_width=True, center=center,
                    zoom=filters.zoom, returned_objects=["center", "zoom", "last_active_drawing",
                                                         "last_object_clicked_count", "all_drawings"]) or {}
    if default_layers is None:
        return out
    view = (out.get("center") or {}, out.get("zoom"))
    if view[0]:
        # the first view a map reports is where it opened (fitted to its data), not a move; a filter
        # that changes the data makes a new map with a fit of its own
        fitted = st.session_state.setdefault(f"_fitted_{key}", {}).setdefault(unframed, view)
        if _moved(view, fitted):
            filters = filters.with_view(view[0].get("lat"), view[0].get("lng"), view[1])
            _write_url(filters, default_layers)
    share_link(filters, default_layers)
    return out


def clicked(out: dict, key: str) -> tuple[str, str] | None:
    """What the user clicked on the map ``key`` (``show_map``'s ``out``): ``("event", event_id)``,
    ``("district", name)``, or None, also when "Show all events" forgot that click."""
    # the map keeps its last click until the next one, which counts one more
    if out.get("last_object_clicked_count") == st.session_state.get(_forgotten(key), -1):
        return None
    feature = out.get("last_active_drawing") or {}
    props = feature.get("properties") or {}
    if props.get("event_id"):
        return "event", str(props["event_id"])
    if props.get("name") and "admin1" in props:
        return "district", str(props["name"])
    return None


def clicked_rows(table: pd.DataFrame, out: dict, key: str) -> pd.DataFrame:
    """The rows of the events ``table`` picked by a click on the map ``key`` (``show_map``'s
    ``out``), with a notice saying what the table is filtered by and a "Show all events" button
    that forgets the click; all rows when nothing was clicked.

    The click is not part of the view in the URL: the share link and a reload show every event.
    """
    selection = clicked(out, key)
    if selection is None:
        return table
    kind, value = selection
    notice, undo = st.columns([4, 1], vertical_alignment="center")
    notice.caption(f"Showing the {'event' if kind == 'event' else 'events in ' + value} clicked on the map.")
    undo.button("Show all events", key=f"show_all_{key}", on_click=_forget_click,
                args=(key, out.get("last_object_clicked_count")))
    return table[table["event_id" if kind == "event" else "admin2"] == value]


def share_link(filters: Filters, default_layers: tuple[str, ...]) -> None:
    """The "Share this view" control: the URL that reproduces this page's view."""
    params = _params(filters, default_layers)
    base = (st.context.url or "").split("?")[0] if hasattr(st, "context") else ""
    link = f"{base}?{urlencode(params)}" if params else base
    with st.sidebar.expander("Share this view", expanded=False):
        st.caption("Filters, layers, centre and zoom: opening this link shows the same view.")
        # inline code, not st.code: its syntax highlighter costs the browser about a second per page
        st.markdown(f"`{(link or '?' + urlencode(params)).replace('`', '%60')}`")


def empty_store(store: Store) -> None:
    """Explain how to add the first text; offer the shipped sample when writing is allowed."""
    st.info("The store is empty. Add a first text on the **Add text** page (paste or upload a news "
            "article), import a table on **Import data**, or from a terminal run "
            "`python -m geo ingest data/articles/`. Records then appear on every map.")
    if not settings.READONLY and st.button("Load the sample article (Peshawar school attack, 2014)"):
        with st.spinner("Reading the sample article..."):
            ensure_seeded(store, settings.DATA_DIR / "articles")
        _options.clear()
        st.rerun()


def nothing_matches(layers: Layers) -> bool:
    """Say so when the filters keep nothing; True when they do."""
    if layers.is_empty():
        st.warning("No record matches these filters. Widen the dates, clear a selection or lower "
                   "the minimum confidence in the sidebar.")
        return True
    return False


def download(layers: Layers, filters: Filters) -> None:
    """The export controls (``ui.download``) for this view."""
    download_controls(layers, filters)


def headline(layers: Layers) -> None:
    """Headline figures with their units."""
    h = layers.headline
    cols = st.columns([1, 1, 1, 1, 1.4, 1.4])
    cols[0].metric("Events", f"{h.events:,}")
    cols[1].metric("People killed", _compact(h.fatalities), help=f"Fatalities: {h.fatalities:,} people")
    cols[2].metric("People displaced", _compact(h.displaced), help=f"{h.displaced:,} people")
    cols[3].metric("Districts affected", f"{h.districts:,}",
                   help="Districts with an event placed in them, either end of a flow, or part of an "
                        "operation area; when the filters name districts or provinces, only those count.")
    span = "The dates of the events, flows and operation areas shown: a flow or an operation may begin " \
           "before the first event."
    cols[4].metric("Earliest date", h.date_from or "undated", help=span)
    cols[5].metric("Latest date", h.date_to or "undated", help=span)


def timeline(layers: Layers, period: str) -> None:
    """Events per ``period`` ("week" or "month") as a picture, with the busiest period named.

    A picture, not an interactive chart: the chart library would be the
    largest download of the first visit (``bench/bench_map.py``).
    """
    counts = layers_mod.timeline(layers, period)
    if counts.empty:
        st.caption("No dated event.")
        return
    totals = counts.sum(axis=1)
    busiest = f"{totals.idxmax():%d %b %Y}" if period == "week" else f"{totals.idxmax():%B %Y}"
    summary = (f"{int(totals.sum()):,} dated events, {counts.index[0]:%b %Y} to {counts.index[-1]:%b %Y}; "
               f"busiest {period}: {'week of ' if period == 'week' else ''}{busiest} "
               f"({int(totals.max()):,} events).")
    st.image(_timeline_png(counts, period), width="stretch", alt=summary)
    st.caption(summary)


def events_table(table: pd.DataFrame, key: str, shown: int = 25) -> None:
    """The newest ``shown`` events of ``table`` as plain text, and on request all of them, sortable.

    The plain table is what a first visit draws (it costs the browser little
    and wraps the source sentence in full); the sortable grid, a large
    download, comes when the user turns on the toggle under it.
    """
    if table.empty:
        st.caption("No event in this view.")
        return
    rows = pd.DataFrame({
        "Date": table["event_date"],
        "Event type": table["event_type"],
        "Location": [", ".join(dict.fromkeys(v for v in parts if isinstance(v, str) and v))
                     for parts in zip(table["location"], table["admin2"], table["admin1"])],
        "Fatalities (people)": [f"{int(v):,}" if pd.notna(v) else "" for v in table["fatalities"]],
        "Actors": [" vs ".join(v for v in pair if isinstance(v, str) and v)
                   for pair in zip(table["actor1"], table["actor2"])],
        "Source sentence": table["notes"],
        "Document": table["title"],
    }).head(shown)
    # pandas escapes every cell (escape=True), so a document's markup is shown as text
    st.html(_TABLE_STYLE + rows.to_html(index=False, escape=True, na_rep="", classes="cm-events",
                                        border=0))
    if len(table) > shown:
        st.caption(f"The {shown} newest of {len(table):,} events.")
    if st.toggle(f"All {len(table):,} events in a sortable table", key=key):
        st.dataframe(table, hide_index=True, width="stretch",
                     column_config={"notes": st.column_config.TextColumn("source sentence", width="large")})


def _compact(number: int) -> str:
    """1,234 -> "1,234"; 1,000,000 -> "1.0 M": big figures stay readable in a narrow column."""
    return f"{number / 1e6:.1f} M" if number >= 1_000_000 else f"{number:,}"


# -- private --------------------------------------------------------------------------------
def _url_filters(default_layers: tuple[str, ...]) -> Filters:
    params = st.query_params.to_dict()
    try:
        filters = Filters.from_query_params(params)
    except FilterError as exc:
        st.warning(f"{exc}. Showing the default view instead.")
        return Filters(layers=default_layers)
    return filters if "layers" in params else replace(filters, layers=default_layers)


def _forgotten(key: str) -> str:
    """Session key of the click count of the map ``key`` when "Show all events" was pressed."""
    return f"_forgotten_click_{key}"


def _forget_click(key: str, count: int | None) -> None:
    st.session_state[_forgotten(key)] = count


def _moved(view: tuple[dict, int | None], fitted: tuple[dict, int | None]) -> bool:
    """True when ``view`` (centre, zoom) is another zoom than ``fitted`` or its centre is more than
    two screen pixels away: the frame settling to its height shifts a fitted map by less than one."""
    (center, zoom), (first, first_zoom) = view, fitted
    if zoom != first_zoom:
        return True
    pixel = 360 / (256 * 2 ** (zoom or 0))     # degrees of longitude per screen pixel at this zoom
    return max(abs(center.get("lat", 0) - first.get("lat", 0)),
               abs(center.get("lng", 0) - first.get("lng", 0))) > 2 * pixel


def _write_url(filters: Filters, default_layers: tuple[str, ...]) -> None:
    params = _params(filters, default_layers)
    if params != st.query_params.to_dict():
        st.query_params.from_dict(params)


def _params(filters: Filters, default_layers: tuple[str, ...]) -> dict[str, str]:
    params = filters.to_query_params()
    if filters.layers == default_layers:
        params.pop("layers", None)
    elif "layers" not in params:
        params["layers"] = "|".join(filters.layers)   # the page default differs from Filters'
    return params


def _union(values: list[str], extra: tuple[str, ...]) -> list[str]:
    return list(dict.fromkeys([*values, *extra]))


def _mtime(path: Path) -> float:
    return path.stat().st_mtime if path.exists() else 0.0


def _without_view(filters: Filters) -> Filters:
    """``filters`` minus what only frames or styles the map, so moving the map reuses built layers."""
    return replace(filters, lat=None, lon=None, zoom=None, layers=(), basemap="boundaries")


@st.cache_resource(show_spinner=False, max_entries=32)
def _layers(path: str, mtime: float, filters: Filters) -> Layers:
    """``geo.layers.build`` on the store at ``path``, until the file changes; shared, never modified."""
    return build(Store(path), filters)


@st.cache_data(show_spinner=False, max_entries=8)
def _options(path: str, mtime: float) -> dict:
    """Values to pick from in the sidebar (cached until the store file changes)."""
    store = Store(path)
    events, areas = store.read("events"), store.read("areas")
    docs = store.documents()
    dates = pd.concat([events["event_date"], areas["start_date"]])
    dates = dates[dates.str.match(r"^\d{4}-\d{2}-\d{2}$")]
    actors = pd.concat([events["actor1"], events["actor2"]])
    return {
        "event_types": sorted(v for v in events["event_type"].unique() if v),
        "actors": sorted(v for v in actors.unique() if v),
        "admin1": sorted(v for v in events["admin1"].unique() if v),
        "admin2": sorted(v for v in events["admin2"].unique() if v),
        "documents": dict(zip(docs["doc_id"], docs["title"])),
        "dates": (dates.min() if len(dates) else "", dates.max() if len(dates) else ""),
    }


@st.cache_data(show_spinner=False, max_entries=32)
def _timeline_png(counts: pd.DataFrame, period: str) -> bytes:
    """The timeline picture (cached: the same counts give the same picture)."""
    return charts.to_png(charts.timeline_figure(counts, period))

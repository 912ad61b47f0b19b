"""The "Download" control of every map page: the current view in each export format."""
from __future__ import annotations

import re

import streamlit as st

from geo import export, style
from geo.layers import Filters, Layers
from geo.store import Store

_LABELS = {"png": "Map (PNG)", "svg": "Map (SVG)", "pdf": "Map (PDF)", "report": "Report (PDF)",
           "html": "Interactive map (HTML)", "geojson": "Data (GeoJSON)", "csv": "Data (CSV)"}
_PAGE_LABELS = {"a4-landscape": "A4 landscape", "a4-portrait": "A4 portrait", "slide": "16:9 slide"}


def download_controls(layers: Layers, filters: Filters) -> None:
    """A "Download" panel offering the view (``layers`` as ``filters`` shows it) in every format.

    The files are made when a button is pressed (Streamlit's deferred
    download), so drawing the page costs nothing; each reflects the filters
    in force, and its name carries the date range.
    """
    view = layers if layers.filters == filters else Layers(
        layers.sites, layers.events, layers.areas, layers.flows, layers.choropleth, layers.headline,
        filters)
    with st.expander("Download", icon=":material/download:"):
        left, right = st.columns(2)
        page = left.selectbox("Page", list(style.PAGES), format_func=_PAGE_LABELS.get,
                              key="download_page")
        dpi = right.select_slider("PNG resolution (dpi)", options=[100, 150, 200, 300, 600], value=200,
                                  key="download_dpi")
        stem = _file_stem(view)
        columns = st.columns(4)
        for i, (fmt, (suffix, mime)) in enumerate(export.FORMATS.items()):
            columns[i % 4].download_button(
                _LABELS[fmt], data=_maker(view, fmt, page, dpi), file_name=stem + suffix, mime=mime,
                key=f"download_{fmt}", on_click="ignore", width="stretch")
        st.caption("Images and the report show the same layers, filters and colours as the map above; "
                   "GeoJSON and CSV hold the events, operation areas and flows in view.")


def _maker(view: Layers, fmt: str, page: str, dpi: int):
    """The callable Streamlit runs when the button is pressed."""
    def make() -> bytes:
        return export.export(view, fmt, page=page, dpi=dpi, documents=Store().documents())
    return make


def _file_stem(view: Layers) -> str:
    h = view.headline
    span = f"_{h.date_from}_{h.date_to}" if h.date_from else ""
    return re.sub(r"[^\w.-]", "_", f"conflictmap{span}")

"""Attack sites: markers sized by fatalities and coloured by event type, clustered when
dense, with a heat-map toggle; popups give date, fatalities, actors, the source
sentence and the document title."""
from __future__ import annotations

import dataclasses

import streamlit as st

from geo import layers
from ui import view

DEFAULT_LAYERS = ("sites",)



def _heat_toggle(filters: layers.Filters) -> layers.Filters:
    heat = st.toggle("Heat map", value="heat" in filters.layers, key="heat_toggle",
                     help="Density of events instead of one marker each")
    shown = tuple(k for k in filters.layers if k not in ("heat", "sites")) + (("heat",) if heat else ("sites",))
    return dataclasses.replace(filters, layers=shown)


filters, data = view.open_view(
    "Attack sites", "Where attacks happened: size shows fatalities, colour the event type.", DEFAULT_LAYERS,
    adjust=_heat_toggle)
if data.sites.empty:
    st.info("No attack site matches these filters (other events, areas or flows may: see the Overview).")
st.caption(f"{len(data.sites):,} attack sites, {int(data.sites['fatalities'].fillna(0).sum()):,} people killed.")
out = view.show_map(data, filters, key="sites_map", default_layers=DEFAULT_LAYERS)
view.download(data, filters)
table = layers.event_table(data)
table = table[table["event_type"].isin(data.sites["event_type"].unique())]
table = view.clicked_rows(table, out, key="sites_map")
if view.clicked(out, "sites_map"):
    for sentence in table["notes"]:
        st.text(sentence)
st.dataframe(table, hide_index=True, width="stretch")

"""Operation areas: polygons per military operation or strike zone with their period
and forces, the events inside them, and events per district before and after each
operation began."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import layers
from ui import view

DEFAULT_LAYERS = ("areas", "sites", "events")

filters, data = view.open_view(
    "Operation areas", "Military operations and strike zones, with what happened inside them.", DEFAULT_LAYERS)
if data.areas.empty:
    st.info("No operation area matches these filters.")
view.show_map(data, filters, key="areas_map", default_layers=DEFAULT_LAYERS)
view.download(data, filters)

st.subheader("Operations")
st.dataframe(pd.DataFrame(data.areas[["label", "kind", "period", "forces", "troops", "outcomes", "admin_units",
                                      "confidence", "title", "notes"]]),
             hide_index=True, width="stretch")
st.subheader("Events inside the areas")
inside = layers.events_in_areas(data)
if len(inside):
    st.dataframe(inside, hide_index=True, width="stretch")
else:
    st.caption("None.")
st.subheader("Events per district, before and after each operation began")
st.dataframe(layers.before_after(data), hide_index=True, width="stretch")

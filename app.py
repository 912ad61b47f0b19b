"""conflictmap dashboard, overview page: ``streamlit run app.py``.

Everything in the store on one map (attack sites, other events, operation
areas, displacement flows), headline figures, a timeline and a filterable
table.  Clicking a marker or a district filters the table and shows the
source sentence.  The views in ``pages/`` show one layer each in more depth.
"""
from __future__ import annotations

import streamlit as st

from geo import layers
from ui import view

DEFAULT_LAYERS = ("choropleth", "areas", "flows", "events", "sites")

filters, data = view.open_view(
    "conflictmap", "Text in, maps out: attacks, operations and displacement from news text.", DEFAULT_LAYERS)
view.headline(data)

out = view.show_map(data, filters, key="overview_map", default_layers=DEFAULT_LAYERS)
view.download(data, filters)

st.subheader("Timeline")
period = st.radio("Events per", ["week", "month"], index=1, horizontal=True, key="timeline_period")
view.timeline(data, period)

st.subheader("Events")
table = view.clicked_rows(layers.event_table(data), out, key="overview_map")
view.events_table(table, key="all_events")

"""Displacement flows: origin-destination arrows with width by count, totals in and out
per district; a flow whose other end the text does not name is a short outward (or
inward) arrow with a label, never a guessed destination."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import layers
from ui import view

DEFAULT_LAYERS = ("flows",)

filters, data = view.open_view(
    "Displacement flows", "Who moved where: width shows how many; dashed lines are speculative.", DEFAULT_LAYERS)
if data.flows.empty:
    st.info("No flow matches these filters.")
st.caption(f"{data.headline.displaced:,} people displaced (flows counted in people).")
view.show_map(data, filters, key="flows_map", default_layers=DEFAULT_LAYERS)
view.download(data, filters)
st.subheader("Totals per district")
st.dataframe(layers.flow_totals(data), hide_index=True, width="stretch")
st.subheader("Flows")
st.dataframe(pd.DataFrame(data.flows[["label", "kind", "origin", "destination", "count", "unit", "start_date",
                                      "end_date", "speculative", "confidence", "title", "notes"]]),
             hide_index=True, width="stretch")

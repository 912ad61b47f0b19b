"""conflictmap dashboard entry point: ``streamlit run app.py``.

Shows Pakistan's provinces and districts from the shipped boundaries on an
interactive map (the overview page grows on this).
"""
from __future__ import annotations

import folium
import streamlit as st
from streamlit_folium import st_folium

from geo import boundaries

st.set_page_config(page_title="conflictmap", layout="wide")
st.title("conflictmap")
st.caption("Text in, maps out: places, attacks, operations and displacement from news text.")

provinces = boundaries.load("admin1_2014", simplified=True)
districts = boundaries.load("admin2", simplified=True)

fmap = folium.Map(location=[30.0, 69.5], zoom_start=5, tiles=None)
folium.GeoJson(districts[["name", "admin1", "geometry"]], name="Districts (2023)",
               style_function=lambda _: {"color": "#777", "weight": 0.6, "fillOpacity": 0.05},
               tooltip=folium.GeoJsonTooltip(["name", "admin1"], aliases=["District", "Province"])).add_to(fmap)
folium.GeoJson(provinces[["name", "geometry"]], name="Provinces (2014, with FATA)",
               style_function=lambda _: {"color": "#222", "weight": 1.6, "fill": False}).add_to(fmap)
folium.LayerControl().add_to(fmap)
st_folium(fmap, height=620, use_container_width=True, returned_objects=[])
st.caption(f"{len(districts)} districts, {len(provinces)} provinces. Boundaries © OpenStreetMap "
           "contributors (ODbL); countries: Natural Earth.")

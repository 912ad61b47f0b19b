"""Streamlit-only helpers shared by the dashboard's pages (the engine in ``geo`` never imports streamlit)."""

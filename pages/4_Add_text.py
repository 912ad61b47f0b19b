"""Add text: paste or upload an article, review the places and events found (confidence
and evidence for each), correct a place or drop an event, then save it to the store.
Drawing a polygon on the map saves an operation area."""
from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from pathlib import Path

import streamlit as st

from geo import events, geoparse, layers, settings
from geo.document import SUFFIXES, Document
from geo.store import StoreError
from ui import review, view

store = view.start("Add text", "Paste or upload a news article; check what was found; save it.")
if settings.READONLY:
    st.info("This dashboard is read-only (CONFLICTMAP_READONLY): adding texts and areas is turned off.")
    st.stop()

with st.form("document"):
    title = st.text_input("Title")
    cols = st.columns(3)
    published = cols[0].date_input("Published", value=None, min_value=dt.date(1900, 1, 1))
    source = cols[1].text_input("Source")
    url = cols[2].text_input("URL")
    text = st.text_area("Text", height=220, placeholder="Paste the article here")
    upload = st.file_uploader("...or upload a file", type=[s.lstrip(".") for s in SUFFIXES])
    submitted = st.form_submit_button("Find places and events")

if submitted:
    try:
        meta = dict(title=title or None, published=published, source=source or None, url=url or None)
        if upload is not None:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / Path(upload.name).name
                path.write_bytes(upload.getvalue())
                document = Document.from_file(path, **meta)
        else:
            document = Document(text=text, **{k: v or "" for k, v in meta.items() if k != "published"},
                                published=published)
        with st.spinner("Finding places and events..."):
            places = geoparse.parse(document.text)
        st.session_state["review"] = {"document": document, "places": places, "dropped": []}
    except ValueError as exc:
        st.error(f"This text cannot be read: {exc}")

state = st.session_state.get("review")
if state:
    document, places = state["document"], state["places"]
    st.subheader(f"Places found: {len(places)}")
    st.dataframe(review.places_table(places), hide_index=True, width="stretch")
    choices = [i for i, p in enumerate(places) if p.candidates]   # candidates: the runners-up
    if choices:
        with st.expander("Correct a place"):
            i = st.selectbox("Mention", choices, format_func=lambda i: f"{places[i].surface} "
                             f"(at character {places[i].start}): {places[i].name or 'not resolved'}")
            candidates = places[i].candidates
            c = st.selectbox("Resolve to", range(len(candidates)),
                             format_func=lambda c: f"{candidates[c].name}, {candidates[c].country_code or '?'} "
                             f"({candidates[c].latitude:.3f}, {candidates[c].longitude:.3f}), "
                             f"score {candidates[c].score:.2f}")
            if st.button("Use this place"):
                places[i] = review.choose_candidate(places[i], candidates[c])
                st.rerun()
    extraction = events.extract(document, places)
    found = extraction.events
    st.subheader(f"Events found: {len(found)}")
    st.dataframe(found[["event_id", "event_date", "event_type", "sub_event_type", "location", "fatalities",
                        "actor1", "actor2", "confidence", "notes"]], hide_index=True, width="stretch")
    dropped = st.multiselect("Drop events", list(found["event_id"]), default=state["dropped"],
                             format_func=lambda e: f"{e}: {found.set_index('event_id').at[e, 'event_type']}")
    state["dropped"] = dropped
    st.caption(f"Also found: {len(extraction.areas)} operation areas, {len(extraction.flows)} flows.")
    if st.button("Save to the store", type="primary"):
        kept = dataclasses.replace(extraction, events=found[~found["event_id"].isin(dropped)])
        try:
            summary = store.save(document, kept)
        except StoreError as exc:
            st.error(str(exc))
        else:
            st.success(f"Saved: {summary.n_events} events, {summary.n_areas} areas, {summary.n_flows} flows."
                       if summary.new else "This text was already in the store: nothing changed.")
            st.session_state.pop("review")

st.subheader("Draw an operation area")
st.caption("Draw a polygon or a rectangle, name it, then save it as an area.")
existing = layers.build(store, layers.Filters(layers=("areas",)))
out = view.show_map(existing, existing.filters, key="draw_map", height=460, draw=True)
drawings = out.get("all_drawings") or []
with st.form("area"):
    name = st.text_input("Name of the operation")
    cols = st.columns(3)
    start = cols[0].date_input("From", value=None, min_value=dt.date(1900, 1, 1))
    end = cols[1].date_input("To", value=None, min_value=dt.date(1900, 1, 1))
    forces = cols[2].text_input("Forces")
    if st.form_submit_button("Save the drawn area"):
        try:
            if not drawings:
                raise ValueError("draw a polygon on the map first")
            area = review.drawn_area(drawings[-1], name, start_date=start.isoformat() if start else "",
                                     end_date=end.isoformat() if end else "", forces=forces)
            added = store.save_records(areas=area)["areas"]
            st.success("Area saved." if added else "This area was already saved.")
        except (ValueError, StoreError) as exc:
            st.error(str(exc))

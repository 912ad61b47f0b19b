"""Import data: ACLED and UCDP GED exports, event CSVs, flow tables and drawn areas.

The file is checked first and nothing is stored until the user chooses:
every row, only the valid rows, or nothing.  Composes ``geo.ingest`` only.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from geo import ingest, settings

st.set_page_config(page_title="Import data · conflictmap", layout="wide")
st.title("Import data")
st.caption("ACLED exports, UCDP GED CSVs, your own event tables (latitude/longitude or place names), "
           "displacement flows and operation areas (GeoJSON, GeoPackage). Each file is checked before "
           "anything is stored; importing the same file again adds nothing.")

if settings.READONLY:
    st.info("This copy of the dashboard is read-only: importing is turned off.")
    st.stop()

SAMPLES = sorted((settings.DATA_DIR / "samples").glob("*.csv"))

source = st.radio("File", ["Upload a file", "Try a shipped sample"], horizontal=True)
if source == "Upload a file":
    upload = st.file_uploader("CSV, GeoJSON or GeoPackage", type=["csv", "geojson", "json", "gpkg"])
    if upload is None:
        st.stop()
    # one folder per session, so that two users' files of the same name do not meet
    folder = Path(st.session_state.setdefault("upload_dir", tempfile.mkdtemp(prefix="conflictmap-upload-")))
    path = folder / Path(upload.name).name
    path.write_bytes(upload.getvalue())
    label = upload.name
else:
    if not SAMPLES:
        st.warning(f"No samples in {settings.DATA_DIR / 'samples'}.")
        st.stop()
    path = st.selectbox("Sample", SAMPLES, format_func=lambda p: p.name)
    label = path.name
    st.caption("Samples: UCDP GED events (UCDP, CC BY 4.0) and an illustrative flows table; "
               "see data/samples/README.md.")

left, middle, right = st.columns(3)
encoding = left.selectbox("Text encoding (CSV)", ["utf-8", "cp1252", "latin-1"])
try:
    detected = ingest.detect(path, encoding=encoding)
    header = ingest.columns_of(path, encoding=encoding)
except ingest.IngestError as exc:
    detected, header = None, []
    st.error(str(exc))
kinds = list(ingest.KINDS)
kind = middle.selectbox("Kind of data", kinds, index=kinds.index(detected) if detected else 2,
                        help="Detected from the file's columns; change it if the guess is wrong.")
dataset = right.text_input("Source dataset name", value=kind,
                           help="Recorded on every row; rows are keyed on this name and their id.")
country = left.text_input("Country of place names (ISO code)", value="",
                          help=f"Blank: {', '.join(settings.FOCUS_COUNTRIES)} first, then anywhere.")

columns = None
if kind in ingest.MAPPABLE and header:
    st.subheader("Columns")
    guessed = ingest.guess_columns(header, kind)
    choices = ["(none)"] + list(header)
    grid = st.columns(4)
    columns = {}
    for i, target in enumerate(ingest.MAPPABLE[kind]):
        default = guessed.get(target, "(none)")
        picked = grid[i % 4].selectbox(target, choices, index=choices.index(default), key=f"map-{target}")
        if picked != "(none)":
            columns[target] = picked

if st.button("Check file", type="primary"):
    try:
        st.session_state["import_result"] = ingest.read(
            path, kind=kind, columns=columns, source_dataset=dataset or None,
            country=country.strip() or None, encoding=encoding, name=label)
    except ingest.IngestError as exc:
        st.session_state.pop("import_result", None)
        st.error(str(exc))

result: ingest.Import | None = st.session_state.get("import_result")
if result is None or result.file != label:
    st.stop()

st.subheader("Check")
(st.success if result.ok else st.warning)(result.summary())
if not result.problems.empty:
    st.dataframe(result.problems, hide_index=True, use_container_width=True)
if result.n_valid:
    st.caption(f"First rows as they will be stored ({result.layer}):")
    st.dataframe(result.records.drop(columns="geometry").head(200), hide_index=True,
                 use_container_width=True)

go_all, go_valid, discard = st.columns(3)
choice = None
if result.ok and go_all.button(f"Import all {result.n_valid} rows", type="primary"):
    choice = False
if not result.ok and result.n_valid and go_valid.button(f"Import the {result.n_valid} valid rows only"):
    choice = True
if discard.button("Import nothing"):
    st.session_state.pop("import_result", None)
    st.info("Nothing was imported.")
    st.stop()
if choice is not None:
    try:
        added = ingest.save(result, valid_only=choice)
    except (ingest.IngestError, RuntimeError) as exc:
        st.error(str(exc))
    else:
        n = added[result.layer]
        st.success(f"Added {n} {result.layer}; {result.n_valid - n} were already stored.")
        st.session_state.pop("import_result", None)

"""Exports of a view: every format for the shipped article's store and for an empty selection."""
from __future__ import annotations

import io
import re
import json

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from pypdf import PdfReader

from geo import export, layers, store, style
from geo.__main__ import main

EMPTY = {"to": "2000-01-01"}   # before anything in the shipped article


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    s = store.Store(tmp_path_factory.mktemp("store") / "store.gpkg")
    store.ensure_seeded(s, store.settings.DATA_DIR / "articles")
    return s


def _view(s, query=None):
    return layers.build(s, layers.Filters.from_query_params(query or {}))


@pytest.mark.parametrize("fmt", list(export.FORMATS))
@pytest.mark.parametrize("query", [{}, EMPTY], ids=["shipped", "empty"])
def test_every_format_is_written(seeded, tmp_path, fmt, query):
    out = tmp_path / f"view{export.FORMATS[fmt][0]}"
    export.export(_view(seeded, query), fmt, out, dpi=30, documents=seeded.documents())
    data = out.read_bytes()
    magic = {"png": b"\x89PNG", "pdf": b"%PDF", "report": b"%PDF"}
    if fmt in magic:
        assert data.startswith(magic[fmt])
    elif fmt == "svg":
        assert b"<svg" in data[:1000]
    elif fmt == "html":
        assert b"leaflet" in data.lower()
    elif fmt == "geojson":
        features = json.loads(data)["features"]
        assert {f["properties"]["layer"] for f in features} == ({"event", "area", "flow"} if not query else set())
    else:
        table = pd.read_csv(io.BytesIO(data))
        assert {"event_id_cnty", "event_date", "event_type", "country", "admin1", "admin2", "fatalities",
                "latitude", "longitude", "source"} <= set(table.columns)
        view = _view(seeded, query)
        assert len(table) == len(view.sites) + len(view.events) + len(view.areas) + len(view.flows)


def test_png_has_the_asked_size_and_is_not_blank(seeded):
    data = export.export(_view(seeded), "png", page="a4-portrait", dpi=40)
    image = Image.open(io.BytesIO(data))
    width, height = style.PAGES["a4-portrait"]
    assert abs(image.width - width * 40) <= 1 and abs(image.height - height * 40) <= 1
    assert np.asarray(image.convert("L"), dtype=float).std() > 20


def test_svg_holds_title_legend_labels_and_attribution(seeded):
    svg = export.export(_view(seeded), "svg", title="Peshawar and North Waziristan, 2014",
                        documents=seeded.documents()).decode()
    for text in ("Peshawar and North Waziristan, 2014", "Violence against civilians", "Operation areas",
                 "Marker area: fatalities (people killed)", "Line width: number moved", "km",
                 "OpenStreetMap contributors", "Pakistan massacre"):
        assert text in svg, text


def test_empty_view_says_so_on_the_map(seeded):
    svg = export.export(_view(seeded, EMPTY), "svg").decode()
    assert "No events in this view" in svg


def test_report_has_map_events_flows_and_documents_pages(seeded):
    view = _view(seeded)
    reader = PdfReader(io.BytesIO(export.export(view, "report", documents=seeded.documents())))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) == 4
    assert "Conflict events, Pakistan" in pages[0]
    assert f"Events shown ({len(view.sites) + len(view.events)})" in pages[1]
    assert "Peshawar" in pages[1] and "145" in pages[1]
    assert f"Flows shown ({len(view.flows)})" in pages[2] and "North Waziristan" in pages[2]
    assert "Source documents (1)" in pages[3] and "Taliban blowback" in pages[3]


def test_report_of_an_empty_view_still_has_its_pages(seeded):
    reader = PdfReader(io.BytesIO(export.export(_view(seeded, EMPTY), "report",
                                                documents=seeded.documents())))
    texts = [page.extract_text() for page in reader.pages]
    assert "No events in this view" in texts[0]
    assert "Events shown (0)" in texts[1] and "None in this view" in texts[1]


def test_csv_follows_the_filters(seeded):
    view = _view(seeded, {"layers": "sites|events", "type": "Violence against civilians"})
    table = pd.read_csv(io.BytesIO(export.export(view, "csv")))
    assert set(table["layer"]) == {"event"}
    assert set(table["event_type"]) == {"Violence against civilians"}


def test_bad_format_and_unwritable_path_are_one_clear_error(seeded, tmp_path):
    view = _view(seeded)
    with pytest.raises(ValueError, match="tiff"):
        export.export(view, "tiff", tmp_path / "x.tiff")
    with pytest.raises(OSError, match="missing"):
        export.export(view, "png", tmp_path / "missing" / "x.png")
    with pytest.raises(OSError, match="folder"):
        export.export(view, "csv", tmp_path)


def test_command_line_exports_and_exits_2_on_errors(seeded, tmp_path, capsys):
    out = tmp_path / "sites.csv"
    assert main(["export", "--store", str(seeded.path), "--format", "csv", "--out", str(out),
                 "--layers", "sites"]) == 0
    assert set(pd.read_csv(out)["layer"]) == {"event"}
    assert main(["export", "--store", str(seeded.path), "--format", "png", "--out",
                 str(tmp_path / "no" / "x.png")]) == 2
    assert "no" in capsys.readouterr().err
    assert main(["export", "--store", str(seeded.path), "--format", "png", "--out",
                 str(tmp_path / "x.png"), "--from", "2014-13-01"]) == 2
    with pytest.raises(SystemExit) as exit_:
        main(["export", "--format", "tiff", "--out", str(tmp_path / "x.tiff")])
    assert exit_.value.code == 2


def test_html_export_is_self_contained_and_opens_offline(seeded):
    # A file sent to a colleague has no server behind it: nothing may be fetched.
    page = export.export(_view(seeded), "html").decode("utf-8")
    assert "L.map(" in page
    assert not re.search(r'<script[^>]+src="(?!data:)', page)
    assert not re.search(r'<link[^>]+rel="stylesheet"', page)
    assert "/app/static" not in page


def test_command_line_png_of_the_heat_map_alone_is_not_empty(seeded, tmp_path):
    # the heat layer was left out of images: a heat-only view exported an empty map
    out = tmp_path / "heat.png"
    assert main(["export", "--store", str(seeded.path), "--format", "png", "--out", str(out),
                 "--layers", "heat", "--dpi", "60"]) == 0
    rgb = np.asarray(Image.open(out).convert("RGB"), dtype=int)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    assert ((r > 170) & (r - g > 70) & (b < 140)).sum() > 30   # the heat ramp's orange to red
    svg = export.export(_view(seeded, {"layers": "heat"}), "svg").decode()
    assert style.HEAT_LEGEND_LABEL in svg and "Nothing shown" not in svg

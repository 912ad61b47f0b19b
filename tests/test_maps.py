"""geo.maps: what a map page holds (escaped text, legend, offline assets, aggregation)."""
import json
import re

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo import layers, maps, schema, settings
from geo.layers import Filters
from geo.store import Store
from tests._dashboard import HOSTILE_TITLE, IMG, SCRIPT, store_copy


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return Store(store_copy(tmp_path_factory.mktemp("maps"), hostile=True))


def _html(data, filters=None, **kwargs) -> str:
    return maps.make_map(data, filters, **kwargs).get_root().render()


def test_document_text_is_escaped_in_popups_and_tooltips(store):
    page = _html(layers.build(store, Filters(layers=layers.LAYER_KEYS)))
    # what the browser's HTML parser receives once folium's JSON strings are decoded
    page = page.replace("\\u0026", "&").replace("\\u003c", "<").replace("\\u003e", ">")
    for raw in (SCRIPT, IMG, HOSTILE_TITLE, "`${document.cookie}`"):
        assert raw not in page
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;" in page
    # no document string can close a template literal or a script element early
    assert page.count("<script") == page.count("</script>")


def test_map_has_legend_controls_and_each_layer(store):
    data = layers.build(store, Filters(layers=layers.LAYER_KEYS))
    page = _html(data)
    for needle in ("cm-legend", "L.control.layers", "L.control.scale", "fullscreen", "cm-site", "cm-flow",
                   "cm-area", "Attack sites", "Displacement flows", "Operation areas", "Events per district"):
        assert needle in page, needle
    only_flows = _html(data, Filters(layers=("flows",)))
    assert "cm-flow" in only_flows and "cm-site" not in only_flows and "cm-area" not in only_flows


def test_maps_load_leaflet_from_vendored_files_only(store):
    page = _html(layers.build(store), draw=True)
    links = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', page)
    assert links and all(link.startswith(maps.ASSETS_URL) for link in links), links
    for link in links:
        assert (maps.ASSETS_DIR / link[len(maps.ASSETS_URL):]).is_file(), link
    assert "leaflet.draw.js" in page


def test_view_in_filters_frames_the_map(store):
    data = layers.build(store)
    fmap = maps.make_map(data, Filters(lat=33.0, lon=70.0, zoom=9))
    assert fmap.location == [33.0, 70.0] and fmap.options["zoom"] == 9
    fitted = _html(data)
    assert "fitBounds" in fitted


def test_many_events_switch_to_aggregates(tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    n = 400
    lon, lat = rng.uniform(67, 73, n), rng.uniform(25, 35, n)
    frame = gpd.GeoDataFrame({"event_id": [f"e{i}" for i in range(n)], "source_dataset": "test",
                              "source_event_id": [f"e{i}" for i in range(n)], "event_date": "2015-01-01",
                              "event_type": "Battles", "admin2": "Peshawar", "geo_precision": 1,
                              "latitude": lat, "longitude": lon, "confidence": 1.0},
                             geometry=shapely.points(lon, lat), crs=settings.CRS)
    store = Store(tmp_path / "many.gpkg")
    store.save_records(events=schema.conform(frame, "events"))
    data = layers.build(store, Filters(layers=("sites",)))
    monkeypatch.setattr(maps, "CLUSTER_ABOVE", 100)
    assert "markerClusterGroup" in _html(data)
    monkeypatch.setattr(settings, "MAP_POINTS_MAX", 300)
    aggregated = _html(data)
    assert "cm-site" not in aggregated and "L.heatLayer" in aggregated
    assert "400 events: shown as heat map and districts" in aggregated


def test_map_credits_the_boundaries_and_each_imported_dataset(tmp_path):
    from geo import ingest, layers, maps, store

    s = store.Store(tmp_path / "store.gpkg")
    ingest.save(ingest.read(store.settings.DATA_DIR / "samples" / "ucdp_ged_pakistan_2009_2010.csv"), s)
    page = maps.make_map(layers.build(s, layers.Filters())).get_root().render()
    credits = json.loads(re.search(r"addAttribution\((.*)\);", page).group(1))
    assert "OpenStreetMap</a> contributors" in credits and "UCDP</a>" in credits and "ACLED" not in credits
    assert len(re.sub(r"<[^>]+>", "", credits)) < 120   # one short line: a long one covers the map


def test_fitted_map_opens_on_its_fit_without_animation(store):
    # the dashboard takes the first view a map reports for its fitted view: an animated fit
    # reported the default view first, and the fit then counted as the user's move
    page = _html(layers.build(store))
    assert re.search(r'fitBounds\([^;]*"animate": false', page)


def test_map_is_fitted_to_the_layers_it_draws(store):
    # Khyber Pakhtunkhwa's attack sites only: the relocation flow to Karachi is in the data, not on this map
    filters = Filters(admin1=("Khyber Pakhtunkhwa",), layers=("sites",))
    data = layers.build(store, filters)
    assert len(data.flows) and data.flows.total_bounds[1] < 26
    south = json.loads(re.search(r"fitBounds\(\s*(\[\[.*?\]\])", _html(data, filters)).group(1))[0][0]
    assert south > 31


def _legend(page: str) -> str:
    """The legend's HTML, as the map's script hands it to the browser."""
    return json.loads(re.search(r'div\.innerHTML = ("(?:[^"\\]|\\.)*");', page).group(1))


def test_heat_map_alone_has_a_legend_saying_what_it_weighs(store):
    legend = _legend(_html(layers.build(store, Filters(layers=("heat",)))))
    assert "Nothing to show" not in legend
    assert "Heat map of events" in legend and "each event counts once" in legend
    assert "Nothing to show" in _legend(_html(layers.build(store, Filters(layers=("heat",), admin2=("Nowhere",)))))


def test_area_drawn_on_the_map_says_so_in_its_popup(tmp_path):
    from ui import review

    store = Store(store_copy(tmp_path))
    square = {"type": "Polygon", "coordinates": [[[71, 33], [71.5, 33], [71.5, 33.5], [71, 33.5], [71, 33]]]}
    store.save_records(areas=review.drawn_area({"geometry": square}, "Cordon"))
    page = _html(layers.build(store, Filters(layers=("areas",))))
    popup = next(p for p in re.findall(r'"popup": "((?:[^"\\]|\\.)*)"', page) if "Cordon" in p)
    assert "Drawn on the map" in popup and "DRAWN" not in popup
    assert re.search(r"Drawn on the map on \d{1,2} \w+ \d{4}", popup)      # and when

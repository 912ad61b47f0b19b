"""Static maps: page presets, a scale bar true to the ground, labels that do not collide, the view's frame,
the heat map drawn as on the interactive map."""
from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pytest
import shapely
from matplotlib.patches import Rectangle
from pyproj import Geod

from geo import layers, render, schema, settings, store, style


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    s = store.Store(tmp_path_factory.mktemp("store") / "store.gpkg")
    store.ensure_seeded(s, store.settings.DATA_DIR / "articles")
    return s


def _figure(s, query=None, page="a4-landscape"):
    return render.map_figure(layers.build(s, layers.Filters.from_query_params(query or {})), page=page)


@pytest.mark.parametrize("page", list(style.PAGES))
def test_figure_has_the_page_size(seeded, page):
    assert tuple(_figure(seeded, page=page).get_size_inches()) == pytest.approx(style.PAGES[page])


def test_unknown_page_is_refused(seeded):
    with pytest.raises(ValueError, match="poster"):
        _figure(seeded, page="poster")


def test_scale_bar_label_matches_the_geodesic_length_drawn(seeded):
    ax = _figure(seeded).axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_zorder() == 15]
    x0 = min(b.get_x() for b in bars)
    x1 = max(b.get_x() + b.get_width() for b in bars)
    y = bars[0].get_y()
    drawn_km = Geod(ellps="WGS84").inv(x0, y, x1, y)[2] / 1000
    label = next(t.get_text() for t in ax.texts if t.get_text().endswith(" km"))
    assert drawn_km == pytest.approx(float(label.split()[0]), rel=0.01)


def test_place_labels_do_not_overlap_and_stay_inside_the_map(seeded):
    fig = _figure(seeded)
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    boxes = [t.get_window_extent(renderer) for t in ax.texts if t.get_text()]
    assert any(t.get_text() == "Peshawar" for t in ax.texts)
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)
    assert all(frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 and b.y1 <= frame.y1 for b in boxes)


def test_view_framed_by_the_url_centre(seeded):
    ax = _figure(seeded, {"lat": "34.0", "lon": "71.5", "zoom": "8"}).axes[0]
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert (x0 + x1) / 2 == pytest.approx(71.5) and (y0 + y1) / 2 == pytest.approx(34.0)
    assert x1 - x0 < 5   # a zoomed-in view, not the whole country


def test_choropleth_is_drawn_only_when_chosen(seeded):
    def legend_titles(query):
        fig = _figure(seeded, query)
        return " ".join(leg.get_title().get_text() for ax in fig.axes for leg in ax.artists
                        if hasattr(leg, "get_title"))
    assert "Events per" not in legend_titles({})
    assert "Events per" in legend_titles({"layers": "sites|choropleth"})


def test_attribution_comes_from_sources_file():
    lines = " ".join(style.attribution())
    assert "OpenStreetMap contributors" in lines and "GeoNames" in lines and "**" not in lines


def _rgb(fig):
    """The figure drawn, as an (height, width, 3) array whose row 0 is the bottom of the page."""
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[::-1, :, :3].astype(int)


def _heat_coloured(rgb):
    """Pixels in the heat map's orange-to-red part: nothing else on the map is that colour."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return (r > 170) & (r - g > 70) & (b < 140)


def _legend_text(fig) -> str:
    texts = [t.get_text() for ax in fig.axes[1:] for leg in ax.artists if hasattr(leg, "get_title")
             for t in [leg.get_title(), *leg.get_texts()]]
    texts += [t.get_text() for ax in fig.axes[1:] for t in ax.texts]
    return " ".join(" ".join(texts).split())


def _event_pixels(fig, points):
    return fig.axes[0].transData.transform(np.column_stack([points.geometry.x, points.geometry.y]))


def test_heat_map_alone_is_drawn_where_the_events_are_and_nowhere_else(seeded):
    data = layers.build(seeded, layers.Filters(layers=("heat",)))
    fig = render.map_figure(data)
    heat = _heat_coloured(_rgb(fig))
    events = _event_pixels(fig, data.points)
    reach = fig.axes[0].get_window_extent().width * (style.HEAT_RADIUS_PX + style.HEAT_BLUR_PX) / 900
    for x, y in events:  # around each event (a town's symbol may sit on it)
        assert heat[int(y) - 8:int(y) + 9, int(x) - 8:int(x) + 9].mean() > 0.5
    # inside the map, every heat pixel lies within one spot's reach of an event
    frame = fig.axes[0].get_window_extent()
    ys, xs = np.nonzero(heat)
    inside = (xs > frame.x0) & (xs < frame.x1) & (ys > frame.y0) & (ys < frame.y1)
    distance = np.hypot(xs[inside, None] - events[:, 0], ys[inside, None] - events[:, 1]).min(axis=1)
    assert inside.sum() > 50 and distance.max() <= reach + 2
    legend = _legend_text(fig)
    assert style.HEAT_LEGEND_TITLE in legend and style.HEAT_LEGEND_LABEL in legend
    assert "Nothing shown" not in legend


def test_heat_map_with_attack_sites_draws_both(seeded):
    data = layers.build(seeded, layers.Filters(layers=("heat", "sites")))
    fig = render.map_figure(data)
    ax = fig.axes[0]
    assert len(ax.images) == 1
    markers = np.concatenate([c.get_offsets() for c in ax.collections if len(c.get_offsets())
                              and c.get_zorder() == 6])
    assert len(markers) == len(data.sites)
    heat = _heat_coloured(_rgb(fig))
    assert heat.sum() > 50
    legend = _legend_text(fig)
    assert style.HEAT_LEGEND_LABEL in legend and style.LAYER_LABELS["sites"] in legend


def _store(path, places):
    """A store of one event per (lon, lat, fatalities) in ``places``."""
    lon, lat, dead = (np.array(v, dtype=float) for v in zip(*places))
    n = len(places)
    frame = gpd.GeoDataFrame({"event_id": [f"e{i}" for i in range(n)], "source_dataset": "test",
                              "source_event_id": [f"e{i}" for i in range(n)], "event_date": "2015-01-01",
                              "event_type": "Battles", "fatalities": dead, "admin0": "Pakistan",
                              "geo_precision": 1, "latitude": lat, "longitude": lon, "confidence": 1.0},
                             geometry=shapely.points(lon, lat), crs=settings.CRS)
    s = store.Store(path)
    s.save_records(events=schema.conform(frame, "events"))
    return s


def test_heat_counts_each_event_once_whatever_its_fatalities(tmp_path):
    # five events without dead in Punjab, one with 500 dead in Balochistan, away from the towns drawn
    s = _store(tmp_path / "s.gpkg", [(72.5, 31.0, 0)] * 5 + [(65.5, 27.5, 500)])
    data = layers.build(s, layers.Filters(layers=("heat",)))
    fig = render.map_figure(data)
    rgb = _rgb(fig)
    places = data.points.drop_duplicates("longitude").sort_values("longitude")
    green = [np.median(rgb[int(y) - 2:int(y) + 3, int(x) - 2:int(x) + 3, 1]) for x, y in _event_pixels(fig, places)]
    lone, five = green
    assert five < 60 and lone > five + 80   # dark red where more events are, pale where one is



def test_many_events_are_drawn_as_heat_and_districts_like_the_interactive_map(seeded, monkeypatch):
    monkeypatch.setattr(settings, "MAP_POINTS_MAX", 2)
    data = layers.build(seeded)
    assert data.aggregated
    fig = render.map_figure(data)
    ax = fig.axes[0]
    assert len(ax.images) == 1
    assert not [c for c in ax.collections if c.get_zorder() in (5, 6)]   # no event markers
    legend = _legend_text(fig)
    n = len(data.sites) + len(data.events)
    assert style.AGGREGATED_NOTE.format(n=n) in legend
    assert style.HEAT_LEGEND_LABEL in legend and "Events per" in legend

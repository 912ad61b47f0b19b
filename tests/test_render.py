"""Static maps: page presets, a scale bar true to the ground, labels that do not collide, the view's frame."""
from __future__ import annotations

import itertools

import pytest
from matplotlib.patches import Rectangle
from pyproj import Geod

from geo import layers, render, store, style


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

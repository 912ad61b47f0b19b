"""Static maps for reports: the layers of the interactive map drawn with matplotlib, offline.

``map_figure`` draws the GeoDataFrames that ``geo.layers.build`` gives the
interactive map (attack sites, other events, operation areas, flows, the
district choropleth, the heat map of events) with the colours and symbols of
``geo.style``, and like it draws the heat map and the choropleth instead of
markers above ``settings.MAP_POINTS_MAX`` events (``style.drawn_layers``), on a base
of administrative boundaries (``geo.boundaries``), with a title, a legend
with units, a scale bar in kilometres (measured geodesically), a north arrow,
an inset locator map and the attribution line of ``data/SOURCES.md``.  The
figure is sized to a page preset (``geo.style.PAGES``) so that it prints as it is;
``geo.export`` saves it as PNG, SVG, PDF or a report.
"""
from __future__ import annotations

import math
import textwrap
from functools import lru_cache

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")  # offline, no display: set before pyplot is imported anywhere

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.colors import LinearSegmentedColormap  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from matplotlib.legend_handler import HandlerBase  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import FancyArrowPatch, Patch, Rectangle  # noqa: E402
from pyproj import Geod  # noqa: E402

from geo import boundaries, schema, settings, style  # noqa: E402
from geo.layers import Layers  # noqa: E402

#: Country framed when nothing is in view.
DEFAULT_COUNTRY = "Pakistan"
#: At most this many place labels on a map (the most important first).
MAX_LABELS = 30

_GEOD = Geod(ellps="WGS84")
_PX = 0.75                       # points per screen pixel (style sizes are in px)
_MIN_SPAN_KM = 150.0             # smallest map width, so one point is not a blank close-up
_VIEW_PX = 900                   # width of the dashboard's map, to turn a Leaflet zoom into a frame
_HEAT_CELLS = 500                # cells across the map on which the heat map's density is counted
# a pale box behind map text rather than a stroked halo: path effects turn SVG text into paths
_HALO = {"boxstyle": "round,pad=0.12", "facecolor": "white", "edgecolor": "none", "alpha": 0.7}
_TEXT = "#222222"


def map_figure(layers: Layers, page: str = "a4-landscape", title: str | None = None,
               subtitle: str | None = None, documents: pd.DataFrame | None = None) -> Figure:
    """Draw a map of ``layers`` on a page.

    Parameters
    ----------
    layers : geo.layers.Layers
        From ``geo.layers.build``: the frames the interactive map draws,
        styled; ``layers.filters`` says which layers are shown (the
        choropleth only when chosen) and may frame the map
        (``lat``/``lon``/``zoom``).
    page : str
        One of ``geo.style.PAGES``: ``a4-landscape``, ``a4-portrait`` or ``slide``.
    title, subtitle : str, optional
        Heading; the default title names the country, the default subtitle
        the date range, the headline figures and the filters.
    documents : DataFrame, optional
        Source documents (``title``, ``published``) named in the footer.

    Returns
    -------
    matplotlib.figure.Figure
        Not attached to pyplot: save it with ``savefig`` and let it go.
    """
    if page not in style.PAGES:
        raise ValueError(f"unknown page preset {page!r}; expected one of {sorted(style.PAGES)}")
    width, height = style.PAGES[page]
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)  # label placement measures text with this canvas's renderer
    drawn = style.drawn_layers(layers.filters.layers, layers.aggregated)
    frames = _frames(layers, drawn)
    choropleth = "choropleth" in drawn
    note = style.AGGREGATED_NOTE.format(n=len(layers.sites) + len(layers.events)) \
        if layers.aggregated and drawn & set(style.AGGREGATE_LAYERS) else None
    country = _country(frames)
    boxes = _layout(width, height)

    map_ax = fig.add_axes(boxes["map"])
    extent = _extent(layers, country, boxes["map"][2] * width / (boxes["map"][3] * height))
    _draw_base(map_ax, extent, country)
    if choropleth:
        _draw_choropleth(map_ax, frames["choropleth"])
    _draw_heat(map_ax, frames["heat"], extent)
    _draw_areas(map_ax, frames["areas"])
    _draw_flows(map_ax, frames["flows"], extent)
    _draw_points(map_ax, frames["events"], zorder=5)
    _draw_points(map_ax, frames["sites"], zorder=6)
    _frame_map(map_ax, extent)
    if layers.is_empty():
        map_ax.text(0.5, 0.5, "No events in this view", transform=map_ax.transAxes, ha="center",
                    va="center", fontsize=18, color=_TEXT, zorder=20,
                    bbox=dict(boxstyle="round,pad=0.6", fc="white", ec="#999999", alpha=0.9))
    _scale_bar(map_ax, extent)
    _north_arrow(map_ax)
    _place_labels(fig, map_ax, _labels(frames, extent, country))

    _inset(fig.add_axes(boxes["inset"]), extent, country)
    _legend(fig, fig.add_axes(boxes["legend"]), frames, choropleth, note)
    _heading(fig, boxes["title"], title or f"Conflict events, {country}",
             subtitle if subtitle is not None else _default_subtitle(layers))
    datasets = {v for key in ("sites", "events", "heat", "areas", "flows")
                for v in frames[key].get("source_dataset", pd.Series(dtype=str)).dropna()}
    _footer(fig, boxes["footer"], width, documents, sorted(datasets))
    return fig


# ------------------------------------------------------------------------------ layout


def _layout(width: float, height: float) -> dict[str, list[float]]:
    """Axes rectangles (figure fractions) for the map, inset, legend, title and footer."""
    margin, title_h, footer_h = 0.35, 0.8, 0.55
    top = height - margin - title_h
    bottom = margin + footer_h
    if width >= height:  # a side panel holds the inset and the legend
        panel_w = 2.7
        map_box = (margin, bottom, width - 2 * margin - panel_w - 0.2, top - bottom)
        panel_x = width - margin - panel_w
        inset_h = min(2.0, panel_w * 0.75, (top - bottom) * 0.3)
        inset = (panel_x, top - inset_h, panel_w, inset_h)
        legend = (panel_x, bottom, panel_w, top - inset_h - 0.15 - bottom)
    else:  # portrait: a band under the map
        band_h = 2.3
        map_box = (margin, bottom + band_h + 0.15, width - 2 * margin, top - bottom - band_h - 0.15)
        inset = (margin, bottom, band_h * 1.2, band_h)
        legend = (margin + band_h * 1.2 + 0.2, bottom, width - 2 * margin - band_h * 1.2 - 0.2, band_h)
    title = (margin, top, width - 2 * margin, title_h)
    footer = (margin, margin, width - 2 * margin, footer_h - 0.1)

    def frac(box):
        x, y, w, h = box
        return [x / width, y / height, w / width, h / height]

    return {"map": frac(map_box), "inset": frac(inset), "legend": frac(legend),
            "title": frac(title), "footer": frac(footer)}


def _frames(layers: Layers, drawn: set[str]) -> dict[str, gpd.GeoDataFrame]:
    """The frames drawn: those of the ``drawn`` layers, others emptied.

    ``heat`` holds the points the heat map counts: attack sites and other
    events, as on the interactive map, whichever of their markers are shown.
    """
    frames = {key: getattr(layers, key) if key in drawn else getattr(layers, key).iloc[:0]
              for key in ("sites", "events", "areas", "flows", "choropleth")}
    frames["heat"] = layers.points if "heat" in drawn else layers.sites.iloc[:0]
    return frames


def _country(frames: dict[str, gpd.GeoDataFrame]) -> str:
    """The country most of what is shown lies in (``DEFAULT_COUNTRY`` when nothing is)."""
    names = pd.concat([f["admin0"] for k, f in frames.items() if k in ("sites", "events", "heat")
                       and "admin0" in f.columns], ignore_index=True) if frames else pd.Series()
    names = names[names.astype(str).str.len() > 0] if len(names) else names
    return str(names.mode().iloc[0]) if len(names) else DEFAULT_COUNTRY


def _extent(layers: Layers, country: str, aspect: float) -> tuple:
    """(minx, miny, maxx, maxy) in degrees: the view's frame, with the map axes' shape.

    The frame is the filters' ``lat``/``lon``/``zoom`` when set (the
    dashboard's view, as a Leaflet map ``_VIEW_PX`` pixels wide shows it),
    else everything drawn with a margin, else the whole country.  ``aspect``
    is the map axes' width / height on paper; the frame is widened in one
    direction so that a kilometre is as long east-west as north-south.
    """
    filters = layers.filters
    bounds = layers.bounds()
    if filters.lat is not None and filters.lon is not None:
        span = _VIEW_PX / 256 * 360 / 2 ** (filters.zoom or 6)
        minx, maxx = filters.lon - span / 2, filters.lon + span / 2
        miny = maxy = filters.lat
    elif bounds is not None:
        minx, miny, maxx, maxy = bounds
        pad_x, pad_y = max((maxx - minx) * 0.12, 0.15), max((maxy - miny) * 0.12, 0.15)
        minx, maxx, miny, maxy = minx - pad_x, maxx + pad_x, miny - pad_y, maxy + pad_y
    else:
        minx, miny, maxx, maxy = _country_bounds(country)
    return _fit((minx, miny, maxx, maxy), aspect)


def _fit(box: tuple, aspect: float) -> tuple:
    """``box`` widened about its centre to ``aspect`` (ground width / height), at least ``_MIN_SPAN_KM`` wide."""
    minx, miny, maxx, maxy = box
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    coslat = math.cos(math.radians(cy))
    # degrees of longitude for _MIN_SPAN_KM at this latitude (a floor for framing only)
    min_span = _MIN_SPAN_KM * 1000 / _GEOD.inv(cx, cy, cx + 1.0, cy)[2]
    span_x, span_y = max(maxx - minx, min_span), maxy - miny
    # east-west degrees shrink by cos(latitude): compare spans in ground units
    if span_x * coslat / max(span_y, 1e-9) < aspect:
        span_x = span_y * aspect / coslat
    else:
        span_y = span_x * coslat / aspect
    return (cx - span_x / 2, cy - span_y / 2, cx + span_x / 2, cy + span_y / 2)


# ------------------------------------------------------------------------------ base map


def _draw_base(ax, extent: tuple, country: str) -> None:
    minx, miny, maxx, maxy = extent
    ax.set_facecolor(style.BACKGROUND)
    world = _clip(boundaries.load("admin0", simplified=True), extent)
    others = world[world["name"] != country]
    others.plot(ax=ax, facecolor=style.NEIGHBOUR_FILL, edgecolor=style.NEIGHBOUR_LINE,
                linewidth=0.6, zorder=1)
    home = world[world["name"] == country]
    home.plot(ax=ax, facecolor="white", edgecolor="none", zorder=1)
    districts = _clip(boundaries.load("admin2", simplified=True), extent)
    districts = districts[districts["admin0"] == country]
    districts.boundary.plot(ax=ax, color=style.DISTRICT_LINE,
                            linewidth=style.DISTRICT_LINE_WIDTH * _PX * (0.6 if maxx - minx > 9 else 1),
                            zorder=2)
    # the provinces the interactive map draws: Pakistan's of 2014, with FATA
    provinces = _clip(boundaries.load("admin1_2014" if country == "Pakistan" else "admin1",
                                      simplified=True), extent)
    provinces = provinces[provinces["admin0"] == country]
    provinces.boundary.plot(ax=ax, color=style.PROVINCE_LINE,
                            linewidth=style.PROVINCE_LINE_WIDTH * _PX * 0.8, zorder=3)
    home.boundary.plot(ax=ax, color=style.PROVINCE_LINE, linewidth=style.PROVINCE_LINE_WIDTH * _PX * 1.3,
                       zorder=3)


def _clip(frame: gpd.GeoDataFrame, extent: tuple) -> gpd.GeoDataFrame:
    minx, miny, maxx, maxy = extent
    return frame.cx[minx:maxx, miny:maxy]


def _frame_map(ax, extent: tuple) -> None:
    minx, miny, maxx, maxy = extent
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect("auto")  # the extent already has the axes' ground proportions
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for spine in ax.spines.values():
        spine.set_linewidth(0.8)
        spine.set_color("#444444")


@lru_cache(maxsize=16)
def _country_bounds(country: str) -> tuple:
    world = boundaries.load("admin0", simplified=True)
    match = world[world["name"] == country]
    if match.empty:
        raise ValueError(f"unknown country {country!r} for the map frame")
    return tuple(match.total_bounds)


# ------------------------------------------------------------------------------ layers


def _draw_choropleth(ax, districts: gpd.GeoDataFrame) -> None:
    column, _, edges, colors = style.choropleth_classes(districts)
    values = districts[column].fillna(0)
    shaded = districts[values > 0]
    if shaded.empty or not colors:
        return
    index = np.clip(np.searchsorted(edges, values[values > 0], side="right") - 1, 0, len(colors) - 1)
    shaded.plot(ax=ax, color=[colors[i] for i in index],
                alpha=style.CHOROPLETH_OPACITY, edgecolor="#555555", linewidth=0.45, zorder=2)


def _draw_heat(ax, points: gpd.GeoDataFrame, extent: tuple) -> None:
    """The heat map of ``points`` as the interactive map draws it, over the basemap, under the markers.

    Each event, whatever its fatalities, is the spot Leaflet.heat stamps: a
    disc of ``style.HEAT_RADIUS_PX`` blurred by ``style.HEAT_BLUR_PX`` on a
    view ``_VIEW_PX`` wide.  The events are counted on a grid of square
    cells and the spots summed over it (an FFT convolution), so the map is
    clear where no event is near.  A lone event shows at
    ``style.HEAT_MIN_OPACITY``; where spots pile up the colour runs up
    ``style.HEAT_GRADIENT`` to the most events near one place in view (a
    logarithmic scale), and grows opaque.
    """
    if points.empty:
        return
    minx, miny, maxx, maxy = extent
    box = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    nx = _HEAT_CELLS
    ny = max(1, round(nx * box.height * fig_h / (box.width * fig_w)))  # square cells on paper
    stamp = _stamp(nx / _VIEW_PX)
    reach = stamp.shape[0] // 2
    dx, dy = (maxx - minx) / nx, (maxy - miny) / ny
    # events up to ``reach`` cells outside the frame still warm its edge
    counts, _, _ = np.histogram2d(
        points.geometry.y.to_numpy(), points.geometry.x.to_numpy(),
        bins=[miny + dy * np.arange(-reach, ny + reach + 1), minx + dx * np.arange(-reach, nx + reach + 1)])
    shape = (counts.shape[0] + 2 * reach, counts.shape[1] + 2 * reach)
    near = np.fft.irfft2(np.fft.rfft2(counts, shape) * np.fft.rfft2(stamp, shape), shape)
    near = near[2 * reach:2 * reach + ny, 2 * reach:2 * reach + nx]
    near[near < 1e-6] = 0.0  # the transform's rounding noise, where no spot reaches
    ax.imshow(_heat_colours(near), extent=(minx, maxx, miny, maxy), origin="lower",
              interpolation="bilinear", aspect="auto", zorder=2.5)


def _stamp(cells_per_px: float) -> np.ndarray:
    """One event's spot on the heat grid: 1 inside the disc, fading over the blur, 0 beyond."""
    sigma = style.HEAT_BLUR_PX / 2 * cells_per_px  # a canvas shadow blur of b px is a gaussian of b/2
    radius = style.HEAT_RADIUS_PX * cells_per_px
    reach = math.ceil((style.HEAT_RADIUS_PX + style.HEAT_BLUR_PX) * cells_per_px)
    offset = np.arange(-reach, reach + 1)
    r = np.hypot(*np.meshgrid(offset, offset))
    spot = 0.5 * np.vectorize(math.erfc)((r - radius) / (sigma * math.sqrt(2)))
    return np.where(r <= reach, spot, 0.0)


def _heat_colours(near: np.ndarray) -> np.ndarray:
    """RGBA of the heat map for a grid of "events nearby" (1 at a lone event, 0 far from any).

    As on the interactive map, the most events near one place in view reach
    the top of the ramp, and a lone event shows at ``style.HEAT_MIN_OPACITY``
    or at its share of that top when higher (a view of lone events is all
    top); levels in between grow with the logarithm of the count.
    """
    top = float(near.max())
    lone = max(style.HEAT_MIN_OPACITY, 1 / top) if top > 0 else 1.0
    spread = math.log(top) if top > 1 else math.inf
    level = np.where(near < 1, lone * near, lone + (1 - lone) * np.log(np.maximum(near, 1)) / spread)
    return _heat_rgba(np.clip(level, 0, 1))


def _heat_rgba(level: np.ndarray) -> np.ndarray:
    """Colour and opacity of heat levels (0..1): as on the interactive map, both rise with the level."""
    rgba = _heat_cmap()(level)
    rgba[..., 3] = level
    return rgba


@lru_cache(maxsize=1)
def _heat_cmap() -> LinearSegmentedColormap:
    stops = sorted(style.HEAT_GRADIENT.items())
    if stops[0][0] > 0:  # as on a canvas gradient, the first colour holds below the first stop
        stops.insert(0, (0.0, stops[0][1]))
    return LinearSegmentedColormap.from_list("heat", stops)


def _draw_areas(ax, areas: gpd.GeoDataFrame) -> None:
    for kind, group in areas.groupby(areas["kind"] if "kind" in areas else pd.Series(
            "", index=areas.index), sort=False):
        colour = style.area_color(kind)
        group.plot(ax=ax, facecolor=colour, alpha=style.AREA_FILL_OPACITY, edgecolor="none", zorder=3)
        group.plot(ax=ax, facecolor="none", edgecolor=colour, hatch="///", linewidth=0,
                   alpha=0.55, zorder=3)
        group.boundary.plot(ax=ax, color=colour, linewidth=style.AREA_LINE_WIDTH * _PX, zorder=3)


def _draw_points(ax, points: gpd.GeoDataFrame, zorder: int) -> None:
    """Events as the interactive map draws them: ``color``, ``symbol``, ``radius`` (px) columns."""
    if points.empty:
        return
    points = points.sort_values("radius", ascending=False, kind="stable")  # big markers underneath
    sizes = (2 * points["radius"].to_numpy() * _PX) ** 2
    # at most settings.MAP_POINTS_MAX markers: above, the heat map stands in for them
    for (colour, symbol), rows in points.groupby(["color", "symbol"], sort=False).indices.items():
        ax.scatter(points.geometry.x.to_numpy()[rows], points.geometry.y.to_numpy()[rows],
                   s=sizes[rows], c=colour, marker=symbol, alpha=0.85, edgecolors="white",
                   linewidths=0.6, zorder=zorder)


def _draw_flows(ax, flows: gpd.GeoDataFrame, extent: tuple) -> None:
    """Flows as curved arrows, width by count, from the first to the last point of each line.

    A stub (a flow with one end not named, ``open_end``) keeps the direction
    ``geo.layers`` gave it but is drawn at least 7 % of the map wide, so
    that its head reads on a country map; an open ring marks the unnamed end.
    """
    minx, miny, maxx, maxy = extent
    stub_m = max(style.STUB_KM * 1000, 0.07 * _GEOD.inv(minx, (miny + maxy) / 2, maxx, (miny + maxy) / 2)[2])
    for line, colour, width, dash, open_end in zip(flows.geometry, flows["color"], flows["width"],
                                                   flows["dash"], flows["open_end"]):
        if line is None or line.is_empty:
            continue
        (x0, y0), (x1, y1) = line.coords[0], line.coords[-1]
        if open_end == "destination":
            azimuth = _GEOD.inv(x0, y0, x1, y1)[0]
            x1, y1, _ = _GEOD.fwd(x0, y0, azimuth, stub_m)
        elif open_end == "origin":
            azimuth = _GEOD.inv(x1, y1, x0, y0)[0]
            x0, y0, _ = _GEOD.fwd(x1, y1, azimuth, stub_m)
        width = float(width) * _PX
        ax.add_patch(FancyArrowPatch(
            (x0, y0), (x1, y1), connectionstyle=f"arc3,rad={style.FLOW_BEND}",
            arrowstyle=f"-|>,head_length={4 + 1.5 * width:.1f},head_width={2.5 + 0.9 * width:.1f}",
            mutation_scale=1, color=colour, linewidth=width, alpha=0.9, zorder=7,
            linestyle=(0, (4, 3)) if dash else "-", shrinkA=2, shrinkB=4, capstyle="butt",
            joinstyle="round"))
        if open_end:
            free = (x1, y1) if open_end == "destination" else (x0, y0)
            ax.plot(*free, "o", ms=4 + width, mfc="white", mec=colour, mew=1.5, zorder=7)


# ------------------------------------------------------------------------------ labels


def _labels(frames: dict, extent: tuple, country: str) -> list[tuple]:
    """(x, y, text, weight, clearance in points) of the places worth naming, most important first."""
    out = []
    for key in ("sites", "events"):
        frame = frames[key]
        if frame.empty:
            continue
        fatal = frame["fatalities"].astype("float64").fillna(0)
        grouped = frame.assign(_x=frame.geometry.x, _y=frame.geometry.y, _f=fatal).groupby(
            "location", sort=False).agg(x=("_x", "first"), y=("_y", "first"), f=("_f", "sum"),
                                        n=("_x", "size"))
        grouped = grouped.sort_values(["f", "n"], ascending=False)
        for name, row in grouped.iterrows():
            if name:
                out.append((row.x, row.y, str(name), "bold", style.marker_radius(row.f) * _PX, 3 + row.f))
    for label, geometry in zip(frames["areas"]["label"], frames["areas"].geometry):
        point = geometry.representative_point()
        out.append((point.x, point.y, str(label), "italic", 0.0, 2))
    flows = frames["flows"]
    for end in ("origin", "destination"):
        for name, lon, lat in zip(flows[end], flows[f"{end}_longitude"], flows[f"{end}_latitude"]):
            if name and not (pd.isna(lon) or pd.isna(lat)):
                out.append((float(lon), float(lat), str(name), "bold", 3.0, 1))
    out.sort(key=lambda label: -label[5])
    minx, miny, maxx, maxy = extent
    for _, town in _towns(country).iterrows():
        out.append((town.geometry.x, town.geometry.y, town["name"], "town", 2.5, 0))
    seen, unique = set(), []
    for x, y, text, weight, clearance, _ in out:
        if text.lower() in seen or not (minx <= x <= maxx and miny <= y <= maxy):
            continue
        seen.add(text.lower())
        unique.append((x, y, text, weight, clearance))
    return unique[:MAX_LABELS]


@lru_cache(maxsize=4)
def _towns(country: str) -> gpd.GeoDataFrame:
    """Capitals drawn for orientation (the shipped set covers Pakistan)."""
    if country != "Pakistan":
        return gpd.GeoDataFrame({"name": []}, geometry=[], crs=settings.CRS)
    import pyogrio

    return pyogrio.read_dataframe(settings.DATA_DIR / "boundaries" / "pakistan_admin_osm.gpkg",
                                  layer="context_capitals")


# Offsets (in units of the clearance) tried in cartographic order of preference.
_POSITIONS = ((1, 1, "left", "bottom"), (1, -1, "left", "top"), (-1, 1, "right", "bottom"),
              (-1, -1, "right", "top"), (1.3, 0, "left", "center"), (-1.3, 0, "right", "center"),
              (0, 1.4, "center", "bottom"), (0, -1.4, "center", "top"))


def _place_labels(fig: Figure, ax, labels: list[tuple]) -> None:
    """Place each label at the first candidate position that overlaps nothing placed; drop it otherwise."""
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    taken = [a.get_window_extent(renderer) for a in ax.texts]  # "No events" box, scale bar labels
    taken += [p.get_window_extent(renderer) for p in ax.patches if getattr(p, "_cm_obstacle", False)]
    scale = fig.dpi / 72.0
    # markers of everything labelled are obstacles too
    for x, y, _, _, clearance in labels:
        if clearance:
            px, py = ax.transData.transform((x, y))
            r = clearance * scale
            taken.append(matplotlib.transforms.Bbox([[px - r, py - r], [px + r, py + r]]))
    for x, y, text, weight, clearance in labels:
        town = weight == "town"
        if town:
            ax.plot(x, y, "s", ms=3.5, color="#333333", zorder=8)
        gap = max(clearance, 2.5) * 0.75 + 2
        for dx, dy, ha, va in _POSITIONS:
            label = ax.annotate(
                text, (x, y), xytext=(dx * gap, dy * gap), textcoords="offset points", ha=ha, va=va,
                fontsize=7.5 if town else 8.5, color="#444444" if town else _TEXT,
                fontweight="normal" if town or weight == "italic" else "bold",
                fontstyle="italic" if weight == "italic" else "normal", zorder=12, bbox=_HALO,
                annotation_clip=False)
            box = label.get_window_extent(renderer).expanded(1.08, 1.15)
            inside = (box.x0 >= frame.x0 and box.x1 <= frame.x1 and box.y0 >= frame.y0
                      and box.y1 <= frame.y1)
            if inside and not any(box.overlaps(other) for other in taken):
                taken.append(box)
                break
            label.remove()
        else:
            if town:  # a town symbol without a name says nothing
                ax.lines[-1].remove()


# ------------------------------------------------------------------------------ furniture


def _scale_bar(ax, extent: tuple) -> None:
    """A scale bar in km, its length measured on the ellipsoid along the bar's latitude."""
    minx, miny, maxx, maxy = extent
    y = miny + (maxy - miny) * 0.05
    x0 = minx + (maxx - minx) * 0.04
    width_km = _GEOD.inv(minx, y, maxx, y)[2] / 1000
    km = _nice(width_km * 0.22)
    # longitude span of ``km`` at this latitude, by the geodesic length of one degree there
    deg = km / (_GEOD.inv(x0, y, x0 + 1.0, y)[2] / 1000)
    height = (maxy - miny) * 0.008
    halves = 2
    for i in range(halves):
        ax.add_patch(Rectangle((x0 + i * deg / halves, y), deg / halves, height,
                               facecolor="#222222" if i % 2 == 0 else "white", edgecolor="#222222",
                               linewidth=0.6, zorder=15))
    for i, value in ((0, 0), (1, km / 2), (2, km)):
        ax.text(x0 + i * deg / halves, y + height * 1.8, f"{value:g}" + (" km" if i == 2 else ""),
                ha="center", va="bottom", fontsize=7, color=_TEXT, zorder=15, bbox=_HALO)


def _nice(value: float) -> float:
    """The largest 1, 2 or 5 times a power of ten not above ``value``."""
    power = 10 ** math.floor(math.log10(max(value, 1e-9)))
    return max(m * power for m in (1, 2, 5) if m * power <= value)


def _north_arrow(ax) -> None:
    # the map is drawn in longitude/latitude, so north is straight up everywhere on it
    ax.annotate("N", xy=(0.04, 0.95), xytext=(0.04, 0.87), xycoords="axes fraction",
                ha="center", va="center", fontsize=10, fontweight="bold", color=_TEXT, zorder=15,
                arrowprops=dict(arrowstyle="-|>,head_width=0.35,head_length=0.8", color=_TEXT, lw=1.4),
                bbox=_HALO)


def _inset(ax, extent: tuple, country: str) -> None:
    """A locator map: the country among its neighbours, the main map's frame in red."""
    minx, miny, maxx, maxy = _country_bounds(country)
    pad_x, pad_y = (maxx - minx) * 0.25, (maxy - miny) * 0.25
    box = (min(minx, extent[0]) - pad_x, min(miny, extent[1]) - pad_y,
           max(maxx, extent[2]) + pad_x, max(maxy, extent[3]) + pad_y)
    position = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    box = _fit(box, position.width * fig_w / (position.height * fig_h))
    world = _clip(boundaries.load("admin0", simplified=True), box)
    ax.set_facecolor(style.BACKGROUND)
    world.plot(ax=ax, facecolor=np.where(world["name"] == country, "white", style.NEIGHBOUR_FILL),
               edgecolor="#888888", linewidth=0.4)
    ax.add_patch(Rectangle((extent[0], extent[1]), extent[2] - extent[0], extent[3] - extent[1],
                           facecolor="none", edgecolor="#d62728", linewidth=1.4, zorder=5))
    _frame_map(ax, box)
    ax.set_title("Location", fontsize=8, loc="left", color=_TEXT, pad=3)


def _legend(fig: Figure, ax, frames: dict, choropleth: bool, note: str | None) -> None:
    """Legend sections for the layers shown, with their units, stacked in columns; ``note`` heads them."""
    ax.axis("off")
    sections = ([(note, [], [], 1)] if note else []) + _legend_sections(frames, choropleth)
    if not sections:
        ax.text(0, 1, "Nothing shown", fontsize=9, va="top", color=_TEXT, transform=ax.transAxes)
        return
    renderer = fig.canvas.get_renderer()
    panel = ax.get_window_extent(renderer)
    for fontsize in (8.0, 7.0, 6.0):  # the largest type that fits the panel
        placed = _stack_legends(ax, sections, fontsize, renderer, panel)
        if all(box.x1 <= panel.x1 + 2 and box.y0 >= panel.y0 - 2 for box in placed) or fontsize == 6.0:
            break
        for legend in list(ax.artists):
            legend.remove()


def _stack_legends(ax, sections: list, fontsize: float, renderer, panel) -> list:
    """Draw the sections top to bottom, starting a new column when one runs out; return their boxes."""
    x, y, column_w, boxes = 0.0, 1.0, 0.0, []
    title_font = FontProperties(weight="bold", size=fontsize + 0.5)
    for title, handles, labels, ncols in sections:
        tallest = max(((h.get_markersize() if isinstance(h, Line2D) else 0) for h in handles), default=0)
        widest = max((getattr(h, "length", 0) for h in handles), default=0)  # in font sizes
        for attempt in range(2):
            room = panel.width * (1 - x)
            legend = ax.legend(handles, labels, title=_wrap(title, title_font, room, renderer),
                               loc="upper left", bbox_to_anchor=(x, y), handler_map={_Ramp: _RampHandler()},
                               frameon=False, fontsize=fontsize, alignment="left", ncols=ncols,
                               title_fontproperties=title_font,
                               handlelength=max(2.4, tallest / fontsize, widest),
                               borderaxespad=0, borderpad=0,
                               labelspacing=0.45, handletextpad=0.6, columnspacing=1.0,
                               # the handle box sits partly below the baseline: room for big markers
                               handleheight=max(0.7, 2.0 * tallest / fontsize if tallest > 1.5 * fontsize
                                                else 0.7))
            ax.add_artist(legend)
            box = legend.get_window_extent(renderer)
            if box.y0 >= panel.y0 - 2 or y == 1.0 or attempt:
                break
            legend.remove()  # no room left in this column: start the next one
            x, y, column_w = x + column_w + 0.06, 1.0, 0.0
        boxes.append(box)
        column_w = max(column_w, box.width / panel.width)
        y -= box.height / panel.height + 0.045
    return boxes


def _wrap(text: str, font: FontProperties, width: float, renderer) -> str:
    """``text`` broken between words into lines no wider than ``width`` (display units) where it can be."""
    lines = []
    for word in text.split():
        line = f"{lines[-1]} {word}" if lines else word
        if lines and renderer.get_text_width_height_descent(line, font, ismath=False)[0] <= width:
            lines[-1] = line
        else:
            lines.append(word)
    return "\n".join(lines)


class _Ramp(Patch):
    """Legend handle of the heat map: its colour ramp, ``length`` font sizes long."""

    length = 6.0


class _RampHandler(HandlerBase):
    """Draws a ``_Ramp`` as thin boxes, each in the colour and opacity the map gives its level."""

    def create_artists(self, legend, orig_handle, xdescent, ydescent, width, height, fontsize, trans):
        steps = 48
        boxes = [Rectangle((-xdescent + width * i / steps, -ydescent), width / steps, height,
                           facecolor=colour, edgecolor="none", transform=trans)
                 for i, colour in enumerate(_heat_rgba(np.linspace(0, 1, steps)))]
        frame = Rectangle((-xdescent, -ydescent), width, height, facecolor="none", edgecolor="#999999",
                          linewidth=0.5, transform=trans)
        return boxes + [frame]


def _legend_sections(frames: dict, choropleth: bool) -> list[tuple[str, list, list[str]]]:
    """(title, handles, labels, columns) of each legend section."""
    sections = []
    if not frames["heat"].empty:
        sections.append((style.HEAT_LEGEND_TITLE, [_Ramp()], [style.HEAT_LEGEND_LABEL], 1))
    points = [f for k, f in frames.items() if k in ("sites", "events") and not f.empty]
    if points:
        points = pd.concat(points)
        types = points["event_type"].value_counts().index
        sections.append((f"{style.LAYER_LABELS['sites']} and other events", [
            Line2D([], [], linestyle="none", marker=style.event_symbol(t), markersize=8,
                   markerfacecolor=style.event_color(t), markeredgecolor="white") for t in types],
            [str(t) for t in types], 1))
        top = points["fatalities"].astype("float64").max() if "fatalities" in points else np.nan
        steps = _size_steps(top)
        sections.append(("Marker area: fatalities (people killed)", [
            Line2D([], [], linestyle="none", marker="o", markerfacecolor="#cccccc",
                   markeredgecolor="#666666", markersize=2 * style.marker_radius(v) * _PX)
            for v in steps], ["not reported" if v is None else f"{v:,.0f}" for v in steps], len(steps)))
    areas = frames["areas"]
    if not areas.empty:
        kinds = areas["kind"].unique()
        sections.append((style.LAYER_LABELS["areas"], [
            Patch(facecolor=matplotlib.colors.to_rgba(style.area_color(k), style.AREA_FILL_OPACITY),
                  edgecolor=style.area_color(k), hatch="///", linewidth=1.2) for k in kinds],
            [str(k).capitalize() or "Area" for k in kinds], 1))
    flows = frames["flows"]
    if not flows.empty:
        kinds = flows["kind"].unique()
        counted = flows[flows["count"].notna()] if "count" in flows else flows.iloc[:0]
        unit = counted["unit"].mode().iloc[0] if "unit" in counted and len(counted) else "people"
        top = flows["count"].astype("float64").max() if "count" in flows else np.nan
        steps = _width_steps(top)
        sections.append((style.LAYER_LABELS["flows"], [
            Line2D([], [], color=style.flow_color(k), linewidth=2.5) for k in kinds]
            + [Line2D([], [], color="#777777", linewidth=1.5, linestyle=(0, (4, 3))),
               Line2D([], [], color="#777777", linewidth=1.5, marker="o", markevery=[0], ms=6,
                      mfc="white", mec="#777777")],
            [str(k).capitalize() for k in kinds] + ["speculative", "other end not named"], 1))
        sections.append(("Line width: number moved", [
            Line2D([], [], color="#777777", linewidth=style.flow_width(v) * _PX) for v in steps],
            ["not reported" if v is None else f"{v:,.0f} {unit}" for v in steps], 1))
    districts = frames["choropleth"]
    if choropleth and len(districts) and districts["events"].sum() > 0:
        _, caption, edges, colors = style.choropleth_classes(districts)
        sections.append((caption, [
            Patch(facecolor=c, alpha=style.CHOROPLETH_OPACITY, edgecolor="#999999")
            for c in colors], [f"{lo:,.3g} to {hi:,.3g}" for lo, hi in zip(edges, edges[1:])],
            len(colors)))
    return sections


def _size_steps(top: float) -> list:
    """Fatality values for the size key: up to three round numbers up to ``top``, and unknown."""
    if pd.isna(top) or top < 1:
        return [None]
    steps = sorted({_nice(top), _nice(top / 10)} - {0}) if top >= 10 else [_nice(top)]
    return [None] + [s for s in steps if s >= 1]


def _width_steps(top: float) -> list:
    if pd.isna(top) or top < 1:
        return [None]
    steps = sorted({_nice(top), _nice(top / 100)} - {0})
    return [s for s in steps if s >= 1] + [None]


def _heading(fig: Figure, box: list[float], title: str, subtitle: str) -> None:
    x, y, w, h = box
    fig.text(x, y + h, title, fontsize=16, fontweight="bold", va="top", ha="left", color=_TEXT)
    if subtitle:
        fig.text(x, y + h * 0.42, subtitle, fontsize=10, va="top", ha="left", color="#444444")


def _default_subtitle(layers: Layers) -> str:
    """Dates, headline figures and the filters that narrow the view."""
    h, f = layers.headline, layers.filters
    parts = [f"{h.date_from} to {h.date_to}" if h.date_from else "undated",
             f"{h.events:,} events", f"{h.fatalities:,} fatalities"]
    if h.displaced:
        parts.append(f"{h.displaced:,} people displaced")
    narrowed = [f"{name}: {', '.join(values)}" for name, values in (
        ("types", f.event_types), ("actors", f.actors), ("provinces", f.admin1),
        ("districts", f.admin2), ("documents", f.doc_ids)) if values]
    if f.date_from or f.date_to:
        narrowed.insert(0, f"dates {f.date_from or '…'} to {f.date_to or '…'}")
    if f.min_confidence:
        narrowed.append(f"confidence ≥ {f.min_confidence:g}")
    text = " · ".join(parts)
    return text + (" · filtered by " + "; ".join(narrowed) if narrowed else "")


def _footer(fig: Figure, box: list[float], width_in: float, documents: pd.DataFrame | None,
            datasets: list[str]) -> None:
    x, y, w, h = box
    chars = int(w * width_in * 17)  # about 17 characters of 6 pt text per inch
    lines = [schema.DATASET_CREDITS[d][3] for d in datasets if d in schema.DATASET_CREDITS]
    lines.append("Data: " + " · ".join(style.attribution()))
    if documents is not None and len(documents):
        names = [f"{t or 'untitled'} ({p})" if p else str(t or "untitled")
                 for t, p in zip(documents["title"], documents["published"])]
        lines.append("Documents: " + "; ".join(names))
    wrapped = [piece for line in lines for piece in textwrap.wrap(line, chars)][:5]
    fig.text(x, y + h, "\n".join(wrapped), fontsize=6, va="top", ha="left", color="#555555",
             linespacing=1.35)

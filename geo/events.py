"""Text + resolved places -> what happened where: events, operation areas, flows.

``extract(document, places)`` reads a document sentence by sentence and turns
what it reports into three kinds of records, in the columns of ``geo.schema``:

* **events** (points): ACLED event types recognised from cue words in the
  sentence, with date and its precision, fatalities (best / low / high),
  actors, target, location and ``geo_precision``; the location is the
  finest place of the clause that no coarser unit named with it contradicts
  (``consistent``);
* **areas** (polygons): military operations and strike zones, whose geometry
  comes from the administrative units named (a buffer around a point only
  when no unit is named, radius recorded);
* **flows** (lines): displacement, return and relocation of fighters, with
  origin and destination only when the text names them.

Every record keeps the sentence it came from (``notes`` plus character span)
and a confidence (0..1).  Places that are only reference points ("90 miles
northwest of Islamabad", "officials in Rawalpindi", "Pakistan's prime
minister") are kept as mentions and never become events.  Dates are resolved
against the document's publication date by ``resolve_dates``; numbers in
words by ``quantities``.  The rules are cue words and sentence patterns, not
facts about any one article.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import CRS
from shapely.geometry import LineString, Point

from geo import boundaries, geoparse, schema
from geo.document import Document
from geo.geoparse import Place

#: Radius (km) of the circle drawn for an operation whose only named place is a point.
AREA_BUFFER_KM = 25.0

#: A sentence naming no place is read as happening where the last record of the
#: previous this-many sentences happened.
_CONTEXT_SENTENCES = 5

#: ``Place.level`` -> ``geo_precision`` (1 exact place, 2 near it or in its district or tehsil,
#: 3 province, 4 country).  A tehsil's point is its middle, not its town: 2.
_LEVEL_PRECISION = {"ADM0": 4, "ADM1": 3, "DIVISION": 2, "ADM2": 2, "ADM3": 2}
#: Coarseness of a place's unit (0: a point): a unit contradicts only the finer places named with it.
COARSENESS = {None: 0, "ADM3": 1, "ADM2": 2, "DIVISION": 3, "ADM1": 4, "ADM0": 5}
#: A point this close to a unit's edge (degrees, about 10 km) still counts as inside it:
#: gazetteer points and simplified boundaries disagree by that much near borders.
_BORDER_SLACK_DEG = 0.1
_NEIGHBOUR = re.compile(r"\b(?:near|nearby|close to|next to|opposite|adjoining|adjacent to|bordering"
                        r"|borders?(?: with)?|disputed)\s+(?:the\s+)?$", re.IGNORECASE)
_CODE_PRECISION = {"PCLI": 4, "PCLD": 4, "PCLS": 4, "PCL": 4, "ADM1": 3, "ADM2": 2, "ADM3": 2,
                   "AREA": 2}


@dataclass
class Extraction:
    """What ``extract`` found in one document.

    ``events``, ``areas``, ``flows`` and ``places`` are frames in the columns of
    ``geo.schema`` (``places`` holds every mention, with its ``role``);
    ``mentions`` are the resolved places used only as reference points and
    ``unresolved`` the mentions the geoparser could not place.
    """

    events: gpd.GeoDataFrame
    areas: gpd.GeoDataFrame
    flows: gpd.GeoDataFrame
    places: gpd.GeoDataFrame
    mentions: list[Place] = field(default_factory=list)
    unresolved: list[Place] = field(default_factory=list)


@dataclass(frozen=True)
class DateMention:
    """A date expression in a text, resolved to a period [first, last]."""

    start: int
    end: int
    first: dt.date
    last: dt.date
    precision: str          # day, month, year, range
    since: bool = False     # "since June": the start of something still going on


@dataclass(frozen=True)
class Quantity:
    """A number in a text ("at least 145 people") with its bounds and the noun it counts."""

    start: int
    end: int
    best: int
    low: int | None
    high: int | None
    noun: str


def extract(document: Document, places: list[Place]) -> Extraction:
    """Find events, areas and flows in ``document``.

    Parameters
    ----------
    document : Document
        The text and its publication date (relative dates need it).
    places : list of Place
        The geoparser's mentions for ``document.text`` (``geo.geoparse.parse``).

    Returns
    -------
    Extraction
    """
    return _Extractor(document, places).run()


def resolve_dates(text: str, published: dt.date | None) -> list[DateMention]:
    """Every date expression in ``text``, resolved against ``published``.

    Absolute dates ("Dec. 9", "16 December 2014", "in 2008", "June") take
    the publication year when they carry none (the year before when that
    would put them after publication); relative ones ("Tuesday", "last
    Tuesday", "last week", "last spring", "yesterday", "three days ago")
    need ``published`` and are skipped without it.
    """
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for pattern, resolve in _DATE_RULES:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            period = resolve(m, published)
            if period is None:
                continue
            first, last, precision = period
            since = text[max(0, m.start() - 6):m.start()].lower().rstrip().endswith("since")
            found.append(DateMention(m.start(), m.end(), first, last, precision, since))
            taken.append((m.start(), m.end()))
    return sorted(found, key=lambda d: d.start)


def quantities(text: str) -> list[Quantity]:
    """Every counted quantity in ``text``: digits, number words and vague plurals.

    "at least 145 people" -> best 145, low 145; "as many as 30,000 troops" ->
    best 30000, high 30000; "more than one million people" -> low 1000000;
    "between 20 and 30" -> best 20, low 20, high 30; "a half dozen gunmen" -> 6;
    "dozens" -> 24 and "hundreds" -> 200 (the least the plural can mean).
    """
    found = []
    for m in _QUANTITY.finditer(text):
        value = _number(m.group("num"))
        if value is None or _YEAR.fullmatch(m.group("num").strip()) and not m.group("noun"):
            continue
        qualifier = (m.group("qual") or "").lower()
        low = high = None
        if m.group("num2"):
            high = _number(m.group("num2"))
            low = value
        elif any(q in qualifier for q in _AT_LEAST):
            low = value
        elif any(q in qualifier for q in _AT_MOST):
            high = value
        found.append(Quantity(m.start(), m.end(), value, low, high, (m.group("noun") or "").lower()))
    return found


def summary(extraction: Extraction) -> str:
    """Plain-text tables of what was extracted (for the command line)."""
    parts = []
    tables = [
        ("events", extraction.events, ["event_date", "event_type", "sub_event_type", "location",
                                       "fatalities", "actor1", "target", "geo_precision"]),
        ("areas", extraction.areas, ["name", "kind", "start_date", "troops", "admin_units",
                                     "outcomes"]),
        ("flows", extraction.flows, ["kind", "origin", "destination", "count", "unit",
                                     "start_date", "speculative"]),
    ]
    for title, frame, columns in tables:
        parts.append(f"{title}: {len(frame)}")
        if len(frame):
            parts.append(pd.DataFrame(frame[columns]).to_string(index=False, max_colwidth=40))
    unresolved = ", ".join(f"{p.surface!r}@{p.start}" for p in extraction.unresolved)
    parts.append(f"unresolved places: {len(extraction.unresolved)}" + (f" ({unresolved})"
                                                                        if unresolved else ""))
    mentions = ", ".join(p.surface for p in extraction.mentions)
    parts.append(f"places only mentioned: {len(extraction.mentions)}" + (f" ({mentions})"
                                                                           if mentions else ""))
    return "\n".join(parts)


def consistent(places: list[Place], text: str = "") -> list[Place]:
    """The resolved ``places`` of one passage that no coarser unit named beside them contradicts.

    A point lying outside a district or province the same passage names is a
    homonym resolved elsewhere and gives way to the unit.  A province of
    another country is the other side of a border ("between Sialkot and
    Indian-ruled Kashmir"), not a container, and contradicts nothing; nor
    does a unit that ``text`` names as a neighbour ("a village near Peshawar
    on the border with Khyber Agency") or as disputed (a disputed region lies
    on both sides of its line).  When every place is contradicted,
    the resolved places are all kept.

    Parameters
    ----------
    places : list of Place
        The mentions of one passage (a sentence or clause).
    text : str
        The text their offsets refer to; without it no unit is read as a neighbour.
    """
    resolved = [p for p in places if p.resolved]
    units = [p for p in resolved if p.level in ("ADM2", "DIVISION", "ADM1") and p.geometry is not None]
    kept = [p for p in resolved if all(
        shapely.dwithin(u.geometry, Point(p.longitude, p.latitude), _BORDER_SLACK_DEG) for u in units
        if u is not p and COARSENESS.get(u.level, 0) > COARSENESS.get(p.level, 0)
        and not (u.level == "ADM1" and u.country_code != p.country_code)
        and not _NEIGHBOUR.search(text[max(0, u.start - 40):u.start]))]
    return kept or resolved


# ======================================================================================
# Cue words and patterns
# ======================================================================================
_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_MONTH_RE = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
_WEEKDAY_RE = r"(?:" + "|".join(_WEEKDAYS) + r")"
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}
_SMALL = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety"
                                         .split()) if w != "_"}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_VAGUE = {"a couple of": 2, "a few": 3, "several": 3, "a half dozen": 6, "a half-dozen": 6,
          "half a dozen": 6, "a dozen": 12, "dozens of": 24, "dozens": 24, "scores of": 40,
          "hundreds of": 200, "hundreds": 200, "thousands of": 2000, "thousands": 2000,
          "tens of thousands of": 20000, "hundreds of thousands of": 200000, "millions of": 2000000}
_AT_LEAST = ("at least", "more than", "over", "upwards of", "in excess of", "no fewer than",
             "no less than", "a minimum of")
_AT_MOST = ("up to", "as many as", "at most", "no more than", "fewer than", "less than", "nearly",
            "almost", "close to", "as much as")
_NUMBER_WORD = (r"(?:(?:" + "|".join(list(_TENS) + list(_SMALL)) + r")(?:[\s-](?:"
                + "|".join(list(_SMALL) + list(_SCALES)) + r"))*(?:\s(?:" + "|".join(_SCALES)
                + r"))?|a\s(?:hundred|thousand|million))")
_DIGITS = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?"
_NUM = (r"(?:" + "|".join(re.escape(v) for v in sorted(_VAGUE, key=len, reverse=True))
        + r"|(?:" + _DIGITS + r")(?:\s(?:" + "|".join(_SCALES) + r"))?|" + _NUMBER_WORD + r")")
_PERSON_NOUNS = (r"people|persons|civilians|children|students|pupils|schoolchildren|women|men|"
                 r"villagers|worshippers|passengers|residents|bystanders|others|dead|bodies|"
                 r"families|households|refugees|IDPs|migrants|militants|fighters|insurgents|"
                 r"rebels|soldiers|troops|police|policemen|officers|gunmen|attackers|terrorists|"
                 r"combatants|members|jihadists|guards|personnel|staff|workers|farmers|"
                 r"protesters|demonstrators|hostages|pilgrims|victims|killed|wounded|injured")
_QUANTITY = re.compile(
    r"(?<![\w,.])(?P<qual>(?:" + "|".join(_AT_LEAST + _AT_MOST) + r"|about|around|some|approximately|"
    r"roughly|an estimated|estimated|between)\s)?(?P<num>" + _NUM + r")"
    r"(?:\s(?:and|to|or|-)\s(?P<num2>" + _NUM + r"))?"
    r"(?:\s(?:[^\W\d_][\w-]*\s){0,2}?(?P<noun>" + _PERSON_NOUNS + r")\b)?", re.IGNORECASE)
_YEAR = re.compile(r"(?:19|20)\d\d")

# event cue -> (event_type, sub_event_type, specific); first match in this order wins.
_EVENT_CUES = [
    (r"suicide\s(?:bomb\w*|attack\w*|blast|car\sbomb\w*|vest)|blew\s(?:him|her|them)sel(?:f|ves)\sup",
     "Explosions/Remote violence", "Suicide bomb"),
    (r"(?:drone|air|aerial)[\s-]?(?:strike|attack|raid|bombing)s?|airstrikes?|air\sraids?|"
     r"warplanes?|fighter\sjets?|helicopter\sgunships?",
     "Explosions/Remote violence", "Air/drone strike"),
    (r"shell(?:ing|ed|s)\b|artillery|mortars?\b|rockets?\b|missiles?\b",
     "Explosions/Remote violence", "Shelling/artillery/missile attack"),
    (r"roadside\sbombs?|\bIEDs?\b|improvised\sexplosive|landmines?|car\sbombs?|\bbomb(?:s|ing|ings|ed)?\b|"
     r"explosions?|\bblasts?\b", "Explosions/Remote violence", "Remote explosive/landmine/IED"),
    (r"\bclash(?:es|ed)?\b|gun\s?battles?|firefights?|fighting\s(?:between|with|erupted|broke\sout)|"
     r"exchange[ds]?\s(?:of\s)?fire|\bbattled\b|\bfought\b", "Battles", "Armed clash"),
    (r"\b(?:recaptured|retook|regained\scontrol|liberated)\b", "Battles", "Government regains territory"),
    (r"\b(?:seized|captured|overran|took\scontrol\sof|fell\sto)\b", "Battles",
     "Non-state actor overtakes territory"),
    (r"\babduct(?:ed|ion|ions)\b|kidnapp(?:ed|ing|ings)\b|taken\shostage",
     "Violence against civilians", "Abduction/forced disappearance"),
    (r"\briot(?:s|ers|ed|ing)?\b|\bmobs?\b", "Riots", "Violent demonstration"),
    (r"\bprotest(?:s|ers|ed)?\b|demonstrat(?:ion|ions|ors|ed)\b", "Protests", "Peaceful protest"),
    (r"\barrest(?:ed|s)?\b|\bdetained\b", "Strategic developments", "Arrests"),
    (r"\blooted\b|\btorched\b|burned\sdown|set\sfire\sto", "Strategic developments",
     "Looting/property destruction"),
    # generic violence: the type depends on who was hit (see _violent_type)
    (r"\battack(?:s|ed|ing)?\b|\bmassacre[ds]?\b|\bstorm(?:ed|ing)\b|\bgunmen\b|opened\sfire|"
     r"shot\sdead|\bshooting\b|\bsiege\b|\bambush(?:ed)?\b|\bassault(?:ed)?\b|\braid(?:s|ed)?\b|"
     r"\bkill(?:ed|ing|s)\b|\bslain\b|\bslaughtered\b|\bbehead(?:ed|ing)\b", None, None),
]
_EVENT_CUES = [(re.compile(p, re.IGNORECASE), t, s) for p, t, s in _EVENT_CUES]
_KILL = re.compile(r"\b(?:killed|killing|kills|dead|died|die|slain|massacred|executed|"
                   r"lost\stheir\slives|death\stoll|deaths|fatalities|shot\sdead)\b", re.IGNORECASE)
_HURT = re.compile(r"\b(?:wounded|injured|injuring|wounding|hurt)\b", re.IGNORECASE)
_CLAIM = re.compile(r"claim(?:ed|s|ing)?\s(?:responsibility|credit)|took\sresponsibility",
                    re.IGNORECASE)
_MODAL = re.compile(r"\b(?:may|might|could|would|possibl[ey]|likely|risks?|fears?|fear(?:ed)?|"
                    r"warns?|warned|threaten\w*|expected\sto|plans?\sto|planned\sto)\b",
                    re.IGNORECASE)
_OPERATION_TACTICS = {"Air/drone strike", "Shelling/artillery/missile attack"}
_OPERATION = re.compile(r"\b(?:military\s|army\s|ground\s|air\s|security\s)?"
                        r"(?:operation|offensive|campaign|crackdown)s?\b", re.IGNORECASE)
_OPERATION_NAME = re.compile(
    r"\bOperation\s[“\"']?(?P<name>[A-Z][\w]*(?:[\s-][A-Za-z][\w]*)*?)(?=[”\"',.;:)]|\s(?:[a-z]|$))")
_OPERATION_DUBBED = re.compile(r"(?:dubbed|called|named|code-?named)\s[“\"'](?P<name>[^”\"']{3,60})[”\"']")
_ANAPHOR = re.compile(r"^\s*(?:It|Its|They|The\s(?:operation|offensive|campaign|crackdown))\b")
_DISPLACE = re.compile(r"\b(?:displac\w+(?!\s(?:camps?|sites?|settlements?))|fled|flee\w*|evacuat\w+|uproot\w+|exodus|"
                       r"forced\s(?:from|out\sof)\stheir\shomes)\b", re.IGNORECASE)
_RETURN = re.compile(r"\b(?:return(?:ed|ing|s|ees)?|went\sback|resettle\w*)\b", re.IGNORECASE)
_RELOCATE = re.compile(r"\b(?:forc\w+|push\w*|driv\w+|mov\w+|relocat\w+|fle\w+|escap\w+|"
                       r"regroup\w*|infiltrat\w+)\b", re.IGNORECASE)
_FLOW_END = re.compile(r"\b(?:from|out\sof|fled|leaving|left|homes?\s(?:in|at)|to|into|towards?|"
                       r"reached|crossed\sinto|refuge\sin|arrived\sin|camps\sin|shelters\sin|"
                       r"including)\b", re.IGNORECASE)
_FIGHTERS = re.compile(r"\b(?:militants|fighters|insurgents|rebels|jihadists|terrorists|gunmen)\b",
                       re.IGNORECASE)
_DISPLACED_PEOPLE = re.compile(r"\b(?:people|persons|families|households|refugees|residents|"
                               r"civilians|villagers|IDPs|displaced)\b", re.IGNORECASE)
_CIVILIAN_NOUNS = {"people", "persons", "civilians", "children", "students", "pupils",
                   "schoolchildren", "women", "men", "villagers", "worshippers", "passengers",
                   "residents", "bystanders", "others", "families", "refugees", "pilgrims",
                   "farmers", "workers", "staff", "hostages", "protesters", "demonstrators",
                   "victims", "dead", "bodies"}
_ARMED_NOUNS = {"militants", "fighters", "insurgents", "rebels", "soldiers", "troops", "police",
                "policemen", "officers", "gunmen", "attackers", "terrorists", "combatants",
                "jihadists", "guards", "personnel"}
_TARGETS = re.compile(
    r"\b(?:school|college|university|market|bazaar|mosque|church|temple|shrine|hospital|clinic|"
    r"checkpoint|military\sbase|base|barracks|convoy|bus|train|airport|hotel|restaurant|wedding|"
    r"funeral|village|camp|police\sstation|prison|jail|office|embassy|compound|refinery|pipeline|"
    r"bridge|power\s(?:station|plant)|court|parliament|stadium|rally)\b", re.IGNORECASE)
_CIVILIAN_TARGETS = {"school", "college", "university", "market", "bazaar", "mosque", "church",
                     "temple", "shrine", "hospital", "clinic", "bus", "train", "hotel",
                     "restaurant", "wedding", "funeral", "village", "camp", "stadium", "rally"}
_STATE_WORDS = r"military|army|armed\sforces|forces|troops|soldiers|air\sforce|navy|police|" \
               r"government|security\sforces|drones?|drone\sstrikes|warplanes|jets"
_NATIONAL_ACTOR = re.compile(r"\b(?P<nat>(?:the\s)?(?:[A-Z][\w.]*\.?|U\.S\.))\s(?P<force>"
                             + _STATE_WORDS + r")\b")
_GENERIC_ACTOR = re.compile(
    r"\b(?:(?:suicide\s)?bombers?|gunmen|militants|insurgents|rebels|attackers|jihadists|"
    r"terrorists|fighters|the\smilitary|the\sarmy|security\sforces|government\sforces|troops|"
    r"soldiers|police|armed\smen|assailants|protesters|rioters)\b", re.IGNORECASE)
_ORG_WORDS = (r"Taliban|Army|Forces|Front|Movement|Party|Brigades?|Militia|Guard|State|Haram|"
              r"Shabaab|Hezbollah|Hamas|Qaeda|Houthis?|Group|Council|Jihad|Organi[sz]ation|Union|"
              r"Liberation|Resistance|Mujahideen|Lashkar|Jaish")
_ORG = re.compile(r"\b(?:(?:[A-Z][\w’'-]*|al|e|el|of|the|and|for)[\s-]){0,5}(?:" + _ORG_WORDS
                  + r")\b(?:\s(?:of|in|for)\s[A-Z][\w-]+)?")
_ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")
_ALIAS = re.compile(r"(?P<a>[A-Z][\w’'-]*(?:\s[A-Z][\w’'-]*){0,5})\s?[,–—-]+\s(?:also\s)?known\sas\s"
                    r"(?P<b>[A-Z][\w’'-]*(?:[\s-](?:[A-Z][\w’'-]*|e|al|el)){0,6})"
                    r"(?:,?\sor\s(?P<c>[A-Z]{2,6}))?")
_PAREN_ACRONYM = re.compile(r"(?P<b>[A-Z][\w’'-]*(?:[\s-](?:[A-Z][\w’'-]*|e|al|el|of|the)){1,6})"
                            r"\s\((?P<c>[A-Z]{2,6})\)")
# Place roles that are only reference points
_REFERENCE_BEFORE = re.compile(
    r"(?:\b(?:miles|mi|km|kilometres|kilometers|kms)\s(?:(?:north|south|east|west)(?:-?(?:east|west))?"
    r"(?:ern)?\s)?of|\b(?:officials?|spokes(?:man|woman|person)|analysts?|ministers?|sources|"
    r"reporters?|correspondents?|diplomats?|experts?|authorities|officers?|embassy|"
    r"headquarters|capital|official)\s(?:\w+\s)?(?:based\s)?in|according\sto|quoted\sin|"
    r"reported\sby|told)\s(?:the\s)?$", re.IGNORECASE)
_NAME_SUFFIXES = {"province", "district", "region", "city", "valley", "governorate", "state",
                  "county", "agency", "area", "territory", "division", "town", "village"}
_ACTOR_AFTER = re.compile(r"^\s(?:" + _STATE_WORDS + r"|officials?|authorities|prime\sminister|"
                          r"president|leaders?|spokes\w+|minister|media|people|embassy)\b",
                          re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r";\s|,\s(?=(?:when|which|according\sto|explaining|saying|while|whereas)\b)")
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "gen", "col", "lt", "sgt", "capt", "maj", "st", "no",
                  "vs", "etc", "gov", "sen", "rep", "prof", "jr", "sr", "u.s", "u.n", "a.m", "p.m",
                  "e.g", "i.e", "approx", "fig"} | set(_MONTHS)


# ======================================================================================
# The extractor
# ======================================================================================
@dataclass
class _Clause:
    start: int
    end: int
    sentence: tuple[int, int]
    lead: str                 # first word after the break ("when", "which"...), "" for the first


@dataclass
class _Event:
    row: dict
    place: Place
    first: dt.date | None
    last: dt.date | None
    generic: bool
    fallback: bool


class _Extractor:
    def __init__(self, document: Document, places: list[Place]) -> None:
        self.doc = document
        self.text = document.text
        self.places = sorted(places, key=lambda p: p.start)
        self.dates = resolve_dates(self.text, document.published)
        self.quotes = _quote_spans(self.text)
        self.aliases = _alias_groups(self.text)
        self.operations = _operation_names(self.text)
        self.roles: dict[int, str] = {}
        self.events: list[_Event] = []
        self.areas: dict[str, dict] = {}
        self.flows: list[dict] = []
        self.context: list[tuple[int, Place]] = []   # (sentence index, place) of recent records

    # -- driver --------------------------------------------------------------------------
    def run(self) -> Extraction:
        sentences = _sentences(self.text)
        for index, sentence in enumerate(sentences):
            s_text = self.text[sentence[0]:sentence[1]]
            previous = self.text[sentences[index - 1][0]:sentences[index - 1][1]] if index else ""
            operation = self._operation_in(s_text, previous)
            clauses = _clauses(self.text, sentence)
            for number, clause in enumerate(clauses):
                prior = clauses[number - 1] if number else None
                self._clause(index, clause, prior, operation)
            if operation is not None:
                self._feed_area(operation, index, sentence)
        return self._result()

    def _clause(self, index: int, clause: _Clause, prior: _Clause | None,
                operation: str | None) -> None:
        text = self.text[clause.start:clause.end]
        if clause.lead in ("which", "according to") or self.text[clause.sentence[1] - 1] == "?":
            return
        places = self._locations(clause)
        if _CLAIM.search(text):
            self._attribute_claim(clause)
            return
        if _DISPLACE.search(text) or _RETURN.search(text) or (
                _FIGHTERS.search(text) and _RELOCATE.search(text)):
            if self._flows(index, clause, places, operation):
                return
        cue = self._cue(clause)
        if cue is None:
            return
        event_type, sub_type, match = cue
        if operation is not None and (sub_type in _OPERATION_TACTICS or match.group(0).lower()
                                      .startswith("kill")) \
                and not any(self._precision(p) == 1 for p in places):
            return      # tactics and tolls of an operation go to its area, not to a point
        date = self._date(clause, prior, point=True)
        place, fallback = self._pick_location(places, index, clause)
        if place is None:
            return
        self._add_event(index, clause, event_type, sub_type, match, date, place, fallback)

    # -- events --------------------------------------------------------------------------
    def _cue(self, clause: _Clause):
        text = self.text[clause.start:clause.end]
        for pattern, event_type, sub_type in _EVENT_CUES:
            for m in pattern.finditer(text):
                if self._in_quote(clause.start + m.start()):
                    continue
                if event_type is None and not self._violent_enough(text, m):
                    continue
                return event_type, sub_type, m
        return None

    def _violent_enough(self, text: str, match: re.Match) -> bool:
        # "killed" alone needs a count or victims; the other generic cues stand on their own
        if not match.group(0).lower().startswith(("kill", "slain", "slaughter")):
            return True
        return bool(self._fatalities(text)[0] is not None or _TARGETS.search(text))

    def _add_event(self, index, clause, event_type, sub_type, match, date, place, fallback):
        text = self.text[clause.start:clause.end]
        best, low, high, victims = self._fatalities(text)
        actor1, actor2, attackers = self._actors(text, match.start())
        target = _TARGETS.search(text)
        target = target.group(0).lower() if target else ""
        generic = event_type is None
        if generic:
            event_type, sub_type = _violent_type(target, victims, actor2)
        if event_type == "Violence against civilians" and victims not in _ARMED_NOUNS:
            actor2 = "Civilians"
        elif not actor2 and victims in _CIVILIAN_NOUNS:
            actor2 = "Civilians"
        first, last, precision = date
        sentence = clause.sentence
        row = {
            "event_date": first.isoformat() if first else "", "date_precision": precision,
            "event_type": event_type, "sub_event_type": sub_type, "actor1": actor1,
            "actor2": actor2, "actor1_count": attackers, "target": target,
            "fatalities": best, "fatalities_low": low, "fatalities_high": high,
            "notes": self.text[sentence[0]:sentence[1]], "sentence_start": sentence[0],
            "sentence_end": sentence[1],
            "confidence": round(min(1.0, (0.55 + 0.15 * (not generic) + 0.1 * (best is not None)
                                          + 0.1 * (precision != "reported"))
                                    * (0.7 if fallback else 1.0)
                                    * (0.5 + 0.5 * (place.confidence or 0.5))), 3),
        }
        new = _Event(row, place, first, last, generic, fallback)
        if fallback:
            # no place of its own: most likely the latest compatible event told again
            same = [old for old in self.events if self._same_event(old, new, anywhere=True)]
            if same:
                self._merge(same[-1], new)
                return
        self.context.append((index, place))
        for old in self.events:
            if self._same_event(old, new):
                self._merge(old, new)
                return
        self.events.append(new)

    def _same_event(self, a: _Event, b: _Event, anywhere: bool = False) -> bool:
        same_type = a.row["sub_event_type"] == b.row["sub_event_type"]
        if not (a.generic or b.generic or same_type) or (anywhere and not (b.generic or same_type)):
            return False
        dated = "reported" not in (a.row["date_precision"], b.row["date_precision"])
        if dated and a.first and b.first and (a.last < b.first or b.last < a.first):
            return False
        if a.row["fatalities"] is not None and b.row["fatalities"] is not None and \
                a.row["fatalities"] != b.row["fatalities"]:
            return False
        return anywhere or _contains(a.place, b.place) or _contains(b.place, a.place)

    def _merge(self, old: _Event, new: _Event) -> None:
        row, add = old.row, new.row
        if not new.fallback and (old.fallback
                                 or self._precision(new.place) < self._precision(old.place)):
            old.place, old.fallback = new.place, new.fallback
        if new.first and (not old.first or _span(new) < _span(old)):
            old.first, old.last = new.first, new.last
            row["event_date"], row["date_precision"] = add["event_date"], add["date_precision"]
        if old.generic and not new.generic:
            row["event_type"], row["sub_event_type"], old.generic = \
                add["event_type"], add["sub_event_type"], False
        if add["fatalities"] is not None and row["fatalities"] is None:
            for key in ("fatalities", "fatalities_low", "fatalities_high", "notes",
                        "sentence_start", "sentence_end"):
                row[key] = add[key]
        for key in ("actor1", "actor2"):
            if add[key] and (not row[key] or (_is_generic_actor(row[key])
                                              and not _is_generic_actor(add[key]))):
                row[key] = add[key]
        for key in ("actor1_count", "target"):
            if not row[key] and add[key]:
                row[key] = add[key]
        row["confidence"] = round(min(1.0, max(row["confidence"], add["confidence"]) + 0.05), 3)

    def _attribute_claim(self, clause: _Clause) -> None:
        text = self.text[clause.start:clause.end]
        claim = _CLAIM.search(text)
        actors = self._actor_mentions(text[:claim.start()])
        if not actors or not self.events:
            return
        name = actors[0][2]
        first, _, _ = self._date(clause, None, point=True)
        # the claim is about the latest event reported before it that happened at most a week earlier
        candidates = [e for e in self.events if e.row["event_type"] not in ("Protests", "Riots")
                      and (first is None or e.first is None
                           or 0 <= (first - e.last).days <= 7 or e.first <= first <= e.last)]
        if candidates:
            event = max(candidates, key=lambda e: e.row["sentence_start"])
            if not event.row["actor1"] or _is_generic_actor(event.row["actor1"]):
                event.row["actor1"] = name

    def _fatalities(self, text: str):
        """(best, low, high, victims noun) of the killed count in ``text``."""
        for q in quantities(text):
            after = text[q.end:q.end + 30]
            before = text[max(0, q.start - 40):q.start]
            between = text[q.end:q.end + 60]
            kill_after = _KILL.search(between)
            hurt_after = _HURT.search(between)
            counted = q.noun or re.match(r"\s(?:(?:were|was|have\sbeen|had\sbeen|are)\s)?$",
                                         between[:kill_after.start()] if kill_after else "x")
            # "Six gunmen attacked a school, killing 5 people": the number after the verb counts
            counted_after = kill_after and _QUANTITY.match(between[kill_after.end():].lstrip())
            if kill_after and counted and not (hurt_after and hurt_after.start() < kill_after.start()) \
                    and not _QUANTITY_BETWEEN(between[:kill_after.start()]) and not counted_after:
                return q.best, q.low, q.high, q.noun
            if re.search(r"(?:killed|killing|kills|death\stoll\s(?:of|rose\sto|at|reached))\s*$",
                         before, re.IGNORECASE) and not _HURT.match(after):
                return q.best, q.low, q.high, q.noun
        return None, None, None, ""

    def _actors(self, text: str, cue_at: int) -> tuple[str, str, int | None]:
        mentions = self._actor_mentions(text)
        attackers = None
        for q in quantities(text):
            if q.noun in ("gunmen", "attackers", "militants", "fighters", "insurgents", "terrorists") \
                    and not _KILL.search(text[q.end:q.end + 40]):
                attackers = q.best
                break
        by = re.search(r"\bby\s(?:a\s|an\s|the\s)?", text)
        passive = [m for m in mentions if by and m[0] == by.end()]
        before = [m for m in mentions if m[0] < cue_at]
        after = [m for m in mentions if m[0] >= cue_at]
        first = passive or before or after
        actor1 = first[0][2] if first else ""
        rest = [m for m in mentions if m[2] != actor1]
        actor2 = rest[0][2] if rest else ""
        return actor1, actor2, attackers

    def _actor_mentions(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, canonical name) of actors named in ``text``, in order."""
        found: list[tuple[int, int, str]] = []

        def add(start, end, name):
            if not any(s <= start < e or start <= s < end for s, e, _ in found):
                found.append((start, end, name))

        for m in _ORG.finditer(text):
            name = _clean_name(m.group(0))
            if name and name[0].isupper() and name.lower() not in ("army", "state"):
                add(m.start(), m.end(), self._canonical(name))
        for m in _ACRONYM.finditer(text):
            if any(m.group(0) in group for group in self.aliases):
                add(m.start(), m.end(), self._canonical(m.group(0)))
        for m in _NATIONAL_ACTOR.finditer(text):
            nat = re.sub(r"^the\s", "", m.group("nat"))
            if nat[0].isupper() and nat not in ("The", "A", "An", "It", "Its"):
                add(m.start(), m.end(), f"{nat} {m.group('force')}".replace("drones", "drone"))
        for m in _GENERIC_ACTOR.finditer(text):
            add(m.start(), m.end(), m.group(0).lower().replace("the ", ""))
        return sorted(found)

    def _canonical(self, name: str) -> str:
        """The fullest name the document gives an actor ("Taliban" -> "... Pakistan (TTP)")."""
        key = re.sub(r"[’']s$", "", name)
        groups = [g for g in self.aliases if key in g]
        if not groups:
            groups = [g for g in self.aliases
                      if any(re.search(rf"\b{re.escape(key)}\b", member) for member in g)]
        if len(groups) != 1:
            return key
        members = sorted(groups[0], key=len, reverse=True)
        acronyms = [m for m in members if _ACRONYM.fullmatch(m)]
        full = next((m for m in members if not _ACRONYM.fullmatch(m)), members[0])
        return f"{full} ({acronyms[0]})" if acronyms and full != acronyms[0] else full

    # -- areas ---------------------------------------------------------------------------
    def _operation_in(self, sentence: str, previous: str) -> str | None:
        """Name of the operation ``sentence`` talks about, if any."""
        for name, aliases in self.operations.items():
            if any(re.search(rf"\b{re.escape(a)}\b", sentence) for a in aliases):
                self._last_operation = name
                return name
        if _OPERATION.search(sentence) or (_ANAPHOR.match(sentence) and previous
                                           and getattr(self, "_last_sentence_op", None)):
            name = getattr(self, "_last_operation", None) or (
                next(iter(self.operations)) if self.operations else "military operation")
            self._last_operation = name
            self._last_sentence_op = True
            return name
        self._last_sentence_op = False
        return None

    def _feed_area(self, name: str, index: int, sentence: tuple[int, int]) -> None:
        text = self.text[sentence[0]:sentence[1]]
        area = self.areas.setdefault(name, {
            "name": name, "kind": "military operation", "units": [], "points": [], "troops": None,
            "outcomes": [], "forces": "", "first": None, "precision": "", "notes": text,
            "sentence_start": sentence[0], "sentence_end": sentence[1], "n": 0})
        self._last_sentence_op = True
        area["n"] += 1
        if name in self.operations and not any(
                re.search(rf"\b{re.escape(a)}\b", area["notes"]) for a in self.operations[name]) \
                and any(re.search(rf"\b{re.escape(a)}\b", text) for a in self.operations[name]):
            area.update(notes=text, sentence_start=sentence[0], sentence_end=sentence[1])
        for clause in _clauses(self.text, sentence):
            if clause.lead in ("which", "according to"):
                continue
            for place in self._locations(clause):
                if self._precision(place) in (2, 3):
                    if place.name not in [p.name for p in area["units"]]:
                        area["units"].append(place)
                    self.roles[place.start] = "area"
                    self.context.append((index, place))
                elif self._precision(place) == 1 and place.name not in [p.name for p in area["points"]]:
                    area["points"].append(place)
        for q in quantities(text):
            if q.noun in ("troops", "soldiers", "personnel") and not _KILL.search(text[q.end:q.end + 30]):
                area["troops"] = max(area["troops"] or 0, q.high or q.best)
        best, _, _, victims = self._fatalities(text)
        if best is not None and not self._in_quote(sentence[0] + text.find(str(best)[:1])):
            area["outcomes"].append(f"{best:,} {victims or 'people'} killed")
        for pattern, event_type, sub_type in _EVENT_CUES[:3]:
            m = pattern.search(text)
            if m and sub_type not in area["outcomes"]:
                area["outcomes"].append(m.group(0).lower())
        if not area["forces"] or _is_generic_actor(area["forces"]):
            forces = [m[2] for m in self._actor_mentions(text)
                      if re.search(_STATE_WORDS, m[2], re.IGNORECASE) and m[2] != "troops"]
            named = [f for f in forces if not _is_generic_actor(f)]
            area["forces"] = (named or forces or [area["forces"]])[0]
        starts = [d for d in self.dates if sentence[0] <= d.start < sentence[1] and d.since]
        launched = re.search(r"\b(?:launched|began|started|begun|initiated)\b", text)
        if launched:
            clause = next(c for c in _clauses(self.text, sentence)
                          if c.start <= sentence[0] + launched.start() < c.end)
            prior = None
            for c in _clauses(self.text, sentence):
                if c.start == clause.start:
                    break
                prior = c
            first, _, precision = self._date(clause, prior, point=False)
            if first:
                area["first"], area["precision"] = first, precision
        elif starts and area["first"] is None:
            area["first"], area["precision"] = starts[0].first, starts[0].precision

    # -- flows ---------------------------------------------------------------------------
    def _flows(self, index: int, clause: _Clause, places: list[Place], operation: str | None) -> bool:
        text = self.text[clause.start:clause.end]
        sentence_text = self.text[clause.sentence[0]:clause.sentence[1]]
        fighters = _FIGHTERS.search(text) and _RELOCATE.search(text) and not _DISPLACED_PEOPLE.search(text)
        displaced, returned = _DISPLACE.search(text), _RETURN.search(text)
        if not fighters and not _DISPLACED_PEOPLE.search(text):
            return False
        count = next((q for q in quantities(text) if q.noun and q.noun not in
                      ("killed", "wounded", "injured")), None)
        unit = "fighters" if fighters else ("families" if count and count.noun in
                                            ("families", "households") else "people")
        ends = self._flow_ends(clause, places)
        date = self._date(clause, None, point=False)
        area_units = self.areas.get(operation, {}).get("units", []) if operation else []
        speculative = bool(_MODAL.search(sentence_text))
        kinds = []
        if fighters:
            origin = ends["from"] or ends["home"] or (area_units[0] if area_units and operation else None)
            kinds.append(("relocation", origin, ends["to"], date))
        else:
            if returned:
                kinds.append(("return", ends["from"], ends["to"] or ends["home"], date))
            if displaced:
                by_operation = operation and re.search(r"displaced\sby\s(?:the|this|an?)\s", text)
                area = self.areas.get(operation, {}) if by_operation else {}
                first = area.get("first")
                disp_date = (first, None, area.get("precision", "")) if first else \
                    (date if not returned else (None, None, ""))
                kinds.append(("displacement", ends["from"] or ends["home"],
                              None if returned else ends["to"], disp_date))
        for kind, origin, destination, (first, _, precision) in kinds:
            self.flows.append(self._flow_row(kind, origin, destination, count, unit, first,
                                             speculative, clause))
            for end in (origin, destination):
                if end is not None:
                    self.roles[end.start] = "flow"
                    self.context.append((index, end))
        return bool(kinds)

    def _flow_ends(self, clause: _Clause, places: list[Place]) -> dict:
        ends = {"from": None, "to": None, "home": None}
        for place in places:
            before = self.text[max(clause.start, place.start - 60):place.start]
            # the closest preposition before the place says which end it is
            cues = list(_FLOW_END.finditer(before))
            if not cues:
                continue
            cue = cues[-1].group(0).lower()
            end = "from" if cue.startswith(("from", "out", "fled", "leav", "left")) else \
                "home" if cue.startswith("home") else "to"
            if ends[end] is None:
                ends[end] = place
        return ends

    def _flow_row(self, kind, origin, destination, count, unit, first, speculative, clause) -> dict:
        geometry = None
        if origin is not None and destination is not None:
            geometry = LineString([(origin.longitude, origin.latitude),
                                   (destination.longitude, destination.latitude)])
        sentence = clause.sentence
        row = {"kind": kind, "count": count.best if count else None, "unit": unit,
               "start_date": first.isoformat() if first else "", "end_date": "",
               "speculative": speculative, "notes": self.text[sentence[0]:sentence[1]],
               "sentence_start": sentence[0], "sentence_end": sentence[1],
               "confidence": round(0.5 + 0.15 * (origin is not None) + 0.15 * (destination is not None)
                                   + 0.1 * (count is not None) - 0.2 * speculative, 3),
               "geometry": geometry}
        for prefix, place in (("origin", origin), ("destination", destination)):
            if place is not None:
                row.update({prefix: place.name or place.surface, f"{prefix}_latitude": place.latitude,
                            f"{prefix}_longitude": place.longitude,
                            f"{prefix}_admin2": place.admin2 or (place.name if place.level in
                                                                 ("ADM2", "DIVISION") else "")})
        return row

    # -- places and dates ------------------------------------------------------------------
    def _locations(self, clause: _Clause) -> list[Place]:
        """Resolved places of ``clause`` that can be where something happened."""
        out = []
        for place in self.places:
            if not (clause.start <= place.start < clause.end) or not place.resolved:
                continue
            if self._is_reference(place):
                continue
            out.append(place)
        return out

    def _is_reference(self, place: Place) -> bool:
        before = self.text[max(0, place.start - 60):place.start]
        after = self.text[place.end:place.end + 40]
        if self._in_quote(place.start) or _REFERENCE_BEFORE.search(before):
            return True
        if re.match(r"[’']s\b", after) or _ACTOR_AFTER.match(after):
            return True
        name_part = re.match(r"\s([A-Z][a-z]+)", after)
        return bool(name_part and name_part.group(1).lower() not in _NAME_SUFFIXES)

    def _pick_location(self, places: list[Place], index: int, clause: _Clause):
        if places:
            # "60 km south of Peshawar": the event is where the reference points, not at Peshawar
            places = [p for p in places if p.relative is None] or [
                geoparse.pointed(p) for p in places if p.relative is not None]
            places = consistent(places, self.text) or places
            return min(places, key=lambda p: (self._precision(p), abs(p.start - clause.start))), False
        for sentence_index, place in reversed(self.context):
            if index - sentence_index <= _CONTEXT_SENTENCES:
                return place, True
        return None, False

    def _date(self, clause: _Clause, prior: _Clause | None, point: bool):
        """(first, last, precision) of ``clause``; point events ignore "since" dates."""
        dates = [d for d in self.dates if clause.start <= d.start < clause.end
                 and not (point and d.since)]
        if not dates and prior is not None and clause.lead == "when":
            dates = [d for d in self.dates if prior.start <= d.start < prior.end][-1:]
        if dates:
            d = min(dates, key=lambda d: (d.last - d.first))
            return d.first, d.last, d.precision
        if point and self.doc.published:
            return self.doc.published, self.doc.published, "reported"
        return None, None, ""

    def _precision(self, place: Place) -> int:
        if place.level in _LEVEL_PRECISION:
            return _LEVEL_PRECISION[place.level]
        return _CODE_PRECISION.get((place.feature_code or "").upper(), 1)

    def _in_quote(self, offset: int) -> bool:
        return any(s <= offset < e for s, e in self.quotes)

    # -- frames ----------------------------------------------------------------------------
    def _result(self) -> Extraction:
        doc_id = self.doc.doc_id
        rows = []
        for n, event in enumerate(self.events, 1):
            place = event.place
            self.roles[place.start] = "event"
            rows.append({**event.row, "event_id": f"{doc_id}:e{n}", "doc_id": doc_id,
                         "source_dataset": "text", "location": place.name or place.surface,
                         "geo_precision": max(self._precision(place), 2 if event.fallback else 1),
                         "latitude": place.latitude, "longitude": place.longitude,
                         "geometry": Point(place.longitude, place.latitude)})
        events = schema.conform(_with_admin(gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326"))
                                if rows else schema.empty("events"), "events")
        area_rows = []
        for n, area in enumerate(self.areas.values(), 1):
            # a circle around a town only when the text names no district or province
            units = area["units"] or area["points"]
            if not units:
                continue
            for place in units:
                self.roles[place.start] = "area"
            geometry, buffer_km = _area_geometry(units)
            area_rows.append({
                "area_id": f"{doc_id}:a{n}", "doc_id": doc_id, "source_dataset": "text",
                "name": area["name"], "kind": area["kind"],
                "start_date": area["first"].isoformat() if area["first"] else "",
                "date_precision": area["precision"], "forces": area["forces"],
                "troops": area["troops"], "outcomes": "; ".join(area["outcomes"]),
                "admin_units": ", ".join(p.name or p.surface for p in units),
                "buffer_km": buffer_km, "notes": area["notes"],
                "sentence_start": area["sentence_start"], "sentence_end": area["sentence_end"],
                "confidence": round(min(1.0, 0.5 + 0.1 * area["n"]), 3), "geometry": geometry})
        area_rows += self._strike_zones(doc_id, len(area_rows))
        areas = schema.conform(gpd.GeoDataFrame(area_rows, geometry="geometry", crs="EPSG:4326")
                               if area_rows else schema.empty("areas"), "areas")
        flow_rows = [{**row, "flow_id": f"{doc_id}:f{n}", "doc_id": doc_id, "source_dataset": "text"}
                     for n, row in enumerate(self.flows, 1)]
        flows = schema.conform(gpd.GeoDataFrame(flow_rows, geometry="geometry", crs="EPSG:4326")
                               if flow_rows else schema.empty("flows"), "flows")
        place_rows = [{
            "place_id": f"{doc_id}:{p.start}", "doc_id": doc_id, "start": p.start, "end": p.end,
            "surface": p.surface, "name": p.name or "", "geonameid": p.geonameid,
            "feature_class": p.feature_class or "", "feature_code": p.feature_code or "",
            "country_code": p.country_code or "", "admin1": p.admin1 or "", "admin2": p.admin2 or "",
            "confidence": p.confidence, "evidence": p.evidence, "resolved": p.resolved,
            "role": self.roles.get(p.start, "mention") if p.resolved else "",
            "geometry": Point(p.longitude, p.latitude) if p.resolved else None}
            for p in self.places]
        frame = schema.conform(gpd.GeoDataFrame(place_rows, geometry="geometry", crs="EPSG:4326")
                               if place_rows else schema.empty("places"), "places")
        mentions = [p for p in self.places if p.resolved and self.roles.get(p.start) is None]
        unresolved = [p for p in self.places if not p.resolved]
        return Extraction(events, areas, flows, frame, mentions, unresolved)

    def _strike_zones(self, doc_id: str, offset: int) -> list[dict]:
        rows = []
        for event in self.events:
            row = event.row
            plural = re.search(r"strikes|raids|shelling", row["notes"], re.IGNORECASE)
            if row["sub_event_type"] not in ("Air/drone strike", "Shelling/artillery/missile attack") \
                    or not plural or self._precision(event.place) == 1:
                continue
            geometry, buffer_km = _area_geometry([event.place])
            rows.append({
                "area_id": f"{doc_id}:a{offset + len(rows) + 1}", "doc_id": doc_id,
                "source_dataset": "text", "name": f"{row['actor1']} {row['sub_event_type'].lower()}s"
                .strip(), "kind": "strike zone",
                "start_date": row["event_date"] if row["date_precision"] != "reported" else "",
                "date_precision": row["date_precision"], "forces": row["actor1"],
                "admin_units": event.place.name or event.place.surface, "buffer_km": buffer_km,
                "notes": row["notes"], "sentence_start": row["sentence_start"],
                "sentence_end": row["sentence_end"], "confidence": row["confidence"],
                "geometry": geometry})
        return rows


# ======================================================================================
# helpers
# ======================================================================================
def _sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: split at . ! ? before a capital, except after abbreviations; and at newlines."""
    spans = []
    for para in re.finditer(r"[^\n]+", text):
        start = para.start()
        for m in re.finditer(r"[.!?][”\"’')]*\s+(?=[“\"‘(]?[A-Z0-9])", para.group(0)):
            cut = para.start() + m.start()
            word = re.search(r"([\w.]+)$", text[start:cut + 1].rstrip("."))
            token = word.group(1).lower().rstrip(".") if word else ""
            if text[cut] == "." and (token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha())):
                continue
            end = para.start() + m.end()
            spans.append((start, len(text[:end].rstrip())))
            start = end
        if text[start:para.end()].strip():
            spans.append((start, para.end()))
    return spans


def _clauses(text: str, sentence: tuple[int, int]) -> list[_Clause]:
    start, cuts = sentence[0], []
    for m in _CLAUSE_BREAK.finditer(text, sentence[0], sentence[1]):
        cuts.append((start, m.start(), m.end()))
        start = m.end()
    out, lead = [], ""
    for first, end, nxt in cuts:
        out.append(_Clause(first, end, sentence, lead))
        word = re.match(r"according\sto|\w+", text[nxt:sentence[1]])
        lead = word.group(0).lower() if word else ""
    out.append(_Clause(start, sentence[1], sentence, lead))
    return out


def _quote_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"“[^”]{15,}”|\"[^\"\n]{15,}\"", text)]


def _alias_groups(text: str) -> list[set[str]]:
    """Names the text says are the same actor ("X, known as Y, or Z"; "Y (Z)")."""
    groups: list[set[str]] = []
    for m in list(_ALIAS.finditer(text)) + list(_PAREN_ACRONYM.finditer(text)):
        names = {_clean_name(n.strip(" ,-–—")) for n in m.groupdict().values() if n}
        for group in groups:
            if group & names:
                group |= names
                break
        else:
            groups.append(names)
    return groups


def _clean_name(name: str) -> str:
    """An organisation's name without leading article or "Fighters of the"."""
    name = re.sub(r"^(?:the|The|A|An|a|an)\s", "", name).strip(" -")
    return re.sub(r"^(?:Fighters|Members|Militants|Soldiers|Troops|Units|Forces|Gunmen)\s"
                  r"(?:of|from)\s(?:the\s)?", "", name)


def _operation_names(text: str) -> dict[str, list[str]]:
    """Named operations -> the forms the text uses ("Operation Zarb-e-Azb", "Zarb-e-Azb")."""
    names: dict[str, list[str]] = {}
    for m in list(_OPERATION_NAME.finditer(text)) + list(_OPERATION_DUBBED.finditer(text)):
        bare = re.sub(r"^Operation\s", "", m.group("name").strip(" ,.")).strip()
        if len(bare) < 3:
            continue
        full = f"Operation {bare}"
        names.setdefault(full, [full, bare])
    return names


def _number(words: str) -> int | None:
    words = words.lower().strip()
    if words in _VAGUE:
        return _VAGUE[words]
    digits = re.fullmatch(r"(" + _DIGITS + r")(?:\s(" + "|".join(_SCALES) + r"))?", words)
    if digits:
        value = float(digits.group(1).replace(",", ""))
        return int(round(value * (_SCALES[digits.group(2)] if digits.group(2) else 1)))
    total, current = 0, 0
    for word in re.split(r"[\s-]+", words):
        if word == "a":
            current = 1
        elif word in _SMALL:
            current += _SMALL[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in _SCALES:
            total += max(current, 1) * _SCALES[word]
            current = 0
        else:
            return None
    return total + current


def _QUANTITY_BETWEEN(text: str) -> bool:
    return bool(re.search(r"\d|\b(?:" + "|".join(list(_SMALL)[1:] + list(_TENS)) + r")\b", text,
                          re.IGNORECASE))


def _violent_type(target: str, victims: str, actor2: str) -> tuple[str, str]:
    if victims in _ARMED_NOUNS or target in ("checkpoint", "military base", "base", "barracks",
                                             "convoy", "police station"):
        return "Battles", "Armed clash"
    return "Violence against civilians", "Attack"


def _is_generic_actor(name: str) -> bool:
    return bool(_GENERIC_ACTOR.fullmatch(name)) or name.islower()


def _contains(outer: Place, inner: Place) -> bool:
    """True when ``inner`` is ``outer`` or lies within it (by name, admin codes or polygon)."""
    if (outer.name or outer.surface) == (inner.name or inner.surface):
        return True
    if outer.level == "ADM0" or (outer.feature_code or "").startswith("PCL"):
        return bool(outer.country_code) and outer.country_code == inner.country_code
    if outer.geometry is not None and outer.geometry.geom_type in ("Polygon", "MultiPolygon") \
            and inner.resolved:
        return bool(outer.geometry.covers(Point(inner.longitude, inner.latitude)))
    return False


def _span(event: _Event) -> int:
    """Length of the event's period in days; undated ("reported") counts as unknown."""
    if not (event.first and event.last) or event.row["date_precision"] == "reported":
        return 10**6
    return (event.last - event.first).days


def _with_admin(events: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add admin0/1/2 by point in polygon, blanking units finer than ``geo_precision``."""
    joined = boundaries.join(events)
    for column, finest in (("admin0", 5), ("admin1", 3), ("admin2", 2)):
        values = joined[column].astype(object).where(joined[column].notna(), "")
        joined[column] = values.where(joined["geo_precision"] <= finest, "")
    return joined


def _area_geometry(units: list[Place]):
    """Union of the units' polygons, or buffers of ``AREA_BUFFER_KM`` around point places."""
    polygons, buffered = [], False
    for place in units:
        geometry = place.geometry
        if geometry is not None and geometry.geom_type in ("Polygon", "MultiPolygon"):
            polygons.append(geometry)
            continue
        local = CRS.from_proj4(f"+proj=aeqd +lat_0={place.latitude} +lon_0={place.longitude} +units=m")
        circle = gpd.GeoSeries([Point(0, 0).buffer(AREA_BUFFER_KM * 1000, 32)], crs=local)
        polygons.append(circle.to_crs("EPSG:4326").iloc[0])
        buffered = True
    return shapely.union_all(polygons), (AREA_BUFFER_KM if buffered else None)


# -- date rules ------------------------------------------------------------------------------
def _before_publication(year: int, month: int, day: int, published: dt.date | None) -> dt.date | None:
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None
    if published and date > published and (date - published).days > 31:
        date = date.replace(year=year - 1)
    return date


def _month_period(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _rule_iso(m, published):
    try:
        day = dt.date.fromisoformat(m.group(0))
    except ValueError:
        return None
    return day, day, "day"


def _rule_day_month(m, published):
    month = _MONTHS[m.group("month").lower().rstrip(".")]
    year = int(m.group("year")) if m.group("year") else (published.year if published else None)
    if year is None:
        return None
    day = None
    if m.group("year"):
        try:
            day = dt.date(year, month, int(m.group("day")))
        except ValueError:
            return None
    else:
        day = _before_publication(year, month, int(m.group("day")), published)
    return (day, day, "day") if day else None


def _rule_month_year(m, published):
    month = _MONTHS[m.group("month").lower().rstrip(".")]
    year = int(m.group("year")) if m.group("year") else None
    if year is None:
        if not published:
            return None
        year = published.year if month <= published.month else published.year - 1
    first, last = _month_period(year, month)
    return first, last, "month"


def _rule_year(m, published):
    year = int(m.group("year"))
    return dt.date(year, 1, 1), dt.date(year, 12, 31), "year"


def _rule_weekday(m, published):
    if not published:
        return None
    weekday = _WEEKDAYS[m.group("day").lower()]
    back = (published.weekday() - weekday) % 7
    if (m.group("which") or "").lower() == "last" and back == 0:
        back = 7
    if (m.group("which") or "").lower() == "next":
        back = -((weekday - published.weekday()) % 7 or 7)
    day = published - dt.timedelta(days=back)
    return day, day, "day"


def _rule_relative_day(m, published):
    if not published:
        return None
    offset = {"today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0,
              "yesterday": -1, "tomorrow": 1}[re.sub(r"\s+", " ", m.group(0).lower())]
    day = published + dt.timedelta(days=offset)
    return day, day, "day"


def _rule_relative_period(m, published):
    if not published:
        return None
    which, unit = m.group("which").lower(), m.group("unit").lower()
    shift = -1 if which == "last" else 0
    if unit == "week":
        monday = published - dt.timedelta(days=published.weekday()) + dt.timedelta(weeks=shift)
        return monday, monday + dt.timedelta(days=6), "range"
    if unit == "month":
        year, month = divmod(published.year * 12 + published.month - 1 + shift, 12)
        first, last = _month_period(year, month + 1)
        return first, last, "month"
    year = published.year + shift
    return dt.date(year, 1, 1), dt.date(year, 12, 31), "year"


def _rule_season(m, published):
    season = (m.group("season") or m.group("season2")).lower()
    first_month, last_month = _SEASONS[season]
    which = (m.group("which") or "").lower()
    if m.group("year"):
        year = int(m.group("year"))
    elif not published:
        return None
    else:
        # the season that began most recently, then step back for "last", on for "next"
        year = published.year if dt.date(published.year, first_month, 1) <= published \
            else published.year - 1
        if which == "last" and _season_end(year, first_month, last_month) >= published:
            year -= 1
        elif which == "next":
            year += 1
    return dt.date(year, first_month, 1), _season_end(year, first_month, last_month), "range"


def _season_end(year: int, first_month: int, last_month: int) -> dt.date:
    end_year = year + (first_month > last_month)
    return dt.date(end_year, last_month, calendar.monthrange(end_year, last_month)[1])


def _rule_ago(m, published):
    if not published:
        return None
    amount = _number(m.group("n")) or 1
    unit = m.group("unit").lower().rstrip("s")
    days = {"day": 1, "week": 7, "month": 30, "year": 365}[unit] * amount
    day = published - dt.timedelta(days=days)
    return (day, day, "day") if unit == "day" else (day, day, "range")


_DATE_RULES = [(re.compile(p, re.IGNORECASE if flags else 0), rule) for p, rule, flags in [
    (r"\b\d{4}-\d{2}-\d{2}\b", _rule_iso, False),
    (r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s(?P<month>" + _MONTH_RE + r")(?:,?\s(?P<year>(?:19|20)\d\d))?\b",
     _rule_day_month, True),
    (r"\b(?P<month>" + _MONTH_RE + r")\s(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s(?P<year>(?:19|20)\d\d))?",
     _rule_day_month, True),
    (r"\b(?P<which>last|this|next)\s(?P<season>spring|summer|autumn|fall|winter)\b|"
     r"\b(?P<season2>spring|summer|autumn|winter)\s(?:of\s)?(?P<year>(?:19|20)\d\d)\b", _rule_season, True),
    (r"\b(?P<month>January|February|March|April|June|July|August|September|October|November|"
     r"December|Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)(?:\s(?:of\s)?(?P<year>(?:19|20)\d\d))?\b",
     _rule_month_year, False),
    (r"\b(?:(?P<which>last|this|next|on)\s)?(?P<day>" + _WEEKDAY_RE + r")\b", _rule_weekday, True),
    # lower case only: "Pakistan Today" is a newspaper
    (r"\b(?:today|tonight|this\smorning|this\safternoon|this\sevening|yesterday|tomorrow)\b",
     _rule_relative_day, False),
    (r"\b(?P<which>last|this)\s(?P<unit>week|month|year)\b", _rule_relative_period, True),
    (r"\b(?P<n>\w+)\s(?P<unit>days?|weeks?|months?|years?)\sago\b", _rule_ago, True),
    (r"(?<![\d,.])(?:(?<=in\s)|(?<=since\s)|(?<=during\s)|(?<=until\s)|(?<=of\s)|(?<=from\s)|"
     r"(?<=early\s)|(?<=late\s)|(?<=mid-))(?P<year>(?:19|20)\d\d)\b(?!,\d)", _rule_year, False),
]]

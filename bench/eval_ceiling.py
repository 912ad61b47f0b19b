"""How well any event locator could do on the UCDP development set with the shipped gazetteer.

For each event record, every gazetteer entry whose name or spelling variant
is a run of one to five words of the record's text is a place the record
could mean.  An oracle that always picked, with hindsight, the entry closest
to the coded coordinates would score the Accuracy@25/50 km printed here; an
oracle that always knew which entry lay in the coded district would score
the admin2 figure.  Only a record that places the event by a distance and
bearing from a named place ("55 km northwest of Muzaffarabad") can reach a
point no entry has; the script adds those records as if each were right, for
a bound no disambiguation can beat.  The rest of the events name only places
the gazetteer lacks (villages, posts, sectors).

Run: ``python bench/eval_ceiling.py`` (reads ``../shared/eval`` beside the
project, as ``make eval`` does; development only).
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import geopandas as gpd

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(EVAL))

import score  # (the scorer's own loaders, distances and admin-name rules)

from bench.eval_adapter import era_district
from geo import boundaries, gazetteer

_WORD = re.compile(r"[^\W\d_][\w'-]*")
_DISTANCE = re.compile(r"\d+\s*(?:km|kilomet|mile)", re.IGNORECASE)
_LONGEST_RUN = 5


def main() -> None:
    gaz = gazetteer.load()
    lat, lon = gaz.places["latitude"].to_numpy(float), gaz.places["longitude"].to_numpy(float)
    events = score.load_ucdp()
    matched = [_entries(score.ucdp_text(e), gaz) for e in events]
    rows = sorted(set().union(*matched))
    district = dict(zip(rows, boundaries.join(gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(lon[rows], lat[rows]), crs="EPSG:4326"))["admin2"]))
    near25 = near50 = any_entry = in_district = with_district = 0
    for e, found in zip(events, matched):
        pointed = bool(_DISTANCE.search(score.ucdp_text(e)))
        km = min((score.haversine_km(e["latitude"], e["longitude"], lat[r], lon[r]) for r in found),
                 default=float("inf"))
        any_entry += bool(found)
        near25 += pointed or km <= 25
        near50 += pointed or km <= 50
        if e.get("adm_2"):
            with_district += 1
            gold = score._norm_admin(e["adm_2"])
            in_district += pointed or any(
                score._norm_admin(era_district(_text(district[r]))) == gold for r in found)
    n = len(events)
    print(f"UCDP development events: {n}; naming some gazetteer entry: {100 * any_entry / n:.1f}%")
    print(f"ceiling with the shipped gazetteer: Acc@25 {100 * near25 / n:.1f}%  "
          f"Acc@50 {100 * near50 / n:.1f}%  admin2 {100 * in_district / with_district:.1f}%")


def _entries(text: str, gaz: gazetteer.Gazetteer) -> set[int]:
    """Row numbers of every entry named, or spelt like, a run of words of ``text``."""
    words = _WORD.findall(text)
    found: set[int] = set()
    for i in range(len(words)):
        for j in range(i + 1, min(i + _LONGEST_RUN, len(words)) + 1):
            run = " ".join(words[i:j])
            found.update(gaz.lookup(run))
            found.update(gaz.lookup_variant(run))
    return found


def _text(value) -> str | None:
    return value if isinstance(value, str) else None


if __name__ == "__main__":
    if not EVAL.exists():
        sys.exit(f"no development sets at {EVAL}")
    main()

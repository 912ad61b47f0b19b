"""Adapter between ``geo.geoparse`` and the development-set scorer (``score.py``).

``geoparse`` returns every mention; ``locate_event`` picks the one place an
event record's text says the event happened at (the finest unit named in the
first sentence, the where-description, consistent with the coarser units
named beside it); ``admin_units`` gives that place's province and district in
the names of the era event datasets use, or, with no point at all, those of a
mention known to lie in a unit named beside it.  When the finest mention is
not in the gazetteer, the event is placed at the representative point of the
unit named with it, and that mention's ``Place.evidence`` says so.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo import events, geoparse  # noqa: E402


class Adapter:
    """The scorer's system: ``geoparse``, ``locate_event`` and ``admin_units``."""

    def __init__(self) -> None:
        self._last: tuple[str, geoparse.Place | None] | None = None
        geoparse.load()

    def geoparse(self, text: str) -> list[tuple]:
        return [(p.start, p.end, p.name, p.latitude, p.longitude) for p in geoparse.parse(text)]

    def locate_event(self, text: str) -> tuple[float, float] | None:
        place = self._event_place(text)
        return None if place is None else (place.latitude, place.longitude)

    def admin_units(self, text: str) -> tuple[str | None, str | None]:
        place = self._event_place(text)
        if place is None:  # no point, but maybe a place known to lie in a named unit
            place = next((p for p in geoparse.parse(text) if p.admin1_2014), None)
        if place is None:
            return None, None
        return place.admin1_2014, era_district(place.admin2)

    def _event_place(self, text: str) -> geoparse.Place | None:
        if self._last is not None and self._last[0] == text:
            return self._last[1]
        place = event_place(geoparse.parse(text), text)
        self._last = (text, place)
        return place


def event_place(places: list[geoparse.Place], text: str) -> geoparse.Place | None:
    """The place an event happened at: the finest resolved place of the first sentence.

    A point that a coarser unit named in the same sentence contradicts (a
    homonym) gives way to the unit (``geo.events.consistent``).  A place
    named only as a reference ("60 km south of Muzaffarabad") is not where it
    happened: when the sentence names nothing finer than a province, the
    event is put where the reference points.
    """
    first_end = text.find(". ")
    for part in ((0, first_end if first_end >= 0 else len(text)), (0, len(text))):
        inside = [p for p in places if p.resolved and part[0] <= p.start < part[1]]
        pool = [p for p in inside if p.relative is None]
        pointed = next((p for p in inside if p.relative is not None), None)
        if pointed is not None and all(p.level in ("ADM0", "ADM1", "DIVISION") for p in pool):
            return geoparse.pointed(pointed)
        if not pool:
            continue
        pool = events.consistent(pool, text)
        return min(pool, key=lambda p: (events.COARSENESS.get(p.level, 0), -p.confidence, p.start))
    return None


def era_district(name: str | None) -> str | None:
    """Today's district name -> the name of the era most events are coded in (2008-2018).

    Karachi's seven districts formed one City District Karachi from 2001 to
    2011 and are coded as "Karachi" in event datasets; districts split off
    since (Chitral 2018, Kohistan 2014, Killa Abdullah 2021, Jaffarabad 2013,
    Loralai 2016, Kalat 2017) take their parent's name, and renamed ones their
    old name.
    """
    if name and (name.startswith("Karachi") or name in ("Korangi", "Malir", "Keamari")):
        return "Karachi"
    return _BEFORE_SPLITS.get(name, name)


_BEFORE_SPLITS = {
    "Upper Chitral": "Chitral", "Lower Chitral": "Chitral",
    "Upper Kohistan": "Kohistan", "Lower Kohistan": "Kohistan", "Kolai Pallas Kohistan": "Kohistan",
    "Chaman": "Killa Abdullah", "Sohbatpur": "Jaffarabad", "Duki": "Loralai", "Surab": "Kalat",
    "Kachhi (Bolan)": "Bolan", "Jhelum Valley": "Hattian Bala", "Shaheed Benazirabad": "Nawabshah",
}

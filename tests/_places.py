"""Hand-made geoparser output for extractor tests: surfaces -> Place objects.

Lets ``events.extract`` be tested on its own, with places resolved the way
``geoparse.parse`` resolves them (admin units carry their polygon and level).
"""
from __future__ import annotations

import re

from shapely.geometry import Point, box

from geo.geoparse import Place

# surface -> (name, lat, lon, feature_code, country, admin1, admin2, level, half-size of box in deg)
GAZETTEER = {
    "Pakistan": ("Pakistan", 30.0, 70.0, "PCLI", "PK", None, None, "ADM0", 6.0),
    "Peshawar": ("Peshawar", 34.008, 71.578, "PPLA", "PK", "Khyber Pakhtunkhwa", "Peshawar", None, 0),
    "Islamabad": ("Islamabad", 33.72, 73.04, "PPLC", "PK", "Islamabad", "Islamabad", None, 0),
    "Karachi": ("Karachi", 24.86, 67.01, "PPLA", "PK", "Sindh", "Karachi", None, 0),
    "North Waziristan": ("North Waziristan", 32.98, 70.1, "ADM2", "PK", "Federally Administered Tribal Areas",
                         None, "ADM2", 0.4),
    "Rawalpindi": ("Rawalpindi", 33.6, 73.05, "PPLA2", "PK", "Punjab", "Rawalpindi", None, 0),
    "Afghanistan": ("Afghanistan", 33.0, 66.0, "PCLI", "AF", None, None, "ADM0", 5.0),
    "Mosul": ("Mosul", 36.34, 43.13, "PPLA", "IQ", "Nineveh", "Mosul", None, 0),
    "Iraq": ("Iraq", 33.0, 44.0, "PCLI", "IQ", None, None, "ADM0", 5.0),
    "Nineveh": ("Nineveh", 36.2, 42.8, "ADM1", "IQ", "Nineveh", None, "ADM1", 1.0),
    "Kharkiv": ("Kharkiv", 49.99, 36.23, "PPLA", "UA", "Kharkiv", "Kharkiv", None, 0),
    "Ukraine": ("Ukraine", 49.0, 32.0, "PCLI", "UA", None, None, "ADM0", 6.0),
    "Poland": ("Poland", 52.0, 19.0, "PCLI", "PL", None, None, "ADM0", 5.0),
    "El Fasher": ("El Fasher", 13.63, 25.35, "PPLA", "SD", "North Darfur", "El Fasher", None, 0),
    "Tawila": ("Tawila", 13.5, 24.9, "PPL", "SD", "North Darfur", "Tawila", None, 0),
    "Sudan": ("Sudan", 15.0, 30.0, "PCLI", "SD", None, None, "ADM0", 6.0),
    "Maiduguri": ("Maiduguri", 11.85, 13.16, "PPLA", "NG", "Borno", "Maiduguri", None, 0),
    "Borno": ("Borno", 11.5, 13.0, "ADM1", "NG", "Borno", None, "ADM1", 1.5),
    "Gaza City": ("Gaza City", 31.5, 34.47, "PPLA", "PS", "Gaza", "Gaza City", None, 0),
    "Rafah": ("Rafah", 31.29, 34.25, "PPLA", "PS", "Gaza", "Rafah", None, 0),
    "Bamako": ("Bamako", 12.65, -8.0, "PPLC", "ML", "Bamako", "Bamako", None, 0),
    "Mali": ("Mali", 17.0, -4.0, "PCLI", "ML", None, None, "ADM0", 6.0),
    "Kidal": ("Kidal", 18.44, 1.41, "PPLA", "ML", "Kidal", "Kidal", None, 0),
}


def places_in(text: str, unresolved: tuple[str, ...] = ()) -> list[Place]:
    """Every occurrence of a known (or listed unresolved) surface in ``text``, as Places."""
    found = []
    taken: list[tuple[int, int]] = []
    for surface in sorted(list(GAZETTEER) + list(unresolved), key=len, reverse=True):
        for m in re.finditer(rf"\b{re.escape(surface)}\b", text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            if surface in unresolved:
                found.append(Place(m.start(), m.end(), surface))
                continue
            name, lat, lon, code, cc, a1, a2, level, half = GAZETTEER[surface]
            geometry = box(lon - half, lat - half, lon + half, lat + half) if level else Point(lon, lat)
            found.append(Place(m.start(), m.end(), surface, name=name, latitude=lat, longitude=lon,
                               geonameid=None, feature_class="A" if level else "P",
                               feature_code=code, country_code=cc, admin1=a1, admin2=a2, level=level,
                               geometry=geometry, confidence=0.9, evidence="test"))
    return sorted(found, key=lambda p: p.start)

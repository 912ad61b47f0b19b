"""Text -> place mentions -> resolved places: the one place where text becomes places.

``parse(text)`` finds every place mention in a text and resolves each against
the offline gazetteer (``geo.gazetteer``) and the administrative boundaries
(``geo.boundaries``).  Unresolved mentions are returned too, with no
coordinates, so that nothing a user wrote is dropped silently.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
    ("ADM0", "ADM1", "DIVISION", "ADM2") when the mention is an administrative
    unit, whose polygon is then in ``geometry``; for other places ``geometry``
    is the point.  ``evidence`` says why this entry won, for the dashboard.
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

    @property
    def resolved(self) -> bool:
        """True when the mention has coordinates."""
        return self.latitude is not None and self.longitude is not None

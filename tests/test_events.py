"""Events, areas and flows from text: the shipped article end to end, and other reports."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from geo import events, geoparse
from geo.document import Document
from tests._places import places_in

ARTICLE = Path(__file__).resolve().parent.parent / "data" / "articles" / \
    "2014-12-16-pakistan-massacre-taliban-blowback.txt"


@pytest.fixture(scope="module")
def article():
    document = Document.from_file(ARTICLE)
    return events.extract(document, geoparse.parse(document.text))


def _one(frame, **where):
    rows = frame
    for column, value in where.items():
        rows = rows[rows[column] == value]
    assert len(rows) == 1, f"expected one row with {where}, got {len(rows)}:\n{frame.drop(columns='geometry')}"
    return rows.iloc[0]


def _report(text, published, unresolved=()):
    document = Document(text, published=dt.date.fromisoformat(published))
    return events.extract(document, places_in(text, unresolved))


# -- the shipped article ---------------------------------------------------------------------
def test_school_attack_in_peshawar(article):
    attack = _one(article.events, location="Peshawar")
    assert attack.event_type == "Violence against civilians"
    assert attack.event_date == "2014-12-16" and attack.date_precision == "day"
    assert attack.fatalities == 145 and attack.fatalities_low == 145
    assert attack.target == "school"
    assert attack.actor1_count == 6
    assert "Tehreek e Taliban Pakistan" in attack.actor1 and "TTP" in attack.actor1
    assert attack.geo_precision == 1 and attack.admin1 == "Khyber Pakhtunkhwa"
    assert "At least 145 people" in attack.notes
    assert attack.notes == ARTICLE.read_text(encoding="utf-8")[attack.sentence_start:attack.sentence_end]


def test_the_attack_told_several_times_is_one_event(article):
    peshawar = article.events[article.events["event_date"] == "2014-12-16"]
    assert (peshawar["sub_event_type"] == "Attack").sum() == 1


def test_2008_suicide_bombing_in_karachi(article):
    bombing = _one(article.events, sub_event_type="Suicide bomb")
    assert bombing.location == "Karachi"
    assert bombing.event_date.startswith("2008") and bombing.date_precision == "year"
    assert bombing.fatalities == 150


def test_zarb_e_azb_operation_area(article):
    operation = _one(article.areas, kind="military operation")
    assert operation["name"] == "Operation Zarb-e-Azb"
    assert operation.admin_units == "North Waziristan"
    assert operation.start_date == "2014-06-01" and operation.date_precision == "month"
    assert operation.troops == 30000
    assert "1,800 militants killed" in operation.outcomes and "airstrikes" in operation.outcomes
    assert operation.geometry.geom_type in ("Polygon", "MultiPolygon")
    assert operation.geometry.area > 0.1 and pd_isnull(operation.buffer_km)


def test_us_drone_strikes_in_the_border_territory(article):
    strike = _one(article.events, sub_event_type="Air/drone strike")
    assert strike.actor1 == "US military"
    assert strike.location == "North Waziristan" and strike.geo_precision == 2
    assert "drone strikes" in strike.notes


def test_displacement_from_north_waziristan_and_return(article):
    displaced = _one(article.flows, kind="displacement")
    assert displaced.origin == "North Waziristan" and displaced.destination == ""
    assert displaced["count"] == 1_000_000 and displaced.unit == "people"
    back = _one(article.flows, kind="return")
    assert back.destination == "North Waziristan" and back.origin == ""
    assert back.start_date == "2014-12-08"        # "last week" before Tuesday 16 December
    assert not displaced.speculative and not back.speculative
    assert back.geometry is None                  # one end only: no line invented


def test_speculative_movement_of_militants_to_karachi(article):
    move = _one(article.flows, kind="relocation")
    assert move.origin == "North Waziristan" and move.destination == "Karachi"
    assert move.unit == "fighters" and move.speculative
    assert move.geometry.geom_type == "LineString"


def test_reference_places_are_mentions_not_events(article):
    located = set(article.events["location"])
    mentioned = {p.name for p in article.mentions}
    assert {"Islamabad", "Rawalpindi"} <= mentioned
    assert not located & {"Islamabad", "Rawalpindi", "Afghanistan", "United States"}
    roles = article.places.set_index("surface")["role"]
    assert roles["Rawalpindi"] == "mention" and roles["Peshawar"] == "event"


# -- other reports -------------------------------------------------------------------------------
def test_car_bomb_in_a_market_counts_dead_not_wounded():
    x = _report("A car bomb exploded at a crowded market in Mosul on Friday, killing at least 23 "
                "people and wounding dozens, police said.", "2016-07-10")
    bomb = _one(x.events, location="Mosul")
    assert (bomb.event_type, bomb.sub_event_type) == ("Explosions/Remote violence",
                                                      "Remote explosive/landmine/IED")
    assert bomb.event_date == "2016-07-08"        # the Friday before Sunday 10 July
    assert bomb.fatalities == 23 and bomb.fatalities_low == 23 and bomb.target == "market"


@pytest.mark.parametrize("text", [
    "Maiduguri, 3 March 2015 - Six gunmen stormed a girls' school in Maiduguri on Tuesday, killing 5 people.",
    "Six gunmen stormed a girls' school in Maiduguri on Tuesday, killing 5 people, police said.",
])
def test_dead_are_counted_after_the_verb_not_the_attackers_or_the_dateline_year(text):
    attack = _one(_report(text, "2015-03-04").events, location="Maiduguri")
    assert attack.fatalities == 5 and attack.event_type == "Violence against civilians"


def test_shelling_with_a_range_of_dead():
    x = _report("Russian forces shelled residential districts of Kharkiv on March 3, killing "
                "between 8 and 12 civilians, regional officials said.", "2022-03-05")
    shelling = _one(x.events, location="Kharkiv")
    assert shelling.sub_event_type == "Shelling/artillery/missile attack"
    assert shelling.actor1 == "Russian forces" and shelling.actor2 == "Civilians"
    assert (shelling.fatalities, shelling.fatalities_low, shelling.fatalities_high) == (8, 8, 12)
    assert shelling.event_date == "2022-03-03"


def test_displacement_with_both_ends_named():
    x = _report("More than 2,500 families fled from Kharkiv to Poland last week, the UN refugee "
                "agency said.", "2022-03-10")
    flow = _one(x.flows, kind="displacement")
    assert (flow.origin, flow.destination) == ("Kharkiv", "Poland")
    assert flow["count"] == 2500 and flow.unit == "families"
    assert flow.start_date == "2022-02-28" and not flow.speculative
    assert list(flow.geometry.coords) == [(36.23, 49.99), (19.0, 52.0)]
    assert x.events.empty


def test_named_group_attack_and_flight_in_darfur():
    text = ("Fighters of the Rapid Support Forces (RSF) attacked a displacement camp near El Fasher "
            "on Tuesday, killing dozens of civilians. The RSF said it was targeting army positions. "
            "About 400,000 people have fled from El Fasher to Tawila since April.")
    x = _report(text, "2024-05-16")
    attack = _one(x.events, location="El Fasher")
    assert attack.event_type == "Violence against civilians" and attack.target == "camp"
    assert attack.actor1 == "Rapid Support Forces (RSF)"
    assert attack.fatalities == 24 and attack.event_date == "2024-05-14"
    flow = _one(x.flows, kind="displacement")
    assert (flow.origin, flow.destination, flow["count"]) == ("El Fasher", "Tawila", 400_000)
    assert flow.start_date == "2024-04-01"


def test_armed_clash_and_recaptured_town():
    text = ("Soldiers clashed with Boko Haram insurgents near Maiduguri on Sunday; 12 insurgents "
            "were killed. Speaking to reporters in Bamako, the minister said the army had "
            "recaptured Kidal in 2023.")
    x = _report(text, "2024-02-13")
    clash = _one(x.events, location="Maiduguri")
    assert (clash.event_type, clash.sub_event_type) == ("Battles", "Armed clash")
    assert clash.event_date == "2024-02-11" and clash.fatalities == 12
    kidal = _one(x.events, location="Kidal")
    assert kidal.sub_event_type == "Government regains territory"
    assert kidal.event_date == "2023-01-01" and kidal.date_precision == "year"
    assert "Bamako" not in set(x.events["location"])


def test_protest_is_not_violence():
    x = _report("Thousands of protesters marched in Bamako on 5 June 2020 to demand the "
                "president's resignation.", "2020-06-06")
    protest = _one(x.events, location="Bamako")
    assert (protest.event_type, protest.sub_event_type) == ("Protests", "Peaceful protest")
    assert protest.event_date == "2020-06-05" and protest.fatalities is pd_na()


def test_unnamed_offensive_over_a_province_and_buffer_around_a_town():
    x = _report("The army launched an offensive in Nineveh in October 2016 with some 30,000 "
                "troops.", "2016-11-20")
    area = _one(x.areas)
    assert area["name"] == "military operation" and area.admin_units == "Nineveh"
    assert area.start_date == "2016-10-01" and area.troops == 30000 and pd_isnull(area.buffer_km)
    x = _report("The army launched a military operation around Kidal last month.", "2016-11-20")
    area = _one(x.areas)
    assert area.buffer_km == events.AREA_BUFFER_KM and area.start_date == "2016-10-01"
    assert area.geometry.contains(__import__("shapely").Point(1.41, 18.44))


def test_questions_quotes_and_possibilities_make_no_events():
    x = _report("Will the militants attack Karachi next? “They attacked our village in Peshawar "
                "and burned everything,” he said. Officials fear an attack on Mosul.", "2020-01-01")
    assert x.events.empty or set(x.events["location"]) <= {"Mosul"}
    assert "Karachi" not in set(x.events["location"]) and "Peshawar" not in set(x.events["location"])


def test_unresolved_places_are_reported():
    x = _report("Gunmen attacked a checkpoint in Xyzabad on Monday, killing four soldiers.",
                "2020-01-08", unresolved=("Xyzabad",))
    assert [p.surface for p in x.unresolved] == ["Xyzabad"]
    assert bool(x.places.iloc[0]["resolved"]) is False
    assert "Xyzabad" in events.summary(x)


# -- numbers and dates ------------------------------------------------------------------------
@pytest.mark.parametrize("text, best, low, high", [
    ("At least 145 people", 145, 145, None),
    ("more than one million people", 1_000_000, 1_000_000, None),
    ("as many as 30,000 troops", 30_000, None, 30_000),
    ("1,800 militants", 1800, None, None),
    ("a half dozen gunmen", 6, None, None),
    ("dozens of civilians", 24, None, None),
    ("between 20 and 30 people", 20, 20, 30),
    ("up to 2.5 million refugees", 2_500_000, None, 2_500_000),
    ("twenty-three soldiers", 23, None, None),
])
def test_quantities(text, best, low, high):
    q = events.quantities(text)[0]
    assert (q.best, q.low, q.high) == (best, low, high)


@pytest.mark.parametrize("text, first, last, precision", [
    ("on Tuesday", "2014-12-16", "2014-12-16", "day"),
    ("last Tuesday", "2014-12-09", "2014-12-09", "day"),
    ("said on Dec. 9 that", "2014-12-09", "2014-12-09", "day"),
    ("last week", "2014-12-08", "2014-12-14", "range"),
    ("since June", "2014-06-01", "2014-06-30", "month"),
    ("talks last spring fell", "2014-03-01", "2014-05-31", "range"),
    ("in 2008", "2008-01-01", "2008-12-31", "year"),
    ("yesterday", "2014-12-15", "2014-12-15", "day"),
    ("16 December 2014", "2014-12-16", "2014-12-16", "day"),
    ("in November", "2014-11-01", "2014-11-30", "month"),
    ("three days ago", "2014-12-13", "2014-12-13", "day"),
])
def test_dates_against_publication(text, first, last, precision):
    d = events.resolve_dates(text, dt.date(2014, 12, 16))[0]
    assert (d.first.isoformat(), d.last.isoformat(), d.precision) == (first, last, precision)


def test_relative_dates_need_a_publication_date():
    assert events.resolve_dates("on Tuesday", None) == []
    assert events.resolve_dates("in 2008", None)[0].precision == "year"


def pd_isnull(value) -> bool:
    import pandas as pd
    return bool(pd.isna(value))


def pd_na():
    import pandas as pd
    return pd.NA


def test_event_described_from_a_reference_town_is_placed_where_the_text_points():
    text = ("Militants attacked a checkpost some 60 km (40 miles) northeast of Muzaffarabad on "
            "Monday, killing two soldiers.")
    document = Document(text, published=dt.date(2015, 3, 2))
    event = events.extract(document, geoparse.parse(text)).events.iloc[0]
    assert event["admin2"] == "Neelum" and event["geo_precision"] == 2


def test_village_far_outside_the_district_named_with_it_gives_way_to_the_district():
    # the gazetteer's Shahpur is a town in Punjab, far away: a homonym, not this village
    text = ("Indian shelling killed three people in Shahpur village in the Pakistan-ruled Neelum valley "
            "on Monday.")
    event = events.extract(Document(text, published=dt.date(2015, 3, 2)), geoparse.parse(text)).events.iloc[0]
    assert (event["location"], event["admin2"], event["geo_precision"]) == ("Neelum", "Neelum", 2)


def test_district_named_as_a_neighbour_does_not_move_the_event():
    text = "A bomb killed two people in Sarband village near Peshawar on the border with Khyber agency on Monday."
    event = events.extract(Document(text, published=dt.date(2015, 3, 2)), geoparse.parse(text)).events.iloc[0]
    assert (event["location"], event["admin2"]) == ("Peshawar", "Peshawar")


def test_disputed_region_named_beside_a_town_does_not_move_the_event():
    # a disputed region lies on both sides of its line: Sialkot is not contradicted by it
    text = "Indian shelling killed a farmer in Sialkot along the frontier of the disputed Kashmir region on Monday."
    event = events.extract(Document(text, published=dt.date(2015, 3, 2)), geoparse.parse(text)).events.iloc[0]
    assert (event["location"], event["admin1"], event["admin2"]) == ("Sialkot", "Punjab", "Sialkot")

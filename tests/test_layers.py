"""geo.layers: filters and their URL encoding, styled layers built from a real store."""
import datetime as dt

import pytest
from pyproj import Geod

from geo import layers, style
from geo.layers import FilterError, Filters
from geo.store import Store
from tests._dashboard import store_copy


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return Store(store_copy(tmp_path_factory.mktemp("layers")))


def test_filters_round_trip_through_query_params():
    f = Filters(date_from=dt.date(2014, 6, 1), date_to=dt.date(2014, 12, 31),
                event_types=("Battles", "Explosions/Remote violence"), actors=("a|b", "100% TTP"),
                admin2=("North Waziristan",), min_confidence=0.55, layers=("sites", "heat"),
                lat=33.12345, lon=70.5, zoom=8, basemap="carto")
    params = f.to_query_params()
    assert all(isinstance(v, str) for v in params.values())
    assert Filters.from_query_params(params) == f
    # parse_qs-style lists work too, and the default view needs no parameter at all
    assert Filters.from_query_params({k: [v] for k, v in params.items()}) == f
    assert Filters().to_query_params() == {}


@pytest.mark.parametrize("key, value", [("from", "16/12/2014"), ("conf", "2"), ("zoom", "x"),
                                        ("layers", "sites|bogus"), ("basemap", "google"), ("lat", "91")])
def test_bad_query_parameter_names_key_and_value(key, value):
    with pytest.raises(FilterError, match=f"{key}={value!r}".replace("|", r"\|").replace("(", r"\(")):
        Filters.from_query_params({key: value})


def test_build_splits_attack_sites_from_other_layers(store):
    data = layers.build(store)
    assert len(data.sites) >= 2 and set(data.sites["event_type"]) <= set(style.ATTACK_TYPES)
    peshawar = data.sites[data.sites["location"] == "Peshawar"].iloc[0]
    assert peshawar["color"] == style.event_color(peshawar["event_type"])
    assert peshawar["radius"] > style.marker_radius(0)          # 145 killed: a big marker
    assert peshawar["title"].startswith("Pakistan massacre")
    assert len(data.areas) and data.areas["color"].str.startswith("#").all()
    h = data.headline
    assert h.events == len(data.sites) + len(data.events)
    assert h.fatalities == int(data.points["fatalities"].fillna(0).sum()) > 0
    assert h.displaced > 0 and h.districts >= 2 and h.date_from <= h.date_to


def test_flows_with_an_unknown_end_are_stubs_from_the_known_end(store):
    flows = layers.build(store).flows
    assert flows.geometry.notna().all()
    geod = Geod(ellps="WGS84")
    open_flows = flows[flows["open_end"] != ""]
    assert len(open_flows), "the shipped article reports displacement with no destination"
    for row in open_flows.itertuples():
        coords = list(row.geometry.coords)
        known = (row.origin_longitude, row.origin_latitude) if row.open_end == "destination" else \
            (row.destination_longitude, row.destination_latitude)
        end = coords[0] if row.open_end == "destination" else coords[-1]
        assert end == pytest.approx(known)
        far = coords[-1] if row.open_end == "destination" else coords[0]
        km = geod.inv(*known, *far)[2] / 1000
        assert km == pytest.approx(style.STUB_KM, rel=0.01)        # a stub, not a guessed place
        assert "not reported" in row.label
    closed = flows[flows["open_end"] == ""]
    for row in closed.itertuples():
        start, end = row.geometry.coords[0], row.geometry.coords[-1]
        assert start == pytest.approx((row.origin_longitude, row.origin_latitude))
        assert end == pytest.approx((row.destination_longitude, row.destination_latitude))
    heads = layers.arrowheads(flows)
    assert len(heads) == len(flows) and heads.geometry.geom_type.eq("Polygon").all()


def test_filters_narrow_every_layer(store):
    everything = layers.build(store)
    peshawar = layers.build(store, Filters(admin2=("Peshawar",)))
    assert set(peshawar.points["admin2"]) == {"Peshawar"}
    assert len(peshawar.points) < len(everything.points)
    assert peshawar.flows.empty and peshawar.areas.empty      # nothing else happened in Peshawar
    waziristan = layers.build(store, Filters(admin2=("North Waziristan",)))
    assert len(waziristan.areas) and len(waziristan.flows)
    recent = layers.build(store, Filters(date_from=dt.date(2014, 1, 1)))
    assert (recent.points["event_date"] >= "2014-01-01").all()
    assert len(recent.points) < len(everything.points)
    confident = layers.build(store, Filters(min_confidence=0.99))
    assert (confident.points["confidence"] >= 0.99).all()
    nothing = layers.build(store, Filters(actors=("nobody at all",), admin2=("Nowhere",)))
    assert nothing.is_empty() and nothing.headline.events == 0


def test_choropleth_counts_events_per_district(store):
    data = layers.build(store)
    districts = data.choropleth.set_index("name")
    assert len(districts) > 100
    precise = data.points[data.points["geo_precision"] <= 2]
    for name, group in precise.groupby("admin2"):
        assert districts.at[name, "events"] == len(group)
        assert districts.at[name, "fatalities"] == int(group["fatalities"].fillna(0).sum())
    assert districts["events"].sum() == len(precise)
    assert districts["events_per_100k"].isna().all()          # no population shipped: no rate invented


def test_timeline_counts_dated_events_per_period(store):
    data = layers.build(store)
    for freq in ("week", "month"):
        counts = layers.timeline(data, freq)
        dated = data.points["event_date"].str.match(r"^\d{4}-\d{2}-\d{2}$")
        assert counts.to_numpy().sum() == dated.sum()
    with pytest.raises(ValueError, match="'day'"):
        layers.timeline(data, "day")


def test_tables_for_areas_and_flows(store):
    data = layers.build(store)
    inside = layers.events_in_areas(data)
    assert set(inside["area"]) <= set(data.areas["label"])
    totals = layers.flow_totals(data)
    people = totals[totals["unit"] == "people"]
    assert people["outflow"].sum() == people["inflow"].sum()      # each flow leaves and arrives once
    assert "(not reported)" in set(totals["district"])
    table = layers.event_table(data)
    assert list(table.columns) == list(layers.TABLE_COLUMNS)
    assert table["event_date"].is_monotonic_decreasing


def test_districts_affected_stay_inside_the_district_and_province_filters(store):
    # the relocation flow to Karachi South is in this view, but it comes from a district outside it
    karachi = layers.build(store, Filters(admin2=("Karachi South",)))
    assert set(karachi.flows["origin_admin2"]) - {"", "Karachi South"}
    assert karachi.headline.districts == 1
    sindh = layers.build(store, Filters(admin1=("Sindh",)))
    assert sindh.headline.districts == len(set(sindh.points["admin2"])) == 1
    # with no such filter, a district people fled from or went to is affected, with or without events
    no_events = layers.build(store, Filters(event_types=("Protests",)))
    ends = set(no_events.flows["origin_admin2"]) | set(no_events.flows["destination_admin2"])
    assert no_events.points.empty and no_events.headline.districts >= len(ends - {""}) > 0

"""Every dashboard page, run by Streamlit's AppTest on a seeded store and on an empty one."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo import settings
from geo.document import Document
from geo.geoparse import Candidate, Place
from tests._dashboard import IMG, SCRIPT, store_copy

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["app.py", "pages/1_Attack_sites.py", "pages/2_Operation_areas.py",
         "pages/3_Displacement_flows.py", "pages/4_Add_text.py"]


@pytest.fixture
def seeded(tmp_path, monkeypatch):
    path = store_copy(tmp_path, hostile=True)
    monkeypatch.setattr(settings, "STORE_PATH", path)
    return path


@pytest.fixture
def empty(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "STORE_PATH", tmp_path / "empty.gpkg")


def _run(page: str, **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / page), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def _all_events(at: AppTest):
    """The overview's sortable table of every event in view (turned on by its toggle)."""
    at.toggle(key="all_events").set_value(True).run()
    return at.dataframe[0].value


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_the_seeded_store(seeded, page):
    at = _run(page)
    assert not at.exception, at.exception
    assert not at.error


@pytest.mark.parametrize("page", PAGES[:4])
def test_page_on_an_empty_store_explains_how_to_add_a_text(empty, page):
    at = _run(page)
    assert not at.exception
    assert any("store is empty" in info.value and "Add text" in info.value for info in at.info)


def test_overview_headline_and_table(seeded):
    at = _run("app.py")
    metrics = {m.label: m.value for m in at.metric}
    assert not at.dataframe             # the sortable grid waits for its toggle
    assert int(metrics["Events"].replace(",", "")) == len(_all_events(at)) >= 3
    assert metrics["People displaced"] != "0"


def test_overview_plain_table_shows_newest_events_with_markup_as_text(seeded):
    at = _run("app.py")
    table = at.html[0].value
    assert table.count("</tr>") - 1 == len(_all_events(at))      # header row + one per event
    assert "&lt;script&gt;" in table and "<script>" not in table.split("</style>", 1)[1]
    assert "<img" not in table


def test_overview_timeline_is_a_picture_with_its_figures(seeded):
    at = _run("app.py")
    assert at.image and at.image[0].value[0]
    assert any("busiest month" in c.value for c in at.caption)
    at.radio(key="timeline_period").set_value("week").run()
    assert not at.exception and any("busiest week" in c.value for c in at.caption)


def test_filters_change_the_table_and_the_url(seeded):
    at = _run("app.py")
    before = len(_all_events(at))
    at.sidebar.multiselect(key="f_admin2").select("Peshawar").run()
    table = at.dataframe[0].value
    assert 0 < len(table) < before and set(table["admin2"]) == {"Peshawar"}
    assert at.query_params["admin2"] in ("Peshawar", ["Peshawar"])


def test_url_restores_filters_and_layers(seeded):
    at = _run("app.py", admin2="Peshawar", layers="sites|flows", conf="0.5", zoom="8", lat="33", lon="71")
    assert not at.exception
    assert at.sidebar.multiselect(key="f_admin2").value == ["Peshawar"]
    assert at.sidebar.multiselect(key="f_layers").value == ["sites", "flows"]
    assert at.sidebar.slider(key="f_conf").value == 0.5
    assert set(_all_events(at)["admin2"]) == {"Peshawar"}
    shared = at.sidebar.expander[0].markdown[0].value
    for part in ("admin2=Peshawar", "layers=sites%7Cflows", "conf=0.5", "zoom=8", "lat=33", "lon=71"):
        assert part in shared


def test_bad_url_parameter_warns_and_shows_the_default_view(seeded):
    at = _run("app.py", zoom="ninety")
    assert not at.exception
    assert any("zoom='ninety'" in w.value for w in at.warning)
    assert len(_all_events(at)) >= 3


def test_filter_matching_nothing_says_so(seeded):
    at = _run("pages/1_Attack_sites.py", admin2="Nowhere")
    assert not at.exception
    assert any("No record matches these filters" in w.value for w in at.warning)


def test_hostile_text_stays_text_in_tables(seeded):
    at = _run("app.py")
    table = _all_events(at)
    assert SCRIPT in set(table["actor1"]) and IMG in set(table["actor2"])


def test_readonly_turns_off_writing(seeded, monkeypatch, tmp_path):
    monkeypatch.setattr(settings, "READONLY", True)
    at = _run("pages/4_Add_text.py")
    assert not at.exception
    assert any("read-only" in i.value for i in at.info) and not at.text_area
    monkeypatch.setattr(settings, "STORE_PATH", tmp_path / "other-empty.gpkg")
    at = _run("app.py")
    assert not at.button                  # no "load the sample" on a public link


def test_add_text_finds_and_saves_events(empty):
    at = _run("pages/4_Add_text.py")
    at.text_input[0].input("Attack in Quetta")
    at.text_area[0].input("On 3 March 2015, six gunmen attacked a school in Quetta, killing 5 people.")
    at.button[0].click().run()
    assert not at.exception
    assert any("Events found: 1" in s.value for s in at.subheader)
    next(b for b in at.button if b.label == "Save to the store").click().run()
    assert any("Saved: 1 events" in s.value for s in at.success)
    overview = _run("app.py")
    assert _all_events(overview)["admin2"].tolist() == ["Quetta"]


def test_add_text_rejects_empty_text(empty):
    at = _run("pages/4_Add_text.py")
    at.button[0].click().run()
    assert not at.exception and at.error


def test_password_gate(seeded, tmp_path):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["password"] = "s3cret"
    at.run()
    assert not at.metric and at.text_input
    at.text_input[0].input("wrong").run()
    assert at.error and not at.metric
    at.text_input[0].input("s3cret").run()
    assert at.metric


def test_moving_the_map_keeps_the_same_map_component(seeded):
    # streamlit-folium names the component after the map's HTML: a view written into that HTML made
    # every move a new component, which forgot the marker or district clicked with it
    ids = {_run("app.py", **view).get("component_instance")[0].proto.id
           for view in ({}, {"lat": "33", "lon": "71", "zoom": "8"}, {"lat": "34", "lon": "72", "zoom": "9"})}
    assert len(ids) == 1


def test_operation_areas_page_shows_no_stray_output(seeded):
    at = _run("pages/2_Operation_areas.py")
    assert not at.get("help_info")         # a bare expression's value drawn by Streamlit's magic
    assert [s.value for s in at.subheader] == ["Operations", "Events inside the areas",
                                                "Events per district, before and after each operation began"]


def test_add_text_corrects_a_place_with_one_other_candidate(empty):
    namesake = Candidate(name="Quetta", latitude=30.556, longitude=66.811, geonameid=1, feature_code="PPL",
                         country_code="PK", score=0.06)
    place = Place(start=16, end=22, surface="Quetta", name="Quetta", latitude=30.19, longitude=67.01,
                  country_code="PK", admin1="Balochistan", admin2="Quetta", confidence=0.9,
                  evidence="population", candidates=[namesake])
    at = AppTest.from_file(str(ROOT / "pages/4_Add_text.py"), default_timeout=60)
    at.session_state["review"] = {"document": Document(text="Gunmen attacked Quetta on 3 March 2015.", title="t"),
                                  "places": [place], "dropped": []}
    at.run()
    assert "30.56, 66.81" in at.dataframe[0].value["other candidates"][0]     # the namesake, told apart
    next(s for s in at.selectbox if s.label == "Mention").select_index(0).run()
    next(s for s in at.selectbox if s.label == "Resolve to").select_index(0).run()
    next(b for b in at.button if b.label == "Use this place").click().run()
    row = at.dataframe[0].value.iloc[0]
    assert row["confidence"] == 1.0 and row["evidence"].startswith("chosen by the analyst")


def test_heat_map_toggle_is_kept_in_the_url(seeded):
    at = _run("pages/1_Attack_sites.py")
    at.toggle(key="heat_toggle").set_value(True).run()
    assert at.query_params["layers"] in ("heat", ["heat"])
    assert _run("pages/1_Attack_sites.py", layers="heat").toggle(key="heat_toggle").value


def _click(at: AppTest, properties: dict, clicks: int) -> AppTest:
    """What streamlit-folium reports after the ``clicks``-th click, on a feature with ``properties``."""
    key = at.get("component_instance")[0].proto.id.split("-", 2)[2]    # $$ID-<hash>-<user key>
    at.session_state[key] = {"last_active_drawing": {"properties": properties},
                             "last_object_clicked_count": clicks}
    return at.run()


def test_show_all_events_undoes_a_click_on_the_map_and_keeps_the_view(seeded):
    at = _run("app.py", admin1="Khyber Pakhtunkhwa", lat="33", lon="71", zoom="7")
    every = _all_events(at)
    url = dict(at.query_params)
    peshawar = {"name": "Peshawar", "admin1": "Khyber Pakhtunkhwa"}
    _click(at, peshawar, clicks=1)
    assert any("events in Peshawar clicked on the map" in c.value for c in at.caption)
    assert set(at.dataframe[0].value["admin2"]) == {"Peshawar"} and len(at.dataframe[0].value) < len(every)
    next(b for b in at.button if b.label == "Show all events").click().run()
    assert not any("clicked on the map" in c.value for c in at.caption) and not at.exception
    assert len(at.dataframe[0].value) == len(every)
    assert dict(at.query_params) == url            # the filters and the map's view stay
    at.run()                                        # the map still holds that click: it stays forgotten
    assert len(at.dataframe[0].value) == len(every)
    _click(at, peshawar, clicks=2)                  # a new click, on the same district, filters again
    assert set(at.dataframe[0].value["admin2"]) == {"Peshawar"}


def test_districts_affected_counts_the_filtered_districts_and_says_so(seeded):
    # Karachi South's one event, and a flow reaching it from a district the filter leaves out
    metric = next(m for m in _run("app.py", admin2="Karachi South").metric if m.label == "Districts affected")
    assert metric.value == "1" and "only those count" in metric.proto.help


def test_date_span_says_it_spans_flows_and_areas_not_only_events(seeded):
    # the span takes flows' and operation areas' dates too, so it is not named after events
    metrics = {m.label: m for m in _run("app.py", admin2="Karachi South").metric}
    assert "First event" not in metrics
    assert "flows" in metrics["Earliest date"].proto.help and metrics["Earliest date"].value <= metrics[
        "Latest date"].value

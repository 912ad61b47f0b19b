"""The offline place index: spellings meet, abbreviations resolve, a user CSV is merged."""
from __future__ import annotations

import pytest

from geo import gazetteer, settings


@pytest.fixture(scope="module")
def gaz():
    return gazetteer.load()


def _names(gaz, rows):
    return {gaz.places.at[r, "name"] for r in rows}


@pytest.mark.parametrize("spelling", ["Miranshah", "Miram Shah", "Miran Shah", "MIRAMSHAH"])
def test_transliterations_of_miranshah_meet(gaz, spelling):
    rows = gaz.lookup(spelling) or gaz.lookup_variant(spelling)
    assert "Miran Shah" in _names(gaz, rows)


def test_variant_spelling_found_through_skeleton(gaz):
    assert not gaz.lookup("Pishawar")
    assert "Peshawar" in _names(gaz, gaz.lookup_variant("Pishawar"))


def test_spellings_differing_in_the_opening_vowel_meet(gaz):
    assert not gaz.lookup("Aurakzai")
    assert "Orakzai" in _names(gaz, gaz.lookup_variant("Aurakzai"))


def test_kashmir_names_both_sides_and_each_side_by_its_own_names(gaz):
    assert {"Azad Jammu & Kashmir", "Jammu and Kashmir"} <= _names(gaz, gaz.lookup("Kashmir"))
    assert _names(gaz, gaz.lookup("Indian-ruled Kashmir")) == {"Jammu and Kashmir"}
    assert _names(gaz, gaz.lookup("Pakistan-occupied Kashmir")) == {"Azad Jammu & Kashmir"}


@pytest.mark.parametrize("alias", ["KPK", "NWFP", "Khyber-Pakhtunkhwa", "N.W.F.P."])
def test_old_names_and_acronyms_of_khyber_pakhtunkhwa(gaz, alias):
    assert "Khyber Pakhtunkhwa" in _names(gaz, gaz.lookup(alias))


def test_fata_and_agency_forms(gaz):
    assert "Federally Administered Tribal Areas" in _names(gaz, gaz.lookup("FATA"))
    assert "North Waziristan" in _names(gaz, gaz.lookup("North Waziristan Agency"))
    assert "North Waziristan" in _names(gaz, gaz.lookup("NWA"))


def test_us_abbreviations_keep_their_dot(gaz):
    assert "West Virginia" in _names(gaz, gaz.lookup("W. Va."))
    assert gazetteer.key("Pa.") != gazetteer.key("Pa")


def test_country_point_is_on_the_mainland(gaz):
    rows = [r for r in gaz.lookup("United States") if gaz.places.at[r, "level"] == "ADM0"]
    lat, lon = gaz.places.loc[rows[0], ["latitude", "longitude"]]
    assert 30 < lat < 45 and -105 < lon < -85  # not Alaska, not the Pacific


def test_common_words_are_flagged(gaz):
    assert {"most", "mobile", "reading"} <= gaz.common
    assert "peshawar" not in gaz.common


@pytest.mark.slow
def test_user_gazetteer_csv_is_merged_and_cache_rebuilt(tmp_path, monkeypatch):
    csv = tmp_path / "places.csv"
    csv.write_text("name,alternate_names,latitude,longitude,kind\n"
                   "Mosaki,Mosakai;Musaki,32.95,70.05,village\n", encoding="utf-8")
    monkeypatch.setattr(settings, "USER_GAZETTEER", str(csv))
    monkeypatch.setattr(settings, "CACHE_DIR", tmp_path / "cache")
    gaz = gazetteer.load()
    rows = gaz.lookup("Musaki")
    assert _names(gaz, rows) == {"Mosaki"}
    assert list((tmp_path / "cache").glob("gazetteer-*.pkl"))


def test_user_gazetteer_with_missing_columns_is_refused(tmp_path, monkeypatch):
    csv = tmp_path / "bad.csv"
    csv.write_text("place,lat\nX,1\n", encoding="utf-8")
    monkeypatch.setattr(settings, "USER_GAZETTEER", str(csv))
    monkeypatch.setattr(settings, "CACHE_DIR", tmp_path / "cache")
    with pytest.raises(ValueError, match="lacks column"):
        gazetteer._user(csv)


def test_tehsil_missing_from_geonames_places_is_known_with_its_district(gaz):
    rows = [r for r in gaz.lookup("Razmak") if gaz.places.at[r, "country_code"] == "PK"]
    assert [gaz.places.at[r, "level"] for r in rows] == ["ADM3"]
    r = rows[0]
    assert gaz.places.at[r, "admin2_code"] == "North Waziristan"
    # the town of Razmak is at about 32.69 N, 69.84 E; the tehsil's middle lies within 15 km
    assert abs(gaz.places.at[r, "latitude"] - 32.69) < 0.15 and abs(gaz.places.at[r, "longitude"] - 69.84) < 0.15


def test_tehsil_named_after_its_town_adds_no_rival_point(gaz):
    levels = {gaz.places.at[r, "level"] for r in gaz.lookup("Bannu")}
    assert "ADM3" not in levels and levels & {"ADM2", None}

from __future__ import annotations

import json

import pytest

from luukku.core.planning.inputs import (
    AGENCIES,
    PlanningInputError,
    load_defaults,
    parse_forecast,
    parse_stock,
    shipped_defaults_dict,
    source_of,
)


def test_forecast__valid_csv__parses_all_rows():
    rows = parse_forecast("agency,annual_visits\nKELA,25000\npoliisi,22000\n")
    assert [(r.agency, r.annual_visits) for r in rows] == [("KELA", 25000.0), ("POLIISI", 22000.0)]


@pytest.mark.parametrize(
    ("text", "row", "field"),
    [
        pytest.param("agency,annual_visits\nKELA,-5\n", 2, "annual_visits", id="negative"),
        pytest.param("agency,annual_visits\nKELA,10\nTE,\n", 3, "annual_visits", id="missing"),
        pytest.param("agency,annual_visits\nNASA,10\n", 2, "agency", id="unknown-agency"),
        pytest.param("agency,annual_visits\nKELA,lots\n", 2, "annual_visits", id="not-a-number"),
        pytest.param("agency;visits\nKELA;10\n", 1, "annual_visits", id="bad-header"),
        pytest.param("agency,annual_visits\nKELA,10,extra\n", 2, None, id="too-many-columns"),
        pytest.param("agency,annual_visits\nKELA,1\nKELA,2\n", 3, "agency", id="duplicate"),
    ],
)
def test_forecast__bad_input__names_row_and_field(text, row, field):
    with pytest.raises(PlanningInputError) as err:
        parse_forecast(text)
    assert err.value.row == row
    assert err.value.field == field
    assert f"row {row}" in str(err.value)


def test_stock__unknown_space_type__is_refused():
    with pytest.raises(PlanningInputError) as err:
        parse_stock("space_type,count,area_m2\nbooth,2,12\nballroom,1,200\n")
    assert (err.value.row, err.value.field) == (3, "space_type")


def test_defaults__shipped__cover_all_agencies_and_every_number_has_a_source():
    d = load_defaults()
    assert set(d.agencies) == set(AGENCIES)
    fields = ("service_time_min", "service_time_cv", "booked_share", "remote_share", "group_size",
              "room_share", "meeting_share", "personas", "target_service_level",
              "htm2_per_room_m2", "office_htm2_per_person_year", "space_m2")  # fmt: skip
    for code in AGENCIES:
        for field in fields:
            assert source_of(d, code, field) != "assumption" or field in d.sources
    assert d.office_htm2_per_person_year == 10
    assert "11-13" in source_of(d, "POLIISI", "hourly_profile")
    assert "Monday" in source_of(d, "KELA", "weekday_profile")


def test_defaults__public_facts__shape_the_profiles():
    d = load_defaults()
    police = dict(d.agencies["POLIISI"].hourly)
    assert max(police, key=police.get) in (11, 12)
    kela = d.agencies["KELA"].weekday
    assert kela.index(max(kela)) == 0


@pytest.mark.parametrize(
    ("override", "field"),
    [
        pytest.param(
            {"agencies": {"KELA": {"remote_share": 1.5}}}, "remote_share", id="share-above-1"
        ),
        pytest.param(
            {"agencies": {"KELA": {"booked_share": -0.1}}}, "booked_share", id="share-below-0"
        ),
        pytest.param(
            {"global": {"profiles": {"weekday": {"kela": [0.5, 0.2, 0.2, 0.2, 0.2]}}}},
            "weekday_profile",
            id="profile-not-1",
        ),
        pytest.param(
            {"agencies": {"KELA": {"hourly_profile": {"9": 0.5, "10": 0.4}}}},
            "hourly_profile",
            id="hourly-not-1",
        ),
    ],
)
def test_defaults__bad_values__name_agency_and_field(tmp_path, override, field):
    path = tmp_path / "own.json"
    path.write_text(json.dumps(override))
    with pytest.raises(PlanningInputError) as err:
        load_defaults(path)
    assert err.value.field == field
    assert err.value.row == "agencies.KELA"


def test_defaults__partial_file__overrides_only_named_keys(tmp_path):
    path = tmp_path / "own.json"
    path.write_text(json.dumps({"agencies": {"KELA": {"service_time_min": 40}}}))
    d = load_defaults(path)
    assert d.agencies["KELA"].service_time_min == 40
    assert (
        d.agencies["KELA"].booked_share
        == shipped_defaults_dict()["agencies"]["KELA"]["booked_share"]
    )


def test_defaults__malformed_json__is_a_clear_error(tmp_path):
    path = tmp_path / "own.json"
    path.write_text("{ not json")
    with pytest.raises(PlanningInputError, match="malformed JSON"):
        load_defaults(path)

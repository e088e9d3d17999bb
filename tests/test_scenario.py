"""Scenario files are parsed strictly: every mistake names the file, the key
and what is allowed, and every shipped scenario loads."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from host_sim.scenario import ScenarioError, load_scenario, parse_scenario, scenario_names

GOOD = """
name = "t"
days = 2
start = "2026-01-10T00:00"
latitude = 36.6
[weather]
preset = "zichuan-winter"
[greenhouse]
type = "venlo"
area_m2 = 1000.0
cover_u_w_m2k = 6.0
[heating]
heat_pump_kw = 100.0
[crop]
kind = "rose"
"""


def test_every_shipped_scenario_loads():
    names = scenario_names()
    assert {"zichuan-rose-winter", "zichuan-rose-summer", "zichuan-rose-spring", "pingshuo-solar-winter",
            "zichuan-rose-faults"} <= set(names)  # fmt: skip
    for name in names:
        scenario = load_scenario(name)
        assert scenario.name == name and scenario.days > 0
    faults = load_scenario("zichuan-rose-faults").faults
    assert {f.target for f in faults} >= {"air_temp", "supply_temp", "heat_valve", "heat_pump"}


def test_defaults_and_replace():
    s = parse_scenario(GOOD, "good.toml")
    assert (s.seed, s.control_period_s, s.greenhouse.height_m, s.heating.mine_water_c) == (1, 10, 5.0, 15.0)
    assert s.cooling.fan_coil_kw == 0.0 and not s.cooling.heat_pump_reverse and s.faults == ()
    assert s.replace(days=0.5).days == 0.5
    with pytest.raises(ScenarioError, match="good.toml: days must be a number in 0..400"):
        s.replace(days=-1)


def with_line(table, line):
    """GOOD with a line added at the end of a table ('' for the top level)."""
    if not table:
        return line + "\n" + GOOD
    return GOOD.replace(f"[{table}]\n", f"[{table}]\n{line}\n")


BAD = [
    (with_line("", "colour = 1"), "unknown key colour (allowed: control_period_s, cooling, crop, days"),
    (with_line("greenhouse", "colour = 1"), "unknown key greenhouse.colour (allowed: area_m2, cover_u_w_m2k"),
    (GOOD.replace('latitude = 36.6\n', ""), "missing required key latitude"),
    (GOOD.replace("[crop]\nkind = \"rose\"\n", ""), "missing required table [crop]"),
    (GOOD.replace("area_m2 = 1000.0", 'area_m2 = "big"'), "greenhouse.area_m2 must be a number in 10..1e+06"),
    (GOOD.replace("area_m2 = 1000.0", "area_m2 = true"), "greenhouse.area_m2 must be a number"),
    (with_line("greenhouse", "vents = 1"), "greenhouse.vents must be true or false, got 1"),
    (with_line("weather", "clearness = 1.5"), "weather.clearness must be a number in 0..1, got 1.5"),
    (GOOD.replace('"rose"', '"lettuce"'), "crop.kind must be one of rose, tomato, got 'lettuce'"),
    (GOOD.replace('"zichuan-winter"', '"mars"'), "weather.preset must be one of pingshuo-winter"),
    (with_line("weather", 'file = "x.epw"'), "weather needs exactly one of weather.preset or weather.file"),
    (GOOD.replace('preset = "zichuan-winter"', 'file = "no.epw"'), "weather.file 'no.epw' not found"),
    (GOOD.replace('preset = "zichuan-winter"', 'file = "shimla.epw"\nt_mean_c = 3.0'),
     "weather.t_mean_c overrides a preset and cannot be used with weather.file"),
    (GOOD.replace("2026-01-10T00:00", "10/01/2026"), 'start must be a local solar time "YYYY-MM-DDTHH:MM"'),
    (with_line("", "control_period_s = 0.5"), "control_period_s must be an integer in 1..600"),
    (GOOD + '[[faults]]\nstart_h = 1.0\nduration_h = 1.0\ntarget = "air_temp"\nkind = "trip"\n',
     "faults[1].kind must be one of dropout, stuck, spike, offset, noise (for target air_temp), got 'trip'"),
    (GOOD + '[[faults]]\nstart_h = 1.0\nduration_h = 1.0\ntarget = "air_temp"\nkind = "offset"\n',
     "faults[1].value is required for kind offset"),
    (GOOD + '[[faults]]\nstart_h = 100.0\nduration_h = 1.0\ntarget = "heat_pump"\nkind = "trip"\n',
     "faults[1].start_h must be before the end of the run (days * 24 = 48 h), got 100"),
    (GOOD + '[[faults]]\nstart_h = 1.0\nduration_h = 1.0\ntarget = "roof"\nkind = "trip"\n',
     "faults[1].target must be one of air_temp, air_rh, supply_temp, radiation, heat_valve"),
    ("name = ", "not valid TOML"),
]  # fmt: skip


@pytest.mark.parametrize("text, message", BAD)
def test_bad_files_name_the_key_and_the_allowed_values(text, message):
    with pytest.raises(ScenarioError) as error:
        parse_scenario(text, "bad.toml")
    assert str(error.value).startswith("bad.toml: ")
    assert message in str(error.value)


def test_epw_file_resolves_through_the_weather_cache():
    s = parse_scenario(GOOD.replace('preset = "zichuan-winter"', 'file = "shimla.epw"'), "epw.toml")
    assert s.weather.file.name == "shimla.epw" and s.weather.file.is_file() and s.weather.preset is None


def test_unknown_scenario_name_lists_the_shipped_ones():
    with pytest.raises(ScenarioError, match="no scenario 'nope' .shipped: pingshuo-solar-winter"):
        load_scenario("nope")


@settings(max_examples=60, deadline=None)
@given(
    days=st.floats(0.01, 400.0),
    latitude=st.floats(-66.0, 66.0),
    area=st.floats(10.0, 1e6),
    u=st.floats(0.5, 15.0),
    clearness=st.floats(0.0, 1.0),
    period=st.integers(1, 600),
)
def test_any_in_range_values_parse_and_round_trip(days, latitude, area, u, clearness, period):
    text = (
        GOOD.replace("days = 2", f"days = {days!r}")
        .replace("latitude = 36.6", f"latitude = {latitude!r}\ncontrol_period_s = {period}")
        .replace("area_m2 = 1000.0", f"area_m2 = {area!r}")
        .replace("cover_u_w_m2k = 6.0", f"cover_u_w_m2k = {u!r}")
        .replace('preset = "zichuan-winter"', f'preset = "zichuan-winter"\nclearness = {clearness!r}')
    )
    s = parse_scenario(text, "h.toml")
    assert (s.days, s.latitude, s.greenhouse.area_m2, s.greenhouse.cover_u_w_m2k) == (days, latitude, area, u)
    assert (s.weather.clearness, s.control_period_s) == (clearness, period)

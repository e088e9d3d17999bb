"""Scenario files are parsed strictly: every mistake names the file, the dotted
key and what is allowed; defaults apply; every shipped scenario loads."""

import dataclasses
import datetime
import json
import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.crops import PROFILES
from host_sim.scenario import (
    SCENARIO_DIR,
    WEATHER_CACHE_DIR,
    ScenarioError,
    load_scenario,
    parse_scenario,
    scenario_names,
)
from host_sim.weather import PRESETS, read_epw

SHIPPED = ["pingshuo-solar-winter", "zichuan-rose-faults", "zichuan-rose-spring", "zichuan-rose-summer",
           "zichuan-rose-winter"]  # fmt: skip
SHIMLA_EPW = WEATHER_CACHE_DIR / "shimla.epw"
DROP = object()  # as a value in changed(): remove the key


def good():
    """A minimal valid document: only the required keys."""
    return {
        "name": "t",
        "days": 2,
        "start": "2026-01-10T00:00",
        "latitude": 36.6,
        "weather": {"preset": "zichuan-winter"},
        "greenhouse": {"type": "venlo", "area_m2": 1000.0, "cover_u_w_m2k": 6.0},
        "heating": {"heat_pump_kw": 100.0},
        "crop": {"kind": "rose"},
    }


def toml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a TOML basic string
    return repr(value)  # ints; floats, nan and inf as TOML spells them


def toml_text(doc):
    """doc as TOML: scalars first, then [tables], then [[arrays of tables]]."""
    lines = [
        f"{key} = {toml_value(value)}" for key, value in doc.items() if not isinstance(value, dict | list)
    ]
    for key, value in doc.items():
        if isinstance(value, dict):
            lines += [f"[{key}]", *(f"{k} = {toml_value(v)}" for k, v in value.items())]
        elif isinstance(value, list):
            for entry in value:
                lines += [f"[[{key}]]", *(f"{k} = {toml_value(v)}" for k, v in entry.items())]
    return "\n".join(lines) + "\n"


def changed(changes, faults=()):
    """good() as TOML with {"table.key": value} changes (DROP removes) and fault entries."""
    doc = good()
    for dotted, value in changes.items():
        *tables, key = dotted.split(".")
        where = doc.setdefault(tables[0], {}) if tables else doc
        if value is DROP:
            del where[key]
        else:
            where[key] = value
    if faults:
        doc["faults"] = [dict(entry) for entry in faults]
    return toml_text(doc)


def fault(**fields):
    return {"start_h": 1.0, "duration_h": 1.0, "target": "air_temp", "kind": "dropout", **fields}


def error_of(text, source="bad.toml", **kwargs):
    with pytest.raises(ScenarioError) as error:
        parse_scenario(text, source, **kwargs)
    return str(error.value)


# -- the shipped scenarios --


def test_scenario_names_lists_the_shipped_files_sorted():
    names = scenario_names()
    assert names == sorted(names) and set(SHIPPED) <= set(names)
    assert names == sorted(path.stem for path in SCENARIO_DIR.glob("*.toml"))


@pytest.mark.parametrize("name", scenario_names())
def test_every_shipped_scenario_loads(name):
    scenario = load_scenario(name)
    assert scenario.name == name
    assert scenario.path == (SCENARIO_DIR / f"{name}.toml").resolve()
    assert scenario.description and scenario.days > 0
    if scenario.weather.file is None:
        assert scenario.weather.preset in PRESETS
        assert PRESETS[scenario.weather.preset].latitude == scenario.latitude
    else:  # real weather: the file exists and its latitude is the scenario's
        assert scenario.weather.preset is None and scenario.weather.file.is_file()
        assert read_epw(scenario.weather.file).latitude == pytest.approx(scenario.latitude, abs=0.1)
    assert all(f.start_h < scenario.days * 24 for f in scenario.faults)


KEY_FIGURES = {  # name: (preset, start, days, type, area_m2, cover U, heat_pump_kw, fan_coil_kw, crop)
    "zichuan-rose-winter": ("zichuan-winter", "2026-01-10", 7, "venlo", 5000, 6.0, 1200, 400, "rose"),
    "zichuan-rose-summer": ("zichuan-summer", "2026-07-15", 7, "venlo", 5000, 6.0, 1200, 1000, "rose"),
    "zichuan-rose-spring": ("zichuan-spring", "2026-04-10", 7, "venlo", 5000, 6.0, 1200, 400, "rose"),
    "zichuan-rose-faults": ("zichuan-winter", "2026-01-10", 3, "venlo", 5000, 6.0, 1200, 400, "rose"),
    "pingshuo-solar-winter": ("pingshuo-winter", "2026-01-10", 7, "solar", 600, 6.5, 60, 0, "tomato"),
}


@pytest.mark.parametrize("name", KEY_FIGURES)
def test_shipped_scenarios_key_figures(name):
    s = load_scenario(name)
    figures = (
        s.weather.preset,
        s.start.date().isoformat(),
        s.days,
        s.greenhouse.type,
        s.greenhouse.area_m2,
        s.greenhouse.cover_u_w_m2k,
        s.heating.heat_pump_kw,
        s.cooling.fan_coil_kw,
        s.crop.kind,
    )
    assert figures == KEY_FIGURES[name]
    assert s.start.time() == datetime.time(0, 0) and s.greenhouse.screen
    assert (s.heating.mine_water_c, s.control_period_s) == (15.0, 10)
    assert s.cooling.heat_pump_reverse == (name == "zichuan-rose-summer")


def test_the_faults_scenario_has_each_kind_of_fault():
    faults = load_scenario("zichuan-rose-faults").faults
    by_target = {f.target: f for f in faults}
    assert (by_target["air_temp"].kind, by_target["air_temp"].duration_h) == ("dropout", 2.0)
    assert by_target["supply_temp"].kind == "stuck"
    assert by_target["heat_valve"].kind == "stuck_valve" and 2.0 <= by_target["heat_valve"].duration_h <= 6.0
    trip = by_target["heat_pump"]
    assert (
        trip.kind == "trip" and trip.duration_h == 1.0 and (trip.start_h % 24 < 6 or trip.start_h % 24 >= 20)
    )
    assert by_target["radiation"].kind == "offset" and by_target["radiation"].value is not None


# -- defaults and replace --


def test_defaults_apply():
    s = parse_scenario(toml_text(good()), "good.toml")
    assert (s.description, s.seed, s.control_period_s, s.path) == ("", 1, 10, None)
    assert s.start == datetime.datetime(2026, 1, 10, 0, 0)
    assert s.days == 2.0 and isinstance(s.days, float)
    assert s.weather.preset == "zichuan-winter" and s.weather.file is None
    assert (s.weather.t_mean_c, s.weather.t_swing_c, s.weather.rh_mean_pct) == (None, None, None)
    assert (s.weather.clearness, s.weather.wind_m_s) == (None, None)
    assert (s.greenhouse.height_m, s.greenhouse.vents, s.greenhouse.screen) == (5.0, True, True)
    assert (s.heating.mine_water_c, s.heating.supply_max_c) == (15.0, 50.0)
    assert (s.cooling.fan_coil_kw, s.cooling.heat_pump_reverse) == (0.0, False)
    assert s.faults == ()
    solar = parse_scenario(changed({"greenhouse.type": "solar"}), "solar.toml")
    assert solar.greenhouse.height_m == 3.0
    assert parse_scenario(changed({}, [fault(kind="spike")])).faults[0].value is None


def test_replace_revalidates():
    s = parse_scenario(toml_text(good()), "good.toml")
    one_day = s.replace(days=1)
    assert one_day.days == 1.0 and s.days == 2.0 and one_day.greenhouse == s.greenhouse
    assert s.replace(days=0.5).days == 0.5
    with pytest.raises(
        ScenarioError, match=r"^good.toml: days must be a number in 0..400 \(above 0\), got -1$"
    ):
        s.replace(days=-1)
    with pytest.raises(ScenarioError, match=r"^good.toml: seed must be an integer >= 0, got true$"):
        s.replace(seed=True)
    with pytest.raises(ScenarioError, match=r"^good.toml: unknown key colour \(allowed: control_period_s, "):
        s.replace(colour=1)
    with pytest.raises(
        ScenarioError, match=r"^good.toml: weather.clearness must be a number in 0..1, got 2.0"
    ):
        s.replace(weather=dataclasses.replace(s.weather, clearness=2.0))
    assert s.replace(start=datetime.datetime(2026, 2, 1, 6, 30)).start == datetime.datetime(2026, 2, 1, 6, 30)


def test_replace_keeps_faults_inside_the_run_and_names_the_file():
    s = load_scenario("zichuan-rose-faults")
    assert s.replace(days=2.6).faults == s.faults
    message = str(pytest.raises(ScenarioError, s.replace, days=1).value)
    assert message.startswith("zichuan-rose-faults.toml: faults[4].start_h must be before the end of the run")
    assert "0 <= start_h < 24" in message and "got 30" in message


def test_replace_keeps_an_epw_file():
    s = parse_scenario(changed({"weather.preset": DROP, "weather.file": "shimla.epw"}))
    assert s.replace(days=1).weather.file == SHIMLA_EPW.resolve()


# -- bad documents --

ALL_TOP_KEYS = (
    "control_period_s, cooling, crop, days, description, faults, greenhouse, heating, irrigation, latitude, "
    "name, power, seed, settings, start, weather"
)
PRESET_LIST = ", ".join(sorted(PRESETS))
NATIVE_DATETIME = toml_text(good()).replace('start = "2026-01-10T00:00"', "start = 2026-01-10T00:00:00")

# (id, document, the dotted key the message names, what it says is allowed)
BAD = [
    ("unknown top-level key", changed({"colour": 1}), "unknown key colour", f"(allowed: {ALL_TOP_KEYS})"),
    (
        "unknown nested key",
        changed({"greenhouse.colour": 1}),
        "unknown key greenhouse.colour",
        "(allowed: air_sensors, area_m2, cover_u_w_m2k, height_m, screen, type, vents)",
    ),
    (
        "unknown fault key",
        changed({}, [fault(), fault(colour=1)]),
        "unknown key faults[2].colour",
        "(allowed: duration_h, kind, start_h, target, value)",
    ),
    ("missing key", changed({"latitude": DROP}), "missing required key latitude", "(a number in -66..66)"),
    (
        "missing nested key",
        changed({"greenhouse.type": DROP}),
        "missing required key greenhouse.type",
        "(one of venlo, solar)",
    ),
    (
        "missing fault key",
        changed({}, [{"start_h": 1.0, "duration_h": 1.0, "kind": "trip"}]),
        "missing required key faults[1].target",
        "one of air_temp, air_temp_2, air_rh, supply_temp, radiation, substrate, flow, drain, ec, ph, ec2, "
        "ph2, heat_valve",
    ),
    (
        "missing table",
        changed({"crop": DROP}),
        "missing required table [crop]",
        "(keys: day_c, kind, night_c, vent_offset_k)",
    ),
    (
        "string for a number",
        changed({"greenhouse.area_m2": "big"}),
        "greenhouse.area_m2",
        "must be a number in 10..1000000, got 'big'",
    ),
    (
        "bool for a number",
        changed({"heating.heat_pump_kw": True}),
        "heating.heat_pump_kw",
        "must be a number in 0..100000, got true",
    ),
    (
        "number for a bool",
        changed({"greenhouse.vents": 1}),
        "greenhouse.vents",
        "must be true or false, got 1",
    ),
    (
        "string for a bool",
        changed({"cooling": {"heat_pump_reverse": "yes"}}),
        "cooling.heat_pump_reverse",
        "must be true or false, got 'yes'",
    ),
    (
        "float for an int",
        changed({"control_period_s": 0.5}),
        "control_period_s",
        "must be an integer in 1..600, got 0.5",
    ),
    ("string for an int", changed({"seed": "1"}), "seed", "must be an integer >= 0, got '1'"),
    ("number for a string", changed({"name": 5}), "name", "must be a non-empty string, got 5"),
    ("empty name", changed({"name": " "}), "name", "must be a non-empty string, got ' '"),
    (
        "table for a string",
        changed({"description": {"a": 1}}),
        "description",
        "must be a string, got a table",
    ),
    ("scalar for a table", changed({"weather": 3}), "weather", "must be a table ([weather]), got 3"),
    (
        "table for faults",
        changed({"faults": {"start_h": 1.0}}),
        "faults",
        "must be an array of tables ([[faults]]), got a table",
    ),
    (
        "above range",
        changed({"weather.clearness": 1.5}),
        "weather.clearness",
        "must be a number in 0..1, got 1.5",
    ),
    (
        "below range",
        changed({"heating.mine_water_c": 4.9}),
        "heating.mine_water_c",
        "must be a number in 5..30, got 4.9",
    ),
    (
        "not a number",
        changed({"greenhouse.cover_u_w_m2k": float("nan")}),
        "greenhouse.cover_u_w_m2k",
        "must be a number in 0.5..15, got nan",
    ),
    (
        "infinite",
        changed({}, [fault(kind="offset", value=float("inf"))]),
        "faults[1].value",
        "must be a finite number, got inf",
    ),
    ("zero days", changed({"days": 0}), "days", "must be a number in 0..400 (above 0), got 0"),
    ("too many days", changed({"days": 401}), "days", "must be a number in 0..400 (above 0), got 401"),
    ("polar latitude", changed({"latitude": -70}), "latitude", "must be a number in -66..66, got -70"),
    ("negative seed", changed({"seed": -1}), "seed", "must be an integer >= 0, got -1"),
    (
        "zero duration",
        changed({}, [fault(duration_h=0)]),
        "faults[1].duration_h",
        "must be a number > 0, got 0",
    ),
    (
        "bad crop",
        changed({"crop.kind": "lettuce"}),
        "crop.kind",
        "must be one of rose, tomato, got 'lettuce'",
    ),
    (
        "second air sensor not fitted",
        changed({}, [fault(target="air_temp_2")]),
        "faults[1].target",
        "air_temp_2 needs a second air sensor (greenhouse.air_sensors = 2)",
    ),
    (
        "three air sensors",
        changed({"greenhouse.air_sensors": 3}),
        "greenhouse.air_sensors",
        "must be an integer in 1..2, got 3",
    ),
    (
        "crop setpoint out of range",
        changed({"crop.day_c": 40}),
        "crop.day_c",
        "must be a number in 5..35, got 40",
    ),
    (
        "bad house type",
        changed({"greenhouse.type": "tunnel"}),
        "greenhouse.type",
        "must be one of venlo, solar, got 'tunnel'",
    ),
    (
        "bad preset",
        changed({"weather.preset": "mars"}),
        "weather.preset",
        f"must be one of {PRESET_LIST}, got 'mars'",
    ),
    (
        "preset and file",
        changed({"weather.file": "shimla.epw"}),
        "weather.preset or weather.file",
        "needs exactly one of weather.preset or weather.file, got both",
    ),
    (
        "neither preset nor file",
        changed({"weather.preset": DROP}),
        "weather.preset or weather.file",
        "got neither",
    ),
    (
        "override with file",
        changed({"weather.preset": DROP, "weather.file": "shimla.epw", "weather.t_mean_c": 3.0}),
        "weather.t_mean_c",
        "allowed only with weather.preset, not with weather.file",
    ),
    (
        "missing epw file",
        changed({"weather.preset": DROP, "weather.file": "no-such.epw"}),
        "weather.file",
        f"'no-such.epw' not found (looked in {WEATHER_CACHE_DIR})",
    ),
    (
        "not an epw",
        changed({"weather.preset": DROP, "weather.file": "shimla.csv"}),
        "weather.file",
        "must be a path to an .epw file, got 'shimla.csv'",
    ),
    ("start as a date", changed({"start": "10/01/2026"}), "start", 'must be a string "YYYY-MM-DDTHH:MM"'),
    ("start without zero padding", changed({"start": "2026-1-10T0:00"}), "start", '"YYYY-MM-DDTHH:MM"'),
    ("start with seconds", changed({"start": "2026-01-10T00:00:00"}), "start", '"YYYY-MM-DDTHH:MM"'),
    ("start on no such day", changed({"start": "2026-02-30T00:00"}), "start", "got '2026-02-30T00:00'"),
    ("start as a TOML datetime", NATIVE_DATETIME, "start", "(a TOML date-time, not a string)"),
    (
        "kind not for a sensor",
        changed({}, [fault(), fault(kind="trip")]),
        "faults[2].kind",
        "must be one of dropout, noise, offset, spike, stuck (for sensor target air_temp), got 'trip'",
    ),
    (
        "kind not for a valve",
        changed({}, [fault(target="vent", kind="stuck")]),
        "faults[1].kind",
        "must be one of stuck_valve (for valve target vent), got 'stuck'",
    ),
    (
        "kind not for equipment",
        changed({}, [fault(target="heat_pump", kind="dropout")]),
        "faults[1].kind",
        "must be one of trip (for equipment target heat_pump), got 'dropout'",
    ),
    (
        "unknown target",
        changed({}, [fault(target="roof")]),
        "faults[1].target",
        "must be one of air_temp, air_temp_2, air_rh, supply_temp, radiation, substrate, flow, drain, ec, "
        "ph, ec2, ph2, heat_valve, cool_valve, vent, heat_pump, mine_water_pump, irrigation_pump, got 'roof'",
    ),
    (
        "offset without value",
        changed({}, [fault(kind="offset")]),
        "faults[1].value",
        "is required for kind offset (a number",
    ),
    (
        "noise without value",
        changed({}, [fault(target="air_rh", kind="noise")]),
        "faults[1].value",
        "is required for kind noise (a number",
    ),
    (
        "negative noise",
        changed({}, [fault(kind="noise", value=-1.0)]),
        "faults[1].value",
        "must be a number >= 0 for kind noise, got -1.0",
    ),
    (
        "fault after the end",
        changed({}, [fault(start_h=100.0)]),
        "faults[1].start_h",
        "must be before the end of the run, 0 <= start_h < 48 (days * 24), got 100",
    ),
    ("fault at the end", changed({}, [fault(start_h=48)]), "faults[1].start_h", "0 <= start_h < 48"),
    (
        "fault before the start",
        changed({}, [fault(start_h=-1.0)]),
        "faults[1].start_h",
        "must be a number >= 0, got -1.0",
    ),
]


@pytest.mark.parametrize("text, key, allowed", [case[1:] for case in BAD], ids=[case[0] for case in BAD])
def test_bad_documents_name_the_file_the_key_and_what_is_allowed(text, key, allowed):
    message = error_of(text)
    assert message.startswith("bad.toml: ")
    assert key in message
    assert allowed in message


def test_messages_read_as_documented():
    assert error_of(changed({"weather.clearness": 1.5}), "zichuan-rose-winter.toml") == (
        "zichuan-rose-winter.toml: weather.clearness must be a number in 0..1, got 1.5"
    )
    assert error_of(changed({"greenhouse.colour": "red"}), "x.toml") == (
        "x.toml: unknown key greenhouse.colour "
        "(allowed: air_sensors, area_m2, cover_u_w_m2k, height_m, screen, type, vents)"
    )
    assert error_of(changed({}, [fault(), fault(kind="trip")]), "x.toml") == (
        "x.toml: faults[2].kind must be one of dropout, noise, offset, spike, stuck "
        "(for sensor target air_temp), got 'trip'"
    )


def test_invalid_toml_names_the_file():
    assert error_of('name = "t"\nname = "u"\n').startswith("bad.toml: not valid TOML: ")
    assert error_of("days = ").startswith("bad.toml: not valid TOML: ")


# -- weather files --


def test_epw_file_resolves_through_the_weather_cache():
    s = parse_scenario(changed({"weather.preset": DROP, "weather.file": "shimla.epw"}), "epw.toml")
    assert s.weather.file == SHIMLA_EPW.resolve() and s.weather.file.is_absolute()
    assert s.weather.preset is None and s.weather.clearness is None


def test_epw_file_next_to_the_scenario_comes_first(tmp_path):
    local = tmp_path / "shimla.epw"
    shutil.copy(SHIMLA_EPW, local)
    (tmp_path / "mine.toml").write_text(changed({"weather.preset": DROP, "weather.file": "shimla.epw"}))
    s = load_scenario(tmp_path / "mine.toml")
    assert s.weather.file == local.resolve() and s.path == (tmp_path / "mine.toml").resolve()
    absolute = parse_scenario(changed({"weather.preset": DROP, "weather.file": str(local)}))
    assert absolute.weather.file == local.resolve()


def test_missing_epw_names_every_place_looked_in(tmp_path):
    text = changed({"weather.preset": DROP, "weather.file": "gone.epw"})
    message = error_of(text, "here.toml", base_dir=tmp_path)
    assert (
        message == f"here.toml: weather.file 'gone.epw' not found (looked in {tmp_path}, {WEATHER_CACHE_DIR})"
    )


# -- loading by name or path --


def test_load_by_path_names_the_file_in_errors(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(changed({"days": 500}))
    with pytest.raises(
        ScenarioError, match=r"^mine.toml: days must be a number in 0..400 \(above 0\), got 500$"
    ):
        load_scenario(path)
    path.write_text(toml_text(good()))
    assert load_scenario(str(path)).name == "t"


def test_unknown_scenario_name_lists_the_shipped_ones():
    with pytest.raises(ScenarioError) as error:
        load_scenario("nope")
    assert str(error.value) == f"no scenario 'nope' (shipped: {', '.join(scenario_names())})"
    with pytest.raises(
        ScenarioError, match="no scenario file 'missing/x.toml' .shipped: pingshuo-solar-winter"
    ):
        load_scenario("missing/x.toml")


# -- any in-range document parses and keeps its values --

# key: (low, high, low bound excluded?)
RANGES = {
    "latitude": (-66.0, 66.0, False),
    "weather.t_mean_c": (-40.0, 45.0, False),
    "weather.t_swing_c": (0.0, 30.0, False),
    "weather.rh_mean_pct": (5.0, 100.0, False),
    "weather.clearness": (0.0, 1.0, False),
    "weather.wind_m_s": (0.0, 30.0, False),
    "greenhouse.area_m2": (10.0, 1e6, False),
    "greenhouse.cover_u_w_m2k": (0.5, 15.0, False),
    "greenhouse.height_m": (1.0, 10.0, False),
    "heating.heat_pump_kw": (0.0, 1e5, False),
    "heating.mine_water_c": (5.0, 30.0, False),
    "heating.supply_max_c": (25.0, 80.0, False),
    "cooling.fan_coil_kw": (0.0, 1e5, False),
}


def number_in(low, high, exclude_low=False):
    """A float or, where one fits, an int in range: TOML ints are numbers too."""
    floats = st.floats(low, high, exclude_min=exclude_low)
    first_int = int(low) + 1 if exclude_low or low != int(low) else int(low)
    return st.one_of(floats, st.integers(first_int, int(high))) if first_int <= high else floats


def value_at(scenario, dotted):
    value = scenario
    for part in dotted.split("."):
        value = getattr(value, part)
    return value


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_any_in_range_values_parse_and_round_trip(data):
    values = {key: data.draw(number_in(*bounds), label=key) for key, bounds in RANGES.items()}
    values["days"] = data.draw(number_in(0.0, 400.0, exclude_low=True), label="days")
    values["seed"] = data.draw(st.integers(0, 2**63 - 1), label="seed")
    values["control_period_s"] = data.draw(st.integers(1, 600), label="control_period_s")
    end_h = values["days"] * 24
    faults = [
        fault(
            start_h=data.draw(st.floats(0.0, end_h, exclude_max=True), label="start_h"),
            duration_h=data.draw(number_in(0.0, 1e4, exclude_low=True), label="duration_h"),
            kind="offset",
            value=data.draw(st.floats(allow_nan=False, allow_infinity=False), label="value"),
        )
    ]
    s = parse_scenario(changed(values, faults), "h.toml")
    for key, value in values.items():
        parsed = value_at(s, key)
        assert parsed == value, key
        assert type(parsed) is (int if key in ("seed", "control_period_s") else float), key
    (parsed_fault,) = s.faults
    assert dataclasses.asdict(parsed_fault) == {**faults[0], "target": "air_temp", "kind": "offset"}
    assert s.replace(days=s.days) == s


# -- [settings] and [power] --


def test_settings_tune_the_firmware_in_their_units_in_either_toml_form():
    text = toml_text(good()) + '[settings]\n"air.heat.kp" = 4.0\nscreen.shade_w_m2 = 700\n'
    scenario = parse_scenario(text)
    assert scenario.settings == (("air.heat.kp", 4.0), ("screen.shade_w_m2", 700.0))
    assert scenario.replace(days=1).settings == scenario.settings  # survives re-validation
    assert parse_scenario(toml_text(good())).settings == ()


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ('"air.heat.kp" = 40.0', "settings.air.heat.kp must be a number in 0..20 K/K, got 40.0"),
        ('"air.heat.kp" = "3"', "settings.air.heat.kp must be a number in 0..20 K/K, got '3'"),
        ('"air.heat.kpp" = 3.0', "unknown key settings.air.heat.kpp (allowed: "),
        ('"air.day_c" = 21.0', "unknown key settings.air.day_c"),  # the crop's: the metrics judge by it
    ],
)
def test_bad_settings_name_the_key_and_the_range(settings, message):
    assert message in error_of(toml_text(good()) + "[settings]\n" + settings + "\n")


def test_power_windows_default_to_none_and_are_checked():
    assert parse_scenario(toml_text(good())).power.cap_pct == 100.0
    message = error_of(changed({"power.cap_pct": 120.0}))
    assert "power.cap_pct" in message and "120" in message


def test_the_crops_setpoints_for_the_season_reach_every_controller_and_the_metrics():
    from host_sim.crop import crop_profile
    from host_sim.runner import run

    plain = parse_scenario(toml_text(good()))
    summer = parse_scenario(changed({"crop.day_c": 23.5, "crop.vent_offset_k": 4, "days": 0.5}))
    assert crop_profile(plain.crop) == PROFILES[plain.crop.kind]
    profile = crop_profile(summer.crop)
    assert profile["heat_day_c"] == 23500 and profile["vent_offset_k"] == 4000
    assert profile["heat_night_c"] == PROFILES[summer.crop.kind]["heat_night_c"]
    assert summer.replace(days=1).crop == summer.crop  # survives re-validation
    for controller in ("firmware", "simple_pid"):
        series = run(summer, controller, record=True, oracle=False).series
        noon = min(range(len(series["t_h"])), key=lambda i: abs(series["t_h"][i] - 12.0))
        assert series["heat_sp_c"][noon] == 23.5 and series["vent_sp_c"][noon] == 27.5


# -- [irrigation] --


def test_no_irrigation_table_means_no_irrigation():
    assert parse_scenario(toml_text(good())).irrigation is None
    assert parse_scenario(toml_text(good())).replace(days=1).irrigation is None


def test_an_empty_irrigation_table_is_a_rose_house_on_stone_wool_with_mine_water():
    irrigation = parse_scenario(toml_text(good()) + "[irrigation]\n").irrigation
    assert (irrigation.groups, irrigation.group_area_m2) == (4, 250.0)  # the house's 1000 m2 in four
    assert (irrigation.medium, irrigation.substrate_l_m2, irrigation.capacity_pct) == (
        "stone_wool",
        10.0,
        75.0,
    )
    assert irrigation.start_pct == 70.0  # 5 points under capacity
    assert (irrigation.raw_ec_ms_cm, irrigation.raw_ph, irrigation.raw_alkalinity_mmol_l) == (1.2, 7.8, 5.0)
    assert (irrigation.target_ec_ms_cm, irrigation.target_ph, irrigation.uptake_ec_ms_cm) == (2.0, 5.8, 1.5)
    assert irrigation.start_ec_ms_cm == 3.0
    assert (irrigation.design_raw_ec_ms_cm, irrigation.design_alkalinity_mmol_l) == (1.2, 5.0)
    assert parse_scenario(toml_text(good()) + "[irrigation]\n").replace(days=1).irrigation == irrigation


def test_the_medium_and_the_crop_give_the_defaults_and_given_keys_win():
    tomato_soil = changed(
        {"crop.kind": "tomato", "irrigation.medium": "soil", "irrigation.capacity_pct": 30.0}
    )
    irrigation = parse_scenario(tomato_soil).irrigation
    assert (irrigation.substrate_l_m2, irrigation.capacity_pct, irrigation.drain_tau_min) == (
        200.0,
        30.0,
        360.0,
    )
    assert (irrigation.target_ec_ms_cm, irrigation.uptake_ec_ms_cm) == (2.8, 2.0)


BAD_IRRIGATION = [
    (
        "out of range",
        {"irrigation.raw_ph": 9.0},
        "bad.toml: irrigation.raw_ph must be a number in 3..8.3, got 9.0",
    ),
    (
        "unknown key",
        {"irrigation.dripper_flow": 2.0},
        "bad.toml: unknown key irrigation.dripper_flow (allowed: acid_mol_l, acid_pump_l_h, capacity_pct, ",
    ),
    (
        "groups not an integer",
        {"irrigation.groups": 2.5},
        "bad.toml: irrigation.groups must be an integer in 1..32, got 2.5",
    ),
    (
        "water contents out of order",
        {"irrigation.capacity_pct": 95.0},
        "bad.toml: irrigation needs wilting_pct < stress_pct <= capacity_pct < saturation_pct (with medium "
        "stone_wool's defaults for those not given), got 20 < 45 < 95 < 90",
    ),
    (
        "start outside the slab's range",
        {"irrigation.start_pct": 95.0},
        "bad.toml: irrigation.start_pct must be in 20..90 (wilting_pct..saturation_pct), got 95",
    ),
    (
        "groups bigger than the house",
        {"irrigation.group_area_m2": 400.0},
        "bad.toml: irrigation.group_area_m2 x groups must be at most greenhouse.area_m2 (1000), got 400 x 4",
    ),
    (
        "catchment bigger than a group",
        {"irrigation.drain_catchment_m2": 300.0},
        "bad.toml: irrigation.drain_catchment_m2 must be at most group_area_m2 (250), got 300",
    ),
    (
        "timer window backwards",
        {"irrigation.timer_from_h": 16.0, "irrigation.timer_to_h": 8.0},
        "bad.toml: irrigation.timer_to_h must be after timer_from_h (16) when timer_starts > 1, got 8",
    ),
    (
        "timer round longer than the interval",
        {"irrigation.timer_starts": 48, "irrigation.timer_dose_ml_m2": 2000.0},
        "bad.toml: irrigation.timer_dose_ml_m2 must fit a round of the 4 groups between two timer starts",
    ),
    (
        "dosing pump too small for the injector",
        {"irrigation.dose_pump_l_h": 1.0},
        "bad.toml: irrigation.dose_pump_l_h is too small for the timer's injector to reach the target",
    ),
    (
        "acid pump too small for the injector",
        {"irrigation.acid_pump_l_h": 1.0},
        "bad.toml: irrigation.acid_pump_l_h is too small for the timer's injector to reach the target",
    ),
]


@pytest.mark.parametrize(
    ("changes", "message"), [c[1:] for c in BAD_IRRIGATION], ids=[c[0] for c in BAD_IRRIGATION]
)
def test_bad_irrigation_names_the_key_and_what_is_allowed(changes, message):
    assert error_of(changed(changes)).startswith(message)


@pytest.mark.parametrize("target", ["substrate", "flow", "drain", "ec", "ph", "irrigation_pump"])
def test_the_irrigation_fault_targets_need_the_irrigation_table(target):
    kind = "trip" if target == "irrigation_pump" else "dropout"
    message = error_of(changed({}, [fault(target=target, kind=kind)]))
    assert message == f"bad.toml: faults[1].target {target} needs an [irrigation] table"
    parsed = parse_scenario(changed({"irrigation.groups": 2}, [fault(target=target, kind=kind)]))
    assert parsed.faults[0].target == target


def test_irrigation_faults_take_the_kinds_of_their_group():
    message = error_of(changed({"irrigation.groups": 2}, [fault(target="ec", kind="trip")]))
    assert (
        "faults[1].kind must be one of dropout, noise, offset, spike, stuck (for sensor target ec)" in message
    )
    message = error_of(changed({"irrigation.groups": 2}, [fault(target="irrigation_pump", kind="stuck")]))
    assert "faults[1].kind must be one of trip (for equipment target irrigation_pump)" in message


def test_a_fault_on_a_second_ec_or_ph_probe_needs_one_fitted():
    one = changed({"irrigation.probes": 1}, [fault(target="ph2", kind="offset", value=1.0)])
    assert "faults[1].target ph2 needs a second probe (irrigation.probes = 2)" in error_of(one)
    two = changed({"irrigation.probes": 2}, [fault(target="ph2", kind="offset", value=1.0)])
    assert parse_scenario(two).irrigation.probes == 2
    assert "irrigation.probes" in error_of(changed({"irrigation.probes": 3}))

"""The simulator end to end: every shipped scenario under every controller,
faults that raise alarms without stopping control, and the CLI."""

import dataclasses
import json
import math
import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import host_sim  # noqa: F401
from host_sim.controllers import CONTROLLERS
from host_sim.runner import make_weather, run
from host_sim.scenario import FaultSpec, load_scenario, scenario_names

METRIC_KEYS = {
    "days", "ticks", "errors", "air_temp_iae_kh", "air_temp_in_band_pct", "air_temp_max_over_k",
    "vpd_in_band_pct", "frost_min", "overheat_min", "heat_kwh_m2", "heat_oracle_kwh_m2", "cool_kwh_m2",
    "elec_kwh_m2", "cop_mean", "valve_strokes", "alarms",
}  # fmt: skip


@pytest.mark.parametrize("name", [n for n in scenario_names() if not n.endswith("-faults")])
def test_short_compare_of_every_shipped_scenario(name):
    scenario = load_scenario(name).replace(days=0.5)
    weather = make_weather(scenario)
    for controller in CONTROLLERS:
        metrics = run(scenario, controller, weather=weather).metrics
        assert METRIC_KEYS <= set(metrics)
        assert metrics["errors"] == 0
        assert metrics["ticks"] == 0.5 * 86400 / scenario.control_period_s
        assert abs(metrics["energy_balance_error_kwh_m2"]) < 1e-9
        assert 0 <= metrics["air_temp_in_band_pct"] <= 100


def test_firmware_holds_the_winter_rose_house():
    metrics = run(load_scenario("zichuan-rose-winter").replace(days=2)).metrics
    assert metrics["frost_min"] == 0 and metrics["overheat_min"] == 0
    assert metrics["air_temp_in_band_pct"] > 90
    # Within a few % of the least heat that holds the setpoint, at a heat pump's COP.
    assert (
        metrics["heat_oracle_kwh_m2"] * 0.97 < metrics["heat_kwh_m2"] < metrics["heat_oracle_kwh_m2"] * 1.05
    )
    assert 3.0 < metrics["cop_mean"] < 8.0


def test_the_solar_greenhouse_heats_its_small_night_load_without_heat_pump_cycles():
    # Issue 5 on the Pingshuo week: under the quilt the night load is small.
    # A 20 degC supply floor made the heat pump cycle (76 starts, the valve
    # with it: 2.5 x simple_pid's strokes); the quilt's cold morning drop
    # (IAE 0.64 x simple_pid's) is pre-heated for.
    scenario = load_scenario("pingshuo-solar-winter")
    weather = make_weather(scenario)
    firmware = run(scenario, weather=weather, oracle=False).metrics
    simple_pid = run(scenario, "simple_pid", weather=weather, oracle=False).metrics
    assert firmware["heat_pump_starts"] <= 20
    assert firmware["valve_strokes"] < simple_pid["valve_strokes"]
    assert firmware["air_temp_iae_kh"] < 0.5 * simple_pid["air_temp_iae_kh"]
    assert firmware["air_temp_in_band_pct"] >= 95.0


def test_faults_raise_alarms_and_control_goes_on():
    scenario = load_scenario("zichuan-rose-faults")
    metrics = run(scenario).metrics
    codes = {alarm["code"] for alarm in metrics["alarms"]}
    assert metrics["errors"] == 0
    assert {"air_held", "air_failed", "heat_pump", "no_mine_water"} <= codes
    first = {alarm["code"]: alarm["t_h"] for alarm in reversed(metrics["alarms"])}
    assert 2.0 <= first["air_held"] < 2.01 and 2.16 < first["air_failed"] < 2.2  # held 10 min, then safe
    assert 50.0 <= first["heat_pump"] < 50.1  # tripped at 50 h: noticed within two minutes
    # The only cold spell is the hour with no heat source at all (the trip): the
    # frost alarm comes with it and the house recovers when the heat pump returns.
    frost = [alarm["t_h"] for alarm in metrics["alarms"] if alarm["code"] == "frost"]
    assert all(50.5 < t_h < 51.5 for t_h in frost) and metrics["frost_min"] < 30
    assert metrics["air_temp_in_band_pct"] > 85


def test_same_seed_same_result():
    scenario = load_scenario("zichuan-rose-spring").replace(days=0.25)
    a, b = (run(scenario).metrics for _ in range(2))
    a.pop("wall_s"), b.pop("wall_s")
    assert a == b


def cli(*args):
    return subprocess.run([sys.executable, "-m", "host_sim", *args], capture_output=True, text=True)


def test_cli_run_writes_json_csv_and_plot(tmp_path):
    out = cli("run", "zichuan-rose-winter", "--days", "0.2", "--json", str(tmp_path / "m.json"),
              "--csv", str(tmp_path / "s.csv"), "--plot", str(tmp_path / "p.png"))  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "air temp IAE" in out.stdout
    metrics = json.loads((tmp_path / "m.json").read_text())
    assert metrics["scenario"] == "zichuan-rose-winter" and metrics["errors"] == 0
    rows = (tmp_path / "s.csv").read_text().splitlines()
    assert rows[0].startswith("t_h,outdoor_c") and len(rows) == 1 + math.ceil(0.2 * 86400 / 300)  # 5-min rows
    png = (tmp_path / "p.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 50_000


def test_cli_compare_json_is_keyed_by_controller(tmp_path):
    out = cli("compare", "pingshuo-solar-winter", "--days", "0.2", "--json", str(tmp_path / "c.json"))
    assert out.returncode == 0, out.stderr
    data = json.loads((tmp_path / "c.json").read_text())
    assert set(data) == set(CONTROLLERS)
    assert "(x" in out.stdout  # ratios to the firmware controller


def test_cli_refuses_bad_input_with_a_clear_error(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\ndays = -1\n')
    out = cli("run", str(bad))
    assert out.returncode == 2 and "bad.toml: days must be a number in 0..400" in out.stderr
    out = cli("run", "zichuan-rose-winter", "--runtime", "micropython", "--controller", "bang_bang")
    assert out.returncode == 2 and "--runtime micropython runs the firmware controller only" in out.stderr
    out = cli("run", "zichuan-rose-winter", "--controller", "fuzzy")
    assert out.returncode == 2 and "invalid choice: 'fuzzy'" in out.stderr


# Each fault the scenario format offers, and the alarm the firmware must give
# within the bound (hours after the fault starts at 03:00 on a winter night).
# Not detectable and so not listed: an offset or extra noise on a sensor
# (that takes a second sensor to compare with: see the two-sensor tests below), radiation stuck or spiking
# (the sun does jump and does stay at 0 all night), and a stuck valve the heat
# pump's floating temperature makes up for (heating_deviation only fires
# when the water stays far off).
FAULT_ALARMS = [
    ("air_temp", "dropout", "air_held", 0.01),
    ("air_temp", "stuck", "air_frozen", 0.52),
    ("air_temp", "spike", "air_spike", 0.5),
    ("air_rh", "dropout", "rh_sensor", 0.01),
    ("air_rh", "stuck", "rh_frozen", 0.52),
    ("air_rh", "spike", "rh_spike", 0.5),
    ("supply_temp", "dropout", "supply_sensor", 0.01),
    ("supply_temp", "stuck", "supply_frozen", 0.52),
    ("supply_temp", "spike", "supply_spike", 0.5),
    ("radiation", "dropout", "radiation_sensor", 0.01),
    ("heat_pump", "trip", "heat_pump", 0.05),
    ("mine_water_pump", "trip", "no_mine_water", 0.01),
]


@pytest.mark.parametrize(("target", "kind", "code", "within_h"), FAULT_ALARMS)
def test_each_fault_gives_its_alarm_in_time_and_control_goes_on(target, kind, code, within_h):
    base = load_scenario("zichuan-rose-winter")
    fault = FaultSpec(start_h=3.0, duration_h=1.0, target=target, kind=kind, value=None)
    scenario = base.replace(days=0.5, faults=(fault,))
    metrics = run(scenario, oracle=False).metrics
    first = {}
    for alarm in metrics["alarms"]:
        first.setdefault(alarm["code"], alarm["t_h"])
    assert code in first, first
    assert 3.0 <= first[code] <= 3.0 + within_h
    assert metrics["errors"] == 0 and metrics["overheat_min"] == 0
    # An hour without the only heat source (the heat pump or its mine water)
    # on a freezing night is the one fault that lets the air fall below the
    # crop minimum: a backup heater would be the cure, not control.
    heat_source = target in ("heat_pump", "mine_water_pump")
    assert metrics["frost_min"] == 0 or (heat_source and metrics["frost_min"] < 60)


def two_air_sensors(*faults, days=0.5):
    base = load_scenario("zichuan-rose-winter")
    house = dataclasses.replace(base.greenhouse, air_sensors=2)
    return base.replace(days=days, greenhouse=house, faults=tuple(faults))


def first_alarms(metrics):
    first = {}
    for alarm in metrics["alarms"]:
        first.setdefault(alarm["code"], alarm["t_h"])
    return first


def test_a_second_air_sensor_carries_control_through_the_firsts_failure():
    dropout = FaultSpec(start_h=3.0, duration_h=3.0, target="air_temp", kind="dropout", value=None)
    redundant = run(two_air_sensors(dropout), oracle=False).metrics
    healthy = run(two_air_sensors(), oracle=False).metrics
    one_sensor = load_scenario("zichuan-rose-winter").replace(days=0.5, faults=(dropout,))
    single = run(one_sensor, oracle=False).metrics
    first = first_alarms(redundant)
    assert 3.0 <= first["air_second"] <= 3.01
    assert "air_held" not in first and "air_failed" not in first
    assert "air_failed" in first_alarms(single)  # one sensor: held, then the safe output
    # On the second sensor the house is held as well as with both working.
    assert redundant["air_temp_iae_kh"] <= healthy["air_temp_iae_kh"] * 1.1 + 0.05
    assert redundant["air_temp_in_band_pct"] >= healthy["air_temp_in_band_pct"] - 1.0
    assert redundant["frost_min"] == 0 and redundant["errors"] == 0


@pytest.mark.parametrize(
    ("target", "kind", "value", "code", "within_h"),
    [
        ("air_temp_2", "dropout", None, "air2_sensor", 0.01),
        ("air_temp_2", "stuck", None, "air2_sensor", 0.52),
        ("air_temp_2", "offset", 3.0, "air_disagree", 0.3),
        ("air_temp", "offset", -3.0, "air_disagree", 0.3),  # one sensor alone cannot see this
    ],
)
def test_with_two_air_sensors_a_failed_or_drifted_one_is_named(target, kind, value, code, within_h):
    fault = FaultSpec(start_h=3.0, duration_h=1.0, target=target, kind=kind, value=value)
    metrics = run(two_air_sensors(fault), oracle=False).metrics
    first = first_alarms(metrics)
    assert code in first, first
    assert 3.0 <= first[code] <= 3.0 + within_h
    assert metrics["errors"] == 0 and metrics["frost_min"] == 0


def test_the_site_power_signal_caps_the_heat_pump_and_pre_heating_uses_the_surplus():
    scenario = load_scenario("zichuan-rose-winter-power").replace(days=2)
    weather = make_weather(scenario)
    capped = run(scenario, weather=weather, oracle=False, record=True)
    series = capped.series
    in_cap = [
        heat for t_h, heat in zip(series["t_h"], series["heat_w_m2"], strict=True) if 17.1 <= t_h % 24 < 21.0
    ]
    assert max(in_cap) <= 0.30 * 1200e3 / 5000 + 1e-6  # the heat pump holds to 30 % of its 240 W/m2
    assert capped.metrics["air_temp_in_band_pct"] > 95 and capped.metrics["frost_min"] == 0
    # Pre-heating (on by default) spends more of the electricity while the site has it to spare.
    no_preheat = run(scenario.replace(settings=(("air.preheat_k", 0.0),)), weather=weather, oracle=False)
    assert capped.metrics["elec_surplus_kwh_m2"] > 1.2 * no_preheat.metrics["elec_surplus_kwh_m2"] > 0


PROOF_EXAMPLES = int(os.environ.get("PROOF_EXAMPLES", "6"))  # PROOF_EXAMPLES=40 for a longer run (~1 min)


# Issue 5's proof on fresh weather and houses: any seed, size, cover, mine
# water and a heat pump sized for the weather (the design load at -12 degC
# outside, the house at 20 degC, times 1..1.5); the house fogs, so the rose's
# VPD band holds too.
def fresh_houses(mine_water_low_c, mine_water_high_c):
    """The proof's examples: any seed, floor area and cover U-value, mine
    water in the range, and a sizing factor 1..1.5."""

    def decorate(test):
        return settings(
            max_examples=PROOF_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
        )(
            given(
                seed=st.integers(0, 2**31 - 1),
                area_m2=st.floats(1000.0, 20000.0),
                cover_u=st.floats(3.0, 7.0),
                mine_water_c=st.floats(mine_water_low_c, mine_water_high_c),
                sizing=st.floats(1.0, 1.5),
            )(test)
        )

    return decorate


@example(seed=408470, area_m2=1000.0, cover_u=3.0, mine_water_c=10.0, sizing=1.0)  # min pipe vs source limit
@fresh_houses(10.0, 20.0)
def test_firmware_holds_any_winter_house_with_a_sized_heat_pump(seed, area_m2, cover_u, mine_water_c, sizing):
    base = load_scenario("zichuan-rose-winter")
    design_w_m2 = (cover_u * 1.25 + 1.0) * (20.0 - (-12.0))
    scenario = base.replace(
        days=2,
        seed=seed,
        greenhouse=dataclasses.replace(base.greenhouse, area_m2=area_m2, cover_u_w_m2k=cover_u),
        heating=dataclasses.replace(
            base.heating, heat_pump_kw=sizing * design_w_m2 * area_m2 / 1000.0, mine_water_c=mine_water_c
        ),
    )
    metrics = run(scenario).metrics
    assert metrics["errors"] == 0 and metrics["frost_min"] == 0 and metrics["overheat_min"] == 0
    assert metrics["air_temp_in_band_pct"] >= 95.0 and metrics["vpd_in_band_pct"] >= 85.0
    assert metrics["heat_kwh_m2"] <= 1.10 * metrics["heat_oracle_kwh_m2"]


# ... and on fresh summer weather: any seed, size and cover, mine water from
# 12 to 18 degC, the fan-coils sized as the shipped house's (200 W/m2 against
# 15 degC water, scaled by 1..1.5) with the reverse heat pump: the air in
# band, and the rose's VPD on its humid nights.
@example(seed=77428430, area_m2=1000.0, cover_u=3.0, mine_water_c=16.0, sizing=1.0)  # 94.9 % at cool.ki 0.017
@fresh_houses(12.0, 18.0)
def test_firmware_holds_any_summer_house_with_sized_cooling(seed, area_m2, cover_u, mine_water_c, sizing):
    base = load_scenario("zichuan-rose-summer")
    scenario = base.replace(
        days=2,
        seed=seed,
        greenhouse=dataclasses.replace(base.greenhouse, area_m2=area_m2, cover_u_w_m2k=cover_u),
        heating=dataclasses.replace(
            base.heating, heat_pump_kw=240.0 * area_m2 / 1000.0, mine_water_c=mine_water_c
        ),
        cooling=dataclasses.replace(base.cooling, fan_coil_kw=sizing * 200.0 * area_m2 / 1000.0),
    )
    metrics = run(scenario, oracle=False).metrics
    assert metrics["errors"] == 0 and metrics["frost_min"] == 0 and metrics["overheat_min"] == 0
    assert metrics["air_temp_in_band_pct"] >= 95.0 and metrics["vpd_in_band_pct"] >= 85.0


def test_cold_mine_water_trips_the_source_protection_and_control_goes_on():
    base = load_scenario("zichuan-rose-winter")
    scenario = base.replace(days=1, heating=dataclasses.replace(base.heating, mine_water_c=7.0))
    metrics = run(scenario, oracle=False).metrics
    codes = {alarm["code"] for alarm in metrics["alarms"]}
    assert "source_cold" in codes and metrics["errors"] == 0
    assert "source_cold" not in {
        alarm["code"] for alarm in run(base.replace(days=1), oracle=False).metrics["alarms"]
    }

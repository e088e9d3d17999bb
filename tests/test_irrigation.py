"""Irrigation in the simulator (host_sim/irrigation.py): the hydraulics, the
balances through the whole system, the controller interface and its
metrics, the new sensors' faults, the timer baseline over two weeks in
winter and summer, and scenarios without irrigation left as they were."""

import dataclasses
import json
import math
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import host_sim  # noqa: F401
from host_sim.controllers import SimplePidController
from host_sim.irrigation import IrrigationCommands, IrrigationSystem, IrrigationTally
from host_sim.irrigation_baseline import TimerBaseline
from host_sim.runner import make_weather, run
from host_sim.scenario import FaultSpec, load_scenario

FLOW_L_MIN = 2.0 * 4.0 * 1250.0 / 60.0  # 2 L/h x 4 drippers per m2 x 1,250 m2: 166.7, under the pump's 200
WINTER = "zichuan-rose-irrigation-winter"
SUMMER = "zichuan-rose-irrigation-summer"
IRRIGATION_KEYS = {
    "water_l_m2", "mine_water_m3", "irrigation_starts", "drain_fraction_mean", "drain_fraction_daily",
    "drain_fraction_target", "substrate_ec_mean", "ec_abs_err_ms_cm", "ph_abs_err", "dosing_without_flow_s",
    "ec_limit_violations",
}  # fmt: skip


def spec(name=WINTER):
    return load_scenario(name).irrigation


def commands(pump_on=False, group=0, a=0.0, b=0.0, acid=0.0):
    irr = IrrigationCommands()
    irr.pump_on, irr.valve_group = pump_on, group
    irr.dose_a_pct, irr.dose_b_pct, irr.dose_acid_pct = a, b, acid
    return irr


# -- hydraulics --


@pytest.mark.parametrize(
    ("pump_on", "group", "tripped", "flows"),
    [(True, 1, False, True), (True, 0, False, False), (False, 2, False, False), (True, 3, True, False)],
)
def test_water_flows_only_with_the_pump_on_a_valve_open_and_the_pump_not_tripped(
    pump_on, group, tripped, flows
):
    system = IrrigationSystem(spec())
    system.pump_tripped = tripped
    system.step(10.0, commands(pump_on, group), 0.0)
    # 2 L/h x 4 drippers per m2 x 1,250 m2 = 166.7 L/min, under the pump's 200.
    assert system.flow_l_min == (FLOW_L_MIN if flows else 0.0)
    assert sum(zone.water_in_l_m2 for zone in system.zones) == (
        pytest.approx(FLOW_L_MIN / 6 / 1250) if flows else 0
    )


def test_one_group_at_a_time_gets_the_water():
    system = IrrigationSystem(spec())
    for _ in range(60):
        system.step(10.0, commands(True, 2), 0.0)
    given = [zone.water_in_l_m2 for zone in system.zones]
    assert given[1] == pytest.approx(FLOW_L_MIN * 10 / 1250) and given[0] == given[2] == given[3] == 0.0


def test_the_pump_s_capacity_caps_a_group_s_flow():
    small = load_scenario(WINTER).irrigation.__class__(**{**vars(spec()), "pump_l_min": 100.0})
    system = IrrigationSystem(small)
    system.step(10.0, commands(True, 1), 0.0)
    assert system.flow_l_min == 100.0


@pytest.mark.parametrize("group", [5, -1, 1.0, True, None])
def test_a_valve_group_outside_the_house_is_refused(group):
    system = IrrigationSystem(spec())
    with pytest.raises(ValueError, match=r"valve_group must be an int in 0\.\.4, got "):
        system.step(10.0, commands(True, group), 0.0)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.booleans(),
            st.integers(0, 4),
            st.floats(0.0, 100.0),
            st.floats(0.0, 100.0),
            st.floats(0.0, 100.0),
            st.floats(0.0, 0.002),
            st.booleans(),
        ),  # fmt: skip
        min_size=1,
        max_size=80,
    )
)
def test_the_system_books_every_litre_and_every_salt(steps):
    """Whatever the commands: the main line's water is what the groups got;
    each group's water and salt balance closes; dosing without flow is counted."""
    system = IrrigationSystem(spec())
    tally = IrrigationTally(system, spec())
    water0 = [zone.water_l_m2 for zone in system.zones]
    salt0 = [zone.salt for zone in system.zones]
    no_flow_dosing_s = 0.0
    for pump_on, group, a, b, acid, demand, tripped in steps:
        system.pump_tripped = tripped
        irr = commands(pump_on, group, a, b, acid)
        system.step(10.0, irr, demand)
        tally.add(irr, 10.0, 0)
        if system.flow_l_min == 0.0 and a + b + acid > 0.0:
            no_flow_dosing_s += 10.0
    given_l = sum(zone.water_in_l_m2 for zone in system.zones) * system.group_area_m2
    assert tally.water_l == pytest.approx(given_l, rel=1e-9, abs=1e-9)
    assert system.mixer.water_l == pytest.approx(given_l, rel=1e-9, abs=1e-9)
    # The salts that left the mixer reached the groups (and the free H+ of over-acidified water with them).
    salt_given = sum(zone.salt_in for zone in system.zones) * system.group_area_m2
    assert salt_given >= system.mixer.salt_out * (1 - 1e-9) - 1e-9
    if not any(acid for *_, acid, _, _ in steps):  # (the raw water's own H+ at pH 7.8: 5e-6 mS/cm)
        assert salt_given == pytest.approx(system.mixer.salt_out, rel=1e-5, abs=1e-9)
    assert tally.dosing_without_flow_s == no_flow_dosing_s
    for zone, w0, s0 in zip(system.zones, water0, salt0, strict=True):
        assert zone.water_in_l_m2 - zone.uptake_l_m2 - zone.drain_l_m2 - (
            zone.water_l_m2 - w0
        ) == pytest.approx(0.0, abs=1e-9)
        assert zone.salt_in - zone.salt_uptake - zone.salt_drain - (zone.salt - s0) == pytest.approx(
            0.0, abs=1e-9
        )
    assert abs(tally.metrics()["water_balance_error_l_m2"]) < 1e-9


# -- the controller interface --


class Scripted(SimplePidController):
    """simple_pid's climate control, and irrigation by a script: script(t_h, meas, irr) -> alarm bits."""

    irrigation_alarm_text = ((1, "dose_stop", "dosing stopped"), (2, "no_flow", "pump on, no flow"))

    def __init__(self, scenario, script):
        super().__init__(scenario)
        self.script = script
        self.seen = []

    def irrigate(self, time_of_day_s, meas, dt_s, irr):
        t_h = time_of_day_s / 3600.0
        self.seen.append((t_h, meas.substrate_pct, meas.flow_l_min, meas.drain_ml, meas.ec_ms_cm, meas.ph))
        return self.script(t_h, meas, irr)


def scripted_run(script, days=0.5, faults=(), name=WINTER):
    scenario = load_scenario(name).replace(days=days, faults=tuple(faults))
    controller = Scripted(scenario, script)
    return run(scenario, "simple_pid", oracle=False, controller=controller).metrics, controller


def test_a_controller_with_irrigate_drives_the_irrigation_and_its_targets_reach_the_metrics():
    def script(t_h, meas, irr):
        on = 9.0 <= t_h < 9.5
        irr.pump_on, irr.valve_group = on, 1 if on else 0
        flowing = on and (meas.flow_l_min or 0.0) > 0.0
        irr.dose_a_pct = irr.dose_b_pct = 44.0 if flowing else 0.0
        irr.dose_acid_pct = 50.0 if flowing else 0.0
        irr.ec_target_ms_cm, irr.ph_target, irr.drain_target = 2.0, 5.8, 0.3
        return 2 if on and not flowing else 0

    metrics, controller = scripted_run(script)
    assert IRRIGATION_KEYS <= set(metrics)
    # Group 1 got 30 min of 8 L/m2/h: 4 L/m2, or 1 L per m2 of the house's four groups.
    assert metrics["irrigation_starts"] == 1 and metrics["water_l_m2"] == pytest.approx(1.0, rel=0.01)
    assert metrics["mine_water_m3"] == pytest.approx(FLOW_L_MIN * 30 / 1000, rel=0.01)
    assert metrics["drain_fraction_target"] == 0.3
    # 44 % of two 80 L/h pumps into 166.7 L/min: +0.70 mS/cm on 1.2; 4 mmol/L of acid: pH 5.7.
    assert metrics["ec_abs_err_ms_cm"] < 0.15 and metrics["ph_abs_err"] < 0.3
    assert metrics["dosing_without_flow_s"] == 0.0 and metrics["ec_limit_violations"] == 0
    # The alarm while the flow is not yet seen (the first tick), named by irrigation_alarm_text.
    assert [(a["code"], a["t_h"]) for a in metrics["alarms"]] == [("no_flow", 9.0)]
    seen = {round(t_h, 4): row for t_h, *row in controller.seen}
    assert seen[9.0][1] == 0.0 and seen[9.1][1] == pytest.approx(166.7, abs=5.0)  # flow, a tick late
    assert seen[10.0][1] == 0.0


def test_dosing_without_flow_is_counted_and_its_slug_breaks_the_limits():
    def script(t_h, meas, irr):
        irr.dose_a_pct = irr.dose_b_pct = irr.dose_acid_pct = 100.0 if 8.0 <= t_h < 8.1 else 0.0
        irr.pump_on = 9.0 <= t_h < 9.2
        irr.valve_group = 1 if irr.pump_on else 0
        return 0

    metrics, _ = scripted_run(script)
    assert metrics["dosing_without_flow_s"] == pytest.approx(360.0)
    assert metrics["ec_limit_violations"] == 1  # the stock that stood in the mixer, pushed out at 09:00
    assert metrics["ec_abs_err_ms_cm"] is None  # no target reported


def test_an_error_in_irrigate_is_counted_and_the_run_goes_on():
    def script(t_h, meas, irr):
        if 10.0 <= t_h < 10.01:
            raise RuntimeError("boom")
        return 0

    metrics, _ = scripted_run(script)
    assert metrics["errors"] == 4 and metrics["ticks"] == 4320  # 10:00:00 to 10:00:30


def test_controllers_without_irrigate_irrigate_by_the_timer():
    scenario = load_scenario(WINTER).replace(days=1)
    metrics = run(scenario, "bang_bang", oracle=False).metrics
    assert metrics["irrigation_starts"] == 6 * 4 and metrics["drain_fraction_target"] is None


# -- faults of the new targets --


def fault(target, kind, value=None, start_h=9.0, duration_h=3.0):
    return FaultSpec(start_h=start_h, duration_h=duration_h, target=target, kind=kind, value=value)


def timer_with_eyes(scenario):
    """The timer baseline, through Scripted so that the readings are kept."""
    timer = TimerBaseline(scenario)
    return lambda t_h, meas, irr: timer.irrigate(t_h * 3600.0, meas, 10.0, irr)


def readings(faults, column):
    """The readings inside and after a fault from 09:00 to 12:00 (timer starts
    at 08:00, 09:30, 11:00, 12:30 and 14:00), the slabs just under capacity
    (they drain from the first start)."""
    base = load_scenario(WINTER)
    at_capacity = dataclasses.replace(base.irrigation, start_pct=74.5)
    scenario = base.replace(days=0.6, faults=tuple(faults), irrigation=at_capacity)
    controller = Scripted(scenario, timer_with_eyes(scenario))
    metrics = run(scenario, "simple_pid", oracle=False, controller=controller).metrics
    inside = [row[column] for row in controller.seen if 9.0 + 1e-6 < row[0] < 12.0 - 1e-6]
    outside = [row[column] for row in controller.seen if row[0] > 12.01]
    return inside, outside, metrics


COLUMNS = {"substrate": 1, "flow": 2, "drain": 3, "ec": 4, "ph": 5}


@pytest.mark.parametrize("target", sorted(COLUMNS))
def test_a_dropout_of_an_irrigation_sensor_reads_none_and_it_comes_back(target):
    inside, outside, metrics = readings([fault(target, "dropout")], COLUMNS[target])
    assert inside and all(value is None for value in inside)
    assert outside and all(value is not None for value in outside)
    assert metrics["errors"] == 0


@pytest.mark.parametrize("target", ["substrate", "ec", "ph"])
def test_a_stuck_probe_repeats_one_reading_while_the_water_changes(target):
    inside, _, _ = readings([fault(target, "stuck")], COLUMNS[target])
    healthy, _, _ = readings([], COLUMNS[target])
    assert len(set(inside)) == 1 and len(set(healthy)) > 5


def test_an_offset_shifts_the_ph_probe_and_a_jammed_drain_gauge_counts_nothing():
    shifted, _, _ = readings([fault("ph", "offset", -1.0)], COLUMNS["ph"])
    healthy, _, _ = readings([], COLUMNS["ph"])
    assert sum(shifted) / len(shifted) == pytest.approx(sum(healthy) / len(healthy) - 1.0, abs=0.05)
    jammed, _, _ = readings([fault("drain", "stuck")], COLUMNS["drain"])
    drained, _, _ = readings([], COLUMNS["drain"])
    assert set(jammed) == {0.0} and sum(drained) > 0.0


def test_the_flow_meter_reads_the_flow_and_nothing_while_nothing_flows():
    inside, _, _ = readings([], COLUMNS["flow"])
    running = [value for value in inside if value > 0.0]
    assert running and all(abs(value - 166.7) < 5.0 for value in running)
    assert inside.count(0.0) > 0.8 * len(inside)  # the timer runs ~7.5 min in each 1.5 h


def test_an_irrigation_pump_trip_stops_the_water_while_the_timer_runs_on():
    # The 09:30 and 11:00 starts fall in the trip; the timer still sets pump and valves.
    inside, outside, tripped = readings([fault("irrigation_pump", "trip")], COLUMNS["flow"])
    _, _, healthy = readings([], COLUMNS["flow"])
    assert set(inside) == {0.0} and max(outside) > 0.0
    assert healthy["irrigation_starts"] - tripped["irrigation_starts"] == 2 * 4
    assert tripped["water_l_m2"] == pytest.approx(healthy["water_l_m2"] * 3 / 5, rel=1e-6)
    assert tripped["dosing_without_flow_s"] == 0.0  # the injector is driven by the water


def test_the_fault_scenario_runs_every_new_fault_and_the_climate_control_goes_on():
    scenario = load_scenario("zichuan-rose-irrigation-faults")
    assert {f.target for f in scenario.faults} == {
        "flow",
        "irrigation_pump",
        "ec",
        "ph",
        "drain",
        "substrate",
    }
    metrics = run(scenario, "simple_pid", oracle=False).metrics
    plain = run(scenario.replace(faults=()), "simple_pid", oracle=False).metrics
    assert metrics["errors"] == 0 and metrics["frost_min"] == 0
    assert metrics["air_temp_iae_kh"] == plain["air_temp_iae_kh"]  # the climate never notices
    assert metrics["water_l_m2"] < plain["water_l_m2"]  # the trip cost a round


# -- the timer baseline over two weeks --


@pytest.fixture(scope="module")
def timer_runs():
    runs = {}
    for name in (WINTER, SUMMER):
        scenario = load_scenario(name)
        weather = make_weather(scenario)
        per_day = int(86400 / scenario.control_period_s)
        sun = [sum(weather.global_w_m2[i : i + per_day]) * scenario.control_period_s / 1e4
               for i in range(0, len(weather), per_day)]  # fmt: skip
        runs[name] = (scenario, run(scenario, "simple_pid", weather=weather, oracle=False).metrics, sun)
    return runs


def correlation(xs, ys):
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    return sxy / math.sqrt(sum((x - mx) ** 2 for x in xs) * sum((y - my) ** 2 for y in ys))


@pytest.mark.parametrize("name", [WINTER, SUMMER])
def test_the_timer_gives_the_same_water_every_day_and_its_drain_follows_the_weather(timer_runs, name):
    """A timer waters the same whatever the weather: bright days drink more of
    it and drain less, dull days drain more.  That spread is what a
    radiation-sum start with drain feedback is to remove."""
    scenario, metrics, sun_j_cm2 = timer_runs[name]
    i = scenario.irrigation
    assert metrics["irrigation_starts"] == 14 * i.timer_starts * i.groups
    water, uptake, drain = (
        metrics["water_l_m2_daily"],
        metrics["uptake_l_m2_daily"],
        metrics["drain_fraction_daily"],
    )
    nominal = i.timer_starts * i.timer_dose_ml_m2 / 1000.0
    assert all(day == pytest.approx(water[0], rel=1e-9) for day in water)
    assert water[0] == pytest.approx(nominal, abs=5.0 * FLOW_L_MIN / 60.0 / 1250.0)  # half a 10 s tick
    assert correlation(sun_j_cm2, uptake) > 0.8  # bright days drink more ...
    assert correlation(uptake[1:], drain[1:]) < -0.8  # ... and drain less (day 1 refills the slabs)
    assert max(drain[1:]) - min(drain[1:]) > 0.1
    assert metrics["water_l_m2"] == pytest.approx(metrics["uptake_l_m2"] + metrics["drain_l_m2"], abs=0.5)
    assert abs(metrics["water_balance_error_l_m2"]) < 1e-9
    assert sum(metrics["drain_l_m2_daily"]) == pytest.approx(metrics["drain_l_m2"])
    # Its injector was sized for this raw water: on target but for the mixing lag at each start.
    assert metrics["ec_abs_err_ms_cm"] < 0.1 and metrics["ph_abs_err"] < 0.1
    assert metrics["dosing_without_flow_s"] == 0.0 and metrics["ec_limit_violations"] == 0
    assert 2.5 < metrics["substrate_ec_mean"] < 4.0


def test_a_rose_drinks_about_a_litre_a_day_in_winter(timer_runs):
    """Published: a rose crop in stone wool uses ~1 L/m2 a day in winter."""
    _, metrics, _ = timer_runs[WINTER]
    daily = metrics["uptake_l_m2_daily"]
    assert 0.7 <= sum(daily) / len(daily) <= 1.5 and all(0.5 <= day <= 2.0 for day in daily)


@pytest.mark.xfail(
    strict=True,
    reason="the climate model's transpiration (host_sim/plant.py, Baille a = 0.3) gives ~1.5 L/m2 a day in "
    "this hazy July, ~0.9 mL/m2 per J/cm2 outside, against the published 2-6 L/m2 (~2-3 mL per J/cm2): the "
    "root zone drinks what the climate model transpires; raising a changes every climate metric",
)
def test_a_rose_drinks_two_to_six_litres_a_day_in_summer(timer_runs):
    """Published: 2-6 L/m2 a day in summer (Stanghellini's ~2-3 mL/m2 per J/cm2 of outside radiation)."""
    _, metrics, sun_j_cm2 = timer_runs[SUMMER]
    daily = metrics["uptake_l_m2_daily"]
    assert 2.0 <= sum(daily) / len(daily) <= 6.0
    assert sum(daily) * 1000.0 / sum(sun_j_cm2) >= 1.5


# -- scenarios without irrigation are as they were --


def test_without_an_irrigation_table_there_are_no_irrigation_metrics_or_series():
    result = run(
        load_scenario("zichuan-rose-winter").replace(days=0.2), "bang_bang", record=True, oracle=False
    )
    assert not IRRIGATION_KEYS & set(result.metrics)
    assert "substrate_pct" not in result.series


@pytest.mark.parametrize("controller", ["firmware", "bang_bang"])
def test_irrigation_leaves_the_climate_exactly_as_it_was(controller):
    """The root zone takes what the crop transpires and gives nothing back to
    the climate, and its sensors draw on their own noise stream: every climate
    metric and series is the same with the [irrigation] table as without."""
    dry = load_scenario("zichuan-rose-winter").replace(days=0.5)
    wet = dry.replace(irrigation=spec())
    weather = make_weather(dry)
    a = run(dry, controller, weather=weather, record=True, oracle=False)
    b = run(wet, controller, weather=weather, record=True, oracle=False)
    for result in (a, b):
        result.metrics.pop("wall_s")
    assert {key: b.metrics[key] for key in a.metrics} == a.metrics
    assert {key: b.series[key] for key in a.series} == a.series
    assert b.metrics["water_l_m2"] > 0


def test_cli_run_shows_the_irrigation_and_writes_its_series(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "host_sim", "run", WINTER, "--days", "0.5", "--controller", "bang_bang",
         "--json", str(tmp_path / "m.json"), "--csv", str(tmp_path / "s.csv"),
         "--plot", str(tmp_path / "p.png")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "irrigation water, L/m2" in out.stdout and "drain fraction, mean of days" in out.stdout
    metrics = json.loads((tmp_path / "m.json").read_text())
    assert metrics["irrigation_starts"] == 3 * 4 and len(metrics["drain_fraction_daily"]) == 1
    header = (tmp_path / "s.csv").read_text().splitlines()[0].split(",")
    assert header[:2] == ["t_h", "outdoor_c"] and "substrate_pct" in header and "supply_ph" in header
    assert (tmp_path / "p.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

"""Issue 7's proof: the firmware's irrigation and fertigation (core/watering.py)
on the simulated root zone and mixer (host_sim/irrigation.py) over two
weeks of winter and of summer, on the fault scenario, against the timer
baseline, and the same under the MicroPython unix port."""

import dataclasses

import numpy as np
import pytest

from host_sim.firmware_controller import FirmwareController
from host_sim.runner import run
from host_sim.scenario import FaultSpec, load_scenario

WATER_METRICS = ("water_l_m2", "drain_fraction_daily", "substrate_ec_mean", "ec_abs_err_ms_cm", "ph_abs_err")
CLIMATE_METRICS = ("air_temp_in_band_pct", "air_temp_iae_kh", "vpd_in_band_pct", "heat_kwh_m2", "frost_min")


@pytest.fixture(scope="module")
def two_weeks():
    """name -> (firmware result with its series, daily radiation sums J/cm2)."""
    out = {}
    for name in ("winter", "summer"):
        result = run(load_scenario(f"zichuan-rose-irrigation-{name}"), "firmware", oracle=False, record=True)
        t_h = np.array(result.series["t_h"])
        sun = np.array(result.series["radiation_w_m2"])
        step_s = (t_h[1] - t_h[0]) * 3600
        daily_j_cm2 = [sun[(t_h >= 24 * d) & (t_h < 24 * (d + 1))].sum() * step_s / 1e4 for d in range(14)]
        out[name] = (result.metrics, daily_j_cm2)
    return out


@pytest.mark.parametrize(
    "name",
    [
        "summer",
        pytest.param(
            "winter",
            marks=pytest.mark.xfail(
                strict=True,
                reason="one dull January day (day 4) drains 19 %: 11 points under the target (issue 7 note)",
            ),
        ),
    ],
)
def test_the_daily_drain_fraction_holds_within_five_points_after_two_days(two_weeks, name):
    metrics, _ = two_weeks[name]
    target = metrics["drain_fraction_target"]
    assert target == 0.3
    late = np.array(metrics["drain_fraction_daily"][2:])
    assert np.abs(late - target).max() <= 0.05, late.round(3).tolist()


@pytest.mark.parametrize("name", ["winter", "summer"])
def test_winter_misses_on_one_dull_day_only(two_weeks, name):
    late = np.array(two_weeks[name][0]["drain_fraction_daily"][2:])
    assert np.abs(late - 0.3).max() <= 0.12 and (np.abs(late - 0.3) > 0.05).sum() <= 1


@pytest.mark.parametrize("name", ["winter", "summer"])
def test_dosing_keeps_ec_and_ph_on_target_and_never_without_flow(two_weeks, name):
    metrics, _ = two_weeks[name]
    assert metrics["errors"] == 0
    assert metrics["ec_abs_err_ms_cm"] < 0.2 and metrics["ph_abs_err"] < 0.3
    assert metrics["dosing_without_flow_s"] == 0 and metrics["ec_limit_violations"] == 0
    false = ("ec_sensor", "ph_sensor", "no_flow", "ec_high", "drain_silent", "ec_deviation", "ph_deviation")
    assert not [a for a in metrics["alarms"] if a["code"] in false]


@pytest.mark.parametrize("name", ["winter", "summer"])
def test_water_follows_the_sun(two_weeks, name):
    metrics, sun = two_weeks[name]
    water = np.array(metrics["water_l_m2_daily"][1:])  # (the first day refills slabs started dry)
    assert np.corrcoef(water, np.array(sun[1:]))[0, 1] > 0.7
    brightest, dullest = int(np.argmax(sun[1:])), int(np.argmin(sun[1:]))
    assert water[brightest] > 1.3 * water[dullest]


class ClimateOnly:
    """The firmware controller without its irrigation: the runner then waters
    by the timer baseline (host_sim/irrigation.py), under the same climate
    control, so the two irrigations see the same crop and air."""

    def __init__(self, controller):
        self._controller = controller

    def __getattr__(self, name):
        if name == "irrigate":
            raise AttributeError(name)
        return getattr(self._controller, name)


def timer_matching(name, drain_mean, substrate_ec):
    """The timer baseline under the firmware's climate control, its dose
    raised in 25 mL/m2 steps from the scenario's until its mean drain
    fraction reaches drain_mean and its slab's mean EC is down to
    substrate_ec: the timer a grower would set for the same leaching and
    salt.  (At the same mean drain alone the water is nearly the same by
    the water balance, water = uptake / (1 - drain); the timer pays in salt:
    its drain follows the weather, and the slab's EC with it.)"""
    scenario = load_scenario(f"zichuan-rose-irrigation-{name}")
    spec = scenario.irrigation
    dose = spec.timer_dose_ml_m2
    while True:
        changed = scenario.replace(irrigation=dataclasses.replace(spec, timer_dose_ml_m2=dose))
        climate_only = ClimateOnly(FirmwareController(changed))
        metrics = run(changed, "firmware", oracle=False, controller=climate_only).metrics
        leached = np.mean(metrics["drain_fraction_daily"]) >= drain_mean
        if leached and metrics["substrate_ec_mean"] <= substrate_ec or dose > 3 * spec.timer_dose_ml_m2:
            return dose, metrics
        dose += 25.0


@pytest.mark.parametrize("name", ["winter", "summer"])
def test_less_water_than_a_timer_for_the_same_drain_and_no_higher_substrate_ec(two_weeks, name):
    firmware, _ = two_weeks[name]
    drain_mean = np.mean(firmware["drain_fraction_daily"])
    _, timer = timer_matching(name, drain_mean, firmware["substrate_ec_mean"])
    assert np.mean(timer["drain_fraction_daily"]) >= drain_mean
    assert timer["substrate_ec_mean"] <= firmware["substrate_ec_mean"]
    assert firmware["water_l_m2"] < 0.97 * timer["water_l_m2"]  # at least 3 % less
    # and the drain stays near the target where the timer's follows the weather
    target = firmware["drain_fraction_target"]
    off = np.mean(np.abs(np.array(firmware["drain_fraction_daily"][2:]) - target))
    assert off < 0.7 * np.mean(np.abs(np.array(timer["drain_fraction_daily"][2:]) - target))


@pytest.fixture(scope="module")
def faults():
    scenario = load_scenario("zichuan-rose-irrigation-faults")
    return scenario, run(scenario, "firmware", oracle=False, record=True)


def first_alarm(metrics, code, after_h):
    return min(a["t_h"] for a in metrics["alarms"] if a["code"] == code and a["t_h"] >= after_h)


def test_each_irrigation_fault_raises_its_alarm_and_stops_dosing_in_time(faults):
    scenario, result = faults
    metrics, series = result.metrics, result.series
    assert metrics["errors"] == 0 and metrics["dosing_without_flow_s"] == 0
    assert metrics["ec_limit_violations"] == 0
    by_target = {f.target: f for f in scenario.faults}
    t_h = np.array(series["t_h"])
    flow = np.array(series["flow_l_min"])
    supply_ec = np.array(series["supply_ec_ms_cm"])
    raw_ec = scenario.irrigation.raw_ec_ms_cm

    def starts_after(hour):
        """The first time water flows from hour on."""
        return t_h[(t_h >= hour) & (flow > 0)][0]

    # The flow meter fails: the first start after it raises flow_sensor, and
    # that water goes undosed (the stock never meets unproven flow).
    meter = by_target["flow"]
    alarm_h = first_alarm(metrics, "flow_sensor", meter.start_h)
    assert alarm_h - starts_after(meter.start_h) < 0.02
    during = (t_h > alarm_h + 0.05) & (t_h < meter.start_h + meter.duration_h) & (flow > 0)
    assert during.any() and np.all(supply_ec[during] < raw_ec + 0.1)
    # The pump trips: the next start finds no flow within irr.prove_s and stops.
    trip = by_target["irrigation_pump"]
    alarm_h = first_alarm(metrics, "no_flow", trip.start_h)
    assert alarm_h < trip.start_h + trip.duration_h
    # The EC probe freezes: within a minute of water the A/B stop (one start).
    stuck = by_target["ec"]
    alarm_h = first_alarm(metrics, "ec_sensor", stuck.start_h)
    assert alarm_h - starts_after(stuck.start_h) <= 0.02 + 60 / 3600
    later = (t_h > alarm_h + 0.1) & (t_h < stuck.start_h + stuck.duration_h) & (flow > 0)
    assert later.any() and np.all(supply_ec[later] < raw_ec + 0.1)
    # The drain gauge jams for a day: no drain seen, no verdict on the doses,
    # so no more water than the day before (a gauge that never tips cannot
    # drive the dose up; drain_silent follows after 1.5 L/m2 without a tip).
    jam = by_target["drain"]
    day = int(jam.start_h // 24)
    assert 0.5 < metrics["water_l_m2_daily"][day] / metrics["water_l_m2_daily"][day - 1] <= 1.1
    # The pH probe drifts a unit low: the loop cuts the acid, and the dose far
    # from the recipe's for 10 min of water raises ph_deviation (a few starts).
    drift = by_target["ph"]
    assert first_alarm(metrics, "ph_deviation", drift.start_h) < drift.start_h + 1.0


def test_irrigation_faults_leave_the_climate_control_as_it_was(faults):
    scenario, result = faults
    calm = run(scenario.replace(faults=()), "firmware", oracle=False).metrics
    assert {k: result.metrics[k] for k in CLIMATE_METRICS} == {k: calm[k] for k in CLIMATE_METRICS}


def test_the_irrigating_node_under_micropython_gives_the_cpython_metrics():
    scenario = load_scenario("zichuan-rose-irrigation-summer").replace(days=0.5)
    cpython = run(scenario, "firmware", oracle=False).metrics
    micropython = run(scenario, "firmware", oracle=False, runtime="micropython").metrics
    for metrics in (cpython, micropython):
        del metrics["wall_s"]
    assert micropython == cpython and cpython["irrigation_starts"] > 0


def test_a_second_ph_probe_catches_one_drifting_high_before_the_crop_is_acidified():
    # A pH probe reading a unit high, alone, has its loop add acid until the
    # crop's water is a unit under the target: past the steep end of the
    # titration it overshoots under pH 4.5 and the trip stops the irrigation
    # for the day.  With a second probe beside it (irrigation.probes = 2, the
    # node's fert.probes) the two disagree within a minute, the acid goes by
    # the recipe, and the crop gets water at its pH all afternoon.
    base = load_scenario("zichuan-rose-irrigation-winter")
    drift = FaultSpec(start_h=11.0, duration_h=5.0, target="ph", kind="offset", value=1.0)

    def day(probes):
        spec = dataclasses.replace(base.irrigation, probes=probes)
        return run(base.replace(days=1, faults=(drift,), irrigation=spec), "firmware", oracle=False).metrics

    one, two, calm = day(1), day(2), run(base.replace(days=1), "firmware", oracle=False).metrics
    assert one["ec_limit_violations"] > 0 and "ph_low" in {a["code"] for a in one["alarms"]}
    assert two["ec_limit_violations"] == 0 and "ph_low" not in {a["code"] for a in two["alarms"]}
    assert 11.0 <= first_alarm(two, "ph_disagree", 11.0) <= 11.0 + 90 / 3600
    assert two["ph_abs_err"] < calm["ph_abs_err"] + 0.05 and two["water_l_m2"] > 1.2 * one["water_l_m2"]

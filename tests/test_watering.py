"""Irrigation and fertigation in the control core (core/irrigation.py,
core/fertigation.py, core/watering.py): starts, groups in turn, doses by
proven flow, drain feedback, EC/pH dosing and every interlock, starts and a
hold by hand, yesterday's totals; CPython and MicroPython agree on a two-day
trace and on the starts by hand (tests/water_trace.py)."""

import pytest
import water_trace
from hypothesis import given, settings
from hypothesis import strategies as st

from core.crops import WATER
from core.fertigation import (
    ALARM_AB_LIMIT,
    ALARM_EC_DISAGREE,
    ALARM_EC_HIGH,
    ALARM_EC_NO_RESPONSE,
    ALARM_EC_SENSOR,
    ALARM_PH_DISAGREE,
    ALARM_PH_LOW,
    ALARM_PH_SENSOR,
    ALARM_PROBE2,
    ALARM_RAW_EC,
    Fertigation,
)
from core.fixed import FULL_SCALE
from core.irrigation import ALARM_FLOW_SENSOR, ALARM_NO_FLOW, Irrigation
from core.pid import AUTO
from core.watering import FERT_SHIFT, Watering
from micropython_runner import TESTS, run_json
from node.house import make_climate

HOUR_MS = 3600000
STEP_MS = 10000
SUNRISE_MS, SUNSET_MS = 6 * HOUR_MS, 18 * HOUR_MS


@pytest.fixture(scope="module")
def alternating():
    """Six days: bright, dull, dull, bright, bright, dull."""
    return water_trace.run(days=6, peak=(800, 300, 300, 800, 800, 300))


@pytest.fixture(scope="module")
def by_hand():
    return water_trace.by_hand()


def test_micropython_gives_the_trace_cpython_gives(by_hand):
    got = run_json(TESTS / "water_trace.py")
    assert got == {
        "sunny": water_trace.run(),
        "trip": water_trace.run(days=2, trip_day=1),
        "by_hand": by_hand,
        "drift": water_trace.run(days=1, drift_from_ms=12 * 3600000),
    }


def test_two_probes_dose_on_their_mean_until_one_drifts_then_the_recipe():
    # (the same run under MicroPython is in the identity test above)
    calm = water_trace.run(days=1, drift_from_ms=24 * 3600000)
    drift = water_trace.run(days=1, drift_from_ms=12 * 3600000)
    assert not calm["alarms"] >> FERT_SHIFT & ALARM_PH_DISAGREE and calm["dose_without_flow"] == 0
    assert drift["alarms"] >> FERT_SHIFT & ALARM_PH_DISAGREE and drift["dose_without_flow"] == 0
    assert calm["starts"] == drift["starts"]  # the water goes on as it was


def test_yesterday_is_the_day_before_s_totals_as_they_stood_at_the_rollover(alternating):
    assert alternating["yesterday"] == alternating["daily"][:-1]
    assert all(day[0] > 0 and day[3] > 0 for day in alternating["yesterday"])  # real days, drain measured


def test_drain_fraction_holds_its_target_as_the_weather_changes(alternating):
    fractions = [day[3] for day in alternating["daily"]]
    target = WATER["rose"]["drain_target_pm"]
    assert all(abs(f - target) <= 50 for f in fractions[1:]), fractions  # +-5 points after day one


def test_bright_days_get_more_starts_and_more_water(alternating):
    daily = alternating["daily"]
    bright, dull = [daily[i] for i in (0, 3, 4)], [daily[i] for i in (1, 2, 5)]
    assert min(d[0] for d in bright) > max(d[0] for d in dull)  # starts
    assert min(d[2] for d in bright) > 1.5 * max(d[2] for d in dull)  # mL/m2


def test_groups_start_in_turn_and_dosing_follows_ec_and_ph_targets(alternating):
    starts = alternating["starts"]
    assert {group for _, _, group in starts} == {1, 2, 3}
    assert alternating["dose_without_flow"] == 0 and alternating["alarms"] == 0
    n = alternating["dosing_ticks"]
    assert n > 100
    assert alternating["ec_err_sum"] / n < 200 and alternating["ph_err_sum"] / n < 300  # uS/cm, milli-pH


def test_a_pump_trip_raises_no_flow_stops_and_retries_without_dosing():
    trace = water_trace.run(days=2, trip_day=1)
    assert trace["alarms"] & ALARM_NO_FLOW and trace["dose_without_flow"] == 0
    day1 = [s for s in trace["starts"] if s[0] == 1]
    assert day1 and trace["daily"][1][0] == 0  # tried, none delivered
    retries = sorted({minute for _, minute, group in day1 if group == 1})
    assert all(b - a >= 10 for a, b in zip(retries, retries[1:], strict=False))  # irr.retry_s apart


# --- by hand: gh.irrigate, gh.manual("irrigation", False) ----------------------------


def test_a_bad_group_number_is_refused_by_name_and_range_and_changes_nothing(by_hand):
    shown = ("0", "4", "-1", "'2'", "2.0", "True", "None")
    assert by_hand["refused"] == ["group must be a valve group 1..3, got " + got for got in shown]
    assert by_hand["queue_after_refused"] == [False, False, False, 0, 0]  # nothing queued, nothing running


def test_a_start_by_hand_runs_now_one_group_at_a_time_and_counts_its_dose(by_hand):
    night = by_hand["night"]  # at 01:00, where no rule starts a group
    asked = by_hand["asked"]
    assert asked["2"] is None and asked["1 behind 2"] is None and asked["3"] is None
    assert asked["2 again"] == "already running or queued"
    valves = [group for group, _, _, _ in night]
    first, second = valves.count(2), valves.count(1)
    assert valves[: first + 1 + second] == [2] * first + [0] + [1] * second  # in turn, never together
    assert all(
        ab > 0 and acid > 0 for group, ab, acid, _ in night[1:first] + night[first + 2 : first + 1 + second]
    )
    starts, water_ml, _, _ = by_hand["night_totals"]
    tick_ml = 50000 * STEP_MS // 60000  # a tick of a group's flow
    assert starts == 2 and sum(by_hand["targets_ml"]) <= water_ml < sum(by_hand["targets_ml"]) + 2 * tick_ml


def test_a_hold_by_hand_stops_the_water_and_the_dosing_within_a_tick_and_starts_nothing(by_hand):
    assert all(group == 3 for group, _, _, _ in by_hand["before_hold"]) and by_hand["before_hold"][-1][1] > 0
    assert by_hand["held"] == [[0, 0, 0, 0], False, 0]  # valve, A/B, acid, flow; not proven; none running
    assert by_hand["asked"]["1 held"] == "irrigation held off by hand"
    assert by_hand["held_hour"] == [0, 2]  # an hour of noon with every group due: nothing on, no start
    assert [group for group, _, _, _ in by_hand["released"]] == [1, 1, 1]  # released: the due start at once


def test_a_fertigation_trip_stops_a_start_and_refuses_one_by_hand_until_acknowledged(by_hand):
    assert by_hand["asked"]["2 tripped"] == "irrigation held by a fertigation trip: acknowledge it first"
    assert all(tick == [0, 0, 0, 0] for tick in by_hand["trip"])  # the hold by hand released: the trip wins
    assert by_hand["after_ack"][0][0] != 0


def test_yesterday_at_the_rollover_is_the_day_s_last_totals(by_hand):
    assert by_hand["yesterday_before"] is None
    assert by_hand["yesterday"] == by_hand["day_end"] and by_hand["day_end"][0] == 7
    assert by_hand["today"] == [0, 0, 0, -1]


def test_a_start_by_hand_takes_the_same_flow_proof_and_retries():
    irr = irrigation(groups=((1000, 100000), (1000, 100000)))
    assert irr.request(2) is None
    for k in range(4):  # no flow: the start stops after prove_ms, as a due start's does
        irr.tick(HOUR_MS + k * STEP_MS, STEP_MS, 0, None, 0, 0)
    assert irr.active == 0 and irr.alarms & ALARM_NO_FLOW and irr.starts == 0
    assert irr.groups[1].retry_ms == irr.retry_ms  # and is tried again


# --- the irrigation alone ----------------------------------------------------------


def irrigation(groups=((1000, 100000),), **settings):
    irr = Irrigation(groups, drain_group=1, drain_area_m2=2)
    irr.set_day(SUNRISE_MS, SUNSET_MS)
    for key, value in settings.items():
        setattr(irr, key, value)
    return irr


def day(irr, sun=500, flow=lambda group: 100000 if group else 0, substrate=None, hours=24):
    """Runs irr through hours of a day; the starts' (minute, group)."""
    starts, group = [], 0
    for k in range(hours * HOUR_MS // STEP_MS):
        t = k * STEP_MS
        radiation = sun if SUNRISE_MS <= t < SUNSET_MS else 0
        before = irr.active
        group = irr.tick(t, STEP_MS, radiation, substrate, flow(group), 0)
        if group and not before:
            starts.append((t // 60000, group))
    return starts


def test_radiation_sum_starts_come_as_often_as_the_sun_gives_the_sum():
    irr = irrigation(max_interval_ms=0, drain_gain_pm=0)  # (no drain measured: no feedback)
    starts = day(irr, sun=500)
    # 100 J/cm2 at 500 W/m2 is 2000 s: one start every 33 1/3 min
    gaps = [b[0] - a[0] for a, b in zip(starts, starts[1:], strict=False)]
    assert all(33 <= gap <= 34 for gap in gaps), gaps
    first, last = starts[0][0], starts[-1][0]
    assert (
        first >= (SUNRISE_MS + irr.window_start_ms) // 60000
        and last < (SUNSET_MS - irr.window_end_ms) // 60000
    )


def test_dull_light_starts_by_the_maximum_interval_from_the_window_opening():
    irr = irrigation()
    starts = day(irr, sun=100)  # below start_min_w_m2: no radiation starts
    opening = (SUNRISE_MS + irr.window_start_ms) // 60000
    assert [m for m, _ in starts] == [opening + 120 * i for i in range(1, 5)]  # 09:00 .. 15:00


def test_night_starts_only_by_the_night_rule():
    irr = irrigation(night_wc_pct=40000)
    night = day(irr, sun=0, substrate=45000, hours=5)
    assert night == []
    irr = irrigation(night_wc_pct=40000)
    dry = day(irr, sun=0, substrate=35000, hours=5)
    assert dry and all(m < 5 * 60 for m, _ in dry)
    gaps = [b[0] - a[0] for a, b in zip(dry, dry[1:], strict=False)]
    assert all(gap >= irr.min_interval_ms // 60000 for gap in gaps)


def test_groups_due_together_run_one_at_a_time_each_its_whole_dose():
    groups = ((500, 50000), (800, 80000), (1000, 100000))
    irr = irrigation(groups)
    delivered, open_groups = {}, set()
    for k in range(12 * HOUR_MS // STEP_MS):
        t = SUNRISE_MS + k * STEP_MS
        group = irr.tick(t, STEP_MS, 500, None, groups[irr.active - 1][1] if irr.active else 0, 0)
        open_groups.add(group)
        if group:
            delivered[group] = irr.delivered_ml
    assert open_groups == {0, 1, 2, 3}  # (tick() returns one group or none: never two)
    assert irr.starts >= 3 * 5 and irr.water_ml >= irr.starts * 250 * 500


def test_no_flow_stops_the_start_raises_no_flow_and_retries_later():
    irr = irrigation()
    starts = day(irr, sun=500, flow=lambda group: 0)
    assert irr.alarms & ALARM_NO_FLOW and irr.starts == 0
    gaps = [b[0] - a[0] for a, b in zip(starts, starts[1:], strict=False)]
    assert gaps and all(gap >= irr.retry_ms // 60000 for gap in gaps)
    assert irr.active == 0 and not irr.flow_proven


def test_a_missing_flow_meter_times_the_dose_and_never_proves_flow():
    irr = irrigation()
    proven = []
    for k in range(12 * HOUR_MS // STEP_MS):
        irr.tick(SUNRISE_MS + k * STEP_MS, STEP_MS, 500, None, None, 0)
        proven.append(irr.flow_proven)
        if irr.starts:
            break
    assert irr.alarms & ALARM_FLOW_SENSOR and not any(proven)
    # 250 mL/m2 on 1000 m2 at the nominal 100 L/min: 2.5 min, to the next tick
    assert 250 * 1000 <= irr.water_ml < 250 * 1000 + 100000 * STEP_MS // 60000


def test_drain_feedback_moves_the_dose_toward_the_target():
    irr = irrigation()
    factors = []
    for drain_pm in (600, 600, 100, 100):  # too much drain, then too little
        irr.start_dose_ml_m2 = 250
        irr.start_drain_ml = 250 * drain_pm // 1000 * irr.drain_area_m2
        irr._drain_feedback()
        factors.append(irr.dose_factor_pm)
    assert factors[0] < 1000 and factors[1] < factors[0] and factors[3] > factors[2] > factors[1]


def test_the_house_file_makes_irrigation_and_its_settings_appear():
    plain = make_climate({"crop": "rose"})
    assert plain.water is None and not plain.has("irr.dose_ml_m2")
    with pytest.raises(ValueError, match="irr.dose_ml_m2: this house has no irrigation"):
        plain.get("irr.dose_ml_m2")
    house = {
        "crop": "tomato",
        "irrigation": {"groups": [{"area_m2": 500, "flow_l_min": 50}], "drain_area_m2": 2},
    }
    climate = make_climate(house)
    assert climate.get("fert.ec_dark_ms_cm") == WATER["tomato"]["ec_dark_ms_cm"]
    climate.set("irr.dose_ml_m2", 300)
    climate.set("fert.ec.kp", 25000)
    assert climate.water.irr.dose_ml_m2 == 300 and climate.water.fert.ab.loop.kp_m == 25000
    with pytest.raises(ValueError, match="fert.ph_low must stay below fert.ph"):
        climate.set("fert.ph_low", 6000)
    with pytest.raises(ValueError, match=r"house.irrigation.groups\[0\].flow_l_min must be a number"):
        make_climate({"crop": "rose", "irrigation": {"groups": [{"area_m2": 5, "flow_l_min": "x"}]}})


# --- the fertigation's interlocks ----------------------------------------------------------


def fertigation(**settings):
    fert = Fertigation(WATER["rose"])
    for key, value in settings.items():
        setattr(fert, key, value)
    return fert


def test_ec_high_trips_latches_holds_the_water_until_acknowledged():
    water = Watering(WATER["rose"], drain_area_m2=2)
    water.set_day(SUNRISE_MS, SUNSET_MS)
    t = SUNRISE_MS + 2 * HOUR_MS
    water.irr.groups[0].sum_mj_cm2 = 1000000  # the sun's sum passed: due
    for k in range(6):  # a start running, flow proven
        water.tick(t + k * STEP_MS, STEP_MS, 500, None, 100000, 0, 1900, 5800)
    assert water.group == 1 and water.dose_ab > 0
    water.tick(t + 6 * STEP_MS, STEP_MS, 500, None, 100000, 0, 3600, 5800)  # above 3.5 mS/cm
    assert water.group == 0 and water.dose_ab == water.dose_acid == 0
    assert water.alarms >> FERT_SHIFT & ALARM_EC_HIGH
    for k in range(7, 400):  # the reading back to normal: still held
        water.tick(t + k * STEP_MS, STEP_MS, 500, None, 0, 0, 1800, 5800)
        assert water.group == 0 and water.alarms >> FERT_SHIFT & ALARM_EC_HIGH
    water.acknowledge()
    groups = [water.tick(t + k * STEP_MS, STEP_MS, 500, None, 100000, 0, 1800, 5800) for k in range(400, 800)]
    assert 1 in groups and not water.alarms >> FERT_SHIFT & ALARM_EC_HIGH


def test_ph_low_trips_too():
    fert = fertigation()
    assert fert.tick(STEP_MS, True, 1800, 4400, 300) is True and fert.alarms & ALARM_PH_LOW
    assert fert.ab.duty == fert.acid.duty == 0


def test_raw_water_above_the_target_is_an_alarm_not_a_chase():
    fert = fertigation(raw_ec=2500)
    for k in range(30):
        fert.tick(STEP_MS, True, 2500 + k % 3, 5800 + k % 3, 300)  # the acid holds the pH
    assert fert.alarms & ALARM_RAW_EC and fert.ab.duty == 0 and fert.acid.duty > 0


def test_a_frozen_ec_probe_stops_ab_dosing():
    fert = fertigation()
    alarms = []
    for k in range(60):
        fert.tick(STEP_MS, True, 1500, 5800 + k % 3, 300)  # EC repeats exactly: stuck
        alarms.append(fert.alarms & ALARM_EC_SENSOR)
    assert not alarms[0] and alarms[-1] and fert.ab.duty == 0
    assert alarms.index(ALARM_EC_SENSOR) * STEP_MS == fert.frozen_ms


def test_a_dose_at_its_limit_with_no_answer_stops():
    fert = fertigation(ec_per_full=100000 // 1000)  # the feed-forward saturates at once
    for k in range(40):
        fert.tick(STEP_MS, True, 1200 + k % 2, 5800 + k % 2, 300)  # the EC never rises
    assert fert.alarms & ALARM_EC_NO_RESPONSE and fert.ab.duty == 0


def test_two_ph_probes_that_drift_apart_dose_the_recipe_and_raise_an_alarm():
    # One pH probe drifts a unit high (an aged electrode): alone, the loop
    # would add acid until the crop's water sat a unit under the target.
    # With a second probe the two disagree; after fert.disagree_s of flow the
    # acid is dosed by the recipe (its feed-forward), open loop, with an alarm.
    fert = fertigation(probes=2)
    alarms, acid = [], []
    for k in range(60):
        fert.tick(STEP_MS, True, 1800 + k % 3, 6800 + k % 3, 300, 1800 + k % 2, 5800 + k % 2)
        alarms.append(fert.alarms & ALARM_PH_DISAGREE)
        acid.append(fert.acid.duty)
    first = alarms.index(ALARM_PH_DISAGREE)
    assert first * STEP_MS == fert.disagree_ms - STEP_MS  # (counted from the first tick)
    assert acid[first:] == [fert.acid_ff] * (60 - first) and fert.ab.duty > 0
    assert not fert.alarms & (ALARM_PH_SENSOR | ALARM_EC_DISAGREE)
    # Agreeing again, the loop doses on their mean.
    fert.tick(STEP_MS, True, 1801, 5800, 300, 1800, 5810)
    assert not fert.alarms & ALARM_PH_DISAGREE and fert.acid.loop.mode == AUTO


def test_with_two_probes_the_worse_trips_and_a_missing_one_leaves_the_other_dosing():
    fert = fertigation(probes=2)
    assert fert.tick(STEP_MS, True, 1800, 5800, 300, 3600, 5800) is True and fert.alarms & ALARM_EC_HIGH
    fert = fertigation(probes=2)
    for k in range(10):
        fert.tick(STEP_MS, True, None, 5800 + k % 3, 300, 1800 + k % 3, 5800 + k % 2)
    assert fert.alarms & ALARM_PROBE2 and not fert.alarms & ALARM_EC_SENSOR and fert.ab.duty > 0
    fert.tick(STEP_MS, True, None, 5800, 300, None, 5801)
    assert fert.alarms & ALARM_EC_SENSOR and fert.ab.duty == 0  # both gone: no A/B
    # One probe fitted (the default): a second reading is not looked at.
    fert = fertigation()
    fert.tick(STEP_MS, True, 1800, 5800, 300, None, 9000)
    assert not fert.alarms & (ALARM_PROBE2 | ALARM_PH_DISAGREE)


readings = st.one_of(st.none(), st.integers(0, 6000))
ph_readings = st.one_of(st.none(), st.integers(3000, 9000))
steps = st.tuples(st.booleans(), readings, ph_readings, st.integers(0, 1200), readings, ph_readings)


@settings(max_examples=200, deadline=None)
@given(st.lists(steps, min_size=1, max_size=300), st.integers(1000, 60000), st.integers(1, 2))
def test_dosing_never_runs_without_flow_nor_past_its_limits(sequence, dt_ms, probes):
    fert = fertigation(
        max_start_on_ms=60000, max_day_on_ms=120000, frozen_ms=30000, saturated_ms=60000, probes=probes
    )
    start_on = day_on = 0
    flowing_before = False
    for flowing, ec, ph, sun, ec2, ph2 in sequence:
        fert.tick(dt_ms, flowing, ec, ph, sun, ec2, ph2)
        duty = fert.ab.duty
        assert 0 <= duty <= FULL_SCALE and 0 <= fert.acid.duty <= FULL_SCALE
        if not flowing:
            assert duty == 0 and fert.acid.duty == 0
        if flowing and not flowing_before:
            start_on = 0
        flowing_before = flowing
        on = duty * dt_ms // FULL_SCALE
        start_on += on
        day_on += on
        assert start_on <= 60000 + dt_ms and day_on <= 120000 + dt_ms  # a tick may finish its step
        if fert.tripped:
            assert duty == 0 and fert.acid.duty == 0
    if fert.ab.start_on_ms >= 60000:
        fert.tick(dt_ms, True, 1500, 5800, 300)
        assert fert.ab.duty == 0 and fert.alarms & ALARM_AB_LIMIT


def test_a_drain_gauge_that_never_tips_is_suspected_and_the_dose_goes_back_to_its_base():
    from core.irrigation import ALARM_DRAIN_SILENT

    irr = irrigation(max_interval_ms=0)
    factors = []
    for k in range(6 * HOUR_MS // STEP_MS):
        before = irr.active
        irr.tick(SUNRISE_MS + HOUR_MS + k * STEP_MS, STEP_MS, 500, None, 100000 if irr.active else 0, 0)
        if irr.active and not before:
            factors.append((irr.dose_factor_pm, irr.drain_silent))
        silent_alarm = irr.alarms & ALARM_DRAIN_SILENT
    # No tip yet today: no verdict on the dose (a slab refilling drains nothing);
    # six starts of 250 mL/m2 without a tip make the gauge suspect.
    assert factors[:7] == [(1000, False)] * 6 + [(1000, True)]
    assert all(f == (1000, True) for f in factors[7:]) and silent_alarm
    t = SUNRISE_MS + 7 * HOUR_MS
    irr.tick(t, STEP_MS, 500, None, 100000 if irr.active else 0, 40)  # a tip at last: believed again
    for k in range(1, 360):  # the next start weighs it
        irr.tick(t + k * STEP_MS, STEP_MS, 500, None, 100000 if irr.active else 0, 0)
    assert not irr.drain_silent and not irr.alarms & ALARM_DRAIN_SILENT


def test_water_is_counted_as_it_flows_even_when_a_start_is_stopped():
    # A start stopped early (here a fertigation trip's stop()) still put its
    # water on the crop: today's totals hold it, though no start is counted.
    irr = irrigation()
    flowing = 0
    for k in range(12 * HOUR_MS // STEP_MS):
        irr.tick(SUNRISE_MS + k * STEP_MS, STEP_MS, 500, None, 100000, 0)
        if irr.flow_proven:
            flowing += 1
            if flowing == 3:
                irr.stop()
                break
    starts, water_ml, water_ml_m2, _ = irr.totals()
    tick_ml = 100000 * STEP_MS // 60000
    assert starts == 0 and water_ml == irr.delivered_ml >= 2 * tick_ml and water_ml_m2 == water_ml // 1000

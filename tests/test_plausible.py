"""Plausibility of readings (core/plausible.py) and the climate alarms it
feeds: spikes refused, frozen readings failed, missing ones named."""

from hypothesis import given, settings
from hypothesis import strategies as st

from core.climate import (
    ALARM_AIR_FAILED,
    ALARM_AIR_FROZEN,
    ALARM_AIR_SPIKE,
    ALARM_HEATING_DEVIATION,
    ALARM_RADIATION_SENSOR,
    ALARM_RH_SENSOR,
    Climate,
)
from core.crops import ROSE
from core.plausible import Plausible

STEP_MS = 10_000
NOON_MS = 12 * 3_600_000


def test_a_spike_is_refused_and_the_last_good_value_stands_in():
    check = Plausible(max_step=2000)
    assert check.check(20000, STEP_MS) == 20000
    assert check.check(35000, STEP_MS) == 20000 and check.spike
    assert check.check(20050, STEP_MS) == 20050 and not check.spike


def test_a_real_step_is_taken_after_a_few_refusals():
    check = Plausible(max_step=2000, max_refused=3)
    check.check(20000, STEP_MS)
    assert [check.check(25000, STEP_MS) for _ in range(4)] == [20000, 20000, 20000, 25000]
    assert check.check(25010, STEP_MS) == 25010


def test_frozen_time_counts_exact_repeats_and_a_dropout_resets_it():
    check = Plausible(max_step=2000)
    for _ in range(7):
        check.check(20000, STEP_MS)
    assert check.frozen_ms == 6 * STEP_MS
    check.check(None, STEP_MS)
    assert check.frozen_ms == 0
    check.check(20000, STEP_MS)
    assert check.frozen_ms == STEP_MS  # counting again from the dropout
    check.check(20000, STEP_MS)
    check.check(20001, STEP_MS)
    assert check.frozen_ms == 0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(-60000, 60000)), min_size=1, max_size=60))
def test_the_value_used_is_the_reading_or_the_last_good_one(readings):
    check = Plausible(max_step=2000)
    good = None
    for reading in readings:
        used = check.check(reading, STEP_MS)
        if reading is None:
            assert used is None
        else:
            assert used == reading or (check.spike and used == good)
            if not check.spike:
                good = reading


def climate_at(air=20.0, rh=70.0, supply=35.0, radiation=100, outdoor=-5.0):
    climate = Climate(ROSE)
    feed(climate, air, rh, supply, radiation, outdoor)
    return climate


def feed(climate, air=20.0, rh=70.0, supply=35.0, radiation=100, outdoor=-5.0, k=0):
    # Readings flicker in their last digit, as real ones do.
    flicker = k % 3
    inp = climate.inputs
    inp.air_c = None if air is None else int(air * 1000) + flicker
    inp.rh_pct = None if rh is None else int(rh * 1000) + flicker
    inp.supply_c = None if supply is None else int(supply * 1000) + flicker * 10
    inp.radiation_w_m2 = radiation
    inp.outdoor_c = int(outdoor * 1000)
    inp.heat_pump_running = True


def ticks(climate, minutes, **readings):
    outs = []
    for k in range(minutes * 6):
        feed(climate, k=k, **readings)
        out = climate.tick(NOON_MS + k * STEP_MS, STEP_MS)
        outs.append((out.alarms, out.heat_valve, out.supply_setpoint_c))
    return outs


def test_an_air_spike_raises_its_alarm_and_changes_no_output():
    spiked, clean = climate_at(), climate_at()
    ticks(spiked, 30)
    ticks(clean, 30)
    feed(spiked, air=35.0)
    feed(clean)
    clean.inputs.air_c = spiked.air_check.last  # the last good reading, which stands in for the spike
    out = spiked.tick(NOON_MS, STEP_MS)
    assert out.alarms & ALARM_AIR_SPIKE
    assert (out.heat_valve, out.supply_setpoint_c) == (
        clean.tick(NOON_MS, STEP_MS).heat_valve,
        clean.heating.inner_setpoint,
    )


def test_a_frozen_air_reading_fails_after_half_an_hour_then_heats_blind():
    climate = climate_at()
    ticks(climate, 10)
    outs = []
    for _ in range(50 * 6):
        climate.inputs.air_c = 20000  # the very same value, tick after tick
        outs.append(climate.tick(NOON_MS, STEP_MS).alarms)
    first_frozen = next(i for i, alarms in enumerate(outs) if alarms & ALARM_AIR_FROZEN)
    assert 29 * 6 <= first_frozen <= 31 * 6
    assert outs[-1] & ALARM_AIR_FAILED  # then held 10 min, then the blind safe heating


def test_missing_humidity_and_radiation_are_named():
    climate = climate_at(rh=None, radiation=None)
    alarms = climate.tick(NOON_MS, STEP_MS).alarms
    assert alarms & ALARM_RH_SENSOR and alarms & ALARM_RADIATION_SENSOR


def test_supply_far_off_its_setpoint_for_long_raises_heating_deviation():
    climate = climate_at(air=15.0, supply=22.0)  # cold air asks for hot water that does not come
    outs = ticks(climate, 40, air=15.0, supply=22.0)
    first = next(i for i, (alarms, *_) in enumerate(outs) if alarms & ALARM_HEATING_DEVIATION)
    assert 29 * 6 <= first <= 32 * 6
    healthy = ticks(climate_at(air=19.9, supply=30.0), 60, air=19.9, supply=30.0)
    assert not any(alarms & ALARM_HEATING_DEVIATION for alarms, *_ in healthy[: 30 * 6])

"""The climate controller's settings (core/settings.py): every key readable
and settable within its range, bad values refused with the key, range and
unit named and nothing changed, the same on CPython and MicroPython, and
each setting acting on the control."""

import pytest
import settings_trace

from core.climate import QUILT_OPEN_W_M2, Climate
from core.crops import PROFILES, ROSE, WATER
from core.fixed import MILLI
from core.settings import entries, keys
from core.watering import Watering
from micropython_runner import TESTS, run_json

SCHEMA = tuple(entries())
KEYS = tuple(keys())

HOUR_MS = 3_600_000
STEP_MS = 10_000


@pytest.mark.parametrize("crop", sorted(PROFILES))
def test_every_default_lies_in_its_range(crop):
    profile, water = PROFILES[crop], Watering(WATER[crop])
    quilt = Climate(profile, screen_open_w_m2=QUILT_OPEN_W_M2, water=water)
    for climate in (Climate(profile, water=water), quilt):
        for key, _, low, high, scale, unit, meaning in SCHEMA:
            assert low <= climate.get(key) <= high, key
            assert scale > 0 and unit and meaning


def test_keys_are_unique_and_dotted():
    assert len(set(KEYS)) == len(KEYS)
    assert all("." in key and key == key.lower() for key in KEYS)


def test_set_takes_the_ends_of_each_range_and_refuses_the_rest_changing_nothing():
    results = settings_trace.run()
    for row in results:
        if len(row) == 4 and row[2] != "ok":
            key, value, message, unchanged = row
            assert message.startswith(key) and unchanged, row
    by_key = {}
    for row in results:
        if len(row) == 4:
            by_key.setdefault(row[0], []).append(row)
    for key, _, low, high, _, unit, _ in SCHEMA:
        rows = by_key[key]
        bad = rows[2:]
        assert all(row[2] != "ok" for row in bad), key  # out of range, float, bool, str, None
        assert f"in {low}..{high}" in bad[0][2] and unit in bad[0][2]
        # Either end is taken unless it breaks a pair (min below max, off below on).
        for row, end in zip(rows[:2], (low, high), strict=True):
            assert row[3] == end if row[2] == "ok" else "refused" in row[2]


def test_unknown_keys_name_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown setting 'air.dya_c'; known: air.day_c, air.night_c"):
        Climate(ROSE).get("air.dya_c")
    with pytest.raises(ValueError, match="unknown setting 'nothing'"):
        Climate(ROSE).set("nothing", 1)


def test_micropython_agrees_on_values_and_messages():
    assert run_json(TESTS / "settings_trace.py") == settings_trace.run()


def test_a_setting_changes_this_house_only():
    climate = Climate(ROSE)
    climate.set("air.day_c", 22 * MILLI)
    assert climate.get("air.day_c") == 22000 and ROSE["heat_day_c"] == 20000
    assert Climate(ROSE).get("air.day_c") == 20000


def tick(climate, ms=12 * HOUR_MS, air=18.0, outdoor=-5.0, radiation=0):
    inp = climate.inputs
    inp.air_c, inp.rh_pct, inp.supply_c = int(air * MILLI), 70000, 35000
    inp.outdoor_c, inp.radiation_w_m2, inp.heat_pump_running = int(outdoor * MILLI), radiation, True
    return climate.tick(ms, STEP_MS)


def test_settings_act_on_the_control():
    climate, twin = Climate(ROSE), Climate(ROSE)
    for house in (climate, twin):
        for _ in range(60):
            tick(house)
        house.set("air.day_c", 21 * MILLI)
        assert tick(house).heat_setpoint_c == 21000
    # A gain change is bumpless: on the step it takes effect the supply
    # setpoint is the unchanged twin's; afterwards the higher gain acts.
    climate.set("air.heat.kp", 6000)
    assert climate.air_loop.kp_m == 6000
    # (Readings change by less than the 2 K a step the spike check allows.)
    assert abs(tick(climate).supply_setpoint_c - tick(twin).supply_setpoint_c) <= 1
    # Then, the error halved, the doubled gain takes back twice as much (once
    # the loops' half-minute average of the air has followed the step).
    for _ in range(9):
        tick(twin, air=19.5), tick(climate, air=19.5)
    assert tick(twin, air=19.5).supply_setpoint_c - tick(climate, air=19.5).supply_setpoint_c > 4000
    # Feed-forward off: the outdoor temperature no longer moves the supply setpoint at once.
    climate.set("ff.outdoor_k_per_k", 0)
    for _ in range(30):  # back at 18 degC, settled
        tick(climate)
    before = tick(climate).supply_setpoint_c
    assert abs(tick(climate, outdoor=-15.0).supply_setpoint_c - before) < 500  # with it: +5000
    # A lower RH limit cracks the vents at 70 % RH.
    assert tick(climate, air=21.0, outdoor=10.0).vent == 0
    climate.set("rh.max_pct", 60000)
    assert tick(climate, air=21.0, outdoor=10.0).vent > 0

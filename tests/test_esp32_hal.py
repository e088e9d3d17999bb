"""The ESP32 HAL built from a board file (firmware/hal/esp32.py) on fake
hardware, with the real core and node runtime: readings reach the core in
its scales, faults are missing values, outputs follow the core and go safe,
the watchdog is fed by healthy ticks only, and the node boots from flash.
CPython and the MicroPython unix port give the same trace (tests/mp_esp32.py)."""

import json
import math
import os
import subprocess

import pandas as pd
import pytest
from pvlib import solarposition

import fake_esp32
import mp_esp32
from hal.esp32 import Esp32Hal
from host_sim import weather
from micropython_runner import FIRMWARE, MICROPYTHON, TESTS
from node import sun
from node.house import make_climate

REPO = FIRMWARE.parent
SUPPLY_ROM = "28ff4a1c051603ab"
SOURCE_ROM = "28ff4a1c05160301"
NOON_MS = 43200000


def commissioned(name="esp32-devkitc"):
    board = json.loads((REPO / "boards" / f"{name}.json").read_text())
    board["sensors"]["supply_c"]["rom"] = SUPPLY_ROM
    board["sensors"]["source_return_c"]["rom"] = SOURCE_ROM
    return board


@pytest.fixture(scope="module")
def traces(tmp_path_factory):
    board = commissioned()
    here = os.getcwd()
    try:
        cpython = json.loads(json.dumps(mp_esp32.run(board, str(tmp_path_factory.mktemp("cpython")))))
    finally:
        os.chdir(here)
    payload = json.dumps({"board": board, "directory": str(tmp_path_factory.mktemp("micropython"))})
    env = dict(os.environ, MICROPYPATH=f".frozen:{FIRMWARE}:{TESTS}")
    result = subprocess.run(
        [str(MICROPYTHON), "-X", "heapsize=2M", str(TESTS / "mp_esp32.py")],
        input=payload, capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return cpython, json.loads(result.stdout)


def test_micropython_gives_the_trace_cpython_gives(traces):
    cpython, micropython = traces
    assert micropython == cpython


def test_readings_reach_the_core_in_its_scales(traces):
    run = traces[0]["scenarios"]["run"]
    air_c, air2_c, rh, outdoor_c, outdoor_rh, supply_c, source_c, radiation, wind, flow_ok, hp_running = run[
        -1
    ]["inputs"]
    assert abs(air_c - 20000) <= 2 and abs(rh - 70000) <= 2  # milli-degC, milli-%
    assert abs(outdoor_c - 5000) <= 2 and abs(outdoor_rh - 80000) <= 2
    assert air2_c is None  # optional and unfitted: missing, not an error
    assert (supply_c, source_c) == (35000, 12500)
    assert abs(radiation - 500) <= 1  # W/m2 through the two-point calibration
    assert abs(wind - 2000) <= 2  # 3 Hz at 1.5 Hz per m/s: milli-m/s
    assert flow_ok is True and hp_running is False  # active-low contacts
    assert all(tick["alarms"] == run[-1]["alarms"] for tick in run[-10:])


def test_ticks_come_every_period_across_the_ticks_wrap_in_solar_time(traces):
    run = traces[0]["scenarios"]["run"]
    assert [tick["dt"] for tick in run] == [10000] * len(run)  # the fake ticks wrap 30 s in
    assert all(b["tod"] - a["tod"] == 10000 for a, b in zip(run, run[1:], strict=False))
    # The first tick: 0.75 s (the DS18B20 conversion) after UTC_START_S, in
    # apparent solar time at the house's longitude (pvlib's hour angle).
    utc = pd.DatetimeIndex([pd.Timestamp(fake_esp32.UTC_START_S, unit="s", tz="UTC")])
    day_of_year = utc.day_of_year[0]
    eot_min = solarposition.equation_of_time_spencer71(day_of_year)
    hour_angle = solarposition.hour_angle(utc, fake_esp32.HOUSE["longitude"], eot_min)[0]
    assert abs(run[0]["tod"] - (12 + hour_angle / 15) * 3600000) <= 2000
    sunrise_h, sunset_h = weather.sunrise_sunset_h(fake_esp32.HOUSE["latitude"], day_of_year)
    assert run[0]["day"] == [round(sunrise_h * 3600) * 1000, round(sunset_h * 3600) * 1000]
    assert all(tick["day"] is None for tick in run[1:])  # set once a day


def test_a_three_point_vent_is_synced_closed_at_boot_then_stopped(traces):
    run = traces[0]["scenarios"]["run"]
    first, last = run[0]["outputs"], run[-1]["outputs"]
    assert (first["vent_open_level"], first["vent_close_level"]) == (1, 0)  # active low: closing
    assert (last["vent_open_level"], last["vent_close_level"], last["vent_position"]) == (1, 1, 0)
    stopped = next(i for i, tick in enumerate(run) if tick["outputs"]["vent_close_level"] == 1)
    assert 19 <= stopped <= 21  # 180 s of travel and 18 s of overrun, at 10 s a tick
    built = traces[0]["scenarios"]["built"]
    assert all(level == 1 for _, level in built["relay_levels"])  # every active-low relay off at boot
    assert all(tick["outputs"]["pump_level"] == 1 for tick in run)  # irrigation held off


def test_failed_sensors_are_missing_counted_and_come_back(traces):
    scenarios = traces[0]["scenarios"]
    faults = scenarios["faults"]
    assert [t["inputs"][0] is None for t in faults] == [True, True, True, False, False]  # air bus
    assert [t["inputs"][5] is None for t in faults] == [True, True, False, False, False]  # supply CRC
    assert [t["inputs"][7] is None for t in faults] == [True, False, False, False, False]  # open loop
    assert all(t["alarms"] for t in faults[:3]) and faults[-1]["alarms"] == scenarios["run"][-1]["alarms"]
    found = {role: (n, why) for role, n, why in scenarios["driver_faults"]}
    assert found["air"] == (3, "bus")
    assert found["1-wire water"] == (2, "crc")
    assert found["radiation_w_m2"] == (1, "range")
    roms, source_c, unknown = scenarios["probe"]  # commissioning: which probe is which
    assert roms == {"water": sorted([SUPPLY_ROM, SOURCE_ROM])} and source_c == 12.5 and unknown is None
    feeds, ticks = scenarios["wdt_feeds"]
    assert feeds == ticks == len(scenarios["run"]) + len(faults)


def test_safe_closes_the_vent_shuts_valves_and_switches_relays_off(traces):
    safe = traces[0]["scenarios"]["safe"]
    assert safe["opened"] == 50000  # the vent had been driven to half open
    out = safe["outputs"]
    assert (out["vent_open_level"], out["vent_close_level"]) == (1, 0)  # closing
    assert out["heat_duty"] == 0 and out["hp_level"] == 1 and out["fog_level"] == 1
    assert safe["vent_wanted"] == 0


def test_fog_relay_keeps_its_duty_through_slow_pwm(traces):
    fog = traces[0]["scenarios"]["fog"]
    assert abs(fog["on_ms"] - 30000) <= 2 * fake_esp32.DRIVE_MS  # 25 % of 120 s
    assert fog["after_safe_level"] == 1


def test_without_a_clock_day_and_night_come_from_radiation(traces):
    scenarios = traces[0]["scenarios"]
    assert scenarios["no_clock_tod"] == [0, 0, NOON_MS, NOON_MS]
    assert "clock: no RTC time or no house longitude: day and night from radiation" in scenarios["log"]
    assert scenarios["rtc"] == [2026, 11, 25, 0, 7, 30, 0, 0]  # gh's hand-set UTC reaches the RTC


def test_a_part_that_fails_to_build_is_left_out_and_control_runs(traces):
    refused = traces[0]["refused"]
    assert set(refused["missing"]) == {"outdoor", "heat_valve"}
    assert refused["stepped"] and refused["faults"] == 0 and refused["outdoor_c"] is None


def test_the_node_boots_from_flash_with_the_esp32_hal_and_a_watchdog(traces):
    boot = traces[0]["boot"]
    assert boot["board_dropped"] and boot["gh"]
    assert boot["day_c"] == 22.5  # config.json applied
    assert boot["wdt_timeout"] == 30000 and boot["wdt_feeds"] == boot["ticks"] == 3
    assert abs(boot["air_c"] - 20000) <= 2
    assert boot["clock_refused"] == "UTC time must be \"YYYY-MM-DD HH:MM[:SS]\", got '25/11/2026 07:30'"
    assert (
        boot["rtc"] == [2026, 11, 25, 0, 7, 31, 0, 0]
        and boot["clock_set"] == "RTC set to 2026-11-25 07:31 UTC"
    )


def test_gh_status_shows_driver_errors(tmp_path, capsys, monkeypatch):
    import asyncio
    import gc

    monkeypatch.setattr(gc, "mem_free", lambda: 0, raising=False)  # MicroPython's

    board = commissioned()

    async def boot_and_fail():
        here = os.getcwd()
        os.chdir(tmp_path)
        try:
            fake_esp32.reset()
            (tmp_path / "house.json").write_text(json.dumps(fake_esp32.HOUSE))
            sleeper = fake_esp32.Sleeper()
            from node import startup

            node, gh = startup.start(json.loads(json.dumps(board)), hw=fake_esp32.hardware(sleeper))
            sleeper.hal = node.hal
            fake_esp32.fit_sensors(board)
            fake_esp32.HW.i2c[0].fail = True  # the air sensor's bus
            await mp_esp32.ticks(node, board, 2)
            capsys.readouterr()
            gh.status()
            return capsys.readouterr().out
        finally:
            os.chdir(here)

    shown = asyncio.run(boot_and_fail())
    assert "readings: air_c -," in shown and "air 2 x bus" in shown and "alarms: " in shown


def test_the_s3_board_builds_every_part_it_drives(tmp_path):
    board = commissioned("esp32-s3-devkitc")
    fake_esp32.reset()
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        hal = Esp32Hal(board, fake_esp32.HOUSE, log=None, **fake_esp32.hardware(fake_esp32.Sleeper()))
    finally:
        os.chdir(here)
    assert hal.missing == []
    assert set(hal.analog) == {"radiation_w_m2", "substrate_pct", "ec_ms_cm", "ph"}
    assert set(hal.slow) == {"fog", "dose_a", "dose_b", "dose_acid"}
    # pH falls as the voltage rises (7 at 1.5 V, 4 at 2.03 V): milli-pH
    assert hal.analog["ph"].value(1500000) == 7000 and hal.analog["ph"].value(2030000) == 4000


# --- the node's sun ----------------------------------------------------------


@pytest.mark.parametrize("latitude", [-40.0, 0.0, 22.3, 36.8, 39.4, 52.0])
@pytest.mark.parametrize("day_of_year", [1, 80, 172, 266, 329, 355])
def test_sunrise_and_sunset_agree_with_the_simulator(latitude, day_of_year):
    sunrise_h, sunset_h = weather.sunrise_sunset_h(latitude, day_of_year)
    sunrise_ms, sunset_ms = sun.sunrise_sunset_ms(latitude, day_of_year)
    assert abs(sunrise_ms - sunrise_h * 3600000) <= 1000 and abs(sunset_ms - sunset_h * 3600000) <= 1000
    make_climate({"crop": "rose"}).set_day(sunrise_ms, sunset_ms)  # within the core's range


@pytest.mark.parametrize("day_of_year", range(1, 366, 16))
def test_equation_of_time_is_pvlibs(day_of_year):
    pvlib_s = solarposition.equation_of_time_spencer71(day_of_year) * 60
    # Spencer's constant term is 0.000075 (Iqbal 1983); pvlib writes 0.0000075: 0.93 s apart
    assert math.isclose(sun.equation_of_time_s(day_of_year), pvlib_s, abs_tol=1.0)


def test_irrigation_and_dosing_drive_the_s3_boards_relays(tmp_path, capsys, monkeypatch):
    """A start on the S3 board: the valve opens and the pump runs, flow is
    counted from the meter's pulses, A/B and acid dose by slow PWM only while
    water flows, the drain gauge's tips arrive in mL, and all stops when the
    dose is in."""
    import asyncio
    import gc

    board = commissioned("esp32-s3-devkitc")
    sensors, outputs = board["sensors"], board["outputs"]
    irrigation = {"groups": [{"area_m2": 100, "flow_l_min": 50}], "drain_area_m2": 1}
    house = dict(fake_esp32.HOUSE, irrigation=irrigation)
    (tmp_path / "house.json").write_text(json.dumps(house))
    hw = fake_esp32.HW
    gh_status = []
    active = {"irrigation_pump": None, "irrigation_valve_1": None, "dose_a": None, "dose_acid": None}

    def level(role):
        return hw.pins[outputs[role]["pin"]].level == 0  # active low: energised

    def volts(role, value):  # the ADC microvolts that read as value, through the board's calibration
        (uv_a, uv_b), (v_a, v_b) = sensors[role]["calibration"]["uv"], sensors[role]["calibration"]["value"]
        hw.adcs[sensors[role]["pin"]].uv = int(uv_a + (uv_b - uv_a) * (value - v_a) / (v_b - v_a))

    async def run():
        from node import startup

        fake_esp32.reset()
        sleeper = fake_esp32.Sleeper()
        node, gh = startup.start(json.loads(json.dumps(board)), hw=fake_esp32.hardware(sleeper))
        sleeper.hal = node.hal
        node.log.echo = fake_esp32.Quiet()
        fake_esp32.fit_sensors(board)
        gh_status.append(gh)
        volts("ec_ms_cm", 1.9)
        volts("ph", 5.9)
        water = node.climate.water
        water.irr.groups[0].sum_mj_cm2 = 10**6  # the sun's sum is in: due now
        log = []
        for _ in range(30):
            if level("irrigation_pump"):  # 50 L/min for 10 s at 0.01 L a pulse
                for _ in range(833):
                    hw.pins[sensors["flow_l_min"]["pin"]].fire()
                for _ in range(3):  # and the slab drains (a bucket tips at most every 20 ms)
                    hw.pins[sensors["drain_ml"]["pin"]].fire()
                    hw.ms += 30
            tod, dt_ms, day = await node.hal.next_tick()
            node.step(tod, dt_ms)
            r = water.readings
            seen = {"flow": r.flow_ml_min, "drain": r.drain_ml, "group": water.group, "ab": water.dose_ab}
            log.append({role: level(role) for role in active} | seen)
        return node, log

    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        node, log = asyncio.run(run())
    finally:
        os.chdir(here)
    running = [tick for tick in log if tick["group"] == 1]
    assert running and all(t["irrigation_pump"] and t["irrigation_valve_1"] for t in running)
    assert all(not t["irrigation_pump"] and not t["irrigation_valve_1"] for t in log if t["group"] == 0)
    assert any(t["flow"] == 49980 for t in log)  # 833 pulses in 10 s: 49.98 L/min, in mL/min
    assert any(t["drain"] == 30 for t in log)  # 3 tips of 10 mL
    assert any(t["ab"] > 0 for t in running) and any(t["dose_a"] for t in running)  # slow PWM on
    assert all(not t["dose_a"] and not t["dose_acid"] and t["ab"] == 0 for t in log if t["flow"] == 0)
    assert node.climate.water.irr.starts == 1 and node.faults == 0  # 250 mL/m2 on 100 m2 in 30 s
    monkeypatch.setattr(gc, "mem_free", lambda: 0, raising=False)  # MicroPython's
    capsys.readouterr()
    gh_status[0].status()
    shown = capsys.readouterr().out
    # 250 mL/m2 on 100 m2 is 25 L: four 10-s ticks at 50 L/min; 30 mL of drain a tick of flow
    today = "today 1 starts, 0.333 L/m2, drain 36 %, mine water 0.03332 m3; dose 100 %, spacing 100 %"
    assert "irrigation: no group, " + today in shown
    assert "fertigation: EC 1.9" in shown and "water alarms: none" in shown
    assert gh_status[0].ack() == "acknowledged"


def test_housekeeping_collects_and_keeps_the_least_free_heap(monkeypatch):
    import asyncio
    import gc
    from types import SimpleNamespace

    from node import startup

    frees = [50000, 40000, 45000]
    monkeypatch.setattr(gc, "mem_free", lambda: frees.pop(0) if frees else 47000, raising=False)
    monkeypatch.setattr(startup, "HOUSEKEEPING_S", 0)
    node = SimpleNamespace(heap_least=None)

    async def rounds():
        task = asyncio.create_task(startup.housekeeping(node))
        for _ in range(10):
            await asyncio.sleep(0)
        task.cancel()

    asyncio.run(rounds())
    assert not frees and node.heap_least == 40000

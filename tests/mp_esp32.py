# The ESP32 HAL (firmware/hal/esp32.py) built from a board file on fake
# hardware (tests/fake_esp32.py), with the real control core and node runtime
# on top, run the same way under CPython (imported by test_esp32_hal.py) and
# the MicroPython unix port (stdin: the board file and a scratch directory as
# JSON; stdout: JSON).  The two must give the same trace.

import asyncio
import json
import os
import sys

from fake_esp32 import (
    HOUSE,
    HW,
    WDT,
    Pin,
    Quiet,
    Sleeper,
    fit_probes,
    fit_sensors,
    hardware,
    reset,
    set_radiation,
    spin_anemometer,
)
from hal.ds18b20 import rom
from hal.esp32 import DRIVE_MS, Esp32Hal
from node.house import make_climate
from node.log import Log
from node.runtime import Node

# --- what is watched ---------------------------------------------------------


def inputs_of(climate):
    i = climate.inputs
    return [
        i.air_c, i.air2_c, i.rh_pct, i.outdoor_c, i.outdoor_rh_pct, i.supply_c, i.source_return_c,
        i.radiation_w_m2, i.wind_m_s, i.mine_flow_ok, i.heat_pump_running,
    ]  # fmt: skip


def outputs_of(board, hal):
    outs = board["outputs"]
    vent = outs["vent"]
    return {
        "heat_duty": HW.pwms[outs["heat_valve"]["pin"]].duty,
        "vent_open_level": HW.pins[vent["open_pin"]].level,
        "vent_close_level": HW.pins[vent["close_pin"]].level,
        "vent_position": hal.valves["vent"][1].position,
        "fog_level": HW.pins[outs["fog"]["pin"]].level,
        "hp_level": HW.pins[outs["heat_pump_enable"]["pin"]].level,
        "pump_level": HW.pins[outs["irrigation_pump"]["pin"]].level,
    }


async def ticks(node, board, n, each=None):
    trace = []
    for k in range(n):
        if each is not None:
            each(k)
        tod, dt_ms, day = await node.hal.next_tick()
        if day is not None:
            node.climate.set_day(day[0], day[1])
        out = node.step(tod, dt_ms)
        trace.append({
            "tod": tod, "dt": dt_ms, "day": None if day is None else list(day),
            "inputs": inputs_of(node.climate),
            "alarms": None if out is None else out.alarms, "vent_wanted": node.hal.wanted.get("vent"),
            "outputs": outputs_of(board, node.hal),
        })  # fmt: skip
    return trace


def new_node(board, house=HOUSE):
    sleeper = Sleeper()
    log = Log("esp32_test.log", echo=Quiet())
    hal = Esp32Hal(board, house, log=log, **hardware(sleeper))
    sleeper.hal = hal
    fit_sensors(board)
    return Node(make_climate(house), hal, hal.clock, log=log, wdt=WDT()), log


async def scenarios(board):
    out = {}
    node, log = new_node(board)
    hal = node.hal
    out["built"] = {
        "missing": hal.missing, "i2c_freq": [HW.i2c[i].freq for i in sorted(HW.i2c)],
        "adc_atten": [HW.adcs[p].atten for p in sorted(HW.adcs)],
        "pwm_freq": [HW.pwms[p].freq for p in sorted(HW.pwms)],
        "pulls": [[p, HW.pins[p].mode, HW.pins[p].pull] for p in sorted(HW.pins)],
        "relay_levels": [[p, HW.pins[p].level] for p in sorted(HW.pins) if HW.pins[p].mode == Pin.OUT],
    }  # fmt: skip

    def wind(k):
        spin_anemometer(board, 30)  # 30 pulses in 10 s: 3 Hz, 2 m/s at 1.5 Hz per m/s

    out["run"] = await ticks(node, board, 40, wind)
    # The air sensor's bus fails for 3 ticks, a probe's CRC goes bad, the pyranometer's loop opens.
    air_bus = HW.i2c[board["i2c"]["air"]["id"]]
    supply_rom = rom(board["sensors"]["supply_c"]["rom"])
    good_pad = HW.pads[supply_rom]

    def faults(k):
        air_bus.fail = k < 3
        bad = bytearray(good_pad)
        bad[8] ^= 0x55
        HW.pads[supply_rom] = bad if k < 2 else good_pad
        set_radiation(board, -600 if k < 1 else 500)  # 0 V: far below the 4 mA point

    out["faults"] = await ticks(node, board, 5, faults)
    out["driver_faults"] = sorted([role, n, why] for role, (n, why) in hal.faults().items())
    out["wdt_feeds"] = [node.wdt.feeds, node.ticks]
    source_rom = board["sensors"]["source_return_c"]["rom"]
    out["probe"] = [hal.scan(), hal.probe(source_rom), hal.probe("28" + "0" * 14)]
    # A tick whose HAL raises: outputs safe, the watchdog not fed.
    feeds = node.wdt.feeds
    hal.wanted["vent"] = 50000
    for _ in range(2000 // DRIVE_MS * 50):  # 100 s to open half way
        HW.ms += DRIVE_MS
        hal.drive_once()
    opened = hal.valves["vent"][1].position
    hal.safe()
    out["safe"] = {
        "opened": opened,
        "feeds_before": feeds,
        "outputs": outputs_of(board, hal),
        "vent_wanted": hal.wanted["vent"],
    }
    # Fog at 25 % through the relay's slow PWM: a new duty starts with the
    # next 60-s period, so one period passes before two are counted.
    fog_pin = HW.pins[board["outputs"]["fog"]["pin"]]
    hal.wanted["fog"] = 25000
    fog_on_ms = 0
    for step in range(180000 // DRIVE_MS):
        HW.ms += DRIVE_MS
        hal.drive_once()
        if step >= 60000 // DRIVE_MS and fog_pin.level == 0:
            fog_on_ms += DRIVE_MS
    hal.safe()
    out["fog"] = {"on_ms": fog_on_ms, "after_safe_level": fog_pin.level}
    # Without a clock: day and night from radiation.
    HW.utc_start_s = 100 - (HW.ms - HW.ms_start) // 1000  # 1970: the RTC was never set
    hal._clock_ok = None
    night = await ticks(node, board, 2, lambda k: set_radiation(board, 0))
    day = await ticks(node, board, 2, lambda k: set_radiation(board, 300))
    out["no_clock_tod"] = [t["tod"] for t in night + day]
    hal.set_utc(2026, 11, 25, 7, 30, 0)
    out["rtc"] = HW.rtc
    out["log"] = log.tail(20)
    return out


async def refused_pins(board):
    HW.refuse = (board["outputs"]["heat_valve"]["pin"], board["i2c"]["outdoor"]["sda"])
    sleeper = Sleeper()
    log = Log("esp32_test.log", echo=Quiet())
    hal = Esp32Hal(board, HOUSE, log=log, **hardware(sleeper))
    sleeper.hal = hal
    HW.refuse = ()
    fit_probes(board)
    climate = make_climate(HOUSE)
    node = Node(climate, hal, hal.clock, log=log)
    tod, dt_ms, day = await hal.next_tick()
    out = node.step(tod, dt_ms)
    return {
        "missing": hal.missing,
        "stepped": out is not None,
        "faults": node.faults,
        "outdoor_c": climate.inputs.outdoor_c,
    }


async def boot(board):
    """node.startup.start() with the fakes: house.json and config.json from flash."""
    from node import startup

    with open("house.json", "w") as f:
        f.write(json.dumps(HOUSE))
    with open("config.json", "w") as f:
        f.write(json.dumps({"version": 1, "air.day_c": 22.5}))
    sleeper = Sleeper()
    copy = json.loads(json.dumps(board))
    node, gh = startup.start(copy, hw=hardware(sleeper))
    sleeper.hal = node.hal
    node.log.echo = Quiet()
    fit_sensors(board)
    trace = await ticks(node, board, 3)
    try:
        gh.clock("25/11/2026 07:30")
        refused = None
    except ValueError as error:
        refused = str(error)
    set_reply = gh.clock("2026-11-25 07:31")
    return {
        "clock_refused": refused, "clock_set": set_reply, "rtc": HW.rtc,
        "board_dropped": copy == {}, "gh": gh is not None, "day_c": gh.get("air.day_c"),
        "wdt_timeout": HW.wdt.timeout, "wdt_feeds": HW.wdt.feeds, "ticks": node.ticks,
        "air_c": trace[-1]["inputs"][0],
    }  # fmt: skip


def run(board, directory):
    os.chdir(directory)  # the node's log and files
    reset()
    out = {"scenarios": asyncio.run(scenarios(board))}
    reset()
    out["refused"] = asyncio.run(refused_pins(board))
    reset()
    out["boot"] = asyncio.run(boot(board))
    return out


if __name__ == "__main__":
    payload = json.loads(sys.stdin.read())
    print(json.dumps(run(payload["board"], payload["directory"])))

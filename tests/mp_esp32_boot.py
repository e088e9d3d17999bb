# An ESP32 node's boot and first hour, for the heap figure of tools/bench_node.py:
# node.startup.start() with the board file, house.json and config.json on
# "flash", the ESP32 HAL on fake hardware (tests/fake_esp32.py), the REPL's gh
# built, then 360 ticks.  stdin: {"board": ..., "directory": ...};
# stdout: JSON, free heap after boot and after the hour.  Run with the
# firmware and the fakes compiled to .mpy, as a node gets them.

import gc
import json
import os
import sys

payload = json.loads(sys.stdin.read())
board = payload["board"]
os.chdir(payload["directory"])
del payload
gc.collect()

import asyncio  # noqa: E402  (after the payload is freed: heap)

import fake_esp32  # noqa: E402
from node import startup  # noqa: E402


async def hour():
    sleeper = fake_esp32.Sleeper()
    wiring = {"i2c": board["i2c"], "sensors": board["sensors"]}
    node, gh = startup.start(board, hw=fake_esp32.hardware(sleeper))
    sleeper.hal = node.hal
    node.log.echo = fake_esp32.Quiet()
    fake_esp32.fit_sensors(wiring)
    gc.collect()
    after_boot = gc.mem_free()
    for _ in range(360):
        tod, dt_ms, day = await node.hal.next_tick()
        if day is not None:
            node.climate.set_day(day[0], day[1])
        node.step(tod, dt_ms)
    gc.collect()
    missing = node.hal.missing
    print(json.dumps({"after_boot": after_boot, "free": gc.mem_free(), "ticks": node.ticks,
                      "faults": node.faults, "missing": missing, "gh": gh is not None}))  # fmt: skip


asyncio.run(hour())

# Boot: safe-boot check, then the board, the house, the config, and the
# control loop.  A broken config never stops a node: it is reported and the
# backup or the defaults are used.

import asyncio
import gc
import json
import os

from node.config import Store, apply
from node.house import make_climate
from node.log import Log
from node.runtime import Node

SAFE_BOOT_FLAG = "safe_boot"  # this file on flash skips main: remove it from the REPL


def safe_boot_requested(board):
    """The flag file, or the board's safe-boot pin held low at reset."""
    try:
        os.stat(SAFE_BOOT_FLAG)
        return True
    except OSError:
        pass
    pin = board.get("safe_boot_pin")
    if pin is None:
        return False
    try:
        from machine import Pin

        return Pin(pin, Pin.IN, Pin.PULL_UP).value() == 0
    except ImportError:  # the unix port: no pins
        return False


def reset_cause():
    try:
        import machine

        return {
            machine.PWRON_RESET: "power on",
            machine.HARD_RESET: "hard reset",
            machine.WDT_RESET: "watchdog",
            machine.DEEPSLEEP_RESET: "deep sleep",
            machine.SOFT_RESET: "soft reset",
        }.get(machine.reset_cause(), "unknown")
    except (ImportError, AttributeError):
        return "unix port"


def read_json(path):
    with open(path) as f:
        return json.load(f)


def sim_hal():
    """The sim board's HAL: frames on stdin/stdout, or on the two FIFOs named
    by GH_SIM_LINK ("IN,OUT") when the REPL has the terminal."""
    from hal.sim import SimHal, stdio_hal

    link = os.getenv("GH_SIM_LINK")
    if not link:
        return stdio_hal(), False
    in_path, out_path = link.split(",")
    frames = open(in_path, "rb")  # (the simulator opens its ends in the same order)
    answers = open(out_path, "w")
    return SimHal(asyncio.StreamReader(frames), answers, flush=False), True


ESP_CHIPS = ("esp32", "esp32s3")
WDT_MIN_MS = 30000  # the watchdog's timeout: three control periods, at least this


def esp_hal(board, house, log, hw=None):
    """The ESP32 HAL from the board file, and the watchdog (started last: a
    slow boot does not trip it).  Once started it cannot be stopped.  hw:
    Esp32Hal's hardware arguments (machine, onewire, ds18x20, clock, ...),
    the real modules when None."""
    from hal.esp32 import Esp32Hal

    if hw is None:
        import ds18x20
        import machine
        import onewire

        hw = {"machine": machine, "onewire": onewire, "ds18x20": ds18x20}
    hal = Esp32Hal(board, house, log=log, **hw)
    wdt = hw["machine"].WDT(timeout=max(WDT_MIN_MS, 3 * hal.period_ms))
    return hal, wdt


def start(board, house_path="house.json", config_path="config.json", hw=None):
    """The node, ready to run: (node, gh), gh None without a REPL.  board:
    board.json's contents, dropped once the HAL is built (heap); hw: the
    ESP32 HAL's hardware, for tests (esp_hal)."""
    log = Log()
    chip, name = board.get("chip"), board.get("board")
    house = read_json(house_path)
    wdt = None
    if chip == "unix":
        hal, wants_repl = sim_hal()
        clock = hal.clock
    elif chip in ESP_CHIPS:
        hal, wdt = esp_hal(board, house, log, hw)
        clock, wants_repl = hal.clock, True
    else:
        raise OSError("no HAL for chip %r (board.json: %s)" % (chip, ", ".join(("unix",) + ESP_CHIPS)))
    board.clear()  # the HAL has what it needs: the rest is heap the Climate wants
    store = Store(config_path)
    values, problems = store.load()
    gc.collect()  # the files' text and parse: the Climate needs the room in one piece
    climate = make_climate(house)
    try:  # all or nothing: settings that contradict each other leave the defaults
        apply(climate, values)
    except ValueError as error:
        problems.append("%s: %s; running on the defaults" % (config_path, error))
    for problem in problems:
        log.line("config: " + problem)
    gc.collect()
    log.line("boot: %s, board %s, reset: %s" % (house.get("crop"), name, reset_cause()))
    node = Node(climate, hal, clock, log=log, wdt=wdt)
    gh = None
    if wants_repl:  # (imported only then: the sim's lockstep runs need the heap)
        from node.tuning import Gh

        gh = Gh(node, store, values)
    return node, gh


HOUSEKEEPING_S = 60


async def housekeeping(node):
    """Once a minute: a full collection between ticks (so the tick never
    waits for one), and the least free heap seen, for gh.status()."""
    while True:
        await asyncio.sleep(HOUSEKEEPING_S)
        gc.collect()
        free = gc.mem_free()
        if node.heap_least is None or free < node.heap_least:
            node.heap_least = free


async def run(node, gh):
    if gh is not None:
        from node.repl import repl

        asyncio.create_task(repl({"gh": gh, "node": node}))
    drive = getattr(node.hal, "drive", None)
    if drive is not None:  # three-point valves and slow PWM, between ticks
        asyncio.create_task(drive())
    if getattr(node.hal, "set_utc", None) is not None:  # a real board
        from node.net import keep_time

        asyncio.create_task(keep_time(node.log))
        asyncio.create_task(housekeeping(node))
    await node.run()


def main():
    try:
        board = read_json("board.json")
    except (OSError, ValueError):
        board = {}
    if safe_boot_requested(board):
        print("safe boot: main skipped (remove the file %r to run)" % SAFE_BOOT_FLAG)
        return
    node, gh = start(board)
    del board
    try:
        asyncio.run(run(node, gh))
    except KeyboardInterrupt:  # Ctrl-C at the REPL: control stops, outputs go safe
        node.hal.safe()
        if node.wdt is not None:
            print("control stopped: the watchdog restarts the node within %d s;" % (WDT_MIN_MS // 1000))
            print("to stay at the REPL, create the file %r and reset" % SAFE_BOOT_FLAG)

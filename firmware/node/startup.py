# Boot: safe-boot check, then the board, the house, the config, and the
# control loop.  A broken config never stops a node: it is reported and the
# backup or the defaults are used.

import asyncio
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


def start(board_path="board.json", house_path="house.json", config_path="config.json"):
    """The node, ready to run: (node, store, house)."""
    log = Log()
    board = read_json(board_path)
    house = read_json(house_path)
    climate = make_climate(house)
    store = Store(config_path, check=lambda values: apply(make_climate(house), values))
    values, problems = store.load()
    for problem in problems:
        log.line("config: " + problem)
    apply(climate, values)
    if board.get("chip") == "unix":
        from hal.sim import stdio_hal

        hal = stdio_hal()
        clock = hal.clock
    else:
        raise OSError("no HAL for chip %r yet" % board.get("chip"))
    log.line("boot: %s, board %s, reset: %s" % (house.get("crop"), board.get("board"), reset_cause()))
    return Node(climate, hal, clock, log=log), store, house


def main():
    try:
        board = read_json("board.json")
    except (OSError, ValueError):
        board = {}
    if safe_boot_requested(board):
        print("safe boot: main skipped (remove the file %r to run)" % SAFE_BOOT_FLAG)
        return
    node, _, _ = start()
    asyncio.run(node.run())

"""The node runtime's figures (issue 6), for tools/bench.py: the real
firmware under the MicroPython unix port against the simulator.

    firmware_mpy_kb     total size of the compiled firmware (.mpy, as deployed)
    heap_min_kb         the smallest -X heapsize a configured node runs in
    esp32_heap_min_kb   the same for an ESP32 node's boot and first hour: the
                        ESP32 HAL built from boards/esp32-devkitc.json on fake
                        hardware, the REPL's gh built, config.json applied
    heap_growth_bytes   free heap after day 1 less free heap after day N (goal 0)
    sil_day_s           wall time per simulated day under the unix port, and
                        its ratio to the CPython runtime measured in the same run
"""

import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

import host_sim  # noqa: F401  (firmware/ on the path)
from host_sim import mp_node
from host_sim.mp_node import MicroPythonController, NodeStopped, compiled_firmware
from host_sim.runner import DAY_S, run
from host_sim.scenario import load_scenario

SCENARIO = "zichuan-rose-winter"
SETTINGS = (("air.heat.kp", 4.0),)  # a node with a config file to load


def firmware_mpy_kb():
    return sum(path.stat().st_size for path in compiled_firmware().rglob("*.mpy")) / 1024


def runs_in(heap_kb, days=0.1):
    scenario = load_scenario(SCENARIO).replace(days=days, settings=SETTINGS)
    node = MicroPythonController(scenario, heap=f"{heap_kb}K")
    try:
        result = run(scenario, oracle=False, controller=node)
    except NodeStopped:
        return False
    return result.metrics["errors"] == 0 and "config:" not in node.close()  # its settings applied


def heap_min_kb(low_kb=48, high_kb=256, step_kb=4):
    """Bisection over heap sizes (a multiple of step_kb)."""
    return bisect_heap(runs_in, low_kb, high_kb, step_kb)


REPO = Path(__file__).resolve().parent.parent
TESTS = REPO / "tests"
FAKES = ("fake_hw.py", "fake_esp32.py", "mp_esp32_boot.py")


def compiled_fakes():
    """The fake ESP32 compiled to .mpy next to the boot script (the sources
    would take more heap to compile than the node has)."""
    out = Path(tempfile.mkdtemp(prefix="esp32-fakes-"))
    for name in FAKES:
        target = out / name.replace(".py", ".mpy")
        mpy_cross = mp_node.MICROPYTHON.parent / "mpy-cross"
        subprocess.run([str(mpy_cross), "-o", str(target), str(TESTS / name)], check=True)
    return out


def esp32_boots_in(heap_kb, fakes):
    board = json.loads((REPO / "boards" / "esp32-devkitc.json").read_text())
    del board["notes"]
    for role, rom in (("supply_c", "28ff4a1c051603ab"), ("source_return_c", "28ff4a1c05160301")):
        board["sensors"][role]["rom"] = rom
    flash = Path(tempfile.mkdtemp(prefix="esp32-flash-"))
    (flash / "house.json").write_text(json.dumps({"crop": "rose", "latitude": 39.4, "longitude": 112.4}))
    (flash / "config.json").write_text(json.dumps({"version": 1, "air.heat.kp": 4.0}))
    env = dict(os.environ, MICROPYPATH=f".frozen:{compiled_firmware()}:{fakes}")
    result = subprocess.run(
        [str(mp_node.MICROPYTHON), "-X", f"heapsize={heap_kb}K", "-c", "import mp_esp32_boot"],
        input=json.dumps({"board": board, "directory": str(flash)}), capture_output=True, text=True, env=env,
    )  # fmt: skip
    if result.returncode != 0:
        return False
    out = json.loads(result.stdout)
    ok = out["ticks"] == 360 and out["faults"] == 0 and not out["missing"] and out["gh"]
    return ok and "config:" not in result.stderr


def esp32_heap_min_kb(low_kb=48, high_kb=512, step_kb=4):
    fakes = compiled_fakes()
    return bisect_heap(lambda kb: esp32_boots_in(kb, fakes), low_kb, high_kb, step_kb)


def bisect_heap(runs, low_kb, high_kb, step_kb):
    if not runs(high_kb):
        raise SystemExit(f"the node does not run even in {high_kb} kB")
    while high_kb - low_kb > step_kb:
        middle = (low_kb + high_kb) // 2 // step_kb * step_kb
        if runs(middle):
            high_kb = middle
        else:
            low_kb = middle
    return high_kb


def heap_growth_and_speed(days):
    """(free heap after day 1 - after day `days`, wall s per day under
    MicroPython, the same under CPython), on a run of days + 1 days."""
    scenario = load_scenario(SCENARIO).replace(days=days + 1, settings=SETTINGS)
    node = MicroPythonController(scenario)
    free = {}

    def at_day(k, ticks):  # called at the start of each simulated day
        day = k * scenario.control_period_s // DAY_S
        if day in (1, days):
            free[day] = node.free_heap()

    start = time.perf_counter()
    run(scenario, oracle=False, controller=node, progress=at_day)
    micropython_s = (time.perf_counter() - start) / (days + 1)
    start = time.perf_counter()
    run(scenario, oracle=False)
    cpython_s = (time.perf_counter() - start) / (days + 1)
    return free[1] - free[days], micropython_s, cpython_s


def figures(growth_days=30):
    out = {"firmware_mpy_kb": firmware_mpy_kb(), "heap_min_kb": heap_min_kb(), "node_heap_kb": mp_node.HEAP}
    out["esp32_heap_min_kb"] = esp32_heap_min_kb()
    out["heap_growth_bytes"], out["sil_day_s"], cpython_day_s = heap_growth_and_speed(growth_days)
    out["heap_growth_days"] = growth_days
    out["sil_day_ratio_to_cpython"] = out["sil_day_s"] / cpython_day_s
    return out


if __name__ == "__main__":
    import sys

    print(json.dumps(figures(int(sys.argv[1]) if len(sys.argv) > 1 else 30)))

"""The node runtime's figures (issue 6), for tools/bench.py: the real
firmware under the MicroPython unix port against the simulator.

    firmware_mpy_kb     total size of the compiled firmware (.mpy, as deployed)
    heap_min_kb         the smallest -X heapsize a configured node runs in
    heap_growth_bytes   free heap after day 1 less free heap after day N (goal 0)
    sil_day_s           wall time per simulated day under the unix port, and
                        its ratio to the CPython runtime measured in the same run
"""

import time

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
    if not runs_in(high_kb):
        raise SystemExit(f"the node does not run even in {high_kb} kB")
    while high_kb - low_kb > step_kb:
        middle = (low_kb + high_kb) // 2 // step_kb * step_kb
        if runs_in(middle):
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
    out["heap_growth_bytes"], out["sil_day_s"], cpython_day_s = heap_growth_and_speed(growth_days)
    out["heap_growth_days"] = growth_days
    out["sil_day_ratio_to_cpython"] = out["sil_day_s"] / cpython_day_s
    return out


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(figures(int(sys.argv[1]) if len(sys.argv) > 1 else 30)))

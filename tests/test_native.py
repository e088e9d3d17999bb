"""The compiled build of the simulator's hot path (tools/build_native.py,
mypyc) gives exactly the results of the plain-Python sources, on every
shipped scenario and controller, in fresh processes."""

import json
import os
import subprocess
import sys

from micropython_runner import REPO

RUNS = """
import json, sys
sys.path.insert(0, {repo!r})
import host_sim
import core.pid, host_sim.plant
from host_sim.runner import run
from host_sim.scenario import load_scenario, scenario_names
results = {{}}
for name in scenario_names():
    days = 3 if name.endswith("faults") else 1  # every fault of the fault scenario
    controllers = ("firmware", "bang_bang", "simple_pid") if name == "zichuan-rose-winter" else ("firmware",)
    for controller in controllers:
        metrics = run(load_scenario(name).replace(days=days), controller).metrics
        metrics.pop("wall_s")
        results[name + "/" + controller] = metrics
modules = [core.pid.__file__, host_sim.plant.__file__]
print(json.dumps({{"native": host_sim.NATIVE, "modules": modules, "results": results}}))
"""


def run_all(native):
    env = dict(os.environ, HOST_SIM_NATIVE="1" if native else "0")
    result = subprocess.run(
        [sys.executable, "-c", RUNS.format(repo=str(REPO))],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=600,
    )
    return json.loads(result.stdout)


def test_the_compiled_build_gives_the_same_results():
    sys.path.insert(0, str(REPO / "tools"))
    try:
        import build_native
    finally:
        sys.path.remove(str(REPO / "tools"))
    assert build_native.is_current(), "no current native build: run `python tools/build_native.py`"
    native, plain = run_all(native=True), run_all(native=False)
    assert native["native"] and all(path.endswith(".so") for path in native["modules"])
    assert not plain["native"] and all(path.endswith(".py") for path in plain["modules"])
    assert len(native["results"]) >= 8
    assert native["results"] == plain["results"]  # exactly: the same floats, alarms and counts

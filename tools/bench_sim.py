"""One timed simulator run for tools/bench.py, in its own process so that the
compiled build and plain Python are measured alike (HOST_SIM_NATIVE=0 turns
the compiled build off).  Prints JSON: wall_s, ticks, native, metrics.

    python tools/bench_sim.py DAYS CONTROLLER [SCENARIO]
"""

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import host_sim  # noqa: E402  (the path first; it picks the compiled build or not)
from host_sim.runner import make_weather, run  # noqa: E402
from host_sim.scenario import load_scenario  # noqa: E402


def main():
    days, controller = float(sys.argv[1]), sys.argv[2]
    name = sys.argv[3] if len(sys.argv) > 3 else "zichuan-rose-winter"
    scenario = load_scenario(name).replace(days=days)
    start = time.perf_counter()
    result = run(scenario, controller, weather=make_weather(scenario))
    wall_s = time.perf_counter() - start
    metrics = {key: value for key, value in result.metrics.items() if key != "wall_s"}
    figures = {"wall_s": wall_s, "ticks": metrics["ticks"], "native": host_sim.NATIVE, "metrics": metrics}
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

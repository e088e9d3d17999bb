"""Benchmark of the control core under the MicroPython unix port.

    python tools/bench.py [--json OUT] [--calls N] [--rounds R]

Measures time and heap bytes per PID update of the core and, in the same run
with the same gains and inputs, of PyPI simple-pid 2.0.1 (pure Python, it runs
on MicroPython).  Bytes come from gc.mem_alloc() deltas over many calls with
gc disabled; times are medians of several rounds.  Report the ratios: these
machines are noisy, absolute microseconds are not comparable across runs.
The unix port is a 64-bit build, so its byte counts are an upper bound for
the 32-bit ESP32.
"""

import argparse
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import simple_pid

REPO = Path(__file__).resolve().parent.parent
MICROPYTHON = Path(sys.executable).parent / "micropython"
SIM_YEAR_GOAL_S = 60


IRRIGATION_SCENARIO = "zichuan-rose-irrigation-winter"  # the default's house with drip fertigation


def sim_year(days, controller, native=True, scenario="zichuan-rose-winter"):
    """Wall time of a simulated run of the scenario (the default's, unless
    asked) on CPython, one core, scaled to 365 days when fewer are asked for;
    in a fresh process, with the compiled build (tools/build_native.py) or as
    plain Python."""
    env = dict(os.environ, HOST_SIM_NATIVE="1" if native else "0")
    result = subprocess.run(
        [sys.executable, str(REPO / "tools" / "bench_sim.py"), str(days), controller, scenario],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"simulator run failed:\n{result.stdout}{result.stderr}")
    figures = json.loads(result.stdout)
    return figures["wall_s"] * 365 / days, figures["ticks"], figures["native"]


def run(calls, rounds):
    with tempfile.TemporaryDirectory() as tmp:
        # simple-pid from this venv (pinned in pyproject.toml), as a MicroPython package.
        shutil.copytree(
            Path(simple_pid.__file__).parent,
            Path(tmp) / "simple_pid",
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        env = dict(os.environ, MICROPYPATH=f"{REPO / 'firmware'}:{tmp}")
        result = subprocess.run(
            [
                str(MICROPYTHON),
                "-X",
                "heapsize=8M",
                str(REPO / "tools" / "bench_mp.py"),
                str(calls),
                str(rounds),
            ],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
    if result.returncode != 0:
        raise SystemExit(f"bench failed under micropython:\n{result.stdout}{result.stderr}")
    figures = json.loads(result.stdout)
    figures["simple_pid_version"] = importlib.metadata.version("simple-pid")
    figures["bytes_ratio"] = figures["pid_update_bytes"] / figures["simple_pid_update_bytes"]
    figures["time_ratio"] = figures["pid_update_us"] / figures["simple_pid_update_us"]
    return figures


def table(figures):
    rows = [
        ("PID update, this core", figures["pid_update_us"], figures["pid_update_bytes"]),
        (
            f"PID update, simple-pid {figures['simple_pid_version']}",
            figures["simple_pid_update_us"],
            figures["simple_pid_update_bytes"],
        ),
        ("cascade update, this core", figures["cascade_update_us"], figures["cascade_update_bytes"]),
        (
            "three-point valve, this core",
            figures["three_point_update_us"],
            figures["three_point_update_bytes"],
        ),
        ("climate tick, this core", figures["control_tick_us"], figures["control_tick_bytes"]),
    ]
    lines = [f"{'MicroPython unix port':32} {'us/call':>9} {'bytes/call':>11}"]
    lines += [f"{name:32} {us:9.2f} {nbytes:11.1f}" for name, us, nbytes in rows]
    lines.append(
        f"core / simple-pid: time x{figures['time_ratio']:.2f}, bytes x{figures['bytes_ratio']:.3f}"
        f"  ({figures['calls']} calls, median of {figures['rounds']} rounds)"
    )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--sim-days", type=float, default=365.0, help="days simulated for sim_year_s (scaled)"
    )
    parser.add_argument(
        "--node-days", type=int, default=30, help="days of the node's heap-growth run under MicroPython"
    )
    args = parser.parse_args()
    figures = run(args.calls, args.rounds)
    print(table(figures))
    # The simulator: weather, plant, sensors, controller and metrics, 10 s steps,
    # as `make` builds it (compiled hot path) and as plain Python.
    figures["sim_days"] = args.sim_days
    figures["sim_year_s"], ticks, figures["sim_native"] = sim_year(args.sim_days, "firmware")
    figures["sim_year_pure_s"], _, _ = sim_year(args.sim_days, "firmware", native=False)
    figures["sim_year_bang_bang_s"], _, _ = sim_year(args.sim_days, "bang_bang")
    figures["sim_year_irrigation_s"], _, _ = sim_year(args.sim_days, "firmware", scenario=IRRIGATION_SCENARIO)
    figures["sim_tick_us"] = figures["sim_year_s"] / (ticks * 365 / args.sim_days) * 1e6
    figures["sim_year_ratio_to_goal"] = figures["sim_year_s"] / SIM_YEAR_GOAL_S
    figures["sim_native_ratio_to_pure"] = figures["sim_year_s"] / figures["sim_year_pure_s"]
    build = "compiled hot path" if figures["sim_native"] else "plain Python: no current native build"
    print(
        f"simulator, a year at 10 s on CPython ({build}): {figures['sim_year_s']:.0f} s with the firmware "
        f"controller ({figures['sim_tick_us']:.0f} us a tick), goal {SIM_YEAR_GOAL_S} s "
        f"(x{figures['sim_year_ratio_to_goal']:.2f}); plain Python {figures['sim_year_pure_s']:.0f} s "
        f"(compiled x{figures['sim_native_ratio_to_pure']:.2f}); "
        f"bang_bang {figures['sim_year_bang_bang_s']:.0f} s; with drip fertigation "
        f"{figures['sim_year_irrigation_s']:.0f} s"
        + ("" if args.sim_days == 365 else f"  [scaled from {args.sim_days:g} days]")
    )
    # The node runtime: the real firmware under the unix port (tools/bench_node.py).
    sys.path.insert(0, str(REPO))
    from tools.bench_node import figures as node_figures

    node = node_figures(args.node_days)
    figures.update(node)
    print(
        f"node: firmware {node['firmware_mpy_kb']:.1f} kB of .mpy; runs in a heap of "
        f"{node['heap_min_kb']} kB or more (64-bit unix port), an ESP32 node's boot and first hour "
        f"with the REPL in {node['esp32_heap_min_kb']} kB; "
        f"free heap after day {node['heap_growth_days']} vs day 1: "
        f"{-node['heap_growth_bytes']:+d} B; a simulated day {node['sil_day_s']:.2f} s under MicroPython, "
        f"x{node['sil_day_ratio_to_cpython']:.1f} the CPython runtime's"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()

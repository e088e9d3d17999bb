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
    args = parser.parse_args()
    figures = run(args.calls, args.rounds)
    print(table(figures))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()

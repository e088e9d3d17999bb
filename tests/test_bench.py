"""tools/bench.py runs and reports its figures (a benchmark, not a timed test:
only the allocation goal, which is deterministic, is asserted)."""

import json
import subprocess
import sys

from micropython_runner import REPO


def test_bench_reports_the_figures(tmp_path):
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "tools" / "bench.py"),
            "--json",
            str(out),
            "--calls",
            "300",
            "--rounds",
            "1",
            "--sim-days",
            "0.1",
            "--node-days",
            "2",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(out.read_text())
    for key in ("pid_update_bytes", "pid_update_us", "simple_pid_update_bytes", "simple_pid_update_us"):
        assert figures[key] >= 0
    assert figures["simple_pid_update_bytes"] > 0  # the baseline allocates: the probe works
    assert figures["pid_update_bytes"] <= figures["simple_pid_update_bytes"] / 10  # the goal
    assert figures["control_tick_us"] > 0 and figures["control_tick_bytes"] < 200  # issue 5's goal
    assert "simple-pid 2.0.1" in result.stdout
    assert figures["sim_year_s"] > 0 and figures["sim_year_bang_bang_s"] > 0 and figures["sim_days"] == 0.1
    assert figures["sim_year_irrigation_s"] > 0
    assert figures["sim_year_pure_s"] > 0 and figures["sim_native"] is True  # make builds the compiled path
    # The node under MicroPython (issue 6): sizes, least heap, no heap lost from day to day.
    assert 10 < figures["firmware_mpy_kb"] < 200 and 48 < figures["heap_min_kb"] <= 128
    assert figures["heap_min_kb"] < figures["esp32_heap_min_kb"] <= 256  # the REPL, the drivers
    assert figures["heap_growth_bytes"] == 0 and figures["sil_day_s"] > 0

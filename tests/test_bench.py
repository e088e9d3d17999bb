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
    assert figures["sim_year_pure_s"] > 0 and figures["sim_native"] is True  # make builds the compiled path

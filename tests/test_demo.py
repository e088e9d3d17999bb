"""`make demo`: the core holds a winter bay on mine-water heating."""

import subprocess
import sys

from host_sim import demo


def test_demo_day_holds_the_band():
    result = demo.run(hours=24)
    assert result["mean_abs_error_k"] < 0.2
    assert result["max_below_k"] < 1.0
    assert result["max_over_vent_k"] < 0.5
    assert 0 < result["electric_kwh_m2"] < result["heat_kwh_m2"]  # a heat pump's COP > 1
    for row in result["rows"][2:]:
        valve_estimate_pct, valve_true_pct = row[7], row[8]
        assert abs(valve_estimate_pct - valve_true_pct) < 6.0  # the motor runs 5 % slow


def test_demo_cli_runs_and_refuses_bad_hours():
    ok = subprocess.run(
        [sys.executable, "-m", "host_sim", "demo", "--hours", "2"], capture_output=True, text=True
    )
    assert ok.returncode == 0 and "kWh/m2" in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "host_sim", "demo", "--hours", "0"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and "--hours must be 1..336" in bad.stderr

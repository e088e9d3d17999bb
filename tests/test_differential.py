"""The control core gives bit-identical traces on CPython and MicroPython,
and keeps every intermediate inside the ESP32's small-int range."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import core_trace
from bounded_int import BoundedInt
from micropython_runner import TESTS, run_json
from strategies import any_spec


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(any_spec(), min_size=1, max_size=6))
def test_cpython_and_micropython_traces_are_identical(specs):
    on_cpython = [core_trace.run(spec) for spec in specs]
    on_micropython = run_json(TESTS / "core_trace.py", specs)
    assert on_micropython == on_cpython


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_spec())
def test_intermediates_stay_below_2_to_the_30(spec):
    # Raises SmallIntOverflow at the first operation that leaves the range.
    assert core_trace.run(spec, num=BoundedInt) == core_trace.run(spec)


def test_bounded_int_catches_an_overflow():
    # The check above can fail: a product past 2**30 is caught.
    try:
        BoundedInt(1 << 20) * (1 << 10)
    except AssertionError:
        return
    raise AssertionError("BoundedInt let 2**30 through")


def test_long_traces_are_identical():
    # Long runs where rounding errors would accumulate if any crept in.
    spec_pid = {
        "block": "pid",
        "config": {"kp_m": 3500, "ki_m": 7, "kd_m": 41000, "tf_ms": 30000, "setpoint_weight_pm": 600},
        "steps": [["u", 21000, 15000 + (k * 37) % 9000, 10000, (k * 13) % 500] for k in range(3000)],
    }
    spec_valve = {
        "block": "three_point",
        "config": {"args": [90000, 700, 800, 9000]},
        "steps": [["u", (k // 40 % 7) * 16000, 250 + k % 3] for k in range(3000)],
    }
    specs = [spec_pid, spec_valve]
    assert run_json(TESTS / "core_trace.py", specs) == [core_trace.run(spec) for spec in specs]

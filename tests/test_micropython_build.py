"""The core compiles with mpy-cross, runs from .mpy files under MicroPython,
and a control step allocates nothing on the MicroPython heap."""

import sys

import pytest

import core_trace
from micropython_runner import TESTS, run_json

sys.path.insert(0, str(TESTS.parent / "tools"))
import build_mpy  # noqa: E402

SPECS = [
    {
        "block": "pid",
        "config": {"kp_m": 2500, "ki_m": 9, "kd_m": 30000, "tf_ms": 20000, "rate_per_s": 800},
        "steps": [["u", 21000, 16000 + k * 17 % 6000, 10000, 0] for k in range(300)],
    },
    {
        "block": "three_point",
        "config": {"args": [120000, 1000, 500, 12000]},
        "steps": [["u", k // 30 % 5 * 25000, 1000] for k in range(600)],
    },
]


def test_compiled_core_gives_the_same_trace(tmp_path):
    assert build_mpy.build(tmp_path) == []
    assert (tmp_path / "core" / "pid.mpy").exists()
    assert not list(tmp_path.rglob("*.py"))  # only bytecode goes to the interpreter
    got = run_json(TESTS / "core_trace.py", SPECS, firmware=tmp_path)
    assert got == [core_trace.run(spec) for spec in SPECS]


@pytest.fixture(scope="module")
def allocation(tmp_path_factory):
    # The core as a node runs it, precompiled to .mpy (compiling the source on
    # the node takes more heap than running it), every block loaded at once,
    # in 96 KB of heap.  The unix port is 64-bit, so its objects are about
    # twice an ESP32's: this is ~50 KB there, half of what an ESP32 has free
    # after boot.  (The climate controller with its imports takes ~43 KB here.)
    mpy_dir = tmp_path_factory.mktemp("mpy")
    assert build_mpy.build(mpy_dir) == []
    return run_json(TESTS / "mp_alloc.py", heap="96K", firmware=mpy_dir)


@pytest.mark.parametrize(
    "block", ["pid", "cascade", "split_range", "two_position", "slow_pwm", "three_point", "climate"]
)
def test_a_control_step_allocates_nothing(allocation, block):
    assert allocation[block] == 0


def test_the_allocation_probe_sees_allocations(allocation):
    assert allocation["float_control"] > 0

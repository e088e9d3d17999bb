"""Properties of the fixed-point PID."""

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import core_trace
from core.fixed import FULL_SCALE, MICRO, MILLI, SIGNAL_MAX
from core.pid import AUTO, PID
from strategies import gains, pid_configs, pid_specs

# Rounding of one step: each of P, I and D is a floor, so at most a few counts.
ROUNDING = 3


@settings(max_examples=300)
@given(pid_specs())
def test_output_always_within_limits(spec):
    low = spec["config"]["out_min"]
    high = spec["config"]["out_max"]
    for state in core_trace.run(spec):
        assert low <= state[0] <= high


def integral_step(pid, error, dt_ms):
    """The one-step integral increment ki * error * dt, in counts (rounded up)."""
    return -(-abs(error) * pid.ki_m * dt_ms // (MILLI * MILLI)) + 1


@settings(max_examples=200)
@given(
    kp=gains(),
    ki=gains(),
    sp=st.integers(-50 * MILLI, 50 * MILLI),
    pv=st.integers(-50 * MILLI, 50 * MILLI),
    manual=st.integers(0, FULL_SCALE),
    dt_ms=st.integers(100, 60000),
)
def test_manual_to_auto_is_bumpless(kp, ki, sp, pv, manual, dt_ms):
    pid = PID(kp_m=kp, ki_m=ki, out_min=0, out_max=FULL_SCALE)
    pid.update(sp, pv, dt_ms)
    pid.set_manual(manual)
    for _ in range(3):
        assert pid.update(sp, pv, dt_ms) == manual
    pid.set_auto()
    first_auto = pid.update(sp, pv, dt_ms)
    # Same inputs: the only change on the first auto step is one integral step.
    assert abs(first_auto - manual) <= integral_step(pid, sp - pv, dt_ms)


@settings(max_examples=200, suppress_health_check=[HealthCheck.filter_too_much])
@given(
    old=st.tuples(gains(), gains(), gains()),
    new=st.tuples(gains(), gains(), gains()),
    sp=st.integers(-50 * MILLI, 50 * MILLI),
    pv=st.integers(-50 * MILLI, 50 * MILLI),
    dt_ms=st.integers(100, 60000),
)
def test_gain_change_is_bumpless(old, new, sp, pv, dt_ms):
    pid = PID(*old, out_min=-SIGNAL_MAX, out_max=SIGNAL_MAX)
    for _ in range(200):  # let the derivative filter settle on a constant pv
        pid.update(sp, pv, dt_ms)
    before = pid.update(sp, pv, dt_ms)
    assume(pid.saturation == 0)
    pid.set_gains(*new)
    # The terms are rebalanced at once: P + I + D is still the output ...
    assert pid.p + pid.i + pid.d + pid.ff == before
    after = pid.update(sp, pv, dt_ms)
    # ... and the next step moves only by the new integral step.
    assert abs(after - before) <= integral_step(pid, sp - pv, dt_ms) + ROUNDING


@settings(max_examples=100)
@given(
    track=st.integers(0, FULL_SCALE),
    sp=st.integers(10 * MILLI, 30 * MILLI),
    pv=st.integers(10 * MILLI, 30 * MILLI),
)
def test_track_and_hold_are_bumpless(track, sp, pv):
    pid = PID(kp_m=4000, ki_m=30, kd_m=60000, tf_ms=20000)
    pid.update(sp, pv, 10000)
    pid.set_track(track)
    assert pid.update(sp, pv, 10000) == track
    pid.set_hold()
    assert pid.update(sp + 5000, pv - 3000, 10000) == track  # frozen whatever the inputs
    pid.set_auto()
    assert abs(pid.update(sp + 5000, pv - 3000, 10000) - track) <= 4000 * 8000 // MILLI + 30 * 8 * 10 + 100


@settings(max_examples=200, suppress_health_check=[HealthCheck.filter_too_much])
@given(
    config=pid_configs(),
    short_n=st.integers(1, 5),
    long_n=st.integers(50, 3000),
    dt_ms=st.integers(500, 20000),
)
def test_saturation_does_not_wind_up(config, short_n, long_n, dt_ms):
    """Saturation of any length leaves the same integral and the same recovery."""
    config = dict(config, out_min=0, out_max=FULL_SCALE, rate_per_s=0, deadband=0, setpoint_weight_pm=MILLI)
    assume(config["ki_m"] > 0)
    sign = -1 if config["direct"] else 1
    sp = 20 * MILLI
    cold = sp - sign * 15 * MILLI  # far from setpoint: output pinned at the top
    warm = sp + sign * 2 * MILLI  # past the setpoint: the output must come down
    traces = []
    for saturated_steps in (short_n + 2, long_n):
        pid = PID(**config)
        for _ in range(saturated_steps):
            pid.update(sp, cold, dt_ms)
        assume(pid.saturation == 1)
        integral_at_end = pid.i
        recovery = [pid.update(sp, warm, dt_ms) for _ in range(50)]
        traces.append((integral_at_end, recovery))
    (i_short, rec_short), (i_long, rec_long) = traces
    assert i_long == i_short  # the integral stopped growing within a few steps
    assert rec_long == rec_short  # recovery does not depend on the saturation length
    # It comes off the limit on the first step after the error turns, if that
    # step moves P or I by at least one count.
    if config["kp_m"] >= 100 or config["ki_m"] * 2 * MILLI * dt_ms >= MICRO:
        assert rec_long[0] < FULL_SCALE


def test_integral_is_bounded_while_saturated():
    pid = PID(kp_m=2000, ki_m=500)
    history = []
    for _ in range(10000):
        pid.update(20000, 0, 10000)
        history.append(pid.i)
    assert pid.out == FULL_SCALE
    assert max(history) == history[2]  # flat after the limit was reached
    assert pid.i <= FULL_SCALE - pid.p


def test_output_rate_limit():
    pid = PID(kp_m=50000, rate_per_s=500)  # 0.5 %/s
    outs = [pid.update(25000, 20000, 2000) for _ in range(20)]
    steps = [b - a for a, b in zip(outs, outs[1:], strict=False)]
    assert max(steps) == 1000 and min(steps) >= 0  # 0.5 %/s * 2 s
    assert pid.out < FULL_SCALE


def test_deadband_stops_integral_inside_and_is_continuous():
    pid = PID(kp_m=10000, ki_m=100, deadband=300)
    pid.update(20000, 20000, 10000)
    start = pid.i
    for pv in (19800, 20250, 19701):
        pid.update(20000, pv, 10000)
        assert pid.i == start and pid.p == 0
    pid.update(20000, 19600, 10000)  # 0.4 below: acts on 0.1
    assert pid.p == 1000


def test_derivative_on_measurement_does_not_kick_on_setpoint_steps():
    pid = PID(kp_m=0, kd_m=100000)
    pid.update(20000, 20000, 1000)
    pid.update(30000, 20000, 1000)
    assert pid.d == 0
    pid.update(30000, 20100, 1000)  # 0.1 unit in 1 s with kd 100 -> -10 units
    assert pid.d == -10000


def test_derivative_filter_spreads_a_step():
    raw = PID(kp_m=0, kd_m=10000)
    filtered = PID(kp_m=0, kd_m=10000, tf_ms=10000)
    for pid in (raw, filtered):
        pid.update(0, 0, 1000)
        pid.update(0, 1000, 1000)
    assert raw.d == -10000
    assert -10000 < filtered.d < 0
    total = filtered.d
    for _ in range(200):
        filtered.update(0, 1000, 1000)
        total += filtered.d
    assert abs(total - raw.d) <= 200  # the same impulse, spread over time


def test_setpoint_weight_scales_proportional_on_setpoint():
    pid = PID(kp_m=1000, setpoint_weight_pm=500, out_min=-SIGNAL_MAX, out_max=SIGNAL_MAX)
    pid.update(20000, 10000, 1000)
    assert pid.p == 1000 * (20000 // 2 - 10000) // MILLI


def test_feed_forward_adds_to_output():
    pid = PID(kp_m=1000, out_min=-SIGNAL_MAX, out_max=SIGNAL_MAX)
    pid.update(0, 0, 1000)
    assert pid.update(0, 0, 1000, 7000) == pid.update(0, 0, 1000, 0) + 7000


def test_direct_action_reverses_the_output():
    heat = PID(kp_m=2000, out_min=-SIGNAL_MAX, out_max=SIGNAL_MAX)
    cool = PID(kp_m=2000, out_min=-SIGNAL_MAX, out_max=SIGNAL_MAX, direct=True)
    assert heat.update(20000, 25000, 1000) == -cool.update(20000, 25000, 1000)


def test_slow_integral_is_not_rounded_away():
    # ki = 0.001 /s on a 0.01 unit error: 1e-5 units per second.
    pid = PID(kp_m=0, ki_m=1, out_min=-SIGNAL_MAX, out_max=SIGNAL_MAX)
    for _ in range(10000):
        pid.update(10, 0, 10000)  # 100000 s in all
    assert pid.i == 1000  # 1e-5 * 1e5 s = 1 unit


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda p: p.set_gains(-1, 0, 0), "kp_m must be in 0..1000000"),
        (lambda p: p.set_gains(0, 10**7, 0), "ki_m must be in 0..1000000"),
        (lambda p: p.set_gains(0, 0, 1.5), "kd_m must be an integer"),
        (lambda p: p.set_limits(100, 0), "out_max must be in 100..1000000"),
        (lambda p: p.set_tuning(2000, 0, 0, 0, False), "setpoint_weight_pm must be in 0..1000"),
        (lambda p: p.set_manual(10**8), "manual value must be in"),
    ],
)
def test_bad_parameters_are_refused_and_change_nothing(call, message):
    pid = PID(kp_m=1500, ki_m=20, kd_m=0)
    pid.update(20000, 18000, 1000)
    before = dict(vars(pid))
    with pytest.raises(ValueError, match=message):
        call(pid)
    assert vars(pid) == before
    assert pid.mode == AUTO

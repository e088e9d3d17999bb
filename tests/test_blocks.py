"""Properties of split range, cascade, two-position, slow PWM and the three-point valve."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import core_trace
from core.cascade import Cascade
from core.fixed import FULL_SCALE, MILLI
from core.onoff import MinOnOff, TwoPosition
from core.pid import PID
from core.slow_pwm import SlowPWM
from core.split_range import SplitRange
from core.three_point import CLOSE, OPEN, STOP, ThreePointValve
from strategies import split_specs, three_point_specs, two_position_specs

# -- split range --


@settings(max_examples=300)
@given(split_specs())
def test_split_range_never_opens_heating_and_cooling_at_once(spec):
    for heat, cool in core_trace.run(spec):
        assert 0 <= heat <= FULL_SCALE and 0 <= cool <= FULL_SCALE
        assert heat == 0 or cool == 0


def test_split_range_neutral_zone_and_ends():
    split = SplitRange(heat_start=10000, heat_end=60000, cool_start=5000, cool_end=FULL_SCALE)
    for demand in (-5000, 0, 10000):
        split.update(demand)
        assert (split.heat, split.cool) == (0, 0)
    split.update(35000)
    assert split.heat == FULL_SCALE // 2
    split.update(70000)
    assert split.heat == FULL_SCALE
    split.update(-52500)
    assert (split.heat, split.cool) == (0, FULL_SCALE // 2)


def test_split_range_refuses_overlapping_ranges():
    split = SplitRange()
    with pytest.raises(ValueError, match="heat_end must be in 20001..100000"):
        split.configure(20000, 10000, 0, FULL_SCALE)
    assert split.heat_start == 5000


# -- cascade --


def test_cascade_outer_does_not_wind_up_while_inner_saturates():
    # Air (outer) sets the supply temperature (inner), limited to 20..50 degC.
    outer = PID(kp_m=5000, ki_m=50)
    inner = PID(kp_m=8000, ki_m=200, out_min=0, out_max=FULL_SCALE)
    cascade = Cascade(outer, inner, 20 * MILLI, 50 * MILLI)
    # The heat pump cannot lift the supply: the inner valve sits at 100 %.
    for _ in range(20):
        cascade.update(20 * MILLI, 15 * MILLI, 30 * MILLI, 10000)
    assert inner.out == FULL_SCALE and inner.saturation == 1
    integral = outer.i
    for _ in range(2000):
        cascade.update(20 * MILLI, 15 * MILLI, 30 * MILLI, 10000)
        assert 20 * MILLI <= cascade.inner_setpoint <= 50 * MILLI
    assert outer.i <= integral  # blocked: no windup


def test_cascade_tracks_inner_measurement_while_inner_is_manual():
    outer = PID(kp_m=5000, ki_m=50)
    inner = PID(kp_m=8000, ki_m=200)
    cascade = Cascade(outer, inner, 20 * MILLI, 50 * MILLI)
    cascade.update(20 * MILLI, 18 * MILLI, 35 * MILLI, 10000)
    inner.set_manual(40000)
    cascade.update(20 * MILLI, 18 * MILLI, 33 * MILLI, 10000)
    assert cascade.tracking and cascade.inner_setpoint == 33 * MILLI
    inner.set_auto()
    cascade.update(20 * MILLI, 18 * MILLI, 33 * MILLI, 10000)
    assert not cascade.tracking
    # Back in auto the supply setpoint moves on from the measured supply.
    assert abs(cascade.inner_setpoint - 33 * MILLI) <= 5000 * 2 * 10 * 50 // MILLI + 10


# -- two-position --


def on_off_runs(states, dts):
    """Lengths (ms) of each completed on and off run, from step outputs."""
    runs = []
    current, length = states[0], 0
    for state, dt in zip(states[1:], dts[1:], strict=True):
        length += dt
        if state != current:
            runs.append((current, length))
            current, length = state, 0
    return runs


@settings(max_examples=200)
@given(two_position_specs())
def test_two_position_respects_minimum_on_and_off_times(spec):
    _, _, min_on_ms, min_off_ms, _ = spec["config"]["args"]
    states = [state[0] for state in core_trace.run(spec)]
    dts = [max(0, min(step[3], 60000)) for step in spec["steps"]]
    # The first run began before the block existed (a new block may switch at once).
    for was_on, length in on_off_runs(states, dts)[1:]:
        assert length >= (min_on_ms if was_on else min_off_ms)


def test_two_position_hysteresis():
    heat = TwoPosition(deadband=500, overrun=300)
    assert heat.update(20000, 19600, 1000) is False  # inside the band
    assert heat.update(20000, 19500, 1000) is True
    assert heat.update(20000, 20200, 1000) is True
    assert heat.update(20000, 20300, 1000) is False
    cool = TwoPosition(deadband=500, overrun=300, direct=True)
    assert cool.update(20000, 20500, 1000) is True
    assert cool.update(20000, 19700, 1000) is False


def test_force_off_overrides_minimum_run():
    timer = MinOnOff(min_on_ms=600000, min_off_ms=60000)
    assert timer.update(True, 1000)
    timer.force_off()
    assert not timer.on
    assert not timer.update(True, 30000)  # the minimum off time still holds
    assert timer.update(True, 30000)


# -- slow PWM --


@settings(max_examples=200)
@given(
    period_ms=st.integers(2000, 120000),
    min_pulse_fraction=st.integers(0, 40),
    duty=st.integers(1, FULL_SCALE),
    dt_ms=st.integers(50, 1000),
)
def test_slow_pwm_keeps_average_duty_and_minimum_pulse(period_ms, min_pulse_fraction, duty, dt_ms):
    min_pulse_ms = period_ms * min_pulse_fraction // 100
    pwm = SlowPWM(period_ms, min_pulse_ms)
    states = [pwm.update(duty, dt_ms)]
    total_ms = 30 * period_ms
    for _ in range(total_ms // dt_ms):
        states.append(pwm.update(duty, dt_ms))
    on_ms = dt_ms * sum(states[:-1])
    elapsed_ms = dt_ms * (len(states) - 1)
    wanted_ms = duty * elapsed_ms // FULL_SCALE
    # Exact on average: the error is at most what one period carries.
    assert abs(on_ms - wanted_ms) <= period_ms + dt_ms
    for was_on, length in on_off_runs(states, [dt_ms] * len(states)):
        if was_on:
            assert length >= min_pulse_ms


def test_slow_pwm_zero_duty_switches_off_at_once():
    pwm = SlowPWM(60000)
    assert pwm.update(FULL_SCALE // 2, 1000)
    assert not pwm.update(0, 1000)
    assert not pwm.update(0, 100000)


# -- three-point valve --


class RealValve:
    """A valve motor whose true travel time differs from the configured one."""

    def __init__(self, travel_ms, position_ms):
        self.travel_ms = travel_ms
        self.position_ms = position_ms

    def apply(self, command, dt_ms):
        self.position_ms = min(max(self.position_ms + command * dt_ms, 0), self.travel_ms)

    @property
    def opening(self):
        return self.position_ms * FULL_SCALE // self.travel_ms


@settings(max_examples=300)
@given(three_point_specs())
def test_three_point_estimate_stays_in_range(spec):
    for command, position_ms, position, _ in core_trace.run(spec):
        assert command in (OPEN, STOP, CLOSE)
        assert 0 <= position <= FULL_SCALE
        assert 0 <= position_ms <= spec["config"]["args"][0]


@settings(max_examples=100)
@given(
    nominal_ms=st.integers(30000, 240000),
    error_pct=st.integers(-15, 15),
    start_pct=st.integers(0, 100),
    targets=st.lists(st.integers(5, 95), min_size=1, max_size=8),
    end=st.sampled_from([0, FULL_SCALE]),
)
def test_three_point_resyncs_at_end_stops(nominal_ms, error_pct, start_pct, targets, end):
    dt_ms = 250
    # The overrun covers the travel-time error: that is what makes the re-sync exact.
    valve = ThreePointValve(nominal_ms, min_pulse_ms=500, deadband=500, overrun_ms=nominal_ms // 5)
    real = RealValve(nominal_ms * (100 + error_pct) // 100, 0)
    real.position_ms = real.travel_ms * start_pct // 100
    command = STOP

    def run(wanted, duration_ms):
        nonlocal command
        for _ in range(duration_ms // dt_ms):
            real.apply(command, dt_ms)
            command = valve.update(wanted, dt_ms)

    run(targets[0] * MILLI, 2 * real.travel_ms)  # power-up sync, then a move
    for target in targets:
        run(target * MILLI, 2 * real.travel_ms)
        # Reached within the deadband plus the travel-time error.
        assert abs(valve.position - target * MILLI) <= 500 + 2 * FULL_SCALE * 250 // nominal_ms
    run(end, 2 * real.travel_ms)
    # Driven into the end stop: estimate and valve agree exactly, and the relay rests.
    assert valve.synced and command == STOP
    assert valve.position == end and real.opening == end


def test_three_point_first_sync_drives_closed_for_travel_plus_overrun():
    valve = ThreePointValve(60000, overrun_ms=6000)
    closed_ms = 0
    while valve.update(50000, 1000) == CLOSE:
        closed_ms += 1000
    assert closed_ms == 66000 and valve.synced and valve.position == 0


def test_three_point_position_lost_is_synced_closed_again_then_followed():
    valve = ThreePointValve(60000, overrun_ms=6000, min_pulse_ms=0, deadband=0)
    for _ in range(120):  # sync (66 s), then open half way (30 s)
        valve.update(50000, 1000)
    assert valve.synced and valve.position == 50000
    valve.lost()  # a relay failed: the valve may be anywhere
    assert not valve.synced
    closed_ms = 0
    while valve.update(50000, 1000) == CLOSE:
        closed_ms += 1000
    assert closed_ms == 66000 and valve.synced  # a full travel and the overrun, as at power-up
    opened_ms = 0
    while valve.update(50000, 1000) == OPEN:
        opened_ms += 1000
    assert opened_ms == 30000 and valve.position == 50000


def test_three_point_minimum_pulse():
    valve = ThreePointValve(100000, min_pulse_ms=2000, deadband=0)
    while not valve.synced:
        valve.update(0, 1000)
    assert valve.update(1000, 1000) == STOP  # 1 % is 1 s of travel: below the pulse
    assert valve.update(3000, 1000) == OPEN
    assert valve.update(1000, 1000) == STOP  # overshoot target now behind: stop

"""Hypothesis strategies for control-core configurations and input traces.

Values cover the documented ranges in core/fixed.py, with a bias toward the
realistic middle, and some inputs beyond range to exercise the clamps."""

from hypothesis import strategies as st

from core.fixed import DT_MAX_MS, FULL_SCALE, GAIN_MAX, MILLI, SIGNAL_MAX, TIME_MAX_MS


def gains():
    return st.one_of(st.integers(0, 20 * MILLI), st.integers(0, GAIN_MAX))


def signals(beyond=False):
    limit = 2 * SIGNAL_MAX if beyond else SIGNAL_MAX
    return st.one_of(st.integers(-100 * MILLI, 100 * MILLI), st.integers(-limit, limit))


def dts():
    return st.one_of(st.integers(100, 20000), st.integers(-10, 2 * DT_MAX_MS))


@st.composite
def limits(draw):
    low = draw(st.one_of(st.just(0), st.just(-FULL_SCALE), st.integers(-SIGNAL_MAX, SIGNAL_MAX)))
    high = draw(st.one_of(st.just(FULL_SCALE), st.integers(low, SIGNAL_MAX)))
    return low, max(high, low)


@st.composite
def pid_configs(draw):
    low, high = draw(limits())
    return {
        "kp_m": draw(gains()),
        "ki_m": draw(gains()),
        "kd_m": draw(gains()),
        "out_min": low,
        "out_max": high,
        "setpoint_weight_pm": draw(st.one_of(st.just(MILLI), st.integers(0, MILLI))),
        "deadband": draw(st.one_of(st.just(0), st.integers(0, 2000), st.integers(0, SIGNAL_MAX))),
        "rate_per_s": draw(st.one_of(st.just(0), st.integers(0, SIGNAL_MAX))),
        "tf_ms": draw(st.one_of(st.just(0), st.integers(0, TIME_MAX_MS - DT_MAX_MS))),
        "direct": draw(st.booleans()),
    }


def pid_steps(beyond=True):
    update = st.tuples(st.just("u"), signals(beyond), signals(beyond), dts(), signals()).map(list)
    other = st.one_of(
        st.tuples(st.just("m"), signals()).map(list),
        st.just(["a"]),
        st.just(["h"]),
        st.tuples(st.just("t"), signals()).map(list),
        st.tuples(st.just("g"), gains(), gains(), gains()).map(list),
        st.tuples(st.just("b"), st.booleans(), st.booleans()).map(list),
    )
    return st.lists(st.one_of(update, update, update, other), min_size=1, max_size=60)


@st.composite
def pid_specs(draw):
    return {"block": "pid", "config": draw(pid_configs()), "steps": draw(pid_steps())}


@st.composite
def cascade_specs(draw):
    sp_min = draw(st.integers(-SIGNAL_MAX, SIGNAL_MAX))
    sp_max = draw(st.integers(sp_min, SIGNAL_MAX))
    update = st.tuples(st.just("u"), signals(True), signals(True), signals(True), dts()).map(list)
    other = st.one_of(st.tuples(st.just("im"), signals()).map(list), st.just(["ia"]))
    steps = draw(st.lists(st.one_of(update, update, update, other), min_size=1, max_size=60))
    return {
        "block": "cascade",
        "config": {
            "outer": draw(pid_configs()),
            "inner": draw(pid_configs()),
            "sp_min": sp_min,
            "sp_max": sp_max,
        },
        "steps": steps,
    }


@st.composite
def split_specs(draw):
    heat_start = draw(st.integers(0, FULL_SCALE - 1))
    cool_start = draw(st.integers(0, FULL_SCALE - 1))
    args = [
        heat_start,
        draw(st.integers(heat_start + 1, FULL_SCALE)),
        cool_start,
        draw(st.integers(cool_start + 1, FULL_SCALE)),
    ]
    demand = st.integers(-2 * FULL_SCALE, 2 * FULL_SCALE)
    steps = draw(st.lists(st.tuples(st.just("u"), demand).map(list), min_size=1, max_size=60))
    return {"block": "split", "config": {"args": args}, "steps": steps}


@st.composite
def two_position_specs(draw):
    args = [
        draw(st.integers(0, 5 * MILLI)),
        draw(st.integers(0, 5 * MILLI)),
        draw(st.integers(0, 600000)),
        draw(st.integers(0, 600000)),
        draw(st.booleans()),
    ]
    step = st.tuples(st.just("u"), signals(), signals(), dts()).map(list)
    return {
        "block": "two_position",
        "config": {"args": args},
        "steps": draw(st.lists(step, min_size=1, max_size=80)),
    }


@st.composite
def slow_pwm_specs(draw):
    period_ms = draw(st.integers(1, TIME_MAX_MS))
    args = [period_ms, draw(st.integers(0, period_ms // 2))]
    step = st.tuples(st.just("u"), st.integers(-FULL_SCALE, 2 * FULL_SCALE), dts()).map(list)
    return {
        "block": "slow_pwm",
        "config": {"args": args},
        "steps": draw(st.lists(step, min_size=1, max_size=80)),
    }


@st.composite
def three_point_specs(draw):
    travel_ms = draw(st.integers(1000, TIME_MAX_MS))
    args = [
        travel_ms,
        draw(st.integers(0, travel_ms // 4)),
        draw(st.integers(0, FULL_SCALE // 4)),
        draw(st.integers(0, travel_ms)),
    ]
    wanted = st.one_of(st.just(0), st.just(FULL_SCALE), st.integers(-FULL_SCALE, 2 * FULL_SCALE))
    step = st.tuples(st.just("u"), wanted, dts()).map(list)
    return {
        "block": "three_point",
        "config": {"args": args},
        "steps": draw(st.lists(step, min_size=1, max_size=80)),
    }


def any_spec():
    return st.one_of(
        pid_specs(),
        cascade_specs(),
        split_specs(),
        two_position_specs(),
        slow_pwm_specs(),
        three_point_specs(),
        climate_specs(),
    )


def maybe(strategy):
    return st.one_of(st.none(), strategy, strategy, strategy)


@st.composite
def climate_specs(draw):
    options = {
        "vents": draw(st.booleans()),
        "fan_coils": draw(st.booleans()),
        "screen": draw(st.booleans()),
        "reverse": draw(st.booleans()),
        "fog": draw(st.booleans()),
    }
    start_ms = draw(st.integers(0, 86_400_000 - 1))
    dt_ms = draw(st.sampled_from([1000, 10000, 60000]))
    steps = []
    air_c = draw(st.integers(0, 40 * MILLI))
    for k in range(draw(st.integers(1, 80))):
        air_c = max(-20 * MILLI, min(60 * MILLI, air_c + draw(st.integers(-800, 800))))
        steps.append(
            [
                "u",
                (start_ms + k * dt_ms) % 86_400_000,
                dt_ms,
                draw(maybe(st.just(air_c))),
                draw(maybe(st.integers(20 * MILLI, 100 * MILLI))),
                draw(maybe(st.integers(10 * MILLI, 60 * MILLI))),
                draw(maybe(st.integers(0, 1200))),
                draw(maybe(st.integers(-25 * MILLI, 40 * MILLI))),
                draw(st.booleans()),
                draw(st.booleans()),
            ]
        )
    crop = draw(st.sampled_from(["rose", "tomato"]))
    return {"block": "climate", "config": {"crop": crop, "options": options}, "steps": steps}

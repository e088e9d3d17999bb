"""The fixed-point helpers are exact (floor rounding) over their documented domains."""

from hypothesis import given
from hypothesis import strategies as st

from bounded_int import BoundedInt
from core.fixed import GAIN_U_MAX, MICRO, MULDIV_MAX, SIGNAL_MAX, Accumulator, div_micro, mul_micro, muldiv

signal = st.integers(-SIGNAL_MAX, SIGNAL_MAX)


@given(signal, st.integers(0, MICRO), st.integers(1, MICRO))
def test_muldiv_is_floor_of_exact_product_or_saturates(a, b, c):
    exact = a * b // c
    got = muldiv(BoundedInt(a), BoundedInt(b), BoundedInt(c))
    if abs(exact) <= MULDIV_MAX:
        assert got == exact
    else:
        assert got == (MULDIV_MAX if exact > 0 else -MULDIV_MAX)


@given(st.integers(0, SIGNAL_MAX), st.integers(1, MICRO))
def test_div_micro(num, den):
    assert div_micro(num, den) == min(num * MICRO // den, MULDIV_MAX)


@given(signal, st.integers(0, GAIN_U_MAX))
def test_mul_micro_is_floor_of_exact_product(x, gain_u):
    assert mul_micro(BoundedInt(x), BoundedInt(gain_u)) == x * gain_u // MICRO


@given(
    st.lists(st.tuples(signal, st.one_of(st.integers(0, MICRO), st.integers(0, GAIN_U_MAX))), max_size=200)
)
def test_accumulator_loses_nothing(increments):
    acc = Accumulator()
    exact_u = 0
    for x, gain_u in increments:
        if abs(acc.value) > SIGNAL_MAX:
            acc.reset(0)  # the owner (a PID) keeps the value in range
            exact_u = 0
        acc.add_product(BoundedInt(x), BoundedInt(gain_u))
        exact_u += x * gain_u
        # value + frac_u / 1e6 is exactly the sum of all products.
        assert int(acc.value) * MICRO + int(acc.frac_u) == exact_u
        assert 0 <= acc.frac_u < MICRO


def test_accumulator_integrates_increments_far_below_one_count():
    # 0.3 counts per step: a rounding integrator would never move.
    acc = Accumulator()
    for _ in range(1000):
        acc.add_product(1, 300000)
    assert acc.value == 300

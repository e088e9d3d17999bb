"""The fertigation mixer (host_sim/mixer.py): EC linear in the A+B dose, acid
lowers the pH along the bicarbonate buffer, nothing moves without flow, and
the mixing lag is tens of seconds."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import host_sim  # noqa: F401
from host_sim.mixer import (
    Mixer,
    acid_for_ph_mmol_l,
    ph_after_acid,
    total_carbonate_mmol_l,
)

FLOW_L_MIN = 166.7  # a 1,250 m2 group at 4 drippers of 2 L/h per m2


def mine_water_mixer(**changes):
    figures = dict(
        raw_ec_ms_cm=1.2, raw_ph=7.8, raw_alkalinity_mmol_l=5.0, stock_ec_per_ml_l=0.1,
        dose_pump_l_h=80.0, acid_pump_l_h=40.0, acid_mol_l=2.0, mixing_l=80.0,
    )  # fmt: skip
    figures.update(changes)
    return Mixer(**figures)


def settle(mixer, flow_l_min, a, b, acid, minutes=10.0):
    for _ in range(int(minutes * 6)):
        mixer.step(flow_l_min, a, b, acid, 10.0)
    return mixer


def test_ec_rises_linearly_with_the_a_and_b_dose():
    ecs = [settle(mine_water_mixer(), FLOW_L_MIN, pct, pct, 0.0).ec_ms_cm for pct in (0.0, 20.0, 40.0, 80.0)]
    assert ecs[0] == pytest.approx(1.2, abs=1e-4)
    # 40 % of two 80 L/h pumps is 64 L/h of stock into 10,000 L/h: 6.4 mL/L, +0.64 mS/cm.
    rise_per_pct = (ecs[2] - ecs[0]) / 40.0
    assert rise_per_pct * 40.0 == pytest.approx(0.1 * 2 * 0.4 * 80.0 / (FLOW_L_MIN * 60.0 / 1000.0), rel=1e-3)
    for pct, ec in zip((20.0, 80.0), (ecs[1], ecs[3]), strict=True):
        assert ec - ecs[0] == pytest.approx(rise_per_pct * pct, rel=1e-6)
    # Half the flow, the same dose: twice the rise.
    half = settle(mine_water_mixer(), FLOW_L_MIN / 2, 40.0, 40.0, 0.0).ec_ms_cm
    assert half - ecs[0] == pytest.approx(2 * (ecs[2] - ecs[0]), rel=1e-6)


def test_the_raw_water_keeps_its_ph_and_acid_brings_it_down_along_the_bicarbonate_buffer():
    carbonate = total_carbonate_mmol_l(5.0, 7.8)
    assert ph_after_acid(5.0, carbonate, 0.0) == pytest.approx(7.8, abs=1e-9)
    # While bicarbonate is left: Henderson-Hasselbalch, pH = 6.35 + log10(HCO3 / CO2).
    co2 = carbonate - 5.0
    for acid in (1.0, 2.5, 3.9, 4.5):
        expected = 6.35 + math.log10((5.0 - acid) / (co2 + acid))
        assert ph_after_acid(5.0, carbonate, acid) == pytest.approx(expected, abs=0.01)
    assert ph_after_acid(5.0, carbonate, 3.9) == pytest.approx(5.8, abs=0.05)  # the textbook dose for pH 5.8
    # Past the equivalence point the excess strong acid sets the pH, with no jump at it.
    assert ph_after_acid(5.0, carbonate, 6.0) == pytest.approx(3.0, abs=0.02)
    at = ph_after_acid(5.0, carbonate, 5.0)
    assert (
        ph_after_acid(5.0, carbonate, 4.999) - at < 0.01 and at - ph_after_acid(5.0, carbonate, 5.001) < 0.01
    )
    assert acid_for_ph_mmol_l(5.0, carbonate, 5.8) == pytest.approx(3.9, abs=0.05)


@given(
    alkalinity=st.floats(0.0, 15.0),
    raw_ph=st.floats(6.0, 8.3),
    acids=st.lists(st.floats(0.0, 30.0), min_size=2, max_size=6),
)
def test_more_acid_never_raises_the_ph(alkalinity, raw_ph, acids):
    carbonate = total_carbonate_mmol_l(alkalinity, raw_ph)
    phs = [ph_after_acid(alkalinity, carbonate, acid) for acid in sorted(acids)]
    assert all(later <= earlier + 1e-9 for earlier, later in zip(phs, phs[1:], strict=False))
    assert all(1.0 < ph <= raw_ph + 1e-9 for ph in phs)
    target = 5.8
    if target < raw_ph:  # the acid for a pH gives that pH
        needed = acid_for_ph_mmol_l(alkalinity, carbonate, target)
        assert ph_after_acid(alkalinity, carbonate, needed) == pytest.approx(target, abs=1e-6)


def test_the_mixer_doses_acid_to_the_ph_the_chemistry_says():
    mixer = settle(mine_water_mixer(), FLOW_L_MIN, 0.0, 0.0, 50.0)
    # 50 % of 40 L/h of 2 mol/L acid into 10,000 L/h: 4 mmol/L.
    acid_mmol_l = 0.5 * 40.0 * 2.0 * 1000.0 / (FLOW_L_MIN * 60.0)
    assert mixer.ph == pytest.approx(ph_after_acid(5.0, mixer.carbonate_mmol_l, acid_mmol_l), abs=1e-4)
    assert 5.0 < mixer.ph < 6.0
    flooded = settle(mine_water_mixer(), FLOW_L_MIN, 0.0, 0.0, 100.0)  # 8 mmol/L: 3 past the bicarbonate
    assert flooded.ph == pytest.approx(2.52, abs=0.05)
    assert flooded.ec_ms_cm > 1.2 + 0.35 * 2.5  # free H+ conducts


def test_no_flow_no_mixing_the_sensors_read_the_standing_water():
    mixer = settle(mine_water_mixer(), FLOW_L_MIN, 40.0, 40.0, 50.0)
    standing = (mixer.ec_ms_cm, mixer.ph, mixer.ec1, mixer.acid1)
    settle(mixer, 0.0, 0.0, 0.0, 0.0, minutes=60.0)
    assert (mixer.ec_ms_cm, mixer.ph, mixer.ec1, mixer.acid1) == standing
    # Dosing into standing water: the sensors see nothing yet, the first tank fills with stock ...
    settle(mixer, 0.0, 100.0, 100.0, 100.0, minutes=1.0)
    assert (mixer.ec_ms_cm, mixer.ph) == standing[:2]
    assert mixer.ec1 > standing[2] + 5.0 and mixer.acid1 > standing[3] + 10.0
    # ... and the slug reaches them when the water runs again.
    peak_ec, low_ph = 0.0, 14.0
    for _ in range(12):
        mixer.step(FLOW_L_MIN, 40.0, 40.0, 50.0, 5.0)
        peak_ec, low_ph = max(peak_ec, mixer.ec_ms_cm), min(low_ph, mixer.ph)
    assert peak_ec > 4.0 and low_ph < 4.5


def test_the_dose_reaches_the_sensors_within_tens_of_seconds():
    mixer = mine_water_mixer()
    target = settle(mine_water_mixer(), FLOW_L_MIN, 40.0, 40.0, 0.0).ec_ms_cm
    t_s, half_s, ninety_s = 0.0, None, None
    while ninety_s is None:
        mixer.step(FLOW_L_MIN, 40.0, 40.0, 0.0, 1.0)
        t_s += 1.0
        done = (mixer.ec_ms_cm - 1.2) / (target - 1.2)
        if half_s is None and done >= 0.5:
            half_s = t_s
        if done >= 0.9:
            ninety_s = t_s
    # Two tanks of 40 L at 2.8 L/s: 14 s each; half way at ~24 s, 90 % at ~56 s.
    assert 15.0 <= half_s <= 35.0 and 40.0 <= ninety_s <= 80.0


@given(
    st.lists(
        st.tuples(
            st.sampled_from([0.0, 50.0, 166.7, 400.0]),
            st.floats(0.0, 100.0),
            st.floats(0.0, 100.0),
            st.floats(1.0, 60.0),
        ),
        min_size=1,
        max_size=50,
    )  # fmt: skip
)
def test_the_mixer_loses_no_salt(steps):
    """Raw water's salts + the stock's = what the mixer holds more + what went to the crop."""
    mixer = mine_water_mixer()
    held0 = (mixer.ec1 + mixer.ec2) * mixer.stage_l
    for flow, a, b, dt_s in steps:
        mixer.step(flow, a, b, 0.0, dt_s)
    held = (mixer.ec1 + mixer.ec2) * mixer.stage_l
    salt_in = mixer.raw_ec_ms_cm * mixer.water_l + mixer.salt_dosed
    assert salt_in == pytest.approx(held - held0 + mixer.salt_out, rel=1e-9, abs=1e-9)

"""The core's integer VPD (core/vapour.py) against psychrolib, and the same
figures under the MicroPython unix port."""

import json

import psychrolib
import pytest

from core.vapour import SAT_PA, TABLE_MAX_C, TABLE_MIN_C, sat_pa, vpd_pa
from micropython_runner import run_script

psychrolib.SetUnitSystem(psychrolib.SI)


def test_the_table_is_psychrolib_at_whole_degrees():
    for index, pa in enumerate(SAT_PA):
        assert pa == round(psychrolib.GetSatVapPres(TABLE_MIN_C / 1000 + index))


@pytest.mark.parametrize("air_c", [x / 10 for x in range(-100, 601, 7)])
def test_interpolation_is_within_a_tenth_of_a_percent(air_c):
    exact = psychrolib.GetSatVapPres(air_c)
    assert sat_pa(round(air_c * 1000)) == pytest.approx(exact, rel=1e-3, abs=1.0)


def test_vpd_and_its_clamps():
    assert vpd_pa(20000, 50000) == sat_pa(20000) // 2
    assert vpd_pa(20000, 100000) == 0 and vpd_pa(20000, 120000) == 0  # RH over 100 % reads as 100
    assert vpd_pa(20000, -5000) == sat_pa(20000)
    assert sat_pa(TABLE_MIN_C - 30000) == SAT_PA[0] and sat_pa(TABLE_MAX_C + 1) == SAT_PA[-1]


def test_micropython_gives_the_same_figures(tmp_path):
    points = [[t, rh] for t in range(-12000, 62001, 3377) for rh in (0, 33333, 85000, 100000)]
    script = tmp_path / "vpd.py"
    script.write_text(
        "import json\nfrom core.vapour import vpd_pa, sat_pa\n"
        f"print(json.dumps([[sat_pa(t), vpd_pa(t, rh)] for t, rh in {points!r}]))\n"
    )
    expected = [[sat_pa(t), vpd_pa(t, rh)] for t, rh in points]
    assert json.loads(run_script(script)) == expected

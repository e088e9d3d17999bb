# Vapour pressure deficit in integers, for the humidity control.
#
# VPD = saturation vapour pressure at the air temperature x (1 - RH).  The
# saturation pressure comes from a table at whole degrees (psychrolib's
# ASHRAE formula over water, rounded to 1 Pa; tests/test_vapour.py checks it
# against psychrolib), interpolated linearly: under 0.1 % off between the
# points, no float and no allocation.

from core.fixed import clamp, const, muldiv

TABLE_MIN_C = const(-10000)
TABLE_MAX_C = const(60000)
_DEGREE = const(1000)
# Pa at -10, -9, ... 60 degC.
SAT_PA: tuple[int, ...] = (
    260, 284, 310, 338, 369, 402, 437, 476, 518, 563,
    611, 657, 706, 758, 813, 872, 935, 1002, 1073, 1148,
    1228, 1313, 1403, 1498, 1599, 1705, 1818, 1938, 2064, 2198,
    2339, 2488, 2645, 2810, 2985, 3169, 3363, 3567, 3782, 4008,
    4246, 4496, 4759, 5034, 5324, 5628, 5947, 6281, 6631, 6999,
    7383, 7786, 8208, 8649, 9111, 9593, 10098, 10625, 11175, 11750,
    12350, 12976, 13629, 14310, 15020, 15760, 16530, 17333, 18169, 19039,
    19944,
)  # fmt: skip
RH_FULL = const(100000)  # 100 % in milli-percent


def sat_pa(air_c: int) -> int:
    """Saturation vapour pressure, Pa, at air_c (milli-degC; clamped to -10..60 degC)."""
    offset = clamp(air_c, TABLE_MIN_C, TABLE_MAX_C) - TABLE_MIN_C
    index = offset // _DEGREE
    if index >= len(SAT_PA) - 1:
        return SAT_PA[-1]
    low = SAT_PA[index]
    return low + (SAT_PA[index + 1] - low) * (offset - index * _DEGREE) // _DEGREE


def vpd_pa(air_c: int, rh_pct: int) -> int:
    """Vapour pressure deficit, Pa (= milli-kPa, the crop profile's scale),
    from air_c in milli-degC and rh_pct in milli-percent (clamped to 0..100 %)."""
    return deficit_pa(sat_pa(air_c), rh_pct)


def deficit_pa(sat: int, rh_pct: int) -> int:
    """The deficit from a saturation pressure the caller already has."""
    return muldiv(sat, RH_FULL - clamp(rh_pct, 0, RH_FULL), RH_FULL)

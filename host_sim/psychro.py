"""Psychrometrics for the plant model, from psychrolib (ASHRAE Handbook formulas).

The plant needs saturation vapour pressure several times a step, so it reads
a table built once from psychrolib (0.02 K steps, linear interpolation; the
tests hold it to psychrolib within 0.01 %) instead of calling psychrolib in
the hot loop."""

import psychrolib

psychrolib.SetUnitSystem(psychrolib.SI)

WATER_VAPOUR_GAS_CONSTANT_J_KGK = 461.5  # R / M_w
KELVIN = 273.15
LATENT_HEAT_J_KG = 2.45e6  # vaporisation near 20 degC
AIR_DENSITY_KG_M3 = 1.2
AIR_HEAT_CAPACITY_J_KGK = 1006.0
AIR_VOLUMETRIC_HEAT_J_M3K = AIR_DENSITY_KG_M3 * AIR_HEAT_CAPACITY_J_KGK

_TABLE_MIN_C = -60.0
_TABLE_MAX_C = 100.0
_TABLE_STEP_C = 0.02
_TABLE_PA: list[float] = [
    psychrolib.GetSatVapPres(_TABLE_MIN_C + i * _TABLE_STEP_C)
    for i in range(int((_TABLE_MAX_C - _TABLE_MIN_C) / _TABLE_STEP_C) + 2)
]


# The same table as arrays, for vectorised use (numpy.interp).
SAT_TABLE_C = [_TABLE_MIN_C + i * _TABLE_STEP_C for i in range(len(_TABLE_PA))]
SAT_TABLE_PA = _TABLE_PA


def sat_vap_pres_pa(temp_c: float) -> float:
    """Saturation vapour pressure over water/ice, Pa (psychrolib, tabulated)."""
    position = (min(max(temp_c, _TABLE_MIN_C), _TABLE_MAX_C) - _TABLE_MIN_C) / _TABLE_STEP_C
    index = int(position)
    low = _TABLE_PA[index]
    return low + (_TABLE_PA[index + 1] - low) * (position - index)


def vapour_conc_kg_m3(vap_pres_pa: float, temp_c: float) -> float:
    """Water vapour density from its partial pressure (ideal gas)."""
    return vap_pres_pa / (WATER_VAPOUR_GAS_CONSTANT_J_KGK * (temp_c + KELVIN))


def sat_vapour_conc_kg_m3(temp_c: float) -> float:
    return vapour_conc_kg_m3(sat_vap_pres_pa(temp_c), temp_c)


def rel_hum_pct(vapour_kg_m3, temp_c):
    vap_pres_pa = vapour_kg_m3 * WATER_VAPOUR_GAS_CONSTANT_J_KGK * (temp_c + KELVIN)
    return 100.0 * vap_pres_pa / sat_vap_pres_pa(temp_c)


def vpd_kpa(temp_c, rh_pct):
    """Vapour pressure deficit of air, kPa."""
    return sat_vap_pres_pa(temp_c) * (1.0 - rh_pct / 100.0) / 1000.0


def dew_point_c(temp_c, rh_pct):
    return psychrolib.GetTDewPointFromRelHum(temp_c, min(max(rh_pct, 1.0), 100.0) / 100.0)

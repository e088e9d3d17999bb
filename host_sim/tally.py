"""The climate metrics of a run, added up tick by tick on the true plant
state (a module of its own so that tools/build_native.py compiles it with the
hot path).  The crop's band: the air is in band between the heating and the
ventilation setpoint, and its error is how far it is outside."""

from core.climate import heating_setpoint
from core.fixed import MILLI
from host_sim.plant import Greenhouse

IN_BAND_K = 1.0


class Tally:
    def __init__(self, profile: dict) -> None:
        self.profile = profile
        self.vpd_min_kpa: float = profile["vpd_min_kpa"] / MILLI
        self.vpd_max_kpa: float = profile["vpd_max_kpa"] / MILLI
        self.air_min_c: float = profile["air_min_c"] / MILLI
        self.air_max_c: float = profile["air_max_c"] / MILLI
        self.vent_offset_k: float = profile["vent_offset_k"] / MILLI
        self.iae_kh = 0.0
        self.in_band_s = 0.0
        self.max_over_k = 0.0
        self.vpd_band_s = 0.0
        self.frost_s = 0.0
        self.overheat_s = 0.0
        # The last tick's figures, for the series.
        self.heat_sp_c = 0.0
        self.vent_sp_c = 0.0
        self.rh_pct = 0.0
        self.vpd_kpa = 0.0

    def add(
        self, plant: Greenhouse, time_of_day_ms: int, day_start_ms: int, day_end_ms: int, dt_s: float
    ) -> None:
        air_c = plant.air_c
        heat_sp_c = heating_setpoint(self.profile, time_of_day_ms, day_start_ms, day_end_ms) / MILLI
        vent_sp_c = heat_sp_c + self.vent_offset_k
        deviation_k = heat_sp_c - air_c if air_c < heat_sp_c else max(0.0, air_c - vent_sp_c)
        self.iae_kh += deviation_k * dt_s / 3600.0
        if deviation_k <= IN_BAND_K:
            self.in_band_s += dt_s
        if air_c - vent_sp_c > self.max_over_k:
            self.max_over_k = air_c - vent_sp_c
        rh_pct = min(plant.rh_pct, 100.0)
        vpd_kpa = plant.air_sat_pa * (1.0 - rh_pct / 100.0) / 1000.0
        if self.vpd_min_kpa <= vpd_kpa <= self.vpd_max_kpa:
            self.vpd_band_s += dt_s
        if air_c < self.air_min_c:
            self.frost_s += dt_s
        elif air_c > self.air_max_c:
            self.overheat_s += dt_s
        self.heat_sp_c = heat_sp_c
        self.vent_sp_c = vent_sp_c
        self.rh_pct = rh_pct
        self.vpd_kpa = vpd_kpa

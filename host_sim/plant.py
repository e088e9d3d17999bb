"""Lumped greenhouse model per m2 of floor: air, thermal mass, heating water,
vapour, a mine-water heat pump, free cooling through fan-coils, vents and a
screen (or a solar greenhouse's night quilt).

States: air temperature, thermal mass temperature (floor, soil and structure;
in a Chinese solar greenhouse the floor and top soil), heating-circuit water
temperature, air vapour concentration; and in a Chinese solar greenhouse the
north wall in two layers: a thin sunlit surface layer that trades heat with
the air within the hour, and the storage layer behind it that takes the
day's heat in through the surface and gives it back at night (Venlo houses
have no wall: wall_area_to_floor = 0 leaves their figures exactly as they
were).  The sun let in is split between the wall surface, the floor and the
air with the canopy.  Explicit Euler at steps of at most MAX_STEP_S, short
against the fastest time constant (the air with the vents fully open, about
100 s; the wall's surface layer takes ~1.2 h).  Every heat flow is booked in
`energy` so that the balance can be checked: heat in - heat out = change in
stored heat.

Parameter sources: Vanthoor (2011), "A model-based greenhouse design method"
(PhD thesis, Wageningen) and the GreenLight model (Katzin et al. 2020) for the
Venlo house; Baille et al. (1994) for transpiration; for Chinese solar
greenhouses the house's geometry and published CSG measurements (wall heat
flux, wall and air temperatures, soil temperatures, transpiration; listed in
params_for) with Tong, Christopher, Li & Wang (2013) for the layout;
manufacturer data (screens, quilts, heat pumps, fan-coils) where said.  Round
engineering values: this model is for designing control, not for predicting
yield.
"""

import math
from dataclasses import dataclass

from host_sim.actuators import HeatPump, Valve
from host_sim.psychro import (
    AIR_VOLUMETRIC_HEAT_J_M3K,
    KELVIN,
    LATENT_HEAT_J_KG,
    WATER_VAPOUR_GAS_CONSTANT_J_KGK,
    sat_vap_pres_pa,
    sat_vapour_conc_kg_m3,
    vapour_conc_kg_m3,
)

MAX_STEP_S = 10.0
WATER_HEAT_J_KGK = 4186.0
GRAVITY_M_S2 = 9.81
CANOPY_EXTINCTION = 0.7  # Beer's law k for global radiation in a crop canopy


@dataclass
class PlantParams:
    # Cover and structure
    cover_u_w_m2k: float = 6.0  # scenario; single glass ~6, PE film ~6.5 (Vanthoor 2011 tab. 8.1)
    cover_to_floor: float = 1.25  # cover area / floor area, Venlo (Vanthoor 2011: 1.2-1.3)
    opaque_loss_w_m2k: float = 0.0  # solar greenhouse north wall and back roof, per m2 floor
    transmission: float = 0.65  # global radiation into the house, glass and structure (Vanthoor: 0.6-0.7)
    tilt_gain: float = 1.0  # radiation on the cover / global horizontal (a south-facing roof gains in winter)
    height_m: float = 5.0  # mean air height (scenario)
    quick_mass_j_m2k: float = 8000.0  # canopy (1.2 kJ/m2K per LAI, Vanthoor) and light structures
    mass_j_m2k: float = 120000.0  # floor, top soil and structure that exchange within hours
    mass_w_m2k: float = 6.0  # air <-> mass, convection and radiation (Vanthoor floor/structure h)
    soil_w_m2k: float = 1.0  # mass <-> deep soil
    deep_soil_c: float = 12.0  # the deep soil's temperature (about the year's mean)
    solar_to_mass: float = 0.35  # share of transmitted radiation absorbed by floor and structure
    # A solar greenhouse's north wall (none in a Venlo house): per m2 of wall,
    # a surface layer on the sunlit side and the storage layer behind it.
    wall_area_to_floor: float = 0.0  # inner north wall area / floor area; 0: no wall
    solar_to_wall: float = 0.0  # share of transmitted radiation absorbed by the wall surface
    wall_surface_j_m2k: float = 0.0  # surface layer, per m2 wall
    wall_core_j_m2k: float = 0.0  # storage layer behind it, per m2 wall
    wall_air_w_m2k: float = 0.0  # surface <-> air: convection and long-wave, per m2 wall
    wall_conduction_w_m2k: float = 0.0  # surface <-> storage layer, per m2 wall
    wall_out_w_m2k: float = 0.0  # storage layer -> outside through the insulation, per m2 wall
    # Screen or quilt
    screen_energy_saving: float = 0.45  # cover loss cut when closed (energy screens 40-50 %, maker data)
    # Leakage cut when closed: about half a Venlo house's leakage is through the
    # roof, which a closed screen separates from the crop (Vanthoor 2011: roof
    # leakage leaves from the compartment above the screen).
    screen_leakage_cut: float = 0.5
    screen_light_loss: float = 0.2  # radiation cut when closed (energy screens transmit ~80 %)
    screen_travel_s: float = 180.0
    # Ventilation (de Jong 1990 as used by Vanthoor 2011)
    leakage_ach: float = 0.3  # air changes per hour with no wind
    leakage_ach_per_m_s: float = 0.1  # more per m/s of wind
    vent_area_to_floor: float = 0.2  # roof vent opening area / floor area, Venlo
    vent_discharge: float = 0.65  # C_d
    vent_wind_coeff: float = 0.09  # C_w
    vent_stack_height_m: float = 0.8  # vertical opening height for the stack effect
    vent_travel_s: float = 150.0
    # Crop transpiration, Baille et al. (1994): lE = a (1 - exp(-k LAI)) R + b VPD
    lai: float = 3.0
    transp_radiation: float = 0.3  # a, within the reported 0.2-0.6
    transp_vpd_w_m2kpa: float = 35.0  # b for LAI 3, within the reported range
    # Stomata open with light, Stanghellini (1987): conductance relative to its
    # maximum = (R + 0.54) / (R + 4.3), R the radiation reaching the crop in
    # W/m2: 0.13 in the dark, 0.73 at 10 W/m2, 0.93 at 50 W/m2; no step at dawn.
    stomata_dark_w_m2: float = 0.54
    stomata_half_w_m2: float = 4.3
    # Condensation on the cover: inside film coefficient and Lewis analogy
    cover_inside_w_m2k: float = 7.5
    # Heating circuit
    emitter_w_m2k: float = 10.0  # pipe rail and fan-coils, water mean to air (low-temperature design)
    water_l_m2: float = 4.0  # circuit water volume per m2 floor
    mix_flow_w_m2k: float = 40.0  # primary injection through the fully open mixing valve
    heat_valve_travel_s: float = 120.0  # actuator data: 90-150 s
    valve_deadband: float = 0.005
    valve_backlash: float = 0.01
    # Heat pump and mine water (scenario sets capacity and temperatures)
    heat_pump_w_m2: float = 150.0
    supply_max_c: float = 50.0  # heat pump leaving water, also the circuit's limit
    mine_water_c: float = 15.0
    evaporator_approach_k: float = 5.0  # mine water -> refrigerant through the plate exchanger
    source_design_drop_k: float = 5.0  # mine water cooled this much at full heat-pump load (pump sizing)
    condenser_approach_k: float = 3.0
    carnot_fraction: float = 0.5  # real/Carnot COP: 0.45-0.55 for water-to-water units (maker data)
    hp_min_run_s: float = 600.0
    hp_min_off_s: float = 300.0
    # Cooling
    fan_coil_w_m2: float = 0.0  # capacity at fan_coil_design_k
    fan_coil_design_k: float = 10.0  # air - chilled water at rated capacity
    free_cooling_approach_k: float = 2.0  # mine water -> fan-coil water through the exchanger
    reverse_chilled_c: float = 7.0  # heat pump in reverse, where fitted
    heat_pump_reverse: bool = False
    cool_valve_travel_s: float = 60.0
    # High-pressure fog (70 bar, ~10 um droplets): evaporates in the air while
    # it is below ~90 % RH, less above (Abdel-Ghany & Kozai 2006; maker data).
    # Mine water is hard and saline: a fog line needs reverse-osmosis water.
    fog_l_m2h: float = 0.0  # capacity per m2 floor at full output (scenario); 0: none
    fog_full_evaporation_rh: float = 0.9
    fog_pump_wh_per_l: float = 4.0  # 70 bar at ~50 % pump efficiency
    # Electric auxiliaries (maker data, per m2 floor)
    circulation_pump_w_m2: float = 0.3
    mine_pump_w_m2: float = 0.4
    fan_coil_fans_w_m2: float = 0.6


def params_for(scenario):
    """PlantParams for a scenario's greenhouse, heating and cooling."""
    house = scenario.greenhouse
    area = house.area_m2
    common = {
        "cover_u_w_m2k": house.cover_u_w_m2k,
        "height_m": house.height_m,
        "heat_pump_w_m2": scenario.heating.heat_pump_kw * 1000.0 / area,
        "supply_max_c": scenario.heating.supply_max_c,
        "mine_water_c": scenario.heating.mine_water_c,
        "fan_coil_w_m2": scenario.cooling.fan_coil_kw * 1000.0 / area,
        "heat_pump_reverse": scenario.cooling.heat_pump_reverse,
        "fog_l_m2h": scenario.cooling.fog_l_m2h,
    }
    if not house.screen:
        common["screen_energy_saving"] = 0.0
        common["screen_leakage_cut"] = 0.0
        common["screen_light_loss"] = 0.0
    if not house.vents:
        common["vent_area_to_floor"] = 0.0
    if house.type == "solar":
        # Chinese solar greenhouse (CSG): film south roof, heavy north wall,
        # night quilt; a 7.5 m span, ridge ~4.5 m at ~6.2 m from the front
        # foot, a ~3.3 m north wall, as at Pingshuo.  Calibrated on a clear
        # January week at Pingshuo with no heating and the vents shut, against
        # published CSG measurements:
        # - air at dawn ~24 K above the outside (here 8-11 degC at -16 degC):
        #   the CSG design rule is 20-25 K between the inside and outside
        #   minima on the coldest clear days (Chinese extension literature),
        #   Liaoning/Shenyang houses keep 8-12 degC;
        # - after the quilt is rolled up the air dips ~1 K, then rises
        #   4-7 K/h (Aksu, Xinjiang: 3.6-4.8 K/h, Agriculture 2023, 13, 306;
        #   Henan: 6.5 K/h, Wang Q. et al. 2013, Chin. J. Agrometeorol.
        #   34(1):37), to ~25 degC at 13:00 on clear days (unvented; growers
        #   vent at 28-30 degC);
        # - the wall surface well above the air at noon (Wang Q. et al. 2013:
        #   41.8 degC wall surface, 35.5 degC air) and the day's swing only in
        #   the first ~0.15 m of the wall (Yang Y., Li Y. et al. 2017, Shanxi);
        # - the wall gives back ~1.8 MJ per m2 of wall a clear night, ~30 W/m2
        #   (Peng D. et al. 2014, Chin. J. Agrometeorol. 35(2):168, Shouguang:
        #   2657 kJ/m2 stored by day, 1865 kJ/m2 released by night).
        solar = {
            # Curved south roof: ~8.1 m of film over the 7.5 m span.
            "cover_to_floor": 1.1,
            # Back roof and gables (~0.3 m2 per m2 floor at U ~0.5) and the
            # front foot's edge to frozen ground; the north wall's own loss
            # leaves from its storage layer (wall_out_w_m2k).
            "opaque_loss_w_m2k": 0.3,
            "transmission": 0.7,  # PO film with dust, condensate, frame and the rolled quilt's shade
            # The tilted south roof takes in the low winter beam: per m2 floor
            # its aperture is (6.2 sin e + 4.5 cos e) / 7.5, 1.9x the
            # horizontal at noon (e = 29 deg, mid-January at 39.5 N) and more
            # in the morning and afternoon; diffuse ~1x; clear days ~80 % beam.
            "tilt_gain": 1.8,
            # The transmitted sun: the wall surface above the crop (~2 m of it
            # sunlit by the 29 deg noon sun), the floor between the rows, and
            # the canopy (LAI ~3, 1.8 m tall) for the rest; the canopy's share
            # heats the air and drives transpiration (43.5 % of the net
            # radiation over a CSG tomato crop in December turns latent: Luo,
            # Tong et al. 2019, Shenyang; here ~40 % at noon).
            "solar_to_wall": 0.25,
            "solar_to_mass": 0.15,
            # The floor: top soil (0.05 m at 2.0 MJ/m3K) exchanging with the air
            # by convection and long-wave (Vanthoor's floor h), and with the
            # soil below (k ~1.2 W/mK over 0.4 m), which stays ~13 degC in late
            # January (CSG soil at 10-25 cm: 12.2-13.0 degC, extension data).
            "mass_j_m2k": 100000.0,
            "mass_w_m2k": 8.0,
            "soil_w_m2k": 3.0,
            "deep_soil_c": 13.0,
            # North wall, per m2 of wall: brick or rammed earth, rho*c ~1.6 MJ/m3K,
            # k ~0.8 W/mK.  The day's heat wave swings >5 K in the first 0.15 m
            # (heat-exchange layer), 2-5 K at 0.15-0.25 m and <2 K beyond
            # (Yang, Li et al. 2017, three CSG walls at Jinzhong, Shanxi).
            "wall_area_to_floor": 0.45,  # ~3.3 m wall over a 7.5 m span
            "wall_surface_j_m2k": 64000.0,  # the sunlit 0.04 m
            "wall_core_j_m2k": 400000.0,  # 0.04-0.3 m: the storage layer
            "wall_air_w_m2k": 9.0,  # natural convection ~4 plus long-wave to crop and film ~5
            "wall_conduction_w_m2k": 5.5,  # k / 0.145 m between the layers' centres
            "wall_out_w_m2k": 0.4,  # through the outer insulation (EPS board or thick earth)
            # A tight film house: in the cold north the CSG runs its winter
            # nearly unvented, inside air ~still (Luo X., Tong G. et al. 2019,
            # Shenyang); film seams, end-wall door and the quilt's edges.
            "leakage_ach": 0.3,
            "leakage_ach_per_m_s": 0.1,
            "vent_area_to_floor": 0.06 if house.vents else 0.0,  # top and bottom vent strips
            "vent_stack_height_m": 2.0,
        }
        if house.screen:
            # Quilt over the film: ~3-4 cm of needle felt or cotton (k ~0.04
            # W/mK) in a waterproof skin, R ~0.9, with the film, the air gap and
            # the two surfaces U ~0.65 W/m2K against the bare film's 6.5.  A
            # 1000 g/m2 felt quilt keeps the night minimum ~19 K above the
            # outside (maker data), the design rule 20-25 K (see above).
            solar["screen_energy_saving"] = 0.9
            solar["screen_leakage_cut"] = 0.5  # it covers the film's seams and takes the wind off the roof
            solar["screen_light_loss"] = 1.0  # opaque
            solar["screen_travel_s"] = 300.0
        common.update(solar)
    return PlantParams(**common)


class Energy:
    """Running totals, J per m2 floor."""

    def __init__(self):
        self.solar_j = 0.0  # absorbed inside: air, floor and wall
        self.heat_pump_j = 0.0  # into the heating water through the mixing valve
        self.cover_j = 0.0  # out through cover and walls
        self.ventilation_j = 0.0  # out with leakage and vent air
        self.soil_j = 0.0  # out to deep soil
        self.transpiration_j = 0.0  # sensible heat turned latent by the crop
        self.cooling_sensible_j = 0.0  # out through the fan-coils
        self.cooling_latent_j = 0.0  # condensate on the fan-coils (not part of the sensible balance)
        self.hp_elec_j = 0.0
        self.aux_elec_j = 0.0
        self.hp_cooling_j = 0.0  # cold from the heat pump in reverse
        self.ideal_heat_j = 0.0  # the oracle's heater (Greenhouse.ideal_band)
        self.ideal_cool_j = 0.0
        self.fog_j = 0.0  # sensible heat turned latent by evaporating fog
        self.fog_water_kg = 0.0  # sprayed


class Greenhouse:
    def __init__(
        self,
        params: PlantParams,
        air_c: float = 15.0,
        rh_pct: float = 80.0,
        mass_c: float | None = None,
        deep_soil_c: float | None = None,
    ):
        p = self.params = params
        self.air_c = air_c
        self.mass_c: float = air_c if mass_c is None else mass_c
        # The north wall, where there is one: surface and storage layer start
        # with the floor.  Per m2 floor: capacities and conductances.
        self.wall_c: float = self.mass_c
        self.wall_core_c: float = self.mass_c
        area = p.wall_area_to_floor
        self.has_wall = area > 0.0
        self._wall_j_m2k = area * p.wall_surface_j_m2k
        self._wall_core_j_m2k = area * p.wall_core_j_m2k
        self._wall_air_w_k = area * p.wall_air_w_m2k
        self._wall_conduction_w_k = area * p.wall_conduction_w_m2k
        self._wall_out_w_k = area * p.wall_out_w_m2k
        self.water_c = air_c
        self.vapour_kg_m3 = vapour_conc_kg_m3(sat_vap_pres_pa(air_c) * rh_pct / 100.0, air_c)
        self.deep_soil_c: float = p.deep_soil_c if deep_soil_c is None else deep_soil_c
        self.air_j_m2k = AIR_VOLUMETRIC_HEAT_J_M3K * p.height_m + p.quick_mass_j_m2k
        self.water_j_m2k = p.water_l_m2 * WATER_HEAT_J_KGK
        # Share of radiation the canopy intercepts (Beer's law, k = 0.7) times a.
        self._transp_radiation = p.transp_radiation * (1.0 - math.exp(-CANOPY_EXTINCTION * p.lai))
        self.heat_valve = Valve(p.heat_valve_travel_s, p.valve_deadband, p.valve_backlash)
        self.cool_valve = Valve(p.cool_valve_travel_s, p.valve_deadband, p.valve_backlash)
        self.vent = Valve(p.vent_travel_s, 0.01)
        self.screen = Valve(p.screen_travel_s, 0.01)
        self.heat_pump = HeatPump(p.hp_min_run_s, p.hp_min_off_s)
        self.mine_pump_tripped = False
        self.hp_limit = 1.0
        self._source_w_k = max(p.heat_pump_w_m2 * 0.8 / p.source_design_drop_k, 1e-9)
        self.source_return_c = p.mine_water_c  # the site's power cap: share of the rated output allowed
        self.energy = Energy()
        self._rh_for: tuple[float, float] | None = None
        self._rh = 0.0
        self.air_sat_pa = 0.0
        # (low, high) air temperature held exactly by ideal, unbooked heating
        # and cooling: the oracle that gives the least heat a controller needs.
        self.ideal_band: tuple[float, float] | None = None
        # Last step's flows, W/m2, for sensors and plots.
        self.heat_w_m2 = 0.0
        self.cool_w_m2 = 0.0
        self.elec_w_m2 = 0.0
        self.transpiration_kg_m2s = 0.0
        self.cop = 0.0
        self.fog_pct = 0.0
        self._evaporator_k = p.mine_water_c - p.evaporator_approach_k + KELVIN
        evap_cool_k = p.reverse_chilled_c - p.evaporator_approach_k + KELVIN
        cond_cool_k = p.mine_water_c + p.condenser_approach_k + KELVIN
        self.cooling_cop = p.carnot_fraction * evap_cool_k / (cond_cool_k - evap_cool_k)

    @property
    def rh_pct(self) -> float:
        if self._rh_for != (self.air_c, self.vapour_kg_m3):  # cached: read by sensors and metrics
            self.air_sat_pa = sat_vap_pres_pa(self.air_c)
            vap_pres_pa = self.vapour_kg_m3 * WATER_VAPOUR_GAS_CONSTANT_J_KGK * (self.air_c + KELVIN)
            self._rh = 100.0 * vap_pres_pa / self.air_sat_pa
            self._rh_for = (self.air_c, self.vapour_kg_m3)
        return self._rh

    def stored_heat_j(self):
        stored_j = (
            self.air_j_m2k * self.air_c
            + self.params.mass_j_m2k * self.mass_c
            + self.water_j_m2k * self.water_c
        )
        if self.has_wall:
            stored_j += self._wall_j_m2k * self.wall_c + self._wall_core_j_m2k * self.wall_core_c
        return stored_j

    def step(
        self,
        dt_s: float,
        out_c: float,
        out_vapour_kg_m3: float,
        global_w_m2: float,
        wind_m_s: float,
        commands,
    ) -> None:
        """Advance dt_s (any length: split into steps of MAX_STEP_S)."""
        if dt_s <= MAX_STEP_S:
            self._step(dt_s, out_c, out_vapour_kg_m3, global_w_m2, wind_m_s, commands)
            return
        steps = math.ceil(dt_s / MAX_STEP_S - 1e-9)
        sub_s = dt_s / steps
        for _ in range(steps):
            self._step(sub_s, out_c, out_vapour_kg_m3, global_w_m2, wind_m_s, commands)

    def _step(
        self, dt_s: float, out_c: float, out_vapour: float, global_w_m2: float, wind_m_s: float, cmd
    ) -> None:
        p = self.params
        e = self.energy
        air_c = self.air_c
        # Actuators move first: the command holds over the step.
        heat_valve = self.heat_valve.step(cmd.heat_valve_pct / 100.0, dt_s)
        cool_valve = self.cool_valve.step(cmd.cool_valve_pct / 100.0, dt_s)
        vent = self.vent.step(cmd.vent_pct / 100.0, dt_s)
        screen = self.screen.step(cmd.screen_pct / 100.0, dt_s)
        source_ok = not self.mine_pump_tripped
        hp = self.heat_pump
        hp_on = hp.step(cmd.heat_pump_on, cmd.heat_pump_cooling and p.heat_pump_reverse, source_ok, dt_s)

        # Radiation absorbed inside.
        solar_w = global_w_m2 * p.tilt_gain * p.transmission * (1.0 - p.screen_light_loss * screen)
        solar_air_w = solar_w * (1.0 - p.solar_to_mass - p.solar_to_wall)
        solar_mass_w = solar_w * p.solar_to_mass

        # Cover and ventilation losses.
        delta_out_k = air_c - out_c
        cover_w_k = (
            p.cover_u_w_m2k * p.cover_to_floor * (1.0 - p.screen_energy_saving * screen) + p.opaque_loss_w_m2k
        )
        cover_w = cover_w_k * delta_out_k
        leak_ach = (p.leakage_ach + p.leakage_ach_per_m_s * wind_m_s) * (1.0 - p.screen_leakage_cut * screen)
        leak_m3_s = p.height_m * leak_ach / 3600.0
        stack = GRAVITY_M_S2 * p.vent_stack_height_m * max(delta_out_k, 0.0) / (air_c + KELVIN)
        vent_m3_s = (
            vent
            * p.vent_area_to_floor
            * p.vent_discharge
            / 2.0
            * math.sqrt(stack + p.vent_wind_coeff * wind_m_s * wind_m_s)
        )
        air_flow_m3_s = leak_m3_s + vent_m3_s
        ventilation_w = AIR_VOLUMETRIC_HEAT_J_M3K * air_flow_m3_s * delta_out_k

        # Crop transpiration (sensible heat of the air turned into vapour).
        sat_air = sat_vapour_conc_kg_m3(air_c)
        vpd_kpa = max(0.0, (sat_air - self.vapour_kg_m3) * 461.5 * (air_c + KELVIN)) / 1000.0
        stomata = (solar_w + p.stomata_dark_w_m2) / (solar_w + p.stomata_half_w_m2)
        transp_w = self._transp_radiation * solar_w * (1.0 - p.solar_to_wall) + (
            p.transp_vpd_w_m2kpa * vpd_kpa * stomata
        )
        transp_kg_s = transp_w / LATENT_HEAT_J_KG

        # Fog: sprayed water evaporates in dry air (sensible heat turned latent);
        # near saturation less of it does, and the rest wets crop and floor.
        fog_kg_s = fog_w = 0.0
        if p.fog_l_m2h > 0.0 and cmd.fog_pct > 0.0:
            fog_kg_s = cmd.fog_pct / 100.0 * p.fog_l_m2h / 3600.0
            dryness = (1.0 - self.vapour_kg_m3 / sat_air) / (1.0 - p.fog_full_evaporation_rh)
            fog_w = fog_kg_s * min(max(dryness, 0.0), 1.0) * LATENT_HEAT_J_KG

        # Condensation on the cover's inside surface.
        cover_surface_c = air_c - cover_w_k / p.cover_to_floor / p.cover_inside_w_m2k * delta_out_k
        cond_cover_kg_s = max(
            0.0,
            p.cover_to_floor
            * p.cover_inside_w_m2k
            / AIR_VOLUMETRIC_HEAT_J_M3K
            * (self.vapour_kg_m3 - sat_vapour_conc_kg_m3(cover_surface_c)),
        )

        # Heating: the heat pump's hot water mixed into the circuit.
        if hp_on and not hp.cooling:
            # The heat pump holds its leaving water at the controller's request
            # (never above supply_max_c); COP follows the lift from mine water.
            hot_c = min(cmd.heat_pump_supply_c or p.supply_max_c, p.supply_max_c)
            # A power cap holds the compressor to a share of its output (at a
            # given lift its electric power scales with the heat).
            mix_w = min(
                heat_valve * p.mix_flow_w_m2k * max(0.0, hot_c - self.water_c),
                p.heat_pump_w_m2 * self.hp_limit,
            )
            cond_k = hot_c + p.condenser_approach_k + KELVIN
            cop = p.carnot_fraction * cond_k / (cond_k - self._evaporator_k)
            hp_elec_w = mix_w / cop
        else:
            mix_w = 0.0
            hp_elec_w = 0.0
        # Mine water leaving the exchanger: the heat taken from it over a flow
        # sized for source_design_drop_k at full output (COP ~5 at design).
        self.source_return_c = p.mine_water_c - (mix_w - hp_elec_w) / self._source_w_k
        emitter_w = p.emitter_w_m2k * (self.water_c - air_c)

        # Cooling: mine water through the exchanger to the fan-coils (free), or
        # the heat pump in reverse where fitted.
        cool_w = cool_latent_w = 0.0
        hp_cooling = hp_on and hp.cooling
        if cool_valve > 0.0 and source_ok and p.fan_coil_w_m2 > 0.0:
            chilled_c = p.reverse_chilled_c if hp_cooling else p.mine_water_c + p.free_cooling_approach_k
            coil_w_k = p.fan_coil_w_m2 / p.fan_coil_design_k
            cool_w = min(cool_valve * coil_w_k * max(0.0, air_c - chilled_c), cool_valve * p.fan_coil_w_m2)
            coil_surface_c = chilled_c + 3.0  # fin surface above the water
            cond_coil_kg_s = max(
                0.0,
                cool_valve
                * coil_w_k
                / AIR_VOLUMETRIC_HEAT_J_M3K
                * (self.vapour_kg_m3 - sat_vapour_conc_kg_m3(coil_surface_c)),
            )
            cool_latent_w = cond_coil_kg_s * LATENT_HEAT_J_KG
            if hp_cooling:
                hp_elec_w += (cool_w + cool_latent_w) / self.cooling_cop
                e.hp_cooling_j += (cool_w + cool_latent_w) * dt_s
        else:
            cond_coil_kg_s = 0.0

        mass_w = p.mass_w_m2k * (self.mass_c - air_c)
        soil_w = p.soil_w_m2k * (self.mass_c - self.deep_soil_c)
        # North wall: the sun on its surface, the surface to the air and into
        # the storage layer, the storage layer out through the insulation.
        wall_w = 0.0
        if self.has_wall:
            wall_c = self.wall_c
            wall_w = self._wall_air_w_k * (wall_c - air_c)
            conduction_w = self._wall_conduction_w_k * (wall_c - self.wall_core_c)
            wall_out_w = self._wall_out_w_k * (self.wall_core_c - out_c)
            self.wall_c = (
                wall_c + dt_s * (solar_w * p.solar_to_wall - wall_w - conduction_w) / self._wall_j_m2k
            )
            self.wall_core_c += dt_s * (conduction_w - wall_out_w) / self._wall_core_j_m2k
            e.cover_j += wall_out_w * dt_s

        # Integrate.
        self.air_c = (
            air_c
            + dt_s
            * (
                solar_air_w
                + emitter_w
                + mass_w
                + wall_w
                - cover_w
                - ventilation_w
                - transp_w
                - cool_w
                - fog_w
            )
            / self.air_j_m2k
        )
        if self.ideal_band is not None:
            low_c, high_c = self.ideal_band
            if self.air_c < low_c:
                e.ideal_heat_j += (low_c - self.air_c) * self.air_j_m2k
                self.air_c = low_c
            elif self.air_c > high_c:
                e.ideal_cool_j += (self.air_c - high_c) * self.air_j_m2k
                self.air_c = high_c
        self.mass_c += dt_s * (solar_mass_w - mass_w - soil_w) / p.mass_j_m2k
        self.water_c += dt_s * (mix_w - emitter_w) / self.water_j_m2k
        vapour = (
            self.vapour_kg_m3
            + dt_s
            * (
                transp_kg_s
                + fog_w / LATENT_HEAT_J_KG
                - air_flow_m3_s * (self.vapour_kg_m3 - out_vapour)
                - cond_cover_kg_s
                - cond_coil_kg_s
            )
            / p.height_m
        )
        self.vapour_kg_m3 = max(vapour, 1e-5)

        # Bookkeeping.
        aux_w = 0.0
        if hp_on or heat_valve > 0.0:
            aux_w += p.circulation_pump_w_m2
        if source_ok and (hp_on or cool_valve > 0.0):
            aux_w += p.mine_pump_w_m2
        aux_w += p.fan_coil_fans_w_m2 * cool_valve
        aux_w += fog_kg_s * 3600.0 * p.fog_pump_wh_per_l
        e.fog_j += fog_w * dt_s
        e.fog_water_kg += fog_kg_s * dt_s
        e.solar_j += solar_w * dt_s
        e.heat_pump_j += mix_w * dt_s
        e.cover_j += cover_w * dt_s
        e.ventilation_j += ventilation_w * dt_s
        e.soil_j += soil_w * dt_s
        e.transpiration_j += transp_w * dt_s
        e.cooling_sensible_j += cool_w * dt_s
        e.cooling_latent_j += cool_latent_w * dt_s
        e.hp_elec_j += hp_elec_w * dt_s
        e.aux_elec_j += aux_w * dt_s
        self.heat_w_m2 = mix_w
        self.cool_w_m2 = cool_w + cool_latent_w
        self.elec_w_m2 = hp_elec_w + aux_w
        self.transpiration_kg_m2s = transp_kg_s
        self.fog_pct = cmd.fog_pct


def energy_balance_error_j(plant, stored0_j):
    """(heat in - heat out) - change in stored heat, J/m2: zero when every flow is booked."""
    e = plant.energy
    heat_in = e.solar_j + e.heat_pump_j + e.ideal_heat_j
    heat_out = (
        e.cover_j
        + e.ventilation_j
        + e.soil_j
        + e.transpiration_j
        + e.cooling_sensible_j
        + e.ideal_cool_j
        + e.fog_j
    )
    return heat_in - heat_out - (plant.stored_heat_j() - stored0_j)

"""The firmware controller in the simulator: the project's control core
(firmware/core/climate.py), fed the integers the node would feed it.  A
module of its own so that tools/build_native.py can compile it with the
hot path."""

from typing import Any

from core.climate import ALARM_TEXT, QUILT_OPEN_W_M2, SCREEN_OPEN_W_M2, Inputs, Outputs
from core.fixed import FULL_SCALE, MILLI
from core.settings import entry
from host_sim.irrigation import group_flow_l_min
from host_sim.irrigation_baseline import injector_pct
from host_sim.sensors import Measurements
from node.house import make_climate


class Commands:
    __slots__ = (
        "heat_valve_pct",
        "cool_valve_pct",
        "fog_pct",
        "vent_pct",
        "screen_pct",
        "heat_pump_on",
        "heat_pump_cooling",
        "heat_pump_supply_c",
    )

    def __init__(self):
        self.heat_valve_pct = 0.0
        self.cool_valve_pct = 0.0
        self.fog_pct = 0.0
        self.vent_pct = 0.0
        self.screen_pct = 0.0
        self.heat_pump_on = False
        self.heat_pump_cooling = False
        self.heat_pump_supply_c = None  # None: the heat pump's own maximum


def screen_open_w_m2(greenhouse):
    """Radiation above which the screen (a solar greenhouse's quilt) opens."""
    return QUILT_OPEN_W_M2 if greenhouse.type == "solar" else SCREEN_OPEN_W_M2


def _milli(value):
    return None if value is None else int(round(value * MILLI))


def house_for(scenario) -> dict:
    """The node's house.json for the scenario's greenhouse (node/house.py)."""
    greenhouse, crop = scenario.greenhouse, scenario.crop
    house = {
        "crop": crop.kind,
        "supply_max_c": scenario.heating.supply_max_c,
        "vents": greenhouse.vents,
        "fan_coils": scenario.cooling.fan_coil_kw > 0,
        "screen": greenhouse.screen,
        "screen_open_w_m2": screen_open_w_m2(greenhouse),
        "reverse": scenario.cooling.heat_pump_reverse,
        "fog": scenario.cooling.fog_l_m2h > 0,
        "air_sensors": greenhouse.air_sensors,
    }
    for key in ("day_c", "night_c", "vent_offset_k"):
        if getattr(crop, key) is not None:
            house[key] = getattr(crop, key)
    spec = scenario.irrigation
    if spec is not None:  # the valve groups in turn, the drain gauge under group 1
        group = {"area_m2": spec.group_area_m2, "flow_l_min": round(group_flow_l_min(spec), 3)}
        house["irrigation"] = {
            "groups": [dict(group) for _ in range(spec.groups)],
            "drain_group": 1,
            "drain_area_m2": spec.drain_catchment_m2,
        }
    return house


def commissioning_for(scenario) -> dict:
    """What a commissioning engineer measures and enters on an irrigating
    node (units): the raw water's EC from its analysis, the EC the A+B stock
    adds at full duty at the group's flow, and the acid duty that brings the
    raw water to the pH target (the injector's design figure)."""
    spec = scenario.irrigation
    if spec is None:
        return {}
    stock_ml_l = 2 * spec.dose_pump_l_h * 1000 / 60 / group_flow_l_min(spec)  # A and B at 100 %
    return {
        "fert.raw_ec_ms_cm": round(spec.raw_ec_ms_cm, 3),
        "fert.ec_per_full_ms_cm": round(stock_ml_l * spec.stock_ec_per_ml_l, 3),
        "fert.acid_ff_pct": round(min(injector_pct(spec)[1], 100.0), 3),
        "fert.probes": spec.probes,
    }


def settings_for(scenario) -> dict:
    """The node's config.json (units): the commissioning figures, then the
    scenario's [settings] (which win)."""
    return commissioning_for(scenario) | dict(scenario.settings)


def fill_inputs(inp: Inputs, meas: Measurements) -> None:
    """The node's readings: the measurements as integers in the core's scales."""
    inp.air_c = _milli(meas.air_c)
    inp.air2_c = _milli(meas.air2_c)
    inp.rh_pct = _milli(meas.air_rh_pct)
    inp.supply_c = _milli(meas.supply_c)
    inp.radiation_w_m2 = None if meas.radiation_w_m2 is None else int(meas.radiation_w_m2)
    inp.outdoor_c = _milli(meas.outdoor_c)
    inp.outdoor_rh_pct = _milli(meas.outdoor_rh_pct)
    inp.wind_m_s = _milli(meas.wind_m_s)
    inp.heat_pump_running = meas.heat_pump_running
    inp.mine_flow_ok = meas.mine_flow_ok
    inp.source_return_c = _milli(meas.source_return_c)
    inp.power_cap = int(meas.power_cap_pct * MILLI)
    inp.power_surplus = meas.power_surplus


def fill_commands(commands: "Commands", out: Outputs) -> None:
    commands.heat_valve_pct = out.heat_valve * 100.0 / FULL_SCALE
    commands.cool_valve_pct = out.cool_valve * 100.0 / FULL_SCALE
    commands.fog_pct = out.fog * 100.0 / FULL_SCALE
    commands.vent_pct = out.vent * 100.0 / FULL_SCALE
    commands.screen_pct = out.screen * 100.0 / FULL_SCALE
    commands.heat_pump_on = out.heat_pump_on
    commands.heat_pump_cooling = out.heat_pump_cooling
    commands.heat_pump_supply_c = out.heat_pump_supply_c / MILLI


class FirmwareController:
    name = "firmware"
    alarm_text = ALARM_TEXT

    def __init__(self, scenario):
        self.climate = make_climate(house_for(scenario))
        for key, value in settings_for(scenario).items():  # checked against the schema by the parser
            self.climate.set(key, round(value * entry(key)[4]))
        water_alarms = ()
        if self.climate.water is not None:
            from core.watering import alarm_text

            water_alarms = alarm_text()
        self.irrigation_alarm_text = water_alarms

    def set_day(self, sunrise_ms, sunset_ms):
        self.climate.set_day(sunrise_ms, sunset_ms)

    def step(self, time_of_day_s: int, meas: Measurements, dt_s: int, commands: "Commands") -> int:
        fill_inputs(self.climate.inputs, meas)
        out = self.climate.tick(int(time_of_day_s * MILLI), int(dt_s * MILLI))
        fill_commands(commands, out)
        return out.alarms

    def irrigate(self, time_of_day_s: float, meas: Measurements, dt_s: float, irr: Any) -> int:
        """The irrigation and fertigation of an irrigating house (host_sim/irrigation.py)."""
        water = self.climate.water
        fill_water_readings(water.readings, meas)
        water.step(int(time_of_day_s * MILLI), int(dt_s * MILLI), self.climate.inputs.radiation_w_m2)
        fill_irrigation(irr, water.group, water.dose_ab, water.dose_acid)
        fill_targets(irr, water.fert.ec_target, water.fert.ph_target, water.irr.drain_target_pm)
        return water.alarms


def fill_water_readings(r: Any, meas: Measurements) -> None:
    """core.watering.Readings from the measurements, in the core's scales."""
    r.substrate_pct = _milli(meas.substrate_pct)
    r.flow_ml_min = _milli(meas.flow_l_min)
    r.drain_ml = None if meas.drain_ml is None else int(round(meas.drain_ml))
    r.ec = _milli(meas.ec_ms_cm)
    r.ph = _milli(meas.ph)
    r.ec2 = _milli(meas.ec2_ms_cm)
    r.ph2 = _milli(meas.ph2)


def fill_irrigation(irr: Any, group: int, dose_ab: int, dose_acid: int) -> None:
    irr.valve_group = group
    irr.pump_on = group > 0
    irr.dose_a_pct = irr.dose_b_pct = dose_ab * 100.0 / FULL_SCALE
    irr.dose_acid_pct = dose_acid * 100.0 / FULL_SCALE


def fill_targets(irr: Any, ec_target: int, ph_target: int, drain_target_pm: int) -> None:
    irr.ec_target_ms_cm = ec_target / MILLI
    irr.ph_target = ph_target / MILLI
    irr.drain_target = drain_target_pm / MILLI

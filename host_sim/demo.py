"""A closed-loop demo of the control core on a small simulated greenhouse bay.

A winter night and day on mine-water heating: the air-temperature loop sets
the supply-water temperature (cascade), the supply loop positions a
three-point mixing valve between the heat-pump flow and the return, and a
reverse (cooling) loop opens the roof vents when the sun overheats the bay.  The
plant here is deliberately small and lumped (per m2 of floor); the full
greenhouse simulator replaces it.  Controller code is the firmware's core,
unchanged, fed integers in its documented scales.
"""

import math
from dataclasses import dataclass

from core.cascade import Cascade
from core.fixed import FULL_SCALE, MILLI
from core.pid import PID
from core.three_point import ThreePointValve
from host_sim.fopdt import FirstOrderDeadTime

KELVIN = 273.15


@dataclass
class Bay:
    """Lumped winter bay, per m2 of floor.  Figures are round engineering values."""

    air_heat_capacity_j_m2k: float = 30000.0  # air, crop and light structure
    cover_loss_w_m2k: float = 7.0  # glass U ~6 W/m2K x cover/floor 1.2, less screen
    coil_w_m2k: float = 12.0  # fan-coil / pipe transfer, water mean to air
    solar_transmission: float = 0.5  # winter glass, structure shading
    heat_pump_supply_c: float = 50.0  # water-to-water heat pump leaving temperature
    mine_water_c: float = 15.0  # source side, from the mine
    carnot_fraction: float = 0.5  # COP = fraction x Carnot COP (typical 0.45-0.55)
    supply_time_constant_s: float = 90.0  # mixing loop, pipes and coil water
    supply_dead_time_s: float = 30.0  # transport from valve to sensor
    valve_travel_s: float = 120.0  # actuator of the mixing valve
    valve_travel_error: float = 1.05  # the real motor is 5 % slower than its label
    vent_w_m2k: float = 30.0  # air exchange loss with roof vents fully open
    vent_offset_k: float = 2.0  # ventilation setpoint above the heating setpoint


def outdoor_c(t_s):
    """A clear winter day on the Loess Plateau: -12 degC at 03:00, 0 at 15:00."""
    return -6.0 + 6.0 * math.sin(2 * math.pi * (t_s / 3600 - 9) / 24)


def solar_w_m2(t_s):
    hour = t_s / 3600 % 24
    return 350.0 * max(0.0, math.sin(math.pi * (hour - 7.5) / 9.0))


def air_setpoint_c(t_s):
    hour = t_s / 3600 % 24
    return 20.0 if 7 <= hour < 17 else 16.0


def run(hours=24, control_period_s=10, report_every_s=3600, bay=None):
    bay = bay or Bay()
    step_s = 1.0
    air_c = 16.0
    supply_c = 30.0
    valve_true = 0.3  # fraction open, unknown to the controller
    supply_plant = FirstOrderDeadTime(
        1.0, bay.supply_time_constant_s, bay.supply_dead_time_s, step_s, y0=supply_c
    )

    air_loop = PID(kp_m=4000, ki_m=3)  # 4 K of supply per K of air, Ti ~ 20 min
    supply_loop = PID(kp_m=5000, ki_m=42, out_min=0, out_max=FULL_SCALE)  # 5 %/K, Ti ~ 2 min
    cascade = Cascade(air_loop, supply_loop, 20 * MILLI, int(bay.heat_pump_supply_c * MILLI))
    valve = ThreePointValve(int(bay.valve_travel_s * MILLI), min_pulse_ms=1000, deadband=1000)
    vent_loop = PID(kp_m=20000, ki_m=33, rate_per_s=200, direct=True)  # 20 %/K, Ti 10 min, 0.2 %/s
    vent_pct = 0.0

    rows, errors = [], []
    heat_j_m2 = electric_j_m2 = 0.0
    relay_starts = 0
    command = 0
    wanted = 0
    setpoint_c = air_setpoint_c(0)
    settled_after_s = 0
    over_vent_k = 0.0
    steps = int(hours * 3600 / step_s)
    for k in range(steps):
        t_s = k * step_s
        # Plant: the valve moves as the relays drive it; water and air respond.
        valve_true = min(
            1.0, max(0.0, valve_true + command * step_s / (bay.valve_travel_s * bay.valve_travel_error))
        )
        return_c = air_c + 0.5 * (supply_c - air_c)
        mixed_c = valve_true * bay.heat_pump_supply_c + (1 - valve_true) * return_c
        supply_c = supply_plant.step(mixed_c)
        coil_w_m2 = bay.coil_w_m2k * max(0.0, (supply_c + return_c) / 2 - air_c)
        loss_w_m2 = (bay.cover_loss_w_m2k + bay.vent_w_m2k * vent_pct / 100) * (air_c - outdoor_c(t_s))
        gain_w_m2 = bay.solar_transmission * solar_w_m2(t_s)
        air_c += (coil_w_m2 + gain_w_m2 - loss_w_m2) * step_s / bay.air_heat_capacity_j_m2k
        # The heat pump delivers what the valve draws from it.
        heat_w_m2 = coil_w_m2 * valve_true
        cop = (
            bay.carnot_fraction
            * (bay.heat_pump_supply_c + KELVIN)
            / (bay.heat_pump_supply_c - bay.mine_water_c)
        )
        heat_j_m2 += heat_w_m2 * step_s
        electric_j_m2 += heat_w_m2 / cop * step_s

        # Controller: the firmware core, on integer milli-units.
        if k % control_period_s == 0:
            new_setpoint_c = air_setpoint_c(t_s)
            if new_setpoint_c != setpoint_c:
                setpoint_c, settled_after_s = new_setpoint_c, t_s + 3600
            wanted = cascade.update(
                int(setpoint_c * MILLI),
                round(air_c * MILLI),
                round(supply_c * MILLI),
                control_period_s * MILLI,
            )
            vent_setpoint_mc = int((setpoint_c + bay.vent_offset_k) * MILLI)
            vent_pct = (
                vent_loop.update(vent_setpoint_mc, round(air_c * MILLI), control_period_s * MILLI) / MILLI
            )
            if t_s >= max(settled_after_s, 2 * 3600):  # start-up: valve sync, cold water
                # Deviation from the band between heating and ventilation setpoints.
                errors.append(min(0.0, air_c - setpoint_c) + max(0.0, air_c - setpoint_c - bay.vent_offset_k))
                over_vent_k = max(over_vent_k, air_c - setpoint_c - bay.vent_offset_k)
        new_command = valve.update(wanted, int(step_s * MILLI))
        relay_starts += new_command != 0 and new_command != command
        command = new_command

        if k % int(report_every_s / step_s) == 0:
            supply_setpoint_c = cascade.inner_setpoint / MILLI
            valve_estimate_pct = valve.position / MILLI
            rows.append(
                (t_s / 3600, outdoor_c(t_s), solar_w_m2(t_s), setpoint_c, air_c, supply_setpoint_c, supply_c,
                 valve_estimate_pct, valve_true * 100, vent_pct)
            )  # fmt: skip
    errors = errors or [0.0]
    return {
        "rows": rows,
        "mean_abs_error_k": sum(abs(e) for e in errors) / len(errors),
        "max_below_k": -min(errors),
        "max_over_vent_k": over_vent_k,
        "heat_kwh_m2": heat_j_m2 / 3.6e6,
        "electric_kwh_m2": electric_j_m2 / 3.6e6,
        "relay_starts_per_h": relay_starts / hours,
        "hours": hours,
    }


def report(result):
    header = "hour  out_C  sun_W/m2  set_C  air_C  supply_set_C  supply_C  valve_est_%  valve_true_%  vent_%"
    lines = [header]
    for row in result["rows"]:
        lines.append(
            "{:4.0f} {:6.1f} {:9.0f} {:6.1f} {:6.2f} {:13.1f} {:9.1f} {:12.1f} {:13.1f} {:7.1f}".format(*row)
        )
    lines.append("")
    lines.append(
        f"{result['hours']:.0f} h: air {result['mean_abs_error_k']:.2f} K outside the band between "
        "heating and ventilation setpoints on average, "
        f"at most {result['max_below_k']:.2f} K below it and {result['max_over_vent_k']:.2f} K above the "
        "ventilation setpoint (not counting the first two hours and the hour after each setpoint change)"
    )
    lines.append(
        f"heat {result['heat_kwh_m2']:.2f} kWh/m2 from the mine-water heat pump for "
        f"{result['electric_kwh_m2']:.2f} kWh/m2 electricity; "
        f"valve relay starts {result['relay_starts_per_h']:.0f}/h"
    )
    return "\n".join(lines)

"""Controllers the simulator can run, on the same sensors and actuators.

- firmware:   the project's control core (firmware/core/climate.py), fed the
              integers the node would feed it.
- bang_bang:  a hysteresis thermostat on the same valves, vents and heat pump,
              with minimum on and off times: what a simple controller does.
- simple_pid: PyPI simple-pid 2.0.1 on the same loops, with the same gains,
              limits and sequencing as the firmware controller.

Each has step(time_of_day_s, meas, dt_s, commands) -> alarm bits; it writes
percentages and booleans into `commands` (reused, not reallocated).  Every
controller is judged against the same crop setpoints (core.climate).
"""

from simple_pid import PID as SimplePID

from core.climate import DAY_END_MS, DAY_START_MS, SCREEN_COLD_C, heating_setpoint
from core.fixed import MILLI
from host_sim.crop import crop_profile
from host_sim.firmware_controller import Commands, FirmwareController, screen_open_w_m2

__all__ = ["CONTROLLERS", "Commands", "screen_open_w_m2"]


class _Baseline:
    """What both baselines share: the crop's setpoints, a held reading when a
    sensor drops out (no timeout, no alarm), and the screen rule."""

    alarm_text = ()

    def __init__(self, scenario):
        self.profile = crop_profile(scenario.crop)
        self.has_vents = scenario.greenhouse.vents
        self.has_fan_coils = scenario.cooling.fan_coil_kw > 0
        self.has_screen = scenario.greenhouse.screen
        self.screen_open_w_m2 = screen_open_w_m2(scenario.greenhouse)
        self.screen_closed = False
        self.supply_max_c = scenario.heating.supply_max_c
        self._held = {}
        self.day_ms = (DAY_START_MS, DAY_END_MS)

    def set_day(self, sunrise_ms, sunset_ms):
        self.day_ms = (sunrise_ms, sunset_ms)

    def held(self, name, value, default):
        if value is None:
            return self._held.get(name, default)
        self._held[name] = value
        return value

    def setpoints_c(self, time_of_day_s):
        heat_c = heating_setpoint(self.profile, int(time_of_day_s * MILLI), *self.day_ms) / MILLI
        return heat_c, heat_c + self.profile["vent_offset_k"] / MILLI

    def screen_pct(self, meas):
        if not self.has_screen:
            return 0.0
        # The firmware's rule, with its hysteresis.
        threshold = self.screen_open_w_m2 if self.screen_closed else self.screen_open_w_m2 / 2
        dark = meas.radiation_w_m2 is not None and meas.radiation_w_m2 < threshold
        cold = meas.outdoor_c is None or meas.outdoor_c < SCREEN_COLD_C / MILLI
        self.screen_closed = dark and cold
        return 100.0 if self.screen_closed else 0.0


class Timer:
    """Minimum on and off times for an on/off output."""

    def __init__(self, min_on_s, min_off_s):
        self.min_on_s = min_on_s
        self.min_off_s = min_off_s
        self.on = False
        self.elapsed_s = min_off_s

    def update(self, want, dt_s):
        self.elapsed_s += dt_s
        if want != self.on and self.elapsed_s >= (self.min_on_s if self.on else self.min_off_s):
            self.on = want
            self.elapsed_s = 0.0
        return self.on


class BangBangController(_Baseline):
    """Thermostat: heating on below setpoint - 0.5 K, off above + 0.5 K;
    vents open above the ventilation setpoint + 0.5 K, shut below - 0.5 K;
    fan-coils on 1 K above the ventilation setpoint.  Minimum on and off
    times of 5 minutes on every output (relay and valve wear)."""

    name = "bang_bang"
    HYSTERESIS_K = 0.5
    MIN_ON_OFF_S = 300.0

    def __init__(self, scenario):
        super().__init__(scenario)
        self.heat = Timer(self.MIN_ON_OFF_S, self.MIN_ON_OFF_S)
        self.vent = Timer(self.MIN_ON_OFF_S, self.MIN_ON_OFF_S)
        self.cool = Timer(self.MIN_ON_OFF_S, self.MIN_ON_OFF_S)

    def step(self, time_of_day_s, meas, dt_s, commands):
        air_c = self.held("air", meas.air_c, 15.0)
        heat_sp, vent_sp = self.setpoints_c(time_of_day_s)
        h = self.HYSTERESIS_K
        want_heat = air_c < heat_sp - h or (self.heat.on and air_c < heat_sp + h)
        heat_on = self.heat.update(want_heat, dt_s)
        want_vent = self.has_vents and (air_c > vent_sp + h or (self.vent.on and air_c > vent_sp - h))
        want_cool = self.has_fan_coils and (air_c > vent_sp + 1.0 or (self.cool.on and air_c > vent_sp))
        vent_on = self.vent.update(want_vent and not heat_on, dt_s)
        cool_on = self.cool.update(want_cool and not heat_on, dt_s)
        commands.heat_valve_pct = 100.0 if heat_on else 0.0
        commands.heat_pump_on = heat_on and meas.mine_flow_ok
        commands.heat_pump_cooling = False
        commands.vent_pct = 100.0 if vent_on else 0.0
        commands.cool_valve_pct = 100.0 if cool_on else 0.0
        commands.screen_pct = self.screen_pct(meas)
        return 0


class SimplePidController(_Baseline):
    """simple-pid on the firmware controller's loops: the same gains, limits,
    cascade and cooling sequence, in floating point, without the core's
    clamped anti-windup, cascade windup blocking or sensor fallback."""

    name = "simple_pid"

    def __init__(self, scenario):
        super().__init__(scenario)
        self.air = SimplePID(3.0, 0.003, 0.0, sample_time=None, output_limits=(20.0, self.supply_max_c))
        self.supply = SimplePID(3.0, 0.01, 0.0, sample_time=None, output_limits=(0.0, 100.0))
        # Reverse acting: negative gains, as simple-pid documents.
        self.cool = SimplePID(-20.0, -0.033, 0.0, sample_time=None, output_limits=(0.0, 100.0))
        self.heat_pump = Timer(600.0, 300.0)
        self.outside_cooler = True

    def step(self, time_of_day_s, meas, dt_s, commands):
        air_c = self.held("air", meas.air_c, 15.0)
        supply_c = self.held("supply", meas.supply_c, 30.0)
        heat_sp, vent_sp = self.setpoints_c(time_of_day_s)
        self.air.setpoint = heat_sp
        self.supply.setpoint = self.air(air_c, dt=dt_s)
        heat_valve = self.supply(supply_c, dt=dt_s)
        self.cool.setpoint = vent_sp
        demand = self.cool(air_c, dt=dt_s)
        vent = cool = 0.0
        outdoor = meas.outdoor_c
        if outdoor is None or outdoor < air_c - 0.5:  # the firmware's latch
            self.outside_cooler = True
        elif outdoor > air_c + 0.5:
            self.outside_cooler = False
        if self.has_vents and (self.outside_cooler or not self.has_fan_coils):
            share = 60.0 if self.has_fan_coils else 100.0
            vent = min(demand, share) * 100.0 / share
            if self.has_fan_coils and demand > share:
                cool = (demand - share) * 100.0 / (100.0 - share)
        elif self.has_fan_coils:
            cool = demand
        if heat_valve > 0.0:
            cool = 0.0
        commands.heat_valve_pct = heat_valve
        commands.heat_pump_supply_c = min(self.supply.setpoint + 5.0, self.supply_max_c)  # as the firmware
        threshold = 0.5 if self.heat_pump.on else 5.0  # as the firmware: no short cycling
        commands.heat_pump_on = self.heat_pump.update(heat_valve > threshold and meas.mine_flow_ok, dt_s)
        commands.heat_pump_cooling = False
        commands.vent_pct = vent
        commands.cool_valve_pct = cool
        commands.screen_pct = self.screen_pct(meas)
        return 0


CONTROLLERS = {
    "firmware": FirmwareController,
    "bang_bang": BangBangController,
    "simple_pid": SimplePidController,
}

"""Runs a scenario: weather -> plant -> sensors -> controller -> actuators, in
lockstep at the control period, and measures the result.

The metrics judge every controller against the same crop setpoints (the
heating setpoint schedule of core.climate, its day from sunrise to sunset at
the site, and its ventilation offset): the air is "in band" between heating
and ventilation setpoint, and its error is how far it is outside that band."""

import datetime
import sys
import time
from dataclasses import dataclass, field

import numpy as np

from core.climate import SCREEN_COLD_C, heating_setpoint
from core.fixed import MILLI
from host_sim import weather as weather_mod
from host_sim.controllers import CONTROLLERS, Commands, screen_open_w_m2
from host_sim.crop import crop_profile
from host_sim.irrigation import SERIES_KEYS as IRRIGATION_SERIES_KEYS
from host_sim.irrigation import Irrigation
from host_sim.plant import Greenhouse, energy_balance_error_j, params_for
from host_sim.psychro import (
    KELVIN,
    SAT_TABLE_C,
    SAT_TABLE_PA,
    WATER_VAPOUR_GAS_CONSTANT_J_KGK,
)
from host_sim.sensors import Measurements, SensorSet
from host_sim.tally import Tally

DAY_S = 86400
J_PER_KWH = 3.6e6
RECORD_EVERY_S = 300  # series for plots and CSV: one row per 5 minutes
SERIES_KEYS = (
    "t_h", "outdoor_c", "radiation_w_m2", "air_c", "heat_sp_c", "vent_sp_c", "rh_pct", "vpd_kpa", "supply_c",
    "heat_valve_pct", "cool_valve_pct", "fog_pct", "vent_pct", "screen_pct",
    "heat_w_m2", "cool_w_m2", "elec_w_m2", "floor_c", "wall_c", "wall_core_c",
)  # fmt: skip
NAN = float("nan")


@dataclass
class RunResult:
    controller: str
    metrics: dict
    series: dict = field(default_factory=dict)


def _start_s(scenario):
    """The run's start, seconds after its first midnight (solar time)."""
    return scenario.start.hour * 3600 + scenario.start.minute * 60


def day_periods_ms(scenario, latitude, ticks):
    """(sunrise, sunset) in ms of solar time for every day the run touches."""
    start_s = _start_s(scenario)
    days = (start_s + ticks * scenario.control_period_s) // DAY_S + 1
    periods = []
    for day in range(days):
        date = scenario.start.date() + datetime.timedelta(days=day)
        sunrise_h, sunset_h = weather_mod.sunrise_sunset_h(latitude, date.timetuple().tm_yday)
        periods.append((round(sunrise_h * 3600) * MILLI, round(sunset_h * 3600) * MILLI))
    return periods


def make_weather(scenario):
    w = scenario.weather
    days = scenario.days
    if w.file is not None:
        return weather_mod.from_epw(w.file, scenario.start, days, scenario.control_period_s)
    overrides = {
        key: getattr(w, key)
        for key in ("t_mean_c", "t_swing_c", "rh_mean_pct", "clearness", "wind_m_s")
        if getattr(w, key) is not None
    }
    return weather_mod.synthetic(
        w.preset,
        scenario.start,
        days,
        scenario.control_period_s,
        scenario.seed,
        scenario.latitude,
        **overrides,
    )


def outdoor_vapour_kg_m3(weather):
    """Outdoor vapour density for every sample, at once (numpy)."""
    t_out_c = np.array(weather.t_out_c)
    sat_pa = np.interp(t_out_c, SAT_TABLE_C, SAT_TABLE_PA)
    return (
        sat_pa * np.array(weather.rh_out_pct) / 100.0 / (WATER_VAPOUR_GAS_CONSTANT_J_KGK * (t_out_c + KELVIN))
    ).tolist()


def _fault_events(scenario, ticks):
    """(tick, start?, fault) sorted by tick."""
    period = scenario.control_period_s
    events = []
    for fault in scenario.faults:
        start = int(fault.start_h * 3600 / period)
        end = min(ticks, int((fault.start_h + fault.duration_h) * 3600 / period))
        events.append((start, True, fault))
        events.append((end, False, fault))
    events.sort(key=lambda event: (event[0], event[1]))
    return events


def _apply_fault(plant, sensors, fault, active, irrigation=None):
    target = fault.target
    if irrigation is not None and irrigation.apply_fault(target, fault.kind, fault.value, active):
        return
    if target in sensors.by_target:
        sensor = sensors.by_target[target]
        if active:
            sensor.set_fault(fault.kind, fault.value)
        else:
            sensor.clear_fault()
    elif target == "heat_valve":
        plant.heat_valve.stuck = active
    elif target == "cool_valve":
        plant.cool_valve.stuck = active
    elif target == "vent":
        plant.vent.stuck = active
    elif target == "heat_pump":
        plant.heat_pump.tripped = active
    elif target == "mine_water_pump":
        plant.mine_pump_tripped = active
    else:
        raise ValueError(f"fault target {target!r} is not simulated")


RUNTIMES = ("cpython", "micropython")


def run(
    scenario, controller_name="firmware", weather=None, record=False, progress=None, oracle=True,
    runtime="cpython", controller=None,
):  # fmt: skip
    """Simulate the scenario under one controller; returns a RunResult.

    oracle: True to compute heat_oracle_kwh_m2, False to skip it, or the
    value itself when the caller already has it for this weather (compare).
    runtime: "micropython" runs the firmware controller as the real firmware
    (firmware/main.py) under the MicroPython unix port (host_sim/mp_node.py).
    controller: one already made (host_sim repl's node); closed at the end."""
    if controller_name not in CONTROLLERS:
        raise ValueError(f"controller must be one of {', '.join(CONTROLLERS)}, got {controller_name!r}")
    if runtime not in RUNTIMES:
        raise ValueError(f"runtime must be one of {', '.join(RUNTIMES)}, got {runtime!r}")
    if controller is None and runtime == "micropython":
        if controller_name != "firmware":
            raise ValueError(f"only the firmware controller runs under micropython, not {controller_name!r}")
        from host_sim.mp_node import MicroPythonController

        controller = MicroPythonController(scenario)
    elif controller is None:
        controller = CONTROLLERS[controller_name](scenario)
    try:
        result = _run(scenario, controller_name, controller, weather, record, progress, oracle)
    finally:
        node_log = controller.close() if hasattr(controller, "close") else None
    refused = [line for line in (node_log or "").splitlines() if line.startswith("config:")]
    if refused:  # the scenario's settings are checked on load: the node must take them all
        raise RuntimeError("the node refused its settings:\n" + "\n".join(refused))
    return result


def _run(scenario, controller_name, controller, weather, record, progress, oracle):
    weather = weather or make_weather(scenario)
    profile = crop_profile(scenario.crop)
    period_s = scenario.control_period_s
    ticks = len(weather)
    start_s = _start_s(scenario)
    periods = day_periods_ms(scenario, weather.latitude, ticks)
    air0_c = heating_setpoint(profile, start_s * MILLI, *periods[0]) / MILLI

    plant = Greenhouse(params_for(scenario), air_c=air0_c, rh_pct=80.0)
    sensors = SensorSet(
        scenario.seed, plant.air_c, plant.rh_pct, plant.water_c, scenario.greenhouse.air_sensors,
        float(weather.t_out_c[0]),
    )  # fmt: skip
    meas = Measurements()
    commands = Commands()
    irrigation = None
    if scenario.irrigation is not None:  # drip irrigation and fertigation (host_sim/irrigation.py)
        irrigation = Irrigation(scenario, controller)
        irrigation_text = {bit: (code, text) for bit, code, text in irrigation.alarm_text}
        last_irrigation_bits = 0
    events = _fault_events(scenario, ticks)
    next_event = 0
    alarm_text = {bit: (code, text) for bit, code, text in controller.alarm_text}
    alarms, errors, last_alarm_bits = [], 0, 0
    stored0_j = plant.stored_heat_j()

    t_out, rh_out, sun, wind = weather.t_out_c, weather.rh_out_pct, weather.global_w_m2, weather.wind_m_s
    out_vapour = outdoor_vapour_kg_m3(weather)
    tally = Tally(profile)
    record_every = max(1, RECORD_EVERY_S // period_s)
    series = {key: [] for key in SERIES_KEYS} if record else None
    if record and irrigation is not None:
        series.update({key: [] for key in IRRIGATION_SERIES_KEYS})
    power = scenario.power
    cap_window = _window_s(power.cap_from_h, power.cap_to_h)
    surplus_window = _window_s(power.surplus_from_h, power.surplus_to_h)
    elec_surplus_j = 0.0
    wall_start = time.perf_counter()

    day = -1
    for k in range(ticks):
        if (start_s + k * period_s) // DAY_S != day:
            day = (start_s + k * period_s) // DAY_S
            day_start_ms, day_end_ms = periods[day]
            controller.set_day(day_start_ms, day_end_ms)
        while next_event < len(events) and events[next_event][0] <= k:
            _, active, fault = events[next_event]
            _apply_fault(plant, sensors, fault, active, irrigation)
            next_event += 1
        t_s = k * period_s
        time_of_day_s = (start_s + t_s) % DAY_S
        out_c = t_out[k]
        sensors.read_into(meas, plant, out_c, rh_out[k], sun[k], wind[k], period_s)
        if irrigation is not None:
            irrigation.read_into(meas, period_s)
        if cap_window or surplus_window:  # the site's power signal; the heat pump holds to the cap
            meas.power_cap_pct = power.cap_pct if _in_window(time_of_day_s, cap_window) else 100.0
            meas.power_surplus = _in_window(time_of_day_s, surplus_window)
            plant.hp_limit = meas.power_cap_pct / 100.0
            elec_before_j = plant.energy.hp_elec_j + plant.energy.aux_elec_j
        try:
            alarm_bits = controller.step(time_of_day_s, meas, period_s, commands)
        except Exception as error:  # an unhandled controller error: counted, outputs held
            if getattr(error, "fatal", False):  # (the MicroPython node has stopped)
                raise
            errors += 1
            alarm_bits = last_alarm_bits
        if alarm_bits != last_alarm_bits:
            _new_alarms(alarm_bits, last_alarm_bits, alarm_text, t_s, alarms)
            last_alarm_bits = alarm_bits
        plant.step(period_s, out_c, out_vapour[k], sun[k], wind[k], commands)
        if irrigation is not None:  # controller.irrigate, and the root zone drinks what the crop transpired
            irrigation_bits = irrigation.tick(
                time_of_day_s, meas, period_s, plant.energy.transpiration_j, day
            )
            if irrigation_bits != last_irrigation_bits:
                _new_alarms(irrigation_bits, last_irrigation_bits, irrigation_text, t_s, alarms)
                last_irrigation_bits = irrigation_bits
        if meas.power_surplus:
            elec_surplus_j += plant.energy.hp_elec_j + plant.energy.aux_elec_j - elec_before_j

        # Metrics, on the true state after the step.
        tally.add(plant, time_of_day_s * MILLI, day_start_ms, day_end_ms, period_s)
        if record and k % record_every == 0:
            row = (
                t_s / 3600, out_c, sun[k], plant.air_c, tally.heat_sp_c, tally.vent_sp_c, tally.rh_pct,
                tally.vpd_kpa, plant.water_c,
                plant.heat_valve.position * 100, plant.cool_valve.position * 100, plant.fog_pct,
                plant.vent.position * 100, plant.screen.position * 100,
                plant.heat_w_m2, plant.cool_w_m2, plant.elec_w_m2, plant.mass_c,
                plant.wall_c if plant.has_wall else NAN, plant.wall_core_c if plant.has_wall else NAN,
            )  # fmt: skip
            for key, value in zip(SERIES_KEYS, row, strict=True):
                series[key].append(value)
            if irrigation is not None:
                irrigation.tally.record(series)
        if progress is not None and k % (DAY_S // period_s) == 0:
            progress(k, ticks)

    e = plant.energy
    total_s = ticks * period_s
    hp_out_j = e.heat_pump_j + e.hp_cooling_j
    metrics = {
        "days": total_s / DAY_S,
        "ticks": ticks,
        "errors": errors,
        "air_temp_iae_kh": tally.iae_kh,
        "air_temp_in_band_pct": 100.0 * tally.in_band_s / total_s,
        "air_temp_max_over_k": tally.max_over_k,
        "vpd_in_band_pct": 100.0 * tally.vpd_band_s / total_s,
        "frost_min": tally.frost_s / 60.0,
        "overheat_min": tally.overheat_s / 60.0,
        "heat_kwh_m2": e.heat_pump_j / J_PER_KWH,
        "heat_oracle_kwh_m2": _oracle(scenario, weather, oracle),
        "cool_kwh_m2": (e.cooling_sensible_j + e.cooling_latent_j) / J_PER_KWH,
        "fog_l_m2": e.fog_water_kg,
        "elec_kwh_m2": (e.hp_elec_j + e.aux_elec_j) / J_PER_KWH,
        "elec_surplus_kwh_m2": elec_surplus_j / J_PER_KWH,  # while the site had power to spare
        "cop_mean": hp_out_j / e.hp_elec_j if e.hp_elec_j > 0 else None,
        "valve_strokes": plant.heat_valve.strokes + plant.cool_valve.strokes,
        "vent_strokes": plant.vent.strokes,
        "heat_pump_starts": plant.heat_pump.starts,
        "energy_balance_error_kwh_m2": energy_balance_error_j(plant, stored0_j) / J_PER_KWH,
        "alarms": alarms,
        "wall_s": time.perf_counter() - wall_start,
    }
    if irrigation is not None:
        metrics["errors"] += irrigation.errors
        metrics.update(irrigation.tally.metrics())
    return RunResult(controller_name, metrics, series or {})


def _new_alarms(bits, last_bits, text_of, t_s, alarms):
    """Append the alarms raised now (bits set that were not)."""
    for bit, (code, text) in text_of.items():
        if bits & bit and not last_bits & bit:
            alarms.append({"t_h": round(t_s / 3600, 3), "code": code, "text": text})


def _window_s(from_h, to_h):
    """A daily window in seconds of the day, or None when its ends are equal."""
    return None if from_h == to_h else (from_h * 3600.0, to_h * 3600.0)


def _in_window(time_of_day_s, window):
    if window is None:
        return False
    start_s, end_s = window
    if start_s < end_s:
        return start_s <= time_of_day_s < end_s
    return time_of_day_s >= start_s or time_of_day_s < end_s  # across midnight


def _oracle(scenario, weather, oracle):
    if oracle is True:
        return oracle_heat_kwh_m2(scenario, weather)
    return oracle or None


def oracle_heat_kwh_m2(scenario, weather):
    """Heat an ideal heater needs to hold the heating setpoint exactly, on the
    same weather: no valve, no sensor, no lag; vents shut and the excess above
    the ventilation setpoint removed for free; screen closed in the cold
    dark and open otherwise.  The reference for heat use: a controller that
    keeps the screen closed longer, or lets the air sag, can use a little less."""
    profile = crop_profile(scenario.crop)
    period_s = scenario.control_period_s
    start_s = _start_s(scenario)
    periods = day_periods_ms(scenario, weather.latitude, len(weather))
    air0_c = heating_setpoint(profile, start_s * MILLI, *periods[0]) / MILLI
    plant = Greenhouse(params_for(scenario), air_c=air0_c, rh_pct=80.0)
    commands = Commands()
    vent_offset_k = profile["vent_offset_k"] / MILLI
    open_w_m2 = screen_open_w_m2(scenario.greenhouse)
    t_out, sun, wind = weather.t_out_c, weather.global_w_m2, weather.wind_m_s
    out_vapour = outdoor_vapour_kg_m3(weather)
    for k in range(len(weather)):
        day, time_of_day_s = divmod(start_s + k * period_s, DAY_S)
        heat_sp_c = heating_setpoint(profile, time_of_day_s * MILLI, *periods[day]) / MILLI
        plant.ideal_band = (heat_sp_c, heat_sp_c + vent_offset_k)
        dark_and_cold = sun[k] < open_w_m2 and t_out[k] < SCREEN_COLD_C / MILLI
        commands.screen_pct = 100.0 if scenario.greenhouse.screen and dark_and_cold else 0.0
        plant.step(period_s, t_out[k], out_vapour[k], sun[k], wind[k], commands)
    return plant.energy.ideal_heat_j / J_PER_KWH


def stderr_progress(label):
    """A rich progress bar on a terminal; nothing when output is redirected."""
    if not sys.stderr.isatty():
        return None, lambda: None
    from rich.progress import Progress

    bar = Progress(transient=True)
    task = bar.add_task(label, total=1.0)
    bar.start()

    def update(done, total):
        bar.update(task, completed=done / total)

    return update, bar.stop

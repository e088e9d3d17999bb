"""Drip irrigation and fertigation in the simulator: the hydraulics, the
controller interface, and the metrics.

Hydraulics.  One irrigation pump feeds one valve group at a time through the
mixer (host_sim/mixer.py) and the drip lines: water flows only while the
pump is on, not tripped, and a valve is open; the group then gets
dripper flow x drippers per m2 x its area (pressure-compensating drippers),
or the pump's capacity if that is less.  The water goes to the group's root
zone (host_sim/rootzone.py) at the mean EC that left the mixer over the
tick.  Drip lines are
taken as full: water reaches the plants as soon as it flows.

The controller interface.  Each tick, after the climate step (the
controller's step() and the plant's), the runner calls
`controller.irrigate(time_of_day_s, meas, dt_s, irr)` when the controller
has that method, otherwise the timer baseline's
(host_sim/irrigation_baseline.py).  `meas` is the tick's Measurements, read
at the start of the tick, with `substrate_pct`, `flow_l_min`, `drain_ml`,
`ec_ms_cm` and `ph` (None when missing or failed); `irr` is the
IrrigationCommands below, reused from tick to tick, which the controller
fills; it returns its alarm bits (an int, 0 for none), named by the
controller's `irrigation_alarm_text` ((bit, code, text), ...) if it has one,
else by its `alarm_text`.  The commands hold over the tick.  An exception in
irrigate() is counted in the run's `errors` and the commands stand as they
are; a valve_group outside 0..groups is a ValueError that ends the run.

The metrics (IrrigationTally, on the true state): water per m2 of the
irrigated area and mine water in m3; group starts (a group getting water
after it did not); daily drain fractions (the day's drain over the day's
water); the root-zone EC averaged over the groups and the run; the supply's
EC and pH error against the targets the controller reports, averaged over
the time it doses into flowing water; the time it doses with no flow; and
episodes of supply water over the EC limit or under the pH limit reaching
the crop.
"""

from typing import Any

from host_sim.mixer import Mixer
from host_sim.psychro import LATENT_HEAT_J_KG
from host_sim.rootzone import RootZone

MIN_PER_H = 60.0
S_PER_MIN = 60.0
L_PER_M3 = 1000.0
ML_PER_L = 1000.0
PCT = 100.0
NAN = float("nan")
SERIES_KEYS = (
    "substrate_pct", "water_ml_m2", "drain_ml_m2", "flow_l_min", "supply_ec_ms_cm", "root_ec_ms_cm",
    "ec_target_ms_cm", "supply_ph", "ph_target",
)  # fmt: skip


class IrrigationCommands:
    """What an irrigation controller commands for the coming tick, and the targets it reports."""

    __slots__ = (
        "pump_on",
        "valve_group",
        "dose_a_pct",
        "dose_b_pct",
        "dose_acid_pct",
        "ec_target_ms_cm",
        "ph_target",
        "drain_target",
    )

    def __init__(self) -> None:
        # (Any: the same checks compiled and plain, whatever a controller writes.)
        self.pump_on: Any = False  # taken as true or false
        self.valve_group: Any = 0  # an int: 0 every valve shut; 1..groups that group's valve open
        self.dose_a_pct: float = 0.0  # dosing pump duties, 0..100 % of each pump's maximum flow
        self.dose_b_pct: float = 0.0
        self.dose_acid_pct: float = 0.0
        # Reported for the metrics (None: not reported).
        self.ec_target_ms_cm: float | None = None  # supply EC the controller aims at, mS/cm
        self.ph_target: float | None = None  # supply pH it aims at
        self.drain_target: float | None = None  # daily drain fraction it aims at, 0..1


def group_flow_l_min(spec: Any) -> float:
    """The flow into one valve group (an IrrigationSpec): its drippers', or the pump's capacity."""
    drippers_l_min = spec.dripper_l_h * spec.drippers_per_m2 * spec.group_area_m2 / MIN_PER_H
    return float(min(drippers_l_min, spec.pump_l_min))


def _duty(pct: float) -> float:
    return min(max(pct, 0.0), PCT)


class IrrigationSystem:
    """Pump, valves, mixer and the root zones of the valve groups, per m2 of each group."""

    def __init__(self, spec: Any) -> None:
        self.groups: int = spec.groups
        self.group_area_m2: float = spec.group_area_m2
        self.group_flow_l_min = group_flow_l_min(spec)
        self.pump_tripped = False
        self.mixer = Mixer(
            spec.raw_ec_ms_cm, spec.raw_ph, spec.raw_alkalinity_mmol_l, spec.stock_ec_per_ml_l,
            spec.dose_pump_l_h, spec.acid_pump_l_h, spec.acid_mol_l, spec.mixing_l,
        )  # fmt: skip
        self.zones: list[RootZone] = [
            RootZone(
                spec.substrate_l_m2,
                spec.capacity_pct,
                spec.saturation_pct,
                spec.drain_tau_min * S_PER_MIN,
                spec.stress_pct,
                spec.wilting_pct,
                spec.uptake_ec_ms_cm,
                spec.start_pct,
                spec.start_ec_ms_cm,
            )  # fmt: skip
            for _ in range(spec.groups)
        ]
        # The last step's.
        self.flow_l_min = 0.0  # true flow in the main line
        self.group = 0  # the group that got water (0: none)
        self.dosing = False  # any dosing pump ran

    def flow_for(self, irr: IrrigationCommands) -> float:
        """The main line's flow for these commands: one group at a time, a running pump."""
        group = irr.valve_group
        if not isinstance(group, int) or isinstance(group, bool) or not 0 <= group <= self.groups:
            raise ValueError(f"valve_group must be an int in 0..{self.groups}, got {group!r}")
        if irr.pump_on and group > 0 and not self.pump_tripped:
            return self.group_flow_l_min
        return 0.0

    def step(self, dt_s: float, irr: IrrigationCommands, demand_l_m2: float) -> None:
        """Advance dt_s under irr; demand_l_m2: what the crop transpired over the step (the climate model)."""
        flow = self.flow_for(irr)
        dose_a, dose_b, dose_acid = _duty(irr.dose_a_pct), _duty(irr.dose_b_pct), _duty(irr.dose_acid_pct)
        self.mixer.step(flow, dose_a, dose_b, dose_acid, dt_s)
        self.flow_l_min = flow
        self.group = int(irr.valve_group) if flow > 0.0 else 0
        self.dosing = dose_a > 0.0 or dose_b > 0.0 or dose_acid > 0.0
        in_l_m2 = flow * dt_s / S_PER_MIN / self.group_area_m2
        supply_ec = self.mixer.delivered_ec_ms_cm
        for index, zone in enumerate(self.zones):
            zone.step(dt_s, in_l_m2 if index + 1 == self.group else 0.0, supply_ec, demand_l_m2)


class IrrigationTally:
    """The irrigation metrics, added up tick by tick on the true state; and the
    series for plots (sums and means over each record interval)."""

    def __init__(self, system: IrrigationSystem, spec: Any) -> None:
        self.system = system
        self.ec_limit_ms_cm: float = spec.ec_limit_ms_cm
        self.ph_min: float = spec.ph_min
        self.water_l = 0.0  # through the main line
        self.starts = 0
        self.last_group = 0
        self.day = -1
        self.daily_water_l_m2: list[float] = []  # the house's mean, per calendar day of the run
        self.daily_drain_l_m2: list[float] = []
        self.daily_uptake_l_m2: list[float] = []
        self.time_s = 0.0
        self.root_ec_s = 0.0  # mean root-zone EC x time
        self.ec_err_s = 0.0  # |supply EC - target| x time, while dosing into flowing water
        self.ec_err_time_s = 0.0
        self.ph_err_s = 0.0
        self.ph_err_time_s = 0.0
        self.dosing_without_flow_s = 0.0
        self.violating = False
        self.violations = 0
        self.drain_target: float | None = None
        self.stored0_l_m2 = sum(zone.water_l_m2 for zone in system.zones) / len(system.zones)
        self.uptake_total_l_m2 = 0.0
        # The record interval's: group 1's water and drain (L/m2), the main
        # line's volume, flow-weighted supply EC and pH, the targets last seen.
        self.rec_water = 0.0
        self.rec_drain = 0.0
        self.rec_flow_l = 0.0
        self.rec_ec_l = 0.0
        self.rec_ph_l = 0.0
        self.rec_s = 0.0
        self.rec_ec_target = NAN
        self.rec_ph_target = NAN

    def add(self, irr: IrrigationCommands, dt_s: float, day: int) -> None:
        system = self.system
        zones = system.zones
        while self.day < day:
            self.day += 1
            self.daily_water_l_m2.append(0.0)
            self.daily_drain_l_m2.append(0.0)
            self.daily_uptake_l_m2.append(0.0)
        n = len(zones)
        water = drain = root_ec = uptake = 0.0
        for zone in zones:
            drain += zone.last_drain_l_m2
            root_ec += zone.ec_ms_cm
            uptake += zone.uptake_l_m2
        flow = system.flow_l_min
        mixer = system.mixer
        volume_l = flow * dt_s / S_PER_MIN
        if flow > 0.0:
            water = volume_l / system.group_area_m2
        self.daily_water_l_m2[day] += water / n
        self.daily_drain_l_m2[day] += drain / n
        self.daily_uptake_l_m2[day] += uptake / n - self.uptake_total_l_m2
        self.uptake_total_l_m2 = uptake / n
        self.water_l += volume_l
        group = system.group
        if group != 0 and group != self.last_group:
            self.starts += 1
        self.last_group = group
        self.time_s += dt_s
        self.root_ec_s += root_ec / n * dt_s
        if system.dosing:
            if flow > 0.0:
                if irr.ec_target_ms_cm is not None:
                    self.ec_err_s += abs(mixer.ec_ms_cm - irr.ec_target_ms_cm) * dt_s
                    self.ec_err_time_s += dt_s
                if irr.ph_target is not None:
                    self.ph_err_s += abs(mixer.ph - irr.ph_target) * dt_s
                    self.ph_err_time_s += dt_s
            else:
                self.dosing_without_flow_s += dt_s
        violating = flow > 0.0 and (mixer.ec_ms_cm > self.ec_limit_ms_cm or mixer.ph < self.ph_min)
        if violating and not self.violating:
            self.violations += 1
        self.violating = violating
        if irr.drain_target is not None:
            self.drain_target = irr.drain_target
        # The series.
        first = zones[0]
        self.rec_water += water if group == 1 else 0.0
        self.rec_drain += first.last_drain_l_m2
        self.rec_flow_l += volume_l
        self.rec_ec_l += mixer.ec_ms_cm * volume_l
        self.rec_ph_l += mixer.ph * volume_l
        self.rec_s += dt_s
        self.rec_ec_target = NAN if irr.ec_target_ms_cm is None else irr.ec_target_ms_cm
        self.rec_ph_target = NAN if irr.ph_target is None else irr.ph_target

    def record(self, series: dict) -> None:
        """One row of the series: the interval's sums and means, then start a new interval."""
        first = self.system.zones[0]
        flowing = self.rec_flow_l > 0.0
        row = (
            first.water_pct,
            self.rec_water * ML_PER_L,
            self.rec_drain * ML_PER_L,
            self.rec_flow_l / self.rec_s * S_PER_MIN if self.rec_s > 0.0 else 0.0,
            self.rec_ec_l / self.rec_flow_l if flowing else NAN,
            first.ec_ms_cm,
            self.rec_ec_target,
            self.rec_ph_l / self.rec_flow_l if flowing else NAN,
            self.rec_ph_target,
        )
        for key, value in zip(SERIES_KEYS, row, strict=True):
            series[key].append(value)
        self.rec_water = self.rec_drain = self.rec_flow_l = self.rec_ec_l = self.rec_ph_l = self.rec_s = 0.0

    def metrics(self) -> dict:
        zones = self.system.zones
        n = len(zones)
        water_in = uptake = drained = stored = 0.0
        for zone in zones:
            water_in += zone.water_in_l_m2 / n
            uptake += zone.uptake_l_m2 / n
            drained += zone.drain_l_m2 / n
            stored += zone.water_l_m2 / n
        fractions: list[float | None] = [
            drain / water if water > 0.0 else None
            for water, drain in zip(self.daily_water_l_m2, self.daily_drain_l_m2, strict=True)
        ]
        given = [fraction for fraction in fractions if fraction is not None]
        return {
            "water_l_m2": water_in,
            "mine_water_m3": self.water_l / L_PER_M3,
            "irrigation_starts": self.starts,
            "drain_fraction_mean": sum(given) / len(given) if given else None,
            "drain_fraction_daily": fractions,
            "drain_fraction_target": self.drain_target,
            "substrate_ec_mean": self.root_ec_s / self.time_s if self.time_s > 0.0 else None,
            "ec_abs_err_ms_cm": self.ec_err_s / self.ec_err_time_s if self.ec_err_time_s > 0.0 else None,
            "ph_abs_err": self.ph_err_s / self.ph_err_time_s if self.ph_err_time_s > 0.0 else None,
            "dosing_without_flow_s": self.dosing_without_flow_s,
            "ec_limit_violations": self.violations,
            # Beyond the keys: where the water went, per m2 and per day.
            "uptake_l_m2": uptake,
            "drain_l_m2": drained,
            "water_l_m2_daily": list(self.daily_water_l_m2),
            "uptake_l_m2_daily": list(self.daily_uptake_l_m2),
            "drain_l_m2_daily": list(self.daily_drain_l_m2),
            "water_balance_error_l_m2": water_in - uptake - drained - (stored - self.stored0_l_m2),
        }


class Irrigation:
    """Irrigation in a run: the system, its sensors, the controller's (or the
    timer baseline's) commands, and the tally; the runner calls read_into
    before the controllers and tick after the climate's step, each tick."""

    def __init__(self, scenario: Any, controller: Any) -> None:
        from host_sim.irrigation_baseline import TimerBaseline
        from host_sim.sensors import IrrigationSensors

        spec = scenario.irrigation
        self.system = IrrigationSystem(spec)
        self.tally = IrrigationTally(self.system, spec)
        mixer = self.system.mixer
        self.sensors = IrrigationSensors(
            scenario.seed, spec.start_pct, mixer.ec_ms_cm, mixer.ph, spec.drain_tip_ml, spec.probes
        )
        self.catchment_ml_per_l_m2: float = spec.drain_catchment_m2 * ML_PER_L
        self.commands = IrrigationCommands()
        self.controller: Any = controller if hasattr(controller, "irrigate") else TimerBaseline(scenario)
        self.alarm_text = getattr(self.controller, "irrigation_alarm_text", None)
        if self.alarm_text is None:
            self.alarm_text = getattr(self.controller, "alarm_text", ())
        self.bits = 0  # the controller's last alarm bits
        self.errors = 0  # exceptions raised by its irrigate()
        self.transpiration_j = 0.0  # the climate model's total at the last tick (it starts at 0)

    def read_into(self, meas: Any, dt_s: float) -> None:
        system = self.system
        first = system.zones[0]
        drain_ml = first.last_drain_l_m2 * self.catchment_ml_per_l_m2
        mixer = system.mixer
        self.sensors.read_into(
            meas, first.water_pct, system.flow_l_min, drain_ml, mixer.ec_ms_cm, mixer.ph, dt_s
        )

    def tick(self, time_of_day_s: float, meas: Any, dt_s: float, transpiration_j: float, day: int) -> int:
        """The controller's commands for this tick (an error in it is counted
        and its commands held), then the tick under them; transpiration_j: the
        climate model's running total of transpiration (J/m2) after its step,
        the crop's demand for water.  Returns the controller's alarm bits."""
        try:
            self.bits = int(self.controller.irrigate(time_of_day_s, meas, dt_s, self.commands))
        except Exception as error:
            if getattr(error, "fatal", False):  # (the MicroPython node has stopped)
                raise
            self.errors += 1
        demand_l_m2 = (transpiration_j - self.transpiration_j) / LATENT_HEAT_J_KG
        self.transpiration_j = transpiration_j
        self.system.step(dt_s, self.commands, demand_l_m2)
        self.tally.add(self.commands, dt_s, day)
        return self.bits

    def apply_fault(self, target: str, kind: str, value: float | None, active: bool) -> bool:
        """Start or end a fault on an irrigation target; False if the target is not one of these."""
        if target == "irrigation_pump":
            self.system.pump_tripped = active
            return True
        sensor = self.sensors.by_target.get(target)
        if sensor is None:
            return False
        if active:
            sensor.set_fault(kind, value)
        else:
            sensor.clear_fault()
        return True

"""The timer-only irrigation baseline: what a simple irrigation timer (a
sprinkler controller, ESPHome's `sprinkler`) does, with a water-driven
proportional injector (Dosatron style) for A/B stock and acid.

- Fixed start times every day: `timer_starts` evenly from `timer_from_h` to
  `timer_to_h` (solar time; one start: at `timer_from_h`).
- Each start runs the valve groups in turn, each for the time its dose
  (`timer_dose_ml_m2` per m2) takes at the design flow, in whole control
  ticks: a group's run is rounded to the tick and the rest carried to the
  next, so the day's water is the doses' to within half a tick.
- No feedback: it looks at neither the substrate, the drain, the EC, the pH
  nor the weather.  It does not water more on bright days: the crop drinks
  more of the same water and less of it drains; on dull days more drains.
  Its drain fraction follows the weather, which is the point of comparing it
  with a controller that starts on the radiation sum and trims on drain.
- The injector is sized once, at the design raw water (`design_raw_ec_ms_cm`,
  `design_alkalinity_mmol_l`), for the crop's target EC and pH at the design
  flow.  The water drives it, so it doses in proportion to the water through
  it: here, to the flow meter's reading (none before the water runs, none
  once the pump stops; a failed flow meter stops it too, unlike a real
  water-driven injector).

It reports the targets it was sized for (ec_target_ms_cm, ph_target) and no
drain target: it has none.
"""

from typing import Any

from host_sim.irrigation import IrrigationCommands, group_flow_l_min
from host_sim.mixer import acid_for_ph_mmol_l, total_carbonate_mmol_l

DAY_S = 86400.0
S_PER_H = 3600.0
S_PER_MIN = 60.0
MIN_PER_H = 60.0
ML_PER_L = 1000.0
MMOL_PER_MOL = 1000.0
PCT = 100.0


def run_min(spec: Any) -> float:
    """Minutes one group's dose takes at the design flow (an IrrigationSpec)."""
    return spec.timer_dose_ml_m2 / ML_PER_L * spec.group_area_m2 / group_flow_l_min(spec)


def round_min(spec: Any) -> float:
    """Minutes a start takes: every group in turn."""
    return spec.groups * run_min(spec)


def injector_pct(spec: Any) -> tuple[float, float]:
    """The injector's duties (A and B each, acid), % of the dosing pumps' maximum
    flow, that give the target EC and pH at the design flow and raw water."""
    flow_l_min = group_flow_l_min(spec)
    nutrient_ec = max(0.0, spec.target_ec_ms_cm - spec.design_raw_ec_ms_cm)
    stock_ml_min = nutrient_ec / spec.stock_ec_per_ml_l * flow_l_min  # A + B together
    ab_pct = stock_ml_min / 2.0 / (spec.dose_pump_l_h * ML_PER_L / MIN_PER_H) * PCT
    carbonate = total_carbonate_mmol_l(spec.design_alkalinity_mmol_l, spec.raw_ph)
    acid_mmol_l = acid_for_ph_mmol_l(spec.design_alkalinity_mmol_l, carbonate, spec.target_ph)
    acid_l_min = acid_mmol_l * flow_l_min / (spec.acid_mol_l * MMOL_PER_MOL)
    acid_pct = acid_l_min / (spec.acid_pump_l_h / MIN_PER_H) * PCT
    return ab_pct, acid_pct


class TimerBaseline:
    """The timer and its injector, with the interface of an irrigation
    controller: irrigate(time_of_day_s, meas, dt_s, irr) -> alarm bits."""

    name = "timer"
    alarm_text = ()

    def __init__(self, scenario: Any) -> None:
        spec = scenario.irrigation
        self.groups: int = spec.groups
        starts = spec.timer_starts
        step_h = (spec.timer_to_h - spec.timer_from_h) / (starts - 1) if starts > 1 else 0.0
        self.starts_s: list[float] = [
            (spec.timer_from_h + i * step_h) * S_PER_H % DAY_S for i in range(starts)
        ]
        self.run_s: float = run_min(spec) * S_PER_MIN
        self.design_flow_l_min: float = group_flow_l_min(spec)
        self.ab_pct, self.acid_pct = injector_pct(spec)
        self.ec_target_ms_cm: float = spec.target_ec_ms_cm
        self.ph_target: float = spec.target_ph
        self.last_s: float = -1.0  # the last call's time of day (-1: none yet)
        self.group = 0  # running: the group watered now; 0: idle
        self.ticks_left = 0
        self.carry_s = 0.0  # run time owed (+) or given ahead (-) by the rounding to ticks

    def _started(self, time_of_day_s: float, dt_s: float) -> bool:
        """A start time in (the last call, now]."""
        last = self.last_s if self.last_s >= 0.0 else (time_of_day_s - dt_s) % DAY_S
        self.last_s = time_of_day_s
        for start in self.starts_s:
            if last < time_of_day_s:
                if last < start <= time_of_day_s:
                    return True
            elif start > last or start <= time_of_day_s:  # across midnight
                return True
        return False

    def _run_ticks(self, dt_s: float) -> int:
        owed_s = self.run_s + self.carry_s
        ticks = max(1, round(owed_s / dt_s))
        self.carry_s = owed_s - ticks * dt_s
        return ticks

    def irrigate(self, time_of_day_s: float, meas: Any, dt_s: float, irr: IrrigationCommands) -> int:
        if self._started(time_of_day_s, dt_s) and self.group == 0:
            self.group = 1
            self.ticks_left = self._run_ticks(dt_s)
        elif self.group and self.ticks_left == 0:
            self.group = self.group + 1 if self.group < self.groups else 0
            self.ticks_left = self._run_ticks(dt_s) if self.group else 0
        running = self.group > 0
        if running:
            self.ticks_left -= 1
        irr.pump_on = running
        irr.valve_group = self.group
        flow = meas.flow_l_min
        drive = flow / self.design_flow_l_min if running and flow is not None else 0.0
        irr.dose_a_pct = min(PCT, self.ab_pct * drive)
        irr.dose_b_pct = irr.dose_a_pct
        irr.dose_acid_pct = min(PCT, self.acid_pct * drive)
        irr.ec_target_ms_cm = self.ec_target_ms_cm
        irr.ph_target = self.ph_target
        irr.drain_target = None
        return 0

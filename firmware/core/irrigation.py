# Drip irrigation: when each valve group starts, how much it gets, and the
# drain feedback that holds the drain fraction at the crop's target.
#
# Starts, per group, as commercial climate computers make them:
#   - radiation sum: the sun since the group's last start passes start_j_cm2
#     (J/cm2) while the radiation is above start_min_w_m2; the crop drinks
#     with the sun, so bright days get more starts;
#   - maximum interval: max_interval_ms since the last start (the day's first
#     start comes as the window opens);
#   - substrate: the water content falls below substrate_start_pct;
# all inside the day's window (window_start_ms after sunrise to window_end_ms
# before sunset) and never within min_interval_ms of the group's last start;
# at night only the optional night rule: water content below night_wc_pct.
#
# By hand: request(number) queues one start of a group now, outside the
# rules and the window, through the same path (in turn, flow proven, dosed,
# held by a trip) and counted in the totals; off holds every start off (the
# running one stops) until it is cleared.
#
# One pump feeds one group at a time: due groups queue and run in turn.  A
# start counts its dose by the flow meter once flow is proven (at least half
# the group's nominal flow); no proven flow within prove_ms stops the start
# with ALARM_NO_FLOW and the group is tried again retry_ms later.  A missing
# flow meter times the dose at the nominal flow (plants need water) with
# ALARM_FLOW_SENSOR; flow is then never "proven", so no fertiliser is dosed.
#
# Drain feedback: a drain gauge under drain_area_m2 of the gauge group.
# Once the gauge has tipped in the day (the morning's starts refill the slab
# and drain nothing, which says nothing of the dose), each start's drain
# fraction (drain collected until the group's next start, per m2, over the
# dose) moves the dose toward the target: the dose factor
# (per-mille of dose_ml_m2) changes by drain_gain_pm per-mille for each
# per-mille of drain error, within dose_min_pm..dose_max_pm.  A start's drain
# fraction is 1 - deficit / dose (the deficit: what the crop took since the
# last start), so a larger dose raises it.
#
# Units: water in mL and mL/m2, flow in mL/min (milli-L/min), radiation sums
# in mJ/cm2, fractions in per-mille, water content in milli-% (core/fixed.py).

from core.fixed import clamp, const, muldiv

DAY_MS = const(86400000)
SINCE_MAX_MS = const(1000000000)
SPACING_MIN_PM = const(500)
SPACING_MAX_PM = const(4000)
ALARM_NO_FLOW = const(1)
ALARM_FLOW_SENSOR = const(2)
ALARM_DRAIN_SENSOR = const(4)
ALARM_SUBSTRATE_SENSOR = const(8)
ALARM_OVERRUN = const(16)
ALARM_HELD = const(32)
ALARM_DRAIN_SILENT = const(64)
ALARM_TEXT = (
    (ALARM_NO_FLOW, "no_flow", "irrigation pump on but no flow: start stopped, tried again later"),
    (ALARM_FLOW_SENSOR, "flow_sensor", "flow meter missing: doses timed at nominal flow, no fertiliser"),
    (ALARM_DRAIN_SENSOR, "drain_sensor", "drain gauge missing: dose held, no drain feedback"),
    (ALARM_SUBSTRATE_SENSOR, "substrate_sensor", "substrate sensor missing: its start rules are off"),
    (ALARM_OVERRUN, "irrigation_overrun", "a start ran three times its expected time: stopped"),
    (ALARM_HELD, "irrigation_held", "irrigation held by a fertigation limit: acknowledge it"),
    (
        ALARM_DRAIN_SILENT,
        "drain_silent",
        "no drain for much water: the gauge may be stuck; dose held at its base",
    ),
)


class Group:
    """One valve group: its area and nominal flow, and its start state."""

    def __init__(self, area_m2, flow_ml_min):
        self.area_m2 = area_m2
        self.flow_ml_min = flow_ml_min  # nominal: drippers x dripper flow
        self.sum_mj_cm2 = 0  # radiation since the last start
        self.since_ms = SINCE_MAX_MS  # since the last start (none yet)
        self.retry_ms = 0  # > 0: a failed start is tried again after this
        self.queued = False


class Irrigation:
    def __init__(self, groups, drain_group=1, drain_area_m2=0, drain_target_pm=300):
        """groups: ((area_m2, nominal flow in mL/min), ...), at least one;
        drain_group: the group with the drain gauge (1-based), drain_area_m2
        its catchment (0: no gauge)."""
        if not groups:
            raise ValueError("irrigation needs at least one valve group")
        self.groups = [Group(area, flow) for area, flow in groups]
        self.drain_group = clamp(drain_group, 1, len(self.groups))
        self.drain_area_m2 = drain_area_m2
        # Settings (core/settings.py "irr." keys).
        self.start_j_cm2 = 100
        self.start_min_w_m2 = 150
        self.max_interval_ms = 7200000
        self.min_interval_ms = 1200000
        self.substrate_start_pct = 0  # 0: off
        self.night_wc_pct = 0  # 0: no night starts
        self.window_start_ms = 3600000
        self.window_end_ms = 7200000
        self.dose_ml_m2 = 250
        self.dose_min_pm = 500
        self.dose_max_pm = 2000
        self.drain_target_pm = drain_target_pm
        self.drain_gain_pm = 1000
        self.drain_silent_ml_m2 = 1500  # water given without drain that makes the gauge suspect; 0: never
        self.prove_ms = 30000
        self.retry_ms = 600000
        # Day bounds (set_day), as the Climate's.
        self.day_start_ms = 21600000
        self.day_end_ms = 64800000
        # The running start.
        self.active = 0  # the group running, 1-based; 0: none
        self.hold = False  # set by a fertigation limit: no starts until released
        self.off = False  # held off by hand (gh.manual("irrigation", False)): no starts until cleared
        self.flow_proven = False
        self.run_ms = 0
        self.delivered_ml = 0
        self.target_ml = 0
        self._queue = []
        self._rad_rest = 0  # the radiation sum's remainder, W/m2 x ms
        self._last_tod_ms = -1
        # Drain feedback.
        self.dose_factor_pm = 1000
        self.spacing_pm = 1000  # on start_j_cm2 and max_interval_ms, per-mille
        self._in_window = False
        self.start_dose_ml_m2 = 0  # the gauge group's last start, per m2
        self.start_drain_ml = 0  # drain collected since then
        self.dry_ml_m2 = 0  # water given to the gauge group since its last drain
        self.drained_today = False  # the gauge has tipped today (the slab is back at capacity)
        self.drain_silent = False
        # Today's totals (totals()), and yesterday's (yesterday()).
        self.starts = 0
        self.water_ml = 0  # all groups
        self.gauge_water_ml = 0  # the gauge group's
        self.drain_ml = 0  # in the gauge
        self.last_starts = -1  # -1: no day has ended yet
        self.last_water_ml = self.last_gauge_water_ml = self.last_drain_ml = 0
        self.new_day = False  # this tick began a day (the time of day wrapped)
        self.alarms = 0
        self._no_flow = False  # latched until a start succeeds

    def set_day(self, sunrise_ms, sunset_ms):
        self.day_start_ms = sunrise_ms
        self.day_end_ms = sunset_ms

    def tick(self, time_of_day_ms, dt_ms, radiation_w_m2, substrate_pct, flow_ml_min, drain_ml):
        """One step: readings in the core's scales, None when missing; drain_ml
        is the drain gauge's collection since the last tick.  Sets active,
        flow_proven and alarms; returns the group to open (0: none, pump off)."""
        alarms = ALARM_NO_FLOW if self._no_flow else 0
        if self.drain_silent:
            alarms |= ALARM_DRAIN_SILENT
        self.new_day = time_of_day_ms < self._last_tod_ms
        if self.new_day:
            self._new_day()
        self._last_tod_ms = time_of_day_ms
        self._sum_radiation(radiation_w_m2, dt_ms)
        if substrate_pct is None and (self.substrate_start_pct or self.night_wc_pct):
            alarms |= ALARM_SUBSTRATE_SENSOR
        if drain_ml is None:
            if self.drain_area_m2:
                alarms |= ALARM_DRAIN_SENSOR
        elif drain_ml > 0 and self.drain_area_m2:
            self.start_drain_ml += drain_ml
            self.drain_ml += drain_ml
        self._due(time_of_day_ms, dt_ms, radiation_w_m2, substrate_pct)
        if self.hold or self.off:
            if self.hold:
                alarms |= ALARM_HELD
            self._stop()
        elif self.active:
            alarms |= self._run(dt_ms, flow_ml_min)
        elif self._queue:
            self._start(self._queue.pop(0))
            alarms |= self._run(0, flow_ml_min)
        self.alarms = alarms
        return self.active

    # -- starts ---------------------------------------------------------------

    def _sum_radiation(self, radiation_w_m2, dt_ms):
        if radiation_w_m2 is None or radiation_w_m2 <= 0:
            return
        # W/m2 x ms = 1e-3 J/m2 = 1e-7 J/cm2 = 1e-4 mJ/cm2.
        total = radiation_w_m2 * dt_ms + self._rad_rest
        added = total // 10000
        self._rad_rest = total - added * 10000
        for group in self.groups:
            group.sum_mj_cm2 = clamp(group.sum_mj_cm2 + added, 0, SINCE_MAX_MS)

    def _due(self, time_of_day_ms, dt_ms, radiation_w_m2, substrate_pct):
        in_window = (
            self.day_start_ms + self.window_start_ms <= time_of_day_ms < self.day_end_ms - self.window_end_ms
        )
        night = not self.day_start_ms <= time_of_day_ms < self.day_end_ms
        sunny = radiation_w_m2 is not None and radiation_w_m2 >= self.start_min_w_m2
        opening = in_window and not self._in_window  # the maximum interval counts from here
        self._in_window = in_window
        start_mj_cm2 = self.start_j_cm2 * self.spacing_pm
        max_interval_ms = self.max_interval_ms // 1000 * self.spacing_pm
        for index in range(len(self.groups)):
            group = self.groups[index]
            group.since_ms = 0 if opening else clamp(group.since_ms + dt_ms, 0, SINCE_MAX_MS)
            if group.queued or self.active == index + 1:
                continue
            if group.retry_ms:
                group.retry_ms = max(group.retry_ms - dt_ms, 0)
                due = group.retry_ms == 0
            elif group.since_ms < self.min_interval_ms and not opening:
                continue
            elif in_window:
                due = (
                    (sunny and group.sum_mj_cm2 >= start_mj_cm2)
                    or (max_interval_ms and group.since_ms >= max_interval_ms)
                    or (substrate_pct is not None and substrate_pct < self.substrate_start_pct)
                )
            else:
                due = night and substrate_pct is not None and substrate_pct < self.night_wc_pct
            if due:
                group.queued = True
                self._queue.append(index + 1)

    def request(self, number):
        """A start by hand: group number (1-based) is queued now, whatever its
        rules and the window, and runs as a due start does.  Returns None, or
        why it is not queued (held, or the group already queued or running);
        a number that is no group raises ValueError and changes nothing."""
        count = len(self.groups)
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= count:
            raise ValueError("group must be a valve group 1..%d, got %r" % (count, number))
        if self.hold:
            return "irrigation held by a fertigation trip: acknowledge it first"
        if self.off:
            return "irrigation held off by hand"
        group = self.groups[number - 1]
        if group.queued or self.active == number:
            return "already running or queued"
        group.queued = True
        self._queue.append(number)
        return None

    def _start(self, number):
        group = self.groups[number - 1]
        group.queued = False
        group.since_ms = 0  # the sums and intervals count from a start
        group.sum_mj_cm2 = 0
        group.retry_ms = 0  # (a start by hand may come before a retry)
        if number == self.drain_group:
            self._drain_feedback()
        dose_ml_m2 = self.dose_ml_m2 * self.dose_factor_pm // 1000
        self.active = number
        self.run_ms = 0
        self.delivered_ml = 0
        self.flow_proven = False
        self.target_ml = dose_ml_m2 * group.area_m2
        if number == self.drain_group:
            self.start_dose_ml_m2 = dose_ml_m2
            self.start_drain_ml = 0

    def _drain_feedback(self):
        """The gauge group's last start: its drain fraction moves the dose."""
        if not self.start_dose_ml_m2 or not self.drain_area_m2:
            return
        if self.start_drain_ml == 0:  # a slab filling gives none, for a while; a jammed gauge never
            self.dry_ml_m2 = clamp(self.dry_ml_m2 + self.start_dose_ml_m2, 0, SINCE_MAX_MS)
            if self.drain_silent_ml_m2 and self.dry_ml_m2 >= self.drain_silent_ml_m2:
                self.drain_silent = True  # not believed: the base dose until drain is seen again
                self.dose_factor_pm = 1000
                self.spacing_pm = 1000
                return
            if not self.drained_today:  # the morning's refill of the slab: no verdict yet
                return
        else:
            self.dry_ml_m2 = 0
            self.drain_silent = False
            self.drained_today = True
        drain_ml_m2 = self.start_drain_ml // self.drain_area_m2
        fraction_pm = clamp(drain_ml_m2 * 1000 // self.start_dose_ml_m2, 0, 1000)
        step = (self.drain_target_pm - fraction_pm) * self.drain_gain_pm // 1000
        wanted = self.dose_factor_pm + step
        self.dose_factor_pm = clamp(wanted, self.dose_min_pm, self.dose_max_pm)
        # What the dose cannot take moves the starts: less water wanted at the
        # least dose spaces them out, more at the largest brings them closer.
        beyond = wanted - self.dose_factor_pm
        self.spacing_pm = clamp(self.spacing_pm - beyond, SPACING_MIN_PM, SPACING_MAX_PM)

    # -- the running start -------------------------------------------------------

    def _run(self, dt_ms, flow_ml_min):
        group = self.groups[self.active - 1]
        self.run_ms += dt_ms
        alarms = 0
        if flow_ml_min is None:  # no meter: timed at the nominal flow, never proven
            alarms = ALARM_FLOW_SENSOR
            self.flow_proven = False
            self._deliver(group.flow_ml_min, dt_ms)
        elif flow_ml_min * 2 >= group.flow_ml_min:
            self.flow_proven = True
            self._no_flow = False
            self._deliver(flow_ml_min, dt_ms)
        else:
            self.flow_proven = False
            if self.run_ms >= self.prove_ms:  # the pump is not delivering
                self._no_flow = True
                group.retry_ms = self.retry_ms
                self._stop()
                return alarms | ALARM_NO_FLOW
        expected_s = self.target_ml * 60 // max(group.flow_ml_min, 1)
        if self.delivered_ml >= self.target_ml:
            self._done()
        elif self.run_ms > 3000 * expected_s + self.prove_ms:
            self._stop()
            return alarms | ALARM_OVERRUN
        return alarms

    def _deliver(self, flow_ml_min, dt_ms):
        step_ml = muldiv(flow_ml_min, dt_ms, 60000)
        self.delivered_ml += step_ml
        # Counted as it flows: a start stopped early (a trip, a hold, no
        # flow, overrun) still put this water on the crop and the drain.
        self.water_ml += step_ml
        if self.active == self.drain_group:
            self.gauge_water_ml += step_ml

    def _done(self):
        self.starts += 1
        self._stop()

    def stop(self):
        """Ends the running start now (a fertigation trip)."""
        self._stop()

    def _stop(self):
        self.active = 0
        self.flow_proven = False
        self.run_ms = 0

    def _new_day(self):
        self.last_starts = self.starts
        self.last_water_ml = self.water_ml
        self.last_gauge_water_ml = self.gauge_water_ml
        self.last_drain_ml = self.drain_ml
        self.starts = self.water_ml = self.gauge_water_ml = self.drain_ml = 0
        self.drained_today = False

    def totals(self):
        """Today so far: (starts, water in mL for all groups, the gauge group's
        water in mL/m2, its drain fraction per-mille or -1 before any water)."""
        return self._totals(self.starts, self.water_ml, self.gauge_water_ml, self.drain_ml)

    def yesterday(self):
        """Yesterday's totals(), as they stood when the day rolled over (the
        first after a boot counts from the boot); None before that."""
        if self.last_starts < 0:
            return None
        return self._totals(
            self.last_starts, self.last_water_ml, self.last_gauge_water_ml, self.last_drain_ml
        )

    def _totals(self, starts, water_ml, gauge_water_ml, drain_ml):
        water_ml_m2 = gauge_water_ml // self.groups[self.drain_group - 1].area_m2
        fraction_pm = -1
        if water_ml_m2 and self.drain_area_m2:
            fraction_pm = clamp(drain_ml // self.drain_area_m2 * 1000 // water_ml_m2, 0, 1000)
        return starts, water_ml, water_ml_m2, fraction_pm

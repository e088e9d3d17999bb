# Two-position (on/off) control with hysteresis and minimum on and off times.
#
# MinOnOff turns a wanted on/off into an output that respects a compressor's
# or a pump's minimum run and rest times (ESPHome's min_heating_run_time and
# min_heating_off_time).  TwoPosition adds the hysteresis: a heating output
# switches on at setpoint - deadband and off at setpoint + overrun (ESPHome's
# thermostat names); direct=True mirrors it for cooling.

from core.fixed import DT_MAX_MS, SIGNAL_MAX, TIME_MAX_MS, check_range, clamp


class MinOnOff:
    def __init__(self, min_on_ms=0, min_off_ms=0):
        check_range("min_on_ms", min_on_ms, 0, TIME_MAX_MS)
        check_range("min_off_ms", min_off_ms, 0, TIME_MAX_MS)
        self.min_on_ms = min_on_ms
        self.min_off_ms = min_off_ms
        self.on = False
        self.elapsed_ms = min_off_ms  # a fresh node may switch on at once

    def update(self, want: bool, dt_ms: int) -> bool:
        """dt_ms: time since the last call, during which .on was held."""
        self.elapsed_ms = min(self.elapsed_ms + clamp(dt_ms, 0, DT_MAX_MS), TIME_MAX_MS)
        if want != self.on:
            needed_ms = self.min_on_ms if self.on else self.min_off_ms
            if self.elapsed_ms >= needed_ms:
                self.on = bool(want)
                self.elapsed_ms = 0
        return self.on

    def force_off(self):
        """Safety trip: off now, whatever the minimum run time says."""
        if self.on:
            self.on = False
            self.elapsed_ms = 0


class TwoPosition:
    def __init__(self, deadband=500, overrun=500, min_on_ms=0, min_off_ms=0, direct=False):
        check_range("deadband", deadband, 0, SIGNAL_MAX)
        check_range("overrun", overrun, 0, SIGNAL_MAX)
        self.deadband = deadband
        self.overrun = overrun
        self.sign = -1 if direct else 1
        self.timer = MinOnOff(min_on_ms, min_off_ms)

    @property
    def on(self) -> bool:
        return self.timer.on

    def update(self, setpoint, measurement, dt_ms):
        shortfall = self.sign * (setpoint - measurement)  # > 0: output needed
        want = self.timer.on
        if shortfall >= self.deadband:
            want = True
        elif shortfall <= -self.overrun:
            want = False
        return self.timer.update(want, dt_ms)

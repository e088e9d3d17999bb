# Slow PWM (time proportioning) for on/off actuators: a duty 0..100 % becomes
# on-time within each period.  A pulse shorter than min_pulse_ms (relay and
# dosing-pump wear) is not given; the time owed, and any rounding to the step
# size, carries into the next period, so the average duty is kept exactly.
# A duty of 0 switches off at once and forgives what was owed.

from core.fixed import DT_MAX_MS, FULL_SCALE, TIME_MAX_MS, check_range, clamp, muldiv


class SlowPWM:
    def __init__(self, period_ms, min_pulse_ms=0):
        check_range("period_ms", period_ms, 1, TIME_MAX_MS)
        check_range("min_pulse_ms", min_pulse_ms, 0, period_ms // 2)
        self.period_ms = period_ms
        self.min_pulse_ms = min_pulse_ms
        self.on = False
        self._phase_ms = 0
        self._target_ms = 0  # on-time wanted in this period
        self._done_ms = 0  # on-time given in this period
        self._carry_ms = 0
        self._started = False

    def update(self, duty, dt_ms):
        """duty 0..FULL_SCALE; dt_ms: time since the last call."""
        duty = clamp(duty, 0, FULL_SCALE)
        dt_ms = clamp(dt_ms, 0, DT_MAX_MS)
        period = self.period_ms
        if self.on:
            self._done_ms += dt_ms
        self._phase_ms += dt_ms
        if not self._started or self._phase_ms >= period:
            if self._started:
                self._carry_ms = clamp(self._carry_ms + self._target_ms - self._done_ms, -period, period)
            self._phase_ms %= period
            self._start_period(duty)
            self._started = True
        if duty == 0:
            self._carry_ms = 0
            self._target_ms = self._done_ms
        self.on = self._done_ms < self._target_ms
        return self.on

    def _start_period(self, duty):
        period = self.period_ms
        wanted = muldiv(duty, period, FULL_SCALE) + self._carry_ms
        self._done_ms = 0
        if wanted < self.min_pulse_ms:
            self._target_ms = 0
            self._carry_ms = wanted
        elif wanted > period - self.min_pulse_ms:
            self._target_ms = period  # an off gap this short is not worth it
            self._carry_ms = wanted - period
        else:
            self._target_ms = wanted
            self._carry_ms = 0

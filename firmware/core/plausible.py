# Plausibility of one sensor reading, before control sees it.
#
# A spike (a burst of interference, a bad read that passed its CRC) is a jump
# no real greenhouse signal makes in one step: it is refused and the last
# good value stands in, for at most a few steps in a row, so that a real step
# (a sensor swapped for a recalibrated one) is accepted after a short delay.
# A frozen reading (a hung I2C sensor returning its last register, a stuck
# ADC) repeats the very same value: it is counted, and the caller decides how
# long is too long, since a quantised reading may rightly repeat for a while.

from core.fixed import clamp, const

FROZEN_MAX_MS = const(86400000)


class Plausible:
    def __init__(
        self, max_step: int, spike_alarm: int = 0, frozen_alarm: int = 0, max_refused: int = 3
    ) -> None:
        self.max_step = max_step  # largest believable change from one reading to the next
        self.spike_alarm = spike_alarm  # the caller's alarm bits for the two faults
        self.frozen_alarm = frozen_alarm
        self.alarms = 0  # of the last reading()
        self.max_refused = max_refused
        self.last: int | None = None
        self.refused = 0
        self.spike = False  # the last check refused a jump
        self.frozen_ms = 0  # how long the reading has repeated exactly

    def check(self, value: int | None, dt_ms: int) -> int | None:
        """The reading to use: value, or the last good one in place of a spike;
        None stays None (a missing reading is the caller's business)."""
        self.spike = False
        if value is None:
            self.frozen_ms = 0  # a dropout is not a frozen sensor
            return None
        last = self.last
        if last is not None:
            jump = value - last
            if (jump > self.max_step or -jump > self.max_step) and self.refused < self.max_refused:
                self.refused += 1
                self.spike = True
                return last
            if value == last:
                self.frozen_ms = clamp(self.frozen_ms + dt_ms, 0, FROZEN_MAX_MS)
            else:
                self.frozen_ms = 0
        self.refused = 0
        self.last = value
        return value

    def reading(self, value: int | None, dt_ms: int, frozen_limit_ms: int) -> int | None:
        """check(), and a reading repeated exactly for frozen_limit_ms (0:
        never) taken as missing; .alarms has this step's spike and frozen bits."""
        used = self.check(value, dt_ms)
        self.alarms = self.spike_alarm if self.spike else 0
        if used is not None and frozen_limit_ms and self.frozen_ms >= frozen_limit_ms:
            self.alarms |= self.frozen_alarm
            return None
        return used

# Three-point (floating) valve: two relays, open and close, and no position
# feedback.  The position is estimated by integrating the drive time against
# the valve's full travel time, kept in milliseconds of travel so it never
# drifts by rounding.  Moves shorter than min_pulse_ms are not started (relay
# and motor wear); once started a move runs at least that long.  Asked for
# 0 % or 100 %, the valve is driven past the estimated end by overrun_ms and
# the estimate is re-synced to the end stop; at power-up it is driven closed
# for a full travel plus overrun, since its position is unknown.  The re-sync
# is exact when the real travel time is within travel_ms + overrun_ms: set
# overrun_ms (default 10 % of travel) to cover the motor's tolerance.

from core.fixed import DT_MAX_MS, FULL_SCALE, TIME_MAX_MS, check_range, clamp, const, muldiv

OPEN = const(1)
STOP = const(0)
CLOSE = const(-1)


class ThreePointValve:
    def __init__(self, travel_ms, min_pulse_ms=500, deadband=1000, overrun_ms=None):
        check_range("travel_ms", travel_ms, 1000, TIME_MAX_MS)
        check_range("min_pulse_ms", min_pulse_ms, 0, travel_ms // 4)
        check_range("deadband", deadband, 0, FULL_SCALE // 4)
        if overrun_ms is None:
            overrun_ms = travel_ms // 10
        check_range("overrun_ms", overrun_ms, 0, travel_ms)
        self.travel_ms = travel_ms
        self.min_pulse_ms = min_pulse_ms
        self.deadband_ms = muldiv(deadband, travel_ms, FULL_SCALE)
        self.overrun_ms = overrun_ms
        self.command = STOP
        self.position_ms = travel_ms  # unknown: assume open, drive closed
        self.synced = False
        self._pulse_ms = 0  # how long the current move has run
        self._end_ms = 0  # how long driven against the end stop
        self._end = CLOSE  # the end being synced to at power-up

    @property
    def position(self):
        """Estimated opening, 0..FULL_SCALE."""
        return muldiv(self.position_ms, FULL_SCALE, self.travel_ms)

    def update(self, wanted, dt_ms):
        """wanted opening 0..FULL_SCALE; dt_ms since the last call, during
        which the last command was applied.  Returns OPEN, STOP or CLOSE."""
        dt_ms = clamp(dt_ms, 0, DT_MAX_MS)
        self._account(dt_ms)
        wanted = clamp(wanted, 0, FULL_SCALE)
        if not self.synced:
            return self._drive_to_end(CLOSE)
        if wanted == 0:
            return self._drive_to_end(CLOSE)
        if wanted == FULL_SCALE:
            return self._drive_to_end(OPEN)
        self._end = STOP
        self._end_ms = 0
        error_ms = muldiv(wanted, self.travel_ms, FULL_SCALE) - self.position_ms
        command = self.command
        if command != STOP:
            if self._pulse_ms < self.min_pulse_ms and error_ms * command > 0:
                return command  # finish the minimum pulse
            if error_ms * command * 2 > dt_ms:
                return command  # still more than half a step to go
            return self._set(STOP)
        threshold_ms = max(self.min_pulse_ms, self.deadband_ms, 1)
        if error_ms >= threshold_ms:
            return self._set(OPEN)
        if error_ms <= -threshold_ms:
            return self._set(CLOSE)
        return STOP

    def lost(self):
        """The position is unknown (a relay write failed, or the relays were
        driven without this block): drive closed for a full travel plus
        overrun, as at power-up, then go on."""
        self.position_ms = self.travel_ms
        self.synced = False
        self._end = CLOSE
        self._end_ms = 0

    def _account(self, dt_ms):
        command = self.command
        if command == STOP:
            return
        self._pulse_ms = min(self._pulse_ms + dt_ms, TIME_MAX_MS)
        moved_ms = self.position_ms + command * dt_ms
        self.position_ms = clamp(moved_ms, 0, self.travel_ms)
        beyond_ms = moved_ms - self.position_ms  # driven against an end stop
        if beyond_ms and command == self._end:
            self._end_ms = min(self._end_ms + command * beyond_ms, TIME_MAX_MS)

    def _drive_to_end(self, end):
        if self._end != end:
            self._end = end
            self._end_ms = 0
        end_position_ms = 0 if end == CLOSE else self.travel_ms
        if self.position_ms == end_position_ms and self._end_ms >= self.overrun_ms:
            self.synced = True
            return self._set(STOP)
        return self._set(end)

    def _set(self, command):
        if command != self.command:
            self.command = command
            self._pulse_ms = 0
        return command

# Cascade: the outer loop's output is the inner loop's setpoint.
#
# Example: air temperature (outer) sets the supply-water temperature (inner),
# which drives the mixing valve.  The outer output is limited to the inner
# setpoint range.  While the inner loop is saturated, the outer integral is
# blocked in the direction that would only ask more of it (no windup), and
# while the inner loop is not in auto the outer loop tracks the inner
# measurement, so handing the inner loop back to auto is bumpless.

from core.fixed import SIGNAL_MAX, check_range, clamp
from core.pid import AUTO, TRACK


class Cascade:
    def __init__(self, outer, inner, inner_sp_min, inner_sp_max):
        self.outer = outer
        self.inner = inner
        self.inner_setpoint = 0
        self._tracking = False
        self.set_inner_range(inner_sp_min, inner_sp_max)

    def set_inner_range(self, inner_sp_min, inner_sp_max):
        check_range("inner_sp_min", inner_sp_min, -SIGNAL_MAX, SIGNAL_MAX)
        check_range("inner_sp_max", inner_sp_max, inner_sp_min, SIGNAL_MAX)
        self.outer.set_limits(inner_sp_min, inner_sp_max)

    def update(
        self,
        setpoint: int,
        outer_measurement: int,
        inner_measurement: int,
        dt_ms: int,
        outer_ff: int = 0,
        inner_ff: int = 0,
    ) -> int:
        """One step of both loops; returns the inner output."""
        outer = self.outer
        inner = self.inner
        if inner.mode != AUTO:
            if outer.mode == AUTO or self._tracking:
                outer.set_track(clamp(inner_measurement, -SIGNAL_MAX, SIGNAL_MAX))
                self._tracking = True
        elif self._tracking:
            outer.set_auto()
            self._tracking = False
        # Which way is the inner loop stuck?  +1: its output at the top with a
        # reverse-acting (heating) loop means a higher setpoint is useless.
        stuck = inner.saturation * inner.sign
        outer.block_up = stuck > 0
        outer.block_down = stuck < 0
        self.inner_setpoint = outer.update(setpoint, outer_measurement, dt_ms, outer_ff)
        return inner.update(self.inner_setpoint, inner_measurement, dt_ms, inner_ff)

    @property
    def tracking(self) -> bool:
        return self._tracking and self.outer.mode == TRACK

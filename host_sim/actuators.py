"""Actuator models with the faults real ones have: travel time, deadband,
backlash (hysteresis), sticking, and a heat pump that keeps its minimum run
and off times and can trip."""


class Valve:
    """A modulating actuator (0-10 V valve, vent or screen motor), 0..1.

    The motor runs at full speed toward the command, ignores changes smaller
    than its deadband (except to an end: it runs on to its end switch), and
    the stem follows the motor through a backlash band, so reversing
    direction costs a little travel: what a 3-way mixing valve with a
    linkage does."""

    def __init__(self, travel_s: float, deadband: float = 0.0, backlash: float = 0.0, position: float = 0.0):
        self.travel_s = travel_s
        self.deadband = deadband
        self.backlash = backlash
        self.motor = position
        self.position = position
        self.stuck = False
        self.strokes = 0.0  # total stem travel, in full strokes

    def step(self, command: float, dt_s: float) -> float:
        command = min(max(command, 0.0), 1.0)
        error = command - self.motor
        # An actuator drives on to its end switch when sent to an end: a
        # "closed" valve or vent is closed, not left within its deadband.
        at_end = command == 0.0 or command == 1.0
        if self.stuck or error == 0.0 or (not at_end and -self.deadband <= error <= self.deadband):
            return self.position  # at rest: the stem already sits within the backlash
        max_move = dt_s / self.travel_s
        self.motor += max(-max_move, min(max_move, error))
        half = self.backlash / 2.0
        stem = self.position
        if self.motor > stem + half:
            stem = self.motor - half
        elif self.motor < stem - half:
            stem = self.motor + half
        if at_end and self.motor == command:
            stem = command  # seated at the end stop: no backlash left
        stem = min(max(stem, 0.0), 1.0)
        self.strokes += abs(stem - self.position)
        self.position = stem
        return stem


class HeatPump:
    """On/off water-to-water heat pump with its own anti-short-cycle timers."""

    def __init__(self, min_run_s: float = 600.0, min_off_s: float = 300.0):
        self.min_run_s = min_run_s
        self.min_off_s = min_off_s
        self.running = False
        self.cooling = False
        self.tripped = False
        self.starts = 0
        self._in_state_s = min_off_s

    def step(self, want_on: bool, want_cooling: bool, source_ok: bool, dt_s: float) -> bool:
        self._in_state_s += dt_s
        if self.running and (self.tripped or not source_ok):
            self.running = False  # protection stops it at once
            self._in_state_s = 0.0
        elif want_on and not self.running and not self.tripped and source_ok:
            if self._in_state_s >= self.min_off_s:
                self.running = True
                self.cooling = want_cooling
                self.starts += 1
                self._in_state_s = 0.0
        elif not want_on and self.running and self._in_state_s >= self.min_run_s:
            self.running = False
            self._in_state_s = 0.0
        if self.running and want_cooling != self.cooling and self._in_state_s >= self.min_run_s:
            self.cooling = want_cooling  # reversing valve switch after a full run
        return self.running

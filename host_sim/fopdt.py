"""First-order-plus-dead-time plant: the standard small model of a thermal
process (a supply-water circuit, a room) for closed-loop checks.

    time_constant_s * dy/dt = gain * u(t - dead_time_s) - y
"""

from collections import deque
from math import exp


class FirstOrderDeadTime:
    def __init__(self, gain, time_constant_s, dead_time_s, step_s, y0=0.0, u0=0.0):
        if time_constant_s <= 0 or step_s <= 0 or dead_time_s < 0:
            raise ValueError("time_constant_s and step_s must be > 0, dead_time_s >= 0")
        self.gain = gain
        self.time_constant_s = time_constant_s
        self.step_s = step_s
        self.y = y0
        delay_steps = round(dead_time_s / step_s)
        self._delay = deque([u0] * delay_steps)

    def step(self, u):
        """Advance one step_s with input u; returns the output."""
        self._delay.append(u)
        delayed = self._delay.popleft()
        # Exact discretisation of the first-order lag for a held input.
        decay = exp(-self.step_s / self.time_constant_s)
        self.y = self.gain * delayed + (self.y - self.gain * delayed) * decay
        return self.y

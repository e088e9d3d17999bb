# Split range: one demand signal drives a heating and a cooling valve.
#
# demand is a signal in % (FULL_SCALE = 100 %), -100..+100: positive asks for
# heat, negative for cooling.  Between -cool_start and +heat_start lies the
# neutral zone where both valves stay shut; beyond it each valve opens
# linearly to 100 % at heat_end / cool_end.  The two ranges cannot overlap,
# so heating and cooling are never open at once.

from core.fixed import FULL_SCALE, check_range, clamp, muldiv


class SplitRange:
    def __init__(self, heat_start=5000, heat_end=FULL_SCALE, cool_start=5000, cool_end=FULL_SCALE):
        self.heat = 0
        self.cool = 0
        self.heat_start = 0
        self.heat_end = FULL_SCALE
        self.cool_start = 0
        self.cool_end = FULL_SCALE
        self.configure(heat_start, heat_end, cool_start, cool_end)

    def configure(self, heat_start, heat_end, cool_start, cool_end):
        check_range("heat_start", heat_start, 0, FULL_SCALE - 1)
        check_range("heat_end", heat_end, heat_start + 1, FULL_SCALE)
        check_range("cool_start", cool_start, 0, FULL_SCALE - 1)
        check_range("cool_end", cool_end, cool_start + 1, FULL_SCALE)
        self.heat_start = heat_start
        self.heat_end = heat_end
        self.cool_start = cool_start
        self.cool_end = cool_end

    def update(self, demand):
        """Sets .heat and .cool (0..FULL_SCALE); returns .heat - .cool."""
        demand = clamp(demand, -FULL_SCALE, FULL_SCALE)
        self.heat = 0
        self.cool = 0
        if demand > self.heat_start:
            span = self.heat_end - self.heat_start
            self.heat = muldiv(min(demand - self.heat_start, span), FULL_SCALE, span)
        elif demand < -self.cool_start:
            span = self.cool_end - self.cool_start
            self.cool = muldiv(min(-demand - self.cool_start, span), FULL_SCALE, span)
        return self.heat - self.cool

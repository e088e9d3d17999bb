# Irrigation and fertigation together, in the order they must run each tick:
# the irrigation decides which group gets water and whether flow is proven;
# the fertigation doses only into proven flow, and its limit trips hold the
# irrigation.  The Climate owns one (climate.water) so that every setting is
# in the one schema (core/settings.py "irr." and "fert." keys); the node ticks
# it only where the house has irrigation (house.json "irrigation").

from core.fertigation import ALARM_TEXT as FERT_ALARMS
from core.fertigation import Fertigation
from core.fixed import const
from core.irrigation import ALARM_HELD, Irrigation
from core.irrigation import ALARM_TEXT as IRR_ALARMS

FERT_SHIFT = const(8)  # fertigation alarm bits sit above the irrigation's in .alarms
DEFAULT_GROUPS = ((1000, 100000),)  # one group: 1000 m2, 100 L/min


class Readings:
    """The root zone's and the mixer's readings, in the core's scales, None
    when missing: the HAL fills them each tick."""

    def __init__(self):
        self.substrate_pct = None  # water content, milli-%
        self.flow_ml_min = None  # the irrigation main's flow meter
        self.drain_ml = None  # the drain gauge's collection since the last tick
        self.ec = None  # after the mixer, uS/cm
        self.ph = None  # after the mixer, milli-pH
        self.ec2 = None  # the second probes, where fitted (fert.probes = 2)
        self.ph2 = None


class Watering:
    def __init__(self, water, groups=DEFAULT_GROUPS, drain_group=1, drain_area_m2=0):
        """water: the crop's root-zone profile (core/crops.py WATER)."""
        self.irr = Irrigation(groups, drain_group, drain_area_m2, water["drain_target_pm"])
        self.fert = Fertigation(water)
        self.group = 0  # the valve group open, 1-based; 0: none (pump off)
        self.dose_ab = 0  # A and B pumps' duty, 0..FULL_SCALE
        self.dose_acid = 0
        self.alarms = 0
        self.readings = Readings()

    def set_day(self, sunrise_ms, sunset_ms):
        self.irr.set_day(sunrise_ms, sunset_ms)

    def step(self, time_of_day_ms, dt_ms, radiation_w_m2):
        """tick() on .readings (the node's way)."""
        r = self.readings
        return self.tick(
            time_of_day_ms, dt_ms, radiation_w_m2, r.substrate_pct, r.flow_ml_min, r.drain_ml, r.ec, r.ph,
            r.ec2, r.ph2,
        )  # fmt: skip

    def tick(
        self, time_of_day_ms, dt_ms, radiation_w_m2, substrate_pct, flow_ml_min, drain_ml, ec, ph,
        ec2=None, ph2=None,
    ):  # fmt: skip
        irr, fert = self.irr, self.fert
        self.group = irr.tick(time_of_day_ms, dt_ms, radiation_w_m2, substrate_pct, flow_ml_min, drain_ml)
        if irr.new_day:
            fert.new_day()
        irr.hold = fert.tick(dt_ms, irr.flow_proven, ec, ph, radiation_w_m2, ec2, ph2)
        if irr.hold and self.group:  # a trip this tick: stop the water now
            irr.stop()
            irr.alarms |= ALARM_HELD
            self.group = 0
        self.dose_ab = fert.ab.duty
        self.dose_acid = fert.acid.duty
        self.alarms = irr.alarms | fert.alarms << FERT_SHIFT
        return self.group

    def acknowledge(self):
        self.fert.acknowledge()
        self.irr.hold = False

    def alarm_names(self, alarms):
        names = [name for bit, name, _ in IRR_ALARMS if alarms & bit]
        names += [name for bit, name, _ in FERT_ALARMS if alarms >> FERT_SHIFT & bit]
        return names


def alarm_text():
    """Every water alarm as (bit of Watering.alarms, code, text)."""
    return tuple((bit, code, text) for bit, code, text in IRR_ALARMS) + tuple(
        (bit << FERT_SHIFT, code, text) for bit, code, text in FERT_ALARMS
    )

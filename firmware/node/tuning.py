# The REPL's handle on the running node, `gh`:
#
#   gh.status()               readings, setpoints, outputs, alarms, uptime, heap
#   gh.get("air.day_c")       a setting, in its unit
#   gh.set("air.day_c", 21)   checked against the schema: a bad value raises
#                             ValueError naming the key and its range, and
#                             changes nothing
#   gh.save() / gh.revert()   keep the settings on flash / back to the saved ones
#   gh.help() / gh.help("air")   every setting: value, unit, range, meaning
#   gh.manual("vent", 30) / gh.auto()   hold an output by hand / hand it back
#   gh.clock("2026-11-25 06:30")  set the RTC (UTC) where there is no NTP
# Where the house irrigates:
#   gh.irrigate(2)            one dose on valve group 2 now, as a due start
#                             (in turn on the pump, flow proven, dosed, trips)
#   gh.manual("irrigation", False) / gh.auto("irrigation")   every start held
#                             off (the running one stops) / back to its rules
#   gh.ack()                  after an EC-high or pH-low trip is put right
#
# Control keeps running while you type: the REPL is an asyncio task.

import gc

from core.settings import entry, keys
from node.config import apply, to_units
from node.runtime import MANUAL

READINGS = (
    ("air_c", 1000, "degC"), ("air2_c", 1000, "degC"), ("rh_pct", 1000, "%"), ("supply_c", 1000, "degC"),
    ("radiation_w_m2", 1, "W/m2"), ("outdoor_c", 1000, "degC"), ("outdoor_rh_pct", 1000, "%"),
    ("wind_m_s", 1000, "m/s"), ("source_return_c", 1000, "degC"),
)  # fmt: skip
SHOWN_OUTPUTS = (
    ("heat_setpoint_c", 1000, "degC"), ("vent_setpoint_c", 1000, "degC"), ("supply_setpoint_c", 1000, "degC"),
    ("heat_valve", 1000, "%"), ("cool_valve", 1000, "%"), ("fog", 1000, "%"), ("vent", 1000, "%"),
    ("screen", 1000, "%"), ("vpd_kpa", 1000, "kPa"),
)  # fmt: skip


class Gh:
    def __init__(self, node, store, saved):
        """saved: the settings the node booted with (config.json), in units."""
        self.node = node
        self.store = store
        self.values = dict(saved)  # what save() writes: the file's settings and those set since
        self._before = {}  # each key's value before its first gh.set: what revert() goes back to

    def get(self, key):
        return to_units(key, self.node.climate.get(key))

    def set(self, key, value):
        before = self.get(key)
        apply(self.node.climate, {key: value})  # all or nothing
        if key not in self._before:
            self._before[key] = before
        self.values[key] = self.get(key)

    def save(self):
        """Keeps the settings on flash (atomically): the file's and those set since."""
        self.store.save(self.values)
        return "saved %d settings" % len(self.values)

    def revert(self):
        """Back to the settings on flash, and what was set since to its value before."""
        saved, problems = self.store.load()
        target = {key: self._before[key] for key in self._before if key not in saved}
        target.update(saved)
        apply(self.node.climate, target)
        self.values = dict(saved)
        self._before = {}
        return problems or "reverted to %d saved settings" % len(saved)

    def help(self, group=""):
        for key in keys(self.node.climate.water is not None):
            if key.startswith(group):
                _, _, low, high, scale, unit, meaning = entry(key)
                shown = (key, self.get(key), unit, low / scale, high / scale, meaning)
                print("%-26s %10s %-8s %g..%g  %s" % shown)

    def manual(self, output, value):
        """Holds output at value (%, or True/False for the heat pump) until
        gh.auto(); "irrigation" only False: no starts until gh.auto()."""
        water = self.node.climate.water
        if output == "irrigation" and water is not None:
            if value is not False:  # no watering by force: it would skip the flow proof and the dose
                raise ValueError(
                    "irrigation takes False (held off), got %r: gh.irrigate(group) starts a dose" % (value,)
                )
            water.irr.off = True
            return
        kind = MANUAL.get(output)
        if kind is None:
            names = ", ".join(MANUAL) + (", irrigation" if water is not None else "")
            raise ValueError("manual output must be one of %s, got %r" % (names, output))
        if kind == "bool":
            if value not in (True, False):
                raise ValueError("%s takes True or False, got %r" % (output, value))
            self.node.manual[output] = bool(value)
        else:
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
                raise ValueError("%s takes 0..100 %%, got %r" % (output, value))
            self.node.manual[output] = int(round(value * 1000))

    def auto(self, output=None):
        """Hands one output, or all, back to control."""
        water = self.node.climate.water
        if water is not None and output in (None, "irrigation"):
            water.irr.off = False
        if output is None:
            self.node.manual.clear()
        else:
            self.node.manual.pop(output, None)

    def irrigate(self, group):
        """One dose on valve group `group` (1-based) now, as a due start gets:
        in turn behind a running group, flow proven, dosed, stopped by a trip;
        it counts in the day's starts once its dose is in."""
        water = self.node.climate.water
        if water is None:
            raise ValueError('gh.irrigate: this house has no irrigation (house.json "irrigation")')
        irr = water.irr
        why = irr.request(group)
        if why:
            return "group %d not started: %s" % (group, why)
        if irr.active:
            return "group %d queued: the pump is on group %d" % (group, irr.active)
        return "group %d starts" % group

    def clock(self, utc=None):
        """Sets the node's RTC by hand, where there is no NTP (wifi.json):
        gh.clock("2026-11-25 06:30") in UTC.  The time of day the control
        uses is solar time at the house's longitude, from the RTC."""
        set_utc = getattr(self.node.hal, "set_utc", None)
        if set_utc is None:
            raise ValueError("this board has no RTC: its clock is the simulator's")
        if utc is None:
            raise ValueError('gh.clock takes the UTC time, "YYYY-MM-DD HH:MM[:SS]"')
        set_utc(*parse_utc(utc))
        return "RTC set to %s UTC" % utc

    def ack(self):
        """Acknowledges a fertigation trip (EC high, pH low) once its cause is
        put right: dosing and irrigation go on (a hold by hand stays)."""
        water = self.node.climate.water
        if water is None:
            raise ValueError('this house has no irrigation (house.json "irrigation")')
        water.acknowledge()
        return "acknowledged"

    def status(self):
        node = self.node
        climate = node.climate
        least = "" if node.heap_least is None else " (least %d B)" % node.heap_least
        lines = ["uptime %d s, %d ticks, %d faults, free heap %d B%s" % (
            node.uptime_s(), node.ticks, node.faults, gc.mem_free(), least)]  # fmt: skip
        inputs = climate.inputs
        lines.append("readings: " + ", ".join(_shown(n, getattr(inputs, n), s, u) for n, s, u in READINGS))
        out = node.out
        if out is not None:
            shown = [_shown(n, getattr(out, n), s, u) for n, s, u in SHOWN_OUTPUTS]
            lines.append("outputs: " + ", ".join(shown))
            lines.append("heat pump: %s%s" % ("on" if out.heat_pump_on else "off",
                                               " (cooling)" if out.heat_pump_cooling else ""))  # fmt: skip
            lines.append("alarms: " + (", ".join(climate.alarm_names(out.alarms)) or "none"))
        water = climate.water
        if water is not None:
            lines.extend(_water_lines(water))
        faults = getattr(node.hal, "faults", None)
        if faults is not None:
            found = faults()
            shown = ", ".join("%s %d x %s" % (role, found[role][0], found[role][1]) for role in found)
            lines.append("drivers: " + (shown or "no errors"))
        held = ["%s=%s" % (k, node.manual[k]) for k in node.manual]
        if water is not None and water.irr.off:
            held.append("irrigation=off")
        if held:
            lines.append("manual: " + ", ".join(held))
        for line in lines:
            print(line)


def _water_lines(water):
    irr, fert, r = water.irr, water.fert, water.readings
    group = "held off by hand" if irr.off else "group %d" % water.group if water.group else "no group"
    yield "irrigation: %s, today %s; dose %g %%, spacing %g %%" % (
        group, _totals(irr.totals()), irr.dose_factor_pm / 10, irr.spacing_pm / 10)  # fmt: skip
    yesterday = irr.yesterday()
    if yesterday is not None:
        yield "irrigation yesterday: " + _totals(yesterday)
    yield "fertigation: EC %s (target %g) mS/cm, pH %s (target %g), A/B %g %%, acid %g %%" % (
        "-" if r.ec is None else "%g" % (r.ec / 1000), fert.ec_target / 1000,
        "-" if r.ph is None else "%g" % (r.ph / 1000), fert.ph_target / 1000,
        water.dose_ab / 1000, water.dose_acid / 1000)  # fmt: skip
    yield "water alarms: " + (", ".join(water.alarm_names(water.alarms)) or "none")


def _totals(totals):
    """Irrigation.totals() as the status shows them."""
    starts, water_ml, water_ml_m2, drain_pm = totals
    drain = "-" if drain_pm < 0 else "%g %%" % (drain_pm / 10)
    shown = (starts, water_ml_m2 / 1000, drain, water_ml / 1000000)
    return "%d starts, %g L/m2, drain %s, mine water %g m3" % shown


def parse_utc(text):
    """ "YYYY-MM-DD HH:MM[:SS]" -> (year, month, day, hour, minute, second);
    a ValueError that shows the format otherwise."""
    try:
        date, time = text.strip().split(" ")
        year, month, day = [int(x) for x in date.split("-")]
        hms = [int(x) for x in time.split(":")]
        if len(hms) == 2:
            hms.append(0)
        hour, minute, second = hms
    except (ValueError, AttributeError):
        raise ValueError('UTC time must be "YYYY-MM-DD HH:MM[:SS]", got %r' % (text,)) from None
    fields = ((year, 2025, 2099), (month, 1, 12), (day, 1, 31))
    fields += ((hour, 0, 23), (minute, 0, 59), (second, 0, 59))
    if not all(low <= value <= high for value, low, high in fields):
        raise ValueError('UTC time must be "YYYY-MM-DD HH:MM[:SS]" from 2025 on, got %r' % (text,))
    return year, month, day, hour, minute, second


def _shown(name, value, scale, unit):
    if value is None:
        return "%s -" % name
    return "%s %g %s" % (name, value / scale, unit)

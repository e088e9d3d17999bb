# Irrigation and fertigation (core/watering.py) against a small root zone
# and mixer, run the same way under CPython (imported by test_irrigation.py)
# and the MicroPython unix port (stdout: JSON): the two must agree exactly.
#
# The toy plant, all integers: the crop takes water in proportion to the sun
# (about 2.4 mL/m2 per J/cm2, a rose in summer), the slab drains what a start
# gives beyond the deficit, the mixer's EC is the raw water's plus the A/B
# stock's (its true strength a third above the node's setting, so the PI must
# trim), with a first-order lag; pH falls with acid in proportion.

import json

from core.crops import WATER
from core.watering import Watering

DAY_MS = 86400000
STEP_MS = 10000
GROUPS = ((500, 50000), (500, 50000), (1000, 100000))  # m2, mL/min


def sun_w_m2(t_ms, peak):
    """A clear day's bell: 0 before 06:00 and after 18:00."""
    hour_ms = 3600000
    if t_ms < 6 * hour_ms or t_ms >= 18 * hour_ms:
        return 0
    x = (t_ms - 6 * hour_ms) * 1000 // (12 * hour_ms)  # 0..1000 through the day
    return peak * 4 * x * (1000 - x) // 1000000


class Plant:
    def __init__(self):
        self.deficit_ul_m2 = 0  # what the gauge group's slab lacks below capacity, uL/m2
        self.noise = 12345  # a small LCG: the probes' last digit is never still
        self.drain_ml = 0  # drain leaving the gauge group's slab, to come this tick
        self.ec = 1200
        self.ph = 7800
        self.pump_trip = False

    def step(self, water, sun, dt_ms, group, dose_ab, dose_acid):
        # Uptake: 2.4 mL/m2 per J/cm2 = sun W/m2 x dt ms x 2.4e-4 uL/m2.
        self.deficit_ul_m2 += sun * dt_ms * 24 // 100000
        flow = 0
        if group and not self.pump_trip:
            flow = GROUPS[group - 1][1]
            if group == water.irr.drain_group:
                given = flow * dt_ms // 60 // GROUPS[group - 1][0]  # uL/m2 this tick
                taken = min(given, self.deficit_ul_m2)
                self.deficit_ul_m2 -= taken
                self.drain_ml += (given - taken) * water.irr.drain_area_m2 // 1000
            target_ec = 1200 + 4000 * dose_ab // 100000  # true stock: 4.0 mS/cm at 100 %
            target_ph = 7800 - 6 * dose_acid // 100  # 100 % acid: pH 1.8 lower
            self.ec += (target_ec - self.ec) * dt_ms // 30000  # 30-s mixing lag
            self.ph += (target_ph - self.ph) * dt_ms // 30000
            self.noise = (self.noise * 1103515245 + 12345) & 0x3FFFFFFF
        drain = self.drain_ml // 2  # the slab drains over a few ticks
        self.drain_ml -= drain
        return flow, drain


def run(days=2, peak=(800, 300), trip_day=None, drift_from_ms=None):
    """drift_from_ms: two probes of each, the first pH probe reading a unit
    high from this time of the first day on."""
    water = Watering(WATER["rose"], GROUPS, drain_group=3, drain_area_m2=2)
    if drift_from_ms is not None:
        water.fert.probes = 2
    water.set_day(6 * 3600000, 18 * 3600000)
    water.irr.drain_silent_ml_m2 = 0  # this toy slab has no buffer: a dry spell is no stuck gauge
    plant = Plant()
    flow, drain = 0, 0
    trace = {"starts": [], "daily": [], "yesterday": [], "ec_err_sum": 0, "ph_err_sum": 0, "dosing_ticks": 0,
             "dose_without_flow": 0, "both_open": 0, "alarms": 0, "dose_factor": []}  # fmt: skip
    for day in range(days):
        plant.pump_trip = trip_day == day
        for k in range(DAY_MS // STEP_MS):
            t = k * STEP_MS
            sun = sun_w_m2(t, peak[day % len(peak)])
            jitter = plant.noise % 21 - 10  # +-10 uS/cm, +-0.01 pH
            ec, ph = plant.ec + jitter, plant.ph + jitter
            if drift_from_ms is None:
                group = water.tick(t, STEP_MS, sun, None, flow, drain, ec, ph)
            else:
                drift = 1000 if day or t >= drift_from_ms else 0
                ec2, ph2 = plant.ec - jitter, plant.ph - jitter  # beside the first, its own noise
                group = water.tick(t, STEP_MS, sun, None, flow, drain, ec, ph + drift, ec2, ph2)
            if k == 0 and day:  # the day rolled over: yesterday's totals kept
                trace["yesterday"].append(list(water.irr.yesterday()))
            trace["alarms"] |= water.alarms
            if (water.dose_ab or water.dose_acid) and not flow:
                trace["dose_without_flow"] += 1
            if group and water.irr.run_ms == 0:
                trace["starts"].append([day, t // 60000, group])
            if flow and water.dose_ab and water.irr.run_ms > 120000:  # settled
                trace["dosing_ticks"] += 1
                trace["ec_err_sum"] += abs(plant.ec - water.fert.ec_target)
                trace["ph_err_sum"] += abs(plant.ph - water.fert.ph_target)
            flow, drain = plant.step(water, sun, STEP_MS, group, water.dose_ab, water.dose_acid)
        trace["dose_factor"].append(water.irr.dose_factor_pm)
        trace["daily"].append(list(water.irr.totals()))
    return trace


def by_hand():
    """Starts by hand (gh.irrigate), a hold by hand (gh.manual("irrigation",
    False)) and a fertigation trip on the toy plant: what each did."""
    hour_ms = 3600000
    water = Watering(WATER["rose"], GROUPS, drain_group=3, drain_area_m2=2)
    water.set_day(6 * hour_ms, 18 * hour_ms)
    water.irr.drain_silent_ml_m2 = 0
    irr, plant = water.irr, Plant()
    now = [hour_ms, 0, 0]  # time of day, the plant's flow and drain; 01:00: no rule starts a group
    out = {"yesterday_before": irr.yesterday(), "refused": []}

    def tick(ec=None):
        t, flow, drain = now
        sun = sun_w_m2(t, 800)
        jitter = plant.noise % 21 - 10
        ec = plant.ec + jitter if ec is None else ec
        group = water.tick(t, STEP_MS, sun, None, flow, drain, ec, plant.ph + jitter)
        now[1], now[2] = plant.step(water, sun, STEP_MS, group, water.dose_ab, water.dose_acid)
        now[0] = (t + STEP_MS) % DAY_MS
        return [group, water.dose_ab, water.dose_acid, now[1]]  # valve, A/B and acid duty, flow

    for number in (0, 4, -1, "2", 2.0, True, None):
        try:
            irr.request(number)
            out["refused"].append("accepted %r" % (number,))
        except ValueError as error:
            out["refused"].append(str(error))
    out["queue_after_refused"] = [g.queued for g in irr.groups] + [len(irr._queue), irr.active]
    # At night, two starts by hand: one pump, one group at a time, each its dose.
    out["asked"] = {"2": irr.request(2)}  # what each start by hand answered
    out["night"] = [tick()]
    out["asked"]["1 behind 2"] = irr.request(1)
    out["asked"]["2 again"] = irr.request(2)
    for _ in range(60):
        out["night"].append(tick())
    out["night_totals"] = list(irr.totals())
    out["targets_ml"] = [GROUPS[0][0] * irr.dose_ml_m2, GROUPS[1][0] * irr.dose_ml_m2]
    # A start by hand dosing into proven flow, then held off by hand.
    out["asked"]["3"] = irr.request(3)
    out["before_hold"] = [tick() for _ in range(4)]
    irr.off = True
    out["held"] = [tick(), irr.flow_proven, irr.active]
    out["asked"]["1 held"] = irr.request(1)
    now[0] = 12 * hour_ms  # noon, every group's sun sum in: due
    for group in irr.groups:
        group.sum_mj_cm2 = 10**6
    out["held_hour"] = [0, 0]  # ticks with a valve open or dosing, the day's starts after
    for _ in range(360):
        group, ab, acid, flow = tick()
        out["held_hour"][0] += group != 0 or ab != 0 or acid != 0 or flow != 0
    out["held_hour"][1] = irr.starts
    irr.off = False  # gh.auto("irrigation")
    out["released"] = [tick() for _ in range(3)]
    # A fertigation trip: the water stops, a start by hand is refused, even
    # with the hold by hand released; acknowledged, the queued starts go on.
    out["trip"] = [tick(ec=3600)]
    out["asked"]["2 tripped"] = irr.request(2)
    irr.off = True
    irr.off = False
    out["trip"] += [tick(ec=1900) for _ in range(30)]
    water.acknowledge()
    out["after_ack"] = [tick() for _ in range(3)]
    # The day rolls over: yesterday's totals are the day's last.
    for _ in range(200):
        tick()
    now[0] = DAY_MS - STEP_MS
    tick()
    out["day_end"] = list(irr.totals())
    tick()
    out["yesterday"] = list(irr.yesterday())
    out["today"] = list(irr.totals())
    return out


if __name__ == "__main__":
    print(json.dumps({
        "sunny": run(), "trip": run(days=2, trip_day=1), "by_hand": by_hand(),
        "drift": run(days=1, drift_from_ms=12 * 3600000),
    }))  # fmt: skip

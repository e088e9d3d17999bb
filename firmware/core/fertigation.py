# Fertigation: A and B stock (one duty for both pumps, equal ratio) and acid
# dosed into the mine water on its way to the drippers, by PI control on the
# EC and pH measured after the mixer, with a feed-forward from the recipe.
#
# The EC target falls with the light (bright days: the crop drinks more
# water per gram of salt): ec_dark from the radiation below dark_w_m2 to
# ec_bright above bright_w_m2, linear between, on the radiation averaged
# over light_filter_ms.  The pH target is the crop's.
#
# Interlocks, checked before the PI and above whatever it says:
#   - no dosing without proven water flow (the irrigation's flow_proven);
#   - EC above ec_high or pH below ph_low, measured: every dosing pump off,
#     the irrigation held, and the trip latched until acknowledge();
#   - each dosing pump's on-time is limited per start and per day;
#   - raw water at or above the EC target: ALARM_RAW_EC, no A/B (no loop
#     chasing a target the stock cannot reach); acid dosing goes on;
#   - an EC or pH reading missing, or repeated exactly for frozen_ms while
#     water flows (a stuck probe), stops its dosing with an alarm; so does a
#     dose held at its limit for saturated_ms (the reading does not answer);
#   - with two probes of each (probes = 2, as Priva's double measurement):
#     the loops act on their mean and the trips on the worse; two that
#     disagree by more than ec_disagree / ph_disagree for disagree_ms dose
#     the recipe's feed-forward, open loop, with an alarm (which
#     is wrong only the grower can tell: a drifted pH probe reading high
#     would otherwise have the loop acidify the crop); a second probe
#     missing or frozen leaves the first in control, with an alarm.
#
# Scales: EC in uS/cm (milli-mS/cm), pH in milli-pH, duties 0..FULL_SCALE.

from core.fixed import FULL_SCALE, clamp, const, muldiv
from core.pid import AUTO, PID
from core.plausible import Plausible

ALARM_EC_HIGH = const(1)
ALARM_PH_LOW = const(2)
ALARM_EC_SENSOR = const(4)
ALARM_PH_SENSOR = const(8)
ALARM_RAW_EC = const(16)
ALARM_AB_LIMIT = const(32)
ALARM_ACID_LIMIT = const(64)
ALARM_EC_NO_RESPONSE = const(128)
ALARM_PH_NO_RESPONSE = const(256)
ALARM_EC_DEVIATION = const(512)
ALARM_PH_DEVIATION = const(1024)
ALARM_EC_DISAGREE = const(2048)
ALARM_PH_DISAGREE = const(4096)
ALARM_PROBE2 = const(8192)
TRIPS = ALARM_EC_HIGH | ALARM_PH_LOW  # latched: they need acknowledge()
ALARM_TEXT = (
    (ALARM_EC_HIGH, "ec_high", "supply EC above its limit: dosing and irrigation stopped, acknowledge"),
    (ALARM_PH_LOW, "ph_low", "supply pH below its limit: dosing and irrigation stopped, acknowledge"),
    (ALARM_EC_SENSOR, "ec_sensor", "EC reading missing or frozen: A/B dosing stopped"),
    (ALARM_PH_SENSOR, "ph_sensor", "pH reading missing or frozen: acid dosing stopped"),
    (ALARM_RAW_EC, "raw_ec_high", "raw water EC at or above the target: no A/B dosing"),
    (ALARM_AB_LIMIT, "ab_limit", "A/B pumps reached their run-time limit: stopped"),
    (ALARM_ACID_LIMIT, "acid_limit", "acid pump reached its run-time limit: stopped"),
    (ALARM_EC_NO_RESPONSE, "ec_no_response", "A/B dose at its limit and the EC does not follow: stopped"),
    (ALARM_PH_NO_RESPONSE, "ph_no_response", "acid dose at its limit and the pH does not follow: stopped"),
    (
        ALARM_EC_DEVIATION,
        "ec_deviation",
        "A/B dose far from the recipe's for long: check the EC probe and stock",
    ),
    (
        ALARM_PH_DEVIATION,
        "ph_deviation",
        "acid dose far from the recipe's for long: check the pH probe and acid",
    ),
    (ALARM_EC_DISAGREE, "ec_disagree", "the two EC probes disagree: A/B dosed by the recipe, check both"),
    (ALARM_PH_DISAGREE, "ph_disagree", "the two pH probes disagree: acid dosed by the recipe, check both"),
    (ALARM_PROBE2, "probe2", "one of two EC or pH probes missing or frozen: the other doses alone"),
)
SATURATED = const(95000)  # a dose this high counts as held at the limit
ON_MAX_MS = const(86400000)


class Doser:
    """One dosing channel: a PI loop with feed-forward, its on-time limits,
    its sensor checks."""

    def __init__(self, loop, alarms, max_step):
        """alarms: (sensor, limit, stuck, deviation, disagree) bits."""
        sensor_alarm, limit_alarm, stuck_alarm, deviation_alarm, disagree_alarm = alarms
        self.loop = loop
        self.disagree_alarm = disagree_alarm
        self.check2 = Plausible(max_step)  # the second probe's, where fitted
        self.apart_ms = 0  # how long the two probes have disagreed
        self.disagree = False  # ... long enough: the recipe doses, open loop
        self.sensor_alarm = sensor_alarm
        self.limit_alarm = limit_alarm
        self.stuck_alarm = stuck_alarm
        self.deviation_alarm = deviation_alarm
        self.far_ms = 0  # how long the dose has been far from the feed-forward
        self.check = Plausible(max_step)
        self.duty = 0
        self.start_on_ms = 0  # pump on-time this start (duty x time)
        self.day_on_ms = 0
        self.saturated_ms = 0
        self.stuck = False  # latched for this start: no response to a full dose

    def new_start(self):
        self.start_on_ms = 0
        self.saturated_ms = 0
        self.stuck = False

    def stop(self):
        """No dose now; the loop holds what it has learnt for the next start."""
        self.duty = 0
        self.saturated_ms = 0
        if self.loop.mode == AUTO:
            self.loop.set_hold()

    def dose(self, target, reading, ff, dt_ms, f):
        """The duty for this step, and the alarms; reading already checked
        (None: the probes disagree, the recipe's ff is dosed open loop)."""
        if self.stuck:
            self.stop()
            return self.stuck_alarm
        if self.start_on_ms >= f.max_start_on_ms or self.day_on_ms >= f.max_day_on_ms:
            self.stop()
            return self.limit_alarm
        if reading is None:
            self.stop()  # (the loop holds what it learnt)
            self._run(clamp(ff, 0, FULL_SCALE), dt_ms)
            return self.disagree_alarm
        loop = self.loop
        loop.set_auto()  # from where the last start left it (held)
        loop.start_from(clamp(ff, 0, FULL_SCALE))  # the very first: from the recipe
        duty = loop.update(target, reading, dt_ms, ff)
        if duty >= SATURATED:
            self.saturated_ms = clamp(self.saturated_ms + dt_ms, 0, ON_MAX_MS)
            if self.saturated_ms >= f.saturated_ms:
                self.stuck = True
                self.stop()
                return self.stuck_alarm
        else:
            self.saturated_ms = 0
        alarm = 0
        if f.deviation and (duty - ff > f.deviation or ff - duty > f.deviation):
            # a drifting probe: the loop leans far from the recipe and stays there
            self.far_ms = clamp(self.far_ms + dt_ms, 0, ON_MAX_MS)
            if self.far_ms >= f.deviation_ms:
                alarm = self.deviation_alarm
        else:
            self.far_ms = 0
        self._run(duty, dt_ms)
        return alarm

    def _run(self, duty, dt_ms):
        self.duty = duty
        on_ms = muldiv(dt_ms, duty, FULL_SCALE)
        self.start_on_ms = clamp(self.start_on_ms + on_ms, 0, ON_MAX_MS)
        self.day_on_ms = clamp(self.day_on_ms + on_ms, 0, ON_MAX_MS)


class Fertigation:
    def __init__(self, water):
        """water: the crop's root-zone profile (core/crops.py WATER)."""
        self.ec_dark = water["ec_dark_ms_cm"]
        self.ec_bright = water["ec_bright_ms_cm"]
        self.ph_target = water["ph"]
        self.ec_high = water["ec_high_ms_cm"]
        self.ph_low = water["ph_low"]
        # Settings (core/settings.py "fert." keys).
        self.dark_w_m2 = 150
        self.bright_w_m2 = 700
        self.light_filter_ms = 1800000
        self.raw_ec = 1200  # the mine water's own EC, uS/cm
        self.ec_per_full = 3000  # EC the A+B stock adds at 100 % duty (commissioning)
        self.acid_ff = 30000  # acid duty that brings the raw water to the pH target
        self.max_start_on_ms = 600000
        self.max_day_on_ms = 7200000
        self.frozen_ms = 60000
        self.saturated_ms = 180000
        self.deviation = 25000  # a dose this far from the feed-forward (0: never) ...
        self.deviation_ms = 600000  # ... this long is an alarm
        self.probes = 1  # EC and pH probes of each: 2 cross-check each other
        self.ec_disagree = 200  # two EC probes this far apart (uS/cm) ...
        self.ph_disagree = 300  # ... or two pH probes (milli-pH) ...
        self.disagree_ms = 60000  # ... this long: the recipe doses
        # Dosers.  EC: % of duty per mS/cm of error; pH: more acid above the target.
        self.ab = Doser(
            PID(kp_m=20000, ki_m=500),
            (ALARM_EC_SENSOR, ALARM_AB_LIMIT, ALARM_EC_NO_RESPONSE, ALARM_EC_DEVIATION, ALARM_EC_DISAGREE),
            1500,
        )  # fmt: skip
        self.acid = Doser(
            PID(kp_m=30000, ki_m=600, direct=True),
            (ALARM_PH_SENSOR, ALARM_ACID_LIMIT, ALARM_PH_NO_RESPONSE, ALARM_PH_DEVIATION, ALARM_PH_DISAGREE),
            3000,
        )  # fmt: skip
        self.light_w_m2 = 0  # the averaged radiation
        self._light_rest = 0
        self.ec_target = self.ec_dark
        self.tripped = 0  # latched TRIPS bits
        self.alarms = 0
        self._flowing = False

    def acknowledge(self):
        """Releases a latched EC-high or pH-low trip (after the cause is fixed)."""
        self.tripped = 0

    def new_day(self):
        self.ab.day_on_ms = 0
        self.acid.day_on_ms = 0

    def tick(self, dt_ms, flowing, ec, ph, radiation_w_m2, ec2=None, ph2=None):
        """flowing: the irrigation's proven flow; ec2, ph2: the second
        probes' (probes = 2).  Sets ab and acid .duty and alarms; returns
        True while a trip holds the irrigation."""
        self._light(radiation_w_m2, dt_ms)
        alarms = self.tripped
        if ec is not None and ec > self.ec_high or ec2 is not None and ec2 > self.ec_high:
            alarms |= ALARM_EC_HIGH
        if ph is not None and ph < self.ph_low or ph2 is not None and ph2 < self.ph_low:
            alarms |= ALARM_PH_LOW
        self.tripped = alarms & TRIPS
        ec = self._checked(self.ab, ec, dt_ms, flowing)
        ph = self._checked(self.acid, ph, dt_ms, flowing)
        ec_ok = ph_ok = True  # False: the two probes disagree (the reading is None then)
        if self.probes == 2:
            ec2 = self._checked(self.ab, ec2, dt_ms, flowing, True)
            ph2 = self._checked(self.acid, ph2, dt_ms, flowing, True)
            if (ec is None) != (ec2 is None) or (ph is None) != (ph2 is None):
                alarms |= ALARM_PROBE2
            ec = self._paired(self.ab, ec, ec2, self.ec_disagree, dt_ms)
            ph = self._paired(self.acid, ph, ph2, self.ph_disagree, dt_ms)
            ec_ok, ph_ok = not self.ab.disagree, not self.acid.disagree
            if not ec_ok:  # (between starts too: the grower sees it before the next)
                alarms |= ALARM_EC_DISAGREE
            if not ph_ok:
                alarms |= ALARM_PH_DISAGREE
        if ec is None and ec_ok:  # (raised between starts too, until a probe reads again)
            alarms |= ALARM_EC_SENSOR
        if ph is None and ph_ok:
            alarms |= ALARM_PH_SENSOR
        if flowing and not self._flowing:
            self.ab.new_start()
            self.acid.new_start()
        self._flowing = flowing
        if self.tripped or not flowing:
            self.ab.stop()
            self.acid.stop()
            self.alarms = alarms
            return self.tripped != 0
        if ec is None and ec_ok:
            self.ab.stop()
        elif self.raw_ec >= self.ec_target:
            self.ab.stop()
            alarms |= ALARM_RAW_EC
        else:
            ff = muldiv(self.ec_target - self.raw_ec, FULL_SCALE, self.ec_per_full)
            alarms |= self.ab.dose(self.ec_target, ec, ff, dt_ms, self)
        if ph is None and ph_ok:
            self.acid.stop()
        else:
            alarms |= self.acid.dose(self.ph_target, ph, self.acid_ff, dt_ms, self)
        self.alarms = alarms
        return False

    def _checked(self, doser, reading, dt_ms, flowing, second=False):
        """The reading, or None when missing or frozen: repeated exactly for
        frozen_ms of flowing water (standing water may rightly read steady),
        until it reads something else."""
        check = doser.check2 if second else doser.check
        used = check.check(reading, dt_ms if flowing else 0)
        if used is not None and check.frozen_ms >= self.frozen_ms:
            return None
        return used

    def _paired(self, doser, first, second, apart, dt_ms):
        """Two probes' checked readings -> the reading to dose on: their
        mean, or the one there when the other is not; None, with
        doser.disagree set, when they have disagreed for disagree_ms (dose
        the recipe)."""
        doser.disagree = False
        if first is None or second is None:
            doser.apart_ms = 0
            return second if first is None else first
        if first - second > apart or second - first > apart:
            # Counted in standing water too: side by side, the two read the
            # same water, and a drift is caught before the next start doses on it.
            doser.apart_ms = clamp(doser.apart_ms + dt_ms, 0, ON_MAX_MS)
            if doser.apart_ms >= self.disagree_ms:
                doser.disagree = True
                return None
        else:
            doser.apart_ms = 0
        return (first + second) // 2

    def _light(self, radiation_w_m2, dt_ms):
        if radiation_w_m2 is not None:  # a first-order average, its remainder carried
            total = (radiation_w_m2 - self.light_w_m2) * min(dt_ms, self.light_filter_ms) + self._light_rest
            step = total // self.light_filter_ms
            self._light_rest = total - step * self.light_filter_ms
            self.light_w_m2 += step
        span = self.bright_w_m2 - self.dark_w_m2
        x = clamp(self.light_w_m2 - self.dark_w_m2, 0, span)
        self.ec_target = (
            self.ec_dark + muldiv(self.ec_bright - self.ec_dark, x, span) if span > 0 else self.ec_dark
        )
        return self.ec_target

# Climate control of one greenhouse bay, built from the core's blocks.
#
# First version: day/night heating and ventilation setpoints with ramps, a
# heating cascade (air temperature -> supply-water setpoint -> mixing valve)
# on the mine-water heat pump, cooling in sequence (vents while the outside
# is cooler, then free cooling with mine water through the fan-coils, then
# the heat pump in reverse where fitted), a humidity vent crack and minimum
# pipe, a night screen (the house pre-heated before it opens on a cold
# morning, closed early as the house cools in the late afternoon), and the
# overrides that hold whatever else happens: frost, overheat, sensor
# fallback, no mine-water flow.
#
# Pure: the caller fills .inputs (ints in core/fixed.py scales, None when a
# reading is missing), calls tick(time_of_day_ms, dt_ms) and reads .outputs.
# Time of day is local solar time.  tick() allocates nothing on MicroPython.

from core.cascade import Cascade
from core.fixed import (
    FULL_SCALE,
    MILLI,
    SIGNAL_MAX,
    Accumulator,
    check_range,
    clamp,
    const,
    div_micro,
    muldiv,
)
from core.onoff import MinOnOff
from core.pid import AUTO, MANUAL, PID, TRACK
from core.plausible import Plausible
from core.settings import CROP, GAIN, WATER, entry
from core.vapour import RH_FULL, deficit_pa, sat_pa

MS_PER_S = const(1000)  # ramps are computed in seconds: muldiv's operands stay in range
HOUR_MS = const(3600000)
DAY_MS = const(86400000)
DAY_START_MS = const(21600000)  # 06:00 solar: the day begins (default; set_day() moves it to sunrise)
DAY_END_MS = const(64800000)  # 18:00 solar: the night begins (default; set_day() moves it to sunset)
RAMP_MS = const(3600000)  # setpoint ramps over one hour
RAMP_LEAD_MS = const(1200000)  # the heating follows the morning ramp this much ahead
AIR_HOLD_MS = const(600000)  # a missing air reading is bridged this long
SAFE_SUPPLY_RISE_K = const(15000)  # blind heating: supply this far above the night setpoint
# The supply setpoint goes no lower than the heating setpoint plus
# supply.floor_k (0 by default): water at the air's temperature heats nothing,
# so the air loop may ask for anything from there up.  A fixed 20 degC floor
# overheated a well-insulated house (a solar greenhouse under its quilt needs
# water only ~2 K above the air at night) to the top of the heating band, where
# the heating rested, cooled and started again: the heat pump cycled about ten
# times a night and the mixing valve with it.
SUPPLY_FLOOR_K = const(0)
HEATING_BAND_K = const(1000)  # heating may act up to 1 K above its setpoint
HEAT_PUMP_ON_DEMAND = const(5000)  # heating valve above 5 % starts the heat pump ...
HEAT_PUMP_OFF_DEMAND = const(500)  # ... and below 0.5 % lets it stop: no short cycling
HEAT_PUMP_MARGIN_K = const(5000)  # leaving water above the supply setpoint, for the mixing valve
HEAT_PUMP_MIN_RUN_MS = const(600000)
HEAT_PUMP_MIN_OFF_MS = const(300000)
HEAT_PUMP_START_MS = const(120000)  # asked but not running after this long: alarm
# Vents are the first cooling stage while the outside is 2 K under the
# ventilation setpoint, until it is warmer than the setpoint.  Judged against
# the setpoint, not the air: the air swings with the vents, and switching the
# order on it cycled vents and coils.  Warmer outside, vents still help as the
# second stage from the outside 1.5 K cooler than the air until it is warmer.
VENTS_FIRST_BELOW_K = const(2000)
VENTS_HELP_BELOW_K = const(1500)
VENT_SHARE = const(60000)  # share of the cooling demand the first stage takes
HUMIDITY_VENT_PER_PCT = const(4)  # vent crack, % per % RH above the limit
HUMIDITY_VENT_MAX = const(25000)
HUMIDITY_VENT_COLD_K = const(10000)  # no humidity crack with outside this far below the crop minimum
OUTSIDE_DRIER_PA = const(100)  # the vents dry the house only if the outside holds this much less vapour
AIR_FILTER_MS = const(30000)  # the loops' air: averaged over half a minute
RH_FILTER_MS = const(180000)  # humidity acts on RH averaged over ~3 min: sensor noise moves no valve
COIL_HYSTERESIS_K = const(500)
# Drying on the coil holds the air in the top of the band, at least this far
# under the ventilation setpoint: cooled lower, the air's RH rises faster than
# its vapour falls (free-cooling water at ~17 degC condenses little, so a
# humid summer night went to 99 % RH at 20 degC with the coil open).
COIL_BELOW_VENT_K = const(1500)
# Where the heat pump reverses, it chills the coil for drying: its ~7 degC
# water condenses per K of sensible cooling several times what free cooling
# does, so the drying fits inside a summer night's small heat gains.
HP_DRYING = const(1)
# Dehumidifying aims this far inside the VPD band's lower edge: held at the
# edge itself, the house spent half its time just under it.
DRY_ABOVE_MIN_PA = const(50)
COIL_PER_K_ROOM = const(100000)  # drying coil at most 100 % per K the air is above the heating band
FOG_RH_HYSTERESIS_PCT = const(1000)  # fog, once stopped by the humidity limit, waits 1 % RH lower
HUMIDITY_COIL_PER_PCT = const(5)  # cold-coil dehumidifying, cooling valve % per % RH above
HUMIDITY_PIPE_PER_PCT = const(2)  # minimum supply rise, K per % RH above the limit
# Fog (high-pressure nozzles, where fitted) humidifies when the air is too dry
# for the crop: it aims a little inside the VPD band's upper edge.  Its
# evaporation cools, so it also eases a hot day, and it stops short of the
# humidity limit and whenever the heating cannot hold the air.
FOG_BELOW_MAX_PA = const(80)
RH_LIMIT_MIN = const(50000)  # the VPD's humidity limit in cold air goes no lower
FOG_RH_MARGIN_PCT = const(3000)  # no fog within 3 % RH of the humidity limit
FOG_COLD_K = const(500)  # no fog with the air this far below the heating setpoint
# Reverse heat pump: free cooling full and the air this far above the vent
# setpoint (inside the band's 1 K: at 1.5 K the hot afternoons of a Zichuan
# July spent 3-7 % of the time above the band; earlier costs electricity).
REVERSE_START_K = const(800)
REVERSE_KEEP = const(30000)  # ... and it keeps running while the cooling valve is above 30 %
REVERSE_STOP_K = const(1000)  # ... and the air above vent sp - 1 K
SCREEN_OPEN_W_M2 = const(50)  # an energy screen opens above this: the sun then brings more than it saves
QUILT_OPEN_W_M2 = const(200)  # a solar greenhouse's opaque quilt waits for stronger sun
SCREEN_COLD_C = const(12000)
# The screen opens in steps so that the cold air above it drops in slowly:
# first a gap, held a while, then a step at a time (Priva/Hoogendoorn practice).
SCREEN_GAP = const(95000)  # closed 100 % -> 95 %: a 5 % gap
SCREEN_GAP_HOLD_MS = const(600000)
SCREEN_STEP = const(10000)
SCREEN_STEP_MS = const(180000)
# ... and it stops opening while the air is this far below the heating
# setpoint (the heating cannot keep up), unless the sun is strong enough
# that the crop's light matters more.
SCREEN_HOLD_COLD_K = const(300)
SCREEN_HOLD_MAX_W_M2 = const(150)
# Pre-heat on cold mornings: with the screen (or quilt) still closed, from the
# start of the morning ramp the heating setpoint rises by a further 0.2 K per K
# the outside is more than 15 K below it (at most screen.preheat_k) over the
# ramp's hour, holds until the screen is fully open, then falls back twice as
# fast.  The air and the mass store heat while the screen still keeps it in,
# for the cold that falls in when it opens (a solar greenhouse's quilt: the
# air fell ~2.5 K under the setpoint every clear morning, the heat pump at
# full output).  The screen's hold (above) waits for it.  It rises no further
# while the fog runs: air warmed only to be wetted again costs the heat twice.
SCREEN_PREHEAT_K = const(2000)
SCREEN_PREHEAT_FROM_K = const(15000)
SCREEN_PREHEAT_PM = const(200)
SCREEN_PREHEAT_FALL = const(2)
# Late afternoon (the last 3 hours before sunset), the sun under the opening
# threshold and the air down to 1 K above the heating setpoint: the screen (or
# quilt) closes now, before the heating has to start, and stays closed until
# the next morning (solar-greenhouse practice: the quilt goes down as the
# house cools, and not up again the same day).
SCREEN_CLOSE_WARM_K = const(1000)
SCREEN_CLOSE_EARLY_MS = const(10800000)
# Feed-forward to the supply setpoint, a heating curve: supply = heating
# setpoint + FF_OUTDOOR_PM/1000 K per K the outside is colder - FF_SUN_K
# per 100 W/m2 of sun.  About half of what a screened Venlo house needs in
# steady state (cover 4-8 W/m2K over pipes of ~10 W/m2K; 100 W/m2 outside
# puts ~40 W/m2 into the air): the air loop trims the rest.
FF_OUTDOOR_PM = const(500)
FF_SUN_K = const(3000)
FF_SUN_MAX_W_M2 = const(1500)
# Day setpoint raised with the sun (settings air.sun_raise_*, off by default):
# light drives photosynthesis, and a warmer bright day uses it.  The sun is
# averaged over SUN_AVERAGE_MS so a passing cloud does not move the setpoint.
SUN_AVERAGE_MS = const(900000)
SHADE_HOT_K = const(1000)  # shading starts with the air this far above the ventilation setpoint
# Vent limits that hold whatever asked for the vents: wind (a storm breaks
# open vents; growers close them above ~15 m/s) and cold outside air, which
# falls on the crop as a draught (full opening from 10 degC, 10 % at -5 degC).
VENT_STORM_M_S = const(15000)
VENT_WINDY_M_S = const(10000)
VENT_WINDY_MAX = const(20000)
# The vents move at most 10 % a minute: thrown open, they dump the house's air
# and its humidity at once, and fog and coils chase it.  Overrides act at once.
VENT_RATE_PER_MIN = const(10000)
MINUTE_MS = const(60000)
VENT_COLD_FULL_C = const(10000)
VENT_COLD_LOW_C = const(-5000)
VENT_COLD_MIN = const(10000)
# Supply this far above supply.max_c: the valve shuts whatever the loop says.
SUPPLY_HIGH_MARGIN_K = const(2000)
SOURCE_RETURN_MIN_C = const(4000)  # the plate exchanger must not freeze: heat pump off below this
PREHEAT_K = const(1000)  # plentiful power: the heating setpoint this much higher, inside the band
HEAT_PUMP_MIN_CAP = const(30000)  # a power cap below this share of rated stops the heat pump

# Alarm bits (outputs.alarms); ALARM_TEXT names them for status and logs.
ALARM_AIR_HELD = const(1)
ALARM_AIR_FAILED = const(2)
ALARM_SUPPLY_SENSOR = const(4)
ALARM_FROST = const(8)
ALARM_OVERHEAT = const(16)
ALARM_NO_MINE_WATER = const(32)
ALARM_HEAT_PUMP = const(64)
ALARM_RH_SENSOR = const(128)
ALARM_RADIATION_SENSOR = const(256)
ALARM_AIR_SPIKE = const(512)
ALARM_RH_SPIKE = const(1024)
ALARM_SUPPLY_SPIKE = const(2048)
ALARM_AIR_FROZEN = const(4096)
ALARM_RH_FROZEN = const(8192)
ALARM_SUPPLY_FROZEN = const(16384)
ALARM_HEATING_DEVIATION = const(32768)
ALARM_SOURCE_COLD = const(65536)
ALARM_SUPPLY_HIGH = const(131072)
ALARM_AIR_SECOND = const(262144)
ALARM_AIR2_SENSOR = const(524288)
ALARM_AIR_DISAGREE = const(1048576)
ALARM_TEXT: tuple[tuple[int, str, str], ...] = (
    (ALARM_AIR_HELD, "air_held", "air temperature missing: holding the last reading"),
    (ALARM_AIR_FAILED, "air_failed", "air temperature missing too long: safe heating, vents shut"),
    (ALARM_SUPPLY_SENSOR, "supply_sensor", "supply temperature missing: mixing valve held"),
    (ALARM_FROST, "frost", "air below the crop minimum: full heating, vents shut"),
    (ALARM_OVERHEAT, "overheat", "air above the crop maximum: vents open, heating off"),
    (ALARM_NO_MINE_WATER, "no_mine_water", "no mine-water flow: heat pump held off"),
    (ALARM_HEAT_PUMP, "heat_pump", "heat pump asked to run but not running"),
    (ALARM_RH_SENSOR, "rh_sensor", "humidity missing: no dehumidifying"),
    (
        ALARM_RADIATION_SENSOR,
        "radiation_sensor",
        "radiation missing: screen by the clock, no sun feed-forward",
    ),
    (ALARM_AIR_SPIKE, "air_spike", "air temperature jumped implausibly: reading refused"),
    (ALARM_RH_SPIKE, "rh_spike", "humidity jumped implausibly: reading refused"),
    (ALARM_SUPPLY_SPIKE, "supply_spike", "supply temperature jumped implausibly: reading refused"),
    (ALARM_AIR_FROZEN, "air_frozen", "air temperature frozen at one value: taken as missing"),
    (ALARM_RH_FROZEN, "rh_frozen", "humidity frozen at one value: taken as missing"),
    (ALARM_SUPPLY_FROZEN, "supply_frozen", "supply temperature frozen at one value: taken as missing"),
    (ALARM_SUPPLY_HIGH, "supply_high", "supply water above its maximum: heating valve shut"),
    (ALARM_AIR_SECOND, "air_second", "air temperature missing: controlling on the second sensor"),
    (ALARM_AIR2_SENSOR, "air2_sensor", "second air sensor missing, frozen or jumping: no redundancy"),
    (ALARM_AIR_DISAGREE, "air_disagree", "the two air sensors disagree by over 2 K: check both"),
    (ALARM_SOURCE_COLD, "source_cold", "mine water leaving the exchanger too cold: heat pump stopped"),
    (
        ALARM_HEATING_DEVIATION,
        "heating_deviation",
        "supply water far off its setpoint: valve, pump or heat source?",
    ),
)
# Plausibility (core/plausible.py): the largest believable change from one
# reading to the next, and how long an exactly repeated reading is believed.
AIR_MAX_STEP_K = const(2000)
RH_MAX_STEP_PCT = const(10000)
SUPPLY_MAX_STEP_K = const(5000)
FROZEN_MS = const(1800000)  # 30 min: real air and RH readings flicker in their last digit
HEATING_DEVIATION_K = const(8000)  # supply this far from its setpoint ...
HEATING_DEVIATION_MS = const(1800000)  # ... this long: alarm
AIR_DISAGREE_K = const(2000)  # two air sensors this far apart ...
AIR_DISAGREE_MS = const(900000)  # ... this long: alarm (control stays on the first)


def heating_setpoint(
    profile: dict[str, int],
    time_of_day_ms: int,
    day_start_ms: int = DAY_START_MS,
    day_end_ms: int = DAY_END_MS,
) -> int:
    """The crop's heating setpoint: one-hour ramps from night to day at
    day_start_ms and back at day_end_ms (solar time of day; sunrise and
    sunset where the node knows them)."""
    day = profile["heat_day_c"]
    night = profile["heat_night_c"]
    t = time_of_day_ms
    if t < day_start_ms or t >= day_end_ms + RAMP_MS:
        return night
    if t < day_start_ms + RAMP_MS:
        return night + muldiv(day - night, (t - day_start_ms) // MS_PER_S, RAMP_MS // MS_PER_S)
    if t < day_end_ms:
        return day
    return day - muldiv(day - night, (t - day_end_ms) // MS_PER_S, RAMP_MS // MS_PER_S)


class Inputs:
    # Readings in the core's scales (core/fixed.py), None when missing.  The
    # annotations are for the simulator's compiled build; MicroPython skips them.
    def __init__(self) -> None:
        self.air_c: int | None = None
        self.air2_c: int | None = None  # a second air sensor, where fitted (Climate(air_sensors=2))
        self.rh_pct: int | None = None
        self.supply_c: int | None = None
        self.radiation_w_m2: int | None = None
        self.outdoor_c: int | None = None
        self.outdoor_rh_pct: int | None = None  # the weather station's; None: vents assumed to dry
        self.wind_m_s: int | None = None  # milli-m/s
        self.source_return_c: int | None = None  # mine water leaving the heat pump's exchanger
        self.heat_pump_running = False
        self.mine_flow_ok = True
        # The site's power signal: the heat pump's allowed electric power (% of
        # rated; the heat pump holds to it) and whether power is plentiful now.
        self.power_cap = FULL_SCALE
        self.power_surplus = False


class Outputs:
    def __init__(self) -> None:
        self.heat_valve = 0
        self.cool_valve = 0
        self.fog = 0
        self.vent = 0
        self.screen = 0
        self.heat_pump_on = False
        self.heat_pump_cooling = False
        self.alarms = 0
        self.heat_setpoint_c = 0
        self.vent_setpoint_c = 0
        self.supply_setpoint_c = 0
        self.heat_pump_supply_c = 0  # the heat pump's leaving-water setpoint
        self.vpd_kpa = 0  # measured, Pa (milli-kPa); 0 without air and RH readings


class Climate:
    def __init__(
        self, profile, supply_max_c=None, vents=True, fan_coils=True, screen=True, reverse=False,
        screen_open_w_m2=SCREEN_OPEN_W_M2, fog=False, air_sensors=1, water=None,
    ) -> None:  # fmt: skip
        # A copy: settings change this house's crop, not the shared profile.
        self.profile: dict[str, int] = dict(profile)
        self.supply_max_c = profile["supply_max_c"] if supply_max_c is None else supply_max_c
        self.has_vents = vents
        self.has_fan_coils = fan_coils
        self.has_screen = screen
        self.has_reverse = reverse
        self.has_fog = fog
        self.has_air2 = air_sensors == 2
        self.screen_open_w_m2 = screen_open_w_m2
        self.inputs = Inputs()
        self.outputs = Outputs()
        # Irrigation and fertigation (core/watering.py) where the house has
        # them: here for their settings ("irr." and "fert." keys); the node
        # ticks them.  None: the house has none (and their modules stay unloaded).
        self.water = water
        # Air -> supply setpoint: 3 K of supply per K of air, Ti ~ 17 min (the water is slow).
        self.air_loop = PID(kp_m=3000, ki_m=3)
        # Supply -> mixing valve: 3 %/K, Ti 5 min, 0.1 K deadband (DS18B20 steps are 0.0625 K).
        self.supply_loop = PID(kp_m=3000, ki_m=10, deadband=100, out_min=0, out_max=FULL_SCALE)
        floor_c = min(self.profile["heat_night_c"], self.supply_max_c)  # (set every tick: SUPPLY_FLOOR_K)
        self.heating = Cascade(self.air_loop, self.supply_loop, floor_c, self.supply_max_c)
        # Air -> mixing valve directly, while the supply probe is out: the
        # cascade's gain (3 K of water per K, 3 %/K of valve per K of water),
        # and its slower integral.  Tracking otherwise.
        self.valve_loop = PID(kp_m=9000, ki_m=9, out_min=0, out_max=FULL_SCALE)
        self.valve_loop.set_track(0)
        # Cooling demand above the ventilation setpoint: 15 %/K, Ti ~7 min, 0.5 %/s.
        # (Ti 15 min let a summer morning's sun, ramping to 600 W/m2 in two
        # hours, hold the air over the band for half an hour: the fan-coils
        # wait for the vents' share of the demand to fill first.)
        self.cool_loop = PID(kp_m=15000, ki_m=34, rate_per_s=500, direct=True)
        # Fog on VPD above its aim: 80 %/kPa, Ti about 9 min (the RH it acts on
        # is a 3-minute average; faster, the fog cycles with the vents).
        self.fog_loop = PID(kp_m=80000, ki_m=150, direct=True)
        self.fog_below_max_kpa = FOG_BELOW_MAX_PA
        self.heat_pump = MinOnOff(HEAT_PUMP_MIN_RUN_MS, HEAT_PUMP_MIN_OFF_MS)
        self._last_air_c: int | None = None
        self._air_missing_ms = 0
        self._hp_waiting_ms = 0
        self._vents_first = True
        self._vents_help = True
        self.vent_rate = VENT_RATE_PER_MIN
        self._vent = 0
        # Settings (core/settings.py names them, with ranges and units).
        self.ff_outdoor_pm = FF_OUTDOOR_PM
        self.ff_sun_k = FF_SUN_K
        self.vent_share = VENT_SHARE
        self.hp_on_demand = HEAT_PUMP_ON_DEMAND
        self.hp_off_demand = HEAT_PUMP_OFF_DEMAND
        self.hp_margin_k = HEAT_PUMP_MARGIN_K
        self.supply_floor_k = SUPPLY_FLOOR_K
        self.humidity_pipe_per_pct = HUMIDITY_PIPE_PER_PCT
        self.humidity_vent_per_pct = HUMIDITY_VENT_PER_PCT
        self.humidity_vent_max = HUMIDITY_VENT_MAX
        self.screen_cold_c = SCREEN_COLD_C
        self.air_hold_ms = AIR_HOLD_MS
        self.frozen_ms = FROZEN_MS
        self.deviation_k = HEATING_DEVIATION_K
        self.deviation_ms = HEATING_DEVIATION_MS
        self.sun_raise_k = 0  # per 100 W/m2 of (averaged) sun, by day
        self.sun_raise_max_k = 2000
        self.prenight_drop_k = 0  # below the night setpoint, for prenight_ms after the evening ramp
        self.prenight_ms = 7200000
        self.ramp_lead_ms = RAMP_LEAD_MS
        self._sun_avg = Accumulator()
        self._gain_dt_ms = 0  # the step the averaging gains below are for
        self._sun_gain_u = 0
        self._rh_avg = Accumulator()
        self._rh_gain_u = 0
        self._rh_started = False
        self._air_avg = Accumulator()
        self._air_gain_u = 0
        self._air_started = False
        self.air_filter_ms = AIR_FILTER_MS
        self._fogging = False
        self._coil_drying = False
        self._hp_drying = False  # the heat pump runs (in reverse) for the drying coil
        self.coil_below_vent_k = COIL_BELOW_VENT_K
        self.hp_drying = HP_DRYING
        self.reverse_start_k = REVERSE_START_K
        self.dry_above_min_pa = DRY_ABOVE_MIN_PA
        self._outside_drier = True
        self.storm_m_s = VENT_STORM_M_S
        self.windy_m_s = VENT_WINDY_M_S
        self.windy_vent_max = VENT_WINDY_MAX
        self.cold_vent_min = VENT_COLD_MIN
        self.source_return_min_c = SOURCE_RETURN_MIN_C
        self.preheat_k = PREHEAT_K
        self.hp_min_cap = HEAT_PUMP_MIN_CAP
        self.shade_w_m2 = 600  # 0: the screen never shades
        self.shade_pct = FULL_SCALE
        self._shading = False
        self.air_check = Plausible(AIR_MAX_STEP_K, ALARM_AIR_SPIKE, ALARM_AIR_FROZEN)
        self.air2_check = Plausible(AIR_MAX_STEP_K, ALARM_AIR2_SENSOR, ALARM_AIR2_SENSOR)
        self._disagree_ms = 0
        self.rh_check = Plausible(RH_MAX_STEP_PCT, ALARM_RH_SPIKE, ALARM_RH_FROZEN)
        self.supply_check = Plausible(SUPPLY_MAX_STEP_K, ALARM_SUPPLY_SPIKE, ALARM_SUPPLY_FROZEN)
        self._deviation_ms = 0
        self._screen = 0
        self._screen_wait_ms = 0
        self.day_start_ms = DAY_START_MS
        self.day_end_ms = DAY_END_MS
        self.screen_preheat_k = SCREEN_PREHEAT_K
        self._preheating = False
        self._preheat_ms = 0  # 0..RAMP_MS: how far the pre-heat has risen
        self._preheat_max_k = 0
        self._screen_shut_pm = False

    # -- settings (validated; a bad value raises ValueError and changes nothing) --

    def get(self, key):
        """A setting's value, in the core's scale (core/settings.py)."""
        target = entry(key)[1]
        if target.startswith(CROP):
            return self.profile[target[len(CROP) :]]
        if not self.has(key):
            raise ValueError('%s: this house has no irrigation (house.json "irrigation")' % key)
        if target.startswith(GAIN):
            target = target[len(GAIN) :]
        owner, name = _owner(self, target)
        return getattr(owner, name)

    def has(self, key):
        """Whether setting key applies to this house (irrigation's only where fitted)."""
        target = entry(key)[1]
        if target.startswith(GAIN):
            target = target[len(GAIN) :]
        return self.water is not None or not target.startswith(WATER)

    def set(self, key, value):
        _, target, low, high, scale, unit, _ = entry(key)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ValueError(
                "%s must be an integer in %d..%d (%g..%g %s), got %r"
                % (key, low, high, low / scale, high / scale, unit, value)
            )
        before = self.get(key)
        self._put(target, value)
        self._gain_dt_ms = 0  # a filter's time may have changed: its gain is recomputed
        problem = self._inconsistency()
        if problem:
            self._put(target, before)
            raise ValueError("%s = %d refused: %s" % (key, value, problem))

    def _put(self, target, value):
        if target.startswith(CROP):
            self.profile[target[len(CROP) :]] = value
        elif target.startswith(GAIN):
            loop, gain = _owner(self, target[len(GAIN) :])
            gains = {"kp_m": loop.kp_m, "ki_m": loop.ki_m, "kd_m": loop.kd_m}
            gains[gain] = value
            loop.set_gains(gains["kp_m"], gains["ki_m"], gains["kd_m"])  # bumpless
        else:
            owner, name = _owner(self, target)
            setattr(owner, name, value)

    def _inconsistency(self):
        p = self.profile
        if p["air_min_c"] >= p["air_max_c"]:
            return "air.min_c must stay below air.max_c"
        if p["vpd_min_kpa"] >= p["vpd_max_kpa"]:
            return "vpd.min_kpa must stay below vpd.max_kpa"
        if self.hp_off_demand >= self.hp_on_demand:
            return "hp.off_pct must stay below hp.on_pct"
        if self.windy_m_s >= self.storm_m_s:
            return "vent.windy_m_s must stay below vent.storm_m_s"
        if self.water is None:
            return None
        fert = self.water.fert
        if fert.ec_high <= max(fert.ec_dark, fert.ec_bright):
            return "fert.ec_high_ms_cm must stay above fert.ec_dark_ms_cm and fert.ec_bright_ms_cm"
        if fert.ph_low >= fert.ph_target:
            return "fert.ph_low must stay below fert.ph"
        if fert.dark_w_m2 >= fert.bright_w_m2:
            return "fert.dark_w_m2 must stay below fert.bright_w_m2"
        return None

    def set_day(self, sunrise_ms, sunset_ms):
        """The day period, solar time of day in ms: the caller works out
        sunrise and sunset from latitude and date once a day (floats have no
        place in the tick).  Both ramps must end inside the day."""
        check_range("sunrise_ms", sunrise_ms, 0, DAY_MS - 2 * RAMP_MS)
        check_range("sunset_ms", sunset_ms, sunrise_ms + RAMP_MS, DAY_MS - RAMP_MS)
        self.day_start_ms = sunrise_ms
        self.day_end_ms = sunset_ms
        if self.water is not None:
            self.water.set_day(sunrise_ms, sunset_ms)

    def tick(self, time_of_day_ms: int, dt_ms: int) -> "Outputs":
        inp = self.inputs
        out = self.outputs
        p = self.profile
        alarms = 0

        heat_sp = heating_setpoint(p, time_of_day_ms, self.day_start_ms, self.day_end_ms)
        if self.ramp_lead_ms:  # the morning rise starts early: the air lags its heating by most of an hour
            led_ms = (time_of_day_ms + self.ramp_lead_ms) % DAY_MS
            heat_sp = max(heat_sp, heating_setpoint(p, led_ms, self.day_start_ms, self.day_end_ms))
        sun = inp.radiation_w_m2
        if dt_ms != self._gain_dt_ms:
            self._gain_dt_ms = dt_ms
            self._sun_gain_u = div_micro(clamp(dt_ms, 0, SUN_AVERAGE_MS), SUN_AVERAGE_MS)
            self._rh_gain_u = div_micro(clamp(dt_ms, 0, RH_FILTER_MS), RH_FILTER_MS)
            self._air_gain_u = div_micro(clamp(dt_ms, 0, self.air_filter_ms), self.air_filter_ms)
        if sun is not None:  # a 15-minute average: clouds do not move the setpoint
            self._sun_avg.add_product(clamp(sun, 0, 2000) - self._sun_avg.value, self._sun_gain_u)
        if self.sun_raise_k and self.day_start_ms <= time_of_day_ms < self.day_end_ms:
            heat_sp += min(muldiv(self._sun_avg.value, self.sun_raise_k, 100), self.sun_raise_max_k)
        night_from_ms = self.day_end_ms + RAMP_MS
        if self.prenight_drop_k and night_from_ms <= time_of_day_ms < night_from_ms + self.prenight_ms:
            heat_sp -= self.prenight_drop_k
        schedule_sp = heat_sp  # the crop's: fog and the early screen judge the air by it
        noon_ms = (self.day_start_ms + self.day_end_ms) // 2
        if self.has_screen and self.screen_preheat_k:
            heat_sp += self._preheat(heat_sp, time_of_day_ms, noon_ms, dt_ms)
        vent_sp = heat_sp + p["vent_offset_k"]
        # Plentiful power (PV at noon, a surplus signal from the site): store
        # heat in the air and the mass, staying under the ventilation setpoint.
        if inp.power_surplus and self.preheat_k:
            heat_sp += min(self.preheat_k, p["vent_offset_k"] - HEATING_BAND_K)

        # Readings: spikes refused, frozen ones taken as missing.
        air = self.air_check.reading(inp.air_c, dt_ms, self.frozen_ms)
        rh = self.rh_check.reading(inp.rh_pct, dt_ms, self.frozen_ms)
        supply = self.supply_check.reading(inp.supply_c, dt_ms, self.frozen_ms)
        alarms |= self.air_check.alarms | self.rh_check.alarms | self.supply_check.alarms
        if rh is None:
            alarms |= ALARM_RH_SENSOR
        elif self._rh_started:
            self._rh_avg.add_product(rh - self._rh_avg.value, self._rh_gain_u)
            rh = self._rh_avg.value
        else:
            self._rh_avg.reset(rh)
            self._rh_started = True
        if sun is None:
            alarms |= ALARM_RADIATION_SENSOR

        # A second air sensor, where fitted, stands in for the first; the two
        # far apart for long means one is wrong, and only the grower can tell which.
        if self.has_air2:
            air2 = self.air2_check.reading(inp.air2_c, dt_ms, self.frozen_ms)
            alarms |= self.air2_check.alarms
            if air2 is None:
                alarms |= ALARM_AIR2_SENSOR
            elif air is None:
                air = air2
                alarms |= ALARM_AIR_SECOND
            elif air - air2 > AIR_DISAGREE_K or air2 - air > AIR_DISAGREE_K:
                self._disagree_ms = min(self._disagree_ms + dt_ms, HOUR_MS)
            else:
                self._disagree_ms = 0
            if self._disagree_ms >= AIR_DISAGREE_MS:
                alarms |= ALARM_AIR_DISAGREE

        # Air temperature, bridged for a while when the reading is missing.
        if air is None:
            self._air_missing_ms = min(self._air_missing_ms + dt_ms, HOUR_MS)
            air = self._last_air_c
            alarms |= ALARM_AIR_HELD
            if air is None or self._air_missing_ms > self.air_hold_ms:
                air = None
                alarms |= ALARM_AIR_FAILED
        else:
            self._last_air_c = air
            self._air_missing_ms = 0
        # The loops act on the air averaged over half a minute: the sensor's
        # noise, through their gains, would move the valves every tick.
        air_ctl = air
        if air is None:
            self._air_started = False
        elif self._air_started:
            self._air_avg.add_product(air - self._air_avg.value, self._air_gain_u)
            air_ctl = self._air_avg.value
        else:
            self._air_avg.reset(air)
            self._air_started = True

        # Humidity: RH above the crop limit cracks the vents and raises the
        # pipe.  The limit is RH max, or lower where the VPD would fall below
        # its band first (warm air holds more: 79 % at 17 degC for 0.4 kPa).
        rh_excess = 0
        rh_limit = p["rh_max_pct"]
        rh_dry = rh_limit  # the humidity the drying aims under: a little inside the VPD band
        vpd = 0
        outside_drier = self._outside_drier
        if rh is not None and air is not None:
            sat = sat_pa(air)
            rh_limit = _rh_at_deficit(p["vpd_min_kpa"], sat, rh_limit)
            rh_dry = _rh_at_deficit(p["vpd_min_kpa"] + self.dry_above_min_pa, sat, rh_limit)
            vpd = deficit_pa(sat, rh)
            out_c = inp.outdoor_c
            out_rh = inp.outdoor_rh_pct
            if out_c is not None and out_rh is not None:  # vapour pressures, Pa; latched +-50 Pa
                margin = OUTSIDE_DRIER_PA // 2 if outside_drier else OUTSIDE_DRIER_PA * 3 // 2
                out_sat = sat_pa(out_c)
                outside_drier = out_sat - deficit_pa(out_sat, out_rh) < sat - vpd - margin
                self._outside_drier = outside_drier
        if rh is not None and rh > rh_dry:
            rh_excess = rh - rh_dry

        # Dehumidify the cheapest way the house allows: with fan-coils and a
        # mild night, or air outside as wet as inside (a summer night), condense
        # on the mine-water coil; otherwise minimum pipe.
        # The coil stays clear of the heating's band (latched 0.5 K): cooling
        # the air into it would start the heating, which would stop the coil.
        coil_floor_c = max(heat_sp + HEATING_BAND_K, vent_sp - self.coil_below_vent_k)
        coil_room_k = 0 if self._coil_drying else COIL_HYSTERESIS_K
        coil_dehumidify = (
            rh_excess > 0
            and self.has_fan_coils
            and (not outside_drier or (inp.outdoor_c is not None and inp.outdoor_c > heat_sp))
            and air is not None
            and air > coil_floor_c + coil_room_k
        )
        self._coil_drying = coil_dehumidify

        # Heating cascade.
        floor_c = min(heat_sp + self.supply_floor_k, self.supply_max_c)
        supply_floor = floor_c
        if rh_excess and air is not None and not coil_dehumidify:
            supply_floor = clamp(air + self.humidity_pipe_per_pct * rh_excess, floor_c, self.supply_max_c)
        if supply_floor != self.air_loop.out_min or self.supply_max_c != self.air_loop.out_max:
            self.heating.set_inner_range(supply_floor, self.supply_max_c)
        # Heating rests (valve shut, its loop tracking) when the air (averaged:
        # one noisy reading does not flick it) is warm and no minimum pipe is
        # asked for: no keeping the pipe warm in summer.
        heating_wanted = air_ctl is None or air_ctl < heat_sp + HEATING_BAND_K or supply_floor > floor_c
        supply_missing = supply is None
        if supply is None:  # (not supply_missing: the type checker of the compiled build narrows on this)
            alarms |= ALARM_SUPPLY_SENSOR
            if self.supply_loop.mode != MANUAL:  # hold the valve where it is
                self.supply_loop.set_manual(self.supply_loop.out)
            supply = self.heating.inner_setpoint  # the air loop, tracking it, holds its setpoint
        elif not heating_wanted:
            if self.supply_loop.mode != TRACK:
                self.supply_loop.set_track(0)
        elif self.supply_loop.mode != AUTO:
            self.supply_loop.set_auto()
        if air is None:
            blind_supply = clamp(p["heat_night_c"] + SAFE_SUPPLY_RISE_K, floor_c, self.supply_max_c)
            self.air_loop.set_manual(blind_supply)
        elif self.air_loop.mode == MANUAL:
            self.air_loop.set_auto()
        ff = heat_sp
        if inp.outdoor_c is not None and inp.outdoor_c < heat_sp:
            ff += muldiv(heat_sp - inp.outdoor_c, self.ff_outdoor_pm, MILLI)
        if sun is not None and sun > 0:
            ff -= muldiv(min(sun, FF_SUN_MAX_W_M2), self.ff_sun_k, 100)
        self.air_loop.start_from(clamp(ff, -SIGNAL_MAX, SIGNAL_MAX))  # first tick only
        # Blind, the air loop sees "at setpoint", so its bumpless integral holds
        # the blind supply and the hand-back adds only the real error's P term.
        heat_valve = self.heating.update(heat_sp, heat_sp if air_ctl is None else air_ctl, supply, dt_ms, ff)
        if supply_missing and air_ctl is not None:
            heat_valve = self._valve_from_air(heat_sp, air_ctl, heating_wanted, heat_valve, dt_ms)
        elif self.valve_loop.mode == AUTO:
            self.valve_loop.set_track(0)  # (the next fallback starts from the valve then)
        # The water should follow its setpoint; far off for long, something is wrong.
        off_k = self.heating.inner_setpoint - supply
        if self.supply_loop.mode == AUTO and (off_k > self.deviation_k or -off_k > self.deviation_k):
            self._deviation_ms = min(self._deviation_ms + dt_ms, HOUR_MS)
            if self._deviation_ms >= self.deviation_ms:
                alarms |= ALARM_HEATING_DEVIATION
        else:
            self._deviation_ms = 0

        # Cooling in sequence.  Outside cooler than the ventilation setpoint:
        # vents first, then fan-coils.  Warmer: fan-coils first, then vents
        # while the outside is still cooler than the air.  The first stage
        # takes the first vent_share of the demand, the second the rest.
        vent = 0
        cool_valve = 0
        demand = 0
        if air is not None and air_ctl is not None:  # (both or neither)
            demand = self.cool_loop.update(vent_sp, air_ctl, dt_ms)
            outdoor = inp.outdoor_c
            if outdoor is None or outdoor < vent_sp - VENTS_FIRST_BELOW_K:
                self._vents_first = True
            elif outdoor > vent_sp:
                self._vents_first = False
            # Fogging with dry air outside, the vents help whatever the
            # outside temperature: they carry the fog's water away, and the
            # air cools toward the outside's wet bulb (evaporative cooling).
            evaporative = out.fog > 0 and outside_drier
            if outdoor is None or outdoor < air - VENTS_HELP_BELOW_K or evaporative:
                self._vents_help = True
            elif outdoor > air:
                self._vents_help = False
            vents_first = self._vents_first
            vents = self.has_vents and (vents_first or self._vents_help or not self.has_fan_coils)
            if not self.has_fan_coils:
                vent = demand if vents else 0
            elif not vents:
                cool_valve = demand
            else:
                share = self.vent_share
                first = muldiv(min(demand, share), FULL_SCALE, share)
                second = muldiv(max(demand - share, 0), FULL_SCALE, FULL_SCALE - share)
                if vents_first:
                    vent, cool_valve = first, second
                else:
                    cool_valve, vent = first, second
            mild = inp.outdoor_c is not None and inp.outdoor_c > p["air_min_c"] - HUMIDITY_VENT_COLD_K
            if rh_excess and self.has_vents and mild and outside_drier:
                vent = max(vent, min(self.humidity_vent_per_pct * rh_excess, self.humidity_vent_max))
            if coil_dehumidify:
                # Throttled toward the heating band rather than stopped at it,
                # so the air settles above the band instead of cycling into it.
                room_k = air_ctl - coil_floor_c
                coil = min(HUMIDITY_COIL_PER_PCT * rh_excess, muldiv(room_k, COIL_PER_K_ROOM, MILLI))
                coil = min(coil, FULL_SCALE)
                cool_valve = max(cool_valve, coil)
        if heat_valve > 0:
            cool_valve = 0  # never heat and cool at once
        step = muldiv(self.vent_rate, dt_ms, MINUTE_MS)
        vent = clamp(vent, self._vent - step, self._vent + step)

        # Fog: humidify a dry house, within the humidity limit, while the
        # heating holds the air (the fog's evaporation takes heat from it).
        fog = 0
        if self.has_fog:
            rh_room = FOG_RH_MARGIN_PCT if self._fogging else FOG_RH_MARGIN_PCT + FOG_RH_HYSTERESIS_PCT
            fog_ok = (
                rh is not None
                and air is not None
                and rh < rh_limit - rh_room
                and air >= schedule_sp - FOG_COLD_K  # the crop's setpoint: a pre-heat is no cold
            )
            self._fogging = fog_ok
            if fog_ok:
                if self.fog_loop.mode != AUTO:
                    self.fog_loop.set_auto()
            elif self.fog_loop.mode != TRACK:
                self.fog_loop.set_track(0)
            fog = self.fog_loop.update(p["vpd_max_kpa"] - self.fog_below_max_kpa, vpd, dt_ms)

        # Overrides: frost and overheat win over the loops, and the pipes'
        # limit over frost (hotter water than the pipes and crop take).
        if air is not None and air < p["air_min_c"]:
            alarms |= ALARM_FROST
            heat_valve = FULL_SCALE
            vent = 0
            cool_valve = 0
            fog = 0
        elif air is not None and air > p["air_max_c"]:
            alarms |= ALARM_OVERHEAT
            heat_valve = 0
            vent = FULL_SCALE if self.has_vents else 0
            cool_valve = FULL_SCALE if self.has_fan_coils else 0
            if self.has_fog and rh is not None and rh < rh_limit - FOG_RH_MARGIN_PCT:
                fog = FULL_SCALE
        if air is None:
            vent = 0
            cool_valve = 0
            fog = 0
        if supply is not None and supply > self.supply_max_c + SUPPLY_HIGH_MARGIN_K:
            alarms |= ALARM_SUPPLY_HIGH
            heat_valve = 0
        overheat = air is not None and air > p["air_max_c"]
        vent = min(vent, self._vent_limit(inp.wind_m_s, None if overheat else inp.outdoor_c))
        self._vent = vent

        # Heat pump: runs for heating demand, or in reverse when free cooling is
        # full, or to chill the drying coil.
        dry_by_hp = coil_dehumidify and self.hp_drying != 0
        if not self.has_reverse or air is None:
            want_cooling = False
        elif dry_by_hp:
            want_cooling = True  # chilled water for the drying coil
        elif self.outputs.heat_pump_cooling and self._hp_drying:
            want_cooling = False  # dry enough: it stops, unless cooling starts it anew
        elif self.outputs.heat_pump_cooling:
            want_cooling = cool_valve > REVERSE_KEEP and air > vent_sp - REVERSE_STOP_K
        else:
            saturated = (demand >= FULL_SCALE or overheat) and cool_valve >= FULL_SCALE
            want_cooling = saturated and air > vent_sp + self.reverse_start_k
        threshold = self.hp_off_demand if self.heat_pump.on else self.hp_on_demand
        want_hp = heat_valve > threshold or want_cooling
        if not inp.mine_flow_ok:
            alarms |= ALARM_NO_MINE_WATER
            self.heat_pump.force_off()
            want_hp = False
        source = inp.source_return_c
        if source is not None and source < self.source_return_min_c:
            alarms |= ALARM_SOURCE_COLD
            self.heat_pump.force_off()
            want_hp = False
        if inp.power_cap < self.hp_min_cap:
            want_hp = False  # the site allows less than the heat pump's least stage
        hp_on = self.heat_pump.update(want_hp, dt_ms)
        if hp_on and not inp.heat_pump_running:
            self._hp_waiting_ms = min(self._hp_waiting_ms + dt_ms, HOUR_MS)
            if self._hp_waiting_ms > HEAT_PUMP_START_MS:
                alarms |= ALARM_HEAT_PUMP
        else:
            self._hp_waiting_ms = 0

        # Screen (or quilt): closed in the cold dark; it opens above the
        # threshold and closes below half of it, so a cloud does not cycle it.
        screen = 0
        if self.has_screen:
            radiation = inp.radiation_w_m2
            # A closed screen waits for the full threshold; an open one closes below half.
            threshold = self.screen_open_w_m2 if self._screen else self.screen_open_w_m2 // 2
            afternoon = time_of_day_ms >= noon_ms
            if not afternoon:
                self._screen_shut_pm = False
            late = afternoon and time_of_day_ms >= self.day_end_ms - SCREEN_CLOSE_EARLY_MS
            if radiation is None:
                dark = not (self.day_start_ms <= time_of_day_ms < self.day_end_ms)
            else:
                dark = radiation < threshold
                cooling_down = air_ctl is not None and air_ctl < schedule_sp + SCREEN_CLOSE_WARM_K
                if late and radiation < self.screen_open_w_m2 and cooling_down:
                    dark = True
            dark = dark or self._screen_shut_pm
            cold = inp.outdoor_c is None or inp.outdoor_c < self.screen_cold_c
            losing = air is not None and air < heat_sp - SCREEN_HOLD_COLD_K  # (waits for the pre-heat)
            hold = losing and (radiation is None or radiation < SCREEN_HOLD_MAX_W_M2)
            was_open = self._screen != FULL_SCALE
            screen = self._screen_position(dark and cold, hold, dt_ms)
            if late and was_open and self._screen == FULL_SCALE:
                self._screen_shut_pm = True
            # By day the same screen shades: strong sun on a house already too
            # warm (settings screen.shade_*; a shade wants the heat kept out).
            if self.shade_w_m2 and radiation is not None and air is not None:
                if self._shading:
                    self._shading = radiation > self.shade_w_m2 * 3 // 4 and air > vent_sp
                else:
                    self._shading = radiation > self.shade_w_m2 and air > vent_sp + SHADE_HOT_K
                if self._shading:
                    screen = self.shade_pct

        out.heat_valve = heat_valve
        out.cool_valve = cool_valve
        out.fog = fog
        out.vent = vent
        out.screen = screen
        out.heat_pump_on = hp_on
        out.heat_pump_cooling = hp_on and want_cooling
        self._hp_drying = out.heat_pump_cooling and (dry_by_hp or self._hp_drying)
        out.alarms = alarms
        out.heat_setpoint_c = heat_sp
        out.vent_setpoint_c = vent_sp
        out.supply_setpoint_c = self.heating.inner_setpoint
        out.vpd_kpa = vpd
        # The heat pump runs only as hot as the mixing loop needs: higher COP.
        hp_supply = self.heating.inner_setpoint
        if supply_missing:  # no supply setpoint to follow: the blind supply's water
            hp_supply = max(hp_supply, p["heat_night_c"] + SAFE_SUPPLY_RISE_K)
        out.heat_pump_supply_c = min(hp_supply + self.hp_margin_k, self.supply_max_c)
        return out

    def _valve_from_air(self, heat_sp, air_ctl, wanted, held, dt_ms):
        """The mixing valve without its supply probe: the air drives it
        directly (one loop, from where the valve was held).  A held valve let
        the air fall 2 K under its setpoint as an evening's load rose."""
        loop = self.valve_loop
        if not wanted:
            loop.set_track(0)
        elif loop.mode != AUTO:
            loop.set_track(held)
        valve = loop.update(heat_sp, air_ctl, dt_ms)
        if wanted:
            loop.set_auto()
        self.supply_loop.set_manual(valve)  # its probe back, the mixing loop starts from here
        return valve

    def _preheat(self, heat_sp, time_of_day_ms, noon_ms, dt_ms):
        """The heating setpoint's rise on a cold morning while the screen is
        still closed (SCREEN_PREHEAT_*), K."""
        morning = self.day_start_ms - self.ramp_lead_ms <= time_of_day_ms < noon_ms
        if not morning or self._screen == 0:
            self._preheating = False
        elif self._screen == FULL_SCALE:
            self._preheating = True
        outdoor = self.inputs.outdoor_c
        if self._preheating and outdoor is not None:
            below = heat_sp - outdoor - SCREEN_PREHEAT_FROM_K
            self._preheat_max_k = clamp(muldiv(below, SCREEN_PREHEAT_PM, MILLI), 0, self.screen_preheat_k)
            if not self.outputs.fog:
                self._preheat_ms = min(self._preheat_ms + dt_ms, RAMP_MS)
        else:
            self._preheat_ms = max(self._preheat_ms - SCREEN_PREHEAT_FALL * dt_ms, 0)
        return muldiv(self._preheat_max_k, self._preheat_ms // MS_PER_S, RAMP_MS // MS_PER_S)

    def _vent_limit(self, wind, outdoor):
        """The most the vents may open in this wind and cold (outdoor None: no cold limit)."""
        limit = FULL_SCALE
        if wind is not None:
            if wind >= self.storm_m_s:
                return 0
            if wind >= self.windy_m_s:
                limit = self.windy_vent_max
        if outdoor is not None and outdoor < VENT_COLD_FULL_C:
            below = min(VENT_COLD_FULL_C - outdoor, VENT_COLD_FULL_C - VENT_COLD_LOW_C)
            span = FULL_SCALE - self.cold_vent_min
            limit = min(limit, FULL_SCALE - muldiv(below, span, VENT_COLD_FULL_C - VENT_COLD_LOW_C))
        return limit

    def _screen_position(self, close: bool, hold: bool, dt_ms: int) -> int:
        """Closes at once; opens by a gap, then in steps, pausing while held."""
        if close:
            self._screen = FULL_SCALE
            self._screen_wait_ms = 0
        elif self._screen and not hold:
            self._screen_wait_ms += dt_ms
            if self._screen == FULL_SCALE:
                self._screen = SCREEN_GAP
                self._screen_wait_ms = 0
            else:
                hold_ms = SCREEN_GAP_HOLD_MS if self._screen == SCREEN_GAP else SCREEN_STEP_MS
                if self._screen_wait_ms >= hold_ms:
                    self._screen = max(0, self._screen - SCREEN_STEP)
                    self._screen_wait_ms = 0
        return self._screen

    def alarm_names(self, alarms):
        return [code for bit, code, _ in ALARM_TEXT if alarms & bit]


def _rh_at_deficit(deficit_pa, sat, rh_max):
    """The RH (milli-%) that leaves deficit_pa of vapour deficit in air
    holding sat Pa, within RH_LIMIT_MIN..rh_max."""
    return clamp(RH_FULL - muldiv(deficit_pa, RH_FULL, sat), RH_LIMIT_MIN, rh_max)


def _owner(obj, path):
    """A settings target "a.b.name" -> (obj.a.b, "name")."""
    dot = path.find(".")
    while dot >= 0:
        obj = getattr(obj, path[:dot])
        path = path[dot + 1 :]
        dot = path.find(".")
    return obj, path

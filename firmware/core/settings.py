# The climate controller's settings: one schema, the single place that says
# which parameters exist, their range, unit and meaning.  The REPL tuning
# object (gh.get/gh.set/gh.help), the config file and the simulator all go
# through it.
#
# Each line: key, target, low, high, scale, unit, meaning.
#   target  where the value lives in a Climate:
#             "crop.<name>"       the crop profile (defaults from core/crops.py)
#             "gain.<loop>.<g>"   a PID gain of a loop: air_loop, supply_loop, cool_loop,
#                                 fog_loop, or a path to one (water.fert.ab.loop)
#             "<attribute>"       an attribute of the Climate, or a path to one
#                                 (water.irr.dose_ml_m2: the irrigation's)
#   low, high, and the stored value are in the core's scales (core/fixed.py);
#   scale is how many of those make one `unit`: air.day_c = 20500 is 20.5 degC.
#
# The schema is one text table, parsed a line at a time when asked: on the
# node it is a single string, where a tuple of tuples cost 15 kB more heap.

CROP = "crop."
GAIN = "gain."
WATER = "water."  # irrigation and fertigation: only where the house has them
WATER_GROUPS = ("irr.", "fert.")  # their keys' groups

TABLE = """
# Crop setpoints and limits (crop profile; core/crops.py gives the sources).
air.day_c                crop.heat_day_c           5000     35000 1000 degC      heating setpoint by day
air.night_c              crop.heat_night_c         5000     35000 1000 degC      heating setpoint by night
air.vent_offset_k        crop.vent_offset_k         500     10000 1000 K         ventilation setpoint above heating
air.sun_raise_k_per_100w sun_raise_k                  0      2000 1000 K         day setpoint rise per 100 W/m2 of sun
air.sun_raise_max_k      sun_raise_max_k              0      5000 1000 K         largest rise with the sun
air.prenight_drop_k      prenight_drop_k              0      5000 1000 K         below the night setpoint after dusk
air.prenight_s           prenight_ms                  0  21600000 1000 s         how long the pre-night drop lasts
air.ramp_lead_s          ramp_lead_ms                 0   7200000 1000 s         heating runs the morning ramp this early
air.filter_s             air_filter_ms            10000    600000 1000 s         loops use the air averaged this long
air.min_c                crop.air_min_c               0     25000 1000 degC      frost override below this: full heat, vents shut
air.max_c                crop.air_max_c           20000     45000 1000 degC      overheat override above this: full cooling
rh.max_pct               crop.rh_max_pct          50000    100000 1000 %         RH above this dehumidifies
vpd.min_kpa              crop.vpd_min_kpa             0      3000 1000 kPa       VPD band, lower edge
vpd.max_kpa              crop.vpd_max_kpa           100      5000 1000 kPa       VPD band, upper edge
# Heating: air -> supply-water setpoint -> mixing valve.
air.heat.kp              gain.air_loop.kp_m           0     20000 1000 K/K       air loop: supply K per K of air error
air.heat.ki              gain.air_loop.ki_m           0      1000 1000 K/(K*s)   air loop: integral gain
supply.kp                gain.supply_loop.kp_m        0     50000 1000 %/K       mixing valve: % per K of supply error
supply.ki                gain.supply_loop.ki_m        0      5000 1000 %/(K*s)   mixing valve: integral gain
supply.max_c             supply_max_c             25000     80000 1000 degC      highest supply water, also the heat pump's
supply.floor_k           supply_floor_k               0     20000 1000 K         lowest supply setpoint, above the heating setpoint
ff.outdoor_k_per_k       ff_outdoor_pm                0      3000 1000 K/K       supply rise per K the outside is colder
ff.sun_k_per_100w        ff_sun_k                     0     20000 1000 K         supply drop per 100 W/m2 of sun
# Cooling: demand above the ventilation setpoint, vents first, then fan-coils.
cool.kp                  gain.cool_loop.kp_m          0    100000 1000 %/K       cooling demand per K above the vent setpoint
cool.ki                  gain.cool_loop.ki_m          0      5000 1000 %/(K*s)   cooling demand: integral gain
vent.storm_m_s           storm_m_s                 5000     40000 1000 m/s       vents shut at this wind and above
vent.windy_m_s           windy_m_s                 3000     40000 1000 m/s       above this wind the vents open at most ...
vent.windy_max_pct       windy_vent_max               0    100000 1000 %         ... this far
vent.cold_min_pct        cold_vent_min                0    100000 1000 %         most the vents open at -5 degC outside
vent.rate_pct_per_min    vent_rate                 1000    100000 1000 %/min     vents move at most this fast
vent.share_pct           vent_share               10000     90000 1000 %         cooling demand the first stage takes (vents or fan-coils)
# Heat pump.
hp.on_pct                hp_on_demand              1000     50000 1000 %         heating valve above this starts the heat pump
hp.off_pct               hp_off_demand                0     20000 1000 %         heating valve below this lets it stop
hp.source_min_c          source_return_min_c      -5000     15000 1000 degC      mine water return below this stops the hp
hp.min_cap_pct           hp_min_cap                   0    100000 1000 %         a power cap below this stops the heat pump
air.preheat_k            preheat_k                    0      5000 1000 K         heating setpoint rise while power is plentiful
hp.margin_k              hp_margin_k               1000     15000 1000 K         leaving water above the supply setpoint
hp.reverse_start_k       reverse_start_k              0      5000 1000 K         reverses (chills) with free cooling full and the air this far above the vent setpoint
# Humidity.
rh.pipe_k_per_pct        humidity_pipe_per_pct        0        10    1 K/%       minimum supply rise per % RH above max
rh.vent_pct_per_pct      humidity_vent_per_pct        0        20    1 %/%       vent crack per % RH above max
rh.vent_max_pct          humidity_vent_max            0     50000 1000 %         largest humidity vent crack
rh.coil_below_vent_k     coil_below_vent_k            0     10000 1000 K         drying coil keeps the air at least this far under the vent setpoint
rh.hp_dry                hp_drying                    0         1    1 -         1: a reversible heat pump chills the drying coil
vpd.dry_above_kpa        dry_above_min_pa             0       500 1000 kPa       dehumidifying aims this far above VPD min
fog.below_max_kpa        fog_below_max_kpa            0      1000 1000 kPa       fog aims this far under VPD max
fog.kp                   gain.fog_loop.kp_m           0   1000000 1000 %/kPa     fog per kPa of VPD above its aim
fog.ki                   gain.fog_loop.ki_m           0     20000 1000 %/(kPa*s) fog: integral gain
# Screen or quilt.
screen.open_w_m2         screen_open_w_m2             0      1000    1 W/m2      opens above this sun, closes below half
screen.shade_w_m2        shade_w_m2                   0      1500    1 W/m2      shades above this sun when too warm; 0: never
screen.shade_pct         shade_pct                    0    100000 1000 %         how far the screen closes to shade
screen.cold_c            screen_cold_c           -20000     30000 1000 degC      closes at night when outside is colder
screen.preheat_k         screen_preheat_k             0      5000 1000 K         cold morning, screen still closed: most the heating setpoint rises; 0: off
# Sensor fallback.
air.hold_s               air_hold_ms                  0   3600000 1000 s         a missing air reading is bridged this long
sensor.frozen_s          frozen_ms                    0  86400000 1000 s         a reading repeated exactly this long is failed; 0: off
supply.deviation_k       deviation_k               1000     50000 1000 K         supply this far off its setpoint ...
supply.deviation_s       deviation_ms             60000  86400000 1000 s         ... this long raises heating_deviation
"""


def _parse(line):
    key, target, low, high, scale, unit, meaning = line.split(None, 6)
    return key, target, int(low), int(high), int(scale), unit, meaning


def _water_table():
    """The irrigation's and fertigation's rows (core/water_settings.py): a
    module of their own, loaded only when asked for (heap on a node without)."""
    from core.water_settings import TABLE as WATER_TABLE

    return WATER_TABLE


def _lines(water=True):
    """The table's setting lines, one at a time (no list of them all: heap)."""
    tables = (TABLE, _water_table()) if water else (TABLE,)
    for table in tables:
        start = 1
        while True:
            end = table.find("\n", start)
            if end < 0:
                break
            if end > start and table[start] != "#":
                yield table[start:end]
            start = end + 1


def entries(water=True):
    """Every schema entry, (key, target, low, high, scale, unit, meaning), in
    order; without the irrigation's when water is False."""
    for line in _lines(water):
        yield _parse(line)


def keys(water=True):
    """Every setting's key, in order; without the irrigation's when water is False."""
    for line in _lines(water):
        yield line[: line.index(" ")]


def entry(key):
    """The schema entry of key; a ValueError naming the key and the known keys
    of its group (the part before the first dot) otherwise."""
    if not isinstance(key, str):
        raise ValueError("setting keys are strings, got %r" % (key,))
    if key and key[0] != "#" and " " not in key:
        tables = (TABLE, _water_table()) if key.startswith(WATER_GROUPS) else (TABLE,)
        for table in tables:
            start = table.find("\n" + key + " ") + 1
            if start:
                return _parse(table[start : table.index("\n", start)])
    group = key.split(".")[0] + "."
    near = [k for k in keys() if k.startswith(group)] or list(keys())
    raise ValueError("unknown setting %r; known: %s" % (key, ", ".join(near)))

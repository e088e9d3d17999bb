# What the greenhouse has and grows: house.json on the node, written at
# commissioning (the simulator writes it from the scenario).  The board says
# which pins drive what; this says what the house is.
#
#   {"crop": "rose", "day_c": 21.0, "night_c": 19.0, "vent_offset_k": 4.0,
#    "supply_max_c": 45.0, "vents": true, "fan_coils": true, "screen": true,
#    "screen_open_w_m2": 50, "reverse": false, "fog": false, "air_sensors": 1,
#    "latitude": 39.4, "longitude": 112.4, "period_s": 10}
#
# Every key but "crop" is optional (defaults below).  The season's setpoints
# (day_c, night_c, vent_offset_k) are the grower's; the rest of the crop
# profile is core/crops.py's.  The firmware controller of the simulator
# builds its Climate with the same function, so both runtimes run one house.

from core.climate import SCREEN_OPEN_W_M2, Climate
from core.crops import PROFILES

SETPOINTS = (("day_c", "heat_day_c"), ("night_c", "heat_night_c"), ("vent_offset_k", "vent_offset_k"))
SWITCHES = ("vents", "fan_coils", "screen", "reverse", "fog")
# Where the house is and how often it is controlled: for the ESP32 HAL
# (solar time and sunrise from the RTC); the simulator's frames carry both.
SITE = (("latitude", -66, 66), ("longitude", -180, 180), ("period_s", 1, 600))
KEYS = ("crop", "supply_max_c", "screen_open_w_m2", "air_sensors") + SWITCHES + tuple(k for k, _ in SETPOINTS)
KEYS += tuple(k for k, _, _ in SITE) + ("irrigation",)


def _number(house, key, low, high, where="house"):
    value = house[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise ValueError("%s.%s must be a number in %g..%g, got %r" % (where, key, low, high, value))
    return value


def make_climate(house):
    """The Climate of house (a dict as above); a ValueError naming the key
    and what is allowed otherwise."""
    if not isinstance(house, dict):
        raise ValueError("house must be a JSON object, got %r" % (house,))
    for key in house:
        if key not in KEYS:
            raise ValueError("unknown house key %r (allowed: %s)" % (key, ", ".join(KEYS)))
    crop = house.get("crop")
    if crop not in PROFILES:
        raise ValueError("house.crop must be one of %s, got %r" % (", ".join(sorted(PROFILES)), crop))
    profile = dict(PROFILES[crop])
    for key, target in SETPOINTS:
        if key in house:
            profile[target] = int(round(_number(house, key, 0, 40) * 1000))
    for key in SWITCHES:
        if key in house and house[key] not in (True, False):
            raise ValueError("house.%s must be true or false, got %r" % (key, house[key]))
    for key, low, high in SITE:
        if key in house:
            _number(house, key, low, high)
    supply_max_c = None
    if "supply_max_c" in house:
        supply_max_c = int(round(_number(house, "supply_max_c", 25, 80) * 1000))
    screen_open = SCREEN_OPEN_W_M2
    if "screen_open_w_m2" in house:
        screen_open = int(_number(house, "screen_open_w_m2", 0, 1000))
    air_sensors = 1
    if "air_sensors" in house:
        air_sensors = house["air_sensors"]
        if air_sensors not in (1, 2) or isinstance(air_sensors, bool):
            raise ValueError("house.air_sensors must be 1 or 2, got %r" % (air_sensors,))
    climate = Climate(
        profile,
        supply_max_c=supply_max_c,
        vents=house.get("vents", True),
        fan_coils=house.get("fan_coils", True),
        screen=house.get("screen", True),
        reverse=house.get("reverse", False),
        screen_open_w_m2=screen_open,
        fog=house.get("fog", False),
        air_sensors=air_sensors,
    )
    if "irrigation" in house:  # loaded only where the house irrigates, after the
        from node.house_water import watering  # Climate has its heap in one piece

        climate.water = watering(house["irrigation"], crop)
    return climate

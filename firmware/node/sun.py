# The node's day: solar time of day and sunrise and sunset from the RTC's UTC,
# the house's latitude and longitude.  The control core counts the day in
# apparent solar time (noon when the sun is highest), as the simulator does.
# Floats are fine here (once a tick, not in the core): on the ESP32's single
# precision the times come out within a few seconds.
#
# Spencer (1971): declination and equation of time as Fourier series in the
# day angle; sunrise is the sun's upper edge on the horizon with refraction
# (elevation -0.833 deg), as almanacs count it.

import math

DAY_S = 86400
SUNRISE_ELEVATION_DEG = -0.833
HALF_DAY_MIN_H = 0.5  # polar day or night clipped to days of 1..23 h (Climate.set_day's range)
HALF_DAY_MAX_H = 11.0


def _day_angle(day_of_year):
    return 2 * math.pi * (day_of_year - 1) / 365


def declination_rad(day_of_year):
    g = _day_angle(day_of_year)
    return (
        0.006918 - 0.399912 * math.cos(g) + 0.070257 * math.sin(g) - 0.006758 * math.cos(2 * g)
        + 0.000907 * math.sin(2 * g) - 0.002697 * math.cos(3 * g) + 0.00148 * math.sin(3 * g)
    )  # fmt: skip


def equation_of_time_s(day_of_year):
    """Apparent minus mean solar time, seconds (-14..+16 minutes)."""
    g = _day_angle(day_of_year)
    minutes = 229.18 * (
        0.000075 + 0.001868 * math.cos(g) - 0.032077 * math.sin(g)
        - 0.014615 * math.cos(2 * g) - 0.040849 * math.sin(2 * g)
    )  # fmt: skip
    return minutes * 60


def solar_offset_s(longitude_deg, day_of_year):
    """Seconds to add to UTC for apparent solar time at longitude (east +)."""
    return int(round(longitude_deg * 240 + equation_of_time_s(day_of_year)))


def sunrise_sunset_ms(latitude_deg, day_of_year):
    """Sunrise and sunset in ms of solar time of day."""
    lat = math.radians(latitude_deg)
    dec = declination_rad(day_of_year)
    cos_half = (math.sin(math.radians(SUNRISE_ELEVATION_DEG)) - math.sin(lat) * math.sin(dec)) / (
        math.cos(lat) * math.cos(dec)
    )
    half_h = math.degrees(math.acos(min(max(cos_half, -1.0), 1.0))) / 15
    half_h = min(max(half_h, HALF_DAY_MIN_H), HALF_DAY_MAX_H)
    half_ms = int(half_h * 3600 + 0.5) * 1000
    return 43200000 - half_ms, 43200000 + half_ms


def solar_now(utc_s, longitude_deg, gmtime):
    """(time of day ms, day of year) in apparent solar time for utc_s
    (seconds since the port's epoch; gmtime: time.gmtime)."""
    day_of_year = gmtime(utc_s)[7]
    t = gmtime(utc_s + solar_offset_s(longitude_deg, day_of_year))
    return ((t[3] * 60 + t[4]) * 60 + t[5]) * 1000, t[7]

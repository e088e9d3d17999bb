"""Weather for the simulator: a seeded synthetic generator with presets for the
seed sites, and a reader for EPW (EnergyPlus weather) files.

Everything is in local solar time (solar noon at 12:00).  A Weather holds
plain Python lists sampled every step_s from the start, because the
simulator reads them one value at a time in its hot loop.
"""

import datetime
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from host_sim import psychro

DAY_S = 86400
SOLAR_CONSTANT_DECLINATION_DEG = 23.44  # Earth's axial tilt
OVERRIDE_KEYS = ("t_mean_c", "t_swing_c", "rh_mean_pct", "clearness", "wind_m_s")


@dataclass(frozen=True)
class Preset:
    latitude: float  # deg N
    altitude_m: float
    t_mean_c: float  # daily mean outdoor temperature
    t_swing_c: float  # mean diurnal range, max - min
    rh_mean_pct: float
    clearness: float  # mean ratio of global radiation to clear-sky radiation
    wind_m_s: float
    start: str  # "MM-DD", the middle of the season
    source: str


# Monthly climate normals, rounded: China Meteorological Administration
# 1981-2010 normals for the Shuozhou (Pingshuo mine, Shanxi) and Zibo
# (Zichuan, Shandong) stations as published in climate summaries; clearness
# is our estimate from typical North China clearness indices (+-0.1).
_CMA = "CMA 1981-2010 normals, rounded; clearness estimated (+-0.1)"
PRESETS = {
    "pingshuo-winter": Preset(39.5, 1300.0, -10.5, 14.0, 50.0, 0.66, 2.8, "01-15",
                              f"Shuozhou, January: cold, dry, very sunny. {_CMA}"),
    "pingshuo-summer": Preset(39.5, 1300.0, 21.5, 12.0, 68.0, 0.52, 2.2, "07-15",
                              f"Shuozhou, July: mild, the rainy season. {_CMA}"),
    "zichuan-winter": Preset(36.6, 100.0, -1.5, 9.5, 57.0, 0.50, 2.4, "01-15",
                             f"Zibo, January: cold, often hazy. {_CMA}"),
    "zichuan-summer": Preset(36.6, 100.0, 27.0, 8.0, 77.0, 0.42, 2.1, "07-15",
                             f"Zibo, July: hot, humid, hazy and cloudy. {_CMA}"),
    "zichuan-spring": Preset(36.6, 100.0, 14.5, 12.0, 50.0, 0.52, 3.0, "04-15",
                             f"Zibo, April: mild, dry and windy. {_CMA}"),
}  # fmt: skip

# Day-to-day (synoptic) weather: AR(1) processes on daily values.
DAILY_PERSISTENCE = 0.7
TEMP_ANOMALY_SD_K = 2.5
CLEARNESS_SD = 0.18  # of the daily clearness, before clipping
HOURLY_CLOUD_SD = 0.12  # passing clouds within a day
WIND_LOG_SD = 0.35
MIN_CLEARNESS = 0.05


@dataclass
class Weather:
    step_s: int
    latitude: float
    t_out_c: list
    rh_out_pct: list
    global_w_m2: list
    wind_m_s: list
    source: str

    def __len__(self):
        return len(self.t_out_c)


def solar_declination_deg(day_of_year):
    """Cooper (1969)."""
    return SOLAR_CONSTANT_DECLINATION_DEG * np.sin(2 * np.pi * (284 + np.asarray(day_of_year)) / 365.0)


def solar_elevation_deg(latitude, day_of_year, solar_hour):
    """Sun elevation above the horizon from declination and hour angle."""
    lat = np.radians(latitude)
    decl = np.radians(solar_declination_deg(day_of_year))
    hour_angle = np.radians(15.0 * (np.asarray(solar_hour) - 12.0))
    sin_elev = np.sin(lat) * np.sin(decl) + np.cos(lat) * np.cos(decl) * np.cos(hour_angle)
    elevation = np.degrees(np.arcsin(np.clip(sin_elev, -1.0, 1.0)))
    return float(elevation) if np.ndim(elevation) == 0 else elevation


def clear_sky_global_w_m2(elevation_deg, altitude_m=0.0):
    """Haurwitz (1945) clear-sky global horizontal radiation, with about
    +6 % per km of altitude for the thinner, drier air above the site."""
    cos_zenith = np.sin(np.radians(elevation_deg))
    positive = np.maximum(cos_zenith, 1e-6)
    ghi = np.where(cos_zenith > 0, 1098.0 * positive * np.exp(-0.057 / positive), 0.0)
    ghi = ghi * (1.0 + 0.06 * altitude_m / 1000.0)
    return float(ghi) if np.ndim(ghi) == 0 else ghi


def _sat_vap_pres_pa(temp_c):
    return np.interp(temp_c, psychro.SAT_TABLE_C, psychro.SAT_TABLE_PA)


def _ar1(rng, count, persistence, sd):
    """A stationary AR(1) series with the given standard deviation."""
    noise = rng.normal(0.0, sd * math.sqrt(1 - persistence**2), count)
    series = np.empty(count)
    value = rng.normal(0.0, sd)
    for i in range(count):
        value = persistence * value + noise[i]
        series[i] = value
    return series


def _diurnal_shape(hour):
    """-1 at 06:00 (minimum), +1 at 14:00 (maximum), cosine segments between."""
    rising = (hour >= 6.0) & (hour < 14.0)
    falling_hour = np.where(hour >= 14.0, hour, hour + 24.0)
    return np.where(rising, -np.cos(np.pi * (hour - 6.0) / 8.0), np.cos(np.pi * (falling_hour - 14.0) / 16.0))


def synthetic(preset, start, days, step_s, seed, latitude=None, **overrides):
    """Seeded synthetic weather: diurnal cycles, synoptic spells, cloudiness."""
    if preset not in PRESETS:
        raise ValueError(f"weather preset must be one of {', '.join(PRESETS)}, got {preset!r}")
    unknown = sorted(set(overrides) - set(OVERRIDE_KEYS))
    if unknown:
        raise ValueError(f"unknown weather override {unknown[0]!r} (allowed: {', '.join(OVERRIDE_KEYS)})")
    p = PRESETS[preset]
    figures = {key: getattr(p, key) for key in OVERRIDE_KEYS}
    figures.update({key: value for key, value in overrides.items() if value is not None})
    latitude = p.latitude if latitude is None else latitude
    rng = np.random.default_rng(seed)

    count = round(days * DAY_S / step_s)
    start_s = start.hour * 3600 + start.minute * 60 + start.second
    t_s = start_s + np.arange(count) * float(step_s)
    day = (t_s // DAY_S).astype(int)
    hour = (t_s % DAY_S) / 3600.0
    day_of_year = start.timetuple().tm_yday + day
    n_days = int(day[-1]) + 2 if count else 1

    # Cloudiness: daily clearness with persistence, and passing clouds.
    clearness = figures["clearness"]
    daily_k = np.clip(clearness + _ar1(rng, n_days, DAILY_PERSISTENCE, CLEARNESS_SD), MIN_CLEARNESS, 1.0)
    daily_k *= clearness / max(daily_k.mean(), 1e-9)  # keep the preset's mean over the run
    hourly = _ar1(rng, n_days * 24 + 1, 0.6, HOURLY_CLOUD_SD)
    hour_index = (day * 24 + hour.astype(int)).clip(0, len(hourly) - 1)
    ratio = np.clip(daily_k[day] * (1.0 + hourly[hour_index]), 0.0, 1.0)
    elevation = solar_elevation_deg(latitude, day_of_year, hour)
    global_w_m2 = clear_sky_global_w_m2(elevation, p.altitude_m) * ratio

    # Temperature: mean + synoptic anomaly + diurnal cycle, damped on cloudy days.
    anomaly = _ar1(rng, n_days, DAILY_PERSISTENCE, TEMP_ANOMALY_SD_K)
    position = (t_s - start_s) / DAY_S - 0.5  # smooth between day centres
    smooth_anomaly = np.interp(position, np.arange(n_days), anomaly)
    # Clear days swing more, overcast days less; the mean factor stays near 1.
    swing = figures["t_swing_c"] * np.clip(0.4 + 0.6 * daily_k[day] / max(clearness, MIN_CLEARNESS), 0.4, 1.6)
    t_out_c = figures["t_mean_c"] + smooth_anomaly + swing / 2.0 * _diurnal_shape(hour)

    # Humidity: the day's vapour pressure is constant; RH follows temperature.
    inverse_sat = 1.0 / _sat_vap_pres_pa(t_out_c)
    mean_inverse_sat = np.bincount(day, weights=inverse_sat) / np.bincount(day)
    vapour_pa = figures["rh_mean_pct"] / 100.0 / mean_inverse_sat[day]
    rh_out_pct = np.clip(100.0 * vapour_pa * inverse_sat, 5.0, 100.0)

    # Wind: stronger in the afternoon, log-normal spells.
    gusts = np.exp(_ar1(rng, n_days * 24 + 1, 0.8, WIND_LOG_SD) - WIND_LOG_SD**2 / 2)
    diurnal_wind = 1.0 + 0.3 * np.cos(2 * np.pi * (hour - 14.0) / 24.0)
    wind_m_s = np.maximum(0.0, figures["wind_m_s"] * diurnal_wind * gusts[hour_index])

    return Weather(
        step_s=step_s,
        latitude=latitude,
        t_out_c=t_out_c.tolist(),
        rh_out_pct=rh_out_pct.tolist(),
        global_w_m2=global_w_m2.tolist(),
        wind_m_s=wind_m_s.tolist(),
        source=f"preset {preset}, seed {seed}",
    )


# -- EPW files --

EPW_HEADER_LINES = 8
EPW_FIELDS = 35
_MISSING = {"t_out_c": 99.9, "rh_out_pct": 999.0, "global_w_m2": 9999.0, "wind_m_s": 999.0}
_COLUMNS = {"t_out_c": 6, "rh_out_pct": 8, "global_w_m2": 13, "wind_m_s": 21}


@dataclass
class EpwFile:
    city: str
    latitude: float
    longitude: float
    time_zone_h: float
    altitude_m: float
    month: list
    day: list
    hour: list
    t_out_c: list
    rh_out_pct: list
    global_w_m2: list
    wind_m_s: list


def read_epw(path):
    """Reads an EPW file's location and the hourly columns the simulator uses."""
    path = Path(path)
    lines = path.read_text(encoding="latin-1").splitlines()
    if not lines or not lines[0].startswith("LOCATION,"):
        raise ValueError(f"{path}: line 1 must be the EPW LOCATION header")
    location = lines[0].split(",")
    try:
        city, latitude, longitude = location[1], float(location[6]), float(location[7])
        # Time zone then elevation; some files write a half-hour zone with a
        # decimal comma ("5,5"), which splits it into two fields.
        rest = location[8:]
        altitude_m = float(rest[-1])
        time_zone_h = float(".".join(field.strip() for field in rest[:-1]))
    except (IndexError, ValueError) as error:
        raise ValueError(f"{path}: line 1: bad LOCATION header ({error})") from None
    columns = {name: [] for name in ("month", "day", "hour", *_COLUMNS)}
    for number, line in enumerate(lines[EPW_HEADER_LINES:], start=EPW_HEADER_LINES + 1):
        if not line.strip():
            continue
        fields = line.split(",")
        if len(fields) < EPW_FIELDS:
            raise ValueError(f"{path}: line {number}: {len(fields)} fields, an EPW row has {EPW_FIELDS}")
        try:
            columns["month"].append(int(fields[1]))
            columns["day"].append(int(fields[2]))
            columns["hour"].append(int(fields[3]))
            for name, index in _COLUMNS.items():
                columns[name].append(float(fields[index]))
        except ValueError as error:
            raise ValueError(f"{path}: line {number}: {error}") from None
    if len(columns["hour"]) not in (8760, 8784):
        raise ValueError(f"{path}: {len(columns['hour'])} hourly rows, a year has 8760 (8784 in a leap year)")
    for name, missing in _MISSING.items():
        columns[name] = _fill_missing(columns[name], missing)
    return EpwFile(city, latitude, longitude, time_zone_h, altitude_m, **columns)


def _fill_missing(values, missing):
    array = np.array(values)
    bad = array >= missing
    if bad.any() and not bad.all():
        index = np.arange(len(array))
        array[bad] = np.interp(index[bad], index[~bad], array[~bad])
    return array.tolist()


def from_epw(path, start, days, step_s):
    """Weather from an EPW file: from start's month, day and hour (the year is
    ignored), wrapping at the year end, linearly interpolated to step_s.  An
    EPW value for hour h covers the hour ending at h: it is taken as the
    value at h - 0.5."""
    epw = read_epw(path)
    hours_in_year = len(epw.hour)
    first_row = _row_of(epw, start.month, start.day)
    start_h = first_row + start.hour + start.minute / 60.0
    count = round(days * DAY_S / step_s)
    position = start_h + np.arange(count) * (step_s / 3600.0) - 0.5
    low = np.floor(position).astype(int)
    frac = position - low
    low %= hours_in_year
    high = (low + 1) % hours_in_year
    series = {}
    for name in _COLUMNS:
        values = np.array(getattr(epw, name))
        series[name] = (values[low] * (1 - frac) + values[high] * frac).tolist()
    return Weather(step_s=step_s, latitude=epw.latitude, source=f"epw {Path(path).name}", **series)


def _row_of(epw, month, day):
    for row in range(0, len(epw.hour), 24):
        if epw.month[row] == month and epw.day[row] == day:
            return row
    if month == 2 and day == 29:  # a leap day asked of a normal year: use 28 February
        return _row_of(epw, 2, 28)
    raise ValueError(f"{month:02d}-{day:02d} is not in the EPW file")


def season_start(preset, year):
    """The preset's typical start date in a given year."""
    month, day = (int(part) for part in PRESETS[preset].start.split("-"))
    return datetime.datetime(year, month, day)

"""Weather for the simulator: a seeded synthetic generator with presets for the
seed sites, and a reader for EPW (EnergyPlus weather) files.

Everything is in local solar time (solar noon at 12:00, no time zones).  A
Weather holds plain Python lists sampled every step_s from the start, because
the simulator reads them one value at a time in its hot loop; the generator
itself works on whole numpy arrays.
"""

import math
import numbers
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
from pvlib import atmosphere, clearsky, solarposition

from host_sim import psychro

DAY_S = 86400
HOUR_S = 3600


# -- presets --


@dataclass(frozen=True)
class Preset:
    latitude: float  # deg N
    altitude_m: float
    t_mean_c: float  # daily mean outdoor air temperature
    t_swing_c: float  # peak-to-peak diurnal range (max - min)
    rh_mean_pct: float
    clearness: float  # 0..1: mean ratio of actual to clear-sky global radiation (energy-weighted)
    wind_m_s: float  # mean wind speed
    start: str  # typical start date of the season, "MM-DD" (informative)
    source: str  # where the figures come from


# Temperature, diurnal range, humidity and wind: China Meteorological
# Administration 1981-2010 monthly normals for the nearest stations (Shuozhou,
# Shanxi for the Pingshuo mine; Zibo, Shandong for Zichuan) as remembered from
# published climate tables, not read from them here: rounded, and adjusted for
# the sites (Pingshuo lies ~200 m above the Shuozhou station, about 1 K
# colder).  Expect about +-1 K on the means, +-2 K on the ranges, +-5 % on RH
# and +-0.5 m/s on wind.
#
# Clearness is estimated, not measured: the Angstrom-Prescott relation with
# the FAO-56 coefficients, Rs = (0.25 + 0.50 n/N) Ra, on the stations'
# sunshine fractions n/N (Shuozhou January ~0.68, July ~0.53; Zibo January
# ~0.57, April ~0.60, July ~0.45), lowered for the aerosol that sunshine
# recorders hardly see (North China Plain haze: -15 % at Zibo, -5 % at
# Pingshuo), then divided by this module's clear-sky day.  That gives daily
# global radiation of about 8.3 and 20.6 MJ/m2 at Pingshuo (January, July)
# and 7.5, 16.6 and 17.0 MJ/m2 at Zibo (January, April, July).  Uncertain by
# about +-0.1.
_CMA = "CMA 1981-2010 normals (rounded; +-1 K, +-5 % RH); clearness from sunshine fraction (+-0.1)"
PRESETS: dict[str, Preset] = {
    "pingshuo-winter": Preset(39.5, 1300.0, -10.0, 14.0, 48.0, 0.80, 2.8, "01-15",
                              f"Shuozhou station, January: cold, dry, very sunny; {_CMA}"),
    "pingshuo-summer": Preset(39.5, 1300.0, 21.5, 12.0, 68.0, 0.62, 2.3, "07-15",
                              f"Shuozhou station, July: mild, the rainy season; {_CMA}"),
    "zichuan-winter": Preset(36.6, 100.0, -1.5, 9.5, 57.0, 0.68, 2.4, "01-15",
                             f"Zibo station, January: cold, often hazy; {_CMA}"),
    "zichuan-summer": Preset(36.6, 100.0, 27.0, 8.5, 77.0, 0.54, 2.1, "07-15",
                             f"Zibo station, July: hot, humid, hazy and cloudy; {_CMA}"),
    "zichuan-spring": Preset(36.6, 100.0, 14.5, 12.0, 52.0, 0.63, 3.0, "04-15",
                             f"Zibo station, April: mild, dry and windy; {_CMA}"),
}  # fmt: skip
OVERRIDE_KEYS = ("t_mean_c", "t_swing_c", "rh_mean_pct", "clearness", "wind_m_s")
# The figures an override may take; the scenario parser holds scenarios to the same.
OVERRIDE_RANGES = {
    "t_mean_c": (-40.0, 45.0),
    "t_swing_c": (0.0, 30.0),
    "rh_mean_pct": (5.0, 100.0),
    "clearness": (0.0, 1.0),
    "wind_m_s": (0.0, 30.0),
}


@dataclass
class Weather:
    step_s: int
    latitude: float
    t_out_c: list[float]  # outdoor air temperature
    rh_out_pct: list[float]  # outdoor relative humidity 0..100
    global_w_m2: list[float]  # global horizontal irradiance outside, >= 0
    wind_m_s: list[float]  # >= 0
    source: str  # e.g. "preset zichuan-winter, seed 1" or "epw shimla.epw"

    def __len__(self) -> int:
        return len(self.t_out_c)


# -- solar geometry and clear sky (pvlib) --

DEG_PER_HOUR = 15.0  # the hour angle: the Earth turns 360 deg in 24 h
SOLAR_CONSTANT_W_M2 = 1361.0  # the ~3 % swing with the Earth-Sun distance is ignored
# Ineichen and Perez (2002), Solar Energy 73:151, with the Kasten and Young
# (1989) air mass.  Linke turbidity 2.5 is a clean, dry sky: the clearest
# winter days of the Shimla and London EPW files reach it (~1.05 of it by the
# day), summer's clear days stay ~10 % below.  A site's haze goes into its
# clearness instead.
LINKE_TURBIDITY = 2.5


def solar_declination_deg(day_of_year):
    """Spencer's (1971) Fourier series, within ~0.04 deg of the almanac."""
    return np.degrees(solarposition.declination_spencer71(np.asarray(day_of_year, dtype=float)))


def solar_elevation_deg(latitude, day_of_year, solar_hour):
    """Sun elevation above the horizon, deg, from declination and hour angle
    (no refraction; solar noon at 12.0).  Takes numbers or numpy arrays."""
    return _scalar_or_array(_elevation_deg(latitude, solar_declination_deg(day_of_year), solar_hour))


def _elevation_deg(latitude, declination_deg, solar_hour):
    hour_angle_rad = np.radians(DEG_PER_HOUR * (np.asarray(solar_hour, dtype=float) - 12.0))
    zenith_rad = solarposition.solar_zenith_analytical(
        np.radians(latitude), hour_angle_rad, np.radians(declination_deg)
    )
    return 90.0 - np.degrees(zenith_rad)


SUNRISE_ELEVATION_DEG = -0.833  # the sun's upper edge, lifted by refraction: sunrise as almanacs count it


def sunrise_sunset_h(latitude, day_of_year):
    """Solar-time hours of sunrise and sunset.  Polar day or night is
    clipped to days of 1 to 22 hours (not the seed sites' concern)."""
    declination_rad = math.radians(float(solar_declination_deg(day_of_year)))
    latitude_rad = math.radians(latitude)
    cos_half_day = (
        math.sin(math.radians(SUNRISE_ELEVATION_DEG)) - math.sin(latitude_rad) * math.sin(declination_rad)
    ) / (math.cos(latitude_rad) * math.cos(declination_rad))
    half_day_h = math.degrees(math.acos(min(max(cos_half_day, -1.0), 1.0))) / DEG_PER_HOUR
    half_day_h = min(max(half_day_h, 0.5), 11.0)
    return 12.0 - half_day_h, 12.0 + half_day_h


def clear_sky_global_w_m2(elevation_deg, altitude_m=0.0):
    """Clear-sky global horizontal irradiance, W/m2 (Ineichen-Perez without
    the Perez horizon enhancement); 0 with the sun below the horizon.  Higher
    sites get more: thinner air (a smaller air mass) and less turbidity."""
    elevation = np.atleast_1d(np.asarray(elevation_deg, dtype=float))
    ghi = np.zeros(elevation.shape)
    up = elevation > 0.0
    zenith_deg = 90.0 - elevation[up]
    relative_air_mass = atmosphere.get_relative_airmass(zenith_deg, model="kastenyoung1989")
    air_mass = atmosphere.get_absolute_airmass(relative_air_mass, atmosphere.alt2pres(altitude_m))
    sky = clearsky.ineichen(
        zenith_deg, air_mass, LINKE_TURBIDITY, altitude=altitude_m, dni_extra=SOLAR_CONSTANT_W_M2
    )
    ghi[up] = sky["ghi"]
    return _scalar_or_array(ghi.reshape(np.shape(elevation_deg)))


def _scalar_or_array(array):
    return float(array) if np.ndim(array) == 0 else array


# -- synthetic weather --

# Day-to-day (synoptic) weather: AR(1) processes on daily values.
TEMP_DAY_PERSISTENCE = 0.7  # North China spells last days: lag-1 correlation of daily means
TEMP_ANOMALY_SD_K = 2.5
CLOUD_DAY_PERSISTENCE = 0.5
CLEARNESS_DAY_SD = 0.22  # of a day's clearness, before clipping to 0..1: clear and overcast days
# Passing clouds within a day: an AR(1) on a 10-min grid with a ~1 h memory,
# strongest on half-cloudy days (amplitude * 4k(1-k)), none on clear or overcast ones.
CLOUD_STEP_S = 600
CLOUD_MEMORY_S = 3600
PASSING_CLOUD_AMPLITUDE = 0.3
MIN_CLEARNESS = 0.05  # diffuse light under the thickest overcast
# Temperature: minimum near sunrise, maximum in the early afternoon.
T_MIN_HOUR = 6.0
T_MAX_HOUR = 14.0
SWING_PER_CLEARNESS = 1.5  # diurnal range grows by 15 % per 0.1 of a day's clearness above the mean
SWING_FACTOR_LIMITS = (0.3, 1.8)
# Humidity: moist and dry spells, and cloudy days more humid.
RH_DAY_SD_PCT = 5.0
RH_DAY_PERSISTENCE = 0.6
RH_PER_CLEARNESS_PCT = 25.0  # a day 0.4 cloudier than the mean has 10 points more RH
RH_LIMITS_PCT = (5.0, 100.0)
# Wind: log-normal spells over hours, an afternoon maximum, gusts from sample to sample.
WIND_SPELL_LOG_SD = 0.4
WIND_SPELL_PERSISTENCE = 0.85  # per hour
WIND_DIURNAL_AMPLITUDE = 0.3  # +-30 % between the afternoon and the night
WIND_PEAK_HOUR = 14.0
GUST_LOG_SD = 0.2
MATCH_ROUNDS = 40
MATCH_TOLERANCE = 1e-9  # relative


def synthetic(preset, start, days, step_s, seed, latitude=None, **overrides) -> Weather:
    """Seeded synthetic weather for a preset, from start (local solar time).

    The seed changes the weather's pattern, not its climate: the synoptic
    temperature anomalies are centred over the run and the radiation, RH and
    wind are scaled to their means, so every run keeps the preset's (or the
    overrides') t_mean_c, rh_mean_pct, clearness and wind_m_s, whatever the
    seed.  A run of other length or start is other weather, not a longer
    or shifted copy.  overrides: any of OVERRIDE_KEYS (None keeps the
    preset's figure).  latitude moves the sun only."""
    figures, altitude_m, latitude = _figures(preset, latitude, overrides)
    clock = _clock(start, _sample_count(days, step_s), step_s)
    n_days = int(clock.day[-1]) + 1
    rng = np.random.default_rng(seed)
    # Every random series is drawn here, in a fixed order: one seed, one weather.
    cloud_day = _ar1(rng, n_days, CLOUD_DAY_PERSISTENCE, 1.0)
    passing = _ar1(rng, int(clock.t_s[-1] // CLOUD_STEP_S) + 2, math.exp(-CLOUD_STEP_S / CLOUD_MEMORY_S), 1.0)
    t_anomaly_k = _ar1(rng, n_days, TEMP_DAY_PERSISTENCE, TEMP_ANOMALY_SD_K)
    rh_anomaly_pct = _ar1(rng, n_days, RH_DAY_PERSISTENCE, RH_DAY_SD_PCT)
    wind_spell = _ar1(rng, int(clock.t_s[-1] // HOUR_S) + 2, WIND_SPELL_PERSISTENCE, WIND_SPELL_LOG_SD)
    gusts = rng.normal(0.0, GUST_LOG_SD, len(clock.t_s))

    # Never quite dark: the thickest overcast still lets diffuse light through,
    # and a day at 0 could not be scaled toward the preset's clearness.
    k_day = np.clip(figures["clearness"] + CLEARNESS_DAY_SD * cloud_day, MIN_CLEARNESS, 1.0)
    clear_w_m2 = _clear_sky_run(clock, start, latitude, altitude_m)
    global_w_m2 = clear_w_m2 * _sky_ratio(clock, figures["clearness"], k_day, passing, clear_w_m2)
    t_out_c = _temperature(clock, figures["t_mean_c"], figures["t_swing_c"], t_anomaly_k, k_day)
    rh_out_pct = _humidity(clock, t_out_c, figures["rh_mean_pct"], rh_anomaly_pct, k_day)
    wind_m_s = _wind(clock, figures["wind_m_s"], wind_spell, gusts)
    return Weather(
        step_s=step_s,
        latitude=latitude,
        t_out_c=t_out_c.tolist(),
        rh_out_pct=rh_out_pct.tolist(),
        global_w_m2=global_w_m2.tolist(),
        wind_m_s=wind_m_s.tolist(),
        source=f"preset {preset}, seed {seed}",
    )


class _Clock(NamedTuple):
    t_s: np.ndarray  # seconds since the midnight before start
    day: np.ndarray  # whole days since that midnight
    hour: np.ndarray  # solar hour of the day


def _clock(start, count, step_s):
    t_s = _seconds_since_midnight(start) + np.arange(count, dtype=float) * step_s
    day = (t_s // DAY_S).astype(np.int64)
    return _Clock(t_s, day, (t_s - day * DAY_S) / HOUR_S)


def _figures(preset, latitude, overrides):
    """The preset's figures with the overrides applied; checks every name and value."""
    if preset not in PRESETS:
        raise ValueError(f"weather preset must be one of {', '.join(PRESETS)}, got {preset!r}")
    unknown = [key for key in overrides if key not in OVERRIDE_KEYS]
    if unknown:
        raise ValueError(f"unknown weather override {unknown[0]!r} (allowed: {', '.join(OVERRIDE_KEYS)})")
    p = PRESETS[preset]
    figures = {key: getattr(p, key) for key in OVERRIDE_KEYS}
    figures.update({key: value for key, value in overrides.items() if value is not None})
    for key, value in figures.items():
        low, high = OVERRIDE_RANGES[key]
        if not (isinstance(value, numbers.Real) and low <= value <= high):
            raise ValueError(f"weather {key} must be a number in {low:g}..{high:g}, got {value!r}")
    return figures, p.altitude_m, p.latitude if latitude is None else latitude


def _sample_count(days, step_s):
    if not (isinstance(step_s, numbers.Integral) and step_s > 0):
        raise ValueError(f"step_s must be a positive whole number of seconds, got {step_s!r}")
    count = round(days * DAY_S / step_s)
    if count < 1:
        raise ValueError(f"days must cover at least one step of {step_s} s, got {days!r}")
    return count


def _seconds_since_midnight(start):
    return start.hour * HOUR_S + start.minute * 60 + start.second + start.microsecond / 1e6


def _ar1(rng, count, persistence, sd):
    """A stationary AR(1) series with standard deviation sd (a plain loop:
    at most one value per 10 minutes, ~50,000 in a year)."""
    innovations = rng.normal(0.0, sd * math.sqrt(1.0 - persistence**2), count).tolist()
    value = rng.normal(0.0, sd)
    series = []
    for innovation in innovations:
        value = persistence * value + innovation
        series.append(value)
    return np.array(series)


def _between_day_centres(daily, t_s):
    """Daily values placed at noon of their day and joined linearly: no steps
    at midnight.  Over whole days the run's mean is exactly the daily values' mean."""
    return np.interp(t_s / DAY_S - 0.5, np.arange(len(daily)), daily)


def _clear_sky_run(clock, start, latitude, altitude_m):
    days = start.timetuple().tm_yday + np.arange(int(clock.day[-1]) + 1)
    declination_deg = solar_declination_deg(days)[clock.day]
    return clear_sky_global_w_m2(_elevation_deg(latitude, declination_deg, clock.hour), altitude_m)


def _sky_ratio(clock, clearness, k_day, passing, clear_w_m2):
    """Ratio to clear sky: each day's clearness plus passing clouds, which only
    half-cloudy days have; scaled so that the run's radiation is clearness
    times its clear-sky radiation."""
    k = k_day[clock.day]
    amplitude = PASSING_CLOUD_AMPLITUDE * 4.0 * k * (1.0 - k)
    ratio = k + amplitude * np.interp(clock.t_s / CLOUD_STEP_S, np.arange(len(passing)), passing)
    floor = min(MIN_CLEARNESS, clearness)  # a passing cloud never blacks out the sky either
    return _match_mean(np.clip(ratio, floor, 1.0), clearness, floor, 1.0, clear_w_m2)


def _temperature(clock, t_mean_c, t_swing_c, t_anomaly_k, k_day):
    """Mean, plus the synoptic anomaly (centred over the run), plus the
    diurnal cycle, wider on clear days and narrower on overcast ones: cloudy
    nights are milder and cloudy afternoons cooler."""
    swing_factor = np.clip(1.0 + SWING_PER_CLEARNESS * (k_day - k_day.mean()), *SWING_FACTOR_LIMITS)
    swing_c = t_swing_c * swing_factor / swing_factor.mean()
    return (
        t_mean_c
        + _between_day_centres(t_anomaly_k - t_anomaly_k.mean(), clock.t_s)
        + _between_day_centres(swing_c, clock.t_s) / 2.0 * _diurnal_shape(clock.hour)
    )


def _humidity(clock, t_out_c, rh_mean_pct, rh_anomaly_pct, k_day):
    """RH when each day's vapour pressure holds while the temperature swings:
    low in the afternoon, high before dawn.  A day's vapour pressure gives its
    mean RH (moist and dry spells, cloudy days moister) and runs smoothly into
    the next day's; the run's mean is then scaled to rh_mean_pct."""
    rh_day_pct = np.clip(
        rh_mean_pct + rh_anomaly_pct - RH_PER_CLEARNESS_PCT * (k_day - k_day.mean()), *RH_LIMITS_PCT
    )
    inverse_sat = 1.0 / np.interp(t_out_c, psychro.SAT_TABLE_C, psychro.SAT_TABLE_PA)
    mean_inverse_sat = np.bincount(clock.day, weights=inverse_sat) / np.bincount(clock.day)
    vapour_pa = _between_day_centres(rh_day_pct / 100.0 / mean_inverse_sat, clock.t_s)
    return _match_mean(np.clip(100.0 * vapour_pa * inverse_sat, *RH_LIMITS_PCT), rh_mean_pct, *RH_LIMITS_PCT)


def _wind(clock, wind_m_s, wind_spell, gusts):
    """Log-normal spells over hours, stronger in the afternoon, gusty from
    sample to sample; scaled to the mean wind_m_s."""
    wind = np.exp(np.interp(clock.t_s / HOUR_S, np.arange(len(wind_spell)), wind_spell) + gusts)
    wind *= 1.0 + WIND_DIURNAL_AMPLITUDE * np.cos(2 * np.pi * (clock.hour - WIND_PEAK_HOUR) / 24.0)
    return wind * (wind_m_s / wind.mean())


def _match_mean(values, target, low, high, weights=None):
    """values scaled so that, clipped to low..high, their (weighted) mean is target."""
    if weights is None:
        return _scaled_to_mean(values, np.ones(len(values)), target, low, high)
    counted = weights > 0.0  # the daylight samples, for radiation
    result = np.clip(values, low, high)
    if counted.any():  # else the sun never rises in the run: nothing to match
        result[counted] = _scaled_to_mean(values[counted], weights[counted], target, low, high)
    return result


def _scaled_to_mean(values, weights, target, low, high):
    """The clipped mean grows with the scale, piecewise linearly: Newton steps
    (the slope is the unclipped values' share) inside a shrinking bracket,
    halving it when a step would leave it."""
    if target <= low or target >= high:
        return np.full(len(values), min(max(target, low), high))
    total = weights.sum()
    weighted = weights * values
    scale, below, above = 1.0, 0.0, math.inf  # the scale lies between below and above
    for _ in range(MATCH_ROUNDS):
        scaled = values * scale
        error = np.dot(weights, np.clip(scaled, low, high)) / total - target
        if abs(error) <= MATCH_TOLERANCE * target:
            break
        if error < 0.0:
            below = scale
        else:
            above = scale
        slope = weighted[(scaled > low) & (scaled < high)].sum() / total
        step = scale - error / slope if slope > 0.0 else math.nan
        if below < step < above:
            scale = step
        else:
            scale = 2.0 * scale if math.isinf(above) else (below + above) / 2.0
    return np.clip(values * scale, low, high)


def _diurnal_shape(hour):
    """-1 at T_MIN_HOUR, +1 at T_MAX_HOUR, half cosines between: a quick rise
    in the morning, a slow fall through the night."""
    rise_h = T_MAX_HOUR - T_MIN_HOUR
    since_max_h = (hour - T_MAX_HOUR) % 24.0
    rising = since_max_h >= 24.0 - rise_h
    # One cosine over a phase that runs 0..pi through the fall and pi..2 pi through the rise.
    phase = np.where(
        rising,
        np.pi + np.pi * (since_max_h - (24.0 - rise_h)) / rise_h,
        np.pi * since_max_h / (24.0 - rise_h),
    )
    return np.cos(phase)


# -- EPW files --

EPW_HEADER_LINES = 8  # LOCATION ... DATA PERIODS
EPW_FIELDS = 35
EPW_ROWS = (8760, 8784)  # a year, a leap year
EPW_DATE_FIELDS = {"month": (1, 1, 12), "day": (2, 1, 31), "hour": (3, 1, 24)}  # field, lowest, highest
EPW_COLUMNS = {"t_out_c": 6, "rh_out_pct": 8, "global_w_m2": 13, "wind_m_s": 21}  # field numbers
EPW_MISSING = {"t_out_c": 99.9, "rh_out_pct": 999.0, "global_w_m2": 9999.0, "wind_m_s": 999.0}
EPW_LIMITS = {"t_out_c": (-math.inf, math.inf), "rh_out_pct": (0.0, 100.0), "global_w_m2": (0.0, math.inf),
              "wind_m_s": (0.0, math.inf)}  # fmt: skip


@dataclass
class EpwFile:
    city: str
    latitude: float
    longitude: float
    time_zone_h: float
    altitude_m: float
    # hourly rows; hour h covers the hour ending at h (1..24)
    month: list[int]
    day: list[int]
    hour: list[int]
    t_out_c: list[float]  # dry bulb
    rh_out_pct: list[float]
    global_w_m2: list[float]  # global horizontal radiation, Wh/m2 over the hour = mean W/m2
    wind_m_s: list[float]


def read_epw(path) -> EpwFile:
    """An EPW file's location and the hourly columns the simulator uses.
    Not pvlib.iotools.read_epw: it takes a time zone written "5,5" (Shimla's
    file) as 5 h at 5 m altitude, and its pandas errors name no line.
    Missing values (the EPW codes 99.9, 999, 9999) are interpolated from their
    neighbours.  A malformed file raises ValueError naming the file and line."""
    path = Path(path)
    lines = path.read_text(encoding="latin-1").splitlines()
    city, latitude, longitude, time_zone_h, altitude_m = _epw_location(path, lines)
    if len(lines) < EPW_HEADER_LINES or not lines[EPW_HEADER_LINES - 1].startswith("DATA PERIODS"):
        raise ValueError(f"{path}: line {EPW_HEADER_LINES}: expected the DATA PERIODS header line")
    columns = {name: [] for name in (*EPW_DATE_FIELDS, *EPW_COLUMNS)}
    for number, line in enumerate(lines[EPW_HEADER_LINES:], start=EPW_HEADER_LINES + 1):
        if line.strip():
            _epw_row(path, number, line, columns)
    rows = len(columns["hour"])
    if rows not in EPW_ROWS:
        raise ValueError(
            f"{path}: {rows} hourly rows, a year has {EPW_ROWS[0]} ({EPW_ROWS[1]} in a leap year)"
        )
    for name, missing in EPW_MISSING.items():
        columns[name] = _fill_missing(path, name, columns[name], missing)
    return EpwFile(city, latitude, longitude, time_zone_h, altitude_m, **columns)


def _epw_location(path, lines):
    """LOCATION,city,state,country,source,WMO,latitude,longitude,time zone,elevation."""
    if not lines or not lines[0].startswith("LOCATION,"):
        raise ValueError(f"{path}: line 1: expected the EPW LOCATION header line")
    fields = lines[0].split(",")
    try:
        city, latitude, longitude = fields[1].strip(), float(fields[6]), float(fields[7])
        # Some files write a half-hour time zone with a decimal comma ("5,5"),
        # which splits it into two fields: the elevation is always the last.
        altitude_m = float(fields[-1])
        time_zone_fields = fields[8:-1]
        if not 1 <= len(time_zone_fields) <= 2:
            raise ValueError(f"{len(fields)} fields")
        time_zone_h = float(".".join(field.strip() for field in time_zone_fields))
    except (IndexError, ValueError) as error:
        raise ValueError(f"{path}: line 1: bad LOCATION header ({error})") from None
    return city, latitude, longitude, time_zone_h, altitude_m


def _epw_row(path, number, line, columns):
    fields = line.split(",")
    if len(fields) != EPW_FIELDS:
        raise ValueError(f"{path}: line {number}: {len(fields)} fields, an EPW data row has {EPW_FIELDS}")
    try:
        for name, (index, lowest, highest) in EPW_DATE_FIELDS.items():
            value = int(fields[index])
            if not lowest <= value <= highest:
                raise ValueError(f"{name} {value} is outside {lowest}..{highest}")
            columns[name].append(value)
        for name, index in EPW_COLUMNS.items():
            value = float(fields[index])
            if not math.isfinite(value):
                raise ValueError(f"{name} is {value}")
            columns[name].append(value)
    except ValueError as error:
        raise ValueError(f"{path}: line {number}: {error}") from None
    hours = columns["hour"]
    if len(hours) == 1 and hours[0] != 1:
        raise ValueError(f"{path}: line {number}: the first row must be hour 1, got {hours[0]}")
    if len(hours) > 1 and hours[-1] != hours[-2] % 24 + 1:
        raise ValueError(f"{path}: line {number}: hour {hours[-1]} does not follow hour {hours[-2]}")


def _fill_missing(path, name, values, missing):
    array = np.array(values)
    bad = array >= missing
    if bad.all():
        raise ValueError(f"{path}: every {name} value is missing (the EPW code {missing:g})")
    if bad.any():
        index = np.arange(len(array))
        array[bad] = np.interp(index[bad], index[~bad], array[~bad])
    return array.tolist()


def from_epw(path, start, days, step_s) -> Weather:
    """Weather from an EPW file: from start's month, day and time (the year is
    ignored; 29 February in a file without one reads 28 February), wrapping
    from the year's end to its start, interpolated linearly to step_s.  An
    EPW value for hour h covers the hour ending at h: it stands at h - 0.5.
    EPW hours are local standard time, taken here as solar time: off by
    the site's distance from its zone's meridian (4 min per deg) and the
    equation of time (+-16 min)."""
    epw = read_epw(path)
    count = _sample_count(days, step_s)
    start_h = _first_row(epw, start.month, start.day) + _seconds_since_midnight(start) / HOUR_S
    # Row r stands at r + 0.5 hours after the file's first midnight.
    position = start_h + np.arange(count) * (step_s / HOUR_S) - 0.5
    low = np.floor(position).astype(np.int64)
    fraction = position - low
    rows = len(epw.hour)
    low %= rows
    high = (low + 1) % rows
    series = {}
    for name in EPW_COLUMNS:
        values = np.array(getattr(epw, name))
        # Some files hold RH a little over 100 (or a stray negative): Weather promises 0..100 and >= 0.
        low_limit, high_limit = EPW_LIMITS[name]
        values = np.clip(values, low_limit, high_limit)
        series[name] = (values[low] * (1.0 - fraction) + values[high] * fraction).tolist()
    return Weather(step_s=step_s, latitude=epw.latitude, source=f"epw {Path(path).name}", **series)


def _first_row(epw, month, day):
    for row in range(0, len(epw.hour), 24):
        if epw.month[row] == month and epw.day[row] == day:
            return row
    if (month, day) == (2, 29):
        return _first_row(epw, 2, 28)
    raise ValueError(f"{month:02d}-{day:02d} is not in the EPW file")

"""Weather: the presets keep their figures whatever the seed, solar geometry,
and EPW files, real and corrupt."""

import datetime
import sys
from pathlib import Path

import numpy as np
import psychrolib
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from host_sim import weather

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))
import fetch_weather  # noqa: E402

psychrolib.SetUnitSystem(psychrolib.SI)

STEP_S = 600
PER_HOUR = 3600 // STEP_S
PER_DAY = 24 * PER_HOUR


def season_start(name, hour=0):
    month, day = (int(part) for part in weather.PRESETS[name].start.split("-"))
    return datetime.datetime(2026, month, day, hour)


def clear_sky_of(w, start, altitude_m):
    """Clear-sky radiation and sun elevation at every sample, from the public geometry."""
    t_s = np.arange(len(w)) * w.step_s + start.hour * 3600
    day_of_year = start.timetuple().tm_yday + t_s // 86400
    elevation = weather.solar_elevation_deg(w.latitude, day_of_year, (t_s % 86400) / 3600)
    return weather.clear_sky_global_w_m2(elevation, altitude_m), elevation


def by_day(values):
    return np.array(values).reshape(-1, PER_DAY)


# -- synthetic weather --


@settings(max_examples=20, deadline=None)
@given(
    name=st.sampled_from(sorted(weather.PRESETS)),
    seed=st.integers(0, 2**32 - 1),
    days=st.integers(3, 7),
)
@example(name="pingshuo-winter", seed=125, days=3)  # overcast days and clouds once blacked out the sky
@example(name="zichuan-winter", seed=125, days=3)
def test_every_seed_keeps_the_preset_figures(name, seed, days):
    p = weather.PRESETS[name]
    start = season_start(name)
    w = weather.synthetic(name, start, days, STEP_S, seed)
    assert len(w) == days * PER_DAY and w.step_s == STEP_S and w.latitude == p.latitude
    assert w.source == f"preset {name}, seed {seed}"

    # Temperature: the synoptic anomalies are centred over the run.
    t_c = by_day(w.t_out_c)
    assert abs(t_c.mean() - p.t_mean_c) < 0.5
    ranges_c = t_c.max(axis=1) - t_c.min(axis=1)
    assert 0.8 * p.t_swing_c < ranges_c.mean() < 1.25 * p.t_swing_c
    assert all(0.1 * p.t_swing_c < r < 2.5 * p.t_swing_c for r in ranges_c)
    mean_day_c = t_c.mean(axis=0)  # the average diurnal cycle
    assert 5.0 <= np.argmin(mean_day_c) / PER_DAY * 24 <= 7.0  # coldest near sunrise
    assert 13.0 <= np.argmax(mean_day_c) / PER_DAY * 24 <= 15.0  # warmest in the early afternoon

    # Humidity: inside 5..100, the preset's mean, driest in the afternoon.
    rh = by_day(w.rh_out_pct)
    assert rh.min() >= 5.0 and rh.max() <= 100.0
    assert abs(rh.mean() - p.rh_mean_pct) < 0.5
    mean_day_rh = rh.mean(axis=0)  # (its maximum may be a plateau at 100: fog)
    assert np.corrcoef(mean_day_c, mean_day_rh)[0, 1] < -0.9
    assert 13.0 <= np.argmin(mean_day_rh) / PER_DAY * 24 <= 16.0

    # Radiation: never negative, dark at night, never above clear sky, the preset's clearness.
    clear_w_m2, elevation = clear_sky_of(w, start, p.altitude_m)
    global_w_m2 = np.array(w.global_w_m2)
    assert global_w_m2.min() >= 0.0
    assert np.all(global_w_m2[elevation <= 0.0] == 0.0)
    assert np.all(global_w_m2 <= clear_w_m2 * (1 + 1e-9))
    assert global_w_m2.sum() / clear_w_m2.sum() == pytest.approx(p.clearness, abs=0.005)

    wind = np.array(w.wind_m_s)
    assert wind.min() >= 0.0 and wind.mean() == pytest.approx(p.wind_m_s, rel=0.01)


@settings(max_examples=10, deadline=None)
@given(name=st.sampled_from(sorted(weather.PRESETS)), seed=st.integers(0, 2**32 - 1))
def test_vapour_pressure_holds_over_the_day_while_rh_swings(name, seed):
    w = weather.synthetic(name, season_start(name), 4, STEP_S, seed)
    t_c, rh = by_day(w.t_out_c), by_day(w.rh_out_pct)
    sat_pa = np.vectorize(psychrolib.GetSatVapPres)(t_c)
    vapour_pa = sat_pa * rh / 100.0
    # Within each day the air's moisture changes only with the weather from day
    # to day; saturation swings with the temperature: RH is what moves.
    saturation_spread = sat_pa.max(axis=1) / sat_pa.min(axis=1) - 1.0
    vapour_spread = vapour_pa.max(axis=1) / vapour_pa.min(axis=1) - 1.0
    assert vapour_spread.sum() < 0.45 * saturation_spread.sum()


def test_spells_clear_and_overcast_days_and_passing_clouds():
    name = "zichuan-winter"
    start = season_start(name)
    w = weather.synthetic(name, start, 60, STEP_S, 3)
    clear_w_m2, _ = clear_sky_of(w, start, weather.PRESETS[name].altitude_m)
    daily_k = by_day(w.global_w_m2).sum(axis=1) / by_day(clear_w_m2).sum(axis=1)
    assert daily_k.max() > 0.9 and daily_k.min() < 0.4  # clear days and overcast days
    assert np.corrcoef(daily_k[:-1], daily_k[1:])[0, 1] > 0.2  # they come in spells
    # Passing clouds change the sky within a day, but with a memory of ~1 h:
    # from one 10-min sample to the next it changes less than over 2 h.
    daylight = clear_w_m2 > 100.0
    ratio = np.array(w.global_w_m2)[daylight] / clear_w_m2[daylight]
    step_10_min = np.median(np.abs(np.diff(ratio)))
    step_2_h = np.median(np.abs(ratio[2 * PER_HOUR :] - ratio[: -2 * PER_HOUR]))
    assert 0.005 < step_10_min < 0.5 * step_2_h
    # Cloudy days: a narrower diurnal range (milder nights, cooler afternoons).
    t_c = by_day(w.t_out_c)
    assert np.corrcoef(daily_k, t_c.max(axis=1) - t_c.min(axis=1))[0, 1] > 0.5


def test_wind_rises_by_day_and_gusts():
    w = weather.synthetic("zichuan-spring", season_start("zichuan-spring"), 60, STEP_S, 4)
    wind = by_day(w.wind_m_s)
    afternoon, night = wind[:, 12 * PER_HOUR : 17 * PER_HOUR].mean(), wind[:, : 5 * PER_HOUR].mean()
    assert afternoon > 1.2 * night
    assert np.median(np.abs(np.diff(wind.ravel()))) > 0.1  # gusty from sample to sample


def test_same_seed_same_weather_other_seed_other_weather():
    start = season_start("zichuan-winter", hour=7)
    a = weather.synthetic("zichuan-winter", start, 3, STEP_S, 5)
    b = weather.synthetic("zichuan-winter", start, 3, STEP_S, 5)
    c = weather.synthetic("zichuan-winter", start, 3, STEP_S, 6)
    assert a == b
    for key in ("t_out_c", "rh_out_pct", "global_w_m2", "wind_m_s"):
        assert getattr(a, key) != getattr(c, key)
        assert all(type(value) is float for value in getattr(a, key))  # plain lists for the hot loop


def test_start_time_and_length():
    w = weather.synthetic("pingshuo-winter", datetime.datetime(2026, 1, 10, 12, 0), 0.5, 60, 1)
    assert len(w) == 720
    clear_w_m2, elevation = clear_sky_of(w, datetime.datetime(2026, 1, 10, 12), 1300.0)
    assert w.global_w_m2[0] > 0.0 and elevation[-1] < 0.0 and w.global_w_m2[-1] == 0.0
    assert len(weather.synthetic("pingshuo-winter", datetime.datetime(2026, 1, 10), 365, 3600, 1)) == 8760


def test_overrides_take_effect():
    start = season_start("zichuan-winter")
    name, days, seed = "zichuan-winter", 5, 1
    base = weather.synthetic(name, start, days, STEP_S, seed)
    assert weather.synthetic(name, start, days, STEP_S, seed, t_mean_c=None, clearness=None) == base

    warm = weather.synthetic(name, start, days, STEP_S, seed, t_mean_c=20.0, rh_mean_pct=85.0, wind_m_s=6.0)
    assert np.mean(warm.t_out_c) == pytest.approx(20.0, abs=0.5)
    assert np.mean(warm.rh_out_pct) == pytest.approx(85.0, abs=0.5)
    assert np.mean(warm.wind_m_s) == pytest.approx(6.0, rel=0.01)

    flat = by_day(weather.synthetic(name, start, days, STEP_S, seed, t_swing_c=0.0).t_out_c)
    assert (flat.max(axis=1) - flat.min(axis=1)).max() < 4.0  # only the day-to-day drift is left

    clear_w_m2, _ = clear_sky_of(base, start, weather.PRESETS[name].altitude_m)
    sunny = weather.synthetic(name, start, days, STEP_S, seed, clearness=1.0)
    assert np.allclose(sunny.global_w_m2, clear_w_m2)
    assert max(weather.synthetic(name, start, days, STEP_S, seed, clearness=0.0).global_w_m2) == 0.0

    south = weather.synthetic(name, start, days, STEP_S, seed, latitude=20.0)
    assert south.latitude == 20.0 and sum(south.global_w_m2) > 1.2 * sum(base.global_w_m2)


def test_unknown_names_and_bad_figures_are_refused():
    start = season_start("zichuan-winter")
    with pytest.raises(ValueError) as error:
        weather.synthetic("atlantis", start, 1, STEP_S, 1)
    assert "'atlantis'" in str(error.value) and all(name in str(error.value) for name in weather.PRESETS)
    with pytest.raises(ValueError) as error:
        weather.synthetic("zichuan-winter", start, 1, STEP_S, 1, snow=1.0)
    assert "'snow'" in str(error.value) and all(key in str(error.value) for key in weather.OVERRIDE_KEYS)
    with pytest.raises(ValueError, match="clearness must be a number in 0..1, got 1.5"):
        weather.synthetic("zichuan-winter", start, 1, STEP_S, 1, clearness=1.5)
    with pytest.raises(ValueError, match="step_s"):
        weather.synthetic("zichuan-winter", start, 1, 0, 1)
    with pytest.raises(ValueError, match="days"):
        weather.synthetic("zichuan-winter", start, 0, STEP_S, 1)


# -- solar geometry --


@pytest.mark.parametrize("latitude", [20.0, 31.087, 36.6, 39.5, 51.15])
def test_noon_and_midnight_sun(latitude):
    for equinox_day in (80, 266):
        assert weather.solar_elevation_deg(latitude, equinox_day, 12.0) == pytest.approx(
            90 - latitude, abs=1.0
        )
    june_solstice = weather.solar_elevation_deg(latitude, 172, 12.0)
    assert june_solstice == pytest.approx(90 - abs(latitude - 23.44), abs=1.0)  # north of overhead at 20 N
    for day in (1, 80, 172, 266, 355):
        assert weather.solar_elevation_deg(latitude, day, 0.0) < 0.0
        # Symmetric about solar noon.
        assert weather.solar_elevation_deg(latitude, day, 9.0) == pytest.approx(
            weather.solar_elevation_deg(latitude, day, 15.0)
        )


def test_midwinter_day_length_at_pingshuo():
    elevation = weather.solar_elevation_deg(39.5, 355, np.arange(24 * 60) / 60)
    # Sunrise to sunset as almanacs count it: the sun's upper edge, lifted by
    # refraction, shows from a true elevation of -0.833 deg.
    assert np.count_nonzero(elevation > -0.833) / 60 == pytest.approx(9.4, abs=0.1)
    assert np.count_nonzero(elevation > 0.0) / 60 == pytest.approx(9.2, abs=0.1)  # the sun's centre


def test_clear_sky_radiation():
    assert weather.clear_sky_global_w_m2(-5.0) == 0.0 and weather.clear_sky_global_w_m2(0.0) == 0.0
    assert 1000.0 < weather.clear_sky_global_w_m2(90.0) < 1100.0  # sun overhead, sea level
    elevations = np.linspace(0.5, 90.0, 200)
    assert np.all(np.diff(weather.clear_sky_global_w_m2(elevations)) > 0.0)
    # Thinner air higher up: a few per cent more per km.
    for elevation in (10.0, 30.0, 60.0):
        sea = weather.clear_sky_global_w_m2(elevation)
        assert 1.02 * sea < weather.clear_sky_global_w_m2(elevation, 1300.0) < 1.15 * sea


# -- EPW files --


@pytest.fixture(scope="module")
def epw_dir():
    fetch_weather.fetch()
    return fetch_weather.WEATHER_DIR


def test_real_epw_files_read(epw_dir):
    london = weather.read_epw(epw_dir / "london-gatwick.epw")
    shimla = weather.read_epw(epw_dir / "shimla.epw")
    assert len(london.hour) == len(shimla.hour) == 8760
    assert (shimla.city, shimla.latitude, shimla.longitude) == ("Shimla", 31.087, 77.179)
    assert shimla.time_zone_h == 5.5 and shimla.altitude_m == 2122.0  # the zone is written "5,5"
    assert (london.latitude, london.longitude) == (51.15, -0.18)
    assert (london.time_zone_h, london.altitude_m) == (0.0, 62.0)
    assert np.mean(london.t_out_c) == pytest.approx(10.0, abs=1.0)
    for epw in (london, shimla):
        assert (epw.month[0], epw.day[0], epw.hour[0]) == (1, 1, 1)
        assert (epw.month[-1], epw.day[-1], epw.hour[-1]) == (12, 31, 24)
        assert -20.0 < min(epw.t_out_c) and max(epw.t_out_c) < 40.0
        assert 0.0 < min(epw.rh_out_pct) and max(epw.rh_out_pct) <= 100.0
        assert min(epw.global_w_m2) == 0.0 and 800.0 < max(epw.global_w_m2) < 1250.0
        assert min(epw.wind_m_s) >= 0.0 and max(epw.wind_m_s) < 40.0
    # Radiation only by day: midnight rows dark, noon rows lit on average.
    assert max(london.global_w_m2[23::24]) == 0.0 and np.mean(london.global_w_m2[12::24]) > 200.0


def test_from_epw_reads_the_rows_at_their_hour_midpoints(epw_dir):
    path = epw_dir / "london-gatwick.epw"
    raw = weather.read_epw(path)
    row = next(i for i in range(len(raw.hour)) if (raw.month[i], raw.day[i], raw.hour[i]) == (3, 1, 7))
    w = weather.from_epw(path, datetime.datetime(2026, 3, 1, 6, 30), 1, 900)  # 06:30: the middle of hour 7
    assert len(w) == 96 and w.latitude == 51.15 and w.source == "epw london-gatwick.epw"
    for name in ("t_out_c", "rh_out_pct", "global_w_m2", "wind_m_s"):
        series, hourly = getattr(w, name), getattr(raw, name)
        for k in range(24):  # every 4th sample sits on a midpoint
            assert series[4 * k] == pytest.approx(hourly[row + k])
        # Between midpoints: linear, a quarter of the way per 15 min.
        assert series[1] == pytest.approx(0.75 * hourly[row] + 0.25 * hourly[row + 1])
        assert series[2] == pytest.approx(0.5 * (hourly[row] + hourly[row + 1]))
    # The year is ignored, and a later start is the same series shifted.
    assert weather.from_epw(path, datetime.datetime(1999, 3, 1, 6, 30), 1, 900) == w
    later = weather.from_epw(path, datetime.datetime(2026, 3, 1, 12, 30), 0.5, 900)
    assert later.t_out_c == pytest.approx(w.t_out_c[24:72])


def test_from_epw_wraps_from_the_year_end(epw_dir):
    path = epw_dir / "london-gatwick.epw"
    raw = weather.read_epw(path)
    w = weather.from_epw(path, datetime.datetime(2026, 12, 31, 22, 30), 1, 1800)
    assert w.t_out_c[0] == pytest.approx(raw.t_out_c[-2])  # 22:30, the middle of hour 23
    assert w.t_out_c[2] == pytest.approx(raw.t_out_c[-1])  # 23:30
    assert w.t_out_c[3] == pytest.approx((raw.t_out_c[-1] + raw.t_out_c[0]) / 2)  # midnight
    assert w.t_out_c[4] == pytest.approx(raw.t_out_c[0])  # 00:30 on 1 January
    assert w.t_out_c[6] == pytest.approx(raw.t_out_c[1])
    # Midnight on 1 January looks back across the wrap as well.
    assert weather.from_epw(path, datetime.datetime(2026, 1, 1), 1, 1800).t_out_c[0] == w.t_out_c[3]
    # A year of hours from any start reads every row once.
    year = weather.from_epw(path, datetime.datetime(2026, 6, 1, 0, 30), 365, 3600)
    assert sorted(year.t_out_c) == pytest.approx(sorted(raw.t_out_c))
    # 29 February in a file of 365 days reads 28 February.
    leap_day = weather.from_epw(path, datetime.datetime(2024, 2, 29), 1, 3600)
    assert leap_day == weather.from_epw(path, datetime.datetime(2026, 2, 28), 1, 3600)


def epw_lines(epw_dir):
    return (epw_dir / "london-gatwick.epw").read_text(encoding="latin-1").splitlines()


def write_epw(tmp_path, lines, name="bad.epw"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="latin-1")
    return path


def set_field(line, index, value):
    fields = line.split(",")
    fields[index] = value
    return ",".join(fields)


def test_missing_values_are_interpolated_from_neighbours(tmp_path, epw_dir):
    lines = epw_lines(epw_dir)
    row = 8 + 24 * 100 + 11  # 11 April, hour 12
    for index, code in ((6, "99.9"), (8, "999"), (13, "9999"), (21, "999")):
        lines[row] = set_field(lines[row], index, code)
    for index in (6, 13):  # two missing in a row
        lines[row + 1] = set_field(lines[row + 1], index, "99.9" if index == 6 else "9999")
    filled = weather.read_epw(write_epw(tmp_path, lines, "gaps.epw"))
    original = weather.read_epw(epw_dir / "london-gatwick.epw")
    i = row - 8
    for name in ("rh_out_pct", "wind_m_s"):
        expected = (getattr(original, name)[i - 1] + getattr(original, name)[i + 1]) / 2
        assert getattr(filled, name)[i] == pytest.approx(expected)
    for name in ("t_out_c", "global_w_m2"):
        before, after = getattr(original, name)[i - 1], getattr(original, name)[i + 2]
        assert getattr(filled, name)[i] == pytest.approx(before + (after - before) / 3)
        assert getattr(filled, name)[i + 1] == pytest.approx(before + 2 * (after - before) / 3)
    assert filled.t_out_c[: i - 1] == original.t_out_c[: i - 1]
    # A column with no value at all cannot be filled.
    no_wind = lines[:8] + [set_field(line, 21, "999") for line in lines[8:]]
    with pytest.raises(ValueError, match="every wind_m_s value is missing"):
        weather.read_epw(write_epw(tmp_path, no_wind, "no-wind.epw"))


def test_corrupt_epw_files_name_the_line(tmp_path, epw_dir):
    good = epw_lines(epw_dir)

    def replaced(number, line):  # the file with line `number` (1-based) replaced
        return good[: number - 1] + [line] + good[number:]

    cases = {
        "no LOCATION": (good[1:], "line 1: expected the EPW LOCATION header"),
        "bad latitude": (replaced(1, good[0].replace("51.15", "north")), "line 1: bad LOCATION header"),
        "no DATA PERIODS": (good[:7] + good[8:], "line 8: expected the DATA PERIODS"),
        "short row": (replaced(21, good[20].rsplit(",", 3)[0]), "line 21: 32 fields, an EPW data row has 35"),
        "long row": (replaced(21, good[20] + ",7"), "line 21: 36 fields"),
        "not a number": (replaced(31, set_field(good[30], 6, "warm")), "line 31: could not convert"),
        "hour out of range": (replaced(10, set_field(good[9], 3, "25")), "line 10: hour 25 is outside 1..24"),
        "hours out of order": (replaced(10, good[10]), "line 10: hour 3 does not follow hour 1"),
        "not from hour 1": (good[:8] + good[9:], "line 9: the first row must be hour 1, got 2"),
        "a day short": (good[:-24], "8736 hourly rows, a year has 8760"),
    }
    for case, (lines, message) in cases.items():
        path = write_epw(tmp_path, lines)
        with pytest.raises(ValueError) as error:
            weather.read_epw(path)
        assert str(error.value).startswith(f"{path}: "), case
        assert message in str(error.value), case


def test_sunrise_and_sunset():
    # Pingshuo at midwinter: the 9.4-hour day of test_midwinter_day_length_at_pingshuo, about noon.
    sunrise_h, sunset_h = weather.sunrise_sunset_h(39.5, 355)
    assert sunset_h - sunrise_h == pytest.approx(9.4, abs=0.05)
    assert (sunrise_h + sunset_h) / 2 == pytest.approx(12.0)
    assert weather.solar_elevation_deg(39.5, 355, sunrise_h) == pytest.approx(-0.833, abs=0.01)
    # Equinox: about 12 hours everywhere (a little more: refraction and the sun's disc).
    for latitude in (20.0, 36.6, 51.15):
        sunrise_h, sunset_h = weather.sunrise_sunset_h(latitude, 80)
        assert 12.0 < sunset_h - sunrise_h < 12.3

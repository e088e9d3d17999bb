"""Weather: presets inside their documented ranges, solar geometry, real EPW files."""

import datetime
import statistics
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from host_sim import weather
from micropython_runner import REPO

sys.path.insert(0, str(REPO / "tools"))
import fetch_weather  # noqa: E402

START = {"winter": datetime.datetime(2026, 1, 10), "summer": datetime.datetime(2026, 7, 10),
         "spring": datetime.datetime(2026, 4, 10)}  # fmt: skip


@settings(max_examples=20, deadline=None)
@given(preset=st.sampled_from(sorted(weather.PRESETS)), seed=st.integers(0, 10**6))
def test_presets_stay_inside_their_documented_ranges(preset, seed):
    p = weather.PRESETS[preset]
    start = START[preset.split("-")[1]]
    days, per_day = 60, 144
    w = weather.synthetic(preset, start, days, 600, seed)
    assert len(w) == days * per_day
    # Synoptic spells (AR(1), sd 2.5 K) move a 60-day mean by ~0.8 K (sd): allow 4 sd.
    assert abs(statistics.fmean(w.t_out_c) - p.t_mean_c) < 3.2
    days_c = [w.t_out_c[d * per_day : (d + 1) * per_day] for d in range(days)]
    daily_ranges = [max(day) - min(day) for day in days_c]
    assert 0.4 * p.t_swing_c < statistics.fmean(daily_ranges) < 2.0 * p.t_swing_c
    assert all(5.0 <= rh <= 100.0 for rh in w.rh_out_pct)
    assert abs(statistics.fmean(w.rh_out_pct) - p.rh_mean_pct) < 8.0
    assert all(v >= 0 for v in w.global_w_m2) and all(v >= 0 for v in w.wind_m_s)
    clear = []
    for i, g in enumerate(w.global_w_m2):
        t = start + datetime.timedelta(seconds=600 * i)
        elevation = weather.solar_elevation_deg(p.latitude, t.timetuple().tm_yday, t.hour + t.minute / 60)
        sky = weather.clear_sky_global_w_m2(elevation, p.altitude_m)
        assert g <= sky + 1e-6  # never above clear sky, zero at night
        clear.append(sky)
    assert abs(sum(w.global_w_m2) / sum(clear) - p.clearness) < 0.12


def test_same_seed_same_weather_other_seed_other_weather():
    start = START["winter"]
    a = weather.synthetic("zichuan-winter", start, 3, 600, 5)
    b = weather.synthetic("zichuan-winter", start, 3, 600, 5)
    c = weather.synthetic("zichuan-winter", start, 3, 600, 6)
    assert a == b and a.t_out_c != c.t_out_c and a.global_w_m2 != c.global_w_m2


def test_overrides_and_bad_names():
    w = weather.synthetic("zichuan-winter", START["winter"], 7, 600, 1, t_mean_c=20.0, clearness=0.0)
    assert abs(statistics.fmean(w.t_out_c) - 20.0) < 4.0 and max(w.global_w_m2) < 60.0
    with pytest.raises(ValueError, match="weather preset must be one of .*zichuan-winter"):
        weather.synthetic("atlantis", START["winter"], 1, 600, 1)
    with pytest.raises(ValueError, match="unknown weather override 'snow' .allowed: t_mean_c"):
        weather.synthetic("zichuan-winter", START["winter"], 1, 600, 1, snow=1.0)


def test_solar_geometry():
    for latitude in (36.6, 39.5):
        assert weather.solar_elevation_deg(latitude, 80, 12.0) == pytest.approx(90 - latitude, abs=1.0)
        assert weather.solar_elevation_deg(latitude, 172, 12.0) == pytest.approx(
            90 - latitude + 23.44, abs=1.0
        )
        assert weather.solar_elevation_deg(latitude, 172, 0.0) < 0
    # Midwinter day length at 39.5 N: about 9.4 h.
    hours = [h / 60 for h in range(24 * 60) if weather.solar_elevation_deg(39.5, 355, h / 60) > 0]
    assert len(hours) / 60 == pytest.approx(9.4, abs=0.2)


def test_a_year_of_synthetic_weather_at_10_s_is_quick_to_make():
    w = weather.synthetic("pingshuo-winter", START["winter"], 365, 10, 1)
    assert len(w) == 365 * 8640


@pytest.fixture(scope="module")
def epw_dir():
    fetch_weather.fetch()
    return fetch_weather.WEATHER_DIR


def test_real_epw_files_read(epw_dir):
    london = weather.read_epw(epw_dir / "london-gatwick.epw")
    shimla = weather.read_epw(epw_dir / "shimla.epw")
    assert len(london.hour) == len(shimla.hour) == 8760
    assert shimla.latitude == pytest.approx(31.087) and shimla.altitude_m == pytest.approx(2122)
    assert statistics.fmean(london.t_out_c) == pytest.approx(10.0, abs=1.5)
    assert -20 < min(shimla.t_out_c) and max(shimla.t_out_c) < 35
    assert 700 < max(london.global_w_m2) < 1100 and min(london.global_w_m2) == 0


def test_from_epw_slices_interpolates_and_wraps(epw_dir):
    path = epw_dir / "london-gatwick.epw"
    raw = weather.read_epw(path)
    start = datetime.datetime(2026, 3, 1, 6, 30)  # 06:30 is the midpoint of EPW hour 7
    w = weather.from_epw(path, start, 1, 1800)
    row = next(i for i in range(len(raw.hour)) if raw.month[i] == 3 and raw.day[i] == 1 and raw.hour[i] == 7)
    assert w.t_out_c[0] == pytest.approx(raw.t_out_c[row])
    assert w.t_out_c[1] == pytest.approx((raw.t_out_c[row] + raw.t_out_c[row + 1]) / 2)  # halfway
    assert w.t_out_c[2] == pytest.approx(raw.t_out_c[row + 1])
    year_end = weather.from_epw(path, datetime.datetime(2026, 12, 31, 23, 30), 1, 3600)
    assert year_end.t_out_c[1] == pytest.approx(raw.t_out_c[0])  # wrapped to 1 January


def test_a_corrupt_epw_names_the_line(tmp_path, epw_dir):
    lines = (epw_dir / "shimla.epw").read_text(encoding="latin-1").splitlines()
    lines[20] = lines[20].replace(",", ";", 10)
    bad = tmp_path / "bad.epw"
    bad.write_text("\n".join(lines))
    with pytest.raises(ValueError, match="bad.epw: line 21"):
        weather.read_epw(bad)
    (tmp_path / "empty.epw").write_text("hello\n")
    with pytest.raises(ValueError, match="line 1 must be the EPW LOCATION header"):
        weather.read_epw(tmp_path / "empty.epw")

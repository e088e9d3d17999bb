"""The climate controller against issue 5's goals on every shipped scenario:
one line each, the firmware's figures and its ratios to the baselines.

    python tools/scoreboard.py [--days N] [--set KEY=VALUE ...] [SCENARIO ...]

--set tries a firmware setting (core/settings.py, in its unit) on every
scenario, as a scenario's [settings] table would: `--set fog.kp=200`.

Goals (issue 5): in band >= 95 %, VPD in band >= 85 % (roses), no frost
where the heat pump is sized for the weather, heat <= 1.10 x the ideal
heater, IAE <= 0.5 x simple_pid's and <= 1/3 x bang_bang's, fewer valve
strokes than simple_pid.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import host_sim  # noqa: E402, F401  (firmware/ on the path; the compiled build when current)
from host_sim.runner import make_weather, oracle_heat_kwh_m2, run  # noqa: E402
from host_sim.scenario import ScenarioError, load_scenario, scenario_names, settings_from  # noqa: E402

COLUMNS = (
    f"{'scenario':26} {'band%':>6} {'vpd%':>6} {'frost':>6} {'over':>6} {'heat/id':>8} "
    f"{'IAE':>7} {'/pid':>5} {'/bb':>5} {'strokes':>8} {'/pid':>5}"
)


def line(name, days, overrides=()):
    scenario = load_scenario(name)
    if days is not None:
        scenario = scenario.replace(days=days)
    if overrides:
        merged = dict(scenario.settings)
        merged.update(overrides)
        scenario = scenario.replace(settings=tuple(sorted(merged.items())))
    weather = make_weather(scenario)
    ideal = oracle_heat_kwh_m2(scenario, weather)
    fw, pid, bb = (
        run(scenario, c, weather=weather, oracle=ideal).metrics
        for c in ("firmware", "simple_pid", "bang_bang")
    )
    heat_ratio = fw["heat_kwh_m2"] / ideal if ideal > 0.01 else float("nan")  # summer: next to no heating

    def ratio(a, b):
        return a / b if b else float("nan")

    return (
        f"{name:26} {fw['air_temp_in_band_pct']:6.1f} {fw['vpd_in_band_pct']:6.1f} {fw['frost_min']:6.1f} "
        f"{fw['overheat_min']:6.0f} {heat_ratio:8.2f} {fw['air_temp_iae_kh']:7.1f} "
        f"{ratio(fw['air_temp_iae_kh'], pid['air_temp_iae_kh']):5.2f} "
        f"{ratio(fw['air_temp_iae_kh'], bb['air_temp_iae_kh']):5.2f} {fw['valve_strokes']:8.1f} "
        f"{ratio(fw['valve_strokes'], pid['valve_strokes']):5.2f}"
    )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("scenarios", nargs="*", help="default: every shipped scenario")
    parser.add_argument("--days", type=float, help="override each scenario's length")
    parser.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE", help="a firmware setting, in its unit"
    )
    args = parser.parse_args()
    pairs = {}
    for text in args.set:
        key, _, value = text.partition("=")
        try:
            pairs[key] = float(value)
        except ValueError:
            parser.error(f"--set {text}: the value must be a number")
    try:
        overrides = settings_from("--set", pairs)
    except ScenarioError as error:
        parser.error(str(error))
    print(COLUMNS)
    for name in args.scenarios or scenario_names():
        print(line(name, args.days, overrides), flush=True)


if __name__ == "__main__":
    main()

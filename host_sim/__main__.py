"""Command line of the host simulator.

    python -m host_sim run SCENARIO [--controller firmware|bang_bang|simple_pid] [--runtime cpython]
                                    [--days N] [--json OUT] [--csv OUT] [--plot OUT.png]
    python -m host_sim compare SCENARIO [--days N] [--json OUT] [--plot OUT.png]
    python -m host_sim repl [SCENARIO] [--days N] [--speed X]
    python -m host_sim list

SCENARIO is a shipped name (see `list`) or a path to a .toml file.
"""

import argparse
import csv
import json
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

import host_sim  # noqa: F401  (puts firmware/ on the path)
from host_sim.controllers import CONTROLLERS
from host_sim.runner import SERIES_KEYS, make_weather, oracle_heat_kwh_m2, run, stderr_progress
from host_sim.scenario import ScenarioError, load_scenario, scenario_names

RUNTIMES = ("cpython", "micropython")
# Metric rows of the tables: key, label, format.
TABLE_ROWS = (
    ("days", "days", "{:.1f}"),
    ("errors", "controller errors", "{:d}"),
    ("air_temp_iae_kh", "air temp IAE, K*h", "{:.2f}"),
    ("air_temp_in_band_pct", "air temp in band +-1 K, %", "{:.1f}"),
    ("air_temp_max_over_k", "max above vent setpoint, K", "{:.2f}"),
    ("vpd_in_band_pct", "VPD in crop band, %", "{:.1f}"),
    ("frost_min", "below crop minimum, min", "{:.0f}"),
    ("overheat_min", "above crop maximum, min", "{:.0f}"),
    ("heat_kwh_m2", "heat, kWh/m2", "{:.3f}"),
    ("heat_oracle_kwh_m2", "heat, ideal heater, kWh/m2", "{:.3f}"),
    ("cool_kwh_m2", "cooling, kWh/m2", "{:.3f}"),
    ("elec_kwh_m2", "electricity, kWh/m2", "{:.3f}"),
    ("cop_mean", "heat pump COP", "{:.2f}"),
    ("valve_strokes", "valve strokes", "{:.1f}"),
    ("vent_strokes", "vent strokes", "{:.1f}"),
    ("heat_pump_starts", "heat pump starts", "{:d}"),
    ("wall_s", "wall time, s", "{:.1f}"),
)
IRRIGATION_ROWS = (  # where the scenario simulates irrigation ([irrigation])
    ("water_l_m2", "irrigation water, L/m2", "{:.1f}"),
    ("uptake_l_m2", "crop uptake, L/m2", "{:.1f}"),
    ("mine_water_m3", "mine water, m3", "{:.1f}"),
    ("irrigation_starts", "irrigation starts (all groups)", "{:d}"),
    ("drain_fraction_mean", "drain fraction, mean of days", "{:.3f}"),
    ("drain_fraction_target", "drain fraction target", "{:.3f}"),
    ("substrate_ec_mean", "root-zone EC mean, mS/cm", "{:.2f}"),
    ("ec_abs_err_ms_cm", "supply EC error, mS/cm", "{:.3f}"),
    ("ph_abs_err", "supply pH error", "{:.3f}"),
    ("dosing_without_flow_s", "dosing without flow, s", "{:.0f}"),
    ("ec_limit_violations", "EC/pH limit violations", "{:d}"),
)


def _fmt(fmt, value):
    if value is None:
        return "-"
    return fmt.format(value)


def _ratio(value, reference):
    if value is None or reference is None or isinstance(value, list):
        return ""
    if reference == 0:
        return "" if value == 0 else " (n/a)"
    return f" (x{value / reference:.2f})"


def metrics_table(title, results):
    table = Table(title=title)
    table.add_column("metric")
    for result in results:
        table.add_column(result.controller, justify="right")
    reference = results[0].metrics
    rows = TABLE_ROWS + IRRIGATION_ROWS if "water_l_m2" in reference else TABLE_ROWS
    for key, label, fmt in rows:
        cells = []
        for index, result in enumerate(results):
            value = result.metrics.get(key)
            cell = _fmt(fmt, value)
            if index > 0 and len(results) > 1:
                cell += _ratio(value, reference.get(key))
            cells.append(cell)
        table.add_row(label, *cells)
    table.add_row("alarms raised", *[str(len(result.metrics["alarms"])) for result in results])
    return table


def write_csv(path, series):
    keys = list(series)  # SERIES_KEYS, then the irrigation's where simulated
    assert keys[: len(SERIES_KEYS)] == list(SERIES_KEYS)
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(keys)
        writer.writerows(zip(*(series[key] for key in keys), strict=True))


def _load(args, parser):
    try:
        scenario = load_scenario(args.scenario)
        if args.days is not None:
            scenario = scenario.replace(days=args.days)
    except ScenarioError as error:
        parser.exit(2, f"error: {error}\n")
    return scenario


def _ensure_parent(path):
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def cmd_run(args, parser, console):
    if args.runtime == "micropython" and args.controller != "firmware":
        parser.exit(2, "error: --runtime micropython runs the firmware controller only\n")
    scenario = _load(args, parser)
    update, done = stderr_progress(f"{scenario.name}: {args.controller}")
    record = bool(args.csv or args.plot)
    result = run(scenario, args.controller, record=record, progress=update, runtime=args.runtime)
    done()
    console.print(metrics_table(f"{scenario.name} ({scenario.days:g} days)", [result]))
    for alarm in result.metrics["alarms"][:20]:
        console.print(f"  alarm at {alarm['t_h']:.2f} h: {alarm['code']}: {alarm['text']}")
    _write_outputs(args, scenario, [result], {"scenario": scenario.name, **result.metrics})


def cmd_compare(args, parser, console):
    scenario = _load(args, parser)
    weather = make_weather(scenario)
    oracle_kwh_m2 = oracle_heat_kwh_m2(scenario, weather)  # the same for every controller
    results = []
    for name in CONTROLLERS:
        update, done = stderr_progress(f"{scenario.name}: {name}")
        result = run(
            scenario, name, weather=weather, record=bool(args.plot), progress=update, oracle=oracle_kwh_m2
        )
        results.append(result)
        done()
    console.print(metrics_table(f"{scenario.name} ({scenario.days:g} days), ratios to firmware", results))
    _write_outputs(args, scenario, results, {result.controller: result.metrics for result in results})


def _write_outputs(args, scenario, results, payload):
    if args.json:
        _ensure_parent(args.json)
        Path(args.json).write_text(json.dumps(payload, indent=2) + "\n")
        print(f"wrote {args.json}")
    if getattr(args, "csv", None):
        _ensure_parent(args.csv)
        write_csv(args.csv, results[0].series)
        print(f"wrote {args.csv}")
    if args.plot:
        from host_sim.plot import plot_runs

        _ensure_parent(args.plot)
        plot_runs(results, args.plot, f"{scenario.name}: {', '.join(r.controller for r in results)}")
        print(f"wrote {args.plot}")


REPL_BANNER = """\
The node's REPL: the real firmware under MicroPython, controlling the simulated
{name} ({speed:g} simulated seconds a second).  Control runs while you type:
  gh.status()   gh.help("air")   gh.get("air.day_c")   gh.set("air.day_c", 21)
  gh.manual("vent", 30)   gh.auto()   gh.save()   gh.revert()
  irrigating: gh.irrigate(1)   gh.manual("irrigation", False)   gh.ack()
The run ends with the scenario (--days), or press Ctrl-D and wait for it.
"""


def cmd_repl(args, parser, console):
    from host_sim.mp_node import MicroPythonController

    scenario = _load(args, parser)
    print(REPL_BANNER.format(name=scenario.name, speed=args.speed), file=sys.stderr, flush=True)
    pace_s = scenario.control_period_s / args.speed if args.speed > 0 else 0.0
    node = MicroPythonController(scenario, repl=True, pace_s=pace_s)
    result = run(scenario, "firmware", oracle=False, controller=node)
    title = f"{scenario.name} ({scenario.days:g} days), the node under MicroPython"
    console.print(metrics_table(title, [result]))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m host_sim", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="run one controller on a scenario")
    compare_parser = commands.add_parser("compare", help="run every controller on the same weather and seed")
    repl_parser = commands.add_parser("repl", help="the node's live REPL: the real firmware on a scenario")
    repl_parser.add_argument("scenario", nargs="?", default="zichuan-rose-winter")
    repl_parser.add_argument("--days", type=float, help="override the scenario's days")
    repl_parser.add_argument(
        "--speed", type=float, default=60.0, help="simulated seconds per second (0: as fast as it goes)"
    )
    commands.add_parser("list", help="list the shipped scenarios")
    for sub in (run_parser, compare_parser):
        sub.add_argument("scenario", help="shipped scenario name or path to a .toml file")
        sub.add_argument("--days", type=float, help="override the scenario's days")
        sub.add_argument("--json", help="write metrics as JSON")
        sub.add_argument("--plot", help="write a PNG plot")
    run_parser.add_argument("--controller", choices=list(CONTROLLERS), default="firmware")
    run_parser.add_argument("--runtime", choices=RUNTIMES, default="cpython")
    run_parser.add_argument("--csv", help="write the 5-minute series as CSV")
    args = parser.parse_args(argv)
    console = Console()
    if args.command == "list":
        for name in scenario_names():
            print(name)
    elif args.command == "run":
        cmd_run(args, parser, console)
    elif args.command == "repl":
        cmd_repl(args, parser, console)
    else:
        cmd_compare(args, parser, console)
    return 0


if __name__ == "__main__":
    sys.exit(main())

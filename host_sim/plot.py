"""Plots of simulation runs (matplotlib, written to PNG)."""

import math

import matplotlib

matplotlib.use("Agg")  # files only: no display here or on CI
import matplotlib.pyplot as plt  # noqa: E402

COLOURS = {"firmware": "tab:blue", "bang_bang": "tab:red", "simple_pid": "tab:green"}


def plot_runs(results, path, title):
    """One figure: climate, humidity, actuators, power and weather, shared time axis.

    Several results overlay their own lines (one colour per controller)."""
    first = results[0].series
    hours = first["t_h"]
    irrigated = "substrate_pct" in first
    panels = 8 if irrigated else 5
    fig, axes = plt.subplots(panels, 1, figsize=(13, 3 * panels), sharex=True, constrained_layout=True)
    temp, humid, act, power, sky = axes[:5]
    single = len(results) == 1

    temp.plot(hours, first["heat_sp_c"], color="black", lw=1, ls="--", label="heating setpoint")
    temp.plot(hours, first["vent_sp_c"], color="grey", lw=1, ls=":", label="ventilation setpoint")
    # The first result (the firmware) is drawn last, on top; the others lighter.
    for result in reversed(results):
        s, colour = result.series, COLOURS.get(result.controller)
        lighter = result is not results[0]
        style = {"color": colour, "lw": 0.8 if lighter else 1.2, "alpha": 0.6 if lighter else 1.0}
        temp.plot(s["t_h"], s["air_c"], label=f"air, {result.controller}", **style)
        if single:
            temp.plot(s["t_h"], s["supply_c"], color="tab:orange", lw=0.8, label="supply water")
            if not all(math.isnan(c) for c in s["wall_c"]):  # a solar greenhouse's north wall
                temp.plot(s["t_h"], s["wall_c"], color="tab:brown", lw=0.8, label="north wall surface")
                temp.plot(
                    s["t_h"], s["wall_core_c"], color="tab:brown", lw=0.8, ls="--", label="wall storage layer"
                )
                temp.plot(s["t_h"], s["floor_c"], color="tab:olive", lw=0.8, label="floor")
        humid.plot(s["t_h"], s["rh_pct"], color=colour, lw=1, label=f"RH, {result.controller}")
        act.plot(
            s["t_h"], s["heat_valve_pct"], color=colour, lw=1, label=f"heating valve, {result.controller}"
        )
        power.plot(s["t_h"], s["heat_w_m2"], color=colour, lw=1, label=f"heat, {result.controller}")
        if single:
            act.plot(s["t_h"], s["cool_valve_pct"], color="tab:cyan", lw=1, label="cooling valve")
            act.plot(s["t_h"], s["vent_pct"], color="tab:purple", lw=1, label="vents")
            if any(s["fog_pct"]):
                act.plot(s["t_h"], s["fog_pct"], color="tab:blue", lw=0.8, ls=":", label="fog")
            act.plot(s["t_h"], s["screen_pct"], color="tab:brown", lw=1, ls="--", label="screen closed")
            power.plot(s["t_h"], s["cool_w_m2"], color="tab:cyan", lw=1, label="cooling")
            power.plot(s["t_h"], s["elec_w_m2"], color="tab:olive", lw=1, label="electricity")
            vpd = humid.twinx()
            vpd.plot(s["t_h"], s["vpd_kpa"], color="tab:pink", lw=0.8, label="VPD")
            vpd.set_ylabel("VPD, kPa")
            vpd.legend(loc="upper right", fontsize=8)
    temp.plot(hours, first["outdoor_c"], color="tab:gray", lw=0.8, label="outside")
    sky.plot(hours, first["radiation_w_m2"], color="goldenrod", lw=0.8, label="global radiation outside")

    temp.set_ylabel("temperature, degC")
    humid.set_ylabel("RH, %")
    act.set_ylabel("position, %")
    power.set_ylabel("W per m2 floor")
    sky.set_ylabel("W/m2")
    if irrigated:
        _root_zone_panels(results, axes[5:], single)
    axes[-1].set_xlabel("hours from start (solar time)")
    for axis in axes:
        axis.grid(alpha=0.3)
        axis.legend(loc="upper left", fontsize=8, ncol=3)
    fig.suptitle(title)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _root_zone_panels(results, axes, single):
    """Water content and what went in and out; supply and root-zone EC; supply pH."""
    water, ec, ph = axes
    flows = water.twinx() if single else None
    first = results[0].series
    ec.plot(first["t_h"], first["ec_target_ms_cm"], color="black", lw=1, ls="--",
            label=f"supply EC target, {results[0].controller}")  # fmt: skip
    ph.plot(first["t_h"], first["ph_target"], color="black", lw=1, ls="--",
            label=f"pH target, {results[0].controller}")  # fmt: skip
    for result in reversed(results):
        s, colour = result.series, COLOURS.get(result.controller)
        name = result.controller
        water.plot(
            s["t_h"], s["substrate_pct"], color=colour, lw=1.2, label=f"substrate water, group 1, {name}"
        )
        if single:
            flows.plot(s["t_h"], _daily_sum_l(s["t_h"], s["water_ml_m2"]), color="tab:blue", lw=1,
                       label="irrigation since midnight, group 1")  # fmt: skip
            flows.plot(s["t_h"], _daily_sum_l(s["t_h"], s["drain_ml_m2"]), color="tab:red", lw=1, ls="--",
                       label="drain since midnight, group 1")  # fmt: skip
            ec.plot(s["t_h"], s["supply_ec_ms_cm"], color="tab:blue", lw=0, marker=".", ms=2.5,
                    label="supply EC while water flows")  # fmt: skip
            ec.plot(s["t_h"], s["root_ec_ms_cm"], color="tab:brown", lw=1.2, label="root-zone EC, group 1")
            ph.plot(s["t_h"], s["supply_ph"], color="tab:purple", lw=0, marker=".", ms=2.5,
                    label="supply pH while water flows")  # fmt: skip
        else:
            ec.plot(
                s["t_h"], s["root_ec_ms_cm"], color=colour, lw=1.2, label=f"root-zone EC, group 1, {name}"
            )
            ec.plot(s["t_h"], s["supply_ec_ms_cm"], color=colour, lw=0, marker=".", ms=2,
                    label=f"supply EC, {name}")  # fmt: skip
            ph.plot(
                s["t_h"], s["supply_ph"], color=colour, lw=0, marker=".", ms=2, label=f"supply pH, {name}"
            )
    water.set_ylabel("water content, vol %")
    if flows is not None:
        flows.set_ylabel("L/m2 since midnight")
        flows.legend(loc="upper right", fontsize=8)
    ec.set_ylabel("EC, mS/cm")
    ph.set_ylabel("pH")


def _daily_sum_l(hours, ml_per_row):
    """The running sum since midnight (hours from a midnight start), mL -> L."""
    total, day, sums = 0.0, 0, []
    for t_h, ml in zip(hours, ml_per_row, strict=True):
        if int(t_h // 24) != day:
            day, total = int(t_h // 24), 0.0
        total += ml / 1000.0
        sums.append(total)
    return sums

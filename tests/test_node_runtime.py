"""The node runtime: the real firmware (firmware/main.py) under the real
MicroPython interpreter against the simulated greenhouse gives the metrics
the CPython runtime gives; the virtual ticks wrap as an ESP32's do; a HAL
that fails for an hour never stops control; safe boot skips main."""

import gc
import re
import subprocess
import sys
from pathlib import Path

import pytest

from core.climate import ALARM_AIR_FAILED, Inputs
from core.crops import ROSE
from host_sim.mp_node import FIRMWARE, MICROPYTHON, compiled_firmware, write_flash
from host_sim.runner import run
from host_sim.scenario import FaultSpec, load_scenario
from node.clock import TICKS_PERIOD, VirtualClock, ticks_add, ticks_diff
from node.house import make_climate
from node.runtime import Node
from node.tuning import Gh

REPO = Path(__file__).resolve().parent.parent


def same_metrics(scenario):
    cpython = run(scenario, "firmware", oracle=False).metrics
    micropython = run(scenario, "firmware", oracle=False, runtime="micropython").metrics
    for metrics in (cpython, micropython):
        del metrics["wall_s"]
    assert micropython == cpython
    return micropython


@pytest.mark.parametrize("name", ["zichuan-rose-winter", "zichuan-rose-summer"])
def test_the_real_firmware_under_micropython_gives_the_cpython_metrics(name):
    metrics = same_metrics(load_scenario(name).replace(days=0.5))
    assert metrics["errors"] == 0 and metrics["ticks"] == 4320


def test_an_hour_without_the_air_sensor_across_the_ticks_wrap_is_the_same_under_micropython():
    # The sim board's ticks wrap 10 minutes in, as an ESP32's do after 12.4 days.
    base = load_scenario("zichuan-rose-winter")
    lost = FaultSpec(start_h=0.05, duration_h=1.0, target="air_temp", kind="dropout", value=None)
    metrics = same_metrics(base.replace(days=0.25, faults=(lost,)))
    assert any(alarm["code"] == "air_failed" for alarm in metrics["alarms"])


def test_the_virtual_clock_wraps_at_2_to_the_30_ms_like_an_esp32():
    clock = VirtualClock(TICKS_PERIOD - 5000)
    before = clock.ticks_ms()
    clock.advance(10000)
    assert clock.ticks_ms() == 5000 and ticks_diff(clock.ticks_ms(), before) == 10000
    assert ticks_diff(before, clock.ticks_ms()) == -10000
    assert ticks_add(TICKS_PERIOD - 1, 1) == 0


class FailingHal:
    """Sensors that raise OSError for the first hour, then read well."""

    def __init__(self, fail_ticks):
        self.fail_ticks = fail_ticks
        self.reads = 0
        self.written = []
        self.safe_calls = 0

    def read(self, inputs: Inputs):
        self.reads += 1
        if self.reads <= self.fail_ticks:
            raise OSError(5, "EIO")  # a bus that hangs, a probe that is gone
        inputs.air_c, inputs.rh_pct, inputs.supply_c = 16000, 70000, 30000
        inputs.outdoor_c, inputs.radiation_w_m2 = -5000, 0

    def write(self, out):
        self.written.append(out.heat_valve)

    def safe(self):
        self.safe_calls += 1


class Lines:
    def __init__(self):
        self.lines = []

    def line(self, text):
        self.lines.append(text)

    def error(self, where, error):
        self.lines.append("error %s: %s" % (where, error))


class CountingWdt:
    def __init__(self):
        self.feeds = 0

    def feed(self):
        self.feeds += 1


def test_a_hal_failing_for_an_hour_never_stops_control_and_starves_the_watchdog():
    hal, log, wdt = FailingHal(fail_ticks=360), Lines(), CountingWdt()
    node = Node(make_climate({"crop": "rose"}), hal, VirtualClock(), log=log, wdt=wdt)
    for k in range(720):  # two hours of 10 s ticks
        node.step(2 * 3600000 + k * 10000, 10000)
    assert node.faults == 360 and hal.safe_calls == 360 and len(log.lines) == 360
    assert "OSError" not in log.lines[0] or "EIO" in log.lines[0]
    assert wdt.feeds == 360 == node.ticks  # fed by healthy ticks only
    assert hal.written[-1] > 0  # 16 degC at night: heating again


def test_the_telemetry_hook_sees_every_healthy_tick_and_its_faults_never_stop_control():
    hal, log, wdt = FailingHal(fail_ticks=3), Lines(), CountingWdt()
    node = Node(make_climate({"crop": "rose"}), hal, VirtualClock(), log=log, wdt=wdt)
    seen = []

    def publish(node, out):
        seen.append(out.heat_valve)
        if len(seen) % 2:
            raise OSError(113, "EHOSTUNREACH")  # the broker is away

    node.telemetry = publish
    for k in range(10):
        node.step(k * 10000, 10000)
    assert len(seen) == 7 == node.ticks == wdt.feeds  # the 3 failed ticks publish nothing
    assert node.telemetry_errors == 4 and hal.written == seen  # control and the outputs unaffected
    assert sum("telemetry" in line for line in log.lines) == 4


def test_a_missing_air_reading_is_the_cores_to_handle_not_a_fault():
    hal = FailingHal(fail_ticks=0)
    node = Node(make_climate({"crop": "rose"}), hal, VirtualClock())
    hal.read = lambda inputs: setattr(inputs, "air_c", None)  # a driver reporting a failed read
    for k in range(120):
        out = node.step(k * 10000, 10000)
    assert node.faults == 0 and out.alarms & ALARM_AIR_FAILED


def test_manual_outputs_hold_until_auto_but_frost_wins():
    hal = FailingHal(fail_ticks=0)
    node = Node(make_climate({"crop": "rose"}), hal, VirtualClock())
    node.manual["heat_valve"] = 0
    assert node.step(0, 10000).heat_valve == 0  # held shut by hand at 16 degC
    hal.read = lambda inputs: (
        setattr(inputs, "air_c", ROSE["air_min_c"] - 2000),
        setattr(inputs, "supply_c", 30000),
    )
    for k in range(1, 30):  # (a 6 K drop in one step is first taken for a spike)
        out = node.step(k * 10000, 10000)
    assert out.heat_valve == 100000  # frost: full heat whatever the hand says


HOUR_MS = 3600000
IRRIGATING = {"crop": "rose", "irrigation": {"groups": [{"area_m2": 500, "flow_l_min": 50}] * 2}}


class WaterHal(FailingHal):
    """The climate's readings as FailingHal's, a pump that gives an open
    group its nominal flow, and EC and pH on target with a little noise."""

    def __init__(self):
        super().__init__(fail_ticks=0)
        self.flow_ml_min = 0
        self.water = []  # each tick's (valve group, A/B duty, acid duty)

    def read_water(self, r):
        r.flow_ml_min, r.drain_ml = self.flow_ml_min, 0
        r.ec, r.ph = 1900 + self.reads % 3, 5800 + self.reads % 3

    def write_water(self, water):
        self.flow_ml_min = 50000 if water.group else 0
        self.water.append((water.group, water.dose_ab, water.dose_acid))


def test_gh_starts_a_dose_by_hand_holds_the_irrigation_off_and_shows_yesterday(capsys, monkeypatch):
    monkeypatch.setattr(gc, "mem_free", lambda: 0, raising=False)  # MicroPython's
    hal = WaterHal()
    node = Node(make_climate(IRRIGATING), hal, VirtualClock())
    gh, irr = Gh(node, None, {}), node.climate.water.irr
    ticks = iter(range(2 * HOUR_MS, 24 * HOUR_MS, 10000))  # from 02:00, when no rule starts a group

    def status():
        capsys.readouterr()
        gh.status()
        return capsys.readouterr().out

    with pytest.raises(ValueError, match=r"^group must be a valve group 1\.\.2, got 3$"):
        gh.irrigate(3)
    with pytest.raises(
        ValueError, match=r"^irrigation takes False \(held off\), got True: gh.irrigate\(group\)"
    ):
        gh.manual("irrigation", True)
    assert irr.active == 0 and not irr.off and irr.yesterday() is None
    assert gh.irrigate(1) == "group 1 starts"
    node.step(next(ticks), 10000)
    assert gh.irrigate(2) == "group 2 queued: the pump is on group 1"
    for _ in range(40):  # 125 L each at 50 L/min: 16 ticks, in turn
        node.step(next(ticks), 10000)
    assert [group for group, _, _ in hal.water].count(2) == 16 and irr.starts == 2
    assert "irrigation: no group, today 2 starts, 0.266 L/m2" in status()
    assert "irrigation yesterday" not in status()
    assert gh.irrigate(1) == "group 1 starts"
    for _ in range(4):
        node.step(next(ticks), 10000)
    assert hal.water[-1][0] == 1 and hal.water[-1][1] > 0  # watering and dosing
    gh.manual("vent", 30)
    gh.manual("irrigation", False)
    node.step(next(ticks), 10000)
    assert hal.water[-1] == (0, 0, 0)  # within one tick
    assert gh.ack() == "acknowledged" and irr.off  # an acknowledge is no release
    assert gh.irrigate(2) == "group 2 not started: irrigation held off by hand"
    shown = status()
    # (the held start's 25 L count: 0.266 -> 0.316 L/m2)
    assert (
        "manual: vent=30000, irrigation=off" in shown
        and "irrigation: held off by hand, today 2 starts, 0.316 L/m2" in shown
    )
    gh.auto("vent")
    assert irr.off
    gh.auto()
    assert not irr.off and "manual:" not in status() and gh.irrigate(2) == "group 2 starts"
    node.step(24 * HOUR_MS - 10000, 10000)
    node.step(0, 10000)  # midnight: the day rolls over
    assert "irrigation yesterday: 2 starts, 0.316 L/m2, drain -, mine water 0.291655 m3" in status()


def test_gh_by_hand_in_a_house_without_irrigation_names_what_there_is():
    gh = Gh(Node(make_climate({"crop": "rose"}), FailingHal(0), VirtualClock()), None, {})
    with pytest.raises(ValueError, match="gh.irrigate: this house has no irrigation"):
        gh.irrigate(1)
    with pytest.raises(
        ValueError, match="manual output must be one of heat_valve, .*fog.*, got 'irrigation'$"
    ):
        gh.manual("irrigation", False)
    gh.auto("irrigation")  # nothing to hand back: no error


def test_make_climate_names_a_bad_house_key_and_what_is_allowed():
    with pytest.raises(ValueError, match="house.crop must be one of rose, tomato, got 'lettuce'"):
        make_climate({"crop": "lettuce"})
    with pytest.raises(ValueError, match="unknown house key 'vent'"):
        make_climate({"crop": "rose", "vent": True})
    with pytest.raises(ValueError, match="house.air_sensors must be 1 or 2"):
        make_climate({"crop": "rose", "air_sensors": 3})


def test_safe_boot_flag_skips_main(tmp_path):
    write_flash(tmp_path, load_scenario("zichuan-rose-winter"))
    (tmp_path / "safe_boot").write_text("")
    firmware = compiled_firmware()
    result = subprocess.run(
        [str(MICROPYTHON), "-X", "heapsize=128K", str(firmware / "main.py")],
        cwd=tmp_path, env={"MICROPYPATH": f".frozen:{firmware}"},
        input="t 0 10000 18000 - 70000 30000 0 -5000 - - - 1 1 100000 0\n",
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 0 and "safe boot: main skipped" in result.stdout
    assert not any(line.startswith("o ") for line in result.stdout.splitlines())  # no control ran
    assert (FIRMWARE / "main.py").read_text() == (firmware / "main.py").read_text()


def test_the_scenario_settings_reach_the_node_as_its_config_file():
    base = load_scenario("zichuan-rose-winter").replace(days=0.1)
    tuned = base.replace(settings=(("air.heat.kp", 8.0),))
    assert same_metrics(tuned) != same_metrics(base)


def test_a_run_fails_when_the_node_refuses_the_scenario_settings():
    # Each setting is in range (the scenario loads), but together they contradict:
    # the node logs "config:" and would run on its defaults; the run must not pass.
    scenario = load_scenario("zichuan-rose-winter").replace(days=0.01)
    contradictory = scenario.replace(settings=(("hp.on_pct", 5.0), ("hp.off_pct", 15.0)))
    with pytest.raises(RuntimeError, match="the node refused its settings:\n.*hp.off_pct"):
        run(contradictory, "firmware", oracle=False, runtime="micropython")


def test_the_repl_tunes_the_running_node_and_refuses_bad_input():
    # python -m host_sim repl: the node's REPL on stdin/stdout while it controls
    # the simulated house; each line is answered while the ticks go on.
    lines = [
        'gh.set("air.day_c", 99)',  # refused, named, nothing changed
        'gh.get("air.day_c")',
        'gh.set("air.day_c", 21.5)',
        'gh.set("air.heat.kp", "fast")',
        "gh.save()",
        'gh.set("air.day_c", 23)',
        "gh.revert()",
        'gh.get("air.day_c")',
        'gh.manual("vent", 150)',
        'gh.manual("heat_valve", 0)',
        "gh.status()",
        'gh.help("air.night")',
    ]
    result = subprocess.run(
        [sys.executable, "-m", "host_sim", "repl", "zichuan-rose-winter", "--days", "0.02", "--speed", "200"],
        input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=120, cwd=REPO,
    )  # fmt: skip
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "ValueError: air.day_c must be a number in 5..35 degC, got 99" in out
    assert "--> 20\n" in out  # unchanged by the refused value
    assert "ValueError: air.heat.kp must be a number in 0..20 K/K, got 'fast'" in out
    assert "'saved 1 settings'" in out and "'reverted to 1 saved settings'" in out
    assert "--> 21.5\n" in out  # back to the saved value
    assert "ValueError: vent takes 0..100 %, got 150" in out
    assert "free heap" in out and "manual: heat_valve=0" in out
    assert "air.night_c" in out and "heating setpoint by night" in out
    assert "controller errors" in out  # the run finished and reported its metrics


def test_the_repl_of_an_irrigating_node_starts_a_dose_by_hand_and_holds_the_irrigation():
    # Under MicroPython, at midnight, where no rule starts a group: the one start is the hand's.
    lines = [
        "gh.irrigate(5)",
        'gh.manual("irrigation", True)',
        'gh.manual("irrigation", False)',
        "gh.irrigate(2)",
        "gh.status()",
        "gh.auto()",
        "gh.irrigate(2)",
        "gh.irrigate(2)",
    ]
    result = subprocess.run(
        [sys.executable, "-m", "host_sim", "repl", "zichuan-rose-irrigation-winter", "--days", "0.02",
         "--speed", "200"],
        input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=120, cwd=REPO,
    )  # fmt: skip
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "ValueError: group must be a valve group 1..4, got 5" in out
    assert "ValueError: irrigation takes False (held off), got True: gh.irrigate(group) starts a dose" in out
    assert "'group 2 not started: irrigation held off by hand'" in out
    assert "manual: irrigation=off" in out and "irrigation: held off by hand, today 0 starts" in out
    assert "'group 2 starts'" in out and "'group 2 not started: already running or queued'" in out
    assert re.search(r"irrigation starts \(all groups\)\W+1\W", out)  # the plant saw the dose

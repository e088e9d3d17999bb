"""The real firmware under the real MicroPython interpreter, as a controller
of the simulator (`--runtime micropython`): firmware/main.py runs unchanged
on the unix port with the `sim` board, its flash a temporary directory
holding board.json, house.json and config.json, and exchanges one text frame
per control tick with the plant over its stdin and stdout (hal/sim.py)."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from core.climate import ALARM_TEXT, Inputs, Outputs
from core.watering import Readings, alarm_text
from host_sim.firmware_controller import (
    fill_commands,
    fill_inputs,
    fill_irrigation,
    fill_targets,
    fill_water_readings,
    house_for,
    settings_for,
)
from node.config import dumps

REPO = Path(__file__).resolve().parent.parent
FIRMWARE = REPO / "firmware"
MPY_CACHE = REPO / ".cache" / "mpy"
MICROPYTHON = Path(sys.executable).parent / "micropython"
# The REPL compiles each line and keeps tracebacks: it wants more room (on the
# 32-bit ESP32 objects are about half these sizes, so ~110 kB free there is more).
REPL_HEAP = "128K"
HEAP = "112K"  # the node runs in 108K on this 64-bit port (make bench: heap_min_kb)
# A house that irrigates also loads the irrigation and fertigation (about
# 30 kB more on this 64-bit port): the fertigation node is the S3 board, with PSRAM.
IRRIGATION_HEAP = "144K"
IRRIGATION_REPL_HEAP = "160K"  # the REPL's room and the irrigation's (in 128K it fails to boot)
READINGS = ("air_c", "air2_c", "rh_pct", "supply_c", "radiation_w_m2", "outdoor_c",
            "outdoor_rh_pct", "wind_m_s", "source_return_c")  # fmt: skip


def _field(value):
    return "-" if value is None else str(value)


def compiled_firmware() -> Path:
    """The firmware compiled to .mpy, as a node gets it (compiling the
    sources on the node would take more heap than it has); built once per
    version of the sources."""
    digest = hashlib.sha256()
    for source in sorted(FIRMWARE.rglob("*.py")):
        digest.update(str(source.relative_to(FIRMWARE)).encode() + b"\0" + source.read_bytes())
    out = MPY_CACHE / digest.hexdigest()[:16]
    if not (out / "main.py").exists():
        sys.path.insert(0, str(REPO / "tools"))
        from build_mpy import build

        MPY_CACHE.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix="build-", dir=MPY_CACHE))
        failures = build(building)
        if failures:
            raise RuntimeError(f"mpy-cross failed: {failures}")
        shutil.copy(FIRMWARE / "main.py", building / "main.py")
        building.rename(out)  # complete, or not there
    return out


def write_flash(flash: Path, scenario) -> None:
    """The node's files for this scenario: the sim board, the house, the settings."""
    board = REPO / "boards" / "sim.json"
    if board.exists():
        shutil.copy(board, flash / "board.json")
    else:
        (flash / "board.json").write_text(json.dumps({"board": "sim", "chip": "unix"}))
    (flash / "house.json").write_text(json.dumps(house_for(scenario)))
    (flash / "config.json").write_text(dumps(settings_for(scenario)))


class NodeStopped(RuntimeError):
    """The node process ended or answered nonsense: the run cannot go on."""

    fatal = True


class MicroPythonController:
    """repl: the node's REPL on this terminal (or on console_in/console_out),
    the frames on two FIFOs instead, one frame every pace_s seconds."""

    name = "firmware"
    alarm_text = ALARM_TEXT

    def __init__(self, scenario, heap=None, repl=False, pace_s=0.0, console_in=None, console_out=None):
        self._flash = tempfile.TemporaryDirectory(prefix="gh-flash-")
        flash = Path(self._flash.name)
        write_flash(flash, scenario)
        firmware = compiled_firmware()
        if heap is None and scenario.irrigation:
            heap = IRRIGATION_REPL_HEAP if repl else IRRIGATION_HEAP
        elif heap is None:
            heap = REPL_HEAP if repl else HEAP
        command = [str(MICROPYTHON), "-X", f"heapsize={heap}", str(firmware / "main.py")]
        env = {"MICROPYPATH": f".frozen:{firmware}"}  # .frozen: the port's own asyncio
        self.pace_s = pace_s
        if repl:
            frames, answers = flash / "frames", flash / "answers"
            os.mkfifo(frames)
            os.mkfifo(answers)
            env["GH_SIM_LINK"] = f"{frames},{answers}"
            self.process = subprocess.Popen(
                command,
                cwd=flash,
                env=env,
                stdin=console_in,
                stdout=console_out,
                stderr=console_out,
                text=True,
            )
            self.frames = open(frames, "w", buffering=1)  # (the node opens them in this order)
            self.answers = open(answers)
        else:
            self.process = subprocess.Popen(
                command, cwd=flash, env=env, text=True, bufsize=1,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            )  # fmt: skip
            self.frames, self.answers = self.process.stdin, self.process.stdout
        self.inputs = Inputs()
        self.outputs = Outputs()
        self.irrigating = scenario.irrigation is not None
        self.irrigation_alarm_text = alarm_text() if self.irrigating else ()
        self._water_readings = Readings()
        self._water_answer = None  # the node's i line of this tick, as ints
        self._day = None
        self._stderr = None  # the node's stderr, once closed

    def set_day(self, sunrise_ms, sunset_ms):
        self._day = f"d {sunrise_ms} {sunset_ms}\n"

    def step(self, time_of_day_s, meas, dt_s, commands):
        inp = self.inputs
        fill_inputs(inp, meas)
        fields = [_field(getattr(inp, name)) for name in READINGS]
        frame = "t %d %d %s %d %d %d %d\n" % (
            time_of_day_s * 1000, dt_s * 1000, " ".join(fields), inp.heat_pump_running,
            inp.mine_flow_ok, inp.power_cap, inp.power_surplus,
        )  # fmt: skip
        if self.irrigating:  # the root zone's and the mixer's readings first
            r = self._water_readings
            fill_water_readings(r, meas)
            water = (r.substrate_pct, r.flow_ml_min, r.drain_ml, r.ec, r.ph, r.ec2, r.ph2)
            frame = "w %s\n" % " ".join(_field(v) for v in water) + frame
        if self._day:
            frame = self._day + frame
            self._day = None
        if self.pace_s:
            time.sleep(self.pace_s)
        try:
            self.frames.write(frame)
            self.frames.flush()
        except BrokenPipeError:
            raise NodeStopped(f"the node has stopped; its stderr:\n{self.close()}") from None
        line = self.answers.readline()
        if not line.startswith("o "):
            raise NodeStopped(f"the node answered {line!r}; its stderr:\n{self.close()}")
        values = [int(v) for v in line.split()[1:]]
        out = self.outputs
        out.heat_valve, out.cool_valve, out.fog, out.vent, out.screen = values[:5]
        out.heat_pump_on, out.heat_pump_cooling = bool(values[5]), bool(values[6])
        out.heat_pump_supply_c, out.alarms = values[7], values[8]
        fill_commands(commands, out)
        if self.irrigating:
            line = self.answers.readline()
            if not line.startswith("i "):
                raise NodeStopped(f"the node answered {line!r}; its stderr:\n{self.close()}")
            self._water_answer = [int(v) for v in line.split()[1:]]
        return out.alarms

    def irrigate(self, time_of_day_s, meas, dt_s, irr):
        """The node's i answer of this tick (its water step ran with the climate's)."""
        group, dose_ab, dose_acid, alarms, ec_target, ph_target, drain_target = self._water_answer
        fill_irrigation(irr, group, dose_ab, dose_acid)
        fill_targets(irr, ec_target, ph_target, drain_target)
        return alarms

    def free_heap(self) -> int:
        """The node's free heap now, in bytes, after a full collection."""
        self.frames.write("m\n")
        self.frames.flush()
        line = self.answers.readline()
        if not line.startswith("m "):
            raise NodeStopped(f"the node answered {line!r}; its stderr:\n{self.close()}")
        return int(line.split()[1])

    def close(self) -> str:
        """Ends the node; its stderr (boot and error log lines) when captured."""
        if self._stderr is not None:
            return self._stderr
        process = self.process
        if process.poll() is None:
            try:
                self.frames.write("q\n")
                self.frames.flush()
            except OSError:
                pass
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        err = process.stderr.read() if process.stderr else ""
        for stream in (self.frames, self.answers, process.stdin, process.stdout, process.stderr):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        self._flash.cleanup()
        self._stderr = err
        return err

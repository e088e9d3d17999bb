# Runs a trace of control-core steps and returns every output and state value.
# The same file runs under CPython (imported by the tests) and under the
# MicroPython unix port (stdin: JSON spec, stdout: JSON trace), so the
# differential test compares the two interpreters on identical inputs.
#
# A spec is {"block": NAME, "config": {...}, "steps": [[op, args...], ...]}.

import json
import sys

from core.cascade import Cascade
from core.climate import Climate
from core.crops import PROFILES
from core.onoff import TwoPosition
from core.pid import PID
from core.slow_pwm import SlowPWM
from core.split_range import SplitRange
from core.three_point import ThreePointValve


def _pid_state(pid):
    return [pid.out, pid.p, pid.i, pid.d, pid.saturation, pid._integral.frac_u, pid._pv_filtered.value]


def _make_pid(config, num):
    args = {}
    for key in config:
        value = config[key]
        args[key] = value if isinstance(value, bool) else num(value)
    return PID(**args)


def _pid_op(pid, step, num):
    op = step[0]
    if op == "u":
        pid.update(num(step[1]), num(step[2]), num(step[3]), num(step[4]))
        return _pid_state(pid)
    if op == "m":
        pid.set_manual(num(step[1]))
    elif op == "a":
        pid.set_auto()
    elif op == "h":
        pid.set_hold()
    elif op == "t":
        pid.set_track(num(step[1]))
    elif op == "g":
        pid.set_gains(num(step[1]), num(step[2]), num(step[3]))
        return _pid_state(pid)
    elif op == "b":
        pid.block_up = bool(step[1])
        pid.block_down = bool(step[2])
    return None


def _climate_step(climate, step, num):
    inp = climate.inputs
    names = ("air_c", "rh_pct", "supply_c", "radiation_w_m2", "outdoor_c")
    for index in range(len(names)):
        value = step[3 + index]
        setattr(inp, names[index], None if value is None else num(value))
    inp.heat_pump_running = bool(step[8])
    inp.mine_flow_ok = bool(step[9])
    out = climate.tick(num(step[1]), num(step[2]))
    return [
        out.heat_valve, out.cool_valve, out.vent, out.screen, out.heat_pump_on, out.heat_pump_cooling,
        out.alarms, out.supply_setpoint_c, climate.air_loop.i, climate.supply_loop.i, out.fog, out.vpd_kpa,
    ]  # fmt: skip


def run(spec, num=int):
    """Returns the list of states after each step that produces one."""
    block = spec["block"]
    config = spec.get("config", {})
    trace = []
    if block == "pid":
        target = _make_pid(config, num)
    elif block == "cascade":
        outer = _make_pid(config["outer"], num)
        inner = _make_pid(config["inner"], num)
        target = Cascade(outer, inner, num(config["sp_min"]), num(config["sp_max"]))
    elif block == "split":
        target = SplitRange(*[num(x) for x in config["args"]])
    elif block == "two_position":
        target = TwoPosition(*[num(x) for x in config["args"]])
    elif block == "slow_pwm":
        target = SlowPWM(*[num(x) for x in config["args"]])
    elif block == "three_point":
        target = ThreePointValve(*[num(x) for x in config["args"]])
    elif block == "climate":
        target = Climate(PROFILES[config["crop"]], **config.get("options", {}))
    else:
        raise ValueError("unknown block %r" % block)
    for step in spec["steps"]:
        state = None
        if block == "pid":
            state = _pid_op(target, step, num)
        elif block == "cascade":
            if step[0] == "u":
                target.update(num(step[1]), num(step[2]), num(step[3]), num(step[4]))
                state = [target.inner_setpoint] + _pid_state(target.outer) + _pid_state(target.inner)
            elif step[0] == "im":
                target.inner.set_manual(num(step[1]))
            elif step[0] == "ia":
                target.inner.set_auto()
        elif block == "split":
            target.update(num(step[1]))
            state = [target.heat, target.cool]
        elif block == "two_position":
            state = [int(target.update(num(step[1]), num(step[2]), num(step[3]))), target.timer.elapsed_ms]
        elif block == "slow_pwm":
            state = [int(target.update(num(step[1]), num(step[2]))), target._carry_ms, target._phase_ms]
        elif block == "three_point":
            command = target.update(num(step[1]), num(step[2]))
            state = [command, target.position_ms, target.position, int(target.synced)]
        elif block == "climate":
            state = _climate_step(target, step, num)
        if state is not None:
            trace.append([int(x) for x in state])
    return trace


def main():
    specs = json.loads(sys.stdin.read())
    print(json.dumps([run(spec) for spec in specs]))


if __name__ == "__main__":
    main()

# Runs under the MicroPython unix port (started by tools/bench.py): time and
# heap bytes per update of the core's PID and of simple-pid 2.0.1, with the
# same gains and the same measurement trace, of the core's other blocks, and
# of one full climate tick.  Prints one JSON object.

import gc
import json
import sys
import time

from simple_pid import PID as SimplePID

from core.cascade import Cascade
from core.climate import Climate
from core.crops import ROSE
from core.pid import PID
from core.three_point import ThreePointValve

CALLS = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 7
# The same loop for both: kp 2.5 %/K, ki 0.05 %/(K s), kd 10 %s/K, 0..100 %, 10 s steps.
KP, KI, KD, DT_S, SETPOINT = 2.5, 0.05, 10.0, 10.0, 20.0
TRACE_C = [SETPOINT - 3.0 + (k % 61) * 0.1 for k in range(CALLS)]
TRACE_MC = [int(t * 1000 + 0.5) for t in TRACE_C]


def core_pid():
    pid = PID(kp_m=2500, ki_m=50, kd_m=10000, out_min=0, out_max=100000)

    def step(k):
        pid.update(20000, TRACE_MC[k], 10000)

    return step


def simple_pid():
    pid = SimplePID(KP, KI, KD, setpoint=SETPOINT, sample_time=None, output_limits=(0, 100))

    def step(k):
        pid(TRACE_C[k], dt=DT_S)

    return step


def core_cascade():
    outer = PID(kp_m=4000, ki_m=20)
    inner = PID(kp_m=3000, ki_m=100, kd_m=5000, tf_ms=20000)
    cascade = Cascade(outer, inner, 20000, 50000)

    def step(k):
        cascade.update(20000, TRACE_MC[k], 35000, 10000)

    return step


def core_three_point():
    valve = ThreePointValve(120000, 1000)

    def step(k):
        valve.update((k // 50 % 5) * 25000, 250)

    return step


def control_tick():
    # One full climate tick of a rose house on a winter morning: every loop,
    # sequence, override, the screen, fog and both air sensors run; the readings move each call.
    climate = Climate(ROSE, fog=True, air_sensors=2)
    inp = climate.inputs
    inp.rh_pct = 50000  # dry: the fog loop and the VPD run
    inp.outdoor_rh_pct = 70000
    inp.supply_c = 35000
    inp.outdoor_c = -5000
    inp.heat_pump_running = True

    def step(k):
        inp.air_c = TRACE_MC[k]
        inp.air2_c = TRACE_MC[k] + 100
        inp.radiation_w_m2 = k % 200
        climate.tick(25200000 + k * 10000 % 3600000, 10000)

    return step


def bytes_per_call(step):
    step(0)
    gc.collect()
    gc.disable()
    before = gc.mem_alloc()
    for k in range(CALLS):
        step(k)
    used = gc.mem_alloc() - before
    gc.enable()
    return used / CALLS


def us_per_call(step):
    # Median of several rounds, gc enabled as on a node (collections count).
    rounds = []
    for _ in range(ROUNDS):
        gc.collect()
        start = time.ticks_us()
        for k in range(CALLS):
            step(k)
        rounds.append(time.ticks_diff(time.ticks_us(), start) / CALLS)
    rounds.sort()
    return rounds[len(rounds) // 2]


def main():
    results = {}
    for name, make in (
        ("pid_update", core_pid),
        ("simple_pid_update", simple_pid),
        ("cascade_update", core_cascade),
        ("three_point_update", core_three_point),
        ("control_tick", control_tick),
    ):
        results[name + "_bytes"] = bytes_per_call(make())
        results[name + "_us"] = us_per_call(make())
    results["calls"] = CALLS
    results["rounds"] = ROUNDS
    print(json.dumps(results))


main()

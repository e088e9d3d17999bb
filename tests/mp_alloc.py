# Heap bytes allocated per step by each control-core block, measured under
# MicroPython with gc disabled (gc.mem_alloc() deltas).  Prints JSON.

import gc
import json

from core.cascade import Cascade
from core.climate import Climate
from core.crops import ROSE
from core.onoff import TwoPosition
from core.pid import PID
from core.slow_pwm import SlowPWM
from core.split_range import SplitRange
from core.three_point import ThreePointValve

STEPS = 2000


def pid_step(pid, k):
    pid.update(20000, 18000 + (k % 7) * 500, 1000 + k % 3, k % 5)


def cascade_step(cascade, k):
    cascade.update(20000, 18000 + (k % 11) * 300, 30000 + (k % 13) * 700, 10000)


def split_step(split, k):
    split.update((k % 41) * 5000 - 100000)


def two_position_step(two_position, k):
    two_position.update(20000, 19000 + (k % 9) * 250, 1000)


def slow_pwm_step(pwm, k):
    pwm.update((k % 17) * 6000, 100 + k % 4)


def three_point_step(valve, k):
    valve.update((k // 50 % 5) * 25000, 250)


def float_step(box, k):
    box[0] = box[0] * 0.5 + k  # a float result is a heap object: must show


def climate_step(climate, k):
    inp = climate.inputs
    inp.air_c = None if k % 97 == 0 else 15000 + (k % 23) * 700
    inp.air2_c = None if k % 41 == 0 else 15200 + (k % 23) * 700
    inp.rh_pct = 40000 + (k % 31) * 2000  # dry (fog) to wet (dehumidifying)
    inp.outdoor_rh_pct = None if k % 43 == 0 else 50000 + (k % 17) * 3000
    inp.supply_c = None if k % 89 == 0 else 30000 + (k % 19) * 500
    inp.radiation_w_m2 = (k % 11) * 80
    inp.outdoor_c = (k % 29) * 1500 - 20000  # -20..22 degC: cold mornings pre-heat
    inp.heat_pump_running = k % 3 != 0
    inp.mine_flow_ok = k % 53 != 0
    climate.tick((k * 50000) % 86400000, 10000)  # the steps sweep a whole day: night, morning, afternoon


def measure(block, step, steps=STEPS):
    for k in range(200):  # warm up: first-call paths, coefficient caches
        step(block, k)
    gc.collect()
    gc.disable()
    before = gc.mem_alloc()
    k = 0
    while k < steps:
        step(block, k)
        k += 1
    used = gc.mem_alloc() - before
    gc.enable()
    return used / steps


def main():
    outer = PID(kp_m=4000, ki_m=20, out_min=20000, out_max=50000)
    inner = PID(kp_m=3000, ki_m=100, kd_m=5000, tf_ms=20000, rate_per_s=2000)
    results = {
        "pid": measure(
            PID(kp_m=5000, ki_m=50, kd_m=3000, tf_ms=5000, rate_per_s=5000, deadband=100), pid_step
        ),
        "cascade": measure(Cascade(outer, inner, 20000, 50000), cascade_step),
        "split_range": measure(SplitRange(), split_step),
        "two_position": measure(TwoPosition(500, 500, 3000, 3000), two_position_step),
        "slow_pwm": measure(SlowPWM(10000, 500), slow_pwm_step),
        "three_point": measure(ThreePointValve(60000, 500), three_point_step),
        "climate": measure(Climate(ROSE, reverse=True, fog=True, air_sensors=2), climate_step),
    }
    results["float_control"] = measure([0.0], float_step, 100)
    print(json.dumps(results))


main()

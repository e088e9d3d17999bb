"""Closed-loop sanity on a first-order-plus-dead-time plant.

Plant: 0.2 degC per % of valve, time constant 600 s, dead time 60 s, the
shape of a small greenhouse heating circuit.  SIMC tuning with tau_c = theta:
kp = tau / (K * 2 theta) = 25 %/degC, Ti = min(tau, 8 theta) = 480 s.
"""

from simple_pid import PID as SimplePID

import host_sim  # noqa: F401  (puts firmware/ on the path)
from core.fixed import FULL_SCALE, MILLI
from core.pid import PID
from host_sim.fopdt import FirstOrderDeadTime

GAIN, TAU_S, THETA_S, DT_S = 0.2, 600.0, 60.0, 10.0
KP = TAU_S / (GAIN * 2 * THETA_S)
KI = KP / min(TAU_S, 8 * THETA_S)
BASE_C = 15.0


def run_loop(controller, setpoint_c, duration_s, disturbance=None):
    plant = FirstOrderDeadTime(GAIN, TAU_S, THETA_S, DT_S)
    temps = []
    valve_pct = 0.0
    for k in range(int(duration_s / DT_S)):
        load_pct = disturbance(k * DT_S) if disturbance else 0.0
        temp_c = BASE_C + plant.step(valve_pct + load_pct)
        temps.append(temp_c)
        valve_pct = controller(setpoint_c, temp_c)
    return temps


def fixed_point_pid():
    pid = PID(kp_m=round(KP * MILLI), ki_m=round(KI * MILLI), out_min=0, out_max=FULL_SCALE)

    def control(setpoint_c, temp_c):
        return pid.update(round(setpoint_c * MILLI), round(temp_c * MILLI), round(DT_S * MILLI)) / MILLI

    return control


def settling_time_s(temps, setpoint_c, band_c):
    outside = [k for k, t in enumerate(temps) if abs(t - setpoint_c) > band_c]
    return (outside[-1] + 1) * DT_S if outside else 0.0


def test_setpoint_step_settles_in_25_minutes_without_overshoot():
    setpoint_c = 20.0  # a 5 K step: the valve saturates at first
    temps = run_loop(fixed_point_pid(), setpoint_c, 2 * 3600)
    overshoot_pct = (max(temps) - setpoint_c) / (setpoint_c - BASE_C) * 100
    assert overshoot_pct <= 5.0
    assert settling_time_s(temps, setpoint_c, 0.02 * (setpoint_c - BASE_C)) <= 25 * 60
    assert abs(temps[-1] - setpoint_c) < 0.005


def test_disturbance_is_rejected():
    # At t = 1 h a cold front takes 10 % of valve worth of heat (2 K if uncontrolled).
    def cold_front(t_s):
        return -10.0 if t_s >= 3600 else 0.0

    temps = run_loop(fixed_point_pid(), 18.0, 3 * 3600, cold_front)
    after = temps[int(3600 / DT_S) :]
    assert min(after) > 18.0 - 2.0 * 0.25  # held to a quarter of the open-loop drop
    assert settling_time_s(after, 18.0, 0.1) <= 20 * 60
    assert abs(temps[-1] - 18.0) < 0.01


def test_matches_a_floating_point_reference_pid():
    # Without saturation the fixed-point PID must follow simple-pid's float PID.
    reference = SimplePID(KP, KI, 0.0, setpoint=18.0, sample_time=None, output_limits=(0, 100))

    def float_control(setpoint_c, temp_c):
        return reference(temp_c, dt=DT_S)

    ours = run_loop(fixed_point_pid(), 18.0, 3600)
    theirs = run_loop(float_control, 18.0, 3600)
    assert max(abs(a - b) for a, b in zip(ours, theirs, strict=True)) < 0.01

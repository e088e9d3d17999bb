# PID controller in fixed point (scales in core/fixed.py).
#
# Parallel form, output = P + I + D + feed-forward, with
#   P = kp * (b * setpoint - measurement)      setpoint weighting, b per-mille
#   I = sum of ki * error * dt                 exact, remainders carried
#   D = -kd * d(filtered measurement)/dt       derivative on measurement,
#                                              first-order filter, time tf_ms
# Anti-windup by clamped integration: the integral moves only toward the
# active output limit, never past it, so it cannot run away while the output
# is saturated or rate limited, and recovery starts on the first step the
# error turns.  Manual, hold and track modes keep the integral at
# output - P - D - ff, so the return to auto is bumpless; a gain change moves
# the difference of the old and new P and D into the integral, so it is
# bumpless too.  update() allocates nothing on MicroPython.

from core.fixed import (
    DT_MAX_MS,
    FULL_SCALE,
    GAIN_MAX,
    GAIN_STEP_MAX_U,
    INTEGRAL_MAX,
    MICRO,
    MILLI,
    SIGNAL_MAX,
    TERM_MAX,
    TIME_MAX_MS,
    Accumulator,
    check_range,
    clamp,
    const,
    div_micro,
    mul_micro,
    muldiv,
)

AUTO = const(0)
MANUAL = const(1)
HOLD = const(2)  # output frozen at its last value
TRACK = const(3)  # output follows an external value (override, other loop)
MODE_NAMES = ("auto", "manual", "hold", "track")


class PID:
    def __init__(
        self,
        kp_m=0,
        ki_m=0,
        kd_m=0,
        out_min=0,
        out_max=FULL_SCALE,
        setpoint_weight_pm=MILLI,
        deadband=0,
        rate_per_s=0,
        tf_ms=0,
        direct=False,
    ) -> None:
        self.kp_m = 0
        self.ki_m = 0
        self.kd_m = 0
        self.out_min = 0
        self.out_max = 0
        self.setpoint_weight_pm = MILLI
        self.deadband = 0
        self.rate_per_s = 0  # output change limit, counts/s; 0: none
        self.tf_ms = 0
        self.sign = 1  # +1: output rises when measurement < setpoint (heating)
        self.mode = AUTO
        self.manual_value = 0
        self.track_value = 0
        # Set by the caller before update(): a downstream block is saturated,
        # so the integral must not push the output further that way (cascade).
        self.block_up = False
        self.block_down = False
        # Terms of the last update, for status and tuning.
        self.p = 0
        self.i = 0
        self.d = 0
        self.ff = 0
        self.out = 0
        self.saturation = 0  # +1 at the high limit, -1 at the low one, 0 free
        self._integral = Accumulator()
        self._pv_filtered = Accumulator()
        self._started = False
        self._last_error_p = 0
        self._last_pv_step = 0
        # Per-step coefficients, recomputed when dt_ms or a parameter changes.
        self._dt_ms = 0
        self._kp_u = 0
        self._ki_step_u = 0
        self._kd_step_u = 0
        self._filter_u = MICRO
        self._rate_step = 0
        self.set_limits(out_min, out_max)
        self.set_tuning(setpoint_weight_pm, deadband, rate_per_s, tf_ms, direct)
        self.set_gains(kp_m, ki_m, kd_m)
        self.out = clamp(0, self.out_min, self.out_max)

    # -- configuration (validated; a bad value raises and changes nothing) --

    def set_gains(self, kp_m, ki_m, kd_m):
        check_range("kp_m", kp_m, 0, GAIN_MAX)
        check_range("ki_m", ki_m, 0, GAIN_MAX)
        check_range("kd_m", kd_m, 0, GAIN_MAX)
        p_before = self.p
        d_before = self.d
        self.kp_m = kp_m
        self.ki_m = ki_m
        self.kd_m = kd_m
        self._coefficients(self._dt_ms)
        if self._started:
            # Bumpless: the same inputs must give the same output as before.
            self.p = clamp(mul_micro(self._last_error_p, self._kp_u), -TERM_MAX, TERM_MAX)
            self.d = self._derivative(self._last_pv_step)
            self._shift_integral(p_before + d_before - self.p - self.d)

    def set_limits(self, out_min, out_max):
        check_range("out_min", out_min, -SIGNAL_MAX, SIGNAL_MAX)
        check_range("out_max", out_max, out_min, SIGNAL_MAX)
        self.out_min = out_min
        self.out_max = out_max
        self.out = clamp(self.out, out_min, out_max)

    def set_tuning(self, setpoint_weight_pm, deadband, rate_per_s, tf_ms, direct):
        check_range("setpoint_weight_pm", setpoint_weight_pm, 0, MILLI)
        check_range("deadband", deadband, 0, SIGNAL_MAX)
        check_range("rate_per_s", rate_per_s, 0, SIGNAL_MAX)
        check_range("tf_ms", tf_ms, 0, TIME_MAX_MS - DT_MAX_MS)
        self.setpoint_weight_pm = setpoint_weight_pm
        self.deadband = deadband
        self.rate_per_s = rate_per_s
        self.tf_ms = tf_ms
        self.sign = -1 if direct else 1
        self._coefficients(self._dt_ms)

    # -- modes --

    def set_manual(self, value):
        check_range("manual value", value, -SIGNAL_MAX, SIGNAL_MAX)
        self.manual_value = value
        self.mode = MANUAL

    def set_hold(self):
        self.mode = HOLD

    def set_track(self, value):
        check_range("track value", value, -SIGNAL_MAX, SIGNAL_MAX)
        self.track_value = value
        self.mode = TRACK

    def set_auto(self):
        self.mode = AUTO

    def start_from(self, value):
        """The output the first update starts from (bumplessly), instead of the
        low limit: e.g. a heating curve's value, so a fresh node does not
        begin with cold water and wait for the integral."""
        if not self._started:  # (called every step by some callers: cheap after the first)
            check_range("start value", value, -SIGNAL_MAX, SIGNAL_MAX)
            self.out = clamp(value, self.out_min, self.out_max)

    # -- the control step --

    def update(self, setpoint: int, measurement: int, dt_ms: int, ff: int = 0) -> int:
        """One control step; returns the output (signal counts)."""
        # Inline clamps and skipped zero terms: this is the hot path on the node.
        if setpoint > SIGNAL_MAX or setpoint < -SIGNAL_MAX:
            setpoint = clamp(setpoint, -SIGNAL_MAX, SIGNAL_MAX)
        if measurement > SIGNAL_MAX or measurement < -SIGNAL_MAX:
            measurement = clamp(measurement, -SIGNAL_MAX, SIGNAL_MAX)
        if dt_ms != self._dt_ms:
            dt_ms = clamp(dt_ms, 1, DT_MAX_MS)
            if dt_ms != self._dt_ms:
                self._coefficients(dt_ms)
        if ff > SIGNAL_MAX or ff < -SIGNAL_MAX:
            ff = clamp(ff, -SIGNAL_MAX, SIGNAL_MAX)
        self.ff = ff
        sign = self.sign

        error = clamp(sign * (setpoint - measurement), -SIGNAL_MAX, SIGNAL_MAX)
        if self.setpoint_weight_pm != MILLI:
            setpoint = setpoint * self.setpoint_weight_pm // MILLI
        error_p = clamp(sign * (setpoint - measurement), -SIGNAL_MAX, SIGNAL_MAX)
        if self.deadband:
            error = self._gap(error)
            error_p = self._gap(error_p)

        pv_filtered = self._pv_filtered
        if not self._started:
            pv_filtered.reset(measurement)
            self._integral.reset(clamp(self.out - ff, -INTEGRAL_MAX, INTEGRAL_MAX))
            self._started = True
        pv_before = pv_filtered.value
        pv_change = clamp(measurement - pv_before, -SIGNAL_MAX, SIGNAL_MAX)
        if self._filter_u == MICRO:
            pv_filtered.value = pv_before + pv_change  # no filter: exactly what add_product gives
        else:
            pv_filtered.add_product(pv_change, self._filter_u)
        pv_step = clamp(pv_filtered.value - pv_before, -SIGNAL_MAX, SIGNAL_MAX)
        self._last_pv_step = pv_step
        self._last_error_p = error_p
        self.p = clamp(mul_micro(error_p, self._kp_u), -TERM_MAX, TERM_MAX)
        self.d = self._derivative(pv_step) if self._kd_step_u else 0
        fixed = self.p + self.d + ff

        mode = self.mode
        if mode != AUTO:
            if mode == MANUAL:
                out = clamp(self.manual_value, self.out_min, self.out_max)
            elif mode == TRACK:
                out = clamp(self.track_value, self.out_min, self.out_max)
            else:
                out = clamp(self.out, self.out_min, self.out_max)
            self._integral.reset(clamp(out - fixed, -INTEGRAL_MAX, INTEGRAL_MAX))
            self.i = self._integral.value
            self.saturation = 0
            self.out = out
            return out

        # The limits this step: output limits, narrowed by the rate limit.
        high = self.out_max
        low = self.out_min
        if self._rate_step:
            high = min(high, self.out + self._rate_step)
            low = max(low, self.out - self._rate_step)
            if high < low:  # limits moved under a rate-limited output
                high = low = clamp(self.out, self.out_min, self.out_max)

        # Clamped integration: move only toward the active limit, never past
        # it, and not at all in a direction a downstream block has blocked.
        integral = self._integral
        before = integral.value
        step = integral.add_product(error, self._ki_step_u) if self._ki_step_u else 0
        if step > 0 and (self.block_up or integral.value > high - fixed):
            integral.reset(before if self.block_up else max(before, high - fixed))
        elif step < 0 and (self.block_down or integral.value < low - fixed):
            integral.reset(before if self.block_down else min(before, low - fixed))
        if integral.value > INTEGRAL_MAX or integral.value < -INTEGRAL_MAX:
            integral.reset(clamp(integral.value, -INTEGRAL_MAX, INTEGRAL_MAX))
        self.i = integral.value

        total = fixed + self.i
        if total > high:
            out = high
            self.saturation = 1
        elif total < low:
            out = low
            self.saturation = -1
        else:
            out = total
            self.saturation = 0
        self.out = out
        return out

    # -- internals --

    def _gap(self, error: int) -> int:
        # Deadband as a gap: zero inside, continuous at the edges (no bump).
        band = self.deadband
        if error > band:
            return error - band
        if error < -band:
            return error + band
        return 0

    def _derivative(self, pv_step: int) -> int:
        return clamp(-self.sign * mul_micro(pv_step, self._kd_step_u), -TERM_MAX, TERM_MAX)

    def _shift_integral(self, amount):
        self._integral.reset(clamp(self._integral.value + amount, -INTEGRAL_MAX, INTEGRAL_MAX))
        self.i = self._integral.value

    def _coefficients(self, dt_ms):
        if dt_ms <= 0:
            dt_ms = MILLI
        self._dt_ms = dt_ms
        self._kp_u = self.kp_m * MILLI
        # ki * dt: ki_m [1e-3 /s] * dt_ms [1e-3 s] -> micro per step.
        self._ki_step_u = min(self.ki_m, GAIN_STEP_MAX_U // dt_ms) * dt_ms
        # kd / dt: kd_m [1e-3 s] / dt_ms [1e-3 s] -> micro per step.
        self._kd_step_u = min(div_micro(self.kd_m, dt_ms), GAIN_STEP_MAX_U)
        # First-order filter coefficient dt / (tf + dt), micro.
        self._filter_u = div_micro(dt_ms, self.tf_ms + dt_ms)
        # Rate limit as counts per step: rate_per_s * dt_ms / 1000.
        self._rate_step = muldiv(self.rate_per_s, dt_ms, MILLI) if self.rate_per_s else 0

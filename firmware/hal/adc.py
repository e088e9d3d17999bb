# An analogue input (pyranometer, substrate probe, EC, pH) read with
# ADC.read_uv() (ESP32 MicroPython v1.20+: factory-calibrated microvolts),
# averaged over a few samples and mapped linearly through two calibration
# points to the core's scale:
#
#   radiation = Analog(ADC(Pin(36), atten=ADC.ATTN_11DB),
#                      480000, 0, 2400000, 2000,      # 4-20 mA on 120 ohm -> 0..2000 W/m2
#                      low=-100, high=2500)
#   radiation_w_m2 = radiation.read()                 # or None
#
# A value outside low..high is an open or shorted wire (a 4-20 mA loop open
# reads 0 V, far below the 4 mA point): None, counted as "range".  An error
# from the ADC is None, counted as "bus".  Values in between are returned as
# they are (a pyranometer may read -5 W/m2 at night): the caller clamps.
#
# The arithmetic: microvolts are taken in 10 uV steps (the ADC's own step is
# about 800 uV) so that core.fixed.muldiv maps them exactly, floored, with no
# product reaching 2**30.

from core.fixed import MICRO, SIGNAL_MAX, check_range, const, muldiv
from hal.fault import Fault

UV_MAX = const(5000000)  # beyond any ESP32 ADC range
_UV_STEP = const(10)
SAMPLES_MAX = const(64)  # 64 * UV_MAX stays below 2**30


class Analog(Fault):
    def __init__(self, adc, uv_a, value_a, uv_b, value_b, low, high, samples=8):
        """Reading uv_a microvolts means value_a, uv_b means value_b (the
        core's integer scale); None outside low..high."""
        super().__init__()
        check_range("uv_a", uv_a, 0, UV_MAX)
        check_range("uv_b", uv_b, 0, UV_MAX)
        check_range("value_a", value_a, -SIGNAL_MAX, SIGNAL_MAX)
        check_range("value_b", value_b, value_a - MICRO, value_a + MICRO)
        check_range("low", low, -SIGNAL_MAX, SIGNAL_MAX)
        check_range("high", high, low, SIGNAL_MAX)
        check_range("samples", samples, 1, SAMPLES_MAX)
        steps = uv_b // _UV_STEP - uv_a // _UV_STEP
        if steps == 0:
            raise ValueError("uv_a and uv_b must be %d uV apart or more, got %d, %d" % (_UV_STEP, uv_a, uv_b))
        delta = value_b - value_a
        if steps < 0:  # muldiv wants a positive divisor
            steps = -steps
            delta = -delta
        self._sign = -1 if delta < 0 else 1  # and a non-negative multiplier
        self.adc = adc
        self.samples = samples
        self.low = low
        self.high = high
        self._origin = uv_a // _UV_STEP
        self._value_a = value_a
        self._delta = delta * self._sign
        self._steps = steps
        self.uv = None  # the last average, for commissioning

    def value(self, uv):
        """uv microvolts (0..UV_MAX) on the calibration line, floored."""
        x = (uv // _UV_STEP - self._origin) * self._sign
        return self._value_a + muldiv(x, self._delta, self._steps)

    def read(self):
        """The averaged reading in the core's scale, or None.  Never raises."""
        n = self.samples
        adc = self.adc
        total = 0
        try:
            for _ in range(n):
                total += adc.read_uv()
        except Exception:
            return self.fail("bus")
        uv = total // n
        if uv < 0 or uv > UV_MAX:
            return self.fail("range")
        self.uv = uv
        value = self.value(uv)
        if value < self.low or value > self.high:
            return self.fail("range")
        return value

# Fixed-point arithmetic of the control core: every scale and bound lives here.
#
# Why integers: on the ESP32 a float is single precision and a heap object,
# while a small int (|x| < 2**30) is exact, allocates nothing and behaves the
# same on CPython, the MicroPython unix port and the ESP32.  So every quantity
# in the core is an int, and every intermediate value stays below 2**30.
#
# Scales (the only ones used by the core):
#   signal    milli-units of the loop's own unit: 21.5 degC -> 21500,
#             37.25 % -> 37250.  |signal| <= SIGNAL_MAX (1000 units).  A larger
#             quantity is passed in a larger unit (radiation in kW/m2 -> its
#             milli value is W/m2; CO2 in 1000 ppm -> its milli value is ppm).
#   percent   valve and duty signals are signals in %: 100 % = FULL_SCALE.
#   time      milliseconds; one control step dt_ms is 1..DT_MAX_MS.
#   gain      user gains are milli: kp_m = 2500 is 2.5 output units per input
#             unit; ki_m per second; kd_m times seconds; 0..GAIN_MAX.
#   fraction  per-step gains and ratios are micro (1e-6): a PID's ki * dt
#             and kd / dt are 0..GAIN_STEP_MAX_U, filter ratios 0..MICRO.
#   weight    setpoint weight b in per-mille: 0..MILLI.
#
# The helpers below multiply and divide such numbers exactly (floor rounding,
# as Python's // on every interpreter) by splitting operands into decimal
# limbs so that no partial product reaches 2**30.

try:
    from micropython import const
except ImportError:  # CPython

    def const(value: int) -> int:
        return value


MILLI = const(1000)  # signal counts per unit; gain counts per unit
MICRO = const(1000000)  # micro counts per unit (per-step gains, ratios)
SIGNAL_MAX = const(1000000)  # |signal| <= 1000.000 units
FULL_SCALE = const(100000)  # 100.000 % in milli-percent
GAIN_MAX = const(1000000)  # user gains 0..1000.000
GAIN_U_MAX = const(1000000000)  # mul_micro's gain range: 0..1000.000000
GAIN_STEP_MAX_U = const(500000000)  # a PID's ki*dt and kd/dt: 0..500 per step
TERM_MAX = const(4000000)  # |P|, |D| of a PID: 4 * SIGNAL_MAX
INTEGRAL_MAX = const(10000000)  # |I|: balances any output against saturated P and D (bumpless)
DT_MAX_MS = const(60000)  # longest control step taken as one step
TIME_MAX_MS = const(1000000)  # time constants, travel and periods: 0..1000 s
MULDIV_MAX = const(500000000)  # muldiv saturates here
SMALL_INT_MAX = const(1073741823)  # 2**30 - 1: MicroPython's small-int limit


def clamp(value: int, low: int, high: int) -> int:
    if value < low:
        return low
    if value > high:
        return high
    return value


def check_range(name, value, low, high):
    """Refuse a parameter outside low..high with an error naming it."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("%s must be an integer in %d..%d, got %r" % (name, low, high, value))
    if value < low or value > high:
        raise ValueError("%s must be in %d..%d, got %d" % (name, low, high, value))
    return value


def muldiv(a: int, b: int, c: int) -> int:
    """floor(a * b / c) for |a| <= SIGNAL_MAX, 0 <= b <= MICRO, 0 < c <= MICRO.

    b is split as b_hi * 1000 + b_lo; each partial product and remainder
    stays below about 1e9.  The result saturates at +-MULDIV_MAX.
    """
    b_hi = b // MILLI
    b_lo = b - b_hi * MILLI
    q1 = a * b_hi // c
    r1 = a * b_hi - q1 * c  # 0 <= r1 < c
    if q1 > MULDIV_MAX // MILLI:
        return MULDIV_MAX
    if q1 < -(MULDIV_MAX // MILLI):
        return -MULDIV_MAX
    q2 = r1 * MILLI // c
    r2 = r1 * MILLI - q2 * c
    q3 = (r2 + a * b_lo) // c
    if q3 > MULDIV_MAX:
        return MULDIV_MAX
    if q3 < -MULDIV_MAX:
        return -MULDIV_MAX
    return clamp(q1 * MILLI + q2 + q3, -MULDIV_MAX, MULDIV_MAX)


def div_micro(num: int, den: int) -> int:
    """num / den as a micro fraction: floor(num * 1e6 / den), saturating."""
    return muldiv(num, MICRO, den)


def mul_micro(x: int, gain_u: int) -> int:
    """floor(x * gain_u / 1e6) for |x| <= SIGNAL_MAX, 0 <= gain_u <= GAIN_U_MAX.

    gain_u is split into three decimal limbs (units, milli, micro); each
    partial product is at most 1e9, and the remainders are summed before the
    last division so the result is the exact floor.
    """
    g_units = gain_u // MICRO
    rest = gain_u - g_units * MICRO
    g_milli = rest // MILLI
    part_milli = x * g_milli
    frac = (part_milli % MILLI) * MILLI + x * (rest - g_milli * MILLI)
    return x * g_units + part_milli // MILLI + frac // MICRO


class Accumulator:
    """An integer sum with an exact micro remainder, so that many small
    increments (a slow integral, a long filter) are never rounded away."""

    def __init__(self, value: int = 0) -> None:
        self.value = value
        self.frac_u = 0  # 0..MICRO-1, in millionths of one count

    def reset(self, value: int) -> None:
        self.value = value
        self.frac_u = 0

    def add_product(self, x: int, gain_u: int) -> int:
        """value += x * gain_u / 1e6 exactly; returns the whole counts added.

        Same limbs as mul_micro; the remainders are carried, not dropped.
        """
        g_units = gain_u // MICRO
        rest = gain_u - g_units * MICRO
        g_milli = rest // MILLI
        g_micro = rest - g_milli * MILLI
        part_milli = x * g_milli
        part_micro = x * g_micro
        whole = x * g_units + part_milli // MILLI + part_micro // MICRO
        frac = (part_milli % MILLI) * MILLI + part_micro % MICRO + self.frac_u
        whole += frac // MICRO
        self.frac_u = frac % MICRO
        self.value += whole
        return whole

# A pulse counter for flow meters, anemometers and tipping buckets: a Pin
# interrupt on the falling edge counts pulses, with a debounce for reed
# contacts.
#
#   flow = PulseCounter(Pin(35, Pin.IN), debounce_us=0)
#   bucket = PulseCounter(Pin(14, Pin.IN, Pin.PULL_UP), debounce_us=20000)
#   n = flow.take()                                  # pulses since the last take()
#   flow_l_min = rate(n, interval_ms, 10, PER_MINUTE)  # 0.01 L a pulse -> milli-L/min
#   wind_m_s = rate(n, interval_ms, 667, PER_SECOND)   # 1.5 Hz per m/s -> milli-m/s
#
# The handler allocates nothing (small ints and attribute stores only), so it
# runs as a hard interrupt (hard=True, the default) where the port allows it.
#
# take() needs no disable_irq(): the handler only ever increments count
# (modulo 2**30, so it stays a small int), and take() reads count once and
# returns its difference from the count at the previous take().  A pulse
# landing during take() is counted now or next time, never lost or counted
# twice, whether the handler is hard or scheduled (soft), and no other
# interrupt is held off.
#
# On the ESP32, machine.Counter (documented for the ESP32 in MicroPython
# v1.28, on the PCNT hardware, with a filter_ns glitch filter) counts without
# any interrupt; this Pin.irq version runs on every port and under test.

from core.fixed import MICRO, SIGNAL_MAX, const, muldiv

PER_SECOND = const(1000)
PER_MINUTE = const(60000)
_COUNT_MASK = const(0x3FFFFFFF)  # 2**30 - 1: the count wraps before it needs a big int

try:
    from time import ticks_diff, ticks_us
except ImportError:  # CPython: a test passes its own clock
    ticks_us = ticks_diff = None


class PulseCounter:
    def __init__(self, pin, debounce_us=0, hard=True, trigger=None, ticks_us=ticks_us, ticks_diff=ticks_diff):
        """pin: a machine.Pin (input); an edge within debounce_us of the last
        counted one is ignored.  trigger defaults to pin.IRQ_FALLING."""
        if debounce_us and (ticks_us is None or ticks_diff is None):
            raise ValueError("debounce_us needs ticks_us and ticks_diff")
        self.count = 0  # written by the handler only
        self._taken = 0  # count at the last take()
        self._debounce_us = debounce_us
        self._ticks_us = ticks_us
        self._ticks_diff = ticks_diff
        self._last_us = 0
        self._seen = False  # an edge has been counted: _last_us is valid
        if trigger is None:
            trigger = pin.IRQ_FALLING
        pin.irq(handler=self._edge, trigger=trigger, hard=hard)

    def _edge(self, pin):
        if self._debounce_us:
            now = self._ticks_us()
            if self._seen and self._ticks_diff(now, self._last_us) < self._debounce_us:
                return
            self._last_us = now
            self._seen = True
        self.count = (self.count + 1) & _COUNT_MASK

    def take(self):
        """Pulses since the last take() (or since start)."""
        now = self.count  # one read: a later pulse goes to the next take()
        n = (now - self._taken) & _COUNT_MASK
        self._taken = now
        return n


def rate(count, interval_ms, milli_per_pulse, per_ms=PER_MINUTE):
    """count pulses of milli_per_pulse milli-units each over interval_ms, as
    milli-units per per_ms (PER_MINUTE, PER_SECOND), floored; None for an
    interval outside 1..1000000 ms or more than 1000 units in the interval."""
    if interval_ms <= 0 or interval_ms > MICRO or milli_per_pulse <= 0 or count < 0:
        return None
    if count > SIGNAL_MAX // milli_per_pulse:
        return None
    return muldiv(count * milli_per_pulse, per_ms, interval_ms)

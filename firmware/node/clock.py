# Ticks as the ESP32 counts them: milliseconds that wrap at 2**30 (about
# 12.4 days).  The node uses time.ticks_ms/ticks_diff on the ESP32; the
# simulator's virtual clock is this, so the wrap happens there too (the unix
# port's own ticks wrap much later).

from core.fixed import const

TICKS_PERIOD = const(1 << 30)
TICKS_MAX = const((1 << 30) - 1)
TICKS_HALF = const(1 << 29)


def ticks_add(ticks, delta_ms):
    return (ticks + delta_ms) & TICKS_MAX


def ticks_diff(later, earlier):
    """later - earlier in ms, right across a wrap (for gaps under 2**29 ms)."""
    return ((later - earlier + TICKS_HALF) & TICKS_MAX) - TICKS_HALF


class VirtualClock:
    """The simulator's time: advanced by each frame, read like time.ticks_ms."""

    def __init__(self, start_ms=0):
        self._ticks = start_ms & TICKS_MAX

    def ticks_ms(self):
        return self._ticks

    def advance(self, delta_ms):
        self._ticks = ticks_add(self._ticks, delta_ms)

    ticks_add = staticmethod(ticks_add)
    ticks_diff = staticmethod(ticks_diff)

# What the Sensirion SHT3x and SHT4x share: the CRC on every 16-bit word, the
# raw-to-milli-unit conversion in exact integer math, and a two-phase
# measurement (start(), wait, read()) so an asyncio task can wait in between.
#
# read() fills temp_c (milli-degC) and rh_pct (milli-%RH), each None when it
# is missing: a bus error, a bad CRC, a temperature outside the sensor's range
# (-40..125 degC).  One failed read counts one error, whatever went wrong.
# A read() whose start() failed is missing and not counted twice; a read()
# with no start() before it counts as "order".

from core.fixed import MILLI, const
from hal.fault import Fault

RAW_FULL = const(65535)  # the datasheets' 2**16 - 1
T_MIN = const(-40000)  # the specified range, milli-degC
T_MAX = const(125000)
_IDLE = const(0)
_STARTED = const(1)
_START_FAILED = const(2)


def crc8(buf, start, end):
    """Sensirion CRC-8 of buf[start:end]: polynomial 0x31, init 0xFF, no
    reflection, no final XOR.  crc8(b"\\xbe\\xef", 0, 2) == 0x92."""
    crc = 0xFF
    i = start
    while i < end:
        crc ^= buf[i]
        for _ in range(8):
            crc = ((crc << 1) ^ 0x31) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
        i += 1
    return crc


def milli(raw, span, offset):
    """offset + span * raw / 65535 in milli-units, floored, for raw
    0..65535 and whole span and offset: the quotient is split so that no
    product reaches 2**30 (175000 * 65535 would)."""
    whole = raw * span // RAW_FULL
    rest = raw * span - whole * RAW_FULL  # 0..65534
    return (offset + whole) * MILLI + rest * MILLI // RAW_FULL


def temp_c(raw):
    """Both families: T = -45 + 175 * raw / 65535 degC, in milli-degC."""
    return milli(raw, 175, -45)


class Sensirion(Fault):
    """A family sets WAIT_MS, MEASURE, SOFT_RESET (its commands) and _rh()."""

    WAIT_MS = 20  # the longest measurement; subclasses set theirs

    def __init__(self, i2c, address):
        super().__init__()
        self.i2c = i2c
        self.address = address
        self._measure = self.MEASURE
        self._buf = bytearray(6)  # T, CRC, RH, CRC: filled in place
        self._state = _IDLE
        self.temp_c = None
        self.rh_pct = None

    def start(self):
        """Sends the measure command; True when sent.  Read after WAIT_MS."""
        try:
            self.i2c.writeto(self.address, self._measure)
        except Exception:  # OSError: no ACK, bus stuck; the node keeps running
            self._state = _START_FAILED
            self.fail("bus")
            return False
        self._state = _STARTED
        return True

    def read(self):
        """Reads the measurement: True when temp_c and rh_pct are both
        present.  Never raises."""
        self.temp_c = None
        self.rh_pct = None
        state = self._state
        self._state = _IDLE
        if state != _STARTED:
            if state == _IDLE:
                self.fail("order")
            return False
        buf = self._buf
        try:
            self.i2c.readfrom_into(self.address, buf)
        except Exception:  # OSError: a NACK (read too early) or a bus fault
            self.fail("bus")
            return False
        problem = None
        if crc8(buf, 0, 2) != buf[2]:
            problem = "crc"
        else:
            t = temp_c(buf[0] << 8 | buf[1])
            if T_MIN <= t <= T_MAX:
                self.temp_c = t
            else:
                problem = "range"
        if crc8(buf, 3, 5) != buf[5]:
            problem = problem or "crc"
        else:
            self.rh_pct = self._rh(buf[3] << 8 | buf[4])
        if problem:
            self.fail(problem)
            return False
        return True

    def _rh(self, raw):
        raise NotImplementedError

    def reset(self):
        """Soft reset; True when sent (the sensor is ready about 1.5 ms later)."""
        return self._command(self.SOFT_RESET)

    def _command(self, cmd):
        """Writes a command; True when sent."""
        try:
            self.i2c.writeto(self.address, cmd)
        except Exception:
            self.fail("bus")
            return False
        return True

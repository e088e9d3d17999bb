# Sensirion SHT40/41/45 temperature and humidity sensor on I2C.
#
#   sht = SHT4x(machine.I2C(0, sda=Pin(21), scl=Pin(22)))   # 0x44; 0x45, 0x46 by part
#   sht.start(); await asyncio.sleep_ms(sht.WAIT_MS)
#   if sht.read(): air_c, rh_pct = sht.temp_c, sht.rh_pct    # milli-degC, milli-%RH
#
# High repeatability (0xFD, 8.3 ms at most).  RH = -6 + 125 * raw / 65535 %
# is clamped to 0..100 % as the datasheet advises.  Failures: hal/sensirion.py.

from core.fixed import FULL_SCALE, clamp, const
from hal.sensirion import Sensirion, crc8, milli

ADDRESS = const(0x44)
_MEASURE_HIGH = b"\xfd"
_SERIAL = b"\x89"
_SOFT_RESET = b"\x94"
_SERIAL_WAIT_MS = const(10)

try:
    from time import sleep_ms
except ImportError:  # CPython

    def sleep_ms(ms):
        from time import sleep

        sleep(ms / 1000)


def rh_pct(raw):
    """RH = -6 + 125 * raw / 65535 %, clamped to 0..100 %, in milli-%RH."""
    return clamp(milli(raw, 125, -6), 0, FULL_SCALE)


class SHT4x(Sensirion):
    WAIT_MS = 10  # the measurement takes 8.3 ms at most

    MEASURE = _MEASURE_HIGH
    SOFT_RESET = _SOFT_RESET

    def __init__(self, i2c, address=ADDRESS):
        super().__init__(i2c, address)

    def _rh(self, raw):
        return rh_pct(raw)

    def serial(self):
        """The sensor's 32-bit serial number, for commissioning (blocks
        10 ms); None when it cannot be read.  Do not call between start() and
        read()."""
        if not self._command(_SERIAL):
            return None
        sleep_ms(_SERIAL_WAIT_MS)
        buf = bytearray(6)
        try:
            self.i2c.readfrom_into(self.address, buf)
        except Exception:
            return self.fail("bus")
        if crc8(buf, 0, 2) != buf[2] or crc8(buf, 3, 5) != buf[5]:
            return self.fail("crc")
        return (buf[0] << 24) | (buf[1] << 16) | (buf[3] << 8) | buf[4]

# Sensirion SHT30/31/35 temperature and humidity sensor on I2C (0x44, or
# 0x45 with ADDR high).  Same two-phase API as hal/sht4x.py:
#
#   sht = SHT3x(i2c, 0x45)
#   sht.start(); await asyncio.sleep_ms(sht.WAIT_MS)
#   if sht.read(): air_c, rh_pct = sht.temp_c, sht.rh_pct    # milli-degC, milli-%RH
#
# Single shot, high repeatability, no clock stretching (0x2400, 15 ms at
# most): reading before the end is a NACK, an OSError, counted as "bus".
# RH = 100 * raw / 65535 %, always 0..100 %.  Failures: hal/sensirion.py.

from core.fixed import const
from hal.sensirion import Sensirion, milli

ADDRESS = const(0x44)
_MEASURE_HIGH = b"\x24\x00"
_SOFT_RESET = b"\x30\xa2"


def rh_pct(raw):
    """RH = 100 * raw / 65535 %, in milli-%RH."""
    return milli(raw, 100, 0)


class SHT3x(Sensirion):
    WAIT_MS = 16  # the measurement takes 15 ms at most

    MEASURE = _MEASURE_HIGH
    SOFT_RESET = _SOFT_RESET

    def __init__(self, i2c, address=ADDRESS):
        super().__init__(i2c, address)

    def _rh(self, raw):
        return rh_pct(raw)

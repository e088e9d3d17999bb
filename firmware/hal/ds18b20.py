# DS18B20 water temperature probes on one 1-Wire bus, over the ESP32's frozen
# onewire and ds18x20 modules (passed in, so this file loads anywhere):
#
#   bus = DS18B20(ds18x20.DS18X20(onewire.OneWire(Pin(4))))
#   supply = rom("28ff4a1c051603ab")       # the board file's id, once
#   bus.start(); await asyncio.sleep_ms(CONVERT_MS)
#   supply_c = bus.read(supply)            # milli-degC, or None
#
# read() takes the scratchpad (ds18x20's read_scratch, which checks its CRC)
# and converts the raw sixteenths of a degree itself: exact integers, no
# float as read_temp() would make.  A reading is missing (None, counted) on:
#   "bus"   no presence pulse, or any other error from the bus;
#   "crc"   the scratchpad's CRC is wrong (a noisy or long line);
#   "data"  the configuration byte is not a DS18B20's: an all-zero scratchpad
#           (data line shorted to ground) passes the CRC and would read 0 degC;
#   "85C"   the power-on value, +85.000 degC, when the last start() did not
#           succeed: the probe never converted, so 85 is its reset value.
#           After a good start() an exact 85.000 is believed (hot water can
#           be 85 degC); a probe that browns out between start() and read()
#           also reads 85, and is left to the core's plausibility (spike) check;
#   "range" outside the specified -55..125 degC.
# DS18S20 (family 0x10) probes are refused as "data": another format.

from binascii import hexlify, unhexlify

from core.fixed import const
from hal.fault import Fault

CONVERT_MS = const(750)  # a 12-bit conversion
_POWER_ON_RAW = const(0x0550)  # +85.0 degC in sixteenths
_RAW_MIN = const(-880)  # -55 degC
_RAW_MAX = const(2000)  # +125 degC
_CONFIG_MASK = const(0x9F)  # the configuration byte: 0 R1 R0 1 1 1 1 1
_CONFIG_FIXED = const(0x1F)


def rom(text):
    """A ROM id as the board file writes it (16 hex digits) -> bytes for read()."""
    return unhexlify(text)


def milli_c(raw):
    """Signed sixteenths of a degree -> milli-degC, floored (62.5 each)."""
    return raw * 125 // 2


class DS18B20(Fault):
    def __init__(self, ds):
        super().__init__()
        self.ds = ds
        self.converted = False  # the last start() succeeded

    def start(self):
        """Starts a conversion on every probe of the bus; True when sent.
        Read after CONVERT_MS."""
        try:
            self.ds.convert_temp()
        except Exception:  # OneWireError: no probe answered; OSError
            self.converted = False
            self.fail("bus")
            return False
        self.converted = True
        return True

    def read(self, rom_id):
        """The probe's temperature in milli-degC, or None.  Never raises."""
        try:
            buf = self.ds.read_scratch(rom_id)
        except Exception as e:  # ds18x20 raises Exception("CRC error")
            return self.fail("crc" if e.args and e.args[0] == "CRC error" else "bus")
        if buf is None:
            return self.fail("bus")
        config = buf[4]
        if config & _CONFIG_MASK != _CONFIG_FIXED:
            return self.fail("data")
        raw = buf[1] << 8 | buf[0]
        if raw & 0x8000:
            raw -= 0x10000
        raw &= -(1 << (3 - (config >> 5 & 3)))  # below 12 bits the low bits are undefined
        if raw == _POWER_ON_RAW and not self.converted:
            return self.fail("85C")
        if raw < _RAW_MIN or raw > _RAW_MAX:
            return self.fail("range")
        return milli_c(raw)

    def scan(self):
        """The ROM ids of the probes on the bus as 16 hex digits (family 28
        first), for commissioning; [] when the bus fails."""
        try:
            roms = self.ds.scan()
        except Exception:
            self.fail("bus")
            return []
        return [hexlify(r).decode() for r in roms]

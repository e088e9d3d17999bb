# Fake hardware for the HAL tests, as small as it can be: it runs under the
# MicroPython unix port too (tests/mp_hal.py, tests/mp_esp32.py) and in the
# heap measurement of the ESP32 boot (tools/bench_node.py).  The fakes
# allocate nothing on the paths measured: replies are copied byte by byte
# into the driver's buffer, and nothing is logged there.

from hal.sensirion import crc8

TICKS_MASK = 0x3FFFFFFF  # MicroPython's ticks period, 2**30
TICKS_HALF = 0x20000000
EIO = 5


# --- fake hardware -------------------------------------------------------


class FakeI2C:
    """Answers readfrom_into with `reply`; raises OSError(EIO) on a write or
    a read when fail_write / fail_read is set (a NACK, a stuck bus)."""

    def __init__(self, reply=b""):
        self.reply = reply
        self.fail_write = False
        self.fail_read = False
        self.writes = 0
        self.last_write = None  # the command: the driver's constant, not a copy
        self.last_address = None

    def writeto(self, address, data):
        if self.fail_write:
            raise OSError(EIO)
        self.writes += 1
        self.last_address = address
        self.last_write = data

    def readfrom_into(self, address, buf):
        if self.fail_read:
            raise OSError(EIO)
        reply = self.reply
        i = 0
        while i < len(buf):
            buf[i] = reply[i]
            i += 1


def word(raw):
    """A Sensirion word as the sensor sends it: MSB, LSB, CRC."""
    data = bytearray((raw >> 8, raw & 0xFF, 0))
    data[2] = crc8(data, 0, 2)
    return data


def sensirion_reply(raw_t, raw_rh):
    return bytes(word(raw_t) + word(raw_rh))


def maxim_crc8(data, length):
    """Dallas/Maxim 1-Wire CRC-8, as onewire.OneWire.crc8 computes it."""
    crc = 0
    for i in range(length):
        crc ^= data[i]
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8C if crc & 1 else crc >> 1
    return crc


def scratchpad(raw, config=0x7F):
    """A DS18B20 scratchpad holding raw (signed sixteenths of a degree)."""
    raw &= 0xFFFF
    pad = bytearray((raw & 0xFF, raw >> 8, 0x4B, 0x46, config, 0xFF, 0x0C, 0x10, 0))
    pad[8] = maxim_crc8(pad, 8)
    return pad


class OneWireError(Exception):
    pass


class FakeDS18X20:
    """micropython-lib's ds18x20.DS18X20 as the driver sees it: read_scratch
    raises Exception("CRC error") on a bad CRC, as the real one does; `fault`
    makes it fail: "bus" (no presence), "none" (returns None)."""

    def __init__(self, pads=None):
        self.pads = pads or {}  # rom bytes -> scratchpad
        self.fault = None
        self.fail_convert = False
        self.converts = 0

    def convert_temp(self):
        if self.fail_convert:
            raise OneWireError()
        self.converts += 1

    def read_scratch(self, rom_id):
        if self.fault == "bus":
            raise OneWireError()
        if self.fault == "none":
            return None
        pad = self.pads[rom_id]
        if maxim_crc8(pad, 9):
            raise Exception("CRC error")
        return pad

    def scan(self):
        if self.fault == "bus":
            raise OneWireError()
        return [bytearray(r) for r in sorted(self.pads)]


class FakeADC:
    """read_uv() returns the values in turn; raises OSError when fail is set."""

    def __init__(self, values=(0,)):
        self.values = values
        self.i = 0
        self.fail = False

    def read_uv(self):
        if self.fail:
            raise OSError(EIO)
        v = self.values[self.i % len(self.values)]
        self.i += 1
        return v


class FakePin:
    """An output's level (value(v)) or an input's interrupt (irq, fire()).
    watch(pin) is called after each write: the interlock observer."""

    IRQ_FALLING = 2
    IRQ_RISING = 1

    def __init__(self, watch=None):
        self.level = None
        self.fail = False
        self.watch = watch
        self.handler = None
        self.trigger = None
        self.hard = None

    def value(self, level=None):
        if level is None:
            return self.level
        if self.fail:
            raise OSError(EIO)
        self.level = level
        if self.watch is not None:
            self.watch(self)

    def irq(self, handler=None, trigger=None, hard=False):
        self.handler = handler
        self.trigger = trigger
        self.hard = hard

    def fire(self):
        self.handler(self)


class FakePWM:
    def __init__(self):
        self.duty = None
        self.fail = False

    def duty_u16(self, duty):
        if self.fail:
            raise OSError(EIO)
        self.duty = duty


class FakeClock:
    """ticks_us / ticks_diff as MicroPython's: wrap at 2**30."""

    def __init__(self, us=0):
        self.us = us

    def ticks_us(self):
        return self.us & TICKS_MASK

    def ticks_diff(self, a, b):
        return ((a - b + TICKS_HALF) & TICKS_MASK) - TICKS_HALF


class Interlock:
    """Watches two relay pins: counts every moment both are energised."""

    def __init__(self, active_low=False):
        self.on_level = 0 if active_low else 1
        self.open_pin = FakePin(self.check)
        self.close_pin = FakePin(self.check)
        self.both_on = 0
        self.writes = 0

    def check(self, pin):
        self.writes += 1
        if self.open_pin.level == self.on_level and self.close_pin.level == self.on_level:
            self.both_on += 1

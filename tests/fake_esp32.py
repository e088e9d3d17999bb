# A fake ESP32 for the HAL built from a board file (firmware/hal/esp32.py):
# machine, onewire and ds18x20 stand-ins that keep what the HAL made by pin
# number (HW), so a test can set readings and watch the outputs.  Time is a
# fake ticks_ms: sleeping advances it in the outputs task's steps, calling
# the HAL's drive_once() as the asyncio task would.  Runs under CPython and
# the MicroPython unix port (tests/mp_esp32.py, tools/bench_node.py).

import asyncio
import time

from fake_hw import EIO, FakeDS18X20, FakePin, FakePWM, scratchpad, sensirion_reply
from hal.ds18b20 import rom
from hal.esp32 import DRIVE_MS

TICKS_MASK = 0x3FFFFFFF
TICKS_HALF = 0x20000000
ENODEV = 19
UTC_START_S = 1795500000  # 2026-11-25 05:20 UTC: 12:49 solar time at 112.4 E
HOUSE = {"crop": "rose", "latitude": 39.4, "longitude": 112.4, "period_s": 10}


class Hardware:
    """What the fakes made, by pin (or I2C controller id)."""

    def __init__(self):
        self.pins = {}
        self.i2c = {}
        self.adcs = {}
        self.pwms = {}
        self.ds = {}  # 1-Wire pin -> FakeDS18X20
        self.pads = {}  # rom bytes -> scratchpad, for every bus
        self.refuse = ()  # pins whose constructor raises, as a refused pin does
        self.rtc = None
        self.wdt = None
        self.utc_start_s = UTC_START_S  # the RTC at the first tick
        self.ms = self.ms_start = TICKS_MASK - 30000  # the ticks wrap 30 s in


HW = Hardware()


def reset():
    """A fresh fake board (HW is shared: reset in place)."""
    HW.__init__()


class Pin(FakePin):
    IN = 1
    OUT = 3
    PULL_UP = 1
    PULL_DOWN = 2

    def __init__(self, pin_id, mode=None, pull=None):
        if pin_id in HW.refuse:
            raise ValueError("invalid pin")
        super().__init__()
        self.id = pin_id
        self.mode = mode
        self.pull = pull
        HW.pins[pin_id] = self


class I2C:
    """Sensirion sensors by address: replies[address]; an absent address
    does not acknowledge (OSError ENODEV), as an unfitted sensor."""

    def __init__(self, bus_id, sda=None, scl=None, freq=None):
        self.id = bus_id
        self.freq = freq
        self.replies = {}
        self.fail = False
        HW.i2c[bus_id] = self

    def writeto(self, address, data):
        if self.fail or address not in self.replies:
            raise OSError(ENODEV)

    def readfrom_into(self, address, buf):
        if self.fail or address not in self.replies:
            raise OSError(EIO)
        reply = self.replies[address]
        for i in range(len(buf)):
            buf[i] = reply[i]


class ADC:
    ATTN_0DB = 0
    ATTN_2_5DB = 1
    ATTN_6DB = 2
    ATTN_11DB = 3

    def __init__(self, pin, atten=None):
        self.atten = atten
        self.uv = 0
        HW.adcs[pin.id] = self

    def read_uv(self):
        return self.uv


class PWM(FakePWM):
    def __init__(self, pin, freq=None, duty_u16=None):
        super().__init__()
        self.freq = freq
        self.duty = duty_u16
        HW.pwms[pin.id] = self


class RTC:
    def datetime(self, t):
        HW.rtc = list(t)


class WDT:
    def __init__(self, timeout=5000):
        self.timeout = timeout
        self.feeds = 0
        HW.wdt = self

    def feed(self):
        self.feeds += 1


class Namespace:
    pass


machine = Namespace()
machine.Pin = Pin
machine.I2C = I2C
machine.ADC = ADC
machine.PWM = PWM
machine.RTC = RTC
machine.WDT = WDT


def _one_wire(pin):
    return pin


def _ds(pin):
    ds = FakeDS18X20()
    ds.pads = HW.pads  # one dict for every bus: the tests change it
    HW.ds[pin.id] = ds
    return ds


onewire = Namespace()
onewire.OneWire = _one_wire
ds18x20 = Namespace()
ds18x20.DS18X20 = _ds


class Clock:
    def ticks_ms(self):
        return HW.ms & TICKS_MASK

    def ticks_us(self):
        return HW.ms * 1000 & TICKS_MASK

    def ticks_add(self, ticks, delta):
        return (ticks + delta) & TICKS_MASK

    def ticks_diff(self, a, b):
        return ((a - b + TICKS_HALF) & TICKS_MASK) - TICKS_HALF


class Sleeper:
    """asyncio.sleep_ms on the fake clock; the outputs task runs every DRIVE_MS."""

    def __init__(self):
        self.hal = None

    async def sleep_ms(self, ms):
        while ms > 0:
            step = DRIVE_MS if ms > DRIVE_MS else ms
            HW.ms += step
            ms -= step
            if step == DRIVE_MS and self.hal is not None:
                self.hal.drive_once()
        await asyncio.sleep(0)


def hardware(sleeper):
    return {
        "machine": machine, "onewire": onewire, "ds18x20": ds18x20, "clock": Clock(),
        "sleep_ms": sleeper.sleep_ms, "gmtime": time.gmtime, "utc_s": utc_s,
    }  # fmt: skip


def utc_s():
    return HW.utc_start_s + (HW.ms - HW.ms_start) // 1000


class Quiet:
    def write(self, text):
        pass


# --- the greenhouse's readings ------------------------------------------


def raw_t(c):
    return int((c + 45) * 65535 / 175 + 0.5)


def raw_rh4(pct):  # SHT4x
    return int((pct + 6) * 65535 / 125 + 0.5)


def fit_sensors(board, air_c=20.0, rh=70.0, outdoor_c=5.0, outdoor_rh=80.0):
    buses = board["i2c"]
    HW.i2c[buses["air"]["id"]].replies = {0x44: sensirion_reply(raw_t(air_c), raw_rh4(rh))}  # air2 unfitted
    HW.i2c[buses["outdoor"]["id"]].replies = {0x44: sensirion_reply(raw_t(outdoor_c), raw_rh4(outdoor_rh))}
    sensors = board["sensors"]
    fit_probes(board)
    set_radiation(board, 500)
    HW.pins[sensors["mine_flow_ok"]["pin"]].level = 0  # the flow switch closed: flow
    HW.pins[sensors["heat_pump_running"]["pin"]].level = 1  # the run contact open


def fit_probes(board):
    sensors = board["sensors"]
    HW.pads[rom(sensors["supply_c"]["rom"])] = scratchpad(35 * 16)  # 35.0 degC
    HW.pads[rom(sensors["source_return_c"]["rom"])] = scratchpad(12 * 16 + 8)  # 12.5


def set_radiation(board, w_m2):
    cal = board["sensors"]["radiation_w_m2"]["calibration"]
    uv, value = cal["uv"], cal["value"]
    HW.adcs[board["sensors"]["radiation_w_m2"]["pin"]].uv = uv[0] + (uv[1] - uv[0]) * (w_m2 - value[0]) // (
        value[1] - value[0]
    )


def spin_anemometer(board, pulses):
    pin = HW.pins[board["sensors"]["wind_m_s"]["pin"]]
    for _ in range(pulses):
        pin.fire()

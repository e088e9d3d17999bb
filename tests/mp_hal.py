# The HAL drivers (firmware/hal/) against fake hardware, run the same way
# under CPython (imported by test_hal.py, which also uses the fakes) and the
# MicroPython unix port (stdout: JSON).  The two must print the same results;
# under MicroPython the heap bytes each hot-path call allocates are added
# ("alloc", gc disabled, gc.mem_alloc() deltas).
#
# The fakes (tests/fake_hw.py) allocate nothing on the paths measured.

import gc
import json

from core.slow_pwm import SlowPWM
from core.three_point import ThreePointValve as ThreePointBlock
from fake_hw import (  # noqa: F401  (test_hal.py imports the fakes from here)
    EIO,
    TICKS_HALF,
    TICKS_MASK,
    FakeADC,
    FakeClock,
    FakeDS18X20,
    FakeI2C,
    FakePin,
    FakePWM,
    Interlock,
    maxim_crc8,
    scratchpad,
    sensirion_reply,
    word,
)
from hal.adc import Analog
from hal.ds18b20 import DS18B20, rom
from hal.outputs import CLOSE, OPEN, STOP, Pwm010V, Relay, SlowPwmRelay, ThreePointValve
from hal.pulse import PER_MINUTE, PER_SECOND, PulseCounter, rate
from hal.sensirion import crc8, temp_c
from hal.sht3x import SHT3x
from hal.sht3x import rh_pct as sht3x_rh
from hal.sht4x import SHT4x
from hal.sht4x import rh_pct as sht4x_rh

# --- scenarios -----------------------------------------------------------

RAWS = (0, 1, 0x3333, 0x6666, 0x8000, 0xCCCC, 0xFFFE, 0xFFFF)


def state(driver):
    return [driver.errors, driver.last_error]


def sht_cycle(sht, i2c, reply=None, start=True):
    if reply is not None:
        i2c.reply = reply
    started = sht.start() if start else None
    ok = sht.read()
    return [started, ok, sht.temp_c, sht.rh_pct] + state(sht)


def sht_scenarios():
    out = {}
    i2c = FakeI2C()
    sht = SHT4x(i2c)
    good = sensirion_reply(0x6666, 0x8000)
    out["good"] = sht_cycle(sht, i2c, good) + [i2c.last_address, list(i2c.last_write)]
    bad_t = bytearray(good)
    bad_t[2] ^= 1
    out["crc_t"] = sht_cycle(sht, i2c, bytes(bad_t))
    bad_rh = bytearray(good)
    bad_rh[4] ^= 0x80
    out["crc_rh"] = sht_cycle(sht, i2c, bytes(bad_rh))
    out["range_low"] = sht_cycle(sht, i2c, sensirion_reply(0, 0x8000))
    out["range_high"] = sht_cycle(sht, i2c, sensirion_reply(0xFFFF, 0xFFFF))
    out["stuck_high"] = sht_cycle(sht, i2c, b"\xff" * 6)
    out["stuck_low"] = sht_cycle(sht, i2c, b"\x00" * 6)
    out["no_start"] = sht_cycle(sht, i2c, good, start=False)
    i2c.fail_write = True
    out["write_fails"] = sht_cycle(sht, i2c, good)
    i2c.fail_write = False
    i2c.fail_read = True
    out["read_fails"] = sht_cycle(sht, i2c, good)
    i2c.fail_read = False
    out["recovered"] = sht_cycle(sht, i2c, good)
    i2c.reply = bytes(word(0x1234) + word(0x5678))
    out["serial"] = [sht.serial(), list(i2c.last_write)] + state(sht)
    i2c.reply = bytes(word(0x1234) + word(0x5679)[:2] + b"\x00")
    out["serial_crc"] = [sht.serial()] + state(sht)
    out["reset"] = [sht.reset(), list(i2c.last_write)]

    i2c3 = FakeI2C()
    sht3 = SHT3x(i2c3, 0x45)
    out["sht3x_good"] = sht_cycle(sht3, i2c3, good) + [i2c3.last_address, list(i2c3.last_write)]
    out["sht3x_crc"] = sht_cycle(sht3, i2c3, bytes(bad_rh))
    out["sht3x_reset"] = [sht3.reset(), list(i2c3.last_write)]
    out["wait_ms"] = [SHT4x.WAIT_MS, SHT3x.WAIT_MS]
    return out


def conversions():
    raws = list(RAWS) + list(range(0, 65536, 257))
    return {
        "raws": raws,
        "temp_c": [temp_c(r) for r in raws],
        "sht4x_rh": [sht4x_rh(r) for r in raws],
        "sht3x_rh": [sht3x_rh(r) for r in raws],
        "crc_beef": crc8(b"\xbe\xef", 0, 2),
        "crc_words": [crc8(bytes((r >> 8, r & 0xFF)), 0, 2) for r in RAWS],
    }


ROM_A = "28ff4a1c051603ab"
ROM_B = "2801020304050611"
DS_RAWS = (0x07D0, 0x0550, 0x0191, 0x00A2, 0x0008, 0, -8, -162, -401, -880)


def ds_scenarios():
    a = rom(ROM_A)
    b = rom(ROM_B)
    ds = FakeDS18X20({a: scratchpad(0x0191), b: scratchpad(0x0550)})
    bus = DS18B20(ds)
    out = {"scan": bus.scan()}
    out["85_before_start"] = [bus.read(a), bus.read(b)] + state(bus)
    out["start"] = [bus.start(), ds.converts]
    out["85_after_start"] = [bus.read(a), bus.read(b)] + state(bus)
    ds.fail_convert = True
    out["start_fails"] = [bus.start(), bus.read(b), bus.read(a)] + state(bus)
    ds.fail_convert = False
    bus.start()
    temps = []
    for raw in DS_RAWS:
        ds.pads[a] = scratchpad(raw)
        temps.append(bus.read(a))
    out["temps"] = temps
    resolution = []
    for config in (0x1F, 0x3F, 0x5F, 0x7F):  # 9..12 bits: undefined low bits set
        ds.pads[a] = scratchpad(0x0197, config)
        resolution.append(bus.read(a))
    out["resolution"] = resolution
    failures = {}
    ds.pads[a] = scratchpad(0x07E0)  # 126 degC
    failures["range"] = [bus.read(a)] + state(bus)
    ds.pads[a] = bytearray(9)  # data line shorted low: CRC 0 is right
    failures["zeros"] = [bus.read(a)] + state(bus)
    ds.pads[a] = scratchpad(0x0191, 0xFF)  # a DS18S20's byte 4
    failures["family"] = [bus.read(a)] + state(bus)
    pad = scratchpad(0x0191)
    pad[0] ^= 1
    ds.pads[a] = pad
    failures["crc"] = [bus.read(a)] + state(bus)
    ds.pads[a] = scratchpad(0x0191)
    ds.fault = "bus"
    failures["bus"] = [bus.read(a)] + state(bus)
    failures["scan"] = [bus.scan()] + state(bus)
    ds.fault = "none"
    failures["none"] = [bus.read(a)] + state(bus)
    ds.fault = None
    failures["recovered"] = [bus.read(a)] + state(bus)
    out["failures"] = failures
    return out


def adc_scenarios():
    out = {}
    adc = FakeADC()
    radiation = Analog(adc, 480000, 0, 2400000, 2000, low=-100, high=2500, samples=4)
    points = []
    for uv in (480000, 1440000, 2400000, 1000000, 470000, 2500000):
        adc.values = (uv,)
        points.append(radiation.read())
    out["radiation"] = points + state(radiation)
    adc.values = (1000000, 1000010, 1000020, 1000030)
    out["average"] = [radiation.read(), radiation.uv]
    for uv in (0, 3300000):  # open loop; shorted to the supply
        adc.values = (uv,)
        out["range_%d" % uv] = [radiation.read()] + state(radiation)
    adc.fail = True
    out["bus"] = [radiation.read()] + state(radiation)
    adc.fail = False
    falling = Analog(FakeADC(), 400000, 80000, 2000000, 0, low=-5000, high=100000)  # dry probe reads high
    out["falling"] = [falling.value(uv) for uv in (400000, 1200000, 2000000, 1999999, 400009)]
    negative = Analog(FakeADC(), 0, -40000, 3000000, 60000, low=-40000, high=60000)  # -40..60 degC
    out["negative"] = [negative.value(uv) for uv in (0, 1, 1200000, 3000000, 1234567)]
    return out


def pulse_scenarios():
    out = {}
    clock = FakeClock(TICKS_MASK - 10000)  # the ticks wrap during the run
    pin = FakePin()
    bucket = PulseCounter(pin, debounce_us=20000, ticks_us=clock.ticks_us, ticks_diff=clock.ticks_diff)
    out["irq"] = [pin.trigger, pin.hard]
    counted = []
    for dt_us in (0, 300, 800, 19999, 1, 25000, 100000, 5, 40000):
        clock.us += dt_us
        pin.fire()
        counted.append(bucket.count)
    out["debounce"] = counted
    out["take"] = [bucket.take(), bucket.take()]
    clock.us += 50000
    pin.fire()
    out["take_again"] = bucket.take()
    fast = PulseCounter(FakePin())
    fast.count = TICKS_MASK - 1  # about to wrap
    fast._taken = TICKS_MASK - 3
    out["wrap"] = [fast.take()]
    fast._edge(None)
    fast._edge(None)
    fast._edge(None)
    out["wrap"] += [fast.count, fast.take(), fast.take()]
    out["rate"] = [
        rate(100, 60000, 10, PER_MINUTE),  # 100 x 0.01 L in a minute: 1 L/min
        rate(45, 10000, 10, PER_MINUTE),
        rate(30, 10000, 667, PER_SECOND),  # 3 Hz at 1.5 Hz per m/s: 2 m/s
        rate(7, 3000, 10000, PER_MINUTE),
        rate(0, 5000, 10, PER_MINUTE),
        rate(10, 0, 10, PER_MINUTE),
        rate(200000, 1000, 10, PER_MINUTE),
    ]
    return out


def output_scenarios():
    out = {}
    pwm = FakePWM()
    valve = Pwm010V(pwm)
    values = (0, 1, 50000, 99999, 100000, 120000, -5)
    out["pwm_construct"] = pwm.duty
    out["pwm"] = [valve.duty_of(v) for v in values]
    inverted = Pwm010V(FakePWM(), invert=True)
    out["pwm_invert"] = [inverted.duty_of(v) for v in values]
    two_ten = Pwm010V(FakePWM(), offset=20000, span=80000)
    out["pwm_2_10v"] = [two_ten.duty_of(v) for v in values]
    trimmed = Pwm010V(FakePWM(), offset=-300)
    out["pwm_trim"] = [trimmed.duty_of(v) for v in values]
    valve.set(40000)
    out["pwm_set"] = [pwm.duty, valve.value]
    pwm.fail = True
    out["pwm_fail"] = [valve.set(60000), valve.duty] + state(valve)
    pwm.fail = False
    held = Pwm010V(FakePWM(), safe=100000)
    held.set(10000)
    held.safe()
    out["pwm_safe"] = [held.pwm.duty, held.value]

    relays = []
    for active_low in (False, True):
        pin = FakePin()
        relay = Relay(pin, active_low=active_low)
        levels = [pin.level]
        relay.set(True)
        levels.append(pin.level)
        relay.set(False)
        levels.append(pin.level)
        relay.set(True)
        relay.safe()
        levels += [pin.level, relay.on]
        relays.append(levels)
    out["relay"] = relays
    pin = FakePin()
    relay = Relay(pin, active_low=True)
    pin.fail = True
    out["relay_fail"] = [relay.set(True), relay.on, pin.level] + state(relay)

    for active_low in (False, True):
        watch = Interlock(active_low)
        valve3 = ThreePointValve(Relay(watch.open_pin, active_low), Relay(watch.close_pin, active_low))
        steps = []
        for opening, closing in ((1, 0), (0, 1), (1, 1), (1, 0), (1, 1), (0, 0), (0, 1), (1, 0)):
            ok = valve3.set(opening, closing)
            steps.append([ok, valve3.command, watch.open_pin.level, watch.close_pin.level])
        for command in (OPEN, CLOSE, STOP, CLOSE, OPEN):
            valve3.drive(command)
            steps.append([valve3.command, watch.open_pin.level, watch.close_pin.level])
        valve3.safe()
        steps.append([valve3.command, watch.open_pin.level, watch.close_pin.level])
        name = "three_point_low" if active_low else "three_point_high"
        out[name] = [steps, watch.both_on, watch.writes] + state(valve3)

    watch = Interlock()
    valve3 = ThreePointValve(Relay(watch.open_pin), Relay(watch.close_pin), safe=STOP)
    valve3.drive(CLOSE)
    watch.open_pin.fail = True  # the open relay cannot be written: switch-off fails
    stuck = [valve3.drive(CLOSE), valve3.command, watch.close_pin.level] + state(valve3)
    watch.open_pin.fail = False
    watch.open_pin.level = 1  # it was stuck on
    watch.close_pin.fail = True
    stuck += [valve3.drive(OPEN), valve3.command, watch.open_pin.level] + state(valve3)
    watch.close_pin.fail = False
    stuck += [valve3.drive(OPEN), valve3.command, valve3.safe(), valve3.command, watch.both_on]
    out["three_point_stuck"] = stuck

    watch = Interlock(active_low=True)
    valve3 = ThreePointValve(Relay(watch.open_pin, True), Relay(watch.close_pin, True))
    block = ThreePointBlock(travel_ms=60000, min_pulse_ms=1000)
    commands = []
    for k in range(400):
        wanted = (k * 7919) % 100001 if k % 50 < 40 else (0 if k % 100 < 50 else 100000)
        command = block.update(wanted, 1000)
        valve3.drive(command)
        commands.append(valve3.command)
    out["three_point_core"] = [commands, block.position, watch.both_on] + state(valve3)

    pin = FakePin()
    dosing = SlowPwmRelay(Relay(pin, active_low=True), SlowPWM(period_ms=10000, min_pulse_ms=1000))
    levels = []
    for k in range(60):
        dosing.update(25000 if k < 40 else 80000, 500)
        levels.append(pin.level)
    out["slow_pwm"] = [levels, dosing.safe(), pin.level, dosing.block.on, dosing.errors]
    return out


def scenarios():
    return {
        "conversions": conversions(),
        "sht": sht_scenarios(),
        "ds18b20": ds_scenarios(),
        "adc": adc_scenarios(),
        "pulse": pulse_scenarios(),
        "outputs": output_scenarios(),
    }


# --- heap bytes per hot-path call (MicroPython only) ----------------------


def measure(step, calls=200):
    for _ in range(20):  # warm up
        step()
    gc.collect()
    gc.disable()
    before = gc.mem_alloc()
    k = 0
    while k < calls:
        step()
        k += 1
    used = gc.mem_alloc() - before
    gc.enable()
    return used // calls


def allocations():
    i2c = FakeI2C(sensirion_reply(0x6666, 0x8000))
    sht = SHT4x(i2c)

    def sht_cycle_step():
        sht.start()
        sht.read()

    bad = FakeI2C(b"\xff" * 6)
    sht_bad = SHT4x(bad)

    def sht_crc_step():
        sht_bad.start()
        sht_bad.read()

    a = rom(ROM_A)
    ds = FakeDS18X20({a: scratchpad(0x0191)})
    bus = DS18B20(ds)

    def ds_step():
        bus.start()
        bus.read(a)

    adc = Analog(FakeADC((1000000, 1000040)), 480000, 0, 2400000, 2000, low=-100, high=2500)
    clock = FakeClock()
    pin = FakePin()
    counter = PulseCounter(pin, debounce_us=1000, ticks_us=clock.ticks_us, ticks_diff=clock.ticks_diff)

    def edge_step():
        clock.us += 700
        pin.fire()

    relay = Relay(FakePin(), active_low=True)
    flips = [0]

    def relay_step():
        flips[0] ^= 1
        relay.set(flips[0])

    watch = Interlock()
    valve3 = ThreePointValve(Relay(watch.open_pin), Relay(watch.close_pin))
    turn = [0]

    def valve_step():
        turn[0] = (turn[0] + 1) % 3
        valve3.drive(turn[0] - 1)

    pwm = Pwm010V(FakePWM(), offset=20000, span=80000)

    def pwm_step():
        pwm.set(37500)

    dosing = SlowPwmRelay(Relay(FakePin()), SlowPWM(period_ms=10000, min_pulse_ms=1000))

    def dosing_step():
        dosing.update(33000, 250)

    box = [0.5]

    def float_step():  # a float result is a heap object: proves the measure sees allocation
        box[0] = box[0] * 0.5 + 1.0

    return {
        "sht4x_cycle": measure(sht_cycle_step),
        "sht4x_crc_error": measure(sht_crc_step),
        "ds18b20_cycle": measure(ds_step),
        "adc_read": measure(adc.read),
        "pulse_edge": measure(edge_step),
        "pulse_take": measure(counter.take),
        "relay_set": measure(relay_step),
        "three_point_drive": measure(valve_step),
        "pwm_set": measure(pwm_step),
        "slow_pwm_update": measure(dosing_step),
        "float_control": measure(float_step),
    }


def run():
    out = scenarios()
    if hasattr(gc, "mem_alloc"):  # MicroPython
        out["alloc"] = allocations()
    return out


if __name__ == "__main__":
    print(json.dumps(run()))

"""The HAL drivers (firmware/hal/) against fake hardware: Sensirion CRC and
conversions against the datasheet formulas, every failure path returns None
and is counted (never raised), the three-point valve's relay interlock,
relay and PWM mapping, ADC calibration, pulse debounce and take(); and the
same drivers under the real MicroPython unix port give the same results and
allocate nothing per call."""

import ast
import json
import math
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mp_hal
from core.fixed import FULL_SCALE
from core.slow_pwm import SlowPWM
from core.three_point import ThreePointValve as ThreePointBlock
from hal import adc as hal_adc
from hal import ds18b20, fault, outputs, pulse, sensirion, sht3x, sht4x
from hal.adc import Analog
from hal.ds18b20 import DS18B20, rom
from hal.outputs import CLOSE, OPEN, STOP, Pwm010V, Relay, SlowPwmRelay, ThreePointValve
from hal.pulse import PER_MINUTE, PER_SECOND, PulseCounter, rate
from hal.sensirion import crc8, temp_c
from hal.sht3x import SHT3x
from hal.sht4x import SHT4x
from micropython_runner import TESTS, run_json
from mp_hal import (
    FakeADC,
    FakeClock,
    FakeDS18X20,
    FakeI2C,
    FakePin,
    FakePWM,
    Interlock,
    scratchpad,
    sensirion_reply,
    word,
)

RAWS = (0, 1, 0x3333, 0x6666, 0x8000, 0xCCCC, 0xFFFE, 0xFFFF)


def floored(exact_float):
    """The milli value a floor in integer math gives, from a float formula:
    within 1e-6 of an integer counts as that integer (float rounding)."""
    nearest = round(exact_float)
    return nearest if abs(exact_float - nearest) < 1e-6 else math.floor(exact_float)


# --- Sensirion CRC and conversions ----------------------------------------


def test_crc_of_the_datasheet_example_and_a_wrong_one():
    assert crc8(b"\xbe\xef", 0, 2) == 0x92
    assert crc8(b"\xbe\xee", 0, 2) != 0x92
    assert crc8(b"\x00\x00", 0, 2) == 0x81  # why a bus stuck low fails the CRC
    assert crc8(b"\xff\xff", 0, 2) == 0xAC  # and one stuck high
    assert crc8(b"\x00\xbe\xef\x00", 1, 3) == 0x92  # a slice of the buffer, without slicing


@pytest.mark.parametrize("raw", RAWS + tuple(range(0, 65536, 251)))
def test_conversions_match_the_datasheet_formulas(raw):
    assert temp_c(raw) == floored((-45 + 175 * raw / 65535) * 1000)
    rh4 = (-6 + 125 * raw / 65535) * 1000
    assert sht4x.rh_pct(raw) == min(max(floored(rh4), 0), 100000)
    assert sht3x.rh_pct(raw) == floored(100 * raw / 65535 * 1000)


def test_conversion_end_points_and_sht4x_rh_clamping():
    assert [temp_c(0), temp_c(0xFFFF), temp_c(0x6666)] == [-45000, 130000, 25000]
    assert [sht3x.rh_pct(0), sht3x.rh_pct(0xFFFF), sht3x.rh_pct(0x8000)] == [0, 100000, 50000]
    # -6 % and 119 % by the formula: the datasheet says clamp to 0..100 %.
    assert [sht4x.rh_pct(0), sht4x.rh_pct(3145), sht4x.rh_pct(3147)] == [0, 0, 2]  # -1.3 milli: 0
    assert [sht4x.rh_pct(0xFFFF), sht4x.rh_pct(55575), sht4x.rh_pct(55573)] == [100000, 100000, 99998]


@given(st.integers(0, 0xFFFF))
def test_conversions_stay_small_integers(raw):
    for value in (temp_c(raw), sht4x.rh_pct(raw), sht3x.rh_pct(raw)):
        assert isinstance(value, int) and abs(value) < 2**30


# --- SHT4x / SHT3x reads ----------------------------------------------------


def cycle(sht, i2c, reply):
    i2c.reply = reply
    started = sht.start()
    return started, sht.read(), sht.temp_c, sht.rh_pct


def test_sht4x_measures_with_0xfd_at_0x44_and_converts():
    i2c = FakeI2C()
    sht = SHT4x(i2c)
    assert cycle(sht, i2c, sensirion_reply(0x6666, 0x8000)) == (True, True, 25000, 56500)
    assert (i2c.last_address, bytes(i2c.last_write)) == (0x44, b"\xfd")
    assert (sht.errors, sht.last_error) == (0, None)
    assert SHT4x.WAIT_MS >= 9


def test_sht3x_measures_single_shot_high_repeatability_without_stretching():
    i2c = FakeI2C()
    sht = SHT3x(i2c, 0x45)
    assert cycle(sht, i2c, sensirion_reply(0x6666, 0x8000)) == (True, True, 25000, 50000)
    assert (i2c.last_address, bytes(i2c.last_write)) == (0x45, b"\x24\x00")
    assert SHT3x.WAIT_MS >= 15
    assert sht.reset() and bytes(i2c.last_write) == b"\x30\xa2"


def flip(data, index, mask=1):
    data = bytearray(data)
    data[index] ^= mask
    return bytes(data)


GOOD = sensirion_reply(0x6666, 0x8000)


@pytest.mark.parametrize("kind", [SHT4x, SHT3x])
@pytest.mark.parametrize(
    "reply, temp, rh, reason",
    [
        (flip(GOOD, 2), None, "rh", "crc"),  # the temperature's CRC byte
        (flip(GOOD, 0, 0x40), None, "rh", "crc"),  # a temperature bit
        (flip(GOOD, 4, 0x80), 25000, None, "crc"),  # a humidity bit
        (flip(flip(GOOD, 1), 5), None, None, "crc"),  # both: one failed read, one error
        (sensirion_reply(0, 0x8000), None, "rh", "range"),  # -45 degC: below the specified -40
        (sensirion_reply(0xFFFF, 0x8000), None, "rh", "range"),  # 130 degC
        (b"\xff" * 6, None, None, "crc"),  # bus stuck high
        (b"\x00" * 6, None, None, "crc"),  # bus stuck low
    ],
)
def test_a_bad_reading_is_missing_and_counted_once(kind, reply, temp, rh, reason):
    i2c = FakeI2C()
    sht = kind(i2c)
    started, ok, got_temp, got_rh = cycle(sht, i2c, reply)
    expected_rh = sht._rh(0x8000) if rh == "rh" else rh
    assert (started, ok, got_temp, got_rh) == (True, False, temp, expected_rh)
    assert (sht.errors, sht.last_error) == (1, reason)
    assert cycle(sht, i2c, GOOD)[1] is True  # the next good read is believed
    assert sht.errors == 1


@pytest.mark.parametrize("kind", [SHT4x, SHT3x])
def test_bus_errors_and_a_read_out_of_order_are_missing_and_counted(kind):
    i2c = FakeI2C(GOOD)
    sht = kind(i2c)
    assert sht.read() is False and (sht.errors, sht.last_error) == (1, "order")
    i2c.fail_write = True
    assert sht.start() is False and (sht.errors, sht.last_error) == (2, "bus")
    assert sht.read() is False and sht.errors == 2  # the failed start was counted already
    assert (sht.temp_c, sht.rh_pct) == (None, None)
    i2c.fail_write = False
    i2c.fail_read = True  # a NACK: read too early, or the sensor is gone
    assert sht.start() is True
    assert sht.read() is False and (sht.errors, sht.last_error) == (3, "bus")
    assert sht.read() is False and (sht.errors, sht.last_error) == (4, "order")  # one start, one read
    i2c.fail_read = False
    assert sht.start() and sht.read() and (sht.temp_c, sht.errors) == (25000, 4)


def test_a_failed_read_clears_the_previous_values():
    i2c = FakeI2C(GOOD)
    sht = SHT4x(i2c)
    assert cycle(sht, i2c, GOOD)[1]
    i2c.fail_read = True
    sht.start()
    sht.read()
    assert (sht.temp_c, sht.rh_pct) == (None, None)


def test_sht4x_serial_number_and_soft_reset():
    i2c = FakeI2C(bytes(word(0x1234) + word(0x5678)))
    sht = SHT4x(i2c)
    assert sht.serial() == 0x12345678 and bytes(i2c.last_write) == b"\x89"
    i2c.reply = bytes(word(0x1234) + word(0x5678)[:2] + b"\x00")
    assert sht.serial() is None and (sht.errors, sht.last_error) == (1, "crc")
    i2c.fail_read = True
    assert sht.serial() is None and (sht.errors, sht.last_error) == (2, "bus")
    assert sht.reset() is True and bytes(i2c.last_write) == b"\x94"
    i2c.fail_write = True
    assert sht.reset() is False and sht.serial() is None and sht.errors == 4


# --- DS18B20 ------------------------------------------------------------------

ROM = "28ff4a1c051603ab"

# The datasheet's table of temperatures and their register values.
DATASHEET = [
    (0x07D0, 125.0),
    (0x0550, 85.0),
    (0x0191, 25.0625),
    (0x00A2, 10.125),
    (0x0008, 0.5),
    (0x0000, 0.0),
    (0xFFF8, -0.5),
    (0xFF5E, -10.125),
    (0xFE6F, -25.0625),
    (0xFC90, -55.0),
]


def probe(raw=0x0191, config=0x7F):
    rom_id = rom(ROM)
    ds = FakeDS18X20({rom_id: scratchpad(raw, config)})
    return ds, DS18B20(ds), rom_id


@pytest.mark.parametrize("register, degrees", DATASHEET)
def test_ds18b20_converts_the_datasheet_table_to_milli_degrees(register, degrees):
    ds, bus, rom_id = probe(register)
    assert bus.start() and ds.converts == 1
    assert bus.read(rom_id) == math.floor(degrees * 1000)
    assert bus.errors == 0


def test_ds18b20_masks_the_undefined_bits_at_lower_resolution():
    got = []
    for config in (0x1F, 0x3F, 0x5F, 0x7F):  # 9, 10, 11, 12 bits
        ds, bus, rom_id = probe(0x0197, config)
        bus.start()
        got.append(bus.read(rom_id))
    assert got == [25000, 25250, 25375, 25437]


def test_85_degrees_is_missing_unless_a_conversion_was_started():
    ds, bus, rom_id = probe(0x0550)
    assert bus.read(rom_id) is None and (bus.errors, bus.last_error) == (1, "85C")  # never started
    assert bus.start() and bus.read(rom_id) == 85000  # converted: hot water may be 85 degC
    ds.fail_convert = True
    assert bus.start() is False and (bus.errors, bus.last_error) == (2, "bus")
    assert bus.read(rom_id) is None and (bus.errors, bus.last_error) == (3, "85C")
    ds.pads[rom_id] = scratchpad(0x0191)
    assert bus.read(rom_id) == 25062  # any other value is the last conversion's
    ds.fail_convert = False
    ds.pads[rom_id] = scratchpad(0x0550)
    assert bus.start() and bus.read(rom_id) == 85000 and bus.errors == 3


@pytest.mark.parametrize(
    "setup, reason",
    [
        (lambda ds, r: ds.pads.__setitem__(r, scratchpad(0x07E0)), "range"),  # 126 degC
        (lambda ds, r: ds.pads.__setitem__(r, scratchpad(-881 & 0xFFFF)), "range"),  # below -55
        (lambda ds, r: ds.pads.__setitem__(r, bytearray(9)), "data"),  # line shorted low: CRC 0 passes
        (lambda ds, r: ds.pads.__setitem__(r, scratchpad(0x0191, 0xFF)), "data"),  # DS18S20 layout
        (lambda ds, r: ds.pads[r].__setitem__(0, ds.pads[r][0] ^ 1), "crc"),
        (lambda ds, r: ds.pads.__setitem__(r, bytearray(b"\xff" * 9)), "crc"),  # no probe answers
        (lambda ds, r: setattr(ds, "fault", "bus"), "bus"),  # OneWireError: no presence
        (lambda ds, r: setattr(ds, "fault", "none"), "bus"),
    ],
)
def test_a_bad_ds18b20_reading_is_missing_and_counted(setup, reason):
    ds, bus, rom_id = probe()
    bus.start()
    setup(ds, rom_id)
    assert bus.read(rom_id) is None
    assert (bus.errors, bus.last_error) == (1, reason)


def test_an_unknown_rom_is_missing_not_raised():
    ds, bus, rom_id = probe()
    assert bus.read(rom("2801020304050611")) is None and bus.last_error == "bus"


def test_scan_lists_rom_ids_as_the_board_file_writes_them():
    ids = ["2801020304050611", ROM]
    ds = FakeDS18X20({rom(i): scratchpad(0x0191) for i in ids})
    bus = DS18B20(ds)
    assert bus.scan() == ids and bus.errors == 0
    assert [rom(i) for i in bus.scan()] == sorted(ds.pads)
    ds.fault = "bus"
    assert bus.scan() == [] and (bus.errors, bus.last_error) == (1, "bus")
    assert ds18b20.CONVERT_MS >= 750


# --- ADC ----------------------------------------------------------------------


def pyranometer(values, samples=4):
    return Analog(FakeADC(values), 480000, 0, 2400000, 2000, low=-100, high=2500, samples=samples)


@pytest.mark.parametrize(
    "uv, expected", [(480000, 0), (2400000, 2000), (1440000, 1000), (1000000, 541), (470000, -11)]
)
def test_adc_two_point_calibration(uv, expected):
    sensor = pyranometer((uv,))
    assert sensor.read() == expected == math.floor((uv - 480000) * 2000 / 1920000)
    assert sensor.errors == 0


def test_adc_averages_its_samples():
    adc = FakeADC((1000000, 1000010, 1000020, 1000030, 5000000))
    sensor = Analog(adc, 480000, 0, 2400000, 2000, low=-100, high=2500, samples=4)
    assert sensor.read() == 541 and sensor.uv == 1000015 and adc.i == 4
    assert sensor.read() == 1583 and sensor.uv == 2000007  # the next four: one spike moves the mean


def test_adc_calibration_can_fall_and_go_negative():
    substrate = Analog(FakeADC(), 400000, 80000, 2000000, 0, low=-5000, high=100000)
    assert [substrate.value(uv) for uv in (400000, 1200000, 2000000)] == [80000, 40000, 0]
    air = Analog(FakeADC(), 0, -40000, 3000000, 60000, low=-40000, high=60000)
    assert [air.value(uv) for uv in (0, 1200000, 3000000)] == [-40000, 0, 60000]


@given(st.integers(0, hal_adc.UV_MAX))
def test_adc_calibration_is_the_line_through_the_two_points(uv):
    sensor = pyranometer((uv,))
    exact = (uv // 10 - 48000) * 2000 / 192000  # in the driver's 10 uV steps
    assert sensor.value(uv) == math.floor(exact)


def test_adc_out_of_range_and_bus_errors_are_missing_and_counted():
    sensor = pyranometer((0,))  # the 4-20 mA loop is open
    assert sensor.read() is None and (sensor.errors, sensor.last_error) == (1, "range")
    sensor.adc.values = (3100000,)  # shorted to the supply: 2.6 kW/m2
    assert sensor.read() is None and (sensor.errors, sensor.last_error) == (2, "range")
    sensor.adc.fail = True
    assert sensor.read() is None and (sensor.errors, sensor.last_error) == (3, "bus")
    sensor.adc.fail = False
    sensor.adc.values = (2880000,)  # 2500 W/m2: the edge of the plausible range
    assert sensor.read() == 2500 and sensor.errors == 3


def test_adc_refuses_a_calibration_it_cannot_use():
    with pytest.raises(ValueError, match="uv_a and uv_b"):
        Analog(FakeADC(), 1000000, 0, 1000005, 100, low=0, high=100)
    with pytest.raises(ValueError, match="samples"):
        Analog(FakeADC(), 0, 0, 1000000, 100, low=0, high=100, samples=0)
    with pytest.raises(ValueError, match="high"):
        Analog(FakeADC(), 0, 0, 1000000, 100, low=100, high=0)


# --- pulse counter ----------------------------------------------------------


def counter(debounce_us=20000, start_us=0):
    clock = FakeClock(start_us)
    pin = FakePin()
    return clock, pin, PulseCounter(pin, debounce_us, ticks_us=clock.ticks_us, ticks_diff=clock.ticks_diff)


def edges(clock, pin, gaps_us):
    for gap in gaps_us:
        clock.us += gap
        pin.fire()


def test_pulse_counter_listens_to_falling_edges_as_a_hard_interrupt():
    clock, pin, bucket = counter()
    assert (pin.trigger, pin.hard, pin.handler) == (FakePin.IRQ_FALLING, True, bucket._edge)


@pytest.mark.parametrize("start_us", [0, mp_hal.TICKS_MASK - 30000])  # and across the ticks wrap
def test_pulse_debounce_ignores_bounces_within_the_window(start_us):
    clock, pin, bucket = counter(20000, start_us)
    edges(clock, pin, [0, 300, 800, 18899])  # bounces of one tip: 19999 us after the first
    assert bucket.count == 1
    edges(clock, pin, [1])  # 20000 us after the counted edge
    assert bucket.count == 2
    edges(clock, pin, [5, 19994, 25000])
    assert bucket.take() == 3
    assert bucket.take() == 0  # take() resets
    edges(clock, pin, [50000])
    assert bucket.take() == 1


def test_without_debounce_every_edge_counts():
    pin = FakePin()
    flow = PulseCounter(pin)
    for _ in range(1000):
        pin.fire()
    assert flow.take() == 1000 and flow.take() == 0


def test_take_is_right_across_the_count_wrap():
    flow = PulseCounter(FakePin())
    flow.count = flow._taken = pulse._COUNT_MASK - 1
    for _ in range(5):
        flow._edge(None)
    assert flow.count == 3 and flow.take() == 5 and flow.take() == 0


def test_debounce_needs_a_clock():
    with pytest.raises(ValueError, match="ticks"):
        PulseCounter(FakePin(), debounce_us=1000, ticks_us=None, ticks_diff=None)


def test_rates_in_integer_milli_units():
    assert rate(100, 60000, 10, PER_MINUTE) == 1000  # 100 x 0.01 L in a minute: 1 L/min
    assert rate(45, 10000, 10, PER_MINUTE) == 2700
    assert rate(30, 10000, 667, PER_SECOND) == 2001  # 3 Hz at 1.5 Hz per m/s: 2 m/s
    assert rate(1, 7000, 10, PER_MINUTE) == math.floor(10 * 60000 / 7000)
    assert rate(0, 5000, 10) == 0
    assert [rate(10, 0, 10), rate(10, -5, 10), rate(200000, 1000, 10), rate(10, 1000, 0)] == [None] * 4


# --- outputs ----------------------------------------------------------------


def test_pwm_duty_end_points_inversion_and_calibration():
    pwm = FakePWM()
    valve = Pwm010V(pwm)
    assert pwm.duty == 0  # closed from the start
    assert [valve.duty_of(v) for v in (0, FULL_SCALE // 2, FULL_SCALE)] == [0, 32767, 65535]
    assert [valve.duty_of(v) for v in (-1, FULL_SCALE + 1)] == [0, 65535]
    inverted = Pwm010V(FakePWM(), invert=True)
    assert [inverted.duty_of(v) for v in (0, FULL_SCALE)] == [65535, 0]
    two_to_ten = Pwm010V(FakePWM(), offset=20000, span=80000)
    assert [two_to_ten.duty_of(v) for v in (0, FULL_SCALE)] == [13107, 65535]  # 2 V .. 10 V
    trimmed = Pwm010V(FakePWM(), offset=-300)
    assert [trimmed.duty_of(v) for v in (0, 300, FULL_SCALE)] == [0, 0, 65338]
    assert valve.set(40000) and (pwm.duty, valve.value) == (26214, 40000)


def test_pwm_safe_state_and_a_failed_write():
    pwm = FakePWM()
    valve = Pwm010V(pwm, safe=FULL_SCALE)  # a cooling valve the caller wants open when lost
    assert pwm.duty == 65535
    valve.set(10000)
    assert valve.safe() and pwm.duty == 65535
    pwm.fail = True
    assert valve.set(0) is False and (valve.errors, valve.last_error, valve.value) == (1, "pwm", None)


@pytest.mark.parametrize("active_low, on_level", [(False, 1), (True, 0)])
def test_relay_levels_and_safe_off(active_low, on_level):
    pin = FakePin()
    relay = Relay(pin, active_low=active_low)
    assert (pin.level, relay.on) == (1 - on_level, False)  # off from the start
    assert relay.set(True) and (pin.level, relay.on) == (on_level, True)
    assert relay.set(False) and pin.level == 1 - on_level
    relay.set(True)
    assert relay.safe() and (pin.level, relay.on) == (1 - on_level, False)


def test_a_relay_write_that_fails_leaves_its_state_unknown():
    pin = FakePin()
    relay = Relay(pin, active_low=True)
    pin.fail = True
    assert relay.set(True) is False and relay.on is None
    assert (relay.errors, relay.last_error) == (1, "pin")


@pytest.mark.parametrize("active_low", [False, True])
def test_three_point_never_energises_both_relays(active_low):
    watch = Interlock(active_low)
    valve = ThreePointValve(Relay(watch.open_pin, active_low), Relay(watch.close_pin, active_low))
    assert valve.command == STOP
    on = watch.on_level
    assert valve.set(True, True) is False  # asked to open and close at once
    assert (watch.open_pin.level, watch.close_pin.level) == (1 - on, 1 - on)
    assert (valve.command, valve.errors, valve.last_error) == (STOP, 1, "both")
    assert valve.drive(OPEN) and valve.command == OPEN
    assert (watch.open_pin.level, watch.close_pin.level) == (on, 1 - on)
    assert valve.set(True, True) is False and valve.command == STOP  # from open: both off
    for command in (OPEN, CLOSE, OPEN, STOP, CLOSE, CLOSE, OPEN):  # reversals switch off first
        assert valve.drive(command) and valve.command == command
    assert watch.both_on == 0 and watch.writes > 10
    assert valve.safe() and valve.command == CLOSE  # closed by default


def test_three_point_energises_nothing_while_the_other_relay_may_be_on():
    watch = Interlock()
    valve = ThreePointValve(Relay(watch.open_pin), Relay(watch.close_pin), safe=STOP)
    valve.drive(OPEN)
    watch.open_pin.fail = True  # open relay stuck: its switch-off fails
    assert valve.drive(CLOSE) is False
    assert watch.close_pin.level == 0 and valve.command is None
    assert (valve.errors, valve.last_error) == (1, "relay")
    watch.open_pin.fail = False
    assert valve.drive(CLOSE) and valve.command == CLOSE
    watch.close_pin.fail = True
    assert valve.drive(OPEN) is False and watch.open_pin.level == 0 and valve.errors == 2
    watch.close_pin.fail = False
    assert valve.safe() and valve.command == STOP and watch.both_on == 0


def test_three_point_driven_by_the_core_block():
    watch = Interlock(active_low=True)
    valve = ThreePointValve(Relay(watch.open_pin, True), Relay(watch.close_pin, True))
    block = ThreePointBlock(travel_ms=60000, min_pulse_ms=1000)
    commands = set()
    for k in range(600):
        wanted = (k * 7919) % 100001 if k % 100 < 80 else 0
        command = block.update(wanted, 1000)
        assert valve.drive(command) and valve.command == command
        assert watch.open_pin.level == (0 if command == OPEN else 1)
        assert watch.close_pin.level == (0 if command == CLOSE else 1)
        commands.add(command)
    assert commands == {OPEN, STOP, CLOSE} and watch.both_on == 0 and valve.errors == 0


def test_slow_pwm_relay_follows_the_core_block_and_goes_safe():
    pin = FakePin()
    block = SlowPWM(period_ms=10000, min_pulse_ms=1000)
    dosing = SlowPwmRelay(Relay(pin, active_low=True), block)
    on_ms = 0
    for k in range(600):  # 150 s at 30 %
        on = dosing.update(30000, 250)
        assert on == block.on and pin.level == (0 if on else 1)
        on_ms += 250 if on and k >= 200 else 0  # on for the next 250 ms
    assert on_ms == 30000  # 30 % of the last 100 s
    dosing.update(80000, 250)
    assert dosing.safe() and pin.level == 1 and block.on is False
    assert dosing.update(0, 250) is False and dosing.errors == 0
    pin.fail = True
    assert dosing.update(FULL_SCALE, 250) is False and (dosing.errors, dosing.last_error) == (1, "pin")


def test_every_output_has_a_safe_state():
    for output in (
        Pwm010V(FakePWM()),
        Relay(FakePin()),
        ThreePointValve(Relay(FakePin()), Relay(FakePin())),
        SlowPwmRelay(Relay(FakePin()), SlowPWM(10000)),
    ):
        assert output.safe() is True


# --- loading and MicroPython ----------------------------------------------


# What both interpreters have; hardware objects are passed in.
ALLOWED_IMPORTS = {"binascii", "time", "micropython", "core.fixed", "hal.fault", "hal.sensirion"}


def test_the_drivers_import_nothing_from_machine():
    for module in (fault, sensirion, sht4x, sht3x, ds18b20, hal_adc, pulse, outputs):
        tree = ast.parse(Path(module.__file__).read_text())
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        imported |= {
            alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
        }
        assert imported <= ALLOWED_IMPORTS, module.__name__
    assert "machine" not in sys.modules


@pytest.fixture(scope="module")
def on_micropython():
    return run_json(TESTS / "mp_hal.py")


def test_micropython_gives_the_same_results_as_cpython(on_micropython):
    got = dict(on_micropython)
    got.pop("alloc")
    assert got == json.loads(json.dumps(mp_hal.run()))
    assert got["conversions"]["crc_beef"] == 0x92
    assert got["ds18b20"]["temps"] == [math.floor(d * 1000) for _, d in DATASHEET]


def test_the_hot_paths_allocate_nothing_on_micropython(on_micropython):
    alloc = on_micropython["alloc"]
    assert alloc.pop("float_control") > 0  # the measure does see an allocation
    assert alloc == dict.fromkeys(alloc, 0) and len(alloc) == 10

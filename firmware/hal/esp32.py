# The ESP32 boards' HAL: the drivers built from board.json (boards/README.md
# has the format; tools/boards.py checked it before deploy), the sampling, the
# outputs and the real-time timebase.
#
#   hal = Esp32Hal(board, house, machine, onewire, ds18x20, log=log)
#   frame = await hal.next_tick()   # waits for the tick, samples, returns
#                                   # (solar time of day ms, dt ms, day or None)
#   hal.read(climate.inputs); hal.write(out)
#   asyncio.create_task(hal.drive())   # three-point valves, slow PWM, LED
#
# Sampling: at each tick the Sensirion and DS18B20 conversions are started
# together and read CONVERT_MS later (asyncio waits in between: the REPL runs),
# so readings are at most a second old when the core sees them.  The outputs
# task runs every DRIVE_MS: three-point valves stop within that of their
# target, and slow PWM (fog) keeps its duty at any control period.
#
# A part that fails to build (a bus that will not start, a pin refused) is
# logged and left out: its reading is missing, and the core decides.  The
# machine, onewire and ds18x20 modules are passed in, so tests can give fakes.

from core.fixed import const
from core.slow_pwm import SlowPWM
from core.three_point import CLOSE, STOP
from core.three_point import ThreePointValve as ThreePointBlock
from hal.adc import Analog
from hal.ds18b20 import CONVERT_MS, DS18B20, rom
from hal.outputs import Pwm010V, Relay, SlowPwmRelay, ThreePointValve
from hal.pulse import PER_SECOND, PulseCounter, rate
from hal.sht3x import SHT3x
from hal.sht4x import SHT4x
from node.sun import solar_now, sunrise_sunset_ms

DRIVE_MS = const(200)
PERIOD_S = const(10)  # house.json "period_s": the control period
CLOCK_SET_YEAR = const(2025)  # an RTC before this was never set (no NTP, no gh.clock())
DAYLIGHT_ON_W_M2 = const(20)  # without a clock: day from radiation, with hysteresis
DAYLIGHT_OFF_W_M2 = const(5)
NOON_MS = const(43200000)
SENSIRION = {"sht4x": SHT4x, "sht3x": SHT3x}
# Roles read through an ADC: the core's scale of the board's calibration unit.
ANALOG_SCALE = {
    "radiation_w_m2": 1, "substrate_pct": 1000, "ec_ms_cm": 1000, "ph": 1000, "ec2_ms_cm": 1000, "ph2": 1000,
}  # fmt: skip
# Pulse roles: the board's scale key, and milli-units per pulse from it.
WIND_KEY = "hz_per_m_s"
PULLS = ("up", "down")
PERCENT_OUTPUTS = ("heat_valve", "cool_valve", "fog", "vent", "screen")
RELAY_OUTPUTS = (("heat_pump_enable", "heat_pump_on"), ("heat_pump_reverse", "heat_pump_cooling"))
SAFE_POSITION = {"vent": 0, "screen": None}  # None: the screen stays where it is
VALVE_PREFIX = "irrigation_valve_"
DOSE_AB = ("dose_a", "dose_b")


def _pull(machine, name):
    if name == "up":
        return machine.Pin.PULL_UP
    if name == "down":
        return machine.Pin.PULL_DOWN
    return None


class Esp32Hal:
    def __init__(
        self,
        board,
        house,
        machine,
        onewire=None,
        ds18x20=None,
        log=None,
        clock=None,
        sleep_ms=None,
        gmtime=None,
        utc_s=None,
    ):
        """clock (ticks_ms, ticks_diff, ticks_add), sleep_ms (awaitable),
        gmtime and utc_s default to time's and asyncio's."""
        import time

        if clock is None:
            clock = time
        if sleep_ms is None:
            import asyncio

            sleep_ms = asyncio.sleep_ms
        self.clock = clock
        self._sleep_ms = sleep_ms
        self._gmtime = gmtime or time.gmtime
        self._utc_s = utc_s or time.time
        self.machine = machine
        self.log = log
        self.period_ms = int(house.get("period_s", PERIOD_S) * 1000)
        self.latitude = house.get("latitude")
        self.longitude = house.get("longitude")
        self.missing = []  # roles that failed to build
        # sensors
        self._i2c = {}
        self._wire = {}
        self.sensirion = {}  # role -> SHT4x/SHT3x
        self.probes = {}  # role -> (DS18B20 bus, rom bytes or None)
        self.analog = {}  # role -> Analog
        self.pulses = {}  # role -> (PulseCounter, milli-units per pulse, per_ms)
        self.digital = {}  # role -> (Pin, active_low)
        self.readings = {}  # role -> the last sample, core scale or None
        self._bucket_ul = 0
        for role, spec in board.get("sensors", {}).items():
            self._build(role, spec, self._sensor, board, onewire, ds18x20)
        # outputs
        self.pwm = {}  # role -> Pwm010V
        self.valves = {}  # role -> (ThreePointValve driver, core block)
        self.slow = {}  # role -> SlowPwmRelay
        self.relays = {}  # role -> Relay
        self.led = None
        self.wanted = {}  # percentage role -> wanted value (core scale), for drive()
        for role, spec in board.get("outputs", {}).items():
            self._build(role, spec, self._output, board, onewire, ds18x20)
        self.alarms = 0
        self._daylight = False
        self._clock_ok = None  # unknown until the first tick
        self._doy = None
        self._last_ms = None
        self._due_ms = clock.ticks_ms()
        self._drive_ms = self._due_ms

    # --- building -------------------------------------------------------

    def _build(self, role, spec, builder, board, onewire, ds18x20):
        try:
            builder(role, spec, board, onewire, ds18x20)
        except Exception as error:  # a refused pin, a bus that will not start
            self.missing.append(role)
            self._note("board: %s not built (%s: %s)" % (role, type(error).__name__, error))

    def _note(self, line):
        if self.log is not None:
            self.log.line(line)

    def _sensor(self, role, spec, board, onewire, ds18x20):
        machine = self.machine
        Pin = machine.Pin
        kind = spec["kind"]
        self.readings[role] = None
        if kind in SENSIRION:
            bus = self._i2c.get(spec["bus"])
            if bus is None:
                b = board["i2c"][spec["bus"]]
                bus = machine.I2C(b["id"], sda=Pin(b["sda"]), scl=Pin(b["scl"]), freq=b["freq_hz"])
                self._i2c[spec["bus"]] = bus
            self.sensirion[role] = SENSIRION[kind](bus, int(spec["address"], 16))
        elif kind == "ds18b20":
            bus = self._wire.get(spec["bus"])
            if bus is None:
                pin = board["onewire"][spec["bus"]]["pin"]
                bus = DS18B20(ds18x20.DS18X20(onewire.OneWire(Pin(pin))))
                self._wire[spec["bus"]] = bus
            if spec.get("rom") is None:
                self._note("board: %s has no rom yet: node.hal.scan() lists the probes" % role)
            self.probes[role] = (bus, None if spec.get("rom") is None else rom(spec["rom"]))
        elif kind == "adc":
            atten = getattr(machine.ADC, "ATTN_" + spec["atten"].replace(".", "_").upper())
            scale = ANALOG_SCALE[role]
            uv = spec["calibration"]["uv"]
            value = [int(round(v * scale)) for v in spec["calibration"]["value"]]
            margin = abs(value[1] - value[0]) // 10  # beyond: an open or shorted wire
            adc = machine.ADC(Pin(spec["pin"]), atten=atten)
            low, high = min(value) - margin, max(value) + margin
            self.analog[role] = Analog(adc, uv[0], value[0], uv[1], value[1], low, high)
        elif kind == "pulse":
            pin = Pin(spec["pin"], Pin.IN, _pull(machine, spec.get("pull")))
            if WIND_KEY in spec:  # pulses per second -> milli-m/s
                per_pulse, per_ms = int(round(1000 / spec[WIND_KEY])), PER_SECOND
            elif "l_per_pulse" in spec:  # -> milli-L/min
                per_pulse, per_ms = int(round(spec["l_per_pulse"] * 1000)), 60000
            else:  # a tipping bucket: mL in the interval (per_ms 0), in micro-L a pulse
                per_pulse, per_ms = int(round(spec["ml_per_pulse"] * 1000)), 0
            debounce_us = 20000 if spec.get("pull") == "up" else 0  # a reed contact bounces
            clock = self.clock
            counter = PulseCounter(pin, debounce_us, ticks_us=clock.ticks_us, ticks_diff=clock.ticks_diff)
            self.pulses[role] = (counter, per_pulse, per_ms)
        elif kind == "digital":
            self.digital[role] = (
                Pin(spec["pin"], Pin.IN, _pull(machine, spec.get("pull"))),
                spec.get("active_low", False),
            )
        else:
            raise ValueError("sensor kind %r unknown" % kind)

    def _output(self, role, spec, board, onewire, ds18x20):
        Pin = self.machine.Pin
        kind = spec["kind"]
        if kind == "pwm":
            pwm = self.machine.PWM(Pin(spec["pin"]), freq=spec["freq_hz"], duty_u16=0)
            self.pwm[role] = Pwm010V(pwm)
        elif kind == "three_point":
            low = spec.get("active_low", False)
            opening = Relay(Pin(spec["open_pin"], Pin.OUT), low)
            closing = Relay(Pin(spec["close_pin"], Pin.OUT), low)
            safe = CLOSE if SAFE_POSITION.get(role, 0) == 0 else STOP
            self.valves[role] = (
                ThreePointValve(opening, closing, safe),
                ThreePointBlock(spec["travel_s"] * 1000),
            )
            self.wanted[role] = 0
        elif kind == "relay":
            relay = Relay(Pin(spec["pin"], Pin.OUT), spec.get("active_low", False))
            if "period_s" in spec:  # a percentage through slow PWM (fog, dosing)
                period_ms = spec["period_s"] * 1000
                self.slow[role] = SlowPwmRelay(relay, SlowPWM(period_ms, period_ms // 20))
                self.wanted[role] = 0
            else:  # pumps, valves: on or off
                self.relays[role] = relay
        elif kind == "led":
            self.led = Relay(Pin(spec["pin"], Pin.OUT), spec.get("active_low", False))
        else:  # ws2812 and anything newer: not driven by this firmware
            self._note("board: %s (%s) not driven by this firmware" % (role, kind))

    # --- the timebase and sampling ----------------------------------------

    async def next_tick(self):
        clock = self.clock
        wait_ms = clock.ticks_diff(self._due_ms, clock.ticks_ms())
        if wait_ms > 0:
            await self._sleep_ms(wait_ms)
        self._start_conversions()
        await self._sleep_ms(CONVERT_MS if self.probes else SHT4x.WAIT_MS * 2)
        now = clock.ticks_ms()
        dt_ms = self.period_ms if self._last_ms is None else clock.ticks_diff(now, self._last_ms)
        self._last_ms = now
        self._sample(dt_ms)
        self._due_ms = clock.ticks_add(self._due_ms, self.period_ms)
        if clock.ticks_diff(self._due_ms, now) <= 0:  # overrun (a long REPL command): start afresh
            self._due_ms = clock.ticks_add(now, self.period_ms)
        time_of_day_ms, day = self._time_of_day()
        return time_of_day_ms, dt_ms, day

    def _start_conversions(self):
        for role in self.sensirion:
            self.sensirion[role].start()
        for bus in self._wire.values():
            bus.start()

    def _sample(self, dt_ms):
        readings = self.readings
        for role in self.sensirion:  # (read() takes their temp_c and rh_pct)
            self.sensirion[role].read()
        for role in self.probes:
            bus, rom_id = self.probes[role]
            readings[role] = None if rom_id is None else bus.read(rom_id)
        for role in self.analog:
            readings[role] = self.analog[role].read()
        for role in self.pulses:
            counter, per_pulse, per_ms = self.pulses[role]
            if per_ms:
                readings[role] = rate(counter.take(), dt_ms, per_pulse, per_ms)
            else:  # a volume: the bucket's mL since the last tick, the part-mL carried
                self._bucket_ul += counter.take() * per_pulse
                readings[role] = self._bucket_ul // 1000
                self._bucket_ul -= readings[role] * 1000
        for role in self.digital:
            pin, active_low = self.digital[role]
            try:
                readings[role] = bool(pin.value()) != bool(active_low)
            except Exception:
                readings[role] = None

    def _time_of_day(self):
        """(solar time of day ms, (sunrise_ms, sunset_ms) on a new day or None)."""
        utc_s = self._utc_s()
        clock_ok = self.longitude is not None and self._gmtime(utc_s)[0] >= CLOCK_SET_YEAR
        if clock_ok != self._clock_ok:
            self._clock_ok = clock_ok
            if clock_ok:
                self._note("clock: solar time from the RTC and longitude")
            else:
                self._note("clock: no RTC time or no house longitude: day and night from radiation")
        if not clock_ok:
            radiation = self.readings.get("radiation_w_m2")
            if radiation is not None:
                if radiation >= DAYLIGHT_ON_W_M2:
                    self._daylight = True
                elif radiation < DAYLIGHT_OFF_W_M2:
                    self._daylight = False
            return (NOON_MS if self._daylight else 0), None
        time_of_day_ms, doy = solar_now(utc_s, self.longitude, self._gmtime)
        day = None
        if doy != self._doy and self.latitude is not None:
            self._doy = doy
            day = sunrise_sunset_ms(self.latitude, doy)
        return time_of_day_ms, day

    def read(self, inputs):
        r = self.readings
        sht = self.sensirion
        air, air2, outdoor = sht.get("air"), sht.get("air2"), sht.get("outdoor")
        inputs.air_c = None if air is None else air.temp_c
        inputs.rh_pct = None if air is None else air.rh_pct
        inputs.air2_c = None if air2 is None else air2.temp_c
        inputs.outdoor_c = None if outdoor is None else outdoor.temp_c
        inputs.outdoor_rh_pct = None if outdoor is None else outdoor.rh_pct
        inputs.supply_c = r.get("supply_c")
        inputs.source_return_c = r.get("source_return_c")
        inputs.radiation_w_m2 = r.get("radiation_w_m2")
        inputs.wind_m_s = r.get("wind_m_s")
        # A contact that cannot be read is taken as the condition being false:
        # no flow proven (the heat pump stays off), heat pump not running.
        inputs.heat_pump_running = r.get("heat_pump_running", False) is True
        inputs.mine_flow_ok = r.get("mine_flow_ok", True) is True

    def read_water(self, r):
        """core.watering.Readings: the root zone and the mixer."""
        readings = self.readings
        r.substrate_pct = readings.get("substrate_pct")
        r.flow_ml_min = readings.get("flow_l_min")  # milli-L/min: mL/min
        r.drain_ml = readings.get("drain_ml")
        r.ec = readings.get("ec_ms_cm")
        r.ph = readings.get("ph")
        r.ec2 = readings.get("ec2_ms_cm")  # the second probes, where fitted
        r.ph2 = readings.get("ph2")

    # --- outputs -----------------------------------------------------------

    def write(self, out):
        for role in self.pwm:
            self.pwm[role].set(getattr(out, role))
        for role in self.wanted:
            if role in PERCENT_OUTPUTS:
                self.wanted[role] = getattr(out, role)
        for role, name in RELAY_OUTPUTS:
            relay = self.relays.get(role)
            if relay is not None:
                relay.set(getattr(out, name))
        self.alarms = out.alarms

    def write_water(self, water):
        """The valve group's relay and the pump (the valve opens before the
        pump starts, the pump stops before the valve closes), and the dosing
        pumps' duties for the outputs task's slow PWM."""
        relays = self.relays
        pump = relays.get("irrigation_pump")
        group = water.group
        if not group and pump is not None:
            pump.set(False)
        for role in relays:
            if role.startswith(VALVE_PREFIX):
                relays[role].set(int(role[len(VALVE_PREFIX) :]) == group)
        if group and pump is not None:
            pump.set(True)
        wanted = self.wanted
        for role in DOSE_AB:
            if role in wanted:
                wanted[role] = water.dose_ab
        if "dose_acid" in wanted:
            wanted["dose_acid"] = water.dose_acid

    def safe(self):
        """Valves shut, vents closed, the screen where it is, relays off."""
        for role in self.pwm:
            self.pwm[role].safe()
        for role in self.relays:
            self.relays[role].safe()
        for role in self.slow:
            self.wanted[role] = 0
            self.slow[role].safe()
        for role in self.valves:
            valve, block = self.valves[role]
            position = SAFE_POSITION.get(role, 0)
            self.wanted[role] = block.position if position is None else position
            if not valve.drive(block.update(self.wanted[role], 0)):
                block.lost()

    async def drive(self):
        """The outputs task: runs for ever."""
        while True:
            self.drive_once()
            await self._sleep_ms(DRIVE_MS)

    def drive_once(self):
        clock = self.clock
        now = clock.ticks_ms()
        dt_ms = clock.ticks_diff(now, self._drive_ms)
        self._drive_ms = now
        wanted = self.wanted
        for role in self.valves:
            valve, block = self.valves[role]
            if not valve.drive(block.update(wanted[role], dt_ms)):
                block.lost()  # a relay did not switch: where the valve is, is unknown
        for role in self.slow:
            self.slow[role].update(wanted[role], dt_ms)
        if self.led is not None:  # steady on with an alarm, blinking (1 s) while all is well
            self.led.set(self.alarms != 0 or (now // 1000) & 1 == 1)

    # --- commissioning -------------------------------------------------------

    def set_utc(self, year, month, day, hour, minute, second):
        """Sets the RTC by hand (UTC) where there is no NTP."""
        self.machine.RTC().datetime((year, month, day, 0, hour, minute, second, 0))
        self._clock_ok = None  # noted again at the next tick

    def scan(self):
        """The DS18B20 ROM ids on each 1-Wire bus, for board.json."""
        return {name: self._wire[name].scan() for name in self._wire}

    def probe(self, rom_text):
        """A DS18B20's last reading in degC, by its ROM id (16 hex digits),
        for commissioning: warm one probe by hand to tell which is which.
        Every tick converts every probe, so the reading is at most a tick old."""
        for name in self._wire:
            milli_c = self._wire[name].read(rom(rom_text))
            if milli_c is not None:
                return milli_c / 1000
        return None

    def faults(self):
        """Drivers with errors since boot: role (or 1-Wire bus) -> (errors,
        the last error)."""
        found = {}
        for group in (self.sensirion, self.analog, self.pwm, self.relays, self.slow):
            for role in group:
                driver = group[role]
                if driver.errors:
                    found[role] = (driver.errors, driver.last_error)
        for name in self._wire:  # the probes share their bus's count
            bus = self._wire[name]
            if bus.errors:
                found["1-wire " + name] = (bus.errors, bus.last_error)
        for role in self.valves:
            valve = self.valves[role][0]
            if valve.errors:
                found[role] = (valve.errors, valve.last_error)
        return found

# The node's control loop: read the sensors, tick the climate, drive the
# outputs, feed the watchdog.  The same code on an ESP32 and on the sim board;
# the board's HAL supplies the readings, the outputs and the timebase:
#
#   hal.next_tick()   awaitable: (time_of_day_ms, dt_ms, day) for the next
#                     tick, day = (sunrise_ms, sunset_ms) when it changes,
#                     None when there is no more (the simulator has finished)
#   hal.read(inputs)  fills core.climate.Inputs; a failed sensor reads None
#   hal.write(out)    drives the outputs from core.climate.Outputs
#   hal.safe()        every output to its safe state
#   hal.read_water(r), hal.write_water(water)   where the house irrigates
#                     (house.json "irrigation"): core.watering's readings in,
#                     the valve group, pump and dosing duties out

from core.climate import ALARM_FROST, ALARM_OVERHEAT, ALARM_SUPPLY_HIGH

# Outputs gh.manual() may hold, and the values each takes.
MANUAL = {
    "heat_valve": "%",
    "cool_valve": "%",
    "fog": "%",
    "vent": "%",
    "screen": "%",
    "heat_pump_on": "bool",
    "heat_pump_cooling": "bool",
}
# A hand-held output yields to these: frost, overheat and hot water win.
SAFETY = ALARM_FROST | ALARM_OVERHEAT | ALARM_SUPPLY_HIGH


class Node:
    def __init__(self, climate, hal, clock, log=None, wdt=None):
        self.climate = climate
        self.hal = hal
        self.clock = clock
        self.log = log  # node.log.Log, or None
        self.wdt = wdt  # machine.WDT on an ESP32: fed only by a healthy tick
        self.manual = {}  # output name -> value (core scale or bool), held by hand
        self.ticks = 0
        self.faults = 0
        self.started_ms = clock.ticks_ms()
        self.out = None  # the last tick's outputs
        # The telemetry hook: telemetry(node, out) after each healthy tick
        # (MQTT publishing plugs in here).  It must be quick; if it raises,
        # it is logged and counted, and control goes on.
        self.telemetry = None
        self.telemetry_errors = 0
        self.heap_least = None  # the least free heap housekeeping has seen

    def step(self, time_of_day_ms, dt_ms):
        """One control tick.  Never raises: a fault puts the outputs safe and
        is logged, and the watchdog goes unfed (it resets a node that keeps
        failing)."""
        climate = self.climate
        try:
            self.hal.read(climate.inputs)
            out = climate.tick(time_of_day_ms, dt_ms)
            if self.manual and not out.alarms & SAFETY:
                for name in self.manual:
                    setattr(out, name, self.manual[name])
            self.hal.write(out)
            water = climate.water
            if water is not None:
                self.hal.read_water(water.readings)
                water.step(time_of_day_ms, dt_ms, climate.inputs.radiation_w_m2)
                self.hal.write_water(water)
        except Exception as error:  # control goes on next tick
            self.faults += 1
            if self.log is not None:
                self.log.error("tick", error)
            self.hal.safe()
            return None
        self.ticks += 1
        self.out = out
        if self.wdt is not None:
            self.wdt.feed()
        if self.telemetry is not None:
            try:
                self.telemetry(self, out)
            except Exception as error:
                self.telemetry_errors += 1
                if self.log is not None:
                    self.log.error("telemetry", error)
        return out

    async def run(self):
        while True:
            frame = await self.hal.next_tick()
            if frame is None:
                return
            time_of_day_ms, dt_ms, day = frame
            if day is not None:
                self.climate.set_day(day[0], day[1])
            self.step(time_of_day_ms, dt_ms)

    def uptime_s(self):
        return self.clock.ticks_diff(self.clock.ticks_ms(), self.started_ms) // 1000

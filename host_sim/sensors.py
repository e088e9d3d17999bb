"""Sensor models: first-order lag, noise, quantisation, and injected faults.

A reading is what the node's driver would report: a float, or None when the
read fails (the `dropout` fault: on the node the bus raises OSError and the
driver reports a missing value)."""

import random

import numpy as np

SENSOR_FAULTS = ("dropout", "stuck", "spike", "offset", "noise")
SPIKE_PROBABILITY = 0.05  # share of readings hit while a spike fault is active
SPIKE_DEFAULT = 15.0  # units added by a spike when the fault gives no value


NOISE_CHUNK = 8640  # standard-normal draws made at once (numpy), a day at 10 s


class Sensor:
    def __init__(
        self,
        rng: random.Random,
        noise_sd: float,
        lag_s: float,
        resolution: float,
        low: float,
        high: float,
        initial: float,
    ) -> None:
        self.rng = rng
        self._normal = np.random.default_rng(rng.getrandbits(63))
        self._noise: list[float] = []
        self._next = 0
        self.noise_sd = noise_sd
        self.lag_s = lag_s
        self.resolution = resolution
        self.low = low  # the device's measuring range: readings are clipped to it
        self.high = high
        self.filtered = initial
        self.fault: str | None = None
        self.fault_value: float | None = None
        self.stuck_at = initial

    def set_fault(self, kind, value):
        self.fault = kind
        self.fault_value = value
        self.stuck_at = value if value is not None else self.filtered

    def clear_fault(self):
        self.fault = None
        self.fault_value = None

    def read(self, true_value: float, dt_s: float) -> float | None:
        # The sensing element lags the true value (housing, thermal mass).
        if self.lag_s > 0.0:
            self.filtered += (true_value - self.filtered) * min(1.0, dt_s / self.lag_s)
        else:
            self.filtered = true_value
        if self._next == len(self._noise):  # drawn in chunks: a draw per read is slow
            self._noise = (self._normal.standard_normal(NOISE_CHUNK) * self.noise_sd).tolist()
            self._next = 0
        value = self.filtered + self._noise[self._next]
        self._next += 1
        fault = self.fault
        if fault is not None:
            if fault == "dropout":
                return None
            if fault == "stuck":
                value = self.stuck_at
            elif fault == "offset":
                value += self.fault_value or 0.0
            elif fault == "noise":
                value += self.rng.gauss(0.0, self.fault_value or 0.0)
            elif fault == "spike" and self.rng.random() < SPIKE_PROBABILITY:
                value += SPIKE_DEFAULT if self.fault_value is None else self.fault_value
        value = min(max(value, self.low), self.high)
        return round(value / self.resolution) * self.resolution


class Measurements:
    """What the controller sees each tick (None: missing)."""

    __slots__ = (
        "air_c",
        "air2_c",
        "air_rh_pct",
        "supply_c",
        "radiation_w_m2",
        "outdoor_c",
        "outdoor_rh_pct",
        "wind_m_s",
        "heat_pump_running",
        "mine_flow_ok",
        "source_return_c",
        "power_cap_pct",
        "power_surplus",
    )

    def __init__(self):
        # Spelled out, not a loop over __slots__: the compiled build needs each attribute named.
        self.air_c = None
        self.air2_c = None  # None: not fitted, or failed
        self.air_rh_pct = None
        self.supply_c = None
        self.radiation_w_m2 = None
        self.outdoor_c = None
        self.outdoor_rh_pct = None
        self.wind_m_s = None
        self.heat_pump_running = None
        self.mine_flow_ok = None
        self.source_return_c = None
        self.power_cap_pct = 100.0  # the site's signals: the heat pump's allowed power ...
        self.power_surplus = False  # ... and whether power is plentiful now


class SensorSet:
    """The node's sensors, as fitted on the reference rose house."""

    def __init__(self, seed: int, air_c: float, rh_pct: float, water_c: float, air_sensors: int = 1) -> None:
        rng = random.Random(seed)
        # SHT4x-class air sensor in an aspirated screen: +-0.1 K, 0.01 resolution, ~1 min lag.
        self.air = Sensor(rng, 0.05, 60.0, 0.01, -40.0, 125.0, air_c)
        self.rh = Sensor(rng, 0.5, 60.0, 0.01, 0.0, 100.0, rh_pct)
        # DS18B20 on the supply pipe: 0.0625 K steps, a clamp-on lag of ~20 s.
        self.supply = Sensor(rng, 0.05, 20.0, 0.0625, -55.0, 125.0, water_c)
        # Pyranometer outside on an ADC: 1 W/m2 steps.
        self.radiation = Sensor(rng, 2.0, 0.0, 1.0, 0.0, 2000.0, 0.0)
        self.outdoor = Sensor(rng, 0.1, 120.0, 0.1, -40.0, 60.0, air_c)
        # A second air sensor on its own noise stream: fitting it leaves the others' readings as they were.
        self.air2: Sensor | None = None
        if air_sensors == 2:
            self.air2 = Sensor(random.Random(seed + 1), 0.05, 60.0, 0.01, -40.0, 125.0, air_c)
        self.by_target = {
            "air_temp": self.air,
            "air_rh": self.rh,
            "supply_temp": self.supply,
            "radiation": self.radiation,
        }
        if self.air2 is not None:
            self.by_target["air_temp_2"] = self.air2

    def read_into(self, meas, plant, out_c, out_rh_pct, global_w_m2, wind_m_s, dt_s):
        meas.air_c = self.air.read(plant.air_c, dt_s)
        if self.air2 is not None:
            meas.air2_c = self.air2.read(plant.air_c, dt_s)
        meas.air_rh_pct = self.rh.read(min(plant.rh_pct, 100.0), dt_s)
        meas.supply_c = self.supply.read(plant.water_c, dt_s)
        meas.radiation_w_m2 = self.radiation.read(global_w_m2, dt_s)
        meas.outdoor_c = self.outdoor.read(out_c, dt_s)
        meas.outdoor_rh_pct = out_rh_pct
        meas.wind_m_s = wind_m_s
        meas.heat_pump_running = plant.heat_pump.running
        meas.mine_flow_ok = not plant.mine_pump_tripped
        meas.source_return_c = plant.source_return_c  # a DS18B20 on the return: exact enough here
        return meas

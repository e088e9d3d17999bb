"""Sensor models: first-order lag, noise, quantisation, and injected faults.

A reading is what the node's driver would report: a float, or None when the
read fails (the `dropout` fault: on the node the bus raises OSError and the
driver reports a missing value)."""

import random
from typing import Any

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
        "substrate_pct",
        "flow_l_min",
        "drain_ml",
        "ec_ms_cm",
        "ph",
        "ec2_ms_cm",
        "ph2",
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
        # Irrigation (host_sim/irrigation.py; None where not simulated, missing or failed).
        self.substrate_pct = None  # water content of valve group 1's substrate, volume %
        self.flow_l_min = None  # flow meter on the irrigation main line
        self.drain_ml = None  # drain gauge: mL collected since the last tick
        self.ec_ms_cm = None  # supply water after the mixer
        self.ph = None
        self.ec2_ms_cm = None  # the second probes, where fitted (irrigation.probes = 2)
        self.ph2 = None


class SensorSet:
    """The node's sensors, as fitted on the reference rose house."""

    def __init__(
        self,
        seed: int,
        air_c: float,
        rh_pct: float,
        water_c: float,
        air_sensors: int = 1,
        outdoor_c: float | None = None,
    ) -> None:
        rng = random.Random(seed)
        # SHT4x-class air sensor in an aspirated screen: +-0.1 K, 0.01 resolution, ~1 min lag.
        self.air = Sensor(rng, 0.05, 60.0, 0.01, -40.0, 125.0, air_c)
        self.rh = Sensor(rng, 0.5, 60.0, 0.01, 0.0, 100.0, rh_pct)
        # DS18B20 on the supply pipe: 0.0625 K steps, a clamp-on lag of ~20 s.
        self.supply = Sensor(rng, 0.05, 20.0, 0.0625, -55.0, 125.0, water_c)
        # Pyranometer outside on an ADC: 1 W/m2 steps.
        self.radiation = Sensor(rng, 2.0, 0.0, 1.0, 0.0, 2000.0, 0.0)
        # (It starts at the outside's own temperature: started at the house's, its
        # two-minute lag told the controller of a mild night while it was -4 degC
        # out, and the humidity vent crack opened on a cold start.)
        start_c = air_c if outdoor_c is None else outdoor_c
        self.outdoor = Sensor(rng, 0.1, 120.0, 0.1, -40.0, 60.0, start_c)
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


IRRIGATION_SEED = 7919  # the irrigation sensors' own noise stream: fitting them changes no other reading


class DrainGauge:
    """A tipping bucket under a known catchment of slabs: the drain collected
    since the last tick in whole tips of tip_ml (the rest waits in the bucket).
    Faults as Sensor's: `stuck` is a jammed bucket (it reports the fault's
    value, or nothing collected), `offset` and `noise` act on each tick's
    reading, `spike` adds phantom tips."""

    def __init__(self, rng: random.Random, tip_ml: float) -> None:
        self.rng = rng
        self.tip_ml = tip_ml
        self.bucket_ml = 0.0
        self.fault: str | None = None
        self.fault_value: float | None = None

    def set_fault(self, kind, value):
        self.fault = kind
        self.fault_value = value

    def clear_fault(self):
        self.fault = None
        self.fault_value = None

    def read(self, collected_ml: float) -> float | None:
        self.bucket_ml += collected_ml
        tips = int(self.bucket_ml // self.tip_ml)
        self.bucket_ml -= tips * self.tip_ml
        value = tips * self.tip_ml
        fault = self.fault
        if fault is None:
            return value
        if fault == "dropout":
            return None
        if fault == "stuck":
            return self.fault_value or 0.0
        if fault == "offset":
            value += self.fault_value or 0.0
        elif fault == "noise":
            value += self.rng.gauss(0.0, self.fault_value or 0.0)
        elif fault == "spike" and self.rng.random() < SPIKE_PROBABILITY:
            value += 10.0 * self.tip_ml if self.fault_value is None else self.fault_value
        return max(0.0, round(value / self.tip_ml) * self.tip_ml)


class IrrigationSensors:
    """The root zone's and the mixer's sensors, on their own noise stream."""

    def __init__(
        self,
        seed: int,
        substrate_pct: float,
        ec_ms_cm: float,
        ph: float,
        drain_tip_ml: float,
        probes: int = 1,
    ) -> None:
        rng = random.Random(seed + IRRIGATION_SEED)
        # Slab water-content probe (FDR/TDR, e.g. Grodan GroSens): 0.1 % steps, a little noise.
        self.substrate = Sensor(rng, 0.3, 0.0, 0.1, 0.0, 100.0, substrate_pct)
        # Pulse flow meter: ~0.5 % of a group's flow; it reads 0 while nothing flows.
        self.flow = Sensor(rng, 1.0, 0.0, 0.1, 0.0, 10000.0, 0.0)
        self.drain = DrainGauge(rng, drain_tip_ml)
        # EC and pH probes in the mixer's sensor line: the electrodes' own response of seconds.
        self.ec = Sensor(rng, 0.02, 5.0, 0.01, 0.0, 20.0, ec_ms_cm)
        self.ph = Sensor(rng, 0.02, 10.0, 0.01, 0.0, 14.0, ph)
        self.by_target: dict[str, Any] = {
            "substrate": self.substrate,
            "flow": self.flow,
            "drain": self.drain,
            "ec": self.ec,
            "ph": self.ph,
        }
        # A second EC and pH probe beside the first (Priva's double measurement), where fitted.
        self.ec2: Sensor | None = None
        self.ph2: Sensor | None = None
        if probes == 2:
            self.ec2 = Sensor(rng, 0.02, 5.0, 0.01, 0.0, 20.0, ec_ms_cm)
            self.ph2 = Sensor(rng, 0.02, 10.0, 0.01, 0.0, 14.0, ph)
            self.by_target["ec2"] = self.ec2
            self.by_target["ph2"] = self.ph2

    def read_into(
        self,
        meas: Measurements,
        substrate_pct: float,
        flow_l_min: float,
        drain_ml: float,
        ec_ms_cm: float,
        ph: float,
        dt_s: float,
    ) -> None:
        meas.substrate_pct = self.substrate.read(substrate_pct, dt_s)
        flow = self.flow.read(flow_l_min, dt_s)
        if flow_l_min == 0.0 and self.flow.fault is None:
            flow = 0.0  # no pulses
        meas.flow_l_min = flow
        meas.drain_ml = self.drain.read(drain_ml)
        meas.ec_ms_cm = self.ec.read(ec_ms_cm, dt_s)
        meas.ph = self.ph.read(ph, dt_s)
        if self.ec2 is not None and self.ph2 is not None:
            meas.ec2_ms_cm = self.ec2.read(ec_ms_cm, dt_s)
            meas.ph2 = self.ph2.read(ph, dt_s)

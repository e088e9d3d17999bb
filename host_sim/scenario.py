"""Scenario files: TOML, parsed strictly.

An unknown key, a missing required key, a wrong type or a bad value raises
ScenarioError naming the file, the dotted key and what is allowed, e.g.

    zichuan-rose-winter.toml: weather.clearness must be a number in 0..1, got 1.5

Fault entries are counted from 1, as a user counts them in the file: the
first [[faults]] table is faults[1].

The keys are declared in tables below (checker, default); the few rules that
tie keys together (preset or file, fault kind per target, faults inside the
run) are small functions after them.
"""

import dataclasses
import datetime
import math
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import host_sim  # noqa: F401  (firmware/ on the path: the settings schema is the core's)
from core.settings import entries as settings_entries

SCENARIO_DIR = Path(__file__).parent / "scenarios"
WEATHER_CACHE_DIR = Path(__file__).resolve().parent.parent / ".cache" / "weather"
START_FORMAT = "%Y-%m-%dT%H:%M"
START_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")  # strptime alone accepts "2026-1-5T0:0"
MAX_DAYS = 400.0

# Fault targets and the kinds each allows.  The root zone's (substrate, flow,
# drain, ec, ph, irrigation_pump) need an [irrigation] table.
SENSOR_TARGETS = ("air_temp", "air_temp_2", "air_rh", "supply_temp", "radiation",
                  "substrate", "flow", "drain", "ec", "ph", "ec2", "ph2")  # fmt: skip
VALVE_TARGETS = ("heat_valve", "cool_valve", "vent")
EQUIPMENT_TARGETS = ("heat_pump", "mine_water_pump", "irrigation_pump")
IRRIGATION_TARGETS = ("substrate", "flow", "drain", "ec", "ph", "ec2", "ph2", "irrigation_pump")
SENSOR_KINDS = ("dropout", "stuck", "spike", "offset", "noise")  # dropout: reads fail (OSError on the node)
FAULT_GROUPS = {  # group: (targets, kinds allowed for each of them)
    "sensor": (SENSOR_TARGETS, SENSOR_KINDS),
    "valve": (VALVE_TARGETS, ("stuck_valve",)),
    "equipment": (EQUIPMENT_TARGETS, ("trip",)),
}
FAULT_KINDS = {target: kinds for targets, kinds in FAULT_GROUPS.values() for target in targets}
FAULT_GROUP_OF = {target: group for group, (targets, _) in FAULT_GROUPS.items() for target in targets}
KINDS_NEEDING_VALUE = {  # kind: what its value means
    "offset": "added to every reading, in the sensor's unit",
    "noise": "the standard deviation of noise added to every reading, >= 0",
}

# Mean air height by type: a gutter-high glasshouse; a low, arched film house.
DEFAULT_HEIGHT_M = {"venlo": 5.0, "solar": 3.0}


class ScenarioError(ValueError):
    pass


@dataclass(frozen=True)
class WeatherSpec:
    preset: str | None
    file: Path | None  # absolute, resolved
    # Overrides of the preset's own figures (None: the preset's).
    t_mean_c: float | None
    t_swing_c: float | None
    rh_mean_pct: float | None
    clearness: float | None
    wind_m_s: float | None


@dataclass(frozen=True)
class GreenhouseSpec:
    type: str  # "venlo" | "solar"
    area_m2: float
    cover_u_w_m2k: float
    height_m: float
    vents: bool
    screen: bool  # for "solar": the night insulation quilt
    air_sensors: int = 1  # 2: a second aspirated air sensor stands in for the first


@dataclass(frozen=True)
class HeatingSpec:
    heat_pump_kw: float
    mine_water_c: float
    supply_max_c: float


@dataclass(frozen=True)
class CoolingSpec:
    fan_coil_kw: float
    heat_pump_reverse: bool
    fog_l_m2h: float = 0.0  # high-pressure fog, litres per m2 floor per hour at full output; 0: none


@dataclass(frozen=True)
class PowerSpec:
    """The site's power signal (on-site PV, pumped storage, a virtual power
    plant): daily windows in hours of solar time, from <= hour < to; equal
    ends mean no window."""

    cap_pct: float  # the heat pump's electric power allowed in the cap window, % of rated
    cap_from_h: float
    cap_to_h: float
    surplus_from_h: float  # power is plentiful (PV at noon, cheap night power)
    surplus_to_h: float


@dataclass(frozen=True)
class CropSpec:
    kind: str  # "rose" | "tomato"
    # The grower's setpoints for this season, degC and K (None: the crop
    # profile's, core/crops.py).  Every controller and the metrics use them.
    day_c: float | None = None
    night_c: float | None = None
    vent_offset_k: float | None = None


@dataclass(frozen=True)
class IrrigationSpec:
    """Drip irrigation and fertigation (host_sim/irrigation.py): valve groups
    fed in turn by one pump, a root zone per group (host_sim/rootzone.py), a
    mixer for raw mine water, A/B stock and acid (host_sim/mixer.py), and the
    timer baseline's settings (host_sim/irrigation_baseline.py)."""

    groups: int
    group_area_m2: float  # each group's floor area
    dripper_l_h: float  # pressure-compensating dripper flow
    drippers_per_m2: float
    pump_l_min: float  # the irrigation pump's capacity: a group needing more gets this
    medium: str  # "stone_wool" | "coir" | "soil": the defaults of the substrate figures
    substrate_l_m2: float  # substrate (or wetted soil) volume per m2 of floor
    capacity_pct: float  # water content at container (field) capacity, volume %
    saturation_pct: float
    stress_pct: float  # uptake falls below this water content ...
    wilting_pct: float  # ... to nothing here
    drain_tau_min: float  # time constant of the drain above capacity
    start_pct: float  # water content at the start of the run
    start_ec_ms_cm: float  # root-zone EC at the start
    uptake_ec_ms_cm: float  # EC of what the crop takes up with its water
    raw_ec_ms_cm: float  # the mine water as it comes
    raw_ph: float
    raw_alkalinity_mmol_l: float  # HCO3-
    stock_ec_per_ml_l: float  # EC rise per mL of A + B stock per L of water
    dose_pump_l_h: float  # A and B dosing pumps, each, at 100 % duty
    acid_pump_l_h: float
    acid_mol_l: float  # H+ per L of acid stock
    mixing_l: float  # water between the injection point and the EC/pH sensors
    drain_catchment_m2: float  # floor area of group 1 whose drain the gauge catches
    drain_tip_ml: float  # the tipping bucket's volume per tip
    probes: int  # EC and pH probes of each after the mixer: 2 cross-check each other
    ec_limit_ms_cm: float  # hard limits on the supply: EC above ...
    ph_min: float  # ... or pH below is a violation (metric ec_limit_violations)
    target_ec_ms_cm: float  # the crop's supply targets: the timer's injector is sized for these
    target_ph: float
    timer_starts: int  # the timer baseline: starts a day, evenly from timer_from_h to timer_to_h
    timer_from_h: float
    timer_to_h: float
    timer_dose_ml_m2: float  # per start and group
    design_raw_ec_ms_cm: float  # the raw water the timer's injector was sized for
    design_alkalinity_mmol_l: float


@dataclass(frozen=True)
class FaultSpec:
    start_h: float
    duration_h: float
    target: str
    kind: str
    value: float | None


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    days: float
    seed: int
    control_period_s: int
    start: datetime.datetime  # local solar time
    latitude: float
    weather: WeatherSpec
    greenhouse: GreenhouseSpec
    heating: HeatingSpec
    cooling: CoolingSpec
    crop: CropSpec
    power: PowerSpec
    irrigation: IrrigationSpec | None  # None: no irrigation simulated
    settings: tuple[tuple[str, float], ...]  # (key, value in its unit), sorted: core/settings.py
    faults: tuple[FaultSpec, ...]
    path: Path | None
    # The name errors give (the file's name); not part of the scenario itself.
    source: str = dataclasses.field(default="<string>", compare=False)

    def replace(self, **changes):
        """A copy with some keys changed (dataclasses.replace), validated like a file."""
        unknown = sorted(set(changes) - set(TOP_KEYS) - set(TABLE_KEYS))
        if unknown:
            allowed = ", ".join(sorted([*TOP_KEYS, *TABLE_KEYS]))
            raise ScenarioError(f"{self.source}: unknown key {unknown[0]} (allowed: {allowed})")
        changed = dataclasses.replace(self, **changes)
        base_dir = self.path.parent if self.path else None
        return _build(_as_data(changed), self.source, base_dir, self.path)


# -- checkers: each returns the value or raises _Bad; `allowed` says what passes --


class _Bad(Exception):
    pass


def _bound(number):
    """1000000 rather than 1e+06; 0.5 rather than 0.50000."""
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


@dataclass(frozen=True)
class Number:
    """int or float (not bool), finite, within low..high; stored as float."""

    low: float | None = None
    high: float | None = None
    low_open: bool = False  # the low bound itself is not allowed

    @property
    def allowed(self):
        if self.low is None:
            return "a finite number"
        if self.high is None:
            return f"a number {'>' if self.low_open else '>='} {_bound(self.low)}"
        above = f" (above {_bound(self.low)})" if self.low_open else ""
        return f"a number in {_bound(self.low)}..{_bound(self.high)}{above}"

    def __call__(self, value):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise _Bad
        too_low = self.low is not None and (value < self.low or (self.low_open and value == self.low))
        too_high = self.high is not None and value > self.high
        if too_low or too_high:
            raise _Bad
        return float(value)


@dataclass(frozen=True)
class Integer:
    low: int
    high: int | None = None

    @property
    def allowed(self):
        return f"an integer >= {self.low}" if self.high is None else f"an integer in {self.low}..{self.high}"

    def __call__(self, value):
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Bad
        if value < self.low or (self.high is not None and value > self.high):
            raise _Bad
        return value


@dataclass(frozen=True)
class Choice:
    """One of some strings, listed in the given order; `values` may be a function, called when needed."""

    values: tuple | Callable

    def options(self):
        return self.values() if callable(self.values) else self.values

    @property
    def allowed(self):
        return f"one of {', '.join(self.options())}"

    def __call__(self, value):
        if not isinstance(value, str) or value not in self.options():
            raise _Bad
        return value


@dataclass(frozen=True)
class Boolean:
    allowed = "true or false"

    def __call__(self, value):
        if not isinstance(value, bool):
            raise _Bad
        return value


@dataclass(frozen=True)
class Text:
    non_empty: bool = False

    @property
    def allowed(self):
        return "a non-empty string" if self.non_empty else "a string"

    def __call__(self, value):
        if not isinstance(value, str) or (self.non_empty and not value.strip()):
            raise _Bad
        return value


@dataclass(frozen=True)
class StartTime:
    allowed = 'a string "YYYY-MM-DDTHH:MM" in local solar time, e.g. "2026-01-10T00:00"'

    def __call__(self, value):
        if not isinstance(value, str) or not START_PATTERN.fullmatch(value):
            raise _Bad
        try:
            return datetime.datetime.strptime(value, START_FORMAT)
        except ValueError:  # well formed but no such date or time: 2026-02-30, 25:00
            raise _Bad from None


@dataclass(frozen=True)
class EpwPath:
    allowed = "a path to an .epw file"

    def __call__(self, value):
        if not isinstance(value, str) or not value.lower().endswith(".epw"):
            raise _Bad
        return value  # resolved against the scenario's folder and the cache later


@dataclass(frozen=True)
class Later:
    """A key checked together with others, after the table is read."""

    allowed: str

    def __call__(self, value):
        return value


def _fault_kinds_summary():
    return "one of the kinds its target allows: " + "; ".join(
        f"{', '.join(kinds)} for {group} targets" for group, (_, kinds) in FAULT_GROUPS.items()
    )


def _preset_names():
    # host_sim.weather imports numpy and is built alongside: import it only when a preset is checked.
    from host_sim.weather import PRESETS

    return tuple(sorted(PRESETS))


# -- the keys: name -> (checker, default); REQUIRED, or None for "not given" --

REQUIRED = object()
TOP_KEYS = {
    "name": (Text(non_empty=True), REQUIRED),
    "description": (Text(), ""),
    "days": (Number(0.0, MAX_DAYS, low_open=True), REQUIRED),
    "seed": (Integer(0), 1),
    "control_period_s": (Integer(1, 600), 10),
    "start": (StartTime(), REQUIRED),
    "latitude": (Number(-66.0, 66.0), REQUIRED),  # inside the polar circles: the sun rises every day
}
WEATHER_OVERRIDES = {
    "t_mean_c": (Number(-40.0, 45.0), None),
    "t_swing_c": (Number(0.0, 30.0), None),
    "rh_mean_pct": (Number(5.0, 100.0), None),
    "clearness": (Number(0.0, 1.0), None),
    "wind_m_s": (Number(0.0, 30.0), None),
}
WEATHER_KEYS = {
    "preset": (Choice(_preset_names), None),
    "file": (EpwPath(), None),
    **WEATHER_OVERRIDES,
}
GREENHOUSE_KEYS = {
    "type": (Choice(("venlo", "solar")), REQUIRED),
    "area_m2": (Number(10.0, 1e6), REQUIRED),
    "cover_u_w_m2k": (Number(0.5, 15.0), REQUIRED),
    "height_m": (Number(1.0, 10.0), None),  # None: DEFAULT_HEIGHT_M of the type
    "vents": (Boolean(), True),
    "screen": (Boolean(), True),
    "air_sensors": (Integer(1, 2), 1),
}
HEATING_KEYS = {
    "heat_pump_kw": (Number(0.0, 1e5), REQUIRED),  # thermal output
    "mine_water_c": (Number(5.0, 30.0), 15.0),
    "supply_max_c": (Number(25.0, 80.0), 50.0),
}
COOLING_KEYS = {
    "fan_coil_kw": (Number(0.0, 1e5), 0.0),
    "heat_pump_reverse": (Boolean(), False),
    "fog_l_m2h": (Number(0.0, 2.0), 0.0),
}
CROP_KEYS = {
    "kind": (Choice(("rose", "tomato")), REQUIRED),
    # The ranges of core/settings.py's air.day_c, air.night_c and air.vent_offset_k.
    "day_c": (Number(5.0, 35.0), None),
    "night_c": (Number(5.0, 35.0), None),
    "vent_offset_k": (Number(0.5, 10.0), None),
}
POWER_KEYS = {
    "cap_pct": (Number(0.0, 100.0), 100.0),
    "cap_from_h": (Number(0.0, 24.0), 0.0),
    "cap_to_h": (Number(0.0, 24.0), 0.0),
    "surplus_from_h": (Number(0.0, 24.0), 0.0),
    "surplus_to_h": (Number(0.0, 24.0), 0.0),
}
# None: the medium's figure (rootzone.MEDIA), the crop's (crop.FERTIGATION),
# or one derived from other keys (_check_irrigation).
IRRIGATION_KEYS = {
    "groups": (Integer(1, 32), 4),
    "group_area_m2": (Number(1.0, 1e6), None),  # None: the greenhouse's area / groups
    "dripper_l_h": (Number(0.2, 20.0), 2.0),
    "drippers_per_m2": (Number(0.2, 20.0), 4.0),
    "pump_l_min": (Number(1.0, 1e5), 200.0),
    "medium": (Choice(("stone_wool", "coir", "soil")), "stone_wool"),
    "substrate_l_m2": (Number(1.0, 1000.0), None),
    "capacity_pct": (Number(5.0, 95.0), None),
    "saturation_pct": (Number(5.0, 100.0), None),
    "stress_pct": (Number(1.0, 95.0), None),
    "wilting_pct": (Number(0.0, 95.0), None),
    "drain_tau_min": (Number(0.5, 1440.0), None),
    "start_pct": (Number(0.0, 100.0), None),  # None: 5 points under capacity
    "start_ec_ms_cm": (Number(0.0, 20.0), None),  # None: 1 mS/cm over the crop's target
    "uptake_ec_ms_cm": (Number(0.0, 10.0), None),
    "raw_ec_ms_cm": (Number(0.0, 10.0), 1.2),
    "raw_ph": (Number(3.0, 8.3), 7.8),  # the bicarbonate model holds below ~8.3
    "raw_alkalinity_mmol_l": (Number(0.0, 20.0), 5.0),
    "stock_ec_per_ml_l": (Number(0.001, 1.0), 0.1),
    "dose_pump_l_h": (Number(0.1, 1e4), 80.0),
    "acid_pump_l_h": (Number(0.1, 1e4), 40.0),
    "acid_mol_l": (Number(0.01, 20.0), 2.0),
    "mixing_l": (Number(1.0, 1e4), 80.0),
    "drain_catchment_m2": (Number(0.1, 1000.0), 4.0),
    "drain_tip_ml": (Number(1.0, 1000.0), 20.0),
    "probes": (Integer(1, 2), 1),
    "ec_limit_ms_cm": (Number(0.5, 20.0), 4.0),
    "ph_min": (Number(2.0, 7.0), 4.5),
    "target_ec_ms_cm": (Number(0.1, 10.0), None),
    "target_ph": (Number(4.0, 8.0), None),
    "timer_starts": (Integer(1, 48), 6),
    "timer_from_h": (Number(0.0, 24.0), 8.0),
    "timer_to_h": (Number(0.0, 24.0), 16.0),
    "timer_dose_ml_m2": (Number(10.0, 5000.0), 250.0),
    "design_raw_ec_ms_cm": (Number(0.0, 10.0), None),  # None: raw_ec_ms_cm
    "design_alkalinity_mmol_l": (Number(0.0, 20.0), None),  # None: raw_alkalinity_mmol_l
}
FAULT_KEYS = {
    "start_h": (Number(0.0), REQUIRED),  # and before the end of the run: _check_fault
    "duration_h": (Number(0.0, low_open=True), REQUIRED),
    "target": (Choice(tuple(FAULT_KINDS)), REQUIRED),
    "kind": (Later(_fault_kinds_summary()), REQUIRED),  # which kinds depends on the target: _check_fault
    "value": (Number(), None),
}
# table: (keys, required?)
TABLE_KEYS = {
    "weather": (WEATHER_KEYS, True),
    "greenhouse": (GREENHOUSE_KEYS, True),
    "heating": (HEATING_KEYS, True),
    "cooling": (COOLING_KEYS, False),
    "crop": (CROP_KEYS, True),
    "power": (POWER_KEYS, False),
    "irrigation": (IRRIGATION_KEYS, False),  # absent: no irrigation simulated
    "settings": ({}, False),  # the firmware's settings: _settings
    "faults": (FAULT_KEYS, False),  # an array of tables
}


# -- reading tables --


def _shown(value):
    """A value as the user wrote it in TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, datetime.date | datetime.time):
        return f"{value.isoformat()} (a TOML date-time, not a string)"
    return repr(value)


def _check(source, key, value, checker):
    try:
        return checker(value)
    except _Bad:
        raise ScenarioError(f"{source}: {key} must be {checker.allowed}, got {_shown(value)}") from None


def _read_table(source, prefix, data, keys):
    """The values of one table by key, checked, with defaults filled in."""
    unknown = sorted(set(data) - set(keys))
    if unknown:
        raise ScenarioError(
            f"{source}: unknown key {_dotted(prefix, unknown[0])} (allowed: {', '.join(sorted(keys))})"
        )
    values = {}
    for key, (checker, default) in keys.items():
        dotted = _dotted(prefix, key)
        if key in data:
            values[key] = _check(source, dotted, data[key], checker)
        elif default is REQUIRED:
            raise ScenarioError(f"{source}: missing required key {dotted} ({checker.allowed})")
        else:
            values[key] = default
    return values


def _dotted(prefix, key):
    return f"{prefix}.{key}" if prefix else key


def _sub_table(source, name, data):
    """data[name] as a table: {} when absent and optional."""
    keys, required = TABLE_KEYS[name]
    if name not in data:
        if required:
            raise ScenarioError(
                f"{source}: missing required table [{name}] (keys: {', '.join(sorted(keys))})"
            )
        return {}
    table = data[name]
    if not isinstance(table, dict):
        raise ScenarioError(f"{source}: {name} must be a table ([{name}]), got {_shown(table)}")
    return table


# -- rules between keys --


def _check_weather(source, weather, base_dir):
    given = [key for key in ("preset", "file") if weather[key] is not None]
    if len(given) != 1:
        got = "both" if given else "neither"
        raise ScenarioError(
            f"{source}: weather needs exactly one of weather.preset or weather.file, got {got}"
        )
    if weather["file"] is not None:
        overrides = [key for key in WEATHER_OVERRIDES if weather[key] is not None]
        if overrides:
            raise ScenarioError(
                f"{source}: weather.{overrides[0]} overrides a preset's figures: allowed only with "
                f"weather.preset, not with weather.file (an .epw file has its own weather)"
            )
        weather["file"] = _resolve_epw(source, weather["file"], base_dir)
    return weather


def _resolve_epw(source, name, base_dir):
    """An existing .epw: absolute, or relative to the scenario's folder, then to the weather cache."""
    path = Path(name).expanduser()
    if path.is_absolute():
        places = [path.parent]
    else:
        places = [Path(base_dir)] if base_dir is not None else []
        places.append(WEATHER_CACHE_DIR)
    for place in places:
        candidate = (place / path).resolve()
        if candidate.is_file():
            return candidate
    looked = ", ".join(str(place) for place in places)
    raise ScenarioError(f"{source}: weather.file {name!r} not found (looked in {looked})")


def _check_greenhouse(greenhouse):
    if greenhouse["height_m"] is None:
        greenhouse["height_m"] = DEFAULT_HEIGHT_M[greenhouse["type"]]
    return greenhouse


def _check_irrigation(source, irrigation, greenhouse, crop_kind):
    """Fill the defaults that depend on the medium, the crop and the house; check the rules between keys."""
    from host_sim.crop import FERTIGATION
    from host_sim.rootzone import MEDIA

    for defaults in (MEDIA[irrigation["medium"]], FERTIGATION[crop_kind]):
        for key, value in defaults.items():
            if irrigation[key] is None:
                irrigation[key] = value
    i = irrigation
    order = ("wilting_pct", "stress_pct", "capacity_pct", "saturation_pct")
    if not i["wilting_pct"] < i["stress_pct"] <= i["capacity_pct"] < i["saturation_pct"]:
        got = " < ".join(f"{i[key]:g}" for key in order)
        raise ScenarioError(
            f"{source}: irrigation needs wilting_pct < stress_pct <= capacity_pct < saturation_pct "
            f"(with medium {i['medium']}'s defaults for those not given), got {got}"
        )
    if i["start_pct"] is None:
        i["start_pct"] = i["capacity_pct"] - 5.0
    if not i["wilting_pct"] <= i["start_pct"] <= i["saturation_pct"]:
        raise ScenarioError(
            f"{source}: irrigation.start_pct must be in {i['wilting_pct']:g}..{i['saturation_pct']:g} "
            f"(wilting_pct..saturation_pct), got {i['start_pct']:g}"
        )
    if i["start_ec_ms_cm"] is None:
        i["start_ec_ms_cm"] = i["target_ec_ms_cm"] + 1.0
    if i["group_area_m2"] is None:
        i["group_area_m2"] = greenhouse.area_m2 / i["groups"]
    elif i["group_area_m2"] * i["groups"] > greenhouse.area_m2 * (1.0 + 1e-9):
        raise ScenarioError(
            f"{source}: irrigation.group_area_m2 x groups must be at most greenhouse.area_m2 "
            f"({greenhouse.area_m2:g}), got {i['group_area_m2']:g} x {i['groups']}"
        )
    if i["drain_catchment_m2"] > i["group_area_m2"]:
        raise ScenarioError(
            f"{source}: irrigation.drain_catchment_m2 must be at most group_area_m2 "
            f"({i['group_area_m2']:g}), got {i['drain_catchment_m2']:g}"
        )
    for key, raw in (
        ("design_raw_ec_ms_cm", "raw_ec_ms_cm"),
        ("design_alkalinity_mmol_l", "raw_alkalinity_mmol_l"),
    ):
        if i[key] is None:
            i[key] = i[raw]
    if i["timer_starts"] > 1 and not i["timer_from_h"] < i["timer_to_h"]:
        raise ScenarioError(
            f"{source}: irrigation.timer_to_h must be after timer_from_h ({i['timer_from_h']:g}) "
            f"when timer_starts > 1, got {i['timer_to_h']:g}"
        )
    spec = IrrigationSpec(**i)
    from host_sim.irrigation_baseline import injector_pct, round_min

    round_time_min = round_min(spec)
    if spec.timer_starts > 1:
        interval_min = (spec.timer_to_h - spec.timer_from_h) * 60.0 / (spec.timer_starts - 1)
        if round_time_min > interval_min:
            raise ScenarioError(
                f"{source}: irrigation.timer_dose_ml_m2 must fit a round of the {spec.groups} groups between "
                f"two timer starts ({interval_min:g} min), got {spec.timer_dose_ml_m2:g} mL/m2: "
                f"{round_time_min:.1f} min a round"
            )
    ab_pct, acid_pct = injector_pct(spec)
    for key, pct in (("dose_pump_l_h", ab_pct), ("acid_pump_l_h", acid_pct)):
        if pct > 100.0:
            raise ScenarioError(
                f"{source}: irrigation.{key} is too small for the timer's injector to reach the target "
                f"(target_ec_ms_cm {spec.target_ec_ms_cm:g}, target_ph {spec.target_ph:g}) at the design "
                f"raw water: it needs {pct:.0f} % duty, got {getattr(spec, key):g} L/h"
            )
    return spec


def _check_fault(source, prefix, fault, days, air_sensors, irrigated):
    """irrigated: the scenario's IrrigationSpec, or None."""
    target, kind, value = fault["target"], fault["kind"], fault["value"]
    if target == "air_temp_2" and air_sensors < 2:
        raise ScenarioError(
            f"{source}: {prefix}.target air_temp_2 needs a second air sensor (greenhouse.air_sensors = 2)"
        )
    if target in IRRIGATION_TARGETS and irrigated is None:
        raise ScenarioError(f"{source}: {prefix}.target {target} needs an [irrigation] table")
    if target in ("ec2", "ph2") and irrigated.probes < 2:
        raise ScenarioError(
            f"{source}: {prefix}.target {target} needs a second probe (irrigation.probes = 2)"
        )
    kinds = FAULT_KINDS[target]
    if not isinstance(kind, str) or kind not in kinds:
        raise ScenarioError(
            f"{source}: {prefix}.kind must be one of {', '.join(sorted(kinds))} "
            f"(for {FAULT_GROUP_OF[target]} target {target}), got {_shown(kind)}"
        )
    if kind in KINDS_NEEDING_VALUE and value is None:
        raise ScenarioError(
            f"{source}: {prefix}.value is required for kind {kind} (a number: {KINDS_NEEDING_VALUE[kind]})"
        )
    if kind == "noise" and value < 0:
        raise ScenarioError(
            f"{source}: {prefix}.value must be a number >= 0 for kind noise, got {_shown(value)}"
        )
    end_h = days * 24
    if fault["start_h"] >= end_h:
        raise ScenarioError(
            f"{source}: {prefix}.start_h must be before the end of the run, 0 <= start_h < {end_h:g} "
            f"(days * 24), got {fault['start_h']:g}"
        )
    return fault


def _faults(source, data, days, air_sensors, irrigated):
    entries = data.get("faults", [])
    if not isinstance(entries, list):
        raise ScenarioError(
            f"{source}: faults must be an array of tables ([[faults]]), got {_shown(entries)}"
        )
    faults = []
    for number, entry in enumerate(entries, start=1):
        prefix = f"faults[{number}]"
        if not isinstance(entry, dict):
            raise ScenarioError(
                f"{source}: {prefix} must be a table (a [[faults]] entry), got {_shown(entry)}"
            )
        fault = _read_table(source, prefix, entry, FAULT_KEYS)
        faults.append(FaultSpec(**_check_fault(source, prefix, fault, days, air_sensors, irrigated)))
    return tuple(faults)


# [settings]: the firmware controller's settings (core/settings.py) in their
# units, e.g. `"air.heat.kp" = 4.0` or `screen.shade_w_m2 = 700`.  Not the
# crop's setpoints and limits: the metrics judge every controller by those.
TUNABLE = {item[0]: item for item in settings_entries() if not item[1].startswith("crop.")}


def _flatten(table, prefix=""):
    flat = {}
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, dotted + "."))
        else:
            flat[dotted] = value
    return flat


def _settings(source, data):
    table = data.get("settings", {})
    if not isinstance(table, dict):
        raise ScenarioError(f"{source}: settings must be a table ([settings]), got {_shown(table)}")
    return settings_from(source, _flatten(table))


def settings_from(source, flat):
    """The (key, value) pairs of a flat {dotted key: value in its unit}, checked."""
    values = []
    for key, value in sorted(flat.items()):
        if key not in TUNABLE:
            raise ScenarioError(f"{source}: unknown key settings.{key} (allowed: {', '.join(TUNABLE)})")
        _, _, low, high, scale, unit, _ = TUNABLE[key]
        number = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        if not number or not low / scale <= value <= high / scale:
            raise ScenarioError(
                f"{source}: settings.{key} must be a number in {low / scale:g}..{high / scale:g} {unit}, "
                f"got {_shown(value)}"
            )
        values.append((key, float(value)))
    return tuple(values)


# -- whole scenarios --


def _build(data, source, base_dir, path):
    """A Scenario from the parsed TOML document."""
    unknown = sorted(set(data) - set(TOP_KEYS) - set(TABLE_KEYS))
    if unknown:
        allowed = ", ".join(sorted([*TOP_KEYS, *TABLE_KEYS]))
        raise ScenarioError(f"{source}: unknown key {unknown[0]} (allowed: {allowed})")
    top = _read_table(source, "", {key: data[key] for key in TOP_KEYS if key in data}, TOP_KEYS)

    def table(name):
        return _read_table(source, name, _sub_table(source, name, data), TABLE_KEYS[name][0])

    weather = _check_weather(source, table("weather"), base_dir)
    greenhouse = GreenhouseSpec(**_check_greenhouse(table("greenhouse")))
    crop = CropSpec(**table("crop"))
    irrigation = None
    if data.get("irrigation") is not None:
        irrigation = _check_irrigation(source, table("irrigation"), greenhouse, crop.kind)
    return Scenario(
        **top,
        weather=WeatherSpec(**weather),
        greenhouse=greenhouse,
        heating=HeatingSpec(**table("heating")),
        cooling=CoolingSpec(**table("cooling")),
        crop=crop,
        power=PowerSpec(**table("power")),
        irrigation=irrigation,
        settings=_settings(source, data),
        faults=_faults(source, data, top["days"], greenhouse.air_sensors, irrigation),
        path=path,
        source=source,
    )


def _as_data(scenario):
    """A scenario back as the TOML document it could come from, to re-validate after replace()."""
    data = {key: getattr(scenario, key) for key in TOP_KEYS}
    start = scenario.start
    if isinstance(start, datetime.datetime) and start.second == start.microsecond == 0 and not start.tzinfo:
        data["start"] = start.isoformat(timespec="minutes")  # a datetime finer than minutes stays, and fails
    for name in TABLE_KEYS:
        value = getattr(scenario, name)
        if name == "settings":
            data[name] = dict(value) if isinstance(value, tuple) else value
        elif name == "faults":
            entries = isinstance(value, tuple | list)
            data[name] = [_spec_as_table(fault) for fault in value] if entries else value
        elif value is None and name == "irrigation":
            continue  # not simulated
        else:
            data[name] = _spec_as_table(value)
    return data


def _spec_as_table(spec):
    if not dataclasses.is_dataclass(spec):
        return spec  # a dict (or a mistake) passed to replace(): checked like a table
    table = {key: value for key, value in vars(spec).items() if value is not None}
    return {key: str(value) if isinstance(value, Path) else value for key, value in table.items()}


def parse_scenario(text, source="<string>", base_dir=None, path=None):
    """A Scenario from TOML text; source names it in errors, base_dir resolves a relative weather.file."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(f"{source}: not valid TOML: {error}") from None
    return _build(data, source, base_dir, path)


def scenario_names():
    return sorted(path.stem for path in SCENARIO_DIR.glob("*.toml"))


def load_scenario(name_or_path):
    """A shipped scenario by name ("zichuan-rose-winter"), or a .toml file by path."""
    text = str(name_or_path)
    is_path = isinstance(name_or_path, Path) or text.endswith(".toml") or "/" in text or "\\" in text
    path = Path(name_or_path) if is_path else SCENARIO_DIR / f"{text}.toml"
    if not path.is_file():
        shipped = ", ".join(scenario_names())
        what = f"no scenario file {text!r}" if is_path else f"no scenario {text!r}"
        raise ScenarioError(f"{what} (shipped: {shipped})")
    try:
        content = path.read_bytes().decode("utf-8")
    except OSError as error:
        raise ScenarioError(f"{path.name}: cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"{path.name}: not valid TOML: not UTF-8 text") from None
    return parse_scenario(content, source=path.name, base_dir=path.parent, path=path.resolve())

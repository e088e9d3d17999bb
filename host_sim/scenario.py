"""Scenario files: TOML, parsed strictly.

An unknown key, a missing required key, a wrong type or a bad value raises
ScenarioError naming the file, the dotted key (faults[1].kind: fault entries
are counted from 1, as a user reads the file) and the allowed values."""

import dataclasses
import datetime
import tomllib
from dataclasses import dataclass
from pathlib import Path

SCENARIO_DIR = Path(__file__).parent / "scenarios"
WEATHER_CACHE_DIR = Path(__file__).resolve().parent.parent / ".cache" / "weather"
START_FORMAT = "%Y-%m-%dT%H:%M"

# Fault targets and the kinds each allows; later work adds targets here.
SENSOR_TARGETS = ("air_temp", "air_rh", "supply_temp", "radiation")
SENSOR_KINDS = ("dropout", "stuck", "spike", "offset", "noise")
VALVE_TARGETS = ("heat_valve", "cool_valve", "vent")
EQUIPMENT_TARGETS = ("heat_pump", "mine_water_pump")
FAULT_KINDS = {
    **{target: SENSOR_KINDS for target in SENSOR_TARGETS},
    **{target: ("stuck_valve",) for target in VALVE_TARGETS},
    **{target: ("trip",) for target in EQUIPMENT_TARGETS},
}
KINDS_NEEDING_VALUE = ("offset", "noise")


class ScenarioError(ValueError):
    pass


@dataclass(frozen=True)
class WeatherSpec:
    preset: str | None
    file: Path | None
    t_mean_c: float | None
    t_swing_c: float | None
    rh_mean_pct: float | None
    clearness: float | None
    wind_m_s: float | None


@dataclass(frozen=True)
class GreenhouseSpec:
    type: str
    area_m2: float
    cover_u_w_m2k: float
    height_m: float
    vents: bool
    screen: bool


@dataclass(frozen=True)
class HeatingSpec:
    heat_pump_kw: float
    mine_water_c: float
    supply_max_c: float


@dataclass(frozen=True)
class CoolingSpec:
    fan_coil_kw: float
    heat_pump_reverse: bool


@dataclass(frozen=True)
class CropSpec:
    kind: str


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
    start: datetime.datetime
    latitude: float
    weather: WeatherSpec
    greenhouse: GreenhouseSpec
    heating: HeatingSpec
    cooling: CoolingSpec
    crop: CropSpec
    faults: tuple
    path: Path | None
    source: str  # the name errors give: the file's name

    def replace(self, **changes):
        """A copy with some top-level keys changed, validated like a file."""
        source = self.source
        if "days" in changes:
            days = _check(source, "days", changes["days"], _number(0.0, 400.0, low_open=True))
            for index, fault in enumerate(self.faults, start=1):
                if fault.start_h >= days * 24:
                    raise ScenarioError(
                        f"{source}: faults[{index}].start_h must be before the end of the run "
                        f"(days * 24 = {days * 24:g} h), got {fault.start_h:g}"
                    )
            changes["days"] = days
        return dataclasses.replace(self, **changes)


# -- value checkers: each returns the value or raises with what is allowed --


class _Bad(Exception):
    pass


def _number(low, high, low_open=False):
    def check(value):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _Bad(f"must be a number in {low:g}..{high:g}" + (f" (above {low:g})" if low_open else ""))
        if value < low or value > high or (low_open and value == low):
            raise _Bad(f"must be a number in {low:g}..{high:g}" + (f" (above {low:g})" if low_open else ""))
        return float(value)

    return check


def _integer(low, high):
    def check(value):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise _Bad(f"must be an integer in {low}..{high}")
        return value

    return check


def _choice(*allowed):
    def check(value):
        if value not in allowed:
            raise _Bad(f"must be one of {', '.join(allowed)}")
        return value

    return check


def _boolean(value):
    if not isinstance(value, bool):
        raise _Bad("must be true or false")
    return value


def _text(value):
    if not isinstance(value, str) or not value.strip():
        raise _Bad("must be a non-empty string")
    return value


def _any_text(value):
    if not isinstance(value, str):
        raise _Bad("must be a string")
    return value


def _start(value):
    try:
        if not isinstance(value, str):
            raise ValueError
        return datetime.datetime.strptime(value, START_FORMAT)
    except ValueError:
        raise _Bad('must be a local solar time "YYYY-MM-DDTHH:MM", e.g. "2026-01-10T00:00"') from None


def _preset(value):
    from host_sim.weather import PRESETS

    return _choice(*PRESETS)(value)


REQUIRED = object()
# key: (checker, default or REQUIRED); a default None means "not given".
TOP = {
    "name": (_text, REQUIRED),
    "description": (_any_text, ""),
    "days": (_number(0.0, 400.0, low_open=True), REQUIRED),
    "seed": (_integer(0, 2**31 - 1), 1),
    "control_period_s": (_integer(1, 600), 10),
    "start": (_start, REQUIRED),
    "latitude": (_number(-66.0, 66.0), REQUIRED),
}
TABLES = ("weather", "greenhouse", "heating", "cooling", "crop", "faults")
WEATHER = {
    "preset": (_preset, None),
    "file": (_text, None),
    "t_mean_c": (_number(-40.0, 45.0), None),
    "t_swing_c": (_number(0.0, 30.0), None),
    "rh_mean_pct": (_number(5.0, 100.0), None),
    "clearness": (_number(0.0, 1.0), None),
    "wind_m_s": (_number(0.0, 30.0), None),
}
GREENHOUSE = {
    "type": (_choice("venlo", "solar"), REQUIRED),
    "area_m2": (_number(10.0, 1e6), REQUIRED),
    "cover_u_w_m2k": (_number(0.5, 15.0), REQUIRED),
    "height_m": (_number(1.0, 10.0), None),  # default by type
    "vents": (_boolean, True),
    "screen": (_boolean, True),
}
HEATING = {
    "heat_pump_kw": (_number(0.0, 1e5), REQUIRED),
    "mine_water_c": (_number(5.0, 30.0), 15.0),
    "supply_max_c": (_number(25.0, 80.0), 50.0),
}
COOLING = {
    "fan_coil_kw": (_number(0.0, 1e5), 0.0),
    "heat_pump_reverse": (_boolean, False),
}
CROP = {"kind": (_choice("rose", "tomato"), REQUIRED)}
FAULT = {
    "start_h": (_number(0.0, 400.0 * 24), REQUIRED),
    "duration_h": (_number(0.0, 400.0 * 24, low_open=True), REQUIRED),
    "target": (_choice(*FAULT_KINDS), REQUIRED),
    "kind": (_choice(*sorted({kind for kinds in FAULT_KINDS.values() for kind in kinds})), REQUIRED),
    "value": (_number(-1e4, 1e4), None),
}
DEFAULT_HEIGHT_M = {"venlo": 5.0, "solar": 3.0}


def _check(source, key, value, checker):
    try:
        return checker(value)
    except _Bad as bad:
        raise ScenarioError(f"{source}: {key} {bad}, got {value!r}") from None


def _table(source, prefix, data, schema):
    if not isinstance(data, dict):
        raise ScenarioError(f"{source}: {prefix} must be a table ([{prefix}])")
    unknown = sorted(set(data) - set(schema))
    if unknown:
        raise ScenarioError(
            f"{source}: unknown key {prefix}.{unknown[0]} (allowed: {', '.join(sorted(schema))})"
        )
    values = {}
    for key, (checker, default) in schema.items():
        dotted = f"{prefix}.{key}" if prefix else key
        if key in data:
            values[key] = _check(source, dotted, data[key], checker)
        elif default is REQUIRED:
            raise ScenarioError(f"{source}: missing required key {dotted}")
        else:
            values[key] = default
    return values


def _weather(source, data, base_dir):
    w = _table(source, "weather", data, WEATHER)
    if (w["preset"] is None) == (w["file"] is None):
        raise ScenarioError(f"{source}: weather needs exactly one of weather.preset or weather.file")
    overrides = [key for key in WEATHER if key not in ("preset", "file") and w[key] is not None]
    if w["file"] is not None:
        if overrides:
            raise ScenarioError(
                f"{source}: weather.{overrides[0]} overrides a preset and cannot be used with weather.file"
            )
        w["file"] = _resolve_epw(source, w["file"], base_dir)
    return WeatherSpec(**w)


def _resolve_epw(source, name, base_dir):
    places = [Path(base_dir or "."), WEATHER_CACHE_DIR]
    for place in places:
        candidate = (place / name).resolve()
        if candidate.is_file():
            return candidate
    looked = ", ".join(str(place) for place in places)
    raise ScenarioError(f"{source}: weather.file {name!r} not found (looked in {looked})")


def _fault(source, index, data, days):
    prefix = f"faults[{index}]"
    f = _table(source, prefix, data, FAULT)
    allowed = FAULT_KINDS[f["target"]]
    if f["kind"] not in allowed:
        raise ScenarioError(
            f"{source}: {prefix}.kind must be one of {', '.join(allowed)} (for target {f['target']}), "
            f"got {f['kind']!r}"
        )
    if f["kind"] in KINDS_NEEDING_VALUE and f["value"] is None:
        raise ScenarioError(f"{source}: {prefix}.value is required for kind {f['kind']}")
    if f["start_h"] >= days * 24:
        raise ScenarioError(
            f"{source}: {prefix}.start_h must be before the end of the run (days * 24 = {days * 24:g} h), "
            f"got {f['start_h']:g}"
        )
    return FaultSpec(**f)


def parse_scenario(text, source="<string>", base_dir=None, path=None):
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(f"{source}: not valid TOML: {error}") from None
    unknown = sorted(set(data) - set(TOP) - set(TABLES))
    if unknown:
        allowed = ", ".join(sorted([*TOP, *TABLES]))
        raise ScenarioError(f"{source}: unknown key {unknown[0]} (allowed: {allowed})")
    top = _table(source, "", {k: v for k, v in data.items() if k in TOP}, TOP)
    for table in ("weather", "greenhouse", "heating", "crop"):
        if table not in data:
            raise ScenarioError(f"{source}: missing required table [{table}]")
    greenhouse = _table(source, "greenhouse", data["greenhouse"], GREENHOUSE)
    if greenhouse["height_m"] is None:
        greenhouse["height_m"] = DEFAULT_HEIGHT_M[greenhouse["type"]]
    faults = data.get("faults", [])
    if not isinstance(faults, list):
        raise ScenarioError(f"{source}: faults must be an array of tables ([[faults]])")
    return Scenario(
        **top,
        weather=_weather(source, data["weather"], base_dir),
        greenhouse=GreenhouseSpec(**greenhouse),
        heating=HeatingSpec(**_table(source, "heating", data["heating"], HEATING)),
        cooling=CoolingSpec(**_table(source, "cooling", data.get("cooling", {}), COOLING)),
        crop=CropSpec(**_table(source, "crop", data["crop"], CROP)),
        faults=tuple(_fault(source, i, f, top["days"]) for i, f in enumerate(faults, start=1)),
        path=path,
        source=source,
    )


def scenario_names():
    return sorted(path.stem for path in SCENARIO_DIR.glob("*.toml"))


def load_scenario(name_or_path):
    """A shipped scenario by name, or a .toml file by path."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" or candidate.exists():
        path = candidate
    else:
        path = SCENARIO_DIR / f"{name_or_path}.toml"
        if not path.exists():
            raise ScenarioError(f"no scenario {name_or_path!r} (shipped: {', '.join(scenario_names())})")
    try:
        text = path.read_text()
    except OSError as error:
        raise ScenarioError(f"{path}: cannot read: {error.strerror}") from None
    return parse_scenario(text, source=path.name, base_dir=path.parent, path=path.resolve())

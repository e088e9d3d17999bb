"""Board files (boards/*.json): load and validate the node runtime's pin maps.

A board file says which sensor or actuator sits on which pin of which chip;
boards/README.md describes every key and role.  validate() returns every
error at once, each naming the key or role and what is allowed, so a bad
file is refused whole before any pin is driven.

    python -m tools.boards [FILE...]   # every boards/*.json without FILE; exit 1 on an error
    python -m tools.boards --wiring FILE   # the wiring table, one row per pin

The sim board (chip "unix") maps roles to simulator channels instead of pins,
and must provide every role any other board does: coverage() checks that.
"""

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

BOARDS_DIR = Path(__file__).resolve().parent.parent / "boards"


def _span(first, last):
    return frozenset(range(first, last + 1))


@dataclass(frozen=True)
class Chip:
    name: str
    gpios: frozenset
    never: dict  # pin -> what it is wired to, on every module
    needs_note: dict  # pin -> what it is wired to; usable only with a notes entry saying how
    strapping: frozenset  # read at reset: a pull on them can change how the chip boots
    input_only: frozenset
    adc1: frozenset
    adc2: frozenset  # unusable while Wi-Fi runs
    atten_uv: dict  # attenuation -> (lowest, highest) µV the ADC reads accurately
    psram: dict  # psram mode -> {pin: what takes it}
    psram_default: str  # assumed when the board does not say: the module that takes most pins
    i2c_ids: tuple


ESP32 = Chip(
    name="esp32",
    gpios=_span(0, 19) | _span(21, 23) | _span(25, 27) | _span(32, 39),
    never={
        1: "UART0 TX, the serial REPL",
        3: "UART0 RX, the serial REPL",
        **{pin: "wired to the SPI flash (GPIO6-11)" for pin in range(6, 12)},
    },
    needs_note={},
    strapping=frozenset({0, 2, 5, 12, 15}),
    input_only=_span(34, 39),
    adc1=_span(32, 39),
    adc2=frozenset({0, 2, 4, 12, 13, 14, 15, 25, 26, 27}),
    # ESP32 datasheet: the calibrated range of each attenuation
    atten_uv={
        "0dB": (100_000, 950_000),
        "2.5dB": (100_000, 1_250_000),
        "6dB": (150_000, 1_750_000),
        "11dB": (150_000, 2_450_000),
    },
    psram={"none": {}, "quad": {16: "the PSRAM's (WROVER modules)", 17: "the PSRAM's (WROVER modules)"}},
    psram_default="none",
    i2c_ids=(0, 1),
)

ESP32S3 = Chip(
    name="esp32s3",
    gpios=_span(0, 21) | _span(26, 48),
    never={pin: "wired to the flash and PSRAM (GPIO26-32)" for pin in range(26, 33)},
    needs_note={
        19: "USB D- (the native USB port, a REPL console)",
        20: "USB D+ (the native USB port, a REPL console)",
        43: "UART0 TX (the DevKitC-1's UART port, a REPL console)",
        44: "UART0 RX (the DevKitC-1's UART port, a REPL console)",
    },
    strapping=frozenset({0, 3, 45, 46}),
    input_only=frozenset(),
    adc1=_span(1, 10),
    adc2=_span(11, 20),
    atten_uv={"0dB": (0, 950_000), "2.5dB": (0, 1_250_000), "6dB": (0, 1_750_000), "11dB": (0, 3_100_000)},
    psram={
        "none": {},
        "quad": {},
        "octal": {pin: "the octal PSRAM's (N8R8, N16R8 modules: GPIO33-37)" for pin in range(33, 38)},
    },
    psram_default="octal",
    i2c_ids=(0, 1),
)

CHIPS = {chip.name: chip for chip in (ESP32, ESP32S3)}
UNIX = "unix"  # the MicroPython unix port against the simulator: channels, no pins

# Role -> the kinds of device that may fill it.  air, air2 and outdoor are
# temperature + humidity sensors: they fill air_c/rh_pct, air2_c and
# outdoor_c/outdoor_rh_pct of the core's inputs.
SENSOR_ROLES = {
    "air": ("sht4x", "sht3x"),
    "air2": ("sht4x", "sht3x"),
    "outdoor": ("sht4x", "sht3x"),
    "supply_c": ("ds18b20",),
    "source_return_c": ("ds18b20",),
    "radiation_w_m2": ("adc",),
    "substrate_pct": ("adc",),
    "ec_ms_cm": ("adc",),
    "ph": ("adc",),
    "ec2_ms_cm": ("adc",),
    "ph2": ("adc",),
    "wind_m_s": ("pulse",),
    "flow_l_min": ("pulse",),
    "drain_ml": ("pulse",),
    "mine_flow_ok": ("digital",),
    "heat_pump_running": ("digital",),
}
PULSE_SCALE = {"wind_m_s": "hz_per_m_s", "flow_l_min": "l_per_pulse", "drain_ml": "ml_per_pulse"}

OUTPUT_ROLES = {
    "heat_valve": ("pwm", "three_point"),
    "cool_valve": ("pwm", "three_point"),
    "fog": ("relay", "pwm"),
    "vent": ("three_point",),
    "screen": ("three_point",),
    "heat_pump_enable": ("relay",),
    "heat_pump_reverse": ("relay",),
    "irrigation_pump": ("relay",),
    "dose_a": ("relay",),
    "dose_b": ("relay",),
    "dose_acid": ("relay",),
    "status_led": ("led", "ws2812"),
}
IRRIGATION_VALVE = re.compile(r"irrigation_valve_([1-9]|1[0-6])$")  # irrigation_valve_1..16
PERCENT_ROLES = ("fog", "dose_a", "dose_b", "dose_acid")  # a percentage: on a relay, slow PWM
REQUIRED = {"sensors": ("air", "supply_c"), "outputs": ("heat_valve",)}

# kind -> (required keys, optional keys)
SENSOR_KEYS = {
    "sht4x": (("kind", "bus", "address"), ("optional",)),
    "sht3x": (("kind", "bus", "address"), ("optional",)),
    "ds18b20": (("kind", "bus", "rom"), ("optional",)),
    "adc": (("kind", "pin", "atten", "calibration"), ("optional",)),
    "pulse": (("kind", "pin", "pull"), ("optional",)),  # and the role's PULSE_SCALE key
    "digital": (("kind", "pin", "pull", "active_low"), ("optional",)),
}
OUTPUT_KEYS = {
    "pwm": (("kind", "pin", "freq_hz"), ()),
    "three_point": (("kind", "open_pin", "close_pin", "travel_s", "active_low"), ()),
    "relay": (("kind", "pin", "active_low"), ()),  # and period_s on PERCENT_ROLES
    "led": (("kind", "pin", "active_low"), ()),
    "ws2812": (("kind", "pin"), ()),
}
SHT_ADDRESSES = {"sht4x": (0x44, 0x45, 0x46), "sht3x": (0x44, 0x45)}
PULLS = ("up", "down", "none")
I2C_FREQ_HZ = (10_000, 400_000)
PWM_FREQ_HZ = (1, 40_000)
TIME_S = (1, 1000)  # the core's three-point travel and slow-PWM period: 1..1000 s
BOARD_NAME = re.compile(r"[a-z0-9][a-z0-9-]*$")
CHANNEL = re.compile(r"[a-z_][a-z0-9_]*$")
NOTE_PIN = re.compile(r"gpio(\d+)$")

TOP_KEYS = {
    UNIX: (("board", "chip", "wifi", "sensors", "outputs"), ("notes",)),
    "hardware": (
        ("board", "chip", "wifi", "safe_boot_pin", "sensors", "outputs"),
        ("module", "psram", "i2c", "onewire", "notes"),
    ),
}


class BoardError(ValueError):
    def __init__(self, path, errors):
        super().__init__("%s:\n  %s" % (path, "\n  ".join(errors)))
        self.path = path
        self.errors = errors


# --- small checks, each returning a list of errors ---


def _spans(pins):
    """Pins as compact ranges: 0-19, 21-23, 32."""
    spans = []
    for pin in sorted(pins):
        if spans and spans[-1][1] == pin - 1:
            spans[-1][1] = pin
        else:
            spans.append([pin, pin])
    return ", ".join(str(a) if a == b else "%d-%d" % (a, b) for a, b in spans)


def _keys(where, entry, required, optional=()):
    if not isinstance(entry, dict):
        return ["%s: must be an object with keys %s" % (where, ", ".join(required))]
    allowed = sorted(set(required) | set(optional))
    errors = [
        "%s: unknown key %r; allowed: %s" % (where, key, ", ".join(allowed))
        for key in entry
        if key not in allowed
    ]
    return errors + ["%s: %s missing" % (where, key) for key in required if key not in entry]


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_pin(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _number(where, value, low, high, unit):
    if _is_number(value) and low <= value <= high:
        return []
    return ["%s: must be a number in %g..%g %s, got %r" % (where, low, high, unit, value)]


def _positive(where, value):
    if _is_number(value) and value > 0:
        return []
    return ["%s: must be a number > 0, got %r" % (where, value)]


def _bool(where, value):
    return [] if isinstance(value, bool) else ["%s: must be true or false, got %r" % (where, value)]


def _choice(where, value, allowed):
    if any(type(value) is type(choice) and value == choice for choice in allowed):  # true is not 1
        return []
    return ["%s: %r not allowed; allowed: %s" % (where, value, ", ".join(map(str, allowed)))]


def _pin_type(where, value):
    return [] if _is_pin(value) else ["%s: must be a GPIO number, got %r" % (where, value)]


def crc8(data):
    """Dallas/Maxim 1-Wire CRC-8 (x^8 + x^5 + x^4 + 1, bits LSB first)."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8C if crc & 1 else crc >> 1
    return crc


def _rom(where, rom):
    """A DS18B20 ROM id as MicroPython's onewire.scan() gives it, in hex:
    family 0x28 first, CRC last.  null: not yet commissioned."""
    if rom is None:
        return []
    if not isinstance(rom, str) or not re.fullmatch(r"[0-9a-f]{16}", rom):
        return [
            "%s: must be 16 lowercase hex digits (8 bytes, family 28 first) or null, got %r" % (where, rom)
        ]
    data = bytes.fromhex(rom)
    if data[0] != 0x28:
        return ["%s: family code %02x is not a DS18B20's (28)" % (where, data[0])]
    if crc8(data[:7]) != data[7]:
        return ["%s: CRC %02x does not match the id (%02x): a typo?" % (where, data[7], crc8(data[:7]))]
    return []


def _address(where, kind, address):
    """An I2C address as the datasheets write it: "0x44"."""
    allowed = SHT_ADDRESSES[kind]
    names = ", ".join("0x%02x" % a for a in allowed)
    if isinstance(address, str) and re.fullmatch(r"0x[0-9a-f]{2}", address) and int(address, 16) in allowed:
        return []
    return ["%s: %r not allowed for %s; allowed: %s" % (where, address, kind, names)]


def _calibration(where, calibration, atten_uv):
    """Two points, {"uv": [a, b], "value": [c, d]}: reading a µV means c."""
    errors = _keys(where, calibration, ("uv", "value"))
    if errors:
        return errors
    for key in ("uv", "value"):
        points = calibration[key]
        if not (isinstance(points, list) and len(points) == 2 and all(_is_number(p) for p in points)):
            errors.append("%s.%s: must be two numbers, got %r" % (where, key, points))
        elif points[0] == points[1]:
            errors.append("%s.%s: the two points must differ, got %r" % (where, key, points))
    if errors or atten_uv is None:
        return errors
    low, high = atten_uv
    return [
        "%s.uv: %d µV is outside the attenuation's accurate range %d..%d µV" % (where, uv, low, high)
        for uv in calibration["uv"]
        if not low <= uv <= high
    ]


# --- the parts of a board ---


def _top(board, chip):
    errors = _keys("board file", board, *TOP_KEYS[UNIX if chip is None else "hardware"])
    name = board.get("board")
    if not (isinstance(name, str) and BOARD_NAME.match(name)):
        errors.append("board: must be a name of a-z, 0-9 and -, got %r" % (name,))
    errors += _bool("wifi", board.get("wifi"))
    if chip is not None:
        errors += _choice("psram", board.get("psram", chip.psram_default), list(chip.psram))
        errors += _pin_type("safe_boot_pin", board.get("safe_boot_pin"))
        if "module" in board and not isinstance(board["module"], str):
            errors.append("module: must be a string naming the module, got %r" % (board["module"],))
    return errors


def _buses(board, chip):
    errors = []
    ids = {}
    for name, bus in _entries(board, "i2c"):
        where = "i2c.%s" % name
        errors += _keys(where, bus, ("id", "scl", "sda", "freq_hz"))
        if not isinstance(bus, dict):
            continue
        controller = bus.get("id")
        bad_id = _choice(where + ".id", controller, chip.i2c_ids)
        if bad_id:
            errors += bad_id
        elif controller in ids:
            errors.append("%s.id: controller %d is already i2c.%s's" % (where, controller, ids[controller]))
        else:
            ids[controller] = name
        errors += _number(where + ".freq_hz", bus.get("freq_hz"), *I2C_FREQ_HZ, "Hz")
        errors += _pin_type(where + ".scl", bus.get("scl")) + _pin_type(where + ".sda", bus.get("sda"))
    for name, bus in _entries(board, "onewire"):
        errors += _keys("onewire.%s" % name, bus, ("pin",))
        if isinstance(bus, dict):
            errors += _pin_type("onewire.%s.pin" % name, bus.get("pin"))
    return errors


def _entries(board, key):
    """The (name, entry) pairs of a section, [] when absent or not an object."""
    section = board.get(key, {})
    return list(section.items()) if isinstance(section, dict) else []


def _section(board, key):
    if isinstance(board.get(key, {}), dict):
        return []
    return ["%s: must be an object of name: entry" % key]


def _sensor(role, entry, board, chip):
    where = "sensors.%s" % role
    errors = _kind(where, entry, SENSOR_ROLES[role])
    if errors:
        return errors
    kind = entry["kind"]
    required, optional = SENSOR_KEYS[kind]
    if kind == "pulse":
        required += (PULSE_SCALE[role],)
    errors = _keys(where, entry, required, optional)
    if errors:
        return errors
    errors += _optional(where, role, entry)
    if kind in SHT_ADDRESSES:
        errors += _address(where + ".address", kind, entry["address"])
        errors += _bus_ref(where, entry["bus"], board, "i2c")
    elif kind == "ds18b20":
        errors += _rom(where + ".rom", entry["rom"]) + _bus_ref(where, entry["bus"], board, "onewire")
    elif kind == "adc":
        atten = entry["atten"]
        errors += _choice(where + ".atten", atten, list(chip.atten_uv))
        atten_uv = chip.atten_uv.get(atten) if isinstance(atten, str) else None
        errors += _calibration(where + ".calibration", entry["calibration"], atten_uv)
    else:  # pulse, digital
        errors += _input(where, entry, chip)
        if kind == "pulse":
            errors += _positive("%s.%s" % (where, PULSE_SCALE[role]), entry[PULSE_SCALE[role]])
        else:
            errors += _bool(where + ".active_low", entry["active_low"])
    if "pin" in entry:
        errors += _pin_type(where + ".pin", entry["pin"])
    return errors


def _kind(where, entry, allowed):
    """The entry's kind first: it decides which keys the entry may have."""
    if not isinstance(entry, dict):
        return ["%s: must be an object with a kind: %s" % (where, ", ".join(allowed))]
    if "kind" not in entry:
        return ["%s: kind missing; allowed: %s" % (where, ", ".join(allowed))]
    return _choice(where + ".kind", entry["kind"], allowed)


def _optional(where, role, entry):
    errors = _bool(where + ".optional", entry.get("optional", False))
    if entry.get("optional") and role in REQUIRED["sensors"]:
        errors.append("%s.optional: %s is a required role and cannot be optional" % (where, role))
    return errors


def _input(where, entry, chip):
    errors = _choice(where + ".pull", entry["pull"], PULLS)
    if entry["pull"] in ("up", "down") and _is_pin(entry["pin"]) and entry["pin"] in chip.input_only:
        errors.append(
            "%s.pull: GPIO%s has no internal pull resistor (%s: %s); set pull to none and fit "
            "an external one" % (where, entry["pin"], chip.name, _spans(chip.input_only))
        )
    return errors


def _bus_ref(where, name, board, kind):
    buses = board.get(kind, {})
    buses = buses if isinstance(buses, dict) else {}
    if isinstance(name, str) and name in buses:
        return []
    return ["%s.bus: no %s bus %r; buses: %s" % (where, kind, name, ", ".join(buses) or "none")]


def _output(role, entry):
    where = "outputs.%s" % role
    errors = _kind(where, entry, _output_kinds(role))
    if errors:
        return errors
    kind = entry["kind"]
    required, optional = OUTPUT_KEYS[kind]
    if kind == "relay" and role in PERCENT_ROLES:
        required += ("period_s",)  # its percentage becomes on-time per period
    errors = _keys(where, entry, required, optional)
    if errors:
        return errors
    for key in ("pin", "open_pin", "close_pin"):
        if key in entry:
            errors += _pin_type("%s.%s" % (where, key), entry[key])
    if "active_low" in entry:
        errors += _bool(where + ".active_low", entry["active_low"])
    if kind == "pwm":
        errors += _number(where + ".freq_hz", entry["freq_hz"], *PWM_FREQ_HZ, "Hz")
    if kind == "three_point":
        errors += _number(where + ".travel_s", entry["travel_s"], *TIME_S, "s")
    if "period_s" in entry:
        errors += _number(where + ".period_s", entry["period_s"], *TIME_S, "s")
    return errors


def _output_kinds(role):
    return ("relay",) if IRRIGATION_VALVE.match(role) else OUTPUT_ROLES.get(role, ())


def _roles(board, section, known):
    errors = _section(board, section)
    for role, _ in _entries(board, section):
        if not known(role):
            allowed = ", ".join(
                SENSOR_ROLES if section == "sensors" else [*OUTPUT_ROLES, "irrigation_valve_1..16"]
            )
            errors.append("%s: unknown role %r; allowed: %s" % (section, role, allowed))
    present = dict(_entries(board, section))
    errors += [
        "%s.%s: missing; every board has %s" % (section, role, ", ".join(REQUIRED[section]))
        for role in REQUIRED[section]
        if role not in present
    ]
    return errors


def _known_sensor(role):
    return role in SENSOR_ROLES


def _known_output(role):
    return bool(_output_kinds(role))


# --- pins ---

# The uses an input-only pin (no output driver, no pull resistors) cannot serve.
NOT_INPUT_ONLY = {
    "out": "an output",
    "bus": "a bus line",
    "boot": "the safe-boot input (an internal pull-up)",
}


def pin_uses(board):
    """Every (pin, where, how) of a board; how is out, in, adc, bus or boot.
    A bus's lines count once, however many devices share the bus."""
    uses = []

    def add(where, value, how):
        if _is_pin(value):
            uses.append((value, where, how))

    add("safe_boot_pin", board.get("safe_boot_pin"), "boot")
    for name, bus in _entries(board, "i2c"):
        if isinstance(bus, dict):
            add("i2c.%s.sda" % name, bus.get("sda"), "bus")
            add("i2c.%s.scl" % name, bus.get("scl"), "bus")
    for name, bus in _entries(board, "onewire"):
        if isinstance(bus, dict):
            add("onewire.%s.pin" % name, bus.get("pin"), "bus")
    for role, entry in _entries(board, "sensors"):
        if isinstance(entry, dict) and "pin" in entry:
            add("sensors.%s.pin" % role, entry["pin"], "adc" if entry.get("kind") == "adc" else "in")
    for role, entry in _entries(board, "outputs"):
        if isinstance(entry, dict):
            for key in ("pin", "open_pin", "close_pin"):
                add("outputs.%s.%s" % (role, key), entry.get(key), "out")
    return uses


def _pin(pin, where, how, board, chip):
    """What is wrong with this use of pin on chip, most fundamental first."""
    if pin not in chip.gpios:
        return [
            "%s: GPIO%d does not exist on %s; its GPIOs: %s" % (where, pin, chip.name, _spans(chip.gpios))
        ]
    if pin in chip.never:
        return ["%s: GPIO%d is %s: never use it" % (where, pin, chip.never[pin])]
    psram = board.get("psram", chip.psram_default)
    taken = chip.psram.get(psram, {}) if isinstance(psram, str) else {}
    if pin in taken:
        return [
            '%s: GPIO%d is %s ("psram": "%s"); use another pin, or say "psram": "quad" or "none" '
            "if the module has no octal PSRAM" % (where, pin, taken[pin], psram)
        ]
    notes = board.get("notes", {})
    noted = isinstance(notes, dict) and "gpio%d" % pin in notes
    errors = []
    if pin in chip.needs_note and not noted:
        errors.append(
            "%s: GPIO%d is %s; use it only with notes.gpio%d saying how"
            % (where, pin, chip.needs_note[pin], pin)
        )
    if pin in chip.strapping and not noted:
        errors.append(
            "%s: GPIO%d is a strapping pin (%s: %s), read at reset; add notes.gpio%d saying why "
            "this use is safe" % (where, pin, chip.name, _spans(chip.strapping), pin)
        )
    if pin in chip.input_only and how in NOT_INPUT_ONLY:
        errors.append(
            "%s: GPIO%d is input-only with no pull-up (%s: %s); %s needs another pin"
            % (where, pin, chip.name, _spans(chip.input_only), NOT_INPUT_ONLY[how])
        )
    if how == "adc":
        errors += _adc_pin(pin, where, board, chip)
    return errors


def _adc_pin(pin, where, board, chip):
    if pin in chip.adc2 and board.get("wifi") is True:
        return [
            '%s: GPIO%d is on ADC2, which Wi-Fi takes over ("wifi": true); use an ADC1 pin: %s'
            % (where, pin, _spans(chip.adc1))
        ]
    if pin not in chip.adc1 | chip.adc2:
        return [
            "%s: GPIO%d has no ADC; ADC pins on %s: %s (ADC1), %s (ADC2)"
            % (where, pin, chip.name, _spans(chip.adc1), _spans(chip.adc2))
        ]
    return []


def _pins(board, chip):
    uses = pin_uses(board)
    errors = []
    for pin, where, how in uses:
        errors += _pin(pin, where, how, board, chip)
    users = {}
    for pin, where, _ in uses:
        users.setdefault(pin, []).append(where)
    errors += [
        "GPIO%d is used more than once: %s" % (pin, " and ".join(wheres))
        for pin, wheres in sorted(users.items())
        if len(wheres) > 1
    ]
    return errors


# --- devices sharing a bus, notes ---


def _shared_buses(board):
    """I2C addresses unique per bus; DS18B20 ROM ids unique per bus."""
    errors = []
    taken = {}
    for role, entry in _entries(board, "sensors"):
        if not isinstance(entry, dict) or "bus" not in entry:
            continue
        key = entry.get("address") if "address" in entry else entry.get("rom")
        if not (isinstance(key, str) and isinstance(entry["bus"], str)):
            continue  # a ROM id not yet commissioned (null), or a bad value reported elsewhere
        slot = (entry.get("kind") == "ds18b20", entry["bus"], key)
        if slot in taken:
            what = "ROM id" if slot[0] else "address"
            errors.append(
                "sensors.%s: %s %s on bus %r is already sensors.%s's"
                % (role, what, key, entry["bus"], taken[slot])
            )
        taken.setdefault(slot, role)
    return errors


def _notes(board, chip):
    errors = _section(board, "notes")
    for key, text in _entries(board, "notes"):
        if not (isinstance(text, str) and text.strip()):
            errors.append("notes.%s: must be a non-empty string" % key)
        pin = NOTE_PIN.match(key)
        if pin and (chip is None or int(pin.group(1)) not in chip.gpios):
            errors.append("notes.%s: no GPIO%s on %s" % (key, pin.group(1), chip.name if chip else UNIX))
    return errors


# --- the sim board ---


def _channels(board, section, optional):
    errors = []
    seen = {}
    for role, entry in _entries(board, section):
        where = "%s.%s" % (section, role)
        errors += _keys(where, entry, ("channel",), optional)
        if not isinstance(entry, dict):
            continue
        channel = entry.get("channel")
        if not (isinstance(channel, str) and CHANNEL.match(channel)):
            errors.append(
                "%s.channel: must be a simulator channel name (a-z, 0-9, _), got %r" % (where, channel)
            )
        elif channel in seen:
            errors.append("%s.channel: %r is already %s.%s's" % (where, channel, section, seen[channel]))
        else:
            seen[channel] = role
        if section == "sensors" and "optional" in entry:
            errors += _optional(where, role, entry)
    return errors


def coverage(sim, boards):
    """The roles that boards (name -> board) provide and the sim board lacks:
    the simulator must stand in for every board."""
    errors = []
    for section in ("sensors", "outputs"):
        have = set(dict(_entries(sim, section)))
        for name, board in sorted(boards.items()):
            if board.get("chip") == UNIX:
                continue
            errors += [
                "%s.%s: missing; %s has it, and the sim board stands in for every board"
                % (section, role, name)
                for role in dict(_entries(board, section))
                if role not in have
            ]
    return errors


# --- the whole board ---


def validate(board):
    """Every error of board (a parsed board file), each naming the key or
    role and what is allowed; [] when the board is good."""
    if not isinstance(board, dict):
        return ["board file: must be a JSON object, got %s" % type(board).__name__]
    name = board.get("chip")
    if name != UNIX and not (isinstance(name, str) and name in CHIPS):
        return ["chip: %r not supported; allowed: %s" % (name, ", ".join([*CHIPS, UNIX]))]
    chip = CHIPS.get(name)
    errors = (
        _top(board, chip) + _roles(board, "sensors", _known_sensor) + _roles(board, "outputs", _known_output)
    )
    errors += _notes(board, chip)
    if chip is None:
        return errors + _channels(board, "sensors", ("optional",)) + _channels(board, "outputs", ())
    errors += _section(board, "i2c") + _section(board, "onewire") + _buses(board, chip)
    for role, entry in _entries(board, "sensors"):
        if role in SENSOR_ROLES:
            errors += _sensor(role, entry, board, chip)
    for role, entry in _entries(board, "outputs"):
        if _known_output(role):
            errors += _output(role, entry)
    return errors + _pins(board, chip) + _shared_buses(board)


def load(path):
    """The board in the JSON file at path, validated: a BoardError listing
    every error otherwise.  The board's name must be the file's."""
    path = Path(path)
    try:
        board = json.loads(path.read_text())
    except (OSError, ValueError) as e:
        raise BoardError(path, ["not a readable JSON file: %s" % e]) from None
    errors = validate(board)
    if isinstance(board, dict) and board.get("board") != path.stem:
        errors.append("board: %r must be the file's name, %r" % (board.get("board"), path.stem))
    if errors:
        raise BoardError(path, errors)
    return board


def _summary(board):
    if board["chip"] == UNIX:
        where = "channels"
    else:
        where = "%d pins" % len({pin for pin, _, _ in pin_uses(board)})
    return "%s, %s, %d sensors, %d outputs" % (
        board["chip"],
        where,
        len(board["sensors"]),
        len(board["outputs"]),
    )


def wiring(board):
    """The board's wiring as a Markdown table, one row per pin: what to
    connect to it, and the board's note on the pin (README's DevKitC table)."""
    rows = {}

    def row(pin, text):
        rows.setdefault(pin, []).append(text)

    def optional(entry):
        return " (optional)" if entry.get("optional") else ""

    pulls = {"up": "internal pull-up", "down": "internal pull-down", "none": "external pull-up, 10 kOhm"}
    row(board["safe_boot_pin"], "safe boot: a button to GND (held at reset)")
    sensors = board["sensors"]
    for name, bus in _entries(board, "i2c"):
        devices = ", ".join(
            "%s %s at %s%s" % (e["kind"].upper()[:4] + "x", role, e["address"], optional(e))
            for role, e in sensors.items()
            if e.get("bus") == name and e["kind"] in ("sht4x", "sht3x")
        )
        row(bus["sda"], "I2C %s SDA (%s; %d kHz)" % (name, devices, bus["freq_hz"] // 1000))
        row(bus["scl"], "I2C %s SCL" % name)
    for name, bus in _entries(board, "onewire"):
        probes = ", ".join(r for r, e in sensors.items() if e.get("bus") == name and e["kind"] == "ds18b20")
        row(bus["pin"], "1-Wire %s: DS18B20 %s (4.7 kOhm pull-up to 3.3 V)" % (name, probes))
    for role, e in sensors.items():
        kind = e["kind"]
        if kind == "adc":
            cal = e["calibration"]
            volts = "-".join("%.2f V" % (uv / 1e6) for uv in cal["uv"])
            low, high = cal["value"]
            row(e["pin"], "%s: analogue %s = %s..%s (ADC %s)" % (role, volts, low, high, e["atten"]))
        elif kind == "pulse":
            row(e["pin"], "%s: pulse output%s (%s)" % (role, optional(e), pulls[e["pull"]]))
        elif kind == "digital":
            to = "to GND when true" if e.get("active_low") else "to 3.3 V when true"
            row(e["pin"], "%s: contact %s (%s)" % (role, to, pulls[e["pull"]]))
    for role, e in board["outputs"].items():
        low = " (active low)" if e.get("active_low") else ""
        kind = e["kind"]
        if kind == "pwm":
            row(e["pin"], "%s: PWM %d Hz into a PWM-to-0-10 V module" % (role, e["freq_hz"]))
        elif kind == "three_point":
            row(e["open_pin"], "%s: OPEN relay input%s, %d s travel" % (role, low, e["travel_s"]))
            row(e["close_pin"], "%s: CLOSE relay input%s" % (role, low))
        elif kind == "relay":
            pwm = ", slow PWM over %d s" % e["period_s"] if "period_s" in e else ""
            row(e["pin"], "%s: relay input%s%s" % (role, low, pwm))
        else:
            row(e["pin"], "%s: %s" % (role, kind))
    notes = board.get("notes", {})
    lines = ["| GPIO | connect | note |", "|---|---|---|"]
    for pin in sorted(rows):
        note = notes.get("gpio%d" % pin, "")
        lines.append("| %d | %s | %s |" % (pin, "; ".join(rows[pin]), note))
    return "\n".join(lines)


def _shown(path):
    """path relative to the working directory where it lies below it."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


def main(argv):
    if argv[:1] == ["--wiring"]:  # python -m tools.boards --wiring FILE: the table for README
        if len(argv) != 2:
            print("usage: python -m tools.boards --wiring FILE")
            return 2
        print(wiring(load(argv[1])))
        return 0
    paths = [Path(arg) for arg in argv] or sorted(BOARDS_DIR.glob("*.json"))
    boards = {}
    errors = {}
    for path in paths:
        try:
            boards[path] = load(path)
        except BoardError as e:
            errors[path] = e.errors
    by_name = {board["board"]: board for board in boards.values()}
    for path, board in boards.items():
        if board["chip"] == UNIX:
            errors[path] = coverage(board, by_name)
    for path in paths:
        name = _shown(path)
        if errors.get(path):
            print("%s: %d error(s)" % (name, len(errors[path])))
            print("".join("  %s\n" % error for error in errors[path]), end="")
        else:
            print("%s: ok (%s)" % (name, _summary(boards[path])))
    return 1 if any(errors.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

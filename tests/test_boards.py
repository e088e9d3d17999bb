"""Board files (tools/boards.py): every shipped board validates clean, and each
rule refuses a mutated copy of a shipped board with an error naming the role
or key and the pin; where a rule has a way out (a note, Wi-Fi off, a quad
PSRAM), taking it makes the same board clean, so the error came from the rule.
The CLI exits 0 on the shipped boards and 1 on a bad file."""

import json
import subprocess
import sys

import pytest

from micropython_runner import REPO

sys.path.insert(0, str(REPO / "tools"))
import boards  # noqa: E402

SHIPPED = sorted((REPO / "boards").glob("*.json"))
ODD_VALUES = (None, True, -1, 1.5, "x", [], [1, 2], {}, {"kind": "x"})


def shipped(name):
    return json.loads((REPO / "boards" / f"{name}.json").read_text())


def devkitc():
    return shipped("esp32-devkitc")


def s3():
    return shipped("esp32-s3-devkitc")


def refused(board, *fragments):
    """The errors of board that name every fragment: at least one."""
    errors = boards.validate(board)
    hits = [error for error in errors if all(fragment in error for fragment in fragments)]
    assert hits, f"no error naming {fragments} in {errors}"
    return hits


# --- the shipped boards ---


def test_the_three_boards_ship():
    assert [path.stem for path in SHIPPED] == ["esp32-devkitc", "esp32-s3-devkitc", "sim"]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.stem)
def test_shipped_board_is_valid(path):
    board = boards.load(path)
    assert boards.validate(board) == []
    assert board["board"] == path.stem


def test_sim_stands_in_for_every_board():
    others = {path.stem: json.loads(path.read_text()) for path in SHIPPED}
    assert boards.coverage(others["sim"], others) == []
    for section in ("sensors", "outputs"):
        provided = set().union(*(others[name][section] for name in ("esp32-devkitc", "esp32-s3-devkitc")))
        assert set(others["sim"][section]) == provided


def test_the_required_roles_are_on_every_board():
    for path in SHIPPED:
        board = json.loads(path.read_text())
        assert {"air", "supply_c"} <= set(board["sensors"]) and "heat_valve" in board["outputs"]


# --- pins ---


def test_output_on_an_input_only_pin():
    board = devkitc()
    board["outputs"]["fog"]["pin"] = 34
    refused(board, "outputs.fog.pin", "GPIO34", "input-only")


def test_bus_line_on_an_input_only_pin():
    board = devkitc()
    board["i2c"]["outdoor"]["scl"] = 38
    refused(board, "i2c.outdoor.scl", "GPIO38", "input-only")


def test_safe_boot_pin_needs_an_internal_pull_up():
    board = devkitc()
    board["safe_boot_pin"] = 37
    refused(board, "safe_boot_pin", "GPIO37", "input-only")


def test_pull_up_on_an_input_only_pin():
    board = devkitc()
    board["sensors"]["wind_m_s"]["pull"] = "up"
    refused(board, "sensors.wind_m_s.pull", "GPIO34", "external")


def test_pin_used_twice():
    board = devkitc()
    board["outputs"]["heat_pump_reverse"]["pin"] = 23
    refused(board, "GPIO23", "outputs.heat_pump_enable.pin", "outputs.heat_pump_reverse.pin")


def test_three_point_open_and_close_on_one_pin():
    board = devkitc()
    board["outputs"]["vent"]["close_pin"] = 16
    refused(board, "GPIO16", "outputs.vent.open_pin", "outputs.vent.close_pin")


def test_i2c_pin_reused_as_an_output():
    board = devkitc()
    board["outputs"]["fog"]["pin"] = 21
    refused(board, "GPIO21", "i2c.air.sda", "outputs.fog.pin")


def test_devices_share_their_bus():
    board = devkitc()
    assert board["sensors"]["air"]["bus"] == board["sensors"]["air2"]["bus"] == "air"
    board["sensors"]["outdoor"].update(bus="air", address="0x46")  # a third device, no new pins
    del board["i2c"]["outdoor"]
    assert boards.validate(board) == []


def test_two_buses_on_the_same_pins():
    board = devkitc()
    board["i2c"]["outdoor"].update(sda=21, scl=22)
    refused(board, "GPIO21", "i2c.air.sda", "i2c.outdoor.sda")


@pytest.mark.parametrize("pin", [6, 7, 8, 9, 10, 11])
def test_flash_pins_never_even_with_a_note(pin):
    board = devkitc()
    board["onewire"]["water"]["pin"] = pin
    board["notes"][f"gpio{pin}"] = "I know what I am doing"
    refused(board, "onewire.water.pin", f"GPIO{pin}", "flash", "never")


@pytest.mark.parametrize("pin", [1, 3])
def test_uart0_is_the_repl(pin):
    board = devkitc()
    board["outputs"]["fog"]["pin"] = pin
    refused(board, "outputs.fog.pin", f"GPIO{pin}", "REPL")


@pytest.mark.parametrize("pin", [20, 24, 28, 31, 40, -1])
def test_pin_not_on_the_chip(pin):
    board = devkitc()
    board["outputs"]["fog"]["pin"] = pin
    refused(board, "outputs.fog.pin", f"GPIO{pin}", "does not exist on esp32", "0-19, 21-23, 25-27, 32-39")


@pytest.mark.parametrize("pin", ["27", 27.0, True, None])
def test_pin_must_be_a_gpio_number(pin):
    board = devkitc()
    board["outputs"]["fog"]["pin"] = pin
    refused(board, "outputs.fog.pin", "must be a GPIO number")


def test_adc2_pin_with_wifi_on():
    board = devkitc()
    del board["outputs"]["cool_valve"]
    board["outputs"]["heat_valve"]["pin"] = 26
    board["sensors"]["radiation_w_m2"]["pin"] = 25
    refused(board, "sensors.radiation_w_m2.pin", "GPIO25", "ADC2", "32-39")
    board["wifi"] = False
    assert boards.validate(board) == []


def test_adc_on_a_pin_without_one():
    board = devkitc()
    del board["outputs"]["vent"]  # frees GPIO16 and 17, which have no ADC
    board["sensors"]["substrate_pct"]["pin"] = 16
    refused(board, "sensors.substrate_pct.pin", "GPIO16", "no ADC")


def test_strapping_output_needs_a_note():
    board = devkitc()
    board["sensors"]["mine_flow_ok"]["pin"] = 13
    board["outputs"]["heat_pump_reverse"]["pin"] = 12
    del board["notes"]["gpio12"]
    refused(board, "outputs.heat_pump_reverse.pin", "GPIO12", "strapping", "notes.gpio12")
    board["notes"]["gpio12"] = "Driven low by the relay driver's input at reset: boots with 3.3 V flash."
    assert boards.validate(board) == []


@pytest.mark.parametrize("note", ["gpio0", "gpio2", "gpio5", "gpio12", "gpio15"])
def test_every_strapping_pin_the_devkitc_uses_is_noted(note):
    board = devkitc()
    del board["notes"][note]
    refused(board, f"GPIO{note[4:]}", "strapping", f"notes.{note}")


def test_wrover_psram_takes_gpio16_and_17():
    board = devkitc()
    board["psram"] = "quad"
    refused(board, "outputs.vent.open_pin", "GPIO16", "PSRAM")
    refused(board, "outputs.vent.close_pin", "GPIO17", "PSRAM")


# --- ESP32-S3 pins ---


@pytest.mark.parametrize("pin", range(26, 33))
def test_s3_flash_and_psram_pins(pin):
    board = s3()
    board["outputs"]["heat_valve"]["pin"] = pin
    refused(board, "outputs.heat_valve.pin", f"GPIO{pin}", "flash")


@pytest.mark.parametrize("psram", ["octal", None])
def test_s3_octal_psram_takes_gpio33_to_37(psram):
    board = s3()
    if psram is None:
        del board["psram"]  # not said: assume the module that takes most pins
    else:
        board["psram"] = psram
    refused(board, "outputs.vent.open_pin", "GPIO33", "octal")
    refused(board, "outputs.heat_pump_enable.pin", "GPIO37", "octal")
    board["psram"] = "none"
    assert boards.validate(board) == []


@pytest.mark.parametrize("pin", [19, 20, 43, 44])
def test_s3_console_pins_need_a_note(pin):
    board = s3()
    board["outputs"]["status_led"]["pin"] = pin
    refused(board, "outputs.status_led.pin", f"GPIO{pin}", "console", f"notes.gpio{pin}")
    board["notes"][f"gpio{pin}"] = "This node's REPL runs on the other console."
    assert boards.validate(board) == []


@pytest.mark.parametrize("pin", [3, 45, 46])
def test_s3_strapping_pins(pin):
    board = s3()
    board["outputs"]["dose_acid"]["pin"] = pin
    refused(board, "outputs.dose_acid.pin", f"GPIO{pin}", "strapping", "0, 3, 45-46")


def test_s3_adc2_with_wifi_on():
    board = s3()
    board["sensors"]["ph"]["pin"] = 16
    board["outputs"]["heat_pump_reverse"]["pin"] = 5
    refused(board, "sensors.ph.pin", "GPIO16", "ADC2", "1-10")
    board["wifi"] = False
    assert boards.validate(board) == []


# --- keys, roles, kinds ---


def test_unknown_top_level_key():
    board = devkitc()
    board["wifii"] = True
    refused(board, "unknown key 'wifii'", "allowed:", "wifi")


def test_unknown_sensor_key_names_the_allowed_ones():
    board = devkitc()
    board["sensors"]["air"]["adress"] = "0x44"
    refused(board, "sensors.air", "unknown key 'adress'", "address, bus, kind, optional")


def test_unknown_output_key():
    board = devkitc()
    board["outputs"]["heat_pump_enable"]["period_s"] = 10  # on/off: no slow PWM
    refused(board, "outputs.heat_pump_enable", "unknown key 'period_s'", "active_low, kind, pin")


def test_missing_key():
    board = devkitc()
    del board["outputs"]["vent"]["travel_s"]
    refused(board, "outputs.vent", "travel_s missing")


def test_unknown_role():
    board = devkitc()
    board["sensors"]["air3"] = {"kind": "sht4x", "bus": "air", "address": "0x46"}
    refused(board, "unknown role 'air3'", "air2")


@pytest.mark.parametrize("role", ["irrigation_valve_0", "irrigation_valve_17", "irrigation_valve_x"])
def test_irrigation_valves_are_numbered_1_to_16(role):
    board = devkitc()
    board["outputs"][role] = board["outputs"].pop("irrigation_valve_1")
    refused(board, f"unknown role {role!r}", "irrigation_valve_1..16")


def test_kind_not_for_the_role():
    board = devkitc()
    board["outputs"]["vent"] = {"kind": "pwm", "pin": 16, "freq_hz": 1000}
    refused(board, "outputs.vent.kind", "'pwm'", "three_point")


@pytest.mark.parametrize(
    "section, role", [("sensors", "air"), ("sensors", "supply_c"), ("outputs", "heat_valve")]
)
@pytest.mark.parametrize("name", ["esp32-devkitc", "sim"])
def test_required_roles(name, section, role):
    board = shipped(name)
    del board[section][role]
    refused(board, f"{section}.{role}: missing")


def test_a_required_sensor_cannot_be_optional():
    board = devkitc()
    board["sensors"]["air"]["optional"] = True
    refused(board, "sensors.air.optional", "required")


def test_unknown_chip():
    board = devkitc()
    board["chip"] = "esp32c3"
    refused(board, "chip", "'esp32c3'", "esp32, esp32s3, unix")


def test_note_for_a_pin_the_chip_lacks():
    board = devkitc()
    board["notes"]["gpio24"] = "a pin that is not there"
    refused(board, "notes.gpio24", "no GPIO24 on esp32")


# --- buses ---


def test_duplicate_i2c_address():
    board = devkitc()
    board["sensors"]["air2"]["address"] = "0x44"
    refused(board, "sensors.air2", "0x44", "bus 'air'", "sensors.air")


def test_same_address_on_another_bus_is_fine():
    board = devkitc()
    assert board["sensors"]["outdoor"]["address"] == board["sensors"]["air"]["address"]
    assert boards.validate(board) == []


@pytest.mark.parametrize(
    "kind, address", [("sht3x", "0x46"), ("sht4x", "0x40"), ("sht4x", 68), ("sht4x", "0X44")]
)
def test_address_the_sensor_cannot_have(kind, address):
    board = devkitc()
    board["sensors"]["air2"].update(kind=kind, address=address)
    refused(board, "sensors.air2.address", repr(address), kind)


def test_sensor_on_a_bus_not_there():
    board = devkitc()
    board["sensors"]["air"]["bus"] = "air9"
    refused(board, "sensors.air.bus", "'air9'", "air, outdoor")


def test_one_i2c_controller_for_two_buses():
    board = devkitc()
    board["i2c"]["outdoor"]["id"] = 0
    refused(board, "i2c.outdoor.id", "i2c.air")


@pytest.mark.parametrize("freq_hz", [0, 1_000_000, "100k"])
def test_i2c_frequency(freq_hz):
    board = devkitc()
    board["i2c"]["air"]["freq_hz"] = freq_hz
    refused(board, "i2c.air.freq_hz", "10000..400000 Hz")


def test_onewire_crc_is_maxims():
    # Maxim application note 27's worked example: ROM 02 1C B8 01 00 00 00, CRC A2
    assert boards.crc8(bytes([0x02, 0x1C, 0xB8, 0x01, 0x00, 0x00, 0x00])) == 0xA2


def commissioned(rom_c, rom_return):
    board = devkitc()
    board["sensors"]["supply_c"]["rom"] = rom_c
    board["sensors"]["source_return_c"]["rom"] = rom_return
    return board


def rom(serial):
    """A DS18B20 ROM id in hex: family 28, the 6-byte serial, the CRC."""
    data = bytes.fromhex("28" + serial)
    return (data + bytes([boards.crc8(data)])).hex()


def test_ds18b20_rom_ids():
    good, other = rom("ff641e8c1603"), rom("ff641e8c1604")
    assert good == "28ff641e8c160316"
    assert boards.validate(commissioned(good, other)) == []
    refused(commissioned(good, good), "sensors.source_return_c", "ROM id", good, "sensors.supply_c")
    refused(commissioned("28ff641e8c160317", other), "sensors.supply_c.rom", "CRC")
    refused(commissioned(good, "10ff641e8c160316"), "sensors.source_return_c.rom", "family")
    refused(commissioned("28FF641E8C160316", other), "sensors.supply_c.rom", "16 lowercase hex digits")


# --- values ---


@pytest.mark.parametrize("travel_s", [0, -5, 0.5, 5000, "180", None])
def test_three_point_travel_s(travel_s):
    board = devkitc()
    board["outputs"]["vent"]["travel_s"] = travel_s
    refused(board, "outputs.vent.travel_s", "1..1000 s")


def test_relay_on_a_percentage_needs_a_period():
    board = devkitc()
    del board["outputs"]["fog"]["period_s"]
    refused(board, "outputs.fog", "period_s missing")


@pytest.mark.parametrize("key, points", [("uv", [1_000_000, 1_000_000]), ("value", [5, 5])])
def test_calibration_points_differ(key, points):
    board = devkitc()
    board["sensors"]["radiation_w_m2"]["calibration"][key] = points
    refused(board, f"sensors.radiation_w_m2.calibration.{key}", "differ")


@pytest.mark.parametrize("points", [[1], [1, 2, 3], [1, "2"], "1,2"])
def test_calibration_is_two_numbers(points):
    board = devkitc()
    board["sensors"]["radiation_w_m2"]["calibration"]["value"] = points
    refused(board, "sensors.radiation_w_m2.calibration.value", "two numbers")


def test_calibration_within_the_attenuation():
    board = devkitc()
    board["sensors"]["radiation_w_m2"]["calibration"]["uv"] = [480_000, 3_000_000]
    refused(board, "sensors.radiation_w_m2.calibration.uv", "3000000 µV", "150000..2450000")
    board = s3()  # the S3 reads up to 3.1 V at 11 dB
    board["sensors"]["radiation_w_m2"]["calibration"]["uv"] = [480_000, 3_000_000]
    assert boards.validate(board) == []


def test_attenuation_names():
    board = devkitc()
    board["sensors"]["radiation_w_m2"]["atten"] = "12dB"
    refused(board, "sensors.radiation_w_m2.atten", "'12dB'", "0dB, 2.5dB, 6dB, 11dB")


@pytest.mark.parametrize("scale", [0, -1, "1.5"])
def test_pulse_scale_is_positive(scale):
    board = devkitc()
    board["sensors"]["wind_m_s"]["hz_per_m_s"] = scale
    refused(board, "sensors.wind_m_s.hz_per_m_s", "> 0")


# --- the sim board ---


def test_sim_lacks_a_role_another_board_has():
    sim = shipped("sim")
    del sim["sensors"]["ec_ms_cm"]
    assert boards.validate(sim) == []  # valid alone ...
    errors = boards.coverage(sim, {"esp32-s3-devkitc": s3(), "esp32-devkitc": devkitc()})
    assert errors == [  # ... but cannot stand in for the S3 node
        "sensors.ec_ms_cm: missing; esp32-s3-devkitc has it, and the sim board stands in for every board"
    ]


def test_sim_has_no_pins():
    sim = shipped("sim")
    sim["sensors"]["air"]["pin"] = 21
    sim["safe_boot_pin"] = 0
    refused(sim, "sensors.air", "unknown key 'pin'", "channel, optional")
    refused(sim, "unknown key 'safe_boot_pin'")


def test_sim_channels_are_distinct_names():
    sim = shipped("sim")
    sim["outputs"]["cool_valve"]["channel"] = "heat_valve_pct"
    sim["outputs"]["fog"]["channel"] = "fog pct"
    refused(sim, "outputs.cool_valve.channel", "'heat_valve_pct'", "outputs.heat_valve")
    refused(sim, "outputs.fog.channel", "'fog pct'")


# --- never a crash ---


def leaves(value, path=()):
    """The paths of every value in a parsed board file."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*path, key))


def replaced(board, path, value):
    if not path:
        return value
    copy = json.loads(json.dumps(board))
    parent = copy
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return copy


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.stem)
def test_any_value_anywhere_is_an_error_not_a_crash(path):
    board = json.loads(path.read_text())
    for where in leaves(board):
        for value in ODD_VALUES:
            errors = boards.validate(replaced(board, where, value))
            assert all(isinstance(error, str) for error in errors)


# --- load and the command line ---


def write(tmp_path, board, name=None):
    path = tmp_path / f"{name or board['board']}.json"
    path.write_text(json.dumps(board))
    return path


def test_load_raises_with_every_error(tmp_path):
    board = devkitc()
    board["outputs"]["fog"]["pin"] = 7
    board["sensors"]["air2"]["address"] = "0x44"
    with pytest.raises(boards.BoardError) as raised:
        boards.load(write(tmp_path, board))
    assert len(raised.value.errors) == 2 and "GPIO7" in str(raised.value)


def test_load_wants_the_file_named_after_the_board(tmp_path):
    with pytest.raises(boards.BoardError, match="'esp32-devkitc' must be the file's name, 'node-7'"):
        boards.load(write(tmp_path, devkitc(), "node-7"))


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "tools.boards", *map(str, args)], cwd=REPO, capture_output=True, text=True
    )


def test_cli_passes_the_shipped_boards():
    result = run_cli()
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(SHIPPED) and all(": ok (" in line for line in lines)
    assert "boards/esp32-devkitc.json: ok (esp32, 24 pins" in result.stdout


def test_cli_fails_a_bad_board(tmp_path):
    board = devkitc()
    board["outputs"]["fog"]["pin"] = 34
    result = run_cli(write(tmp_path, board), REPO / "boards" / "sim.json")
    assert result.returncode == 1
    assert "outputs.fog.pin: GPIO34 is input-only" in result.stdout
    assert "sim.json: ok" in result.stdout  # the good file still gets its line


def test_cli_fails_a_file_that_is_not_json(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"board": "broken",')
    result = run_cli(path)
    assert result.returncode == 1 and "not a readable JSON file" in result.stdout


def test_cli_checks_the_sim_against_the_boards_given(tmp_path):
    sim = shipped("sim")
    del sim["outputs"]["dose_acid"]
    result = run_cli(write(tmp_path, sim), REPO / "boards" / "esp32-s3-devkitc.json")
    assert result.returncode == 1
    assert "outputs.dose_acid: missing; esp32-s3-devkitc has it" in result.stdout


def test_the_readme_wiring_table_is_the_devkitc_board_files():
    table = boards.wiring(boards.load(REPO / "boards" / "esp32-devkitc.json"))
    stale = "stale: python -m tools.boards --wiring boards/esp32-devkitc.json"
    assert table in (REPO / "README.md").read_text(), stale
    rows = table.splitlines()[2:]
    used = {pin for pin, _, _ in boards.pin_uses(devkitc())}
    assert [int(row.split("|")[1]) for row in rows] == sorted(used)  # every pin once, in order
    assert "| 4 | 1-Wire water: DS18B20 supply_c, source_return_c" in table
    assert "| 16 | vent: OPEN relay input (active low), 180 s travel |" in table

"""tools/deploy.py without hardware: --dry-run lists what a node gets, with
sizes and the mpremote commands; package.json lists every firmware source."""

import json
import subprocess
import sys

from micropython_runner import REPO
from tools import deploy


def dry_run(*args):
    return subprocess.run(
        [sys.executable, "-m", "tools.deploy", "--dry-run", *args],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def listed(stdout):
    """{relative path: size} of the dry run's file lines."""
    files = {}
    for line in stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0].isdigit():
            files[parts[1]] = int(parts[0])
    return files


def test_a_dry_run_lists_the_compiled_firmware_the_board_and_the_house(tmp_path):
    result = dry_run("--board", "esp32-devkitc", "--port", "/dev/ttyUSB0")
    assert result.returncode == 0, result.stderr
    files = listed(result.stdout)
    assert {"main.py", "board.json", "house.json", "core/climate.mpy", "node/startup.mpy"} <= set(files)
    assert not any(name.endswith(".py") and name != "main.py" for name in files)  # compiled, as .mpy
    assert "hal/sim.mpy" not in files and "config.json" not in files  # the node's tuned settings stay
    assert all(size > 0 for size in files.values())
    would_run = [command.strip() for command in result.stdout.split("would run: ")[1:]]
    # Safe boot first (no watchdog while the files go over), then one connection copies all.
    assert would_run[0].endswith("""connect /dev/ttyUSB0 exec 'open("safe_boot", "w").close()'""")
    assert would_run[1].endswith("connect /dev/ttyUSB0 reset") and would_run[3] == would_run[1]
    copy = would_run[2]
    assert copy.count("+ fs cp ") == len(files) and copy.endswith("+ fs rm :safe_boot")
    assert ":core/climate.mpy" in copy and ":board.json" in copy
    config = tmp_path / "config.json"
    config.write_text('{"version": 1, "air.day_c": 21}')
    assert "config.json" in listed(dry_run("--board", "esp32-devkitc", "--config", str(config)).stdout)
    wifi = tmp_path / "wifi.json"
    wifi.write_text('{"ssid": "greenhouse", "password": "secret"}')
    assert "wifi.json" in listed(dry_run("--board", "esp32-devkitc", "--wifi", str(wifi)).stdout)


def test_an_unknown_board_is_refused_naming_the_known_ones():
    result = dry_run("--board", "esp32")
    assert result.returncode != 0
    assert "no board 'esp32' (known: esp32-devkitc, esp32-s3-devkitc, sim)" in result.stderr


def test_package_json_lists_every_firmware_source_for_mip():
    package = json.loads((REPO / "package.json").read_text())
    assert package == deploy.package_json(), "stale: run python -m tools.deploy --package-json"
    sources = {path for path, _ in package["urls"]}
    assert {"main.py", "core/climate.py", "node/config.py"} <= sources

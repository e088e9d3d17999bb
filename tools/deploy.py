"""Put the firmware on a node with mpremote.

    python -m tools.deploy --board esp32-devkitc [--port PORT] [--house FILE]
                           [--config FILE] [--wifi FILE] [--dry-run]
    python -m tools.deploy --package-json      # rewrite package.json (mip)

Compiles firmware/ with mpy-cross (the node then needs no heap to compile),
stages what the node gets (the .mpy modules, main.py, the board file as
board.json, the house file as house.json, and config.json only when --config
is given: a deploy never overwrites the settings tuned on the node), checks
the board file, and copies it all with `mpremote connect PORT fs cp` while
the node is held in safe boot (mpremote_commands says why).  --wifi adds
wifi.json (the node then sets its clock by NTP).
--dry-run lists the files with their sizes and the mpremote commands, and
touches no hardware.  The firmware needs no micropython-lib package: asyncio
is built into MicroPython, and onewire and ds18x20 are frozen into the ESP32
firmware.
"""

import argparse
import json
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))

import boards  # noqa: E402
from build_mpy import FIRMWARE, build  # noqa: E402

MPREMOTE = Path(sys.executable).parent / "mpremote"
PACKAGE_JSON = REPO / "package.json"
GITHUB = "github:greenhouse-node/greenhouse-node"  # where mip fetches the sources from
DEFAULT_HOUSE = {"crop": "rose"}  # a first flash; write the real house file at commissioning
SIM_ONLY = ("hal/sim.mpy",)  # the simulator's HAL: not for a real board


def stage(board_name, house_path, config_path, out, wifi_path=None):
    """Fills out with what the node gets; returns the list of relative paths."""
    board_file = REPO / "boards" / f"{board_name}.json"
    if not board_file.exists():
        known = ", ".join(sorted(p.stem for p in (REPO / "boards").glob("*.json")))
        raise SystemExit(f"error: no board {board_name!r} (known: {known})")
    board = boards.load(board_file)
    errors = boards.validate(board)
    if errors:
        raise SystemExit(f"error: boards/{board_name}.json: " + "; ".join(errors))
    failures = build(out)
    if failures:
        raise SystemExit(f"error: mpy-cross failed: {failures}")
    if board.get("chip") != "unix":
        for relative in SIM_ONLY:
            (out / relative).unlink(missing_ok=True)
    (out / "main.py").write_text((FIRMWARE / "main.py").read_text())
    node_board = {key: board[key] for key in board if key not in ("notes", "module")}  # heap on the node
    (out / "board.json").write_text(json.dumps(node_board))
    house = json.loads(Path(house_path).read_text()) if house_path else DEFAULT_HOUSE
    (out / "house.json").write_text(json.dumps(house))
    if config_path:
        (out / "config.json").write_text(Path(config_path).read_text())
    if wifi_path:
        (out / "wifi.json").write_text(Path(wifi_path).read_text())
    return sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())


SAFE_BOOT_FLAG = "safe_boot"  # node/startup.py's: main is skipped while it exists


def mpremote_commands(port, staged, files):
    """The mpremote command lines that copy the staged files onto the node.

    A running node has its watchdog started, and mpremote's Ctrl-C stops the
    control loop that feeds it: the node would reset within 30 s, part way
    through the copy (and a soft reset does not stop an ESP32's watchdog).
    So the node is first put in safe boot (the flag file, then a hard
    reset: no main, no watchdog), the files go over in one connection, and
    the flag is removed and the node reset to run the new firmware."""
    base = [str(MPREMOTE), "connect", port]
    folders = sorted({str(Path(f).parent) for f in files if "/" in f})
    make_dirs = "import os\n" + "".join(f"try: os.mkdir({d!r})\nexcept OSError: pass\n" for d in folders)
    flag = f'open("{SAFE_BOOT_FLAG}", "w").close()'
    copy = base + ["exec", make_dirs]
    for relative in files:
        copy += ["+", "fs", "cp", str(staged / relative), f":{relative}"]
    copy += ["+", "fs", "rm", f":{SAFE_BOOT_FLAG}"]
    return [base + ["exec", flag], base + ["reset"], copy, base + ["reset"]]


def package_json():
    """mip's package.json: every firmware source (mip installs .py; the node
    compiles them at import, which takes more heap than the .mpy deploy)."""
    urls = [
        [str(p.relative_to(FIRMWARE)), f"{GITHUB}/firmware/{p.relative_to(FIRMWARE)}"]
        for p in sorted(FIRMWARE.rglob("*.py"))
        if not str(p.relative_to(FIRMWARE)).startswith("hal/sim")
    ]
    return {"urls": urls, "deps": [], "version": "0.1.0"}


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--board", help="a file of boards/, without .json")
    parser.add_argument("--port", default="auto", help="serial port (mpremote's default: the first found)")
    parser.add_argument("--house", help="the house file (default: a rose house with everything fitted)")
    parser.add_argument("--config", help="settings to install as config.json (default: keep the node's)")
    parser.add_argument("--wifi", help='wifi.json for NTP time: {"ssid": ..., "password": ...}')
    parser.add_argument("--dry-run", action="store_true", help="list what would be copied; no hardware")
    parser.add_argument("--package-json", action="store_true", help="rewrite package.json for mip")
    args = parser.parse_args(argv)
    if args.package_json:
        PACKAGE_JSON.write_text(json.dumps(package_json(), indent=2) + "\n")
        print(f"wrote {PACKAGE_JSON}")
        return 0
    if not args.board:
        parser.error("--board is required (or --package-json)")
    with tempfile.TemporaryDirectory(prefix="deploy-") as tmp:
        staged = Path(tmp)
        files = stage(args.board, args.house, args.config, staged, args.wifi)
        total = 0
        for relative in files:
            size = (staged / relative).stat().st_size
            total += size
            print(f"{size:8d}  {relative}")
        print(f"{total:8d}  in {len(files)} files for board {args.board}")
        commands = mpremote_commands(args.port, staged, files)
        if args.dry_run:
            for command in commands:
                print("would run: " + " ".join(shlex.quote(part) for part in command))
            return 0
        for command in commands:
            subprocess.run(command, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

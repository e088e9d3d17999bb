"""Compile every firmware module to .mpy with mpy-cross (as the node gets it).

python tools/build_mpy.py            # build/mpy/ mirrors firmware/
python tools/build_mpy.py --check    # compile into a temporary dir, report errors
python tools/build_mpy.py --out DIR
"""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIRMWARE = REPO / "firmware"
MPY_CROSS = Path(sys.executable).parent / "mpy-cross"
# main.py and boot.py must stay source: MicroPython runs them by file name.
KEEP_AS_SOURCE = {"main.py", "boot.py"}


def build(out_dir):
    """Compiles firmware/ into out_dir; returns the list of (source, error)."""
    failures = []
    for source in sorted(FIRMWARE.rglob("*.py")):
        relative = source.relative_to(FIRMWARE)
        if relative.name in KEEP_AS_SOURCE:
            continue
        target = out_dir / relative.with_suffix(".mpy")
        target.parent.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [str(MPY_CROSS), "-s", str(relative), "-o", str(target), str(source)],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            failures.append((relative, result.stderr.strip()))
    return failures


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="compile into a temporary dir only")
    parser.add_argument("--out", type=Path, default=REPO / "build" / "mpy")
    args = parser.parse_args()
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            failures = build(Path(tmp))
    else:
        failures = build(args.out)
    for relative, error in failures:
        print(f"mpy-cross failed on firmware/{relative}:\n{error}", file=sys.stderr)
    if failures:
        return 1
    count = sum(1 for p in FIRMWARE.rglob("*.py") if p.name not in KEEP_AS_SOURCE)
    print(f"mpy-cross: {count} firmware modules compile" + ("" if args.check else f" -> {args.out}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

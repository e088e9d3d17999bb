"""Compiles the simulator's hot path to C extensions with mypyc (pinned in
pyproject.toml), into .cache/native/, so a simulated year takes about half
the time.

    python tools/build_native.py          # build if the sources changed
    python tools/build_native.py --force

The sources stay the single truth: the same files, compiled unchanged (their
type annotations are what mypyc uses; MicroPython ignores them).  The build
records a hash of those sources, and host_sim loads the compiled modules only
when the hash still matches, so an edited file is never shadowed by a stale
build.  Without a C compiler the build says so and the simulator runs as
plain Python: slower, with the same results (tests/test_native.py).
"""

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NATIVE_DIR = REPO / ".cache" / "native"
STAMP = NATIVE_DIR / "sources.sha256"
# The modules a simulation step runs through, as (package, module) in the tree.
MODULES = (
    ("firmware/core", "fixed"),
    ("firmware/core", "pid"),
    ("firmware/core", "onoff"),
    ("firmware/core", "cascade"),
    ("firmware/core", "settings"),
    ("firmware/core", "plausible"),
    ("firmware/core", "vapour"),
    ("firmware/core", "climate"),
    ("host_sim", "psychro"),
    ("host_sim", "actuators"),
    ("host_sim", "plant"),
    ("host_sim", "sensors"),
    ("host_sim", "firmware_controller"),
    ("host_sim", "tally"),
    ("host_sim", "rootzone"),
    ("host_sim", "mixer"),
    ("host_sim", "irrigation"),
    ("host_sim", "irrigation_baseline"),
)


def source_files():
    return [REPO / folder / f"{module}.py" for folder, module in MODULES]


def sources_hash():
    """Of the compiled sources and the interpreter they were compiled for."""
    digest = hashlib.sha256(sys.version.encode())
    for path in source_files():
        digest.update(path.relative_to(REPO).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def is_current():
    return STAMP.exists() and STAMP.read_text().strip() == sources_hash()


def build():
    """Compiles into NATIVE_DIR/{core,host_sim}/ and writes the stamp; returns
    an error text, or None when it worked."""
    with tempfile.TemporaryDirectory() as tmp:
        stage = Path(tmp)
        # Packages as they import: firmware/core as `core`, host_sim as itself.
        shutil.copytree(REPO / "firmware" / "core", stage / "core")
        shutil.copytree(REPO / "host_sim", stage / "host_sim", ignore=shutil.ignore_patterns("scenarios"))
        # MicroPython's const() as mypy should see it: an int stays an int, so
        # the core's constants compile to native integers.
        (stage / "micropython.pyi").write_text("def const(value: int) -> int: ...\n")
        targets = [f"{Path(folder).name}/{module}.py" for folder, module in MODULES]
        result = subprocess.run(
            [sys.executable, "-m", "mypyc", "--ignore-missing-imports", *targets],
            cwd=stage,
            capture_output=True,
            text=True,
            env=dict(os.environ, MYPY_CACHE_DIR=str(stage / ".mypy_cache")),
            check=False,
        )
        if result.returncode != 0:
            return (result.stdout + result.stderr).strip()[-3000:]
        if NATIVE_DIR.exists():
            shutil.rmtree(NATIVE_DIR)
        for package in ("core", "host_sim"):
            (NATIVE_DIR / package).mkdir(parents=True)
            for library in (stage / package).glob("*.so"):
                shutil.copy2(library, NATIVE_DIR / package / library.name)
        for library in stage.glob("*.so"):  # mypyc's shared runtime for the group
            shutil.copy2(library, NATIVE_DIR / library.name)
    STAMP.write_text(sources_hash() + "\n")
    return None


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--force", action="store_true", help="build even if the sources did not change")
    args = parser.parse_args()
    if is_current() and not args.force:
        STAMP.touch()  # for make: up to date
        print(f"native build in {NATIVE_DIR.relative_to(REPO)} is current")
        return
    error = build()
    if error:
        print(f"native build failed; the simulator runs as plain Python (slower):\n{error}", file=sys.stderr)
        return
    print(f"native build: {len(MODULES)} modules compiled into {NATIVE_DIR.relative_to(REPO)}")


if __name__ == "__main__":
    main()

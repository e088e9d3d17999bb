"""CPython host simulator: runs the firmware's control core against plant models.

firmware/ is the node's file-system root (the core imports as `core`), so it
goes on sys.path here exactly as it sits on the node.

When tools/build_native.py has compiled the hot path (the core's loops and the
plant, sensors and actuators) from the current sources, those compiled modules
are found first: the same code, about twice as fast.  HOST_SIM_NATIVE=0 turns
that off; `NATIVE` says which is running."""

import os
import sys
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
FIRMWARE_DIR = REPO_DIR / "firmware"
NATIVE_DIR = REPO_DIR / ".cache" / "native"
if str(FIRMWARE_DIR) not in sys.path:
    sys.path.insert(0, str(FIRMWARE_DIR))


def _use_native():
    if os.environ.get("HOST_SIM_NATIVE", "1") == "0" or not NATIVE_DIR.exists():
        return False
    if any(name.startswith(("core.", "host_sim.")) for name in sys.modules):
        return False  # plain modules already loaded: compiled ones must not mix with them
    sys.path.insert(0, str(REPO_DIR / "tools"))
    try:
        import build_native
    finally:
        sys.path.remove(str(REPO_DIR / "tools"))
    return build_native.is_current()


NATIVE = _use_native()
if NATIVE:
    import core

    core.__path__.insert(0, str(NATIVE_DIR / "core"))
    __path__.insert(0, str(NATIVE_DIR / "host_sim"))
    sys.path.append(str(NATIVE_DIR))  # mypyc's shared runtime library

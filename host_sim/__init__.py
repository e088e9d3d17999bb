"""CPython host simulator: runs the firmware's control core against plant models.

firmware/ is the node's file-system root (the core imports as `core`), so it
goes on sys.path here exactly as it sits on the node."""

import sys
from pathlib import Path

FIRMWARE_DIR = Path(__file__).resolve().parent.parent / "firmware"
if str(FIRMWARE_DIR) not in sys.path:
    sys.path.insert(0, str(FIRMWARE_DIR))

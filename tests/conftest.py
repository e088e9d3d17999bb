"""In-process tests run the plain-Python sources, the reference: the compiled
build of the simulator's hot path (tools/build_native.py) is tested against
them in subprocesses by test_native.py."""

import os

os.environ["HOST_SIM_NATIVE"] = "0"

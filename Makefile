# Two commands on a fresh machine: `make demo` and `make test`.
# Each creates .venv if missing and installs the pinned dependencies.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The simulator's hot path compiled with mypyc (tools/build_native.py): the
# same sources, twice as fast; without it the simulator runs as plain Python.
NATIVE := .cache/native/sources.sha256
NATIVE_SOURCES := firmware/core/fixed.py firmware/core/pid.py firmware/core/onoff.py \
	firmware/core/cascade.py firmware/core/settings.py firmware/core/plausible.py firmware/core/climate.py host_sim/psychro.py host_sim/actuators.py \
	host_sim/plant.py host_sim/sensors.py host_sim/firmware_controller.py host_sim/tally.py \
	host_sim/rootzone.py host_sim/mixer.py host_sim/irrigation.py host_sim/irrigation_baseline.py tools/build_native.py

.PHONY: demo test lint bench mpy native clean

$(STAMP): pyproject.toml constraints.txt tools/fetch_weather.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	$(PY) tools/fetch_weather.py
	touch $(STAMP)

$(NATIVE): $(STAMP) $(NATIVE_SOURCES)
	$(PY) tools/build_native.py

native: $(NATIVE)

demo: $(STAMP) $(NATIVE)
	$(PY) -m host_sim compare zichuan-rose-winter --plot out/demo.png --json out/demo.json

test: $(STAMP) $(NATIVE)
	$(VENV)/bin/ruff check .
	$(PY) tools/build_mpy.py --check
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .

bench: $(STAMP) $(NATIVE)
	$(PY) tools/bench.py --json out/bench.json

mpy: $(STAMP)
	$(PY) tools/build_mpy.py

clean:
	rm -rf $(VENV) build out .pytest_cache .ruff_cache .hypothesis .cache/native

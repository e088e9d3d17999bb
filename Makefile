# Two commands on a fresh machine: `make demo` and `make test`.
# Each creates .venv if missing and installs the pinned dependencies.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench mpy clean

$(STAMP): pyproject.toml constraints.txt tools/fetch_weather.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	$(PY) tools/fetch_weather.py
	touch $(STAMP)

demo: $(STAMP)
	$(PY) -m host_sim compare zichuan-rose-winter --plot out/demo.png --json out/demo.json

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(PY) tools/build_mpy.py --check
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .

bench: $(STAMP)
	$(PY) tools/bench.py --json out/bench.json

mpy: $(STAMP)
	$(PY) tools/build_mpy.py

clean:
	rm -rf $(VENV) build out .pytest_cache .ruff_cache .hypothesis

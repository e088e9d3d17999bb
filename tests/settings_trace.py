# Settings of the climate controller, exercised the same way under CPython
# (imported by test_settings.py) and the MicroPython unix port (stdout: JSON):
# every key read, set to both ends of its range, and refused bad values, with
# the error texts, so both interpreters must agree on values and messages.

import json

from core.climate import Climate
from core.crops import ROSE, WATER
from core.settings import entries, keys
from core.watering import Watering

SCHEMA = tuple(entries())
KEYS = tuple(keys())

BAD_VALUES = (-1000000000, 1000000000, 7.5, True, "20", None)


def snapshot(climate):
    return [climate.get(key) for key in KEYS]


def run():
    results = []
    for key, _, low, high, _, _, _ in SCHEMA:
        climate = Climate(ROSE, water=Watering(WATER["rose"]))  # every setting applies
        before = snapshot(climate)
        for value in (low, high) + BAD_VALUES:
            try:
                climate.set(key, value)
                results.append([key, repr(value), "ok", climate.get(key)])
            except ValueError as error:
                results.append([key, repr(value), str(error), snapshot(climate) == before])
            before = snapshot(climate)
    for key in ("air.dya_c", "nothing", 5, "irr.dose_ml_m2", "fert.ec.kp"):  # the last two: no irrigation
        try:
            Climate(ROSE).get(key)
        except ValueError as error:
            results.append([repr(key), str(error)])
    return results


if __name__ == "__main__":
    # A row at a time: the unix port fails to build one string this long (~60 kB).
    print("[")
    for i, row in enumerate(run()):
        print(("," if i else "") + json.dumps(row))
    print("]")

# The node's config store (node/config.py) on the real file system, run the
# same way under CPython (imported by test_config.py) and the MicroPython unix
# port (stdin: {"dir": an empty directory}, stdout: JSON): save, load, a save
# over an existing config and its backup, a corrupt config, apply.

import json
import os
import sys

from core.climate import Climate
from core.crops import ROSE
from core.settings import keys
from node.config import Store, apply, current, to_core, to_units


def files(directory):
    return sorted(os.listdir(directory))


def text(name):
    with open(name) as f:
        return f.read()


def run(directory):
    path = directory + "/config.json"
    store = Store(path)
    out = {"empty": store.load()}
    store.save({"air.day_c": 21})
    out["first"] = [store.load(), files(directory)]
    store.save({"air.day_c": 21.5, "air.heat.kp": 4})
    store.save({"air.day_c": 22.25, "supply.ki": 0.012, "screen.open_w_m2": 80})  # over config and .bak
    out["third"] = [store.load(), files(directory), json.loads(text(path + ".bak"))]
    with open(path, "wb") as f:
        f.write(b"\xff\x00{garbage")
    values, problems = store.load()
    out["corrupt"] = [values, [p.replace(directory + "/", "").split(":")[0] for p in problems]]
    store.save({"air.night_c": 16.5})  # the corrupt file goes, the good backup stays
    out["after_corrupt"] = [store.load(), json.loads(text(path + ".bak"))]

    climate = Climate(ROSE)
    apply(climate, {"air.night_c": 16.5, "vent.windy_m_s": 20, "vent.storm_m_s": 25})
    now = current(climate)
    out["applied"] = [now["air.night_c"], now["vent.windy_m_s"], now["vent.storm_m_s"]]
    out["refused"] = []
    for values in ({"air.day_c": 19, "air.max_c": 99}, {"air.day_c": 19, "hp.off_pct": 10}):
        try:
            apply(climate, values)
        except ValueError as e:
            out["refused"].append([str(e), current(climate) == now])
    out["round_trip_fails"] = [
        k for k in keys() if climate.has(k) and to_core(k, to_units(k, climate.get(k))) != climate.get(k)
    ]
    out["to_core"] = [
        to_core("air.day_c", 20.5),
        to_core("supply.ki", 0.003),
        to_core("air.prenight_s", 7200),
    ]
    return out


if __name__ == "__main__":
    print(json.dumps(run(json.loads(sys.stdin.read())["dir"])))

"""The node's config store (node/config.py): a power cut at any point of a
save leaves the old or the new config, on littlefs and on FAT rename
semantics; a corrupt or invalid file is reported, naming the file and the
key, and the backup or the defaults are used; bad input is refused naming the
key and the range, changing nothing; the same module works under MicroPython."""

import io
import json
import re

import mp_config
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.climate import Climate
from core.crops import ROSE
from core.settings import entries
from micropython_runner import TESTS, run_json
from node.config import Store, apply, current, dumps, to_core, to_units

SCHEMA = tuple(entries())

PATH = "config.json"
BAK = PATH + ".bak"
TMP = PATH + ".tmp"
OLDER = {"air.night_c": 15.5}
OLD = {"air.day_c": 21, "air.heat.kp": 4}
NEW = {"air.day_c": 22.5, "vent.windy_m_s": 12, "screen.open_w_m2": 80}
NEWER = {"air.day_c": 19.75, "supply.ki": 0.012}


class PowerCut(BaseException):
    """The power goes: no code runs after it, not even a finally's close()."""


class Flash:
    """An in-memory file system.  Every operation that changes the flash is
    logged, and the power is lost at operation cut_at: a write cut there
    leaves `keep` characters of its data (half when None); a rename cut there
    does nothing, except on FAT, where a torn rename leaves both names.
    replace: rename replaces an existing file (littlefs), else refuses (FAT)."""

    def __init__(self, files=None, replace=True, cut_at=None, keep=None):
        self.files = dict(files or {})
        self.replace = replace
        self.cut_at = cut_at
        self.keep = keep
        self.ops = []

    def _op(self, kind, name, torn=None):
        if self.cut_at is not None and len(self.ops) >= self.cut_at:
            if torn and len(self.ops) == self.cut_at:
                torn()
            self.ops.append(("cut", kind, name))
            raise PowerCut
        self.ops.append((kind, name))

    def exists(self, name):
        return name in self.files

    def open(self, name, mode):
        if mode == "rb":
            if name not in self.files:
                raise OSError(2, "ENOENT")
            return io.BytesIO(self.files[name].encode())
        assert mode == "w", mode
        self._op("open", name)
        self.files[name] = ""
        return _Writer(self, name)

    def rename(self, old, new):
        if old not in self.files:
            raise OSError(2, "ENOENT")
        if new in self.files and not self.replace:
            raise OSError(17, "EEXIST")

        def torn():
            if not self.replace:
                self.files[new] = self.files[old]

        self._op("rename", old, torn)
        self.files[new] = self.files.pop(old)

    def remove(self, name):
        if name not in self.files:
            raise OSError(2, "ENOENT")
        self._op("remove", name)
        del self.files[name]


class _Writer:
    def __init__(self, flash, name):
        self.flash = flash
        self.name = name

    def write(self, data):
        keep = len(data) // 2 if self.flash.keep is None else self.flash.keep

        def torn():
            self.flash.files[self.name] += data[:keep]

        self.flash._op("write", self.name, torn)
        self.flash.files[self.name] += data
        return len(data)

    def close(self):
        self.flash._op("close", self.name)


def load(files, replace=True, store=Store):
    return store(PATH, Flash(files, replace)).load()


def cut_saves(files, values, replace, store=Store):
    """The operations of a save of values on files, and the files after the
    power is lost at each of them (a write at several lengths), the last
    being the save completed."""
    dry = Flash(files, replace)
    store(PATH, dry).save(values)
    states = []
    for k in range(len(dry.ops) + 1):
        written = k < len(dry.ops) and dry.ops[k][0] == "write"
        for keep in (0, 1, None, -1) if written else (None,):
            flash = Flash(files, replace, cut_at=k, keep=keep)
            try:
                store(PATH, flash).save(values)
                assert k == len(dry.ops)
            except PowerCut:
                assert k < len(dry.ops)
            states.append(flash.files)
    return dry.ops, states


def broken_states(files, values, replace, store=Store):
    """The states after a cut save that load neither the old config nor values."""
    old = load(files, replace, store)[0]
    states = cut_saves(files, values, replace, store)[1]
    return [s for s in states if load(s, replace, store)[0] not in (old, values)]


STARTS = {
    "first save": {},
    "config": {PATH: dumps(OLD)},
    "config and backup": {PATH: dumps(OLD), BAK: dumps(OLDER)},
    "corrupt config, good backup": {PATH: dumps(OLDER)[:25], BAK: dumps(OLD)},
    "invalid config, no backup": {PATH: "[1, 2]"},
    "interrupted save": {BAK: dumps(OLD), TMP: dumps(OLDER)},
    "stale tmp": {PATH: dumps(OLD), TMP: '{"version'},
    "corrupt everything": {PATH: "\x00\x00", BAK: "{", TMP: dumps(OLDER)},
}
SEMANTICS = pytest.mark.parametrize("replace", [True, False], ids=["littlefs", "fat"])


@SEMANTICS
@pytest.mark.parametrize("start", STARTS)
def test_a_power_cut_anywhere_in_a_save_leaves_the_old_or_the_new_config(start, replace):
    files = STARTS[start]
    old = load(files, replace)[0]
    assert old != NEW
    ops, states = cut_saves(files, NEW, replace)
    kinds = {op[0] for op in ops}
    assert {"open", "write", "close", "rename"} <= kinds
    loaded = [load(state, replace)[0] for state in states]
    assert all(values in (old, NEW) for values in loaded), start
    assert loaded[0] == old and loaded[-1] == NEW
    # Completed, the save leaves a clean config; a valid one before it is
    # the backup, else the backup is kept.
    assert load(states[-1], replace) == (NEW, []) and set(states[-1]) <= {PATH, BAK}
    valid = PATH in files and load({PATH: files[PATH]})[1] == []
    assert states[-1].get(BAK) == (files[PATH] if valid else files.get(BAK))


@SEMANTICS
def test_a_cut_in_a_second_save_leaves_the_first_or_the_second(replace):
    flash = Flash({}, replace)
    Store(PATH, flash).save(OLD)
    Store(PATH, flash).save(NEW)
    for state in cut_saves(flash.files, NEWER, replace)[1]:
        assert load(state, replace)[0] in (NEW, NEWER)  # never OLD, now the backup
    assert load(flash.files, replace) == (NEW, []) and load({PATH: flash.files[BAK]})[0] == OLD


@SEMANTICS
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_saves_cut_at_random_points_one_after_another(replace, data):
    """From whatever a cut save left, the next save, cut or not, still leaves
    the config loaded before it or its own."""
    files = {}
    for _ in range(4):
        values = data.draw(setting_values())
        old = load(files, replace)[0]
        dry = Flash(files, replace)
        Store(PATH, dry).save(values)
        flash = Flash(
            files, replace, cut_at=data.draw(st.integers(0, len(dry.ops))), keep=data.draw(st.integers(0, 60))
        )
        try:
            Store(PATH, flash).save(values)
        except PowerCut:
            pass
        files = flash.files
        assert load(files, replace)[0] in (old, values)


class WriteInPlace(Store):
    """A store without the temporary file, to show the test sees a broken save."""

    def save(self, values):
        f = self.fs.open(self.path, "w")
        f.write(dumps(values))
        f.close()


class RenameOver(Store):
    """A store that renames its temporary file straight over the config."""

    def save(self, values):
        f = self.fs.open(TMP, "w")
        f.write(dumps(values))
        f.close()
        self.fs.rename(TMP, self.path)


class LoadsTmp(Store):
    """A store that takes a whole temporary file when nothing else is valid."""

    def load(self):
        values, problems = Store.load(self)
        tmp = self._read(TMP, problems) if values == {} else None
        return (values, problems) if tmp is None else (tmp, problems)


def test_the_power_cut_test_catches_unsafe_saves():
    assert broken_states(STARTS["config"], NEW, True, WriteInPlace)
    assert broken_states(STARTS["config"], NEW, True, RenameOver) == []  # atomic on littlefs ...
    with pytest.raises(OSError):
        broken_states(STARTS["config"], NEW, False, RenameOver)  # ... refused on FAT
    # A first save cut before its rename leaves only the temporary file: a
    # store that loads it loses it when the next save truncates it.
    first_cut = {TMP: dumps(OLD)}
    assert broken_states(first_cut, NEW, True, LoadsTmp)
    assert broken_states(first_cut, NEW, True) == []


# Corrupt and invalid files, on the real file system.

CORRUPT = {
    "garbage bytes": (b"\xff\xfe\x00\x9c garbage", None),
    "empty": (b"", None),
    "truncated JSON": (dumps(OLDER)[:20].encode(), None),
    "a list": (b"[1, 2]", "not a JSON object"),
    "unknown key": (b'{"version": 1, "air.dya_c": 20}', "unknown setting 'air.dya_c'"),
    "out of range": (b'{"version": 1, "air.day_c": 99}', "air.day_c must be a number in 5..35 degC, got 99"),
    "a string": (b'{"version": 1, "air.day_c": "20"}', "air.day_c must be a number in 5..35 degC, got '20'"),
    "a bool": (b'{"version": 1, "air.heat.kp": true}', "air.heat.kp must be a number in 0..20 K/K, got True"),
    "null": (b'{"version": 1, "air.night_c": null}', "air.night_c must be a number"),
    "NaN": (b'{"version": 1, "air.night_c": NaN}', "air.night_c must be a number"),
    "Infinity": (b'{"version": 1, "rh.max_pct": -Infinity}', "rh.max_pct must be a number in 50..100 %"),
    "a nested object": (b'{"version": 1, "fog.kp": {"a": 1}}', "fog.kp must be a number"),
    "no version": (b'{"air.day_c": 20}', "version None, this firmware reads version 1"),
    "a newer version": (b'{"version": 2, "air.day_c": 20}', "version 2, this firmware reads version 1"),
    "too long": (b'{"version": 1, "x": "' + b"a" * 5000 + b'"}', "longer than 4096 bytes"),
    "deeply nested": (b"[" * 3000, None),
}


@pytest.mark.parametrize("backup", [True, False], ids=["backup", "no backup"])
@pytest.mark.parametrize("case", CORRUPT)
def test_a_bad_config_is_reported_and_the_backup_or_the_defaults_used(tmp_path, case, backup):
    content, message = CORRUPT[case]
    path = str(tmp_path / PATH)
    (tmp_path / PATH).write_bytes(content)
    if backup:
        (tmp_path / BAK).write_text(dumps(OLD))
    values, problems = Store(path).load()
    assert values == (OLD if backup else {})
    assert problems[0].startswith(path + ": ") and len(problems[0]) > len(path) + 3
    if message:
        assert message in problems[0]
    assert problems[1:] == ([path + ".bak: used instead of " + path] if backup else [])


def test_every_bad_key_of_a_file_is_named(tmp_path):
    (tmp_path / BAK).write_bytes(b'{"version": 1, "air.day_c": 3, "air.heat.kp": 4, "hp.on_pct": false}')
    values, problems = Store(str(tmp_path / PATH)).load()
    assert values == {} and len(problems) == 1
    assert "air.day_c must be" in problems[0] and "hp.on_pct must be" in problems[0]
    assert "air.heat.kp" not in problems[0]


def test_no_file_is_the_defaults_without_a_problem(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert Store().load() == ({}, [])
    Store().save(OLD)
    assert Store().load() == (OLD, []) and json.loads((tmp_path / PATH).read_text()) == dict(OLD, version=1)


def test_the_file_is_one_setting_a_line_in_schema_order():
    assert dumps({"air.heat.kp": 4, "supply.ki": 0.012, "air.day_c": 21.5}) == (
        '{\n  "version": 1,\n  "air.day_c": 21.5,\n  "air.heat.kp": 4,\n  "supply.ki": 0.012\n}\n'
    )
    assert dumps({"air.day_c": 20.5004}) == dumps({"air.day_c": 20.5})  # stored as the core holds it


BAD_INPUT = [
    ({"air.day_c": 99}, r"air.day_c must be a number in 5..35 degC, got 99"),
    ({"air.day_c": 21, "air.heat.kp": True}, r"air.heat.kp must be a number in 0..20 K/K, got True"),
    ({"screen.open_w_m2": "80"}, r"screen.open_w_m2 must be a number in 0..1000 W/m2, got '80'"),
    ({"air.night_c": float("nan")}, r"air.night_c must be a number in 5..35 degC, got nan"),
    ({"air.night_c": float("inf")}, r"air.night_c must be a number in 5..35 degC, got inf"),
    ({"air.dya_c": 20}, r"unknown setting 'air.dya_c'; known: air.day_c, air.night_c"),
    ({"version": 1}, r"unknown setting 'version'"),
]


@pytest.mark.parametrize(("values", "message"), BAD_INPUT)
def test_save_refuses_bad_input_changing_nothing(values, message):
    flash = Flash(STARTS["config and backup"])
    with pytest.raises(ValueError, match=re.escape(message)):
        Store(PATH, flash).save(values)
    assert flash.files == STARTS["config and backup"] and flash.ops == []


# The settings on a climate controller.


def spare_climate_check(values):
    apply(Climate(ROSE), values)


def test_a_check_refuses_a_config_whose_settings_contradict_each_other():
    clash = {"air.min_c": 25, "air.max_c": 22}  # each in range, min above max
    files = {PATH: dumps(clash), BAK: dumps(OLD)}
    assert Store(PATH, Flash(files)).load() == (clash, [])
    values, problems = Store(PATH, Flash(files), check=spare_climate_check).load()
    assert (
        values == OLD and "config.json: air.max_c = 22000 refused: air.min_c must stay below" in problems[0]
    )
    flash = Flash(files)
    with pytest.raises(ValueError, match="air.min_c must stay below air.max_c"):
        Store(PATH, flash, check=spare_climate_check).save(clash)
    assert flash.files == files


@pytest.mark.parametrize(("values", "message"), [v for v in BAD_INPUT if v[0] != {"version": 1}])
def test_apply_refuses_bad_input_changing_nothing(values, message):
    climate = Climate(ROSE)
    before = current(climate)
    with pytest.raises(ValueError, match=re.escape(message)):
        apply(climate, values)
    assert current(climate) == before


def test_apply_is_all_or_nothing():
    climate = Climate(ROSE)
    before = current(climate)
    # The third is in range but contradicts hp.on_pct: the first two are undone.
    with pytest.raises(
        ValueError, match=r"hp\.off_pct = 10000 refused: hp\.off_pct must stay below hp\.on_pct"
    ):
        apply(climate, {"air.day_c": 22, "air.heat.kp": 5, "hp.off_pct": 10})
    assert current(climate) == before and climate.air_loop.kp_m == 3000
    apply(climate, {"air.day_c": 22, "air.heat.kp": 5})
    assert current(climate) == before | {"air.day_c": 22, "air.heat.kp": 5} and climate.air_loop.kp_m == 5000


def test_apply_takes_a_pair_in_any_order():
    # windy must stay below storm (15 m/s): raising both, or lowering both,
    # works whichever comes first.
    for values in ({"vent.windy_m_s": 20, "vent.storm_m_s": 25}, {"vent.storm_m_s": 8, "vent.windy_m_s": 6}):
        climate = Climate(ROSE)
        apply(climate, values)
        assert {key: current(climate)[key] for key in values} == values


def test_current_is_every_setting_in_units_and_applies_back():
    climate = Climate(ROSE)
    now = current(climate)
    water_keys = [e[0] for e in SCHEMA if "water." in e[1]]  # this house has no irrigation
    assert water_keys and not set(water_keys) & set(now)
    assert len(now) == len(SCHEMA) - len(water_keys)
    assert now["air.day_c"] == 20 and now["air.heat.ki"] == 0.003
    assert now["rh.pipe_k_per_pct"] == 2 and isinstance(now["air.prenight_s"], int)
    changed = now | NEW
    apply(climate, changed)
    twin = Climate(ROSE)
    apply(twin, json.loads(json.dumps(current(climate))))
    assert current(twin) == changed


@st.composite
def setting_values(draw):
    chosen = draw(st.lists(st.sampled_from(SCHEMA), max_size=6, unique_by=lambda e: e[0]))
    return {e[0]: to_units(e[0], draw(st.integers(e[2], e[3]))) for e in chosen}


@given(st.sampled_from(SCHEMA), st.data())
def test_every_value_in_range_survives_units_and_json(item, data):
    key, _, low, high, scale, _, _ = item
    value = data.draw(st.integers(low, high))
    assert to_core(key, json.loads(json.dumps(to_units(key, value)))) == value
    assert to_core(key, value / scale) == value
    for outside in (low - 1, high + 1):
        with pytest.raises(ValueError, match=re.escape(key + " must be a number in ")):
            to_core(key, outside / scale)


@given(setting_values())
def test_save_then_load_gives_the_values_back(values):
    flash = Flash()
    Store(PATH, flash).save(values)
    assert Store(PATH, Flash(flash.files)).load() == (values, [])


# The same module under the real MicroPython unix port.


def test_micropython_saves_loads_and_applies_as_cpython_does(tmp_path):
    (tmp_path / "mp").mkdir()
    (tmp_path / "cpython").mkdir()
    got = run_json(TESTS / "mp_config.py", {"dir": str(tmp_path / "mp")})
    assert got == json.loads(json.dumps(mp_config.run(str(tmp_path / "cpython"))))
    third = {"air.day_c": 22.25, "supply.ki": 0.012, "screen.open_w_m2": 80}
    second = {"air.day_c": 21.5, "air.heat.kp": 4}
    assert got["third"] == [[third, []], [PATH, BAK], second | {"version": 1}]
    assert got["corrupt"] == [second, [PATH, BAK]]
    assert got["after_corrupt"] == [[{"air.night_c": 16.5}, []], second | {"version": 1}]
    assert got["applied"] == [16.5, 20, 25] and got["round_trip_fails"] == []
    assert got["refused"] == [
        ["air.max_c must be a number in 20..45 degC, got 99", True],
        ["hp.off_pct = 10000 refused: hp.off_pct must stay below hp.on_pct", True],
    ]
    assert got["to_core"] == [20500, 3, 7200000]
    assert sorted((tmp_path / "mp").iterdir()) == [tmp_path / "mp" / PATH, tmp_path / "mp" / BAK]

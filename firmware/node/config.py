# The node's config: the climate settings (core/settings.py) in their user
# units, kept as JSON on flash.
#
#   {"version": 1, "air.day_c": 20.5, "air.heat.kp": 4}
#
# Bad input is refused with an error naming the key and its allowed range,
# and changes nothing.  A save never leaves a broken config, whenever the
# power goes:
#   1. the new config is written to config.json.tmp, and closed;
#   2. a valid config.json becomes config.json.bak (an invalid one is
#      removed, so a good backup is kept);
#   3. config.json.tmp is renamed config.json.
# No rename ever lands on an existing file, so this holds on littlefs (which
# would replace it) and on FAT (which refuses).  load() takes config.json,
# else config.json.bak, else the defaults, and reports every file it passed
# over.  A cut before step 3 leaves the old config in one of the two; after
# it, the new one.  (A leftover .tmp is never loaded: the next save would
# truncate it, and with it the only copy.)
#
# Runs unchanged on CPython and MicroPython: json, os and open only.

import json
import os

from core.settings import entry, keys

VERSION = 1
MAX_BYTES = 4096  # a config of every setting is ~1.2 KB; a bigger file is not ours, and would cost heap
READ_CHUNK = 256
_HUGE = 1e12  # beyond any range; NaN and infinities fail the comparison too


def to_core(key, value):
    """value of setting key, in its unit, as the core's integer; a ValueError
    naming the key and the allowed range otherwise (bool is not a number)."""
    _, _, low, high, scale, unit, _ = entry(key)
    if isinstance(value, float) and -_HUGE < value < _HUGE:
        core = round(value * scale)
    elif isinstance(value, int) and not isinstance(value, bool):
        core = value * scale
    else:
        core = None
    if core is None or not low <= core <= high:
        raise ValueError(
            "%s must be a number in %g..%g %s, got %r" % (key, low / scale, high / scale, unit, value)
        )
    return core


def to_units(key, value):
    """The core's integer value of setting key in its unit: an int when whole."""
    scale = entry(key)[4]
    return value / scale if value % scale else value // scale


def current(climate):
    """Every setting of climate that applies to its house, in units."""
    return {key: to_units(key, climate.get(key)) for key in keys(climate.water is not None)}


def apply(climate, values):
    """Sets every setting of values (in units) on climate, or none: a
    ValueError naming the key otherwise, with climate unchanged."""
    pending = [(key, to_core(key, values[key])) for key in values]  # all checked first
    done = []
    while pending:
        # A refused key is tried again after the others: raising air.max_c
        # may be what lets a higher air.min_c in.
        refused = []
        error = None
        for key, value in pending:
            before = climate.get(key)
            try:
                climate.set(key, value)
                done.append((key, before))
            except ValueError as e:
                refused.append((key, value))
                error = error or e
        if len(refused) == len(pending):
            for key, before in reversed(done):  # each step back is a state already accepted
                climate.set(key, before)
            raise error
        pending = refused


def settings(data):
    """The settings of a parsed config file; a ValueError naming every bad
    key otherwise."""
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version != VERSION:
        raise ValueError("version %r, this firmware reads version %d" % (version, VERSION))
    values = {}
    bad = []
    for key in data:
        if key != "version":
            try:
                to_core(key, data[key])
                values[key] = data[key]
            except ValueError as e:
                bad.append(str(e))
    if bad:
        raise ValueError("; ".join(bad))
    return values


def dumps(values):
    """values as the config file's text: one setting a line, in schema order."""
    core = {key: to_core(key, values[key]) for key in values}
    lines = ['"version": %d' % VERSION]
    for key in keys():
        if key in core:
            lines.append("%s: %s" % (json.dumps(key), json.dumps(to_units(key, core[key]))))
    return "{\n  " + ",\n  ".join(lines) + "\n}\n"


def _read_at_most(f, limit):
    """The file's contents in small reads (MicroPython's read(n) takes an
    n-byte buffer at once: on a fragmented heap, 4 kB may not be there)."""
    chunks = []
    size = 0
    while True:
        chunk = f.read(READ_CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise ValueError("longer than %d bytes" % limit)
        chunks.append(chunk)
    return chunks[0][:0].join(chunks) if chunks else b""


class Files:
    """The real file system; a test passes a fake with the same four methods."""

    def open(self, name, mode):
        return open(name, mode)

    def rename(self, old, new):
        os.rename(old, new)

    def remove(self, name):
        os.remove(name)

    def exists(self, name):
        try:
            os.stat(name)
            return True
        except OSError:
            return False


class Store:
    """check: called with the settings of a file; raises ValueError if they
    must not be used (apply them to a spare Climate: pairs such as air.min_c
    below air.max_c are checked there)."""

    def __init__(self, path="config.json", fs=None, check=None):
        self.path = path
        self.fs = fs or Files()
        self.check = check

    def load(self):
        """(settings, problems): the first valid of the config and its backup,
        or ({}, problems) for the defaults; problems name the file and what is
        wrong with it, and the backup when it is used.  Never raises."""
        problems = []
        for name in (self.path, self.path + ".bak"):
            values = self._read(name, problems)
            if values is not None:
                if name != self.path:
                    problems.append("%s: used instead of %s" % (name, self.path))
                return values, problems
        return {}, problems

    def save(self, values):
        """Makes values (settings in units) the config; a ValueError naming the
        key, changing nothing, if one is bad.  OSError if the flash fails."""
        text = dumps(values)
        if self.check:
            self.check(settings(json.loads(text)))
        fs = self.fs
        tmp = self.path + ".tmp"
        bak = self.path + ".bak"
        f = fs.open(tmp, "w")
        try:
            f.write(text)
        finally:
            f.close()
        if self._read(self.path, []) is not None:
            if fs.exists(bak):
                fs.remove(bak)
            fs.rename(self.path, bak)
        elif fs.exists(self.path):
            fs.remove(self.path)
        fs.rename(tmp, self.path)

    def _read(self, name, problems):
        """The settings in file name, or None: missing, or invalid (reported)."""
        if not self.fs.exists(name):
            return None
        try:
            f = self.fs.open(name, "rb")
            try:
                text = _read_at_most(f, MAX_BYTES)
            finally:
                f.close()
            values = settings(json.loads(text))
            if self.check:
                self.check(values)
            return values
        except Exception as e:  # whatever is on the flash, the node keeps running
            problems.append("%s: %s" % (name, str(e) or type(e).__name__))
            return None

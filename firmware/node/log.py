# A small persistent log of boots and errors on flash: the last few kB, so a
# node that reset in the night can say why.  Writing never raises: a full or
# failed flash loses the line, not control.

import os
import sys

MAX_BYTES = 2048  # then errors.log becomes errors.log.1 (one old file kept)


class Log:
    def __init__(self, path="errors.log", echo=None):
        self.path = path
        self.echo = echo if echo is not None else sys.stderr  # the serial console on an ESP32
        self.errors = 0

    def line(self, text):
        try:
            self.echo.write(text + "\n")
        except Exception:
            pass
        try:
            if os.stat(self.path)[6] > MAX_BYTES:
                os.rename(self.path, self.path + ".1")
        except OSError:
            pass
        try:
            with open(self.path, "a") as f:
                f.write(text + "\n")
        except OSError:
            pass

    def error(self, where, error):
        self.errors += 1
        self.line("error %s: %s: %s" % (where, type(error).__name__, error))

    def tail(self, lines=10):
        """The last lines of the log (the current file only)."""
        try:
            with open(self.path) as f:
                return f.read().split("\n")[-lines - 1 : -1]
        except OSError:
            return []

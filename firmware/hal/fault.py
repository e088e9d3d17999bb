# What every driver shares: a read that fails returns None and is counted
# here, never raised.  The control core decides what a missing value means.


class Fault:
    def __init__(self):
        self.errors = 0  # failures since start
        self.last_error = None  # the latest: a short constant string ("bus", "crc", "range", ...)

    def fail(self, reason):
        """Counts one failure; returns None, the missing value."""
        self.errors += 1
        self.last_error = reason
        return None

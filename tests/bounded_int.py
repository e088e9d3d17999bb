"""An int that fails the moment any arithmetic result leaves MicroPython's
small-int range (|x| < 2**30 on the 32-bit ESP32), so running the core on
BoundedInt inputs under CPython proves its intermediates stay small.  (The
64-bit unix port has 62-bit small ints, so it cannot show this by itself.)"""

SMALL_INT_LIMIT = 1 << 30


class SmallIntOverflow(AssertionError):
    pass


def _checked(value):
    if value is NotImplemented or isinstance(value, bool):
        return value
    if not -SMALL_INT_LIMIT <= value < SMALL_INT_LIMIT:
        raise SmallIntOverflow(f"intermediate {value} is outside the small-int range")
    return BoundedInt(value)


def _binary(name):
    method = getattr(int, name)

    def op(self, other):
        return _checked(method(self, other))

    op.__name__ = name
    return op


def _unary(name):
    method = getattr(int, name)

    def op(self):
        return _checked(method(self))

    op.__name__ = name
    return op


class BoundedInt(int):
    def __new__(cls, value):
        value = int(value)
        if not -SMALL_INT_LIMIT <= value < SMALL_INT_LIMIT:
            raise SmallIntOverflow(f"input {value} is outside the small-int range")
        return super().__new__(cls, value)

    def __repr__(self):
        return f"BoundedInt({int(self)})"


for _name in (
    "__add__ __radd__ __sub__ __rsub__ __mul__ __rmul__ __floordiv__ __rfloordiv__ "
    "__mod__ __rmod__ __lshift__ __rlshift__ __rshift__ __rrshift__ __and__ __rand__ "
    "__or__ __ror__ __xor__ __rxor__"
).split():
    setattr(BoundedInt, _name, _binary(_name))
for _name in ("__neg__", "__pos__", "__abs__"):
    setattr(BoundedInt, _name, _unary(_name))

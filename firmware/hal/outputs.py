# Output drivers.  Each takes its machine.Pin / machine.PWM ready made (the
# board decides pins and frequency), never raises on a write that fails (it
# is counted: errors, last_error; set() returns False), and has safe(), which
# puts it in its safe state:
#   Pwm010V          the safe opening given (default 0: closed);
#   Relay            off (de-energised);
#   ThreePointValve  its safe command (default CLOSE: driven closed, stopped
#                    by the actuator's end switch; STOP leaves it where it is);
#   SlowPwmRelay     off, and its slow PWM forgives the on-time owed.

from core.fixed import FULL_SCALE, check_range, clamp, const, muldiv
from hal.fault import Fault

OPEN = const(1)  # the commands of core/three_point.py
STOP = const(0)
CLOSE = const(-1)
DUTY_FULL = const(65535)  # machine.PWM.duty_u16 at 100 %


class Pwm010V(Fault):
    """A 0-10 V valve through a PWM-to-0-10V converter module.

    set(value), value 0..FULL_SCALE (the core's 0..100 %): the output is
    offset + value * span / FULL_SCALE, in % of 10 V, clamped to 0..100 %;
    offset=20000, span=80000 drive a 2-10 V actuator, a small offset trims
    the converter.  invert: the converter gives 10 V at duty 0 (an
    optocoupled input); the valve's own sense is the control's business."""

    def __init__(self, pwm, invert=False, offset=0, span=FULL_SCALE, safe=0):
        super().__init__()
        check_range("offset", offset, -FULL_SCALE, FULL_SCALE)
        check_range("span", span, 0, 2 * FULL_SCALE)
        check_range("safe", safe, 0, FULL_SCALE)
        self.pwm = pwm
        self.invert = invert
        self.offset = offset
        self.span = span
        self.safe_value = safe
        self.value = None  # the last value written
        self.duty = None
        self.set(safe)

    def duty_of(self, value):
        """duty_u16 for value 0..FULL_SCALE (clamped)."""
        out = self.offset + muldiv(clamp(value, 0, FULL_SCALE), self.span, FULL_SCALE)
        duty = muldiv(clamp(out, 0, FULL_SCALE), DUTY_FULL, FULL_SCALE)
        return DUTY_FULL - duty if self.invert else duty

    def set(self, value):
        duty = self.duty_of(value)
        try:
            self.pwm.duty_u16(duty)
        except Exception:
            self.value = self.duty = None
            self.fail("pwm")
            return False
        self.value = value
        self.duty = duty
        return True

    def safe(self):
        return self.set(self.safe_value)


class Relay(Fault):
    """A relay (or contactor, solenoid valve, pump) on a digital output;
    active_low for the common relay boards switched by a low input.  Off at
    construction.  on: the last state written, None when a write failed."""

    def __init__(self, pin, active_low=False):
        super().__init__()
        self.pin = pin
        self.active_low = active_low
        self.on = None
        self.set(False)

    def set(self, on):
        level = 1 if on else 0
        if self.active_low:
            level ^= 1
        try:
            self.pin.value(level)
        except Exception:
            self.on = None  # unknown: an interlock must not trust it
            self.fail("pin")
            return False
        self.on = bool(on)
        return True

    def safe(self):
        return self.set(False)


class ThreePointValve(Fault):
    """A floating (three-point) actuator on two relays, open and close.

    drive(command) takes the OPEN / STOP / CLOSE of core/three_point.py:
        valve.drive(block.update(wanted, dt_ms))
    The interlock is here, whatever the caller does: a relay is switched off
    before the other is switched on, and is switched on only while the other
    is known to be off; asked for both, it switches both off ("both")."""

    def __init__(self, open_relay, close_relay, safe=CLOSE):
        super().__init__()
        if safe not in (OPEN, STOP, CLOSE):
            raise ValueError("safe must be OPEN (1), STOP (0) or CLOSE (-1), got %r" % (safe,))
        self.open_relay = open_relay
        self.close_relay = close_relay
        self.safe_command = safe
        self.command = None  # what the relays do: OPEN, STOP, CLOSE; None when unknown
        self.set(False, False)

    def set(self, opening, closing):
        """True when the relays are as asked."""
        problem = None
        if opening and closing:
            problem = "both"
            opening = closing = False
        open_relay = self.open_relay
        close_relay = self.close_relay
        # First off, then on: never both on, not even for an instant.
        if not opening and not open_relay.set(False):
            problem = problem or "relay"
        if not closing and not close_relay.set(False):
            problem = problem or "relay"
        # Always tried, even after a problem: it switches relay off when the other may be on.
        if opening:
            energised = self._energise(open_relay, close_relay)
            problem = problem or energised
        elif closing:
            energised = self._energise(close_relay, open_relay)
            problem = problem or energised
        if open_relay.on is None or close_relay.on is None:
            self.command = None
        else:
            self.command = OPEN if open_relay.on else CLOSE if close_relay.on else STOP
        if problem:
            self.fail(problem)
            return False
        return True

    def _energise(self, relay, other):
        """Switches relay on if other is known to be off: None, or the problem."""
        if other.on is not False:  # its switch-off failed: it may be on
            relay.set(False)
            return "interlock"
        return None if relay.set(True) else "relay"

    def drive(self, command):
        """command: OPEN (> 0), STOP (0) or CLOSE (< 0)."""
        return self.set(command > 0, command < 0)

    def safe(self):
        """Drives the safe command.  A core block's position estimate does not
        know of it: after safe(), start the block anew (position unknown)."""
        return self.drive(self.safe_command)


class SlowPwmRelay:
    """A relay driven by a core/slow_pwm.py SlowPWM block (dosing pumps,
    fog): update(duty, dt_ms) as the block's, returns whether the relay is
    on.  errors and last_error are the relay's."""

    def __init__(self, relay, block):
        self.relay = relay
        self.block = block

    @property
    def errors(self):
        return self.relay.errors

    @property
    def last_error(self):
        return self.relay.last_error

    def update(self, duty, dt_ms):
        on = self.block.update(duty, dt_ms)
        self.relay.set(on)
        return self.relay.on is True

    def safe(self):
        self.block.update(0, 0)  # a duty of 0: off at once, nothing owed
        return self.relay.safe()

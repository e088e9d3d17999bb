# The sim board's HAL: the node's sensors, outputs and clock are the
# simulated greenhouse's, one text frame per control tick over a pipe pair
# (the node's stdin/stdout, or two FIFOs when the REPL has the terminal).
#
#   plant -> node  d SUNRISE_MS SUNSET_MS          (when the day changes)
#                  t TOD_MS DT_MS AIR AIR2 RH SUPPLY RAD OUT OUT_RH WIND
#                    SOURCE HP_RUNNING MINE_OK POWER_CAP SURPLUS
#                  w SUBSTRATE FLOW DRAIN EC PH EC2 PH2   (before t, where the house irrigates)
#                  m                               (free heap, please)
#                  q                               (the run is over)
#   node -> plant  o HEAT COOL FOG VENT SCREEN HP_ON HP_COOLING HP_SUPPLY ALARMS
#                  i GROUP DOSE_AB DOSE_ACID ALARMS EC_TARGET PH_TARGET DRAIN_TARGET
#                                                  (after o, for each w frame)
#                  m FREE_BYTES                    (after a full collection)
#
# Readings are integers in the core's scales, "-" for a missing one; flags
# are 0 or 1.  The node answers every t frame with one o line.

import asyncio
import gc

from node.clock import VirtualClock

# Inputs fields in frame order, after TOD_MS and DT_MS.
READINGS = (
    "air_c", "air2_c", "rh_pct", "supply_c", "radiation_w_m2", "outdoor_c",
    "outdoor_rh_pct", "wind_m_s", "source_return_c",
)  # fmt: skip
START_TICKS_MS = (1 << 30) - 600000  # the virtual ticks wrap 10 minutes into a run


def _reading(text):
    return None if text == "-" else int(text)


class SimHal:
    def __init__(self, reader, writer, flush=True):
        """reader: an asyncio.StreamReader of frames; writer: a stream for the
        answers, flushed after each unless flush is False (a FIFO: MicroPython
        writes files unbuffered, and its flush, an fsync, fails on a FIFO)."""
        self.reader = reader
        self.writer = writer
        self.flush = flush
        self.clock = VirtualClock(START_TICKS_MS)
        self.fields = None  # the current frame's readings, as text
        self.water = None  # the current w frame's, as text
        self.answered = True
        self.water_answered = True

    async def next_tick(self):
        if not self.answered:
            self.safe()
        day = None
        while True:
            line = await self.reader.readline()
            if not line:
                return None
            fields = line.decode().split()
            if not fields or fields[0] == "q":
                return None
            if fields[0] == "d":
                day = (int(fields[1]), int(fields[2]))
            elif fields[0] == "w":
                self.water = fields
                self.water_answered = False
            elif fields[0] == "m":
                gc.collect()
                self.writer.write("m %d\n" % gc.mem_free())
                if self.flush:
                    self.writer.flush()
            elif fields[0] == "t":
                self.fields = fields
                self.answered = False
                dt_ms = int(fields[2])
                self.clock.advance(dt_ms)
                return int(fields[1]), dt_ms, day
            else:
                raise ValueError("sim frame must start with d, t or q, got %r" % fields[0])

    def read(self, inputs):
        fields = self.fields
        for i in range(len(READINGS)):
            setattr(inputs, READINGS[i], _reading(fields[3 + i]))
        n = 3 + len(READINGS)
        inputs.heat_pump_running = fields[n] == "1"
        inputs.mine_flow_ok = fields[n + 1] == "1"
        inputs.power_cap = int(fields[n + 2])
        inputs.power_surplus = fields[n + 3] == "1"

    def write(self, out):
        self._answer(
            out.heat_valve, out.cool_valve, out.fog, out.vent, out.screen,
            out.heat_pump_on, out.heat_pump_cooling, out.heat_pump_supply_c, out.alarms,
        )  # fmt: skip

    def read_water(self, r):
        fields = self.water
        r.substrate_pct = _reading(fields[1])
        r.flow_ml_min = _reading(fields[2])
        r.drain_ml = _reading(fields[3])
        r.ec = _reading(fields[4])
        r.ph = _reading(fields[5])
        r.ec2 = _reading(fields[6])
        r.ph2 = _reading(fields[7])

    def write_water(self, water):
        fert = water.fert
        self._answer_water(
            water.group, water.dose_ab, water.dose_acid, water.alarms,
            fert.ec_target, fert.ph_target, water.irr.drain_target_pm,
        )  # fmt: skip

    def safe(self):
        """Valves shut, vents shut, screen as it is (0 here), heat pump off;
        irrigation and dosing off."""
        self._answer(0, 0, 0, 0, 0, False, False, 0, 0)
        self._answer_water(0, 0, 0, 0, 0, 0, 0)

    def _answer_water(self, group, dose_ab, dose_acid, alarms, ec_target, ph_target, drain_target):
        if self.water_answered:
            return
        answer = (group, dose_ab, dose_acid, alarms, ec_target, ph_target, drain_target)
        self.writer.write("i %d %d %d %d %d %d %d\n" % answer)
        if self.flush:
            self.writer.flush()
        self.water_answered = True

    def _answer(self, heat, cool, fog, vent, screen, hp_on, hp_cooling, hp_supply, alarms):
        if self.answered:
            return
        self.writer.write(
            "o %d %d %d %d %d %d %d %d %d\n"
            % (heat, cool, fog, vent, screen, hp_on, hp_cooling, hp_supply, alarms)
        )
        if self.flush:
            self.writer.flush()
        self.answered = True


def stdio_hal():
    import sys

    return SimHal(asyncio.StreamReader(sys.stdin.buffer), sys.stdout)

"""The root zone of one valve group, per m2 of greenhouse floor: the water and
the salts in the substrate (a stone-wool or coir slab, or the soil of a
Chinese solar greenhouse), fed by the drippers, drunk by the crop, drained.

States: the water held (L/m2) and the salts dissolved in it, booked as
EC x volume (mS/cm x L per m2: EC is taken as proportional to the salt
concentration, close enough over 0-6 mS/cm for a nutrient solution).
Each step, in this order, on the state after the irrigation water has mixed
in (so every flow is booked against the same state and the balances close
exactly):
- irrigation: `in_l_m2` of supply water at `in_ec_ms_cm` mixes into the
  root-zone solution at once (a slab is small and drippers wet it quickly);
- drain: the water above container capacity runs out as a linear reservoir
  with time constant `drain_tau_s`, carrying the root-zone solution's EC; so
  drain starts when a start lifts the slab past capacity and runs on for a
  while after the start (about three time constants), as stone wool and
  coir slabs do; water above saturation overflows at once;
- uptake: the crop drinks what the climate model's crop transpires
  (host_sim/plant.py, Baille et al. 1994: hot, bright, dry days drink more),
  cut linearly from `stress_pct` down to nothing at `wilting_pct` when the
  substrate runs dry (the climate model is not told: one-way coupling).  The
  water taken up carries salts at `uptake_ec_ms_cm` (never more than the
  solution holds): less than the solution's EC, since the crop takes the
  nutrients at about its need and leaves ballast ions (Na, Cl, SO4 of hard,
  saline mine water) behind.  So salts pile up when drain is too low, and
  drain carries them out at the solution's EC.

Steady state of the salts: with a drain fraction d of the water given at
supply EC S, the root zone settles at EC = (S - (1 - d) x uptake EC) / d:
with S = 2.0 mS/cm and uptake EC 1.5, d = 0.3 gives 3.2, d = 0.2 gives 4.0,
d = 0.1 gives 6.5 (and no drain: no steady state, the salts accumulate).

Parameter sources (round values: a model for designing control, not for
predicting yield):
- Substrate volume per m2 of floor: stone-wool slabs 100 x 20 x 7.5 cm
  (15 L) at one per ~1.5 m2 of floor in a rose or tomato house: ~10 L/m2;
  coir slabs are taller, ~12 L/m2.  In soil (a solar greenhouse) the root
  zone a drip line wets, ~0.2-0.3 m deep: ~200 L/m2.
- Water content, volume %: stone wool holds ~75-80 % at container capacity
  after free drainage, with ~95 % pore space (so ~90 % at saturation), and
  growers steer it between ~55 and 75 % (Grodan and Cultilene growers'
  guides; Raviv & Lieth (eds.) 2008, Soilless Culture, ch. 11).  Coir: ~60 %
  at capacity, ~85 % pores.  Loam soil: field capacity ~32 %, saturation
  ~45 %, wilting point ~12 % (FAO-56, Allen et al. 1998, table 19).  Water
  stays easy to take down to about half of the plant-available range in
  soil (FAO-56's p = 0.5) and down to ~45 % in stone wool, whose water is
  held loosely and then runs out steeply (Raviv & Lieth 2008).
- Drain: a start that lifts a stone-wool slab above capacity drains within
  minutes and runs on for ~20-40 min (growers' drain-gauge records): a 10 min
  time constant; coir a little slower; soil percolates over hours.  Growers
  aim at 20-35 % of the water given as drain in substrate (Sonneveld &
  Voogt 2009, Plant Nutrition of Greenhouse Crops, ch. 12: more with saline
  water, to keep the salts in the root zone down).
- Uptake concentration: the EC of what the crop takes up with its water is
  about 1.2-1.6 mS/cm for rose and 1.8-2.2 for tomato (Sonneveld & Voogt
  2009, ch. 12, the uptake concentrations of the Dutch nutrient solutions);
  here 1.5 (rose) and 2.0 (tomato).  So the root zone sits ~0.5-1.5 mS/cm
  above the supply at a 20-35 % drain, as growers see.
- Water use: uptake is the climate model's transpiration; a rose crop in
  stone wool uses ~1 L/m2 a day in winter and 2-6 L/m2 in summer (rule of
  thumb ~2-3 mL/m2 per J/cm2 of outside radiation; Stanghellini 1987; Baille
  et al. 1994, Agric. For. Meteorol. 71:83 for rose).
"""

import math

PCT = 100.0


class RootZone:
    """One valve group's substrate, per m2 of floor."""

    def __init__(
        self,
        volume_l_m2: float,
        capacity_pct: float,
        saturation_pct: float,
        drain_tau_s: float,
        stress_pct: float,
        wilting_pct: float,
        uptake_ec_ms_cm: float,
        water_pct: float,
        ec_ms_cm: float,
    ) -> None:
        self.volume_l_m2 = volume_l_m2
        self.capacity_l_m2 = capacity_pct / PCT * volume_l_m2
        self.saturation_l_m2 = saturation_pct / PCT * volume_l_m2
        self.stress_l_m2 = stress_pct / PCT * volume_l_m2
        self.wilting_l_m2 = wilting_pct / PCT * volume_l_m2
        self.drain_tau_s = drain_tau_s
        self.uptake_ec_ms_cm = uptake_ec_ms_cm
        self.water_l_m2 = water_pct / PCT * volume_l_m2
        self.salt = self.water_l_m2 * ec_ms_cm  # mS/cm x L per m2
        # The drain share of the excess over capacity in one step, for the last step length.
        self._drain_dt_s = -1.0
        self._drain_share = 0.0
        # Totals since the start, per m2: water (L) and salts (mS/cm x L).
        self.water_in_l_m2 = 0.0
        self.uptake_l_m2 = 0.0
        self.drain_l_m2 = 0.0
        self.salt_in = 0.0
        self.salt_uptake = 0.0
        self.salt_drain = 0.0
        self.last_drain_l_m2 = 0.0  # the last step's drain

    @property
    def water_pct(self) -> float:
        return self.water_l_m2 / self.volume_l_m2 * PCT

    @property
    def ec_ms_cm(self) -> float:
        return self.salt / self.water_l_m2 if self.water_l_m2 > 0.0 else 0.0

    def step(self, dt_s: float, in_l_m2: float, in_ec_ms_cm: float, demand_l_m2: float) -> None:
        """Advance dt_s: in_l_m2 of irrigation water at in_ec_ms_cm in, and
        demand_l_m2 the crop would transpire over the step with water enough."""
        water = self.water_l_m2 + in_l_m2
        salt_in = in_l_m2 * in_ec_ms_cm
        salt = self.salt + salt_in
        ec = salt / water if water > 0.0 else 0.0
        drain = 0.0
        excess = water - self.capacity_l_m2
        if excess > 0.0:
            if dt_s != self._drain_dt_s:
                self._drain_dt_s = dt_s
                self._drain_share = 1.0 - math.exp(-dt_s / self.drain_tau_s)
            drain = excess * self._drain_share
            overflow = water - drain - self.saturation_l_m2
            if overflow > 0.0:
                drain += overflow
        held = water - drain
        uptake = 0.0
        if demand_l_m2 > 0.0 and held > self.wilting_l_m2:
            if held < self.stress_l_m2:
                uptake = demand_l_m2 * (held - self.wilting_l_m2) / (self.stress_l_m2 - self.wilting_l_m2)
            else:
                uptake = demand_l_m2
            uptake = min(uptake, held - self.wilting_l_m2)
        salt_drain = drain * ec
        salt_uptake = uptake * min(self.uptake_ec_ms_cm, ec)
        self.water_l_m2 = held - uptake
        self.salt = max(salt - salt_drain - salt_uptake, 0.0)
        self.water_in_l_m2 += in_l_m2
        self.uptake_l_m2 += uptake
        self.drain_l_m2 += drain
        self.salt_in += salt_in
        self.salt_uptake += salt_uptake
        self.salt_drain += salt_drain
        self.last_drain_l_m2 = drain


# Substrates a scenario can name (irrigation.medium), with the figures of the
# module's sources: volume per m2 of floor (L), water content at container
# capacity, saturation, where uptake starts to suffer, where it stops (volume
# %), and the drain time constant (min).
MEDIA = {
    "stone_wool": {"substrate_l_m2": 10.0, "capacity_pct": 75.0, "saturation_pct": 90.0,
                   "stress_pct": 45.0, "wilting_pct": 20.0, "drain_tau_min": 10.0},
    "coir": {"substrate_l_m2": 12.0, "capacity_pct": 60.0, "saturation_pct": 85.0,
             "stress_pct": 35.0, "wilting_pct": 15.0, "drain_tau_min": 15.0},
    "soil": {"substrate_l_m2": 200.0, "capacity_pct": 32.0, "saturation_pct": 45.0,
             "stress_pct": 22.0, "wilting_pct": 12.0, "drain_tau_min": 360.0},
}  # fmt: skip

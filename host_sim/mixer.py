"""The fertigation mixer: raw mine water, A and B nutrient stock and acid
injected by dosing pumps, and the EC and pH of the supply water where the
sensors sit after the mixer.

EC.  A and B stock (equal parts) raise the EC in proportion to the stock
dose: `stock_ec_per_ml_l` mS/cm per mL of A + B stock per L of water (two
1:100 stocks at 10 mL/L each give a full-strength solution of ~2 mS/cm on
clean water: 0.1 mS/cm per mL/L).  Acid adds nitrate or sulphate in place of
the bicarbonate it destroys (a small change, ignored) and, once the
bicarbonate is gone, free H+ ions, which conduct well: 0.35 mS/cm per mmol/L
(the limiting molar conductivity of H+, 350 S cm2/mol, CRC Handbook).

pH: the bicarbonate buffer.  Mine water is hard: its alkalinity (HCO3-,
mmol/L) buffers the pH, and dosing acid converts bicarbonate to carbonic
acid, HCO3- + H+ -> CO2 + H2O, in the closed pipe (no CO2 escapes before the
sensors).  With Ka = 10^-6.35 (the first dissociation constant of carbonic
acid at 25 degC) and alkalinity A = [HCO3-] - [H+] (carbonate and hydroxide
ignored: valid below pH ~8.3),
    pH = 6.35 + log10([HCO3-] / [CO2])   (Henderson-Hasselbalch),
and the total carbonate C = [HCO3-] + [CO2] stays as in the raw water (found
from its pH and alkalinity) while the acid dose a lowers A to A0 - a.  The
charge balance [HCO3-] = A + [H+], with [HCO3-] = C Ka / (Ka + [H+]), gives
    [H+]^2 + (A + Ka) [H+] + Ka (A - C) = 0,
solved here in its numerically stable form.  While bicarbonate is left this
is Henderson-Hasselbalch (5 mmol/L at pH 7.8 needs ~3.9 mmol/L acid to reach
pH 5.8); past the equivalence point it turns into the pH of the excess
strong acid, without a jump.  The nutrient stocks' own small acidity
(phosphate, ammonium) is ignored.

Mixing: the stock enters upstream of a mixing volume (pipe, static mixer,
the sensors' bypass) of `mixing_l` litres, modelled as two equal stirred
tanks in series: a first-order lag plus most of a transport delay, with a
time constant of volume / flow (80 L at 170 L/min: ~30 s from injection to
sensor).  Mixing follows the water: with no flow nothing moves and the
sensors read the standing water; stock dosed into standing water stays in
the first tank and is pushed to the crop as a slug when the water runs.
Both stages are solved exactly for inputs held over a step.
"""

import math

KA_MOL_L = 10.0**-6.35  # carbonic acid, first dissociation constant, 25 degC
H_ION_MS_CM_PER_MMOL_L = 0.35  # conductivity of free H+ (350 S cm2/mol)
MMOL_PER_MOL = 1000.0
ML_PER_L = 1000.0
S_PER_H = 3600.0
S_PER_MIN = 60.0
PCT = 100.0


def total_carbonate_mmol_l(alkalinity_mmol_l: float, ph: float) -> float:
    """The raw water's dissolved inorganic carbon ([HCO3-] + [CO2]) from its pH and alkalinity."""
    h_mol_l = 10.0**-ph
    alkalinity = alkalinity_mmol_l / MMOL_PER_MOL
    return (alkalinity + h_mol_l) * (KA_MOL_L + h_mol_l) / KA_MOL_L * MMOL_PER_MOL


def h_ion_mol_l(alkalinity_mmol_l: float, carbonate_mmol_l: float) -> float:
    """[H+] of water with this alkalinity (negative: excess strong acid) and total carbonate."""
    a = alkalinity_mmol_l / MMOL_PER_MOL
    c = carbonate_mmol_l / MMOL_PER_MOL
    b = a + KA_MOL_L
    root = math.sqrt(b * b + 4.0 * KA_MOL_L * (c - a))
    if b > 0.0:  # the root of the quadratic written without the cancellation
        return 2.0 * KA_MOL_L * (c - a) / (b + root)
    return (root - b) / 2.0


def ph_after_acid(alkalinity_mmol_l: float, carbonate_mmol_l: float, acid_mmol_l: float) -> float:
    """pH of raw water (alkalinity, total carbonate) after acid_mmol_l of strong acid."""
    return -math.log10(h_ion_mol_l(alkalinity_mmol_l - acid_mmol_l, carbonate_mmol_l))


class Mixer:
    def __init__(
        self,
        raw_ec_ms_cm: float,
        raw_ph: float,
        raw_alkalinity_mmol_l: float,
        stock_ec_per_ml_l: float,
        dose_pump_l_h: float,
        acid_pump_l_h: float,
        acid_mol_l: float,
        mixing_l: float,
    ) -> None:
        self.raw_ec_ms_cm = raw_ec_ms_cm
        self.raw_ph = raw_ph
        self.alkalinity_mmol_l = raw_alkalinity_mmol_l
        self.carbonate_mmol_l = total_carbonate_mmol_l(raw_alkalinity_mmol_l, raw_ph)
        self.stock_ec_per_ml_l = stock_ec_per_ml_l
        self.dose_pump_l_h = dose_pump_l_h
        self.acid_pump_l_h = acid_pump_l_h
        self.acid_mol_l = acid_mol_l
        self.stage_l = mixing_l / 2.0
        # Each stage: the EC of the salts, and the strong acid added (mmol/L).
        self.ec1 = raw_ec_ms_cm
        self.ec2 = raw_ec_ms_cm
        self.acid1 = 0.0
        self.acid2 = 0.0
        # At the sensors (the second stage's outlet).
        self.ec_ms_cm = raw_ec_ms_cm
        self.ph = raw_ph
        self._outlet()
        # The water that left over the last step: its mean EC (what reaches the crop).
        self.delivered_ec_ms_cm = self.ec_ms_cm
        # Totals: stock dosed (L), the stock's salts put in and the salts gone
        # out to the crop (EC x L, the free H+ aside), the water through (L).
        self.stock_l = 0.0
        self.acid_l = 0.0
        self.salt_dosed = 0.0
        self.salt_out = 0.0
        self.water_l = 0.0

    def step(
        self, flow_l_min: float, dose_a_pct: float, dose_b_pct: float, dose_acid_pct: float, dt_s: float
    ) -> None:
        """Advance dt_s with the water flowing at flow_l_min and the dosing pumps at their duties."""
        stock_l_s = (dose_a_pct + dose_b_pct) / PCT * self.dose_pump_l_h / S_PER_H
        acid_l_s = dose_acid_pct / PCT * self.acid_pump_l_h / S_PER_H
        self.stock_l += stock_l_s * dt_s
        self.acid_l += acid_l_s * dt_s
        ec_in = stock_l_s * ML_PER_L * self.stock_ec_per_ml_l  # EC x L per second
        acid_in = acid_l_s * self.acid_mol_l * MMOL_PER_MOL  # mmol per second
        self.salt_dosed += ec_in * dt_s
        if flow_l_min <= 0.0:  # standing water: the dose stays where it enters
            self.ec1 += ec_in * dt_s / self.stage_l
            self.acid1 += acid_in * dt_s / self.stage_l
            return
        flow_l_s = flow_l_min / S_PER_MIN
        x = flow_l_s * dt_s / self.stage_l  # step / time constant
        decay = math.exp(-x)
        ec_target = self.raw_ec_ms_cm + ec_in / flow_l_s
        acid_target = acid_in / flow_l_s
        # Two equal tanks in series toward a steady inlet: exact over the step,
        # and so is the mean EC of the water leaving (the integral of the second's).
        d1, d2 = self.ec1 - ec_target, self.ec2 - ec_target
        self.ec1 = ec_target + d1 * decay
        self.ec2 = ec_target + (d2 + d1 * x) * decay
        out_ec = ec_target + (d2 * (1.0 - decay) + d1 * (1.0 - decay * (1.0 + x))) / x
        volume_l = flow_l_s * dt_s
        self.salt_out += out_ec * volume_l
        self.water_l += volume_l
        d1, d2 = self.acid1 - acid_target, self.acid2 - acid_target
        self.acid1 = acid_target + d1 * decay
        self.acid2 = acid_target + (d2 + d1 * x) * decay
        self._outlet()
        self.delivered_ec_ms_cm = out_ec + self.ec_ms_cm - self.ec2  # with the free H+ at the sensors

    def _outlet(self) -> None:
        h_mol_l = h_ion_mol_l(self.alkalinity_mmol_l - self.acid2, self.carbonate_mmol_l)
        self.ph = -math.log10(h_mol_l)
        self.ec_ms_cm = self.ec2 + H_ION_MS_CM_PER_MMOL_L * h_mol_l * MMOL_PER_MOL


def acid_for_ph_mmol_l(alkalinity_mmol_l: float, carbonate_mmol_l: float, ph: float) -> float:
    """Strong acid (mmol/L) that brings raw water of this alkalinity and total carbonate to pH."""
    h_mol_l = 10.0**-ph
    bicarbonate_mol_l = carbonate_mmol_l / MMOL_PER_MOL * KA_MOL_L / (KA_MOL_L + h_mol_l)
    return max(0.0, alkalinity_mmol_l - (bicarbonate_mol_l - h_mol_l) * MMOL_PER_MOL)

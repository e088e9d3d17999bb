# The irrigation's and fertigation's settings: rows of the schema of
# core/settings.py (same columns), in a module of their own so that a node
# whose house does not irrigate never loads them.

TABLE = """
# Irrigation starts, doses and drain (core/irrigation.py).
irr.start_j_cm2          water.irr.start_j_cm2       10      1000    1 J/cm2     sun since a group's last start that starts it
irr.start_min_w_m2       water.irr.start_min_w_m2     0      1000    1 W/m2      ... while the sun is above this
irr.max_interval_s       water.irr.max_interval_ms    0  28800000 1000 s         start after this long without one; 0: off
irr.min_interval_s       water.irr.min_interval_ms    0  14400000 1000 s         never two starts of a group closer than this
irr.substrate_start_pct  water.irr.substrate_start_pct 0   100000 1000 %         start when the water content is below; 0: off
irr.night_wc_pct         water.irr.night_wc_pct       0    100000 1000 %         at night start only below this; 0: never
irr.window_start_s       water.irr.window_start_ms    0  21600000 1000 s         starts from this long after sunrise ...
irr.window_end_s         water.irr.window_end_ms      0  21600000 1000 s         ... until this long before sunset
irr.dose_ml_m2           water.irr.dose_ml_m2        20      2000    1 mL/m2     water per start, before drain correction
irr.dose_min_pct         water.irr.dose_min_pm      100      1000   10 %         drain correction: least dose, % of irr.dose_ml_m2
irr.dose_max_pct         water.irr.dose_max_pm     1000      4000   10 %         drain correction: largest dose
irr.drain_target_pct     water.irr.drain_target_pm    0       800   10 %         drain fraction aimed at
irr.drain_gain           water.irr.drain_gain_pm      0      5000 1000 -         dose change per unit of drain error (1: 10 % per 10 points)
irr.prove_s              water.irr.prove_ms        5000    600000 1000 s         flow must be proven this soon after a start
irr.retry_s              water.irr.retry_ms       60000  14400000 1000 s         a start without flow is tried again after this
irr.drain_silent_ml_m2   water.irr.drain_silent_ml_m2 0     20000    1 mL/m2     water given without any drain that makes the gauge suspect; 0: never
# Fertigation (core/fertigation.py): EC in mS/cm, pH, dosing limits.
fert.ec_dark_ms_cm       water.fert.ec_dark           0     10000 1000 mS/cm     supply EC target in dull light
fert.ec_bright_ms_cm     water.fert.ec_bright         0     10000 1000 mS/cm     supply EC target in bright light
fert.dark_w_m2           water.fert.dark_w_m2         0      1500    1 W/m2      dull below this (averaged) sun ...
fert.bright_w_m2         water.fert.bright_w_m2       0      1500    1 W/m2      ... bright above this; linear between
fert.light_filter_s      water.fert.light_filter_ms 60000 7200000 1000 s         the sun averaged this long for the EC target
fert.ph                  water.fert.ph_target      3000      9000 1000 pH        supply pH target
fert.ec_high_ms_cm       water.fert.ec_high         500     10000 1000 mS/cm     EC above this stops dosing and water, latched
fert.ph_low              water.fert.ph_low         2000      7000 1000 pH        pH below this stops dosing and water, latched
fert.raw_ec_ms_cm        water.fert.raw_ec            0     10000 1000 mS/cm     the raw (mine) water's own EC
fert.ec_per_full_ms_cm   water.fert.ec_per_full     100     20000 1000 mS/cm     EC the A+B stock adds at 100 % duty
fert.acid_ff_pct         water.fert.acid_ff           0    100000 1000 %         acid duty that brings raw water to the pH target
fert.max_start_s         water.fert.max_start_on_ms 0    3600000 1000 s         most on-time of a dosing pump in one start
fert.max_day_s           water.fert.max_day_on_ms   0   86400000 1000 s         most on-time of a dosing pump in a day
fert.frozen_s            water.fert.frozen_ms     10000   3600000 1000 s         an EC or pH repeated exactly this long is failed
fert.saturated_s         water.fert.saturated_ms  10000   3600000 1000 s         a dose held at its limit this long is failed
fert.deviation_pct       water.fert.deviation         0    100000 1000 %         a dose this far from the recipe's (0: never) ...
fert.deviation_s         water.fert.deviation_ms  60000  86400000 1000 s         ... this long raises ec_deviation or ph_deviation
fert.probes              water.fert.probes            1         2    1 -         EC and pH probes of each; 2 cross-check each other
fert.ec_disagree_ms_cm   water.fert.ec_disagree       50      2000 1000 mS/cm     two EC probes this far apart ...
fert.ph_disagree         water.fert.ph_disagree       50      2000 1000 pH        ... or two pH probes ...
fert.disagree_s          water.fert.disagree_ms    60000   3600000 1000 s         ... this long in flow: dosed by the recipe, alarm
fert.ec.kp               gain.water.fert.ab.loop.kp_m 0   1000000 1000 %/(mS/cm) A/B duty per mS/cm of EC error
fert.ec.ki               gain.water.fert.ab.loop.ki_m 0     50000 1000 %/(mS/cm*s) A/B: integral gain
fert.ph.kp               gain.water.fert.acid.loop.kp_m 0 1000000 1000 %/pH      acid duty per pH above the target
fert.ph.ki               gain.water.fert.acid.loop.ki_m 0   50000 1000 %/(pH*s)  acid: integral gain
"""

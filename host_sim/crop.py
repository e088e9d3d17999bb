"""The crop profile a scenario runs with: core/crops.py's, with the grower's
setpoints for the season from the scenario's [crop] table."""

from core.crops import PROFILES

# CropSpec field (degC, K) -> the profile's key (milli-units).
OVERRIDES = {"day_c": "heat_day_c", "night_c": "heat_night_c", "vent_offset_k": "vent_offset_k"}


def crop_profile(crop) -> dict[str, int]:
    """crop: a scenario's CropSpec."""
    profile = dict(PROFILES[crop.kind])
    for field, key in OVERRIDES.items():
        value = getattr(crop, field)
        if value is not None:
            profile[key] = int(round(value * 1000))
    return profile


# The supply water the crop is fed with in substrate, by crop: EC target
# (mS/cm), pH target, and the EC of what the crop takes up with its water
# (host_sim/rootzone.py).  Dutch nutrient solutions for stone wool give a
# supply EC of ~1.6 mS/cm for rose and ~2.6 for tomato on clean water, pH
# 5.5-6.0 (Sonneveld & Voogt 2009, Plant Nutrition of Greenhouse Crops,
# ch. 12); mine water brings ~1 mS/cm of its own, much of it ballast (Na, Cl,
# SO4) the crop does not need, so the targets here sit ~0.3-0.4 mS/cm higher.
# The timer baseline's injector is sized for these; a controller reports its
# own targets (IrrigationCommands.ec_target_ms_cm, .ph_target).
FERTIGATION = {
    "rose": {"target_ec_ms_cm": 2.0, "target_ph": 5.8, "uptake_ec_ms_cm": 1.5},
    "tomato": {"target_ec_ms_cm": 2.8, "target_ph": 5.8, "uptake_ec_ms_cm": 2.0},
}

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

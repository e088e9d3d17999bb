# Crop climate profiles, in the core's scales (core/fixed.py): temperatures
# in milli-degC, relative humidity in milli-%, VPD in Pa (milli-kPa).
#
# Typical commercial figures, to be tuned per variety and site:
#   rose   - Roberts, Debener & Gudin (eds.), Encyclopedia of Rose Science
#            (2003) and Dutch cut-rose practice: nights 16-18 degC, days
#            19-21 degC heating, ventilation 2-3 K above; below ~12 degC
#            growth and flower quality suffer; above ~30 degC stress; VPD
#            0.4-1.0 kPa, RH under 85 % against botrytis.
#   tomato - Heuvelink (ed.), Tomatoes (2nd ed., 2018): nights 16-17 degC,
#            days 19-21 degC, ventilation 2-3 K above; chilling injury
#            below ~10 degC, poor fruit set above ~32 degC; VPD 0.5-1.2 kPa.

ROSE = {
    "heat_day_c": 20000,
    "heat_night_c": 17000,
    "vent_offset_k": 2000,
    "air_min_c": 12000,
    "air_max_c": 30000,
    "rh_max_pct": 85000,
    "vpd_min_kpa": 400,
    "vpd_max_kpa": 1000,
    "supply_max_c": 50000,
}

TOMATO = {
    "heat_day_c": 19000,
    "heat_night_c": 16000,
    "vent_offset_k": 2500,
    "air_min_c": 10000,
    "air_max_c": 32000,
    "rh_max_pct": 85000,
    "vpd_min_kpa": 500,
    "vpd_max_kpa": 1200,
    "supply_max_c": 50000,
}

PROFILES = {"rose": ROSE, "tomato": TOMATO}

# Root-zone profiles (core/fertigation.py, core/irrigation.py): supply EC in
# uS/cm (milli-mS/cm), pH in milli-pH, drain fraction in per-mille.
#   Sonneveld & Voogt, Plant Nutrition of Greenhouse Crops (2009), ch. 12-13,
#   and De Kreij, Voogt & Baas, Nutrient solutions and water quality for
#   soilless cultures (PBG Naaldwijk, brochure 196, 1999): rose in stone wool
#   or coir on a supply EC of about 1.6-2.2 mS/cm, tomato 2.6-3.5 (the higher
#   figures in dark weather); pH of the supply 5.5-6.0; drain 20-35 % of the
#   water given, to keep the slab's EC from building up.  The hard limits
#   (EC high, pH low) are what no recipe asks for: a dosing fault.
WATER = {
    "rose": {
        "ec_dark_ms_cm": 2000, "ec_bright_ms_cm": 1600, "ph": 5800,
        "ec_high_ms_cm": 3500, "ph_low": 4500, "drain_target_pm": 300,
    },
    "tomato": {
        "ec_dark_ms_cm": 3200, "ec_bright_ms_cm": 2600, "ph": 5800,
        "ec_high_ms_cm": 5000, "ph_low": 4500, "drain_target_pm": 300,
    },
}  # fmt: skip

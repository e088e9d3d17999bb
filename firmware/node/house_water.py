# house.json's "irrigation": the valve groups and the drain gauge, checked,
# made into the core's Watering.  Its own module: a house without irrigation
# never loads it, nor the irrigation's core modules (heap).
#
#   "irrigation": {"groups": [{"area_m2": 500, "flow_l_min": 50}, ...],
#                  "drain_group": 1, "drain_area_m2": 2}

from core.crops import WATER
from core.watering import Watering
from node.house import _number

IRRIGATION_KEYS = ("groups", "drain_group", "drain_area_m2")
GROUP_KEYS = ("area_m2", "flow_l_min")


def watering(irrigation, crop):
    """The Watering of house.irrigation:
    {"groups": [{"area_m2": 500, "flow_l_min": 50}, ...], "drain_group": 1, "drain_area_m2": 2}."""
    if not isinstance(irrigation, dict):
        raise ValueError("house.irrigation must be a JSON object with %s" % ", ".join(IRRIGATION_KEYS))
    for key in irrigation:
        if key not in IRRIGATION_KEYS:
            raise ValueError(
                "unknown house.irrigation key %r (allowed: %s)" % (key, ", ".join(IRRIGATION_KEYS))
            )
    groups = irrigation.get("groups")
    if not isinstance(groups, list) or not 1 <= len(groups) <= 16:
        raise ValueError("house.irrigation.groups must be a list of 1..16 valve groups, got %r" % (groups,))
    made = []
    for i, group in enumerate(groups):
        where = "house.irrigation.groups[%d]" % i
        if not isinstance(group, dict) or sorted(group) != sorted(GROUP_KEYS):
            raise ValueError('%s must be {"area_m2": m2, "flow_l_min": L/min}, got %r' % (where, group))
        area = _number(group, "area_m2", 1, 100000, where)
        flow = _number(group, "flow_l_min", 0.1, 1000, where)
        made.append((int(round(area)), int(round(flow * 1000))))
    drain_group = irrigation.get("drain_group", 1)
    if drain_group not in range(1, len(made) + 1) or isinstance(drain_group, bool):
        raise ValueError(
            "house.irrigation.drain_group must be a group number 1..%d, got %r" % (len(made), drain_group)
        )
    drain_area = (
        int(round(_number(irrigation, "drain_area_m2", 0, 100, "house.irrigation")))
        if "drain_area_m2" in irrigation
        else 0
    )
    return Watering(WATER[crop], tuple(made), drain_group, drain_area)

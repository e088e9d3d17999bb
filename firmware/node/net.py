# Time from the network: with a wifi.json on flash, {"ssid": ..., "password": ...},
# the node joins the network and sets its RTC by NTP at boot and every
# RESYNC_S after (the ESP32's RTC drifts a few seconds a day).  Without the
# file the RTC keeps what gh.clock() set, or the node runs day and night from
# radiation (hal/esp32.py).  A failure is logged and tried again later;
# control never waits on it.

import asyncio
import json

WIFI_FILE = "wifi.json"
CONNECT_S = 20
RESYNC_S = 6 * 3600
RETRY_S = 600


def wifi_credentials(path=WIFI_FILE):
    """(ssid, password), or None without the file; a ValueError naming the
    key when the file is not as above."""
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        return None
    try:
        conf = json.loads(text)
    except ValueError:
        raise ValueError('%s is not JSON: {"ssid": "...", "password": "..."}' % path) from None
    for key in ("ssid", "password"):
        if not isinstance(conf.get(key), str):
            raise ValueError("%s: %r must be a string" % (path, key))
    return conf["ssid"], conf["password"]


async def keep_time(log, path=WIFI_FILE):
    try:
        credentials = wifi_credentials(path)
    except ValueError as error:
        log.line("wifi: " + str(error))
        return
    if credentials is None:
        return
    import network
    import ntptime

    wlan = network.WLAN(network.STA_IF)
    wlan.active(True)
    while True:
        if not wlan.isconnected():
            wlan.connect(*credentials)
            for _ in range(CONNECT_S):
                if wlan.isconnected():
                    break
                await asyncio.sleep(1)
        try:
            ntptime.settime()  # blocks up to a second: the tick waits, the loop is slow enough
            await asyncio.sleep(RESYNC_S)
        except Exception as error:  # OSError: no network, a timeout
            log.line("ntp: %s" % (error,))
            await asyncio.sleep(RETRY_S)

"""Fetch real EPW weather files for tests and users, from a pinned PyPI package.

The machines here reach only package registries, so real weather comes from
the sample files shipped in PyPI `accim-samples` (GPL-3.0, not committed
here): its wheel is downloaded once with pip and a few EPW files extracted to
.cache/weather/.  `make` runs this as part of setting up .venv.

    python tools/fetch_weather.py
"""

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WEATHER_DIR = REPO / ".cache" / "weather"
PACKAGE = "accim-samples==0.8.2"
SAMPLES = "accim/sample_files/"
FILES = {
    # a cool mountain site at 2,122 m, 31.1 N: the nearest to the Loess Plateau in the set
    SAMPLES + "jupyter_notebooks/research_paper_case_study_v0-7-3/Current_Shimla-hour.epw": "shimla.epw",
    # an IWEC typical year for a maritime climate (greenhouse country)
    SAMPLES + "sample_EPWs/Input EPWs/GBR_London.Gatwick.037760_IWEC.epw": "london-gatwick.epw",
}


def fetch():
    if all((WEATHER_DIR / name).exists() for name in FILES.values()):
        return
    WEATHER_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--disable-pip-version-check",
             PACKAGE, "-d", tmp],
            check=True,
        )  # fmt: skip
        (wheel,) = Path(tmp).glob("*.whl")
        with zipfile.ZipFile(wheel) as archive:
            for member, name in FILES.items():
                (WEATHER_DIR / name).write_bytes(archive.read(member))
    print(f"weather files in {WEATHER_DIR}: {', '.join(FILES.values())}")


if __name__ == "__main__":
    fetch()

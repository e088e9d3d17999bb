"""tools/scoreboard.py prints issue 5's figures, a line per scenario."""

import subprocess
import sys

from micropython_runner import REPO


def test_scoreboard_prints_a_line_per_scenario():
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "tools" / "scoreboard.py"),
            "--days",
            "0.1",
            "zichuan-rose-winter",
            "shimla-rose-epw",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    header, *lines = result.stdout.strip().splitlines()
    assert header.split()[:3] == ["scenario", "band%", "vpd%"]
    assert [line.split()[0] for line in lines] == ["zichuan-rose-winter", "shimla-rose-epw"]
    assert all(len(line.split()) == len(header.split()) for line in lines)

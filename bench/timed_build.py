"""A real `pelican` build with the project settings, timed: shared by the benchmarks."""

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PELICAN = Path(sys.executable).parent / "pelican"


def build_seconds(content: Path, output: Path, settings: dict[str, Any]) -> float:
    """Seconds for one quiet build of `content` into `output`, with `settings` overriding pelicanconf."""
    overrides = [f"PATH={json.dumps(str(content))}"] + [f"{k}={json.dumps(v)}" for k, v in settings.items()]
    command = [str(PELICAN), str(content), "-s", str(ROOT / "pelicanconf.py"), "-o", str(output), "-q"]
    start = time.perf_counter()
    subprocess.run([*command, "-e", *overrides], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start

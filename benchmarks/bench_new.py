"""How long `layergen new` takes, beside the floor it is measured against in the same run.

The floor is a bare `python -c "import yaml, jinja2"`: the least any Python tool that
reads YAML and renders Jinja pays. layergen must stay near it (it never imports Keras).

    .venv/bin/python benchmarks/bench_new.py [--repeat N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SPECS = sorted((REPO / "specs" / "examples").glob("*.yaml"))


def timed(command: list[str], cwd: Path, repeat: int) -> float:
    """Median wall time of `command` over `repeat` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    repeat = parser.parse_args().repeat
    python = sys.executable
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for spec in SPECS:
            shutil.copy(spec, work / spec.name)

        def run(command: str) -> float:
            # layergen skips files that did not change, so each run starts from no outputs;
            # the floor runs through the same shell and `rm` to be measured the same way.
            return timed(["sh", "-c", f"rm -rf layers tests && {command}"], work, repeat)

        floor = run(f"{python} -c 'import yaml, jinja2'")
        one = run(f"{python} -m layergen new {SPECS[0].name}")
        every = run(f"{python} -m layergen new {' '.join(s.name for s in SPECS)}")
    rows = [
        ("floor: python -c 'import yaml, jinja2'", floor),
        (f"layergen new, 1 spec ({SPECS[0].name})", one),
        (f"layergen new, all {len(SPECS)} examples", every),
    ]
    print(f"median of {repeat} runs, wall time")
    for label, seconds in rows:
        print(f"  {label:<48} {seconds * 1000:8.1f} ms   {seconds / floor:5.1f}x floor")
    print(f"  per extra spec: {(every - one) / (len(SPECS) - 1) * 1000:.1f} ms")


if __name__ == "__main__":
    main()

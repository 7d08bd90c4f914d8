"""layergen's speed and memory, each figure beside the floor it is measured against in the same run.

    .venv/bin/python benchmarks/bench.py            # every figure (a few minutes on 2 cores)
    .venv/bin/python benchmarks/bench.py --quick    # fewer specs and repeats, skips the test-suite figure

Figures (medians of wall time; the floors are the least any tool doing the same job pays). The
figures under a second run three times the repeats, taking turns with their floors, so that a
figure and its floor see the same state of a noisy machine:

Each project is made by `layergen init` (so `new` keeps its `.layergen/spec.schema.json`) and its
specs are the examples, some of which hold the project's own classes as sub-layers.

- `layergen new`, one spec, empty project, against `python -c "import yaml, jinja2, black"` plus
  black on the two outputs (and cookiecutter rendering two files, when it is installed);
- `layergen check` and `layergen new` on N unchanged specs, against reading and hashing the N specs
  and 2N outputs in a fresh Python;
- `layergen new` after editing all N specs, against black on the 2N outputs, serially, in one process;
  and the same with `formatter = "ruff"`, against `ruff format` on the 2N outputs;
- the examples' generated tests, serially, against `python -c "import keras"`;
- peak memory (max RSS) of `layergen new` on growing spec counts: it should stay flat.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((REPO / "specs" / "examples").glob("*.yaml"))
PYTHON = sys.executable
# layergen's caches live here for the run, so no figure profits from an earlier run.
CACHE = Path(tempfile.mkdtemp(prefix="layergen-bench-cache-"))
QUIET_ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "NO_COLOR": "1", "LAYERGEN_CACHE_DIR": str(CACHE)}
# Python writes bytecode, as on a user's machine (some shells set PYTHONDONTWRITEBYTECODE, which
# makes every run compile the modules that changed since their last .pyc).
QUIET_ENV.pop("PYTHONDONTWRITEBYTECODE", None)


def run(command: list[str], cwd: Path) -> tuple[float, int]:
    """Run `command`; returns (wall seconds, peak RSS of the child in MB)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=QUIET_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode() if process.stderr else ""
    if process.returncode not in (0, 1):  # `check` exits 1 when something is stale: still a measurement
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{stderr[-2000:]}")
    return elapsed, usage.ru_maxrss // 1024


def median_time(command: list[str], cwd: Path, repeat: int, before=None) -> float:
    times = []
    for _ in range(repeat):
        if before:
            before()
        times.append(run(command, cwd)[0])
    return statistics.median(times)


def paired_medians(runs: list[tuple[list[str], Path, object]], repeat: int) -> list[float]:
    """The median time of each (command, folder, before) of `runs`, run in turn `repeat`
    times: a figure and its floor see the same state of a noisy machine."""
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(repeat):
        for index, (command, cwd, before) in enumerate(runs):
            if before:
                before()  # type: ignore[operator]
            times[index].append(run(command, cwd)[0])
    return [statistics.median(t) for t in times]


def python_code(code: str) -> list[str]:
    return [PYTHON, "-c", code]


def make_project(folder: Path, count: int, formatter: str = "black") -> Path:
    """A project made by `layergen init` (its settings, pytest's, the schema file for editors)
    with `count` specs: the examples again and again, each under its own class name, so some
    hold the project's own classes as sub-layers (residual_stack holds ResidualBlocks)."""
    folder.mkdir(parents=True)
    (folder / "pyproject.toml").write_text('[project]\nname = "bench"\n')
    run([PYTHON, "-m", "layergen", "init", "--quiet"], folder)
    (folder / "specs" / "scaled_dense.yaml").unlink()  # the starter spec: `count` specs exactly
    settings = (folder / "pyproject.toml").read_text()
    (folder / "pyproject.toml").write_text(
        settings.replace("[tool.layergen]\n", f'[tool.layergen]\nformatter = "{formatter}"\n')
    )
    names = [re.search(r"^layer: (\w+)", p.read_text(), re.M).group(1) for p in EXAMPLES]  # type: ignore[union-attr]
    for index in range(count):
        # Each round of the examples has its own class names; sub-layers name their round's classes.
        round_, position = divmod(index, len(EXAMPLES))
        source = EXAMPLES[position]
        text = re.sub(r"^# yaml-language-server.*\n", "", source.read_text())
        text = re.sub(rf"\b({'|'.join(names)})\b", rf"\1R{round_}", text)
        (folder / "specs" / f"{source.stem}_{index}.yaml").write_text(text)
    return folder


def edit_every_spec(folder: Path, round_: int) -> None:
    """Change each spec's summary, so every output changes (its docstring)."""
    for spec in (folder / "specs").glob("*.yaml"):
        text = re.sub(
            r"^summary: (.*?)( \(edit \d+\))?$", rf"summary: \1 (edit {round_})", spec.read_text(), count=1, flags=re.M
        )
        spec.write_text(text)


def outputs(folder: Path) -> list[Path]:
    return sorted((folder / "layers").glob("*.py")) + sorted((folder / "tests").glob("*.py"))


def row(label: str, seconds: float, floor_label: str, floor: float) -> str:
    return f"{label:<46} {seconds * 1000:9.0f} ms | {floor_label:<40} {floor * 1000:8.0f} ms | {seconds / floor:6.2f}x"


def bench_one_spec(work: Path, repeat: int) -> list[str]:
    folder = make_project(work / "one", 1)

    def clean():
        # The format cache too: each run formats both files, as the floor does (compiled
        # templates stay cached, as they are after any earlier run on the machine).
        for path in (folder / "layers", folder / "tests", folder / ".layergen" / "records", CACHE / "format"):
            shutil.rmtree(path, ignore_errors=True)

    run([PYTHON, "-m", "layergen", "new"], folder)  # the outputs the floor formats
    files = [str(p) for p in outputs(folder)]
    floor_command = python_code(
        "import sys, yaml, jinja2, black\n" "for f in sys.argv[1:]: black.format_str(open(f).read(), mode=black.Mode())"
    )
    runs = [([PYTHON, "-m", "layergen", "new"], folder, clean), (floor_command + files, folder, None)]
    try:
        import cookiecutter  # noqa: F401
    except ImportError:
        cookiecutter_note = "  (cookiecutter is not installed: `pip install cookiecutter` to compare with it)"
    else:
        cookiecutter_note = ""
        template = work / "cc"
        (template / "{{cookiecutter.name}}").mkdir(parents=True)
        (template / "cookiecutter.json").write_text('{"name": "demo", "units": "4"}')
        for name in ("layer.py", "test_layer.py"):
            (template / "{{cookiecutter.name}}" / name).write_text(Path(files[0]).read_text())
        output = str(work / "cc-out")
        runs.append(([PYTHON, "-m", "cookiecutter", "--no-input", "-f", "-o", output, str(template)], work, None))
    one, floor, *cc = paired_medians(runs, 3 * repeat)
    rows = [row("layergen new, 1 spec, empty project", one, "import yaml, jinja2, black + black x2", floor)]
    rows.append(row("cookiecutter, 2 files", cc[0], "layergen new, 1 spec", one) if cc else cookiecutter_note)
    return rows


def bench_many(work: Path, count: int, repeat: int) -> list[str]:
    folder = make_project(work / "many", count)
    layergen = [PYTHON, "-m", "layergen"]
    edited = {"round": 0}

    def edit():
        edited["round"] += 1
        edit_every_spec(folder, edited["round"])

    run(layergen + ["new"], folder)  # the project as it is after its first generation
    black_command = python_code(
        "import sys, black\nfor f in sys.argv[1:]: black.format_str(open(f).read(), mode=black.Mode())"
    )
    new_edited, black_serial = paired_medians(
        [(layergen + ["new"], folder, edit), (black_command + [str(p) for p in outputs(folder)], folder, None)],
        max(3, repeat // 2),
    )
    files = [str(p) for p in (folder / "specs").glob("*.yaml")] + [str(p) for p in outputs(folder)]
    hash_command = python_code(
        "import hashlib, sys\nfor f in sys.argv[1:]: hashlib.sha256(open(f, 'rb').read()).digest()"
    )
    check, new_unchanged, hashing = paired_medians(
        [
            (layergen + ["check"], folder, None),
            (layergen + ["new"], folder, None),
            (hash_command + files, folder, None),
        ],
        3 * repeat,
    )
    return [
        row(f"layergen check, {count} unchanged specs", check, f"hash {count} specs + outputs", hashing),
        row(f"layergen new, {count} unchanged specs", new_unchanged, f"hash {count} specs + outputs", hashing),
        row(f"layergen new, {count} edited specs", new_edited, f"black on {2 * count} outputs, serial", black_serial),
    ]


def bench_ruff(work: Path, count: int, repeat: int) -> list[str]:
    """`layergen new` after editing every spec, with `formatter = "ruff"`."""
    if shutil.which("ruff") is None and importlib.util.find_spec("ruff") is None:
        return ["  (ruff is not installed: `pip install ruff` for the ruff figures)"]
    folder = make_project(work / "ruff", count, formatter="ruff")
    edited = {"round": 0}

    def edit():
        edited["round"] += 1
        edit_every_spec(folder, edited["round"])

    run([PYTHON, "-m", "layergen", "new"], folder)
    new_edited = median_time([PYTHON, "-m", "layergen", "new"], folder, max(1, repeat // 3), before=edit)
    ruff = median_time([PYTHON, "-m", "ruff", "format", "--isolated", "--no-cache", "layers", "tests"], folder, repeat)
    return [row(f"layergen new, {count} edited specs, ruff", new_edited, f"ruff format on {2 * count} outputs", ruff)]


def bench_memory(work: Path, counts: list[int]) -> list[str]:
    rows = []
    for count in counts:
        folder = make_project(work / f"memory{count}", count)
        seconds, peak = run([PYTHON, "-m", "layergen", "new"], folder)
        rows.append(f"layergen new, {count:>3} specs from scratch: peak RSS {peak:5d} MB ({seconds:.1f} s)")
    return rows


def bench_tests(repeat: int) -> list[str]:
    keras_import = median_time(python_code("import keras"), REPO, repeat)
    tests = median_time(
        [PYTHON, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:cacheprovider", "examples/tests"], REPO, 1
    )
    return [row("examples' generated tests, serial", tests, 'python -c "import keras"', keras_import)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="40 specs, 3 repeats, no test-suite figure")
    parser.add_argument("--specs", type=int, help="spec count for the many-spec figures (default 200)")
    parser.add_argument("--repeat", type=int, help="runs per figure (default 5; 3 with --quick)")
    options = parser.parse_args()
    count = options.specs or (40 if options.quick else 200)
    repeat = options.repeat or (3 if options.quick else 5)
    print(f"layergen benchmarks: {os.cpu_count()} cores, median of {repeat} runs unless noted, wall time")
    print(f"{'figure':<46} {'':>12} | {'floor':<40} {'':>11} | ratio")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        figures = [
            lambda: bench_one_spec(work, repeat),
            lambda: bench_many(work, count, repeat),
            lambda: bench_ruff(work, count, repeat),
            lambda: bench_memory(work, [max(1, count // 4), max(1, count // 2), count]),
        ]
        if not options.quick:
            figures.append(lambda: bench_tests(repeat))
        try:
            for figure in figures:
                for line in figure():
                    print(line, flush=True)
        finally:
            shutil.rmtree(CACHE, ignore_errors=True)


if __name__ == "__main__":
    main()

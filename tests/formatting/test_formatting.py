"""Formatting generated code: black or ruff, cached (a damaged entry is rebuilt, never
trusted), bounded, in a pool for many files; ruff's output compiles and is stable."""

import os
import shutil
import subprocess
import sys
import time

import pytest
from conftest import EXAMPLE_SPECS, REPO, cli

from layergen.cache import FormatCache
from layergen.formatting import formatter as formatting
from layergen.project.settings import find_project

EXAMPLES_STYLE = find_project(REPO).style  # the examples follow this repository's [tool.black]


def test_format_cache_entry_that_is_damaged_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("LAYERGEN_CACHE_DIR", str(tmp_path))
    text = "x = [1,2,\n 3]\n"
    assert formatting.format_texts([text]) == ["x = [1, 2, 3]\n"]
    (entry,) = (tmp_path / "format").iterdir()
    entry.write_bytes(entry.read_bytes().replace(b"[1, 2, 3]", b"[1, 2, 4]"))
    assert formatting.format_texts([text]) == ["x = [1, 2, 3]\n"]
    assert entry.read_bytes().endswith(b"x = [1, 2, 3]\n")


def test_format_cache_skips_formatting_a_known_text(tmp_path, monkeypatch):
    monkeypatch.setenv("LAYERGEN_CACHE_DIR", str(tmp_path))
    formatting.format_texts(["y=1\n", "z=2\n"])
    monkeypatch.setattr(formatting, "_format_many", lambda texts, formatter: pytest.fail("formatted again"))
    assert formatting.format_texts(["z=2\n", "y=1\n"]) == ["z = 2\n", "y = 1\n"]


def test_format_cache_is_bounded(tmp_path):
    cache = FormatCache(tmp_path)
    for index in range(10):
        cache.put(f"{index:064x}", f"v = {index}\n")
        os.utime(tmp_path / f"{index:064x}", ns=(index, index))
    (tmp_path / "pieces").mkdir()
    cache.trim(limit=8)
    kept = sorted(p.name for p in tmp_path.iterdir() if p.is_file())
    assert len(kept) == 6 and kept[0] == f"{4:064x}", "the least recently used go first"
    assert (tmp_path / "pieces").is_dir(), "the pieces' folder is no entry"


def test_many_files_are_formatted_in_a_pool_alike(tmp_path, monkeypatch):
    monkeypatch.setenv("LAYERGEN_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    texts = [f"value_{i} = {{'a':{i},  'b':[{i},{i}]}}\n" for i in range(formatting.POOL_MIN_FILES + 2)]
    assert formatting.format_texts(texts) == [formatting.black_format(t) for t in texts]


def test_the_examples_generated_with_ruff_compile_and_are_stable(project, tmp_path, monkeypatch):
    monkeypatch.setenv("LAYERGEN_CACHE_DIR", str(tmp_path / "cache"))
    with open(project / "pyproject.toml", "a") as settings:
        settings.write('formatter = "ruff"\n')
    for spec in EXAMPLE_SPECS:
        shutil.copy(spec, project / "specs" / spec.name)
    result = cli("new")
    assert result.exit_code == 0, result.output
    files = sorted((project / "layers").glob("*.py")) + sorted((project / "tests").glob("*.py"))
    assert len(files) == 2 * len(EXAMPLE_SPECS)
    texts = [path.read_text() for path in files]
    for path, text in zip(files, texts, strict=True):
        compile(text, str(path), "exec", dont_inherit=True)
    assert formatting._ruff_format(texts) == texts, "ruff's output is what ruff makes of it again"
    assert cli("check").exit_code == 0
    (project / ".layergen" / "records").rename(tmp_path / "records")  # no fingerprints: the full path
    shutil.rmtree(tmp_path / "cache")
    again = cli("new")
    assert (again.exit_code, again.stdout) == (0, f"{len(files)} unchanged\n")
    assert [path.read_text() for path in files] == texts


def test_an_unknown_formatter_is_a_located_error(project):
    with open(project / "pyproject.toml", "a") as settings:
        settings.write('formatter = "yapf"\n')
    result = cli("new")
    assert result.exit_code == 2
    assert (
        result.stderr.strip()
        == "pyproject.toml:6:1: tool.layergen.formatter: expected one of black, ruff; found 'yapf'"
    )


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_the_pool_workers_exit_when_layergen_is_killed(tmp_path):
    pids = tmp_path / "workers"
    code = (
        "import os, sys\n"
        "from layergen.formatting import formatter as formatting\n"
        "batch = formatting.Formatter('black', expected=2 * formatting.POOL_MIN_FILES)\n"  # the pool, not the forked worker
        "batch.pool.submit(os.getpid).result()\n"
        f"open({str(pids)!r}, 'w').write(' '.join(str(p.pid) for p in batch.pool._processes.values()))\n"
        "os.kill(os.getpid(), 9)\n"
    )
    env = {**os.environ, "LAYERGEN_CACHE_DIR": str(tmp_path)}
    # No pipes: a worker left behind would hold them open, and the test would hang instead of fail.
    subprocess.run(
        [sys.executable, "-c", code], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60
    )
    workers = [int(pid) for pid in pids.read_text().split()]
    assert workers
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in workers if _alive(pid)]
    for pid in left:
        os.kill(pid, 9)
    assert not left, "a worker outlived layergen"


def _alive(pid):
    """Whether the process runs (an exited one that nobody has reaped yet does not)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_an_edited_module_costs_black_on_its_changed_piece_only(tmp_path, monkeypatch):
    monkeypatch.setenv("LAYERGEN_CACHE_DIR", str(tmp_path))
    layer = (formatting.Path(__file__).parents[2] / "examples" / "layers" / "dense_layer.py").read_text()
    rendered = layer.replace("    def call(", "    def call(  ", 1)  # black has work to do
    assert formatting.format_texts([rendered], style=EXAMPLES_STYLE) == [layer]
    black_format = formatting.black_format
    seen = []
    monkeypatch.setattr(
        formatting, "black_format", lambda text, *style: seen.append(text) or black_format(text, *style)
    )
    edited = rendered.replace('"""', '"""Edited   summary.\n\n    ', 1)
    assert formatting.format_texts([edited], style=EXAMPLES_STYLE) == [black_format(edited, EXAMPLES_STYLE)]
    assert len(seen) == 1 and seen[0].startswith('class _:\n    """Edited   summary.') and "def " not in seen[0]


def test_edited_modules_formatted_in_the_pool_are_black(tmp_path, monkeypatch):
    monkeypatch.setenv("LAYERGEN_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    layers = sorted((formatting.Path(__file__).parents[2] / "examples" / "layers").glob("*.py"))
    texts = [path.read_text() for path in layers[: formatting.POOL_MIN_FILES + 1]]
    assert formatting.format_texts(texts, style=EXAMPLES_STYLE) == texts
    assert len(list((tmp_path / "format" / "pieces").iterdir())) > len(texts), "the pieces are cached"
    edited = [text.replace('"""', '"""Edited,   summary. ', 1) for text in texts]
    expected = [formatting.black_format(text, EXAMPLES_STYLE) for text in edited]
    assert formatting.format_texts(edited, style=EXAMPLES_STYLE) == expected

"""Formatting generated code: black (the default) or ruff, cached, and in parallel.

Formatting is most of what generating costs, so it is done as little as possible: each
result is cached under a key of the unformatted text, the formatter and its version (an
edit that leaves a file's rendered text as it was costs no formatting), and what is not
cached is formatted in one batch: black in a process pool across the machine's cores
when there are several files (formatting the first specs' files while later specs are
generated), ruff in one `ruff format` run over a temporary folder.

Under the whole-text cache, black's results are also cached piece by piece (the module
header and each class member, `format_pieces`): an edit that changes one piece of a module
(a spec's summary changes the class docstring only) costs black on that piece alone.

The cache is a folder of files, one per result (`LAYERGEN_CACHE_DIR`, or `layergen/format`
in the user's cache folder; the pieces in its `pieces` folder), each starting with the
digest of its key and what follows: an entry that does not match it (damaged, or copied
from another key) is formatted again, never trusted. And a cache can lie outright, so
every text that comes from it (a whole result, or a module assembled from cached pieces) is
checked before it is used: it must parse to the same syntax tree as the text it is the
formatting of (`same_code`), or the text is formatted afresh by black alone. (Black's own
output on a whole text, which no cache had a hand in, is used as it is.) A damaged or lying
cache costs time, never correctness.
It is kept to `MAX_ENTRIES` files (pieces: `MAX_PIECES`).

Pool workers load black and format a small module as they start (black's first call in a
process costs several times its later ones), while the main process loads the generator.
The early worker of a small run formats every text at the end, its pieces shared with a
helper it forks (`black_all_telling`, `formatting.sharing`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from layergen.cache import FormatCache, cache_dir
from layergen.errors import LayergenError
from layergen.project.format_style import FormatStyle
from layergen.project.settings import FORMATTERS

if TYPE_CHECKING:
    import ast
    import subprocess
    from concurrent.futures import ProcessPoolExecutor

    from layergen.formatting.worker import ForkedWorker

    _Pool = ForkedWorker | ProcessPoolExecutor  # where black formats the texts


# subprocess, tempfile and format_pieces are imported where they are used: `check` on a
# current project imports this module (for `formatter_version`) and needs none of them.

__all__ = ["FORMATTERS", "format_texts"]

MAX_ENTRIES = 4000
MAX_PIECES = 16000  # a module has ~10 pieces, most of them shared by many modules
POOL_MIN_FILES = 6  # a process pool costs ~100 ms to start: worth it from a few black runs on
DEFAULT_STYLE = FormatStyle()


def format_texts(texts: list[str], formatter: str = "black", style: FormatStyle = DEFAULT_STYLE) -> list[str]:
    """Each text formatted with the project's `style`; equal texts are formatted once."""
    batch = Formatter(formatter, expected=len(texts), style=style)
    for text in texts:
        batch.submit(text)
    return batch.results()


class Formatter:
    """Formats texts as they are submitted; `results` gives them back in order.

    Black runs in a process pool when there are many files (one worker per core), so the
    files of specs generated first are formatted while later specs are generated; with
    `early`, also for a few files (one forked worker, `forked_worker`), started before the
    generator is loaded, which loads black meanwhile. Ruff formats all of them in one run at
    the end.
    """

    def __init__(self, formatter: str, expected: int, *, early: bool = False, style: FormatStyle = DEFAULT_STYLE):
        self.formatter = formatter
        self.style = style
        self.version = formatter_version(formatter) if expected else ""
        self.cache = FormatCache(cache_dir())
        self.keys: list[str] = []
        self.sources: dict[str, str] = {}  # key -> the text, while black's result may come from pieces
        self.done: dict[str, str] = {}
        self.waiting: dict[str, object] = {}  # key -> the pool's future, or the text to format at the end
        self.pool: _Pool | None = None
        many = expected >= POOL_MIN_FILES
        if formatter == "black" and (many or (early and expected)) and (os.cpu_count() or 1) >= 2:
            self.pool = _black_pool(min(os.cpu_count() or 1, expected)) if many else _early_worker()
        # The pool formats each text as it comes; the early worker formats them all at the
        # end, sharing their pieces with a helper it forks (`black_all_telling`).
        self.per_text = self.pool is not None and many

    def submit(self, text: str) -> None:
        key = _key(text, self.formatter, self.version, self.style)
        self.keys.append(key)
        if key in self.done or key in self.waiting:
            return
        cached = self.cache.get(key)
        if cached is not None and same_code(text, cached):
            self.done[key] = cached
        elif self.per_text:
            self.waiting[key] = self.pool.submit(black_telling, text, self.version, self.style)  # type: ignore[union-attr]
            self.sources[key] = text
        else:
            self.waiting[key] = text
            self.sources[key] = text  # (black's results are checked: they may come from pieces)

    def results(self) -> list[str]:
        try:
            later = {key: item for key, item in self.waiting.items() if isinstance(item, str)}
            formatted = dict(zip(later, self._format_later(list(later.values())), strict=True)) if later else {}
            for key, item in self.waiting.items():
                text, assembled = formatted[key] if key in formatted else item.result()  # type: ignore[attr-defined]
                self.done[key] = text
                self.cache.put(key, text)
                if not assembled:  # black's own output on the whole text
                    self.sources.pop(key, None)
            # Results assembled from cached pieces are checked like cached results.
            if self.formatter == "black":
                for key, source in self.sources.items():
                    if not same_code(source, self.done[key]):
                        self.done[key] = black_format(source, self.style)
                        self.cache.put(key, self.done[key])
        finally:
            if self.pool is not None:
                self.pool.shutdown(cancel_futures=True)
        self.cache.trim(MAX_ENTRIES)
        if self.waiting and self.formatter == "black":
            FormatCache(_pieces_dir()).trim(MAX_PIECES, force=True)  # the workers stored pieces
        return [self.done[key] for key in self.keys]

    def _format_later(self, texts: list[str]) -> list[tuple[str, bool]]:
        if self.pool is not None:  # the early worker
            result: list[tuple[str, bool]] = self.pool.submit(
                black_all_telling, texts, self.version, self.style
            ).result()
            return result
        return _format_many(texts, self.formatter, self.version, self.style)


def _early_worker() -> _Pool:
    """One process for a few files: forked at once where it can be (see `forked_worker`)."""
    from layergen.formatting import worker as forked_worker

    if forked_worker.available():
        return forked_worker.ForkedWorker(_warm_up)
    return _black_pool(1)


def _black_pool(workers: int) -> ProcessPoolExecutor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(os.getpid(),))
    pool.submit(int)  # the workers start (all of them: forked ones are not started later) at once
    return pool


# Small, but through black's main paths: a docstring, a split call, a dict, a comment.
_WARM_UP = (
    "class _Warm:\n"
    '    """Doc.\n\n    More.\n    """\n\n'
    "    def f(self, x, *, y=None):\n"
    "        # why\n"
    "        return {'a': [x, y], 'b': f'{x!r}'}, self.g(x, 'a long enough argument', 'another long argument')\n"
)


def _start_worker(parent: int) -> None:
    """In a worker: exit with layergen, and warm black up before the first file comes.
    Ctrl-C reaches the whole process group: layergen stops its workers itself (a worker
    that took it would print a traceback)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with(parent)
    _warm_up()


def _warm_up() -> None:
    with contextlib.suppress(Exception):  # a black that fails says so on the first real file
        black_format(_WARM_UP)
    collect_again()  # black's parse trees hold cycles


def collect_again() -> None:
    """The cyclic garbage collector on again, where the console script turned it off while
    loading modules (`cli.main`); what is loaded by now is kept out of its passes."""
    import gc

    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _exit_with(parent: int) -> None:
    """Exit when layergen does. A killed layergen cannot shut its pool down, and its workers
    would wait for work forever."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def formatter_version(formatter: str) -> str:
    if formatter == "black":
        # black's own version module: knowing the version costs no import of black.
        import _black_version

        version: str = _black_version.version
        return version
    if formatter == "ruff":
        return str(_run_ruff(["--version"]).stdout).strip()
    raise ValueError(formatter)


def same_code(source: str, formatted: str) -> bool:
    """Whether `formatted` is code that `source` is: the same syntax tree, docstrings'
    whitespace aside (black re-indents them). The check a cached result must pass."""
    import ast
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes: black's users' business
            trees = [ast.parse(source), ast.parse(formatted)]
    except (SyntaxError, ValueError):
        return False
    return _dump(trees[0]) == _dump(trees[1])


def _dump(tree: ast.AST) -> str:
    import ast

    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            node.value.value = "\n".join(line.strip() for line in node.value.value.strip().splitlines())
    return ast.dump(tree)


def _key(text: str, formatter: str, version: str, style: FormatStyle) -> str:
    mode = f"{formatter}\0{version}\0{style.key()}\0"
    return hashlib.sha256(mode.encode() + text.encode("utf-8")).hexdigest()


def _format_many(
    texts: list[str], formatter: str, version: str = "", style: FormatStyle = DEFAULT_STYLE
) -> list[tuple[str, bool]]:
    """Without a pool: ruff in one run, black one text after another; each text with
    whether it was assembled from pieces (`black_telling`)."""
    if formatter == "ruff":
        return [(text, False) for text in _ruff_format(texts, style)]
    return [black_telling(text, version or formatter_version("black"), style) for text in texts]


def black_format(text: str, style: FormatStyle = DEFAULT_STYLE) -> str:
    import black
    from black.mode import TargetVersion

    targets = {TargetVersion[name.upper()] for name in style.target_versions}
    return black.format_str(text, mode=black.Mode(target_versions=targets, line_length=style.line_length))


def black_by_pieces(text: str, version: str, style: FormatStyle = DEFAULT_STYLE) -> str:
    """black_format(text), from the pieces of it already formatted (`format_pieces`)."""
    return black_telling(text, version, style)[0]


def black_telling(text: str, version: str, style: FormatStyle = DEFAULT_STYLE) -> tuple[str, bool]:
    """(black_by_pieces(text), whether it was assembled from pieces): only such a result
    needs checking against the text; black's output on the whole text is what it is."""
    from layergen.formatting import pieces as format_pieces

    def black(piece: str) -> str:
        return black_format(piece, style)

    mode = f"black\0{version}\0{style.key()}"
    return format_pieces.format_telling(text, FormatCache(_pieces_dir()), black, mode)


def black_all_telling(texts: list[str], version: str, style: FormatStyle = DEFAULT_STYLE) -> list[tuple[str, bool]]:
    """`black_telling` of each text, every piece that black must format shared between this
    process and a helper it forks (`formatting.sharing`): a spec's two files cost about half
    of black's time on them, where a second core is idle."""
    from layergen.formatting import pieces as format_pieces
    from layergen.formatting import sharing

    def black(piece: str) -> str:
        return black_format(piece, style)

    mode = f"black\0{version}\0{style.key()}"
    return format_pieces.format_all_telling(texts, FormatCache(_pieces_dir()), black, mode, sharing.share)


def _pieces_dir() -> Path:
    return cache_dir() / "pieces"


def _ruff_format(texts: list[str], style: FormatStyle = DEFAULT_STYLE) -> list[str]:
    """All of them in one `ruff format` run (it formats files in parallel itself)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="layergen-ruff-") as folder:
        paths = [Path(folder) / f"f{index}.py" for index in range(len(texts))]
        for path, text in zip(paths, texts, strict=True):
            path.write_text(text, encoding="utf-8")
        options = [
            "--isolated",
            "--no-cache",
            f"--line-length={style.line_length}",
            f"--target-version={style.oldest_target()}",
        ]
        _run_ruff(["format", *options, folder])
        return [path.read_text(encoding="utf-8") for path in paths]


def _run_ruff(arguments: list[str]) -> subprocess.CompletedProcess[str]:
    import subprocess

    try:
        from ruff.__main__ import find_ruff_bin

        command = [os.fsdecode(find_ruff_bin())]
    except ImportError:
        command = ["ruff"]
    try:
        done = subprocess.run(command + arguments, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise LayergenError.plain(
            "pyproject.toml", f'[tool.layergen] formatter = "ruff": cannot run ruff ({exc}); `pip install ruff`'
        ) from None
    if done.returncode != 0:
        raise LayergenError.plain("ruff", f"ruff {arguments[0]} failed: {done.stderr.strip()[-500:]}")
    return done

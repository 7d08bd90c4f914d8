"""A format cache that lies costs time, never correctness (issue 19): an entry is bound
to its key (another key's entry is not used), and every formatted text must be the same
code as the text it formats, whichever cache it came from."""

import hashlib

from conftest import REPO, cli

from layergen import cache
from layergen.formatting import formatter as formatting
from layergen.project.settings import find_project

LAYER = (REPO / "examples" / "layers" / "dense_layer.py").read_text()
EXAMPLES_STYLE = find_project(REPO).style  # the examples follow this repository's [tool.black]


def _rewrite(entry, body: bytes, key: str | None = None):
    """Write an entry whose digest is right by the old scheme and by the new one for `key`:
    a lie that no digest check can catch."""
    digest = cache._entry_digest(key, body) if key else hashlib.sha256(body).hexdigest()
    entry.write_bytes(digest.encode() + b"\n" + body)


def test_a_lying_entry_with_a_valid_digest_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setenv("LAYERGEN_CACHE_DIR", str(tmp_path))
    text = "x = [1,2,\n 3]\n"
    assert formatting.format_texts([text]) == ["x = [1, 2, 3]\n"]
    (entry,) = (p for p in (tmp_path / "format").iterdir() if p.is_file())
    for key in (None, entry.name):
        _rewrite(entry, b"import os\nos.remove('precious')\n", key)
        assert formatting.format_texts([text]) == ["x = [1, 2, 3]\n"]
    assert entry.read_bytes().endswith(b"x = [1, 2, 3]\n"), "the lie is overwritten"


def test_another_key_s_entry_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setenv("LAYERGEN_CACHE_DIR", str(tmp_path))
    formatting.format_texts(["y=1\n"])
    (first,) = (p for p in (tmp_path / "format").iterdir() if p.is_file())
    formatting.format_texts(["y=2\n"])
    (second,) = (p for p in (tmp_path / "format").iterdir() if p.is_file() and p != first)
    second.write_bytes(first.read_bytes())  # a stale or foreign entry, its own digest intact
    assert formatting.format_texts(["y=2\n"]) == ["y = 2\n"]


def test_a_lying_piece_does_not_reach_the_formatted_module(tmp_path, monkeypatch):
    monkeypatch.setenv("LAYERGEN_CACHE_DIR", str(tmp_path))
    rendered = LAYER.replace("    def call(", "    def call(  ", 1)
    assert formatting.format_texts([rendered], style=EXAMPLES_STYLE) == [LAYER]
    for entry in (tmp_path / "format").iterdir():
        if entry.is_file():
            entry.unlink()  # only the pieces are left to answer
    pieces = [p for p in (tmp_path / "format" / "pieces").iterdir() if b"def call(" in p.read_bytes()]
    assert pieces
    for piece in pieces:
        body = piece.read_bytes().partition(b"\n")[2].replace(b"ops.matmul", b"ops.add")
        _rewrite(piece, body, piece.name)
    assert formatting.format_texts([rendered], style=EXAMPLES_STYLE) == [LAYER]


def test_same_code_tells_formatting_from_a_change():
    assert formatting.same_code("x = [1,2,\n 3]\n", "x = [1, 2, 3]\n")
    assert formatting.same_code('def f():\n  """Doc.\n      more"""\n', 'def f():\n    """Doc.\n    more"""\n')
    assert not formatting.same_code("x = [1,2,\n 3]\n", "x = [1, 2, 4]\n")
    assert not formatting.same_code("x = 1\n", "x = (\n")


def test_new_writes_the_true_formatting_over_a_lying_cache(project, tmp_path, monkeypatch):
    monkeypatch.setenv("LAYERGEN_CACHE_DIR", str(tmp_path / "cache"))
    (project / "specs" / "linear.yaml").write_text((REPO / "specs" / "examples" / "linear_layer.yaml").read_text())
    assert cli("new").exit_code == 0
    good = (project / "layers" / "linear_layer.py").read_text()
    for entry in (tmp_path / "cache" / "format").rglob("*"):
        if entry.is_file() and b"ops.matmul" in entry.read_bytes():
            body = entry.read_bytes().partition(b"\n")[2].replace(b"ops.matmul", b"ops.subtract")
            _rewrite(entry, body, entry.name)
    (project / "layers" / "linear_layer.py").unlink()
    (project / ".layergen" / "state" / "fingerprints.json").unlink()
    assert cli("new").exit_code == 0
    assert (project / "layers" / "linear_layer.py").read_text() == good

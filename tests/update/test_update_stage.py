"""The update stage's shape: it receives generated files and decides their fate (it never
drives generation), its plan's derived facts follow from one outcome, and a bug met on one
spec is that spec's one problem unless LAYERGEN_DEBUG asks for the traceback."""

import ast
from pathlib import Path

import pytest
from conftest import REPO

from layergen.errors import LayergenError, internal_error
from layergen.update.merge import merge3
from layergen.update.plan import FileUpdate, found_file, side_file
from layergen.update.reconcile import Outcome, Status

UPDATE = REPO / "layergen" / "update"
UPSTREAM = ("layergen.pipeline", "layergen.run", "layergen.analysis", "layergen.render", "layergen.formatting")


def imported(path: Path) -> set[str]:
    """Every module a file imports, lazily or under TYPE_CHECKING too."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


@pytest.mark.parametrize("path", sorted(UPDATE.glob("*.py")), ids=lambda p: p.name)
def test_the_update_stage_imports_nothing_that_generates(path):
    assert sorted(m for m in imported(path) if m.startswith(UPSTREAM)) == []


def test_a_file_update_takes_its_status_merge_and_markers_from_its_outcome():
    merge = merge3("a\n", "b\n", "c\n")
    outcome = Outcome(Status.CONFLICT, "b\n", "a\n", merge=merge, marker_line=3)
    file = FileUpdate(path=Path("layers/x.py"), outcome=outcome, before="b\n", after="b\n", side_text=merge.text)
    assert (file.status, file.merge, file.marker_line) == (Status.CONFLICT, merge, 3)
    assert file.side_path == side_file(Path("layers/x.py")) == Path("layers/x.py.conflict")
    assert file.stale


def test_a_found_file_is_left_or_removed():
    kept = found_file(Path("old.py"), Status.ORPHANED, "x\n", newline="\r\n")
    removed = found_file(Path("old.py"), Status.REMOVED, "x\n", newline="\n", remove=True)
    assert (kept.after, kept.remove, kept.newline, kept.status) == ("x\n", False, "\r\n", Status.ORPHANED)
    assert (removed.after, removed.remove, removed.side_path) == (None, True, None)


def test_a_bug_is_one_problem_of_its_spec_or_raised_under_layergen_debug(monkeypatch):
    monkeypatch.delenv("LAYERGEN_DEBUG", raising=False)
    try:
        raise KeyError("kernel")
    except KeyError as exc:
        error = internal_error("specs/dense.yaml", exc)
    assert isinstance(error, LayergenError)
    assert str(error) == (
        "specs/dense.yaml: layergen failed on this spec (KeyError: 'kernel'); this is a bug in layergen, "
        "please report it"
    )
    monkeypatch.setenv("LAYERGEN_DEBUG", "1")
    with pytest.raises(KeyError):
        try:
            raise KeyError("kernel")
        except KeyError as exc:
            internal_error("specs/dense.yaml", exc)

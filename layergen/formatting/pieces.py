"""Black by pieces: a generated module formatted piece by piece, each piece cached.

Editing a spec usually changes one piece of its layer module (its `summary:` changes the
class docstring only), yet black costs as much as the whole file. So a module is split into
pieces: the *header* (everything up to and including the line that ends the header of the
module's last class) and each *member* of that class (with its decorators). Each piece's
formatted text is cached under its unformatted text and the formatting mode; a module whose
pieces are all known costs no black at all, and one with a few new pieces costs black on
those only, each alone: a member inside a stub `class _:` (so at the same depth, hence the
same line length), the header followed by a stub body `pass`. A module formatted whole (the
first time, or when most of it is new) fills the cache by splitting black's output along
the same members.

Assembling is exact (byte-identical to black on the whole text) because of these rules of
black 24-26, which `split` checks and which tests/formatting/test_format_pieces.py proves on every
example and on generated variants:

- black's blank-line tracker looks only backwards, and its line splitting looks at one
  logical line (and its own comments) at a time; so a member's text depends only on the
  member, its depth and the mode, and the header's text only on the header;
- a member starts at its first decorator and ends at its last statement's line; between two
  members the unformatted text holds exactly one blank line (black keeps one: `before` is 1
  after a def at depth > 0, for a def after anything, after a class docstring (`after` = 1),
  and as the user had it otherwise), or none between two plain assignments (black keeps
  none); black's output keeps the same gaps. Any comment between members, a member on the
  class line, blank lines or a comment before the first member, anything after the class,
  fall back to formatting the whole text: comments there move between blocks by their
  column, and leading comments change the blank lines before decorators;
- members are defs, assignments and (first only) a docstring: a string statement elsewhere
  or a nested class would meet black's docstring and stub-class rules;
- texts with `fmt:`/`yapf:` directives, tabs, carriage returns or form feeds, or without a
  final newline, are formatted whole.

A cached piece that is damaged is not trusted (FormatCache checks each entry's digest, and a
piece must look like one), and it is formatted again.
"""

from __future__ import annotations

import ast
import hashlib
import warnings
from collections.abc import Callable
from typing import Any, Protocol

from layergen.records import frozen_record

HEADER, FIRST, MEMBER = "header", "first", "member"
_STUB_CLASS = "class _:\n"
_STUB_BODY = "    pass\n"
_WHOLE = ("fmt:", "yapf:", "\t", "\r", "\f")
_MEMBER_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Assign, ast.AnnAssign)
_ASSIGNMENTS = (ast.Assign, ast.AnnAssign)
# Formatting pieces one by one beats one black call on the whole text while they are a
# small part of it (each black call costs ~0.5 ms besides the text).
MOST_NEW = 0.5


class Cache(Protocol):
    def get(self, key: str) -> str | None: ...
    def put(self, key: str, text: str) -> None: ...


@frozen_record
class Piece:
    kind: str  # HEADER, FIRST (the first member) or MEMBER
    text: str
    gap: str = ""  # the blank lines before it: "" or "\n"


def format_by_pieces(text: str, cache: Cache, black: Callable[[str], str], mode: str) -> str:
    """black(text), from cached pieces where they are known."""
    return format_telling(text, cache, black, mode)[0]


def format_telling(text: str, cache: Cache, black: Callable[[str], str], mode: str) -> tuple[str, bool]:
    """(black(text), whether it was assembled from pieces): False when it is black's own
    output on the whole text, which needs no check against the text."""
    pieces = split(text)
    if pieces is None:
        return black(text), False
    keys = [piece_key(piece, mode) for piece in pieces]
    found = [_valid(piece.kind, cache.get(key)) for piece, key in zip(pieces, keys, strict=True)]
    new = [index for index, formatted in enumerate(found) if formatted is None]
    if sum(len(pieces[index].text) for index in new) > MOST_NEW * len(text):
        formatted_text = black(text)
        remember(pieces, keys, formatted_text, cache)
        return formatted_text, False
    for index in new:
        formatted = format_piece(pieces[index], black)
        if formatted is None:
            return black(text), False
        found[index] = formatted
        cache.put(keys[index], formatted)
    return assemble(pieces, found), True  # type: ignore[arg-type]


def format_all_telling(
    texts: list[str], cache: Cache, black: Callable[[str], str], mode: str, run: Runner
) -> list[tuple[str, bool]]:
    """`format_telling` of each text, where everything black must format (the new pieces of
    the texts that split, the other texts whole) is formatted by `run`, which may share the
    work between processes (`formatting.sharing`). A text that splits is assembled from its
    pieces however many are new; it needs checking only where a piece came from the cache."""
    plans = [_plan(text, cache, mode) for text in texts]
    jobs = [(index, piece) for index, plan in enumerate(plans) for piece in plan.new]

    def job(number: int) -> str | None:
        index, piece = jobs[number]
        return black(texts[index]) if piece is None else format_piece(plans[index].pieces[piece], black)

    sizes = [len(texts[index] if piece is None else plans[index].pieces[piece].text) for index, piece in jobs]
    outcomes = iter(run(sizes, job))
    return [
        _assembled(text, plan, [next(outcomes).get() for _ in plan.new], cache, black)
        for text, plan in zip(texts, plans, strict=True)
    ]


class Runner(Protocol):
    """Runs `job(i)` for each i < len(sizes): each outcome's `get()` gives its result."""

    def __call__(self, sizes: list[int], job: Callable[[int], str | None], /) -> list[Any]: ...


@frozen_record
class _Plan:
    """A text's pieces (none: it is formatted whole), those the cache has, and the positions
    of those black must format (`[None]`: the text, whole)."""

    pieces: list[Piece]
    keys: list[str]
    found: list[str | None]
    new: list[int | None]


def _plan(text: str, cache: Cache, mode: str) -> _Plan:
    pieces = split(text)
    if pieces is None:
        return _Plan([], [], [], [None])
    keys = [piece_key(piece, mode) for piece in pieces]
    found = [_valid(piece.kind, cache.get(key)) for piece, key in zip(pieces, keys, strict=True)]
    return _Plan(pieces, keys, found, [index for index, formatted in enumerate(found) if formatted is None])


def _assembled(
    text: str, plan: _Plan, formatted: list[str | None], cache: Cache, black: Callable[[str], str]
) -> tuple[str, bool]:
    """(the text formatted, whether a piece of it came from the cache), from what black made
    of its new pieces (or of the whole text)."""
    if not plan.pieces:
        return formatted[0] or "", False
    found = list(plan.found)
    for position, piece_text in zip(plan.new, formatted, strict=True):
        if position is None or piece_text is None:  # a piece black shaped unexpectedly
            return black(text), False
        found[position] = piece_text
        cache.put(plan.keys[position], piece_text)
    return assemble(plan.pieces, found), len(plan.new) < len(plan.pieces)  # type: ignore[arg-type]


def split(text: str) -> list[Piece] | None:
    """The module's pieces, or None where assembling them might differ from black's output."""
    if not text.endswith("\n") or any(mark in text for mark in _WHOLE):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes are black's users' business
            tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None  # black reports it, formatting the whole text
    if not tree.body or not isinstance(tree.body[-1], ast.ClassDef) or not tree.body[-1].body:
        return None
    lines = text.split("\n")  # ast numbers lines the same way: no other line breaks are left
    members = tree.body[-1].body
    spans = [(_start(node), node.end_lineno or 0) for node in members]
    if not _header_ends_before(lines, tree.body[-1], spans[0][0]):
        return None
    pieces = [Piece(HEADER, _lines(lines, 1, spans[0][0] - 1))]
    for index, (node, (start, end)) in enumerate(zip(members, spans, strict=True)):
        if not _plain_member(node, index):
            return None
        gap = "" if index == 0 else _gap(lines, spans[index - 1][1], start, members[index - 1], node)
        if gap is None:
            return None
        pieces.append(Piece(FIRST if index == 0 else MEMBER, _lines(lines, start, end), gap))
    if any(line.strip() for line in lines[spans[-1][1] :]):
        return None
    return pieces


def _start(node: ast.stmt) -> int:
    decorators: list[ast.expr] = getattr(node, "decorator_list", [])
    return min([node.lineno, *(decorator.lineno for decorator in decorators)])


def _lines(lines: list[str], first: int, last: int) -> str:
    """Lines first..last (numbered from 1), each with its line break."""
    return "".join(line + "\n" for line in lines[first - 1 : last])


def _header_ends_before(lines: list[str], cls: ast.ClassDef, first_member: int) -> bool:
    """Whether the line before the first member ends the class's header (no blank line or
    comment between them)."""
    if first_member <= cls.lineno:
        return False  # a member on the class line
    last = lines[first_member - 2].strip()
    return last.endswith(":") and not last.startswith("#")


def _plain_member(node: ast.stmt, index: int) -> bool:
    if isinstance(node, _MEMBER_TYPES):
        return True
    docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    return index == 0 and docstring and isinstance(node.value.value, str)  # type: ignore[attr-defined]


def _gap(lines: list[str], previous_end: int, start: int, previous: ast.stmt, node: ast.stmt) -> str | None:
    """The blank lines black puts between two members, or None where that is not sure."""
    if start <= previous_end:
        return None  # two members on a line
    between = lines[previous_end : start - 1]
    if any(line.strip() for line in between):
        return None  # a comment
    if len(between) == 1:
        return "\n"
    if not between and isinstance(previous, _ASSIGNMENTS) and isinstance(node, _ASSIGNMENTS):
        return ""
    return None


def piece_key(piece: Piece, mode: str) -> str:
    return hashlib.sha256(f"piece\0{piece.kind}\0{mode}\0{piece.text}".encode()).hexdigest()


def _valid(kind: str, formatted: str | None) -> str | None:
    """A cached piece, if it looks like one (it is rebuilt otherwise)."""
    if formatted is None or not formatted.endswith("\n"):
        return None
    if kind != HEADER and not (formatted.startswith("    ") and not formatted[4].isspace()):
        return None
    return formatted


def format_piece(piece: Piece, black: Callable[[str], str]) -> str | None:
    """One piece formatted alone, or None if black's output is not shaped as expected."""
    stub = piece.text + _STUB_BODY if piece.kind == HEADER else _STUB_CLASS + piece.text
    try:
        formatted = black(stub)
    except Exception:  # the whole text is formatted instead, and black says what is wrong there
        return None
    if piece.kind == HEADER:
        return formatted[: -len(_STUB_BODY)] if formatted.endswith(":\n" + _STUB_BODY) else None
    if not formatted.startswith(_STUB_CLASS):
        return None
    return _valid(piece.kind, formatted[len(_STUB_CLASS) :])


def assemble(pieces: list[Piece], formatted: list[str]) -> str:
    return "".join(piece.gap + text for piece, text in zip(pieces, formatted, strict=True))


def remember(pieces: list[Piece], keys: list[str], formatted_text: str, cache: Cache) -> None:
    """Cache the pieces of black's output of the whole text, if it splits as the text did."""
    formatted = split(formatted_text)
    if formatted is None or [(p.kind, p.gap) for p in formatted] != [(p.kind, p.gap) for p in pieces]:
        return
    texts = [piece.text for piece in formatted]
    if assemble(formatted, texts) != formatted_text:
        return
    for key, text in zip(keys, texts, strict=True):
        if cache.get(key) != text:  # most pieces are shared by many modules: written once
            cache.put(key, text)

import math
import re
import tracemalloc
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layergen.errors import LayergenError
from layergen.spec import source as yaml_source
from layergen.spec.core_schema import CONTROL_OR_SURROGATE
from layergen.spec.limits import MAX_DEPTH, MAX_INT_DIGITS, MAX_NODES, MAX_SPEC_BYTES, MAX_TEXT_CHARS, ReadError
from layergen.spec.source import parse_spec_text, read_spec


def refusals(text: str) -> list[str]:
    with pytest.raises(LayergenError) as caught:
        parse_spec_text(text, "a.yaml")
    return [str(problem) for problem in caught.value.problems]


def refusal(text: str) -> str:
    (problem,) = refusals(text)
    return problem


def test_values_keep_their_line_and_column():
    source = parse_spec_text("layer: A\nweights:\n  kernel:\n    shape: [input_dim, units]\n", "a.yaml")
    assert source.data == {"layer": "A", "weights": {"kernel": {"shape": ["input_dim", "units"]}}}
    assert source.locate(("weights", "kernel", "shape", 1)) == (4, 24)
    assert source.locate(("weights", "kernel"), key=True) == (3, 3)
    # A path below a known value falls back to its nearest parent.
    assert source.locate(("weights", "kernel", "shape", 1, "nope")) == (4, 24)


def test_windows_and_old_mac_line_breaks_keep_lines_right():
    source = parse_spec_text("a: 1\r\nb: 2\rc: [x, y]\r\n", "a.yaml")
    assert source.data == {"a": 1, "b": 2, "c": ["x", "y"]}
    assert source.locate(("c", 1)) == (3, 8)


def test_scientific_notation_is_a_float():
    assert parse_spec_text("a: 1e-3\nb: 2.5E+2\n", "a.yaml").data == {"a": 0.001, "b": 250.0}


# What an editor (YAML 1.2 core schema) reads, and so what layergen reads.
YAML_1_2 = [
    ("true", True),
    ("False", False),
    ("TRUE", True),
    ("yes", "yes"),
    ("no", "no"),
    ("on", "on"),
    ("off", "off"),
    ("y", "y"),
    ("n", "n"),
    ("null", None),
    ("~", None),
    ("", None),
    ("017", 17),
    ("-017", -17),
    ("+5", 5),
    ("0o17", 15),
    ("0x1F", 31),
    ("0b101", "0b101"),
    ("1_000", "1_000"),
    ("1:30", "1:30"),
    ("2024-01-31", "2024-01-31"),
    ("1.5", 1.5),
    (".5", 0.5),
    ("1.", 1.0),
    ("-2.5e-3", -0.0025),
    ("1e3", 1000.0),
    ("0x1.8p1", "0x1.8p1"),
    ("=", "="),
    ('"017"', "017"),
    ("'true'", "true"),
    ("!!str 12", "12"),
    ("!!float 12", 12.0),
]


@pytest.mark.parametrize(("scalar", "expected"), YAML_1_2, ids=[s or "empty" for s, _ in YAML_1_2])
def test_plain_scalars_mean_what_yaml_1_2_says(scalar, expected):
    value = parse_spec_text(f"a: {scalar}\n", "a.yaml").data["a"]
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize("scalar", [".inf", "-.Inf", ".NAN", "1e400"])
def test_non_finite_numbers_are_refused(scalar):
    assert refusal(f"a: {scalar}\n").startswith("a.yaml:1:4: a: numbers must be finite, found ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "a: !!python/object/apply:os.system [ls]\n",
            "a.yaml:1:4: a: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
        ),
        ("a: !!python/name:os.system x\n", "a.yaml:1:4: a: YAML tag 'tag:yaml.org,2002:python/name:os.system' is not"),
        ("a: !!binary aGk=\n", "a.yaml:1:4: a: YAML tag 'tag:yaml.org,2002:binary' is not allowed"),
        ("a: !!set {x: null}\n", "a.yaml:1:4: a: YAML tag 'tag:yaml.org,2002:set' is not allowed"),
        ("a: !local x\n", "a.yaml:1:4: a: YAML tag '!local' is not allowed"),
        ("a: !!int 0b1\n", "a.yaml:1:4: a: cannot read '0b1' as an integer"),
        ("a: !!bool yes\n", "a.yaml:1:4: a: cannot read 'yes' as true or false"),
        ("a: [1, 2\nb: 3\n", "a.yaml:2:2: invalid YAML"),
        ("a: 1\na: 2\n", "a.yaml:2:1: a: duplicate key 'a'"),
        ("", "a.yaml:1:1: spec is empty"),
        ("# only a comment\n", "a.yaml:1:1: spec is empty"),
        ("base: &b {x: 1}\nc:\n  <<: *b\n", "a.yaml:3:3: c: YAML merge keys (<<) are not supported"),
        ("a: 1\n---\nb: 2\n", "a.yaml:2:1: invalid YAML: expected a single document"),
        ("? [a]\n: 1\n", "a.yaml:1:3: mapping keys must be plain names"),
    ],
)
def test_bad_yaml_is_one_located_line(text, expected):
    message = refusal(text)
    assert message.startswith(expected), message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1: x\n", "a.yaml:1:1: mapping keys must be names, found the integer 1; quote it if it is a name"),
        ("true: x\n", "a.yaml:1:1: mapping keys must be names, found the boolean true"),
        ("a:\n  2.5: x\n", "a.yaml:2:3: a: mapping keys must be names, found the number 2.5"),
        ("null: x\n", "a.yaml:1:1: mapping keys must be names, found null"),
    ],
)
def test_keys_are_names(text, expected):
    assert refusal(text).startswith(expected)


def test_1_and_true_are_different_keys_and_neither_is_a_duplicate():
    # YAML 1.1 read `1` and `true` as equal Python keys and called the second a duplicate.
    assert refusals("1: a\ntrue: b\n") == [
        "a.yaml:1:1: mapping keys must be names, found the integer 1; quote it if it is a name",
        "a.yaml:2:1: mapping keys must be names, found the boolean true; quote it if it is a name",
    ]
    assert parse_spec_text('"1": a\n"true": b\n', "a.yaml").data == {"1": "a", "true": "b"}


def test_keys_with_line_breaks_and_escapes_stay_on_one_line():
    message = refusal('"a\\nb": 1\n"a\\nb": 2\n')
    assert message == "a.yaml:2:1: a\\nb: duplicate key 'a\\nb'"


def test_a_terminal_escape_in_a_key_is_refused_and_shown_escaped():
    message = refusal('"\\e[2Jx": 1\n')
    assert message == "a.yaml:1:1: text must not hold the control character or lone surrogate U+001B"


@pytest.mark.parametrize("char", ["\x85", "\u2028", "\u2029"])
def test_yaml_1_1_only_line_breaks_are_refused_where_they_are(char):
    message = refusal(f"a: 1\nb: x{char}y  # {char}\n")
    assert message.startswith(f"a.yaml:2:5: the character U+{ord(char):04X} (")
    assert f"write it as \\u{ord(char):04x} inside a double-quoted string" in message


def test_a_line_separator_written_as_an_escape_is_text():
    assert parse_spec_text('a: "x\\Ly"\n', "a.yaml").data == {"a": "x\u2028y"}


def test_alias_bomb_stops_quickly():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]" for i in range(1, 9)]
    assert "spec is too large: over 10,000 values; check for runaway aliases" in refusal("\n".join(lines) + "\n")


def test_a_recursive_alias_is_refused():
    assert refusal("a: &x [1, *x]\n").startswith("a.yaml:1:")


def test_deep_nesting_is_refused_where_it_gets_too_deep():
    message = refusal("a: " + "[" * 200 + "]" * 200 + "\n")
    assert (
        message
        == f"a.yaml:1:{4 + MAX_DEPTH}: spec is nested too deeply: over {MAX_DEPTH} levels (a spec needs about 5)"
    )
    deep = "".join(" " * i + "-\n" for i in range(40))
    assert refusal("a:\n" + deep).startswith(f"a.yaml:{MAX_DEPTH + 2}:{MAX_DEPTH + 1}: spec is nested too deeply")


def test_text_and_integer_limits_are_located():
    assert refusal(f"a: [1, {'9' * (MAX_INT_DIGITS + 1)}]\n") == (
        f"a.yaml:1:8: a[1]: integers have at most {MAX_INT_DIGITS} digits"
    )
    assert refusal("a: 0x" + "f" * 40 + "\n").endswith(f"integers have at most {MAX_INT_DIGITS} digits")
    assert parse_spec_text(f"a: 000{'9' * MAX_INT_DIGITS}\n", "a.yaml").data == {"a": int("9" * MAX_INT_DIGITS)}
    assert refusal(f"a: {'x' * (MAX_TEXT_CHARS + 1)}\n") == f"a.yaml:1:4: a: text is over {MAX_TEXT_CHARS:,} characters"
    # Python's own limit (4,300 digits for str <-> int) is never met: no ValueError traceback.
    assert "at most" in refusal("a: " + "9" * 5000 + "\n")


HOSTILE = {
    "deep flow": "a: " + "[" * (MAX_SPEC_BYTES - 10),
    "many values": "a: [" + "1, " * ((MAX_SPEC_BYTES - 10) // 3) + "1]\n",
    "many keys": "".join(f"k{i}: 1\n" for i in range(MAX_SPEC_BYTES // 10)),
    "deep blocks": "".join(" " * i + "- \n" for i in range(400)),
    "aliases": "a: &a [1, 2]\nb: [" + ", ".join(["*a"] * ((MAX_SPEC_BYTES - 30) // 4)) + "]\n",
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_specs_just_under_the_size_limit_are_refused_after_little_work(name, monkeypatch):
    text = HOSTILE[name]
    assert len(text.encode()) <= MAX_SPEC_BYTES
    events = _count_events(monkeypatch, yaml_source._SpecLoader)
    tracemalloc.start()
    with pytest.raises(LayergenError, match="too large|too deeply"):
        parse_spec_text(text, "a.yaml")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # The limits stop the parser: at most one event per value allowed, plus their ends.
    assert events[0] <= 2 * MAX_NODES + 10
    assert peak < 40_000_000


def _count_events(monkeypatch, loader) -> list[int]:
    """A counter (its one item) of the YAML events `loader` takes from its parser."""
    events = [0]
    original = loader.get_event

    def counting_get_event(self):
        events[0] += 1
        return original(self)

    monkeypatch.setattr(loader, "get_event", counting_get_event)
    return events


def test_a_10_mb_spec_is_refused_quickly_without_reading_it_all(tmp_path):
    spec = tmp_path / "huge.yaml"
    spec.write_text("a: [" + "1, " * 3_500_000 + "1]\n")
    assert spec.stat().st_size > 10_000_000
    tracemalloc.start()
    with pytest.raises(LayergenError) as caught:
        read_spec(spec, "huge.yaml")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert (
        str(caught.value)
        == f"huge.yaml:1:{MAX_SPEC_BYTES + 1}: spec is over 100,000 bytes; a layer spec is a page of YAML"
    )
    assert peak < 4 * MAX_SPEC_BYTES  # the file is 100 times larger


def test_non_utf8_is_refused_at_its_line_and_column(tmp_path):
    spec = tmp_path / "latin1.yaml"
    spec.write_bytes("layer: Café\nsummary: caf\xe9\n".encode("latin-1").replace(b"Caf\xe9", "Café".encode()))
    with pytest.raises(LayergenError) as caught:
        read_spec(spec, "latin1.yaml")
    assert str(caught.value) == (
        "latin1.yaml:2:13: spec is not UTF-8 text: byte 0xE9 (invalid continuation byte); save it as UTF-8"
    )


def test_a_character_yaml_refuses_is_located():
    assert refusal("layer: A\nsummary: a\x08b\n") == (
        "a.yaml:2:11: invalid YAML: the character U+0008 is not allowed in YAML text"
    )


def test_finite_numbers_pass():
    assert parse_spec_text("a: [1.5, -0.0, 1e308]\n", "a.yaml").data == {"a": [1.5, -0.0, 1e308]}
    assert not any(math.isinf(v) for v in parse_spec_text("a: [1e308]\n", "a.yaml").data["a"])


# -- libyaml's parser (the fast path) against PyYAML's pure one (the reference) -------------

EXAMPLE_SPECS = sorted(Path(__file__).resolve().parents[2].glob("specs/examples/*.yaml"))


def _outcome(text: str, loader) -> tuple:
    """What a loader makes of `text`: the data and every location, or that it failed."""
    try:
        source = yaml_source._read(text, "a.yaml", loader)
    except Exception:
        return ("refused",)
    return (repr(source.data), source.locations, source.key_locations)


def _fast_path_agrees(text: str) -> None:
    """Whatever the fast path keeps is exactly what the reference reader makes of the text."""
    if yaml_source._CSpecLoader is None or yaml_source._DIVERGENT.search(text):
        return
    fast = _outcome(text, yaml_source._CSpecLoader)
    if fast[0] != "refused" and fast[0].startswith("{"):
        assert fast == _outcome(text, yaml_source._SpecLoader), text


needs_libyaml = pytest.mark.skipif(yaml_source._CSpecLoader is None, reason="PyYAML is built without libyaml")

# Pieces of YAML, with what libyaml and PyYAML are known to read differently among them.
YAML_PIECES = [
    "a",
    "key",
    "1",
    "0x1f",
    "- ",
    "-",
    ": ",
    ":",
    "? ",
    "?",
    "[",
    "]",
    "{",
    "}",
    ", ",
    "&x ",
    "*x",
    "!!str ",
    "! ",
    "#c",
    " #c",
    "'",
    '"',
    "\\",
    "|",
    "|-",
    ">+",
    ">2",
    "\n",
    "\n  ",
    "\n    ",
    "\t",
    " ",
    "...",
    "---",
    "%YAML 1.2\n",
    "<<",
    "é",
    "\ufeff",
    "x:y",
    '"a\\"b"',
    "'it''s'",
    "|2\n",
    "|-\n  x\n\n",
    "k: ",
    "k:\n",
    "a:\n  - ",
    "[a, b]",
    "{a: 1}",
    "!!int 3",
    "\n\n",
]


@needs_libyaml
@settings(max_examples=1500, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(YAML_PIECES), min_size=1, max_size=25))
def test_the_fast_path_reads_any_text_it_accepts_as_the_reference_reader_does(pieces):
    _fast_path_agrees("".join(pieces))


@needs_libyaml
@settings(max_examples=1500, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(
    st.sampled_from(EXAMPLE_SPECS),
    st.lists(st.tuples(st.floats(0, 1), st.sampled_from(YAML_PIECES), st.integers(0, 4)), max_size=3),
)
def test_the_fast_path_reads_edited_specs_as_the_reference_reader_does(spec, edits):
    text = spec.read_text()
    for where, piece, cut in edits:
        position = int(where * len(text))
        text = text[:position] + piece + text[position + cut :]
    _fast_path_agrees(text)


@needs_libyaml
@pytest.mark.parametrize(
    "text",
    [
        "a: {name: , l2: 1}\n",  # libyaml marks an empty flow value at the next token
        "a: [b:\n  , c]\n",
        "? a\n",  # and an explicit key's missing value on the next line
        "a: {b?c: 1}\n",  # `?` ends a flow plain scalar to PyYAML only
        "a: |#c\n  x\n",  # PyYAML wants a space before a block scalar header's comment
        "a: b\tc\n",  # tabs
        "a: ! \n",  # the non-specific tag
        "\ufeffa: 1\nb: \ufeff2\n",
        "--- 5\n",  # not a mapping: reported by the reference reader
    ],
)
def test_text_libyaml_reads_differently_is_read_by_the_reference_reader(text, monkeypatch):
    expected = _outcome(text, yaml_source._SpecLoader)
    try:
        found = parse_spec_text(text, "a.yaml")
    except LayergenError:
        assert expected == ("refused",)
    else:
        assert (repr(found.data), found.locations, found.key_locations) == expected


@needs_libyaml
def test_example_specs_take_the_fast_path(monkeypatch):
    """The speed is real: a valid spec never needs the pure reader."""
    monkeypatch.setattr(yaml_source, "_SpecLoader", None)  # any use of it would fail
    for spec in EXAMPLE_SPECS:
        assert isinstance(read_spec(spec).data, dict)


def test_without_libyaml_the_pure_reader_reads_everything(monkeypatch):
    expected = [_outcome(spec.read_text(), yaml_source._SpecLoader) for spec in EXAMPLE_SPECS]
    monkeypatch.setattr(yaml_source, "_CSpecLoader", None)
    found = [read_spec(spec) for spec in EXAMPLE_SPECS]
    assert [(repr(s.data), s.locations, s.key_locations) for s in found] == expected
    assert refusal("a: {b: 1}}\n").startswith("a.yaml:1:10: invalid YAML")


@needs_libyaml
@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_specs_stop_the_fast_path_early_too(name, monkeypatch):
    """Counted in work, not in seconds (a busy machine makes any time bound flaky).

    Which limit stops the fast path first is libyaml's business: since PyYAML 6.0.4 libyaml
    refuses deep flow collections itself, before layergen's depth limit. The promise is that
    it stops early, and that the user sees the reference reader's clean, located refusal."""
    events = _count_events(monkeypatch, yaml_source._CSpecLoader)
    with pytest.raises((ReadError, yaml.YAMLError)):
        yaml_source._read(HOSTILE[name], "a.yaml", yaml_source._CSpecLoader)
    # The limits stop the parser: at most one event per value allowed, plus their ends.
    assert events[0] <= 2 * MAX_NODES + 10
    assert re.fullmatch(r"a\.yaml:\d+:\d+: spec is (too large|nested too deeply): .*", refusal(HOSTILE[name]))


@needs_libyaml
@pytest.mark.parametrize("text", ["a: 1\na: 2\n", "a: [1\n", "a: !!python/object x\n", "a: b: c\n", "<<: {a: 1}\n", ""])
def test_a_problem_on_the_fast_path_is_reported_as_the_reference_reader_reports_it(text, monkeypatch):
    assert _outcome(text, yaml_source._CSpecLoader) == ("refused",)
    reported = refusal(text)
    monkeypatch.setattr(yaml_source, "_CSpecLoader", None)
    assert reported == refusal(text)


def test_the_control_character_pattern_is_unicodes_cc_and_cs_less_tab_and_line_breaks():
    import unicodedata

    refused = {c for c in map(chr, range(0x110000)) if CONTROL_OR_SURROGATE.fullmatch(c)}
    categories = {c for c in map(chr, range(0x110000)) if unicodedata.category(c) in ("Cc", "Cs")}
    assert refused == categories - {"\t", "\n", "\r"}


@needs_libyaml
def test_the_fast_path_agrees_on_every_latin_1_and_edge_character_in_every_place():
    """libyaml and PyYAML refuse and allow the same characters (its reader is C code)."""
    odd = [0xD7FF, 0xE000, 0xFFFD, 0xFFFE, 0xFFFF, 0x10000, 0x10FFFF, 0x1F600, 0xF8FF]
    places = ["a: x{}y\n", "a: '{}'\n", 'a: "{}"\n', "a: |\n  {}\n", "# {}\na: 1\n", "a{}: 1\n", "a: [x{}]\n"]
    for char in map(chr, [*range(0x100), *odd]):
        for place in places:
            _fast_path_agrees(place.format(char))

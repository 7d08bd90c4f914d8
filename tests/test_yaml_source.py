import time
import tracemalloc

import pytest

from layergen.errors import LayergenError
from layergen.yaml_source import MAX_SPEC_BYTES, parse_spec_text, read_spec


def test_values_keep_their_line_and_column():
    source = parse_spec_text("layer: A\nweights:\n  kernel:\n    shape: [input_dim, units]\n", "a.yaml")
    assert source.data == {"layer": "A", "weights": {"kernel": {"shape": ["input_dim", "units"]}}}
    assert source.locate(("weights", "kernel", "shape", 1)) == (4, 24)
    assert source.locate(("weights", "kernel"), key=True) == (3, 3)
    # A path below a known value falls back to its nearest parent.
    assert source.locate(("weights", "kernel", "shape", 1, "nope")) == (4, 24)


def test_scientific_notation_is_a_float():
    assert parse_spec_text("a: 1e-3\nb: 2.5E+2\n", "a.yaml").data == {"a": 0.001, "b": 250.0}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "a: !!python/object/apply:os.system [ls]\n",
            "a.yaml:1:4: a: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
        ),
        ("a: !!python/name:os.system x\n", "a.yaml:1:4: invalid YAML: could not determine a constructor"),
        ("a: [1, 2\nb: 3\n", "a.yaml:2:2: invalid YAML"),
        ("a: 1\na: 2\n", "a.yaml:2:1: a: duplicate key 'a'"),
        ("", "a.yaml:1:1: spec is empty"),
        ("base: &b {x: 1}\nc:\n  <<: *b\n", "a.yaml:3:3: c: YAML merge keys (<<) are not supported"),
    ],
)
def test_bad_yaml_is_one_located_line(text, expected):
    with pytest.raises(LayergenError) as caught:
        parse_spec_text(text, "a.yaml")
    assert str(caught.value).startswith(expected)
    assert "\n" not in str(caught.value)


def test_alias_bomb_stops_quickly():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]" for i in range(1, 9)]
    with pytest.raises(LayergenError, match="too large or too deep"):
        parse_spec_text("\n".join(lines) + "\n", "bomb.yaml")


def test_deep_nesting_is_refused():
    with pytest.raises(LayergenError, match="too large or too deep"):
        parse_spec_text("a: " + "[" * 200 + "]" * 200 + "\n", "deep.yaml")


def test_a_10_mb_spec_is_refused_quickly_without_reading_it_all(tmp_path):
    spec = tmp_path / "huge.yaml"
    spec.write_text("a: [" + "1, " * 3_500_000 + "1]\n")
    assert spec.stat().st_size > 10_000_000
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(LayergenError, match="is over 1,000,000 bytes"):
        read_spec(spec)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert time.perf_counter() - started < 1.0
    assert peak < 3 * MAX_SPEC_BYTES


def test_non_utf8_is_refused(tmp_path):
    spec = tmp_path / "latin1.yaml"
    spec.write_bytes("summary: caf\xe9\n".encode("latin-1"))
    with pytest.raises(LayergenError, match="not UTF-8"):
        read_spec(spec)


def test_a_character_yaml_refuses_is_located():
    with pytest.raises(LayergenError) as caught:
        parse_spec_text("layer: A\nsummary: a\x08b\n", "a.yaml")
    assert str(caught.value) == "a.yaml:2:11: invalid YAML: the character U+0008 is not allowed in YAML text"

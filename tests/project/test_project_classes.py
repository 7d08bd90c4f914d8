"""The project's classes come from a cache keyed by each spec's bytes: a changed spec is
read again, a damaged cache is rebuilt, and within one run each folder is read once."""

import hashlib

import pytest
from regen_support import LINEAR

from layergen.project import classes as pc
from layergen.project.classes import ProjectClass, project_classes, run_scope
from layergen.spec import source as yaml_source

INNER = LINEAR.replace("layer: LinearLayer", "layer: Inner")
EXPECTED = ProjectClass("Inner", "pkg.layers.inner", ("units", "kernel_initializer", "kernel_regularizer",
                                                      "kernel_constraint", "bias_initializer", "bias_regularizer",
                                                      "bias_constraint"))  # fmt: skip


@pytest.fixture
def parsed(tmp_path, monkeypatch):
    """The specs parsed as YAML (not found in the cache) during a test; a fresh cache and process."""
    monkeypatch.setenv("LAYERGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(pc, "_known", {})
    seen = []
    real = pc._read_one

    def counting(content):
        seen.append(content)
        return real(content)

    monkeypatch.setattr(pc, "_read_one", counting)
    return seen


@pytest.fixture
def specs(tmp_path):
    folder = tmp_path / "specs"
    folder.mkdir()
    (folder / "inner.yaml").write_text(INNER)
    (folder / "notes.yaml").write_text("just: notes\n")
    return folder


def fresh_process(monkeypatch):
    """What a new run starts with: nothing known in memory."""
    monkeypatch.setattr(pc, "_known", {})


def test_what_a_spec_defines_is_cached_by_its_bytes(specs, parsed, monkeypatch):
    assert project_classes(specs, "pkg.layers") == {"Inner": EXPECTED}
    assert len(parsed) == 2
    fresh_process(monkeypatch)
    assert project_classes(specs, "pkg.layers") == {"Inner": EXPECTED}
    assert len(parsed) == 2, "the second run found both specs in the cache file"
    assert project_classes(specs, "other.layers")["Inner"].module == "other.layers.inner"


def test_a_changed_spec_is_read_again(specs, parsed, monkeypatch):
    project_classes(specs, "pkg.layers")
    fresh_process(monkeypatch)
    (specs / "inner.yaml").write_text(INNER.replace("units:", "width:"))
    classes = project_classes(specs, "pkg.layers")
    assert classes["Inner"].params[0] == "width"
    assert len(parsed) == 3
    (specs / "inner.yaml").write_text(INNER.replace("layer: Inner", "layer: Renamed"))
    assert list(project_classes(specs, "pkg.layers")) == ["Renamed"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-5] + b"XXXXX",  # the body no longer matches its digest
        lambda data: b"",
        lambda data: b"\xff\xfe",
        lambda data: _signed(b'{"' + b"0" * 64 + b'": ["Inner", "not a list"]}'),  # matching digest, wrong shape
        lambda data: _signed(b"[1, 2]"),
        lambda data: _signed(b"{not json"),
    ],
)
def test_a_damaged_cache_is_rebuilt_never_trusted(specs, parsed, monkeypatch, damage):
    project_classes(specs, "pkg.layers")
    cache = pc._cache_file()
    cache.write_bytes(damage(cache.read_bytes()))
    fresh_process(monkeypatch)
    assert project_classes(specs, "pkg.layers") == {"Inner": EXPECTED}
    assert len(parsed) == 4, "both specs read again"
    assert pc._load_cache(), "and the cache written anew"


def test_a_lying_entry_under_another_digest_changes_nothing(specs, parsed, monkeypatch):
    """Entries are found by the digest of the spec's bytes: one for other bytes is never used."""
    project_classes(specs, "pkg.layers")
    fresh_process(monkeypatch)
    pc._cache_file().write_bytes(_signed(b'{"' + b"0" * 64 + b'": ["Fake", []]}'))
    assert project_classes(specs, "pkg.layers") == {"Inner": EXPECTED}


def test_within_a_run_each_folder_is_read_once(specs, parsed, monkeypatch):
    listed = []
    real = pc.read_definitions
    monkeypatch.setattr(pc, "read_definitions", lambda files: listed.append(len(files)) or real(files))
    with run_scope():
        first = project_classes(specs, "pkg.layers")
        first.clear()  # a caller's copy: changing it changes nothing for the next
        (specs / "other.yaml").write_text(INNER.replace("layer: Inner", "layer: Other"))
        assert project_classes(specs, "pkg.layers") == {"Inner": EXPECTED}
    assert listed == [2]
    assert set(project_classes(specs, "pkg.layers")) == {"Inner", "Other"}, "a new run sees the new spec"
    assert listed == [2, 3]


def _signed(body: bytes) -> bytes:
    return hashlib.sha256(body).hexdigest().encode() + b"\n" + body


BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n" + "".join(
    f"{chr(99 + i)}: &{chr(99 + i)} [{', '.join(['*' + chr(98 + i)] * 10)}]\n" for i in range(6)
)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("layer: Other\n" + BOMB, "spec is too large"),
        ("layer: Other\nx: " + "[" * 200 + "]" * 200 + "\n", "spec is nested too deeply"),
        ("layer: !!python/object/apply:os.system [true]\n", "YAML tag"),
        ("layer: Other\nsummary: " + "x" * 200_000 + "\n", "spec is over 100,000 bytes"),
        ('layer: "Other\\nimport os"\n', "layer: class name must be CamelCase"),
        ("layer: Other\narguments: {__init__: {type: int}}\n", "arguments.__init__: argument name '__init__'"),
        ("layer: Other\nweights: [kernel]\n", "weights: must be a mapping of names"),
    ],
)
def test_a_spec_is_read_within_the_readers_limits_and_its_names_checked(specs, parsed, text, reason):
    (specs / "other.yaml").write_text(text)
    index = pc.project_index(specs, "pkg.layers")
    assert list(index.classes) == ["Inner"]
    (broken,) = index.broken
    assert broken.path == specs / "other.yaml" and reason in broken.reason, broken.reason
    assert len(parsed) == (2 if "over 100,000 bytes" in reason else 3), "a spec over the size limit is never parsed"


def test_what_a_class_holds_and_a_random_layers_seed_are_read(specs, parsed, monkeypatch):
    outer = INNER.replace("layer: Inner", "layer: Outer").replace("call:", "random: true\ncall:")
    outer = outer.replace(
        "call:", "layers:\n  a: {class: Inner}\n  b: {class: keras.layers.Dense}\n  c: {class: Dense}\ncall:"
    )
    (specs / "outer.yaml").write_text(outer)
    for _ in range(2):  # read, then from the cache file
        outer_class = project_classes(specs, "pkg.layers")["Outer"]
        assert outer_class.holds == ("Inner", "Dense")
        assert outer_class.params[-1] == "seed"
        fresh_process(monkeypatch)
    assert len(parsed) == 3


@pytest.mark.skipif(yaml_source._CSpecLoader is None, reason="without libyaml every spec is read in Python")
def test_hostile_siblings_are_read_by_libyaml_and_never_again_for_a_message(specs, parsed, monkeypatch):
    """The pure-Python reader takes about a second for a spec near the size limit: a folder of
    specs made to fail late (or to need it: tabs, `?`) must not cost that each."""
    used = []
    real = yaml_source._SpecLoader
    monkeypatch.setattr(yaml_source, "_SpecLoader", lambda text: used.append(1) or real(text))
    late = "layer: Other\n# ? \t\n" + "".join(f"k{j}: v\n" for j in range(11_000))
    for index in range(5):
        (specs / f"hostile_{index}.yaml").write_text(late + f"# {index}\n")
    index = pc.project_index(specs, "pkg.layers")
    assert [b.reason for b in index.broken] == ["spec is too large: over 10,000 values; check for runaway aliases"] * 5
    assert used == []


def test_why_a_spec_defines_no_class_is_kept_short(specs, parsed):
    (specs / "other.yaml").write_text(f"layer: Other\narguments:\n  {'x' * 1000}-: {{type: int}}\n")
    (broken,) = pc.project_index(specs, "pkg.layers").broken
    assert broken.reason.startswith("arguments.xxx") and len(broken.reason) == pc.MAX_REASON_CHARS

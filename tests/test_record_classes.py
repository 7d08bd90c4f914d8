"""Record classes (`layergen.records`): what `dataclass` makes, cheaper to define."""

from __future__ import annotations

import pickle
from typing import ClassVar

import pytest

from layergen.records import FrozenInstanceError, as_dict, field, frozen_record, record, record_fields, replace


@frozen_record
class Point:
    x: int
    y: int = 0
    unit: ClassVar[str] = "px"  # not a field


@record
class Bag:
    name: str
    items: list[int] = field(default_factory=list)


@frozen_record(kw_only=True, order=True)
class Version:
    major: int
    minor: int = 0


def test_fields_come_from_annotations_in_order_with_defaults() -> None:
    assert record_fields(Point(1)) == ("x", "y")
    assert Point(1) == Point(1, 0) == Point(x=1)
    assert Point(1) != Point(1, 2)
    assert repr(Point(1, 2)) == "Point(x=1, y=2)"
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'x'"):
        Point()  # type: ignore[call-arg]
    assert record_fields(object()) == ()


def test_a_frozen_record_hashes_by_its_fields_and_refuses_assignment() -> None:
    assert hash(Point(1, 2)) == hash(Point(1, 2))
    assert len({Point(1), Point(1, 0), Point(2)}) == 2
    with pytest.raises(FrozenInstanceError, match="cannot assign to field 'x'"):
        Point(1).x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):  # as dataclasses.FrozenInstanceError is
        del Point(1).y  # type: ignore[misc]


def test_another_class_with_the_same_fields_is_not_equal() -> None:
    @frozen_record
    class Other:
        x: int
        y: int = 0

    assert Point(1) != Other(1)


def test_a_mutable_record_gives_each_instance_its_own_default_and_no_hash() -> None:
    first, second = Bag("a"), Bag("b")
    first.items.append(1)
    assert second.items == [] and first.items == [1]
    first.name = "c"
    assert first == Bag("c", [1])
    with pytest.raises(TypeError, match="unhashable"):
        hash(first)
    assert "items" not in Bag.__dict__, "no shared default is left on the class"


def test_keyword_only_and_ordered_records() -> None:
    with pytest.raises(TypeError, match="positional"):
        Version(1)  # type: ignore[misc]
    assert Version(major=1) < Version(major=1, minor=1) < Version(major=2)
    assert sorted([Version(major=2), Version(major=1, minor=5)]) == [Version(major=1, minor=5), Version(major=2)]
    assert Version(major=1).__lt__(Point(1)) is NotImplemented  # type: ignore[operator]


def test_replace_copies_with_changes_and_refuses_unknown_fields() -> None:
    point = Point(1, 2)
    assert replace(point, y=5) == Point(1, 5) and point == Point(1, 2)
    assert replace(Version(major=1), minor=3) == Version(major=1, minor=3)
    with pytest.raises(TypeError, match="Point has no field 'z'"):
        replace(point, z=1)


def test_as_dict_walks_records_lists_and_dicts() -> None:
    bag = Bag("a", [1])
    assert as_dict(bag) == {"name": "a", "items": [1]}
    assert as_dict({"p": [Point(1), (Point(2, 3),)]}) == {"p": [{"x": 1, "y": 0}, ({"x": 2, "y": 3},)]}


def test_records_pickle_as_they_are() -> None:
    """Records cross to the formatting process pickled (`FormatStyle`)."""
    assert pickle.loads(pickle.dumps(Point(1, 2))) == Point(1, 2)
    assert pickle.loads(pickle.dumps(Bag("a", [1]))) == Bag("a", [1])


def test_a_record_cannot_extend_a_record() -> None:
    """Its fields are its own annotations: the base's would be lost without a word."""
    with pytest.raises(TypeError, match="cannot extend another record class"):

        @frozen_record
        class Point3(Point):
            z: int = 0

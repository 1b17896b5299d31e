"""MapListAttribute reads exactly what PynamoDB's ListAttribute reads, preparing its element once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from trellis.dynamo import MapListAttribute


class Line(MapAttribute[str, Any]):
    label = UnicodeAttribute()
    note = UnicodeAttribute(null=True)
    amount = NumberAttribute(null=True)


class Lines(Model):
    class Meta:
        table_name = "lines"

    pk = UnicodeAttribute(hash_key=True)
    plain = ListAttribute[Line](of=Line, default=list)
    prepared = MapListAttribute[Line](of=Line, default=list)


def _as_dicts(lines: Sequence[Line | None]) -> list[dict[str, Any] | None]:
    return [line.as_dict() if line is not None else None for line in lines]


def test_it_reads_what_list_attribute_reads_and_writes_the_same() -> None:
    lines = [Line(label="a"), Line(label="b", note="n", amount=3), Line(label="c", amount=0)]
    serialized = Lines.plain.serialize(lines)
    assert Lines.prepared.serialize(lines) == serialized
    serialized.insert(1, {"NULL": True})
    plain, prepared = Lines.plain.deserialize(serialized), Lines.prepared.deserialize(serialized)
    assert _as_dicts(prepared) == _as_dicts(plain)
    assert prepared[1] is None
    assert all(isinstance(line, Line) for line in prepared if line is not None)


def test_each_read_gives_new_elements_and_an_empty_list_reads_as_empty() -> None:
    serialized = Lines.prepared.serialize([Line(label="a")])
    first, second = Lines.prepared.deserialize(serialized), Lines.prepared.deserialize(serialized)
    assert first[0] is not second[0]
    first[0].label = "changed"  # type: ignore[union-attr]
    assert second[0].label == "a"  # type: ignore[union-attr]
    assert Lines.prepared.deserialize([]) == []


def test_a_whole_item_reads_the_same_through_both_attributes() -> None:
    item = Lines(pk="p", plain=[Line(label="x", amount=1)], prepared=[Line(label="x", amount=1)])
    attributes = item.serialize()
    read = Lines.from_raw_data(attributes)
    assert _as_dicts(read.prepared) == _as_dicts(read.plain) == [{"label": "x", "amount": 1}]

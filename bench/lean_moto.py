"""moto's DynamoDB without its three costs that grow with the table, for benches that fill one.

moto (5.2) answers every call correctly but, beside what DynamoDB does, it:

- sorts *every item of the table* for each Query (``Table.all_items``), then keeps the query's
  partition (or, for an index, the items carrying its key): a Query costs O(N log N) in the table's
  size, so a run with one Query per user is quadratic in users;
- deep-copies *every table a transaction names, once per action*, before a TransactWriteItems, to
  roll back if it is cancelled: O(N) per transaction;
- keeps every ``Item`` it ever built in ``Item.instances_tracked`` (for its server's dashboard) -
  including each of those copies and each Query's copied results - so memory only grows: the
  notifications bench reached 5 GB at 500 users.

Inside ``lean_moto()`` a Query looks only at the items that can match its key condition (the
partition, or the items carrying the index's hash key value) and moto filters, sorts, pages and
limits them with its own code; a transaction saves only the items it names and puts them back if it
is cancelled; and ``Item`` instances are not tracked. What each call answers and what it reads and
writes is unchanged (the notifications bench gives the same counts with and without it); what is
gone is the time and memory DynamoDB itself would not spend.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_QUERY_INDEX_NAME = 7  # position of ``index_name`` in moto's Table.query(...)


class _Untracked(list[Any]):
    """A list that forgets what is appended: moto's instance registry, switched off."""

    def append(self, item: Any) -> None:
        return None


def _equal(present: Any, wanted: Any) -> bool:
    return present is not None and bool(present == wanted)  # moto's DynamoType cannot compare to None


def _candidates(table: Any, hash_key: Any, index_name: str | None,
                hash_key_conditions: list[tuple[str, Any]] | None) -> list[Any]:
    """The items a Query with this key condition can return, in no order (moto sorts them)."""
    if index_name is None:
        if hash_key is None:
            return list(table.all_items())
        partition = table.items.get(hash_key)  # .get: the items are a defaultdict
        if partition is None:
            return []
        return list(partition.values()) if table.range_key_attr else [partition]
    if not hash_key_conditions:
        return list(table.all_items())
    found = []
    for partition in table.items.values():
        for item in (partition.values() if table.range_key_attr else [partition]):
            if all(_equal(item.attrs.get(name), value) for name, value in hash_key_conditions):
                found.append(item)
    return found


def _item_key(table: Any, operation: dict[str, Any]) -> tuple[Any, Any] | None:
    from moto.dynamodb.models.dynamo_type import DynamoType

    key = operation.get("Key") or operation.get("Item")
    if not key or table.hash_key_attr not in key:
        return None
    range_value = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
    return DynamoType(key[table.hash_key_attr]), range_value


def _restore(table: Any, key: tuple[Any, Any], saved: Any) -> None:
    hash_value, range_value = key
    if table.range_key_attr:
        partition = table.items[hash_value]
        if saved is None:
            partition.pop(range_value, None)
            if not partition:
                del table.items[hash_value]
        else:
            partition[range_value] = saved
    elif saved is None:
        table.items.pop(hash_value, None)
    else:
        table.items[hash_value] = saved


@contextmanager
def lean_moto() -> Iterator[None]:
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.dynamo_type import Item
    from moto.dynamodb.models.table import Table

    query, transact = Table.query, DynamoDBBackend.transact_write_items
    tracked = Item.instances_tracked  # type: ignore[attr-defined]

    def lean_query(self: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = args[_QUERY_INDEX_NAME] if len(args) > _QUERY_INDEX_NAME else kwargs.get("index_name")
        items = _candidates(self, args[0], index_name, kwargs.get("hash_key_conditions"))
        self.all_items = lambda: items  # moto's query reads its candidates through all_items()
        try:
            return query(self, *args, **kwargs)
        finally:
            del self.all_items

    def lean_transact(self: Any, transact_items: list[dict[str, Any]]) -> None:
        saved = []
        for entry in transact_items:
            for operation in entry.values():
                table = self.tables.get(operation.get("TableName"))
                key = _item_key(table, operation) if table is not None else None
                if key is not None:
                    saved.append((table, key, copy.deepcopy(table.get_item(*key))))
        Table.__deepcopy__ = lambda table, memo: table  # type: ignore[attr-defined]  # moto's backup: none
        try:
            transact(self, transact_items)
        except Exception:
            for table, key, item in reversed(saved):
                _restore(table, key, item)
            raise
        finally:
            del Table.__deepcopy__  # type: ignore[attr-defined]

    Table.query = lean_query  # type: ignore[method-assign]
    DynamoDBBackend.transact_write_items = lean_transact  # type: ignore[method-assign]
    Item.instances_tracked = _Untracked()  # type: ignore[attr-defined]
    try:
        yield
    finally:
        Table.query, DynamoDBBackend.transact_write_items = query, transact  # type: ignore[method-assign]
        Item.instances_tracked = tracked  # type: ignore[attr-defined]


@contextmanager
def direct_fill() -> Iterator[None]:
    """PynamoDB batch writes put straight into moto's tables, for filling a bench's table fast.

    Inside it, ``Model.batch_write()`` hands each item PynamoDB serialised to moto's backend instead of
    sending a BatchWriteItem through botocore and moto's request parsing: the same items land in the
    same table, written several times faster. Only for the fill before a bench measures; what is
    measured (the handlers' own calls) goes through botocore as ever.
    """
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends
    from pynamodb.constants import PUT
    from pynamodb.models import BatchWrite

    commit = BatchWrite.commit

    def put_directly(self: Any) -> None:
        if any(operation["action"] != PUT for operation in self.pending_operations):
            return commit(self)  # deletes: PynamoDB's own way
        backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][os.environ["AWS_DEFAULT_REGION"]]
        for operation in self.pending_operations:
            backend.put_item(self.model.Meta.table_name, operation["item"].serialize())
        self.pending_operations = []
        return None

    BatchWrite.commit = put_directly  # type: ignore[method-assign]
    try:
        yield
    finally:
        BatchWrite.commit = commit  # type: ignore[method-assign]

"""The single-table base every service's PynamoDB models derive from.

Each service calls :func:`table_model` once to get its own base class (its own discriminator, so
entity names never collide across services). The table name is read from the validated settings
at first use, never at import time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import Any

from pynamodb.attributes import DiscriminatorAttribute, ListAttribute, MapAttribute, UnicodeAttribute
from pynamodb.connection import Connection, TableConnection
from pynamodb.constants import NULL
from pynamodb.exceptions import TransactWriteError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from trellis.errors import Conflict
from trellis.settings import get_settings

GSI1 = "gsi1"


class _TableNameFromSettings(type):
    """PynamoDB compares ``Meta.table_name`` on every call, so a property keeps it current."""

    @property
    def table_name(cls) -> str:
        return get_settings().table_name


class Gsi1(GlobalSecondaryIndex[Any]):
    class Meta:
        index_name = GSI1
        # The discriminator must be projected, or polymorphic queries on the index fail.
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class TableItem(Model):
    """Shape shared by every service table: pk/sk, the entity discriminator and one overloaded GSI."""

    class Meta(metaclass=_TableNameFromSettings):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)


def table_model(service: str) -> type[TableItem]:
    """A fresh base class for one service's table, with its own discriminator attribute."""

    class ServiceItem(TableItem):
        class Meta(metaclass=_TableNameFromSettings):
            pass

        entity = DiscriminatorAttribute()
        gsi1 = Gsi1()

        @classmethod
        def _get_connection(cls) -> TableConnection:
            # PynamoDB caches a connection (a botocore client) per class; every entity of the
            # table shares the base's, so a cold start creates one client per table, not per entity.
            if cls is not ServiceItem:
                return ServiceItem._get_connection()
            return super()._get_connection()

    ServiceItem.__name__ = ServiceItem.__qualname__ = f"{service.capitalize()}Item"
    return ServiceItem


class MapListAttribute[M: MapAttribute[Any, Any]](ListAttribute[M]):
    """A list of typed maps (``of=`` a MapAttribute class) that prepares its element attribute once.

    PynamoDB 6.1's ``ListAttribute.deserialize`` builds a new element attribute on every read, and for
    a MapAttribute element that deep-copies each of its attributes (``_make_attribute``), even when the
    list is empty. A list page of 25 partnerships spent about a sixth of its own time there. Reads
    are otherwise PynamoDB's: the same element attribute, named after the list position, deserializes
    each element; writes and conditions are unchanged.
    """

    @cached_property
    def _element(self) -> Any:
        element_type: Any = self.element_type
        element = element_type()
        element._make_attribute()
        return element

    def deserialize(self, values: Any) -> list[M | None]:
        if not values:
            return []
        element = self._element
        result: list[M | None] = []
        for index, value in enumerate(values):
            if NULL in value:
                result.append(None)
                continue
            element.attr_name = f"{self.attr_name}[{index}]" if self.attr_name else f"[{index}]"
            result.append(element.deserialize(element.get_value(value)))
        return result


def transaction(base: type[Model]) -> TransactWrite:
    """A TransactWrite on the cached connection of the service's table (no new client per call)."""
    connection: Connection = base._get_connection().connection
    return TransactWrite(connection=connection)


@contextmanager
def concurrent_change_is_a_conflict(what: str) -> Iterator[None]:
    """Turn a transaction cancelled by a concurrent writer into a 409 about ``what``.

    ConditionalCheckFailed: a version (or existence) check failed because someone wrote first.
    TransactionConflict: another transaction on the same item was in flight; DynamoDB cancels it.
    """
    try:
        yield
    except TransactWriteError as error:
        reasons = {reason.code for reason in error.cancellation_reasons or [] if reason}
        if reasons & {"ConditionalCheckFailed", "TransactionConflict"}:
            raise Conflict(f"{what} was changed by someone else; reload it and try again") from error
        raise

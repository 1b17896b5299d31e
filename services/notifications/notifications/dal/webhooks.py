"""Outbound webhook endpoints and deliveries. The only module that knows their keys."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from notifications.dal.tables import (
    NotificationsItem,
    Outbox,
    WebhookDeliveryItem,
    WebhookEndpointCountItem,
    WebhookEndpointItem,
)
from trellis.dynamo import transaction
from trellis.errors import Conflict
from trellis.events import EventEnvelope
from trellis.keys import org_key
from trellis.outbox import outbox_item

MAX_ENDPOINTS = 20
COUNT_SK = "LIMIT#"


class Stale(Exception):
    """The item changed since it was read (a concurrent attempt or change won); nothing was written."""


def endpoints_pk(organisation_id: str) -> str:
    return org_key(organisation_id, "WEBHOOKS")


def endpoint_sk(endpoint_id: str) -> str:
    return f"ENDPOINT#{endpoint_id}#"


def deliveries_pk(organisation_id: str, endpoint_id: str) -> str:
    return org_key(organisation_id, "WEBHOOK", endpoint_id)


def delivery_sk(delivery_id: str) -> str:
    return f"DELIVERY#{delivery_id}#"


def _codes(error: TransactWriteError) -> list[str | None]:
    return [reason.code if reason else None for reason in error.cancellation_reasons or []]


# ---------------------------------------------------------------- endpoints


def new_endpoint(organisation_id: str, endpoint_id: str, **fields: Any) -> WebhookEndpointItem:
    return WebhookEndpointItem(pk=endpoints_pk(organisation_id), sk=endpoint_sk(endpoint_id),
                               organisation_id=organisation_id, endpoint_id=endpoint_id, **fields)


def get_endpoint(organisation_id: str, endpoint_id: str) -> WebhookEndpointItem | None:
    try:
        item = WebhookEndpointItem.get(endpoints_pk(organisation_id), endpoint_sk(endpoint_id))
    except WebhookEndpointItem.DoesNotExist:
        return None
    return item if isinstance(item, WebhookEndpointItem) else None


def endpoints(organisation_id: str) -> list[WebhookEndpointItem]:
    """All of an organisation's endpoints (at most MAX_ENDPOINTS: one page), oldest first."""
    found = WebhookEndpointItem.query(endpoints_pk(organisation_id),
                                      WebhookEndpointItem.sk.startswith("ENDPOINT#"))
    return [item for item in found if isinstance(item, WebhookEndpointItem)]


def create_endpoint(item: WebhookEndpointItem, envelope: EventEnvelope) -> None:
    count = WebhookEndpointCountItem(pk=item.pk, sk=COUNT_SK)
    try:
        with transaction(NotificationsItem) as write:
            write.save(item, condition=WebhookEndpointItem.pk.does_not_exist())
            write.update(count, actions=[WebhookEndpointCountItem.endpoints.add(1),
                                         WebhookEndpointCountItem.entity.set(WebhookEndpointCountItem)],
                         condition=(WebhookEndpointCountItem.endpoints.does_not_exist()
                                    | (WebhookEndpointCountItem.endpoints < MAX_ENDPOINTS)))
            write.save(outbox_item(Outbox, envelope))
    except TransactWriteError as error:
        codes = _codes(error)
        # PynamoDB sends puts before updates: the endpoint, the outbox item, then the count.
        if codes[2:3] == ["ConditionalCheckFailed"]:
            raise Conflict(f"an organisation has at most {MAX_ENDPOINTS} webhook endpoints; delete one first",
                           field="url") from error
        if "TransactionConflict" in codes:
            raise Conflict("the webhook endpoints changed meanwhile; try again") from error
        raise


def change_endpoint(item: WebhookEndpointItem, actions: Sequence[Action], envelope: EventEnvelope | None,
                    *, condition: Condition | None = None) -> None:
    """Apply ``actions`` if the endpoint is still the version read (and ``condition`` holds), with its event.

    Raises Stale otherwise.
    """
    guard = WebhookEndpointItem.version == item.version
    if condition is not None:
        guard &= condition
    try:
        with transaction(NotificationsItem) as write:
            write.update(item, actions=[*actions, WebhookEndpointItem.version.add(1)], condition=guard)
            if envelope is not None:
                write.save(outbox_item(Outbox, envelope))
    except TransactWriteError as error:
        if {"ConditionalCheckFailed", "TransactionConflict"} & set(_codes(error)):
            raise Stale from error
        raise


def delete_endpoint(item: WebhookEndpointItem, envelope: EventEnvelope) -> None:
    try:
        with transaction(NotificationsItem) as write:
            write.delete(item, condition=WebhookEndpointItem.pk.exists())
            write.update(WebhookEndpointCountItem(pk=item.pk, sk=COUNT_SK),
                         actions=[WebhookEndpointCountItem.endpoints.add(-1)],
                         condition=WebhookEndpointCountItem.endpoints > 0)
            write.save(outbox_item(Outbox, envelope))
    except TransactWriteError as error:
        if {"ConditionalCheckFailed", "TransactionConflict"} & set(_codes(error)):
            raise Stale from error
        raise


# ---------------------------------------------------------------- deliveries


def new_delivery(organisation_id: str, endpoint_id: str, delivery_id: str,
                 **fields: Any) -> WebhookDeliveryItem:
    return WebhookDeliveryItem(pk=deliveries_pk(organisation_id, endpoint_id), sk=delivery_sk(delivery_id),
                               organisation_id=organisation_id, endpoint_id=endpoint_id,
                               delivery_id=delivery_id, **fields)


def add_deliveries(items: Sequence[WebhookDeliveryItem]) -> list[WebhookDeliveryItem]:
    """Write the deliveries that do not exist yet, in one transaction; returns the existing ones' items.

    A redelivered event finds its deliveries written: the transaction is cancelled naming them, they
    are read (one BatchGetItem) and only the missing ones are written.
    """
    pending = list(items)
    existing: list[WebhookDeliveryItem] = []
    while pending:
        try:
            with transaction(NotificationsItem) as write:
                for item in pending:
                    write.save(item, condition=WebhookDeliveryItem.pk.does_not_exist())
            return existing
        except TransactWriteError as error:
            codes = _codes(error)
            if not codes or set(codes) - {"ConditionalCheckFailed", "None", None}:
                raise
            there = {(item.pk, item.sk) for item, code in zip(pending, codes, strict=False)
                     if code == "ConditionalCheckFailed"}
            if not there:
                raise
            existing += [found for found in NotificationsItem.batch_get(list(there))
                         if isinstance(found, WebhookDeliveryItem)]
            pending = [item for item in pending if (item.pk, item.sk) not in there]
    return existing


def get_attempt(organisation_id: str, endpoint_id: str,
                delivery_id: str) -> tuple[WebhookDeliveryItem | None, WebhookEndpointItem | None]:
    """A delivery and its endpoint, in one BatchGetItem."""
    delivery, endpoint = None, None
    keys = [(deliveries_pk(organisation_id, endpoint_id), delivery_sk(delivery_id)),
            (endpoints_pk(organisation_id), endpoint_sk(endpoint_id))]
    for item in NotificationsItem.batch_get(keys):
        if isinstance(item, WebhookDeliveryItem):
            delivery = item
        elif isinstance(item, WebhookEndpointItem):
            endpoint = item
    return delivery, endpoint


def record_attempt(delivery: WebhookDeliveryItem, actions: Sequence[Action],
                   endpoint: WebhookEndpointItem | None, endpoint_actions: Sequence[Action]) -> None:
    """Record attempt number ``delivery.attempts`` (and the endpoint's failure count) unless someone did.

    Raises Stale when another worker recorded this attempt first (an SQS redelivery).
    """
    guard = (WebhookDeliveryItem.attempts == delivery.attempts) & (WebhookDeliveryItem.status == "pending")
    try:
        with transaction(NotificationsItem) as write:
            write.update(delivery, actions=list(actions), condition=guard)
            if endpoint is not None and endpoint_actions:
                write.update(endpoint, actions=list(endpoint_actions),
                             condition=WebhookEndpointItem.pk.exists())
    except TransactWriteError as error:
        codes = _codes(error)
        if codes[:1] == ["ConditionalCheckFailed"]:
            raise Stale from error
        if codes[1:2] == ["ConditionalCheckFailed"]:
            # the endpoint was deleted meanwhile: record the attempt alone
            try:
                delivery.update(actions=list(actions), condition=guard)
            except UpdateError as again:
                if again.cause_response_code == "ConditionalCheckFailedException":
                    raise Stale from again
                raise
            return
        raise


def delivery_page(organisation_id: str, endpoint_id: str, *, limit: int,
                  start: dict[str, Any] | None) -> tuple[list[WebhookDeliveryItem], Any]:
    result = WebhookDeliveryItem.query(
        deliveries_pk(organisation_id, endpoint_id), WebhookDeliveryItem.sk.startswith("DELIVERY#"),
        scan_index_forward=False, limit=limit, last_evaluated_key=start,
    )
    items = [item for item in result if isinstance(item, WebhookDeliveryItem)]
    return items, result.last_evaluated_key


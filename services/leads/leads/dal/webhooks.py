"""Inbound webhook settings, delivery records and the external ids that link deals to CRM records.
The only module that knows their keys."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from pynamodb.exceptions import PutError
from pynamodb.transactions import TransactWrite

from leads.dal.tables import (
    DealExternalIdsItem,
    DeliveryItem,
    ExternalIdItem,
    LeadsItem,
    Outbox,
    WebhookConfigItem,
)
from trellis.dynamo import concurrent_change_is_a_conflict, transaction
from trellis.events import EventEnvelope
from trellis.keys import key, org_key
from trellis.outbox import outbox_item

DELIVERY_SK = "DELIVERY#"
EXTERNAL_SK = "EXTERNAL#"
DEAL_IDS_SK = "DEALEXTERNALIDS#"
BATCH_GET = 100


class AlreadyDelivered(Exception):
    pass


# ---------------------------------------------------------------- settings


def config_pk(organisation_id: str) -> str:
    return org_key(organisation_id, "WEBHOOK")


def config_sk(system: str) -> str:
    return key("WEBHOOK", system)


def get_config(organisation_id: str, system: str) -> WebhookConfigItem | None:
    try:
        return WebhookConfigItem.get(config_pk(organisation_id), config_sk(system), consistent_read=True)
    except WebhookConfigItem.DoesNotExist:
        return None


def configs(organisation_id: str) -> list[WebhookConfigItem]:
    return [item for item in LeadsItem.query(config_pk(organisation_id), consistent_read=True)
            if isinstance(item, WebhookConfigItem)]


def new_config(organisation_id: str, system: str, **fields: Any) -> WebhookConfigItem:
    return WebhookConfigItem(config_pk(organisation_id), config_sk(system), organisation_id=organisation_id,
                             system=system, **fields)


def save_config(item: WebhookConfigItem, *, previous_version: int | None, envelope: EventEnvelope) -> None:
    with concurrent_change_is_a_conflict("the webhook settings"), transaction(LeadsItem) as batch:
        batch.save(item, condition=WebhookConfigItem.pk.does_not_exist() if previous_version is None
                   else WebhookConfigItem.version == previous_version)
        batch.save(outbox_item(Outbox, envelope))


def remove_config(item: WebhookConfigItem, envelope: EventEnvelope) -> None:
    with concurrent_change_is_a_conflict("the webhook settings"), transaction(LeadsItem) as batch:
        batch.delete(WebhookConfigItem(item.pk, item.sk), condition=WebhookConfigItem.version == item.version)
        batch.save(outbox_item(Outbox, envelope))


# ---------------------------------------------------------------- deliveries


def delivery_key(system: str, delivery_id: str) -> str:
    """A fixed-length key for a sender's delivery id (any printable text, up to 256 characters)."""
    return hashlib.sha256(f"{system}\n{delivery_id}".encode()).hexdigest()[:40]


def delivery_pk(organisation_id: str, system: str, delivery_id: str) -> str:
    return org_key(organisation_id, "DELIVERY", delivery_key(system, delivery_id))


def delivery(organisation_id: str, system: str, delivery_id: str, *, received_at: datetime,
             expires_at: datetime, **fields: Any) -> DeliveryItem:
    pk = delivery_pk(organisation_id, system, delivery_id)
    return DeliveryItem(
        pk, DELIVERY_SK, gsi1pk=org_key(organisation_id, "DELIVERY"),
        gsi1sk=f"{received_at.isoformat()}#{delivery_key(system, delivery_id)}",
        organisation_id=organisation_id, system=system, delivery_id=delivery_id, received_at=received_at,
        expires_at=expires_at, **fields,
    )


def delivered(organisation_id: str, system: str, delivery_ids: Sequence[str]) -> dict[str, DeliveryItem]:
    """The deliveries among these ids that were recorded before, by delivery id."""
    found: dict[str, DeliveryItem] = {}
    ids = list(dict.fromkeys(delivery_ids))
    for start in range(0, len(ids), BATCH_GET):
        chunk = ids[start:start + BATCH_GET]
        keys = [(delivery_pk(organisation_id, system, one), DELIVERY_SK) for one in chunk]
        for item in DeliveryItem.batch_get(keys, consistent_read=True):
            found[item.delivery_id] = item
    return found


def record_in(batch: TransactWrite, item: DeliveryItem) -> None:
    batch.save(item, condition=DeliveryItem.pk.does_not_exist())


def record(item: DeliveryItem) -> None:
    """A delivery that changed nothing else (ignored, rejected, stale); AlreadyDelivered if seen before."""
    try:
        item.save(condition=DeliveryItem.pk.does_not_exist())
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise AlreadyDelivered() from error
        raise


def delivery_page(
    organisation_id: str, *, limit: int, start: dict[str, Any] | None,
) -> tuple[list[DeliveryItem], Any]:
    result = DeliveryItem.gsi1.query(org_key(organisation_id, "DELIVERY"), scan_index_forward=False,
                                     limit=limit, last_evaluated_key=start)
    return [item for item in result if isinstance(item, DeliveryItem)], result.last_evaluated_key


# ---------------------------------------------------------------- external ids


def external_pk(organisation_id: str, system: str, external_id: str) -> str:
    return org_key(organisation_id, "EXTERNAL", system, external_id)


def deal_ids_pk(organisation_id: str, deal_id: str) -> str:
    return org_key(organisation_id, "EXTERNAL", "DEAL", deal_id)


def get_external(organisation_id: str, system: str, external_id: str) -> ExternalIdItem | None:
    try:
        return ExternalIdItem.get(external_pk(organisation_id, system, external_id), EXTERNAL_SK,
                                  consistent_read=True)
    except ExternalIdItem.DoesNotExist:
        return None


def externals(organisation_id: str, pairs: Iterable[tuple[str, str]]) -> list[ExternalIdItem]:
    keys = [(external_pk(organisation_id, system, external_id), EXTERNAL_SK) for system, external_id in pairs]
    return list(ExternalIdItem.batch_get(keys, consistent_read=True)) if keys else []


def get_deal_ids(organisation_id: str, deal_id: str) -> DealExternalIdsItem | None:
    try:
        return DealExternalIdsItem.get(deal_ids_pk(organisation_id, deal_id), DEAL_IDS_SK,
                                       consistent_read=True)
    except DealExternalIdsItem.DoesNotExist:
        return None


def pairs_of(item: DealExternalIdsItem | None) -> list[tuple[str, str]]:
    if item is None:
        return []
    return [(entry["system"], entry["external_id"]) for entry in json.loads(item.external_ids)]


def set_deal_ids(
    organisation_id: str, deal_id: str, *, wanted: Sequence[tuple[str, str]],
    added: Iterable[tuple[str, str]], removed: Iterable[tuple[str, str]],
    previous: DealExternalIdsItem | None, now: datetime, envelope: EventEnvelope,
) -> None:
    """Link the new ids (only if no other deal holds them), unlink the removed ones, keep the deal's list."""
    with concurrent_change_is_a_conflict("the deal's external ids"), transaction(LeadsItem) as batch:
        for system, external_id in added:
            batch.save(ExternalIdItem(
                external_pk(organisation_id, system, external_id), EXTERNAL_SK,
                organisation_id=organisation_id, system=system, external_id=external_id, deal_id=deal_id,
                field_times="{}", linked_at=now, version=1,
            ), condition=ExternalIdItem.pk.does_not_exist())
        for system, external_id in removed:
            batch.delete(ExternalIdItem(external_pk(organisation_id, system, external_id), EXTERNAL_SK),
                         condition=ExternalIdItem.deal_id == deal_id)
        batch.save(DealExternalIdsItem(
            deal_ids_pk(organisation_id, deal_id), DEAL_IDS_SK, organisation_id=organisation_id,
            deal_id=deal_id,
            external_ids=json.dumps([{"system": system, "external_id": one} for system, one in wanted]),
            updated_at=now, version=(previous.version + 1) if previous else 1,
        ), condition=DealExternalIdsItem.pk.does_not_exist() if previous is None
            else DealExternalIdsItem.version == previous.version)
        batch.save(outbox_item(Outbox, envelope))


def advance(batch: TransactWrite, mapping: ExternalIdItem, field_times: dict[str, int]) -> None:
    """The newest change applied per field moves forward, unless the link changed since it was read."""
    batch.update(ExternalIdItem(mapping.pk, EXTERNAL_SK), actions=[
        ExternalIdItem.field_times.set(json.dumps(field_times, sort_keys=True)),
        ExternalIdItem.version.set(mapping.version + 1),
    ], condition=ExternalIdItem.version == mapping.version)


def record_with(item: DeliveryItem, mapping: ExternalIdItem, field_times: dict[str, int]) -> None:
    """A delivery that changed no deal field but moved the link's field times (both or neither)."""
    with concurrent_change_is_a_conflict("the deal's external link"), transaction(LeadsItem) as batch:
        record_in(batch, item)
        advance(batch, mapping, field_times)

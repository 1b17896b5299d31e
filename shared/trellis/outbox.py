"""The transactional outbox: an event is an item written in the same transaction as the state it reports.

The table stream carries the new outbox item to the publisher (``trellis.publisher``); the item
holds the EventBridge entry ready to send (source, detail-type, detail), so the publisher needs
neither the catalogue nor PynamoDB. It expires by TTL once it has had time to be published.
"""

from __future__ import annotations

from datetime import timedelta

from pynamodb.attributes import TTLAttribute, UnicodeAttribute

from trellis.dynamo import TableItem
from trellis.events import EventEnvelope
from trellis.keys import OUTBOX_ENTITY, org_key
from trellis.settings import get_settings


def outbox_model(base: type[TableItem]) -> type[TableItem]:
    """The outbox item class of one service's table."""

    class OutboxItem(base, discriminator=OUTBOX_ENTITY):  # type: ignore[valid-type,misc,call-arg]
        source = UnicodeAttribute()
        detail_type = UnicodeAttribute()
        detail = UnicodeAttribute()
        expires_at = TTLAttribute()

    OutboxItem.__qualname__ = f"{base.__name__}.Outbox"
    return OutboxItem


def outbox_item(model: type[TableItem], envelope: EventEnvelope) -> TableItem:
    # Imported on the first event, not with the module: the catalogue loads every area's event models
    # (~15 % of an API handler's cold import), which a container that only reads never needs.
    from trellis.events.catalogue import CATALOGUE

    ttl = timedelta(days=get_settings().outbox_ttl_days)
    return model(
        pk=org_key(envelope.tenant_id, "OUTBOX", envelope.id),
        sk="OUTBOX#",
        source=CATALOGUE[envelope.type].source,
        detail_type=envelope.type,
        detail=envelope.model_dump_json(),
        expires_at=envelope.occurred_at + ttl,
    )

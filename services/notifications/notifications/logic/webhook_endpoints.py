"""An organisation's outbound webhook endpoints: its admins register, change, rotate, enable and delete
them, and read their delivery logs.

- Only the organisation's admins (``admin`` of a vendor, ``partner_admin`` of a partner company) see or
  change them; another organisation's endpoint is 404, like one that does not exist.
- The URL must be https on a public address (``outbound_http``), checked when it is registered or
  changed (422 on ``url``) and again at every delivery.
- The signing secret is drawn by Trellis and shown once, when the endpoint is created or the secret
  rotated; it is kept sealed. After a rotation the previous secret keeps signing alongside the new one
  for ``ROTATION_GRACE``, so a receiver can switch without missing a delivery.
- Each change writes its event (``trellis.events.webhooks``) in the same transaction; never a secret.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from notifications.dal import webhooks as dal
from notifications.dal.tables import WebhookDeliveryItem, WebhookEndpointItem
from notifications.logic import outbound_http, webhook_secrets
from notifications.logic.catalog import WEBHOOK_EVENT_TYPES
from notifications.models import (
    OutboundWebhookDelivery,
    WebhookEndpoint,
    WebhookEndpointCreate,
    WebhookEndpointList,
    WebhookEndpointUpdate,
    WebhookEndpointWithSecret,
    WebhookEventType,
    WebhookEventTypeList,
)
from trellis.errors import Conflict, NotFound, ValidationFailed
from trellis.events import Actor, EventEnvelope
from trellis.events.envelope import EventData
from trellis.events.webhooks import (
    WebhookEndpointCreated,
    WebhookEndpointDeleted,
    WebhookEndpointEnabled,
    WebhookEndpointSecretRotated,
    WebhookEndpointUpdated,
)
from trellis.keys import new_id
from trellis.pagination import Page, decode_cursor, encode_cursor
from trellis.principal import Principal, Role
from trellis.standard_webhooks import new_secret

MANAGERS = frozenset({Role.ADMIN, Role.PARTNER_ADMIN})
ROTATION_GRACE = timedelta(hours=24)
DELIVERY_LISTING = "webhook-deliveries"


def _manager(principal: Principal) -> str:
    principal.require_any(MANAGERS)
    return principal.organisation_id


def _endpoint(organisation_id: str, endpoint_id: str) -> WebhookEndpointItem:
    item = dal.get_endpoint(organisation_id, endpoint_id)
    if item is None:
        raise NotFound("no such webhook endpoint")
    return item


def _checked(url: str) -> outbound_http.Destination:
    try:
        return outbound_http.check(url)
    except outbound_http.Refused as refused:
        raise ValidationFailed(str(refused), field="url") from refused


def _event(principal: Principal, data: EventData, now: datetime) -> EventEnvelope:
    return EventEnvelope.new(data, tenant_id=principal.organisation_id, actor=Actor.of(principal),
                             occurred_at=now)


def _view(item: WebhookEndpointItem, now: datetime | None = None) -> WebhookEndpoint:
    now = now or datetime.now(UTC)
    previous = item.previous_valid_until if item.previous_sealed_secret else None
    return WebhookEndpoint(
        id=item.endpoint_id, url=item.url, event_types=list(item.event_types or []),
        description=item.description,
        enabled=bool(item.enabled), disabled_at=item.disabled_at, disabled_reason=item.disabled_reason,
        consecutive_failures=int(item.consecutive_failures), secret_hint=item.secret_hint,
        previous_secret_valid_until=previous if previous and previous > now else None,
        created_at=item.created_at, updated_at=item.updated_at,
    )


def _owner(item: WebhookEndpointItem) -> dict[str, str]:
    return {"organisation_id": item.organisation_id, "endpoint_id": item.endpoint_id}


# ---------------------------------------------------------------- endpoints


def event_types(principal: Principal) -> WebhookEventTypeList:
    _manager(principal)
    return WebhookEventTypeList(items=[WebhookEventType(type=name, description=text)
                                       for name, text in WEBHOOK_EVENT_TYPES.items()])


def create_endpoint(principal: Principal, request: WebhookEndpointCreate) -> WebhookEndpointWithSecret:
    org = _manager(principal)
    destination = _checked(request.url)
    now = datetime.now(UTC)
    endpoint_id = new_id()
    secret = new_secret()
    item = dal.new_endpoint(
        org, endpoint_id, url=request.url, host=destination.host, event_types=list(request.event_types),
        description=request.description or None,
        sealed_secret=webhook_secrets.seal(secret, organisation_id=org, endpoint_id=endpoint_id),
        secret_hint=webhook_secrets.hint(secret), enabled=True, consecutive_failures=0, version=1,
        created_at=now, updated_at=now,
    )
    envelope = _event(principal, WebhookEndpointCreated(
        organisation_id=org, endpoint_id=endpoint_id, host=destination.host,
        event_types=list(request.event_types)), now)
    dal.create_endpoint(item, envelope)
    return WebhookEndpointWithSecret(**_view(item, now).model_dump(), secret=secret)


def list_endpoints(principal: Principal) -> WebhookEndpointList:
    org = _manager(principal)
    now = datetime.now(UTC)
    return WebhookEndpointList(items=[_view(item, now) for item in dal.endpoints(org)])


def get_endpoint(principal: Principal, endpoint_id: str) -> WebhookEndpoint:
    return _view(_endpoint(_manager(principal), endpoint_id))


def _change(item: WebhookEndpointItem, actions: list[Any], envelope: EventEnvelope, **condition: Any) -> None:
    try:
        dal.change_endpoint(item, actions, envelope, **condition)
    except dal.Stale as stale:
        raise Conflict("the webhook endpoint was changed meanwhile; reload it and try again") from stale


def update_endpoint(principal: Principal, endpoint_id: str,
                    request: WebhookEndpointUpdate) -> WebhookEndpoint:
    org = _manager(principal)
    item = _endpoint(org, endpoint_id)
    now = datetime.now(UTC)
    fields = request.model_fields_set
    model = WebhookEndpointItem
    actions: list[Any] = []
    changed: list[Any] = []
    if "url" in fields and request.url is not None and request.url != item.url:
        destination = _checked(request.url)
        actions += [model.url.set(request.url), model.host.set(destination.host)]
        item.url, item.host = request.url, destination.host
        changed.append("url")
    wanted = request.event_types
    if "event_types" in fields and wanted is not None and wanted != list(item.event_types or []):
        actions.append(model.event_types.set(list(wanted)))
        item.event_types = list(wanted)
        changed.append("event_types")
    if "description" in fields and (request.description or None) != item.description:
        description = request.description or None
        actions.append(model.description.set(description) if description else model.description.remove())
        item.description = description
        changed.append("description")
    if not changed:
        return _view(item, now)
    actions.append(model.updated_at.set(now))
    item.updated_at = now
    envelope = _event(principal, WebhookEndpointUpdated(
        **_owner(item), host=item.host, event_types=list(item.event_types), changed=changed), now)
    _change(item, actions, envelope)
    return _view(item, now)


def delete_endpoint(principal: Principal, endpoint_id: str) -> None:
    org = _manager(principal)
    item = _endpoint(org, endpoint_id)
    envelope = _event(principal, WebhookEndpointDeleted(**_owner(item)), datetime.now(UTC))
    try:
        dal.delete_endpoint(item, envelope)
    except dal.Stale as stale:
        raise NotFound("no such webhook endpoint") from stale


def rotate_secret(principal: Principal, endpoint_id: str) -> WebhookEndpointWithSecret:
    """A new secret, shown in this answer only; the current one keeps signing alongside for 24 hours
    (one that was still in its grace period from an earlier rotation stops now)."""
    org = _manager(principal)
    item = _endpoint(org, endpoint_id)
    now = datetime.now(UTC)
    secret = new_secret()
    until = now + ROTATION_GRACE
    model = WebhookEndpointItem
    sealed = webhook_secrets.seal(secret, **_owner(item))
    actions = [model.sealed_secret.set(sealed), model.secret_hint.set(webhook_secrets.hint(secret)),
               model.previous_sealed_secret.set(item.sealed_secret), model.previous_valid_until.set(until),
               model.updated_at.set(now)]
    rotated = WebhookEndpointSecretRotated(**_owner(item), previous_valid_until=until)
    envelope = _event(principal, rotated, now)
    _change(item, actions, envelope)
    item.previous_sealed_secret, item.previous_valid_until = item.sealed_secret, until
    item.sealed_secret, item.secret_hint, item.updated_at = sealed, webhook_secrets.hint(secret), now
    return WebhookEndpointWithSecret(**_view(item, now).model_dump(), secret=secret)


def enable_endpoint(principal: Principal, endpoint_id: str) -> WebhookEndpoint:
    """Turn a disabled endpoint back on with a clean failure count; an enabled one is left as it is."""
    org = _manager(principal)
    item = _endpoint(org, endpoint_id)
    if item.enabled:
        return _view(item)
    now = datetime.now(UTC)
    model = WebhookEndpointItem
    actions = [model.enabled.set(True), model.disabled_at.remove(), model.disabled_reason.remove(),
               model.consecutive_failures.set(0), model.updated_at.set(now)]
    _change(item, actions, _event(principal, WebhookEndpointEnabled(**_owner(item)), now))
    item.enabled, item.disabled_at, item.disabled_reason = True, None, None
    item.consecutive_failures, item.updated_at = 0, now
    return _view(item, now)


# ---------------------------------------------------------------- the delivery log


def _delivery_view(item: WebhookDeliveryItem) -> OutboundWebhookDelivery:
    return OutboundWebhookDelivery(
        id=item.delivery_id, event_type=item.event_type, event_id=item.event_id,
        status=item.status,  # type: ignore[arg-type]
        attempts=int(item.attempts),
        last_status_code=int(item.last_status_code) if item.last_status_code is not None else None,
        last_error=item.last_error, last_attempt_at=item.last_attempt_at,
        next_attempt_at=item.next_attempt_at,
        created_at=item.created_at,
    )


def list_deliveries(principal: Principal, endpoint_id: str, *, limit: int,
                    cursor: str | None) -> Page[OutboundWebhookDelivery]:
    org = _manager(principal)
    tenant = f"{org}/{endpoint_id}"
    start = decode_cursor(cursor, tenant_id=tenant, listing=DELIVERY_LISTING)
    _endpoint(org, endpoint_id)
    items, last_key = dal.delivery_page(org, endpoint_id, limit=limit, start=start)
    return Page[OutboundWebhookDelivery](
        items=[_delivery_view(item) for item in items],
        next_cursor=encode_cursor(last_key, tenant_id=tenant, listing=DELIVERY_LISTING),
    )

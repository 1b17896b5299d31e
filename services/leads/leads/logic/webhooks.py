"""Inbound CRM webhooks: an organisation's CRM tells Trellis about changes of the deals it owns.

- Settings, per organisation and system (its admins): HubSpot (the app's client secret, the HubSpot
  account whose events count, which stages mean won or lost) and a generic Standard Webhooks endpoint
  (Trellis draws the ``whsec_`` secret and shows it once). Secrets are kept sealed (logic.service_keys);
  after a rotation the previous secret keeps working for a grace period the admin chooses (0 to 72 hours).
- External ids: the deal's owner links a deal to CRM records (``system`` + ``external_id``); an
  inbound event naming a linked record changes that deal through ``deals.update_deal`` — the same checks
  and events as a person's change — as a system actor of the owner organisation.
- Every authenticated event is kept as a delivery with its outcome: ``applied``, ``unchanged``,
  ``stale`` (an older change than one applied already, per field: CRMs deliver out of order),
  ``ignored`` (unknown record, unhandled event type or property, another HubSpot account) or
  ``rejected`` (a value Trellis refuses, with the reason). A delivery seen before is a no-op
  (``duplicate``). The delivery record is written in the deal change's own transaction.

Answers: a bad or stale signature is 401 and nothing is written (a forged request must not be able to
fill the table); a body that is not JSON, too big or not shaped like the system's payload is 4xx and
nothing is written; otherwise 200 with each event's outcome. A deal changed by someone else at the same
moment is 409: the sender retries, and the events handled already come back as duplicates.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pydantic import TypeAdapter, ValidationError
from pynamodb.transactions import TransactWrite

from leads.dal import deals as deals_dal
from leads.dal import webhooks as dal
from leads.dal.tables import DeliveryItem, ExternalIdItem, WebhookConfigItem
from leads.logic import access
from leads.logic import deals as deal_logic
from leads.logic.service_keys import SealBroken, seal, unseal
from leads.logic.webhook_signatures import (
    HUBSPOT_SIGNATURE,
    HUBSPOT_TIMESTAMP,
    SECRET_PREFIX,
    WEBHOOK_ID,
    WEBHOOK_SIGNATURE,
    WEBHOOK_TIMESTAMP,
    secret_key,
    verify_hubspot,
    verify_standard,
)
from leads.models import (
    DealExternalIds,
    DealExternalIdsUpdate,
    DealUpdate,
    DeliveryResult,
    ExternalId,
    GenericDealChange,
    GenericWebhookEvent,
    GenericWebhookSecret,
    HubSpotEvent,
    HubSpotWebhookSettings,
    WebhookDelivery,
    WebhookReceipt,
    WebhookSettings,
    WebhookSettingsList,
    WebhookSystem,
)
from trellis.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    Unauthorized,
    ValidationFailed,
)
from trellis.events import Actor, EventEnvelope
from trellis.events.crm_webhooks import CrmWebhookChanged, DealExternalIdsSet, ExternalIdRef
from trellis.pagination import Page, decode_cursor, encode_cursor
from trellis.principal import Principal, Role

MAX_BODY_BYTES = 256 * 1024
MAX_HUBSPOT_EVENTS = 100  # HubSpot sends at most 100 events per request
DELIVERY_RETENTION = timedelta(days=30)  # longer than any sender retries (HubSpot: a day, Svix: ~3 days)
MAX_GRACE_HOURS = 72
MANAGERS = frozenset({Role.ADMIN, Role.PARTNER_ADMIN})
HUBSPOT_FIELDS = {"dealstage": "status", "amount": "amount", "closedate": "close_date", "dealname": "name",
                  "deal_currency_code": "currency"}
_HUBSPOT_EVENTS = TypeAdapter(list[HubSpotEvent])


@dataclass(frozen=True)
class InboundRequest:
    """An inbound webhook request as it arrived: the URL it was sent to, its headers (lower-case) and body."""

    method: str
    uri: str
    headers: Mapping[str, str]
    body: bytes


# ---------------------------------------------------------------- settings


def _manager(principal: Principal) -> str:
    principal.require_any(MANAGERS)
    return principal.organisation_id


def _context(organisation_id: str, system: str) -> str:
    return f"{organisation_id}/{system}"


def _hint(secret: str) -> str:
    return f"{SECRET_PREFIX if secret.startswith(SECRET_PREFIX) else ''}…{secret[-4:]}"


def _view(item: WebhookConfigItem) -> WebhookSettings:
    return WebhookSettings(
        system=item.system,  # type: ignore[arg-type]
        endpoint_path=f"/webhooks/{item.system}/{item.organisation_id}", secret_hint=item.secret_hint,
        previous_secret_valid_until=item.previous_valid_until if item.previous_sealed_secret else None,
        portal_id=int(item.portal_id) if item.portal_id is not None else None, endpoint_url=item.endpoint_url,
        closed_won_stages=list(item.closed_won_stages or []),
        closed_lost_stages=list(item.closed_lost_stages or []), created_at=item.created_at,
        updated_at=item.updated_at,
    )


def _changed(principal: Principal, system: WebhookSystem, change: str, now: datetime) -> EventEnvelope:
    org = principal.organisation_id
    return EventEnvelope.new(CrmWebhookChanged(organisation_id=org, system=system, change=change),  # type: ignore[arg-type]
                             tenant_id=org, actor=Actor.of(principal), occurred_at=now)


def _rotated(current: WebhookConfigItem | None, new_secret: str, grace_hours: int, now: datetime,
             context: str) -> dict[str, Any]:
    """The previous secret keeps working for the grace period when the secret changes."""
    if current is None:
        return {"previous_sealed_secret": None, "previous_valid_until": None}  # nosec B105 # no previous secret
    if unseal(current.sealed_secret, context=context) == new_secret:
        return {"previous_sealed_secret": current.previous_sealed_secret,
                "previous_valid_until": current.previous_valid_until}
    if grace_hours == 0:
        return {"previous_sealed_secret": None, "previous_valid_until": None}  # nosec B105 # no previous secret
    return {"previous_sealed_secret": current.sealed_secret,
            "previous_valid_until": now + timedelta(hours=grace_hours)}


def list_settings(principal: Principal) -> WebhookSettingsList:
    return WebhookSettingsList(items=[_view(item) for item in dal.configs(_manager(principal))])


def configure_hubspot(
    principal: Principal, request: HubSpotWebhookSettings, *, grace_hours: int,
) -> WebhookSettings:
    org = _manager(principal)
    current = dal.get_config(org, "hubspot")
    now = datetime.now(UTC)
    secret = request.client_secret.get_secret_value()
    context = _context(org, "hubspot")
    item = dal.new_config(
        org, "hubspot", sealed_secret=seal(secret, context=context), secret_hint=_hint(secret),
        **_rotated(current, secret, grace_hours, now, context), portal_id=request.portal_id,
        endpoint_url=request.endpoint_url, closed_won_stages=list(request.closed_won_stages),
        closed_lost_stages=list(request.closed_lost_stages),
        created_at=current.created_at if current else now, updated_at=now,
        version=(current.version + 1) if current else 1,
    )
    dal.save_config(item, previous_version=int(current.version) if current else None,
                    envelope=_changed(principal, "hubspot", "configured", now))
    return _view(item)


def rotate_generic_secret(principal: Principal, *, grace_hours: int) -> GenericWebhookSecret:
    """A new signing secret for the generic endpoint, shown in this answer only."""
    org = _manager(principal)
    current = dal.get_config(org, "generic")
    now = datetime.now(UTC)
    secret = SECRET_PREFIX + base64.b64encode(os.urandom(32)).decode()
    context = _context(org, "generic")
    item = dal.new_config(
        org, "generic", sealed_secret=seal(secret, context=context), secret_hint=_hint(secret),
        **_rotated(current, secret, grace_hours, now, context),
        created_at=current.created_at if current else now, updated_at=now,
        version=(current.version + 1) if current else 1,
    )
    change = "secret_rotated" if current else "configured"
    dal.save_config(item, previous_version=int(current.version) if current else None,
                    envelope=_changed(principal, "generic", change, now))
    return GenericWebhookSecret(**_view(item).model_dump(), secret=secret)


def remove_settings(principal: Principal, system: WebhookSystem) -> None:
    org = _manager(principal)
    current = dal.get_config(org, system)
    if current is None:
        raise NotFound(f"no {system} webhook is set up")
    dal.remove_config(current, _changed(principal, system, "removed", datetime.now(UTC)))


def _delivery_view(item: DeliveryItem) -> WebhookDelivery:
    return WebhookDelivery(
        id=item.delivery_id, system=item.system, event_type=item.event_type,  # type: ignore[arg-type]
        external_id=item.external_id, deal_id=item.deal_id, outcome=item.outcome,  # type: ignore[arg-type]
        detail=item.detail, received_at=item.received_at,
    )


def list_deliveries(principal: Principal, *, limit: int, cursor: str | None) -> Page[WebhookDelivery]:
    org = _manager(principal)
    listing = "webhook-deliveries"
    start = decode_cursor(cursor, tenant_id=org, listing=listing)
    items, last_key = dal.delivery_page(org, limit=limit, start=start)
    return Page[WebhookDelivery](items=[_delivery_view(item) for item in items],
                                 next_cursor=encode_cursor(last_key, tenant_id=org, listing=listing))


# ---------------------------------------------------------------- external ids


def _deal(principal: Principal, deal_id: str, *, write: bool) -> tuple[str, str]:
    """The deal's owner (the caller's organisation) and program; another party's deal is 403, others' 404."""
    org = access.writer(principal) if write else access.reader(principal)
    item = deals_dal.get_copy(org, deal_id)
    if item is None:
        raise NotFound("no such deal")
    record = deals_dal.record_of(item)
    if record.owner_organisation_id != org:
        raise Forbidden("only the deal's owner company links it to its CRM")
    return org, record.vendor_organisation_id


def get_external_ids(principal: Principal, deal_id: str) -> DealExternalIds:
    org, _program = _deal(principal, deal_id, write=False)
    pairs = dal.pairs_of(dal.get_deal_ids(org, deal_id))
    return DealExternalIds(deal_id=deal_id,
                           external_ids=[ExternalId(system=s, external_id=e) for s, e in pairs])


def put_external_ids(principal: Principal, deal_id: str, request: DealExternalIdsUpdate) -> DealExternalIds:
    org, program = _deal(principal, deal_id, write=True)
    previous = dal.get_deal_ids(org, deal_id)
    before = dal.pairs_of(previous)
    wanted = [(one.system, one.external_id) for one in request.external_ids]
    added = [pair for pair in wanted if pair not in before]
    removed = [pair for pair in before if pair not in wanted]
    taken = [item for item in dal.externals(org, added) if item.deal_id != deal_id]
    if taken:
        names = ", ".join(sorted(f"{item.system}:{item.external_id}" for item in taken))
        raise Conflict(f"already linked to another deal: {names}; unlink it there first",
                       field="external_ids")
    now = datetime.now(UTC)
    if added or removed or previous is None:
        envelope = EventEnvelope.new(DealExternalIdsSet(
            deal_id=deal_id, owner_organisation_id=org,
            external_ids=[ExternalIdRef(system=s, external_id=e) for s, e in wanted],
        ), tenant_id=program, actor=Actor.of(principal), occurred_at=now)
        dal.set_deal_ids(org, deal_id, wanted=wanted, added=added, removed=removed, previous=previous,
                         now=now, envelope=envelope)
    return DealExternalIds(deal_id=deal_id, external_ids=list(request.external_ids))


# ---------------------------------------------------------------- inbound


def _system_principal(organisation_id: str, system: str) -> Principal:
    # Acts as the organisation's admin on whichever side it stands (vendor or partner company).
    return Principal(user_id=f"webhook-{system}", organisation_id=organisation_id,
                     roles=frozenset({Role.ADMIN, Role.PARTNER_ADMIN}), system=True)


def _config(organisation_id: str, system: str) -> WebhookConfigItem:
    config = dal.get_config(organisation_id, system)
    if config is None:
        raise NotFound(f"no {system} webhook is set up here")
    return config


def _secrets(config: WebhookConfigItem, now: datetime) -> list[str]:
    context = _context(config.organisation_id, config.system)
    sealed = [config.sealed_secret]
    if config.previous_sealed_secret and config.previous_valid_until and config.previous_valid_until > now:
        sealed.append(config.previous_sealed_secret)
    try:
        return [unseal(value, context=context) for value in sealed]
    except SealBroken as error:
        # the service key changed under the stored secrets: nobody can be authenticated until re-keyed
        raise Unauthorized("the webhook's secret must be set again") from error


def _size(body: bytes) -> None:
    if len(body) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"the body is larger than {MAX_BODY_BYTES // 1024} KiB", field="body")


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError as error:
        raise BadRequest("the body is not valid JSON", field="body") from error


def _problems(error: ValidationError, prefix: str = "") -> list[dict[str, Any]]:
    return [{"field": ".".join([prefix, *(str(part) for part in item["loc"])]).strip(".") or "body",
             "message": item["msg"]} for item in error.errors()]


def _reason(error: ValidationError) -> str:
    return "; ".join(f"{problem['field']}: {problem['message']}" for problem in _problems(error))


def _duplicate(delivery_id: str, seen: DeliveryItem | None = None) -> DeliveryResult:
    return DeliveryResult(id=delivery_id, outcome="duplicate", deal_id=seen.deal_id if seen else None,
                          detail=f"delivered before ({seen.outcome})" if seen else "delivered before")


def _kept(item: DeliveryItem) -> DeliveryResult:
    """Record a delivery that changes nothing else."""
    try:
        dal.record(item)
    except dal.AlreadyDelivered:
        return _duplicate(item.delivery_id)
    return DeliveryResult(id=item.delivery_id, outcome=item.outcome, deal_id=item.deal_id,  # type: ignore[arg-type]
                          detail=item.detail)


@dataclass(frozen=True)
class _Delivery:
    organisation_id: str
    webhook: str  # which endpoint received it: hubspot | generic
    delivery_id: str
    event_type: str
    now: datetime

    def item(self, outcome: str, *, external: str | None = None, deal_id: str | None = None,
             detail: str | None = None) -> DeliveryItem:
        return dal.delivery(self.organisation_id, self.webhook, self.delivery_id, received_at=self.now,
                            expires_at=self.now + DELIVERY_RETENTION, event_type=self.event_type[:100],
                            external_id=external, deal_id=deal_id, outcome=outcome,
                            detail=detail[:1000] if detail else None)


def _apply(delivery: _Delivery, *, system: str, external_id: str, changes: dict[str, Any],
           occurred_ms: int) -> DeliveryResult:
    """Apply the changes a CRM reports for one of its records to the deal linked to it, if any."""
    org = delivery.organisation_id
    external = f"{system}:{external_id}"
    mapping: ExternalIdItem | None = dal.get_external(org, system, external_id)
    if mapping is None:
        return _kept(delivery.item("ignored", external=external, detail=f"no deal is linked to {external}"))
    deal_id = mapping.deal_id
    times: dict[str, int] = json.loads(mapping.field_times or "{}")
    fresh = {field: value for field, value in changes.items() if times.get(field, -1) < occurred_ms}
    if not fresh:
        return _kept(delivery.item("stale", external=external, deal_id=deal_id,
                                   detail="a newer change of these fields was applied already"))
    advanced = {**times, **dict.fromkeys(fresh, occurred_ms)}
    try:
        update = DealUpdate.model_validate(fresh)
    except ValidationError as error:
        return _kept(delivery.item("rejected", external=external, deal_id=deal_id, detail=_reason(error)))
    item = delivery.item("applied", external=external, deal_id=deal_id,
                         detail="fields: " + ", ".join(sorted(fresh)))
    written = []

    def also(batch: TransactWrite) -> None:
        written.append(True)
        dal.record_in(batch, item)
        dal.advance(batch, mapping, advanced)

    try:
        deal_logic.update_deal(_system_principal(org, delivery.webhook), deal_id, update, also=also)
    except (NotFound, Forbidden, ValidationFailed) as error:
        return _kept(delivery.item("rejected", external=external, deal_id=deal_id, detail=error.detail))
    if not written:
        item.outcome, item.detail = "unchanged", "the deal has these values already"
        dal.record_with(item, mapping, advanced)
    return DeliveryResult(id=item.delivery_id, outcome=item.outcome, deal_id=deal_id,  # type: ignore[arg-type]
                          detail=item.detail)


# ---- generic (Standard Webhooks)


def receive_generic(organisation_id: str, request: InboundRequest) -> WebhookReceipt:
    _size(request.body)
    config = _config(organisation_id, "generic")
    now = datetime.now(UTC)
    headers = request.headers
    try:
        keys = [secret_key(secret) for secret in _secrets(config, now)]
    except ValueError as error:  # pragma: no cover - Trellis draws these secrets itself
        raise Unauthorized("the webhook's secret must be set again") from error
    webhook_id = verify_standard(keys, webhook_id=headers.get(WEBHOOK_ID),
                                 timestamp=headers.get(WEBHOOK_TIMESTAMP),
                                 signature=headers.get(WEBHOOK_SIGNATURE), body=request.body, now=now)
    try:
        event = GenericWebhookEvent.model_validate(_json(request.body))
    except ValidationError as error:
        raise ValidationFailed("the body is not a Standard Webhooks payload",
                               errors=_problems(error)) from error
    seen = dal.delivered(organisation_id, "generic", [webhook_id])
    if webhook_id in seen:
        return WebhookReceipt(deliveries=[_duplicate(webhook_id, seen[webhook_id])])
    delivery = _Delivery(organisation_id, "generic", webhook_id, event.type, now)
    if event.type != "deal.updated":
        ignored = delivery.item("ignored", detail=f"{event.type} events are not handled")
        return WebhookReceipt(deliveries=[_kept(ignored)])
    try:
        change = GenericDealChange.model_validate(event.data)
    except ValidationError as error:
        raw = event.data.get("external_id")
        return WebhookReceipt(deliveries=[_kept(delivery.item(
            "rejected", external=str(raw)[:200] if raw is not None else None, detail=_reason(error)))])
    occurred = event.timestamp or now
    if occurred.tzinfo is None:
        occurred = occurred.replace(tzinfo=UTC)  # Standard Webhooks timestamps are UTC
    sent_at = int(occurred.timestamp() * 1000)
    fields = {name: getattr(change, name) for name in change.model_fields_set
              if name not in ("system", "external_id")}
    return WebhookReceipt(deliveries=[_apply(delivery, system=change.system, external_id=change.external_id,
                                             changes=fields, occurred_ms=sent_at)])


# ---- HubSpot


def _hubspot_id(event: HubSpotEvent) -> str:
    # HubSpot's eventId alone is not guaranteed unique; a retry repeats all of these (attemptNumber aside).
    return ":".join(str(part) for part in (event.portal_id, event.subscription_id, event.event_id,
                                            event.object_id, event.property_name or "-", event.occurred_at))


def _hubspot_value(field: str, value: str | None, config: WebhookConfigItem) -> Any:
    text = (value or "").strip()
    if field == "status":
        if not text:
            raise ValueError("the deal stage is empty")
        if text in (config.closed_won_stages or []):
            return "closed_won"
        return "closed_lost" if text in (config.closed_lost_stages or []) else "open"
    if field == "close_date" and text.isdigit():
        return datetime.fromtimestamp(int(text) / 1000, tz=UTC).date()
    if field == "close_date" and text:
        return date.fromisoformat(text[:10])
    if field in ("amount", "close_date") and not text:
        return None  # emptied in HubSpot: cleared here
    return text.upper() if field == "currency" else text


def _hubspot_event(config: WebhookConfigItem, event: HubSpotEvent, delivery: _Delivery) -> DeliveryResult:
    external = f"hubspot:{event.object_id}"
    if event.portal_id != config.portal_id:
        return _kept(delivery.item("ignored", external=external,
                                   detail=f"events of HubSpot account {event.portal_id} are not taken here"))
    if event.subscription_type != "deal.propertyChange":
        return _kept(delivery.item("ignored", external=external,
                                   detail=f"{event.subscription_type} events are not handled"))
    field = HUBSPOT_FIELDS.get(event.property_name or "")
    if field is None:
        return _kept(delivery.item("ignored", external=external,
                                   detail=f"the deal property {event.property_name} is not kept in Trellis"))
    try:
        value = _hubspot_value(field, event.property_value, config)
    except (ValueError, OverflowError, OSError) as error:
        return _kept(delivery.item("rejected", external=external, detail=f"{event.property_name}: {error}"))
    return _apply(delivery, system="hubspot", external_id=str(event.object_id), changes={field: value},
                  occurred_ms=event.occurred_at)


def receive_hubspot(organisation_id: str, request: InboundRequest) -> WebhookReceipt:
    _size(request.body)
    config = _config(organisation_id, "hubspot")
    now = datetime.now(UTC)
    verify_hubspot(_secrets(config, now), method=request.method, uri=config.endpoint_url or request.uri,
                   body=request.body, signature=request.headers.get(HUBSPOT_SIGNATURE),
                   timestamp=request.headers.get(HUBSPOT_TIMESTAMP), now=now)
    payload = _json(request.body)
    if not isinstance(payload, list) or not 1 <= len(payload) <= MAX_HUBSPOT_EVENTS:
        raise ValidationFailed(f"the body must be a list of 1 to {MAX_HUBSPOT_EVENTS} HubSpot events",
                               field="body")
    try:
        events = _HUBSPOT_EVENTS.validate_python(payload)
    except ValidationError as error:
        raise ValidationFailed("the body has events HubSpot would not send",
                               errors=_problems(error)) from error
    ids = [_hubspot_id(event) for event in events]
    seen = dal.delivered(organisation_id, "hubspot", ids)
    results: list[DeliveryResult] = []
    handled: set[str] = set()
    for event, delivery_id in zip(events, ids, strict=True):
        if delivery_id in seen or delivery_id in handled:
            results.append(_duplicate(delivery_id, seen.get(delivery_id)))
            continue
        handled.add(delivery_id)
        delivery = _Delivery(organisation_id, "hubspot", delivery_id,
                             f"{event.subscription_type}:{event.property_name or ''}".rstrip(":"), now)
        results.append(_hubspot_event(config, event, delivery))
    return WebhookReceipt(deliveries=results)

"""HTTP routes for inbound CRM webhooks: their settings, deliveries and deal external ids (signed in), and
the inbound endpoints themselves (public: the signature is the credential)."""

from __future__ import annotations

import base64
import binascii
from http import HTTPStatus
from typing import Annotated, Literal, cast

from aws_lambda_powertools.event_handler.api_gateway import Response, Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from leads.logic import webhooks as logic
from leads.models import (
    DealExternalIds,
    DealExternalIdsUpdate,
    GenericWebhookSecret,
    HubSpotWebhookSettings,
    WebhookDelivery,
    WebhookReceipt,
    WebhookSettings,
    WebhookSettingsList,
)
from trellis.api import created, current_principal
from trellis.errors import BadRequest
from trellis.fields import EntityId
from trellis.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page

router = Router()
TAGS = ["CRM webhooks"]
OrganisationId = Annotated[EntityId, Path()]
Grace = Annotated[int, Query(ge=0, le=logic.MAX_GRACE_HOURS,
                             description="hours the previous secret keeps working after a change")]


@router.get("/webhook-settings", summary="My organisation's inbound CRM webhooks (admins; never the secrets)",
            tags=TAGS)
def list_settings() -> WebhookSettingsList:
    return logic.list_settings(current_principal(router))


@router.put("/webhook-settings/hubspot", summary="Set up inbound HubSpot webhooks (admins)", tags=TAGS)
def configure_hubspot(request: HubSpotWebhookSettings,
                      previous_secret_valid_hours: Grace = 0) -> WebhookSettings:
    principal = current_principal(router)
    return logic.configure_hubspot(principal, request, grace_hours=previous_secret_valid_hours)


@router.post("/webhook-settings/generic/secret",
             summary="Draw a new signing secret for the generic webhook (admins; shown this once)", tags=TAGS)
def rotate_generic_secret(previous_secret_valid_hours: Grace = 24) -> Response[GenericWebhookSecret]:
    principal = current_principal(router)
    return created(logic.rotate_generic_secret(principal, grace_hours=previous_secret_valid_hours))


@router.delete("/webhook-settings/<system>", summary="Turn an inbound webhook off (admins)", tags=TAGS)
def remove_settings(system: Annotated[Literal["hubspot", "generic"], Path()]) -> Response[None]:
    logic.remove_settings(current_principal(router), system)
    return Response(status_code=HTTPStatus.NO_CONTENT)


@router.get("/webhook-deliveries",
            summary="Inbound webhook events and what became of each, newest first (admins)", tags=TAGS)
def list_deliveries(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Page[WebhookDelivery]:
    return logic.list_deliveries(current_principal(router), limit=limit, cursor=cursor)


@router.get("/deals/<deal_id>/external-ids", summary="The CRM records my deal is linked to (owner)",
            tags=TAGS)
def get_external_ids(deal_id: Annotated[EntityId, Path()]) -> DealExternalIds:
    return logic.get_external_ids(current_principal(router), deal_id)


@router.put("/deals/<deal_id>/external-ids", summary="Link my deal to CRM records (owner; replaces the list)",
            tags=TAGS)
def put_external_ids(deal_id: Annotated[EntityId, Path()], request: DealExternalIdsUpdate) -> DealExternalIds:
    return logic.put_external_ids(current_principal(router), deal_id, request)


def _inbound() -> logic.InboundRequest:
    """The request as it was signed: the URL called (API Gateway's domain, raw path and query), raw body."""
    event = cast(APIGatewayProxyEventV2, router.current_event)
    raw = event.body or ""
    try:
        body = base64.b64decode(raw, validate=True) if event.is_base64_encoded else raw.encode()
    except binascii.Error as error:
        raise BadRequest("the body is not valid base64", field="body") from error
    headers = {name.lower(): value for name, value in (event.headers or {}).items()}
    domain = event.request_context.domain_name or headers.get("host", "")
    query = event.raw_query_string
    uri = f"https://{domain}{event.raw_path}" + (f"?{query}" if query else "")
    return logic.InboundRequest(method=event.request_context.http.method, uri=uri, headers=headers, body=body)


@router.post("/webhooks/hubspot/<organisation_id>",
             summary="Inbound HubSpot webhook (public: its X-HubSpot-Signature-v3 is the credential)",
             tags=TAGS)
def hubspot_webhook(organisation_id: OrganisationId) -> WebhookReceipt:
    return logic.receive_hubspot(organisation_id, _inbound())


@router.post("/webhooks/generic/<organisation_id>",
             summary="Inbound Standard Webhooks delivery (public: the webhook-signature is the credential)",
             tags=TAGS)
def generic_webhook(organisation_id: OrganisationId) -> WebhookReceipt:
    return logic.receive_generic(organisation_id, _inbound())

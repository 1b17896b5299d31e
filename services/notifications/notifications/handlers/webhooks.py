"""HTTP routes for the organisation's outbound webhook endpoints and their delivery logs (its admins)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Response, Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from notifications.logic import webhook_endpoints as logic
from notifications.models import (
    OutboundWebhookDelivery,
    WebhookEndpoint,
    WebhookEndpointCreate,
    WebhookEndpointId,
    WebhookEndpointList,
    WebhookEndpointUpdate,
    WebhookEndpointWithSecret,
    WebhookEventTypeList,
)
from trellis.api import created, current_principal
from trellis.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page

router = Router()
TAGS = ["webhooks"]
EndpointId = Annotated[WebhookEndpointId, Path()]


@router.get("/webhooks/event-types", summary="The event types a webhook endpoint can subscribe to", tags=TAGS)
def event_types() -> WebhookEventTypeList:
    return logic.event_types(current_principal(router))


@router.post("/webhooks/endpoints",
             summary="Register a webhook endpoint (admins; its signing secret is shown in this answer only)",
             tags=TAGS)
def create_endpoint(request: WebhookEndpointCreate) -> Response[WebhookEndpointWithSecret]:
    return created(logic.create_endpoint(current_principal(router), request))


@router.get("/webhooks/endpoints", summary="My organisation's webhook endpoints (admins; never the secrets)",
            tags=TAGS)
def list_endpoints() -> WebhookEndpointList:
    return logic.list_endpoints(current_principal(router))


@router.get("/webhooks/endpoints/<endpoint_id>", summary="One webhook endpoint (admins)", tags=TAGS)
def get_endpoint(endpoint_id: EndpointId) -> WebhookEndpoint:
    return logic.get_endpoint(current_principal(router), endpoint_id)


@router.patch("/webhooks/endpoints/<endpoint_id>",
              summary="Change a webhook endpoint's URL, event types or description (admins)", tags=TAGS)
def update_endpoint(endpoint_id: EndpointId, request: WebhookEndpointUpdate) -> WebhookEndpoint:
    return logic.update_endpoint(current_principal(router), endpoint_id, request)


@router.delete("/webhooks/endpoints/<endpoint_id>", summary="Delete a webhook endpoint (admins)", tags=TAGS)
def delete_endpoint(endpoint_id: EndpointId) -> Response[None]:
    logic.delete_endpoint(current_principal(router), endpoint_id)
    return Response(status_code=HTTPStatus.NO_CONTENT)


@router.post("/webhooks/endpoints/<endpoint_id>/rotate-secret",
             summary="Draw a new signing secret (admins; shown once; the old one signs alongside for 24 h)",
             tags=TAGS)
def rotate_secret(endpoint_id: EndpointId) -> WebhookEndpointWithSecret:
    return logic.rotate_secret(current_principal(router), endpoint_id)


@router.post("/webhooks/endpoints/<endpoint_id>/enable",
             summary="Turn a disabled webhook endpoint back on (admins; resets its failure count)", tags=TAGS)
def enable_endpoint(endpoint_id: EndpointId) -> WebhookEndpoint:
    return logic.enable_endpoint(current_principal(router), endpoint_id)


@router.get("/webhooks/endpoints/<endpoint_id>/deliveries",
            summary="A webhook endpoint's deliveries and their attempts, newest first (admins)", tags=TAGS)
def list_deliveries(
    endpoint_id: EndpointId,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Page[OutboundWebhookDelivery]:
    return logic.list_deliveries(current_principal(router), endpoint_id, limit=limit, cursor=cursor)

"""HTTP routes for leads, deal registration and the vendor's lead settings."""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.api_gateway import Response, Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from leads.logic import leads as logic
from leads.models import (
    MAX_SUGGESTIONS,
    Lead,
    LeadAssignees,
    LeadCreate,
    LeadDecline,
    LeadSend,
    LeadSettings,
    LeadTab,
    RegistrationDecision,
    RoutingSuggestions,
)
from trellis.api import created, current_principal
from trellis.fields import EntityId
from trellis.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page

router = Router()
LeadId = Annotated[EntityId, Path()]
TAGS = ["leads"]


@router.post("/leads", summary="Submit a lead (vendor, partner, or distributor for a reseller)", tags=TAGS)
def create_lead(request: LeadCreate) -> Response[Lead]:
    return created(logic.create_lead(current_principal(router), request))


@router.get("/leads", summary="My organisation's leads in one tab, newest first", tags=TAGS)
def list_leads(
    tab: Annotated[LeadTab, Query()] = "received",
    status: Annotated[Literal["not_sent", "sent", "accepted", "declined"] | None, Query()] = None,
    distributor_id: Annotated[EntityId | None, Query(description="leads through this distributor")] = None,
    assigned_to_me: Annotated[bool, Query()] = False,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Page[Lead]:
    return logic.list_leads(current_principal(router), tab=tab, status=status, distributor_id=distributor_id,
                            assigned_to_me=assigned_to_me, limit=limit, cursor=cursor)


@router.get("/leads/<lead_id>", summary="A lead as my organisation sees it", tags=TAGS)
def get_lead(lead_id: LeadId) -> Lead:
    return logic.get_lead(current_principal(router), lead_id)


@router.post("/leads/<lead_id>/send", summary="Send a vendor's lead (not sent or declined) to a partner",
             tags=TAGS)
def send_lead(lead_id: LeadId, request: LeadSend) -> Lead:
    return logic.send_lead(current_principal(router), lead_id, request)


@router.post("/leads/<lead_id>/accept", summary="Accept a received lead: a deal owned by my organisation",
             tags=TAGS)
def accept_lead(lead_id: LeadId) -> Lead:
    return logic.accept_lead(current_principal(router), lead_id)


@router.post("/leads/<lead_id>/decline", summary="Decline a received lead, with the reason", tags=TAGS)
def decline_lead(lead_id: LeadId, request: LeadDecline) -> Lead:
    return logic.decline_lead(current_principal(router), lead_id, request)


@router.put("/leads/<lead_id>/assignees", summary="My organisation's users working the lead", tags=TAGS)
def assign_lead(lead_id: LeadId, request: LeadAssignees) -> Lead:
    return logic.assign_lead(current_principal(router), lead_id, request)


@router.put("/leads/<lead_id>/registration", summary="Resolve a deal registration (vendor)", tags=TAGS)
def resolve_registration(lead_id: LeadId, request: RegistrationDecision) -> Lead:
    return logic.resolve_registration(current_principal(router), lead_id, request)


@router.get("/leads/<lead_id>/suggestions", summary="Partners for my lead, ranked by ICP fit", tags=TAGS)
def suggest_partners(
    lead_id: LeadId, limit: Annotated[int, Query(ge=1, le=MAX_SUGGESTIONS)] = 10,
) -> RoutingSuggestions:
    return logic.suggest_partners(current_principal(router), lead_id, limit)


@router.get("/lead-settings", summary="My program's lead rules (registration window)", tags=TAGS)
def get_settings() -> LeadSettings:
    return logic.get_settings(current_principal(router))


@router.put("/lead-settings", summary="Change my program's lead rules", tags=TAGS)
def put_settings(request: LeadSettings) -> LeadSettings:
    return logic.put_settings(current_principal(router), request)

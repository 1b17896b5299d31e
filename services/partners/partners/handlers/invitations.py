"""HTTP routes for invitations: teammates, partner contacts, and accepting one (public)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from partners.logic import invitations as logic
from partners.models import (
    EntityId,
    Invitation,
    InvitationAccept,
    Membership,
    PartnerInvitationCreate,
    TeammateInvitationCreate,
)
from trellis.api import created, current_principal
from trellis.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page

router = Router()

InvitationId = Annotated[EntityId, Path(description="The invitation's id")]
PartnershipId = Annotated[EntityId, Path(description="The partnership's id")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
Cursor = Annotated[str | None, Query(max_length=2048)]
TAGS = ["invitations"]


def _no_content() -> Response[None]:
    return Response(status_code=HTTPStatus.NO_CONTENT)


@router.post("/organisation/invitations", summary="Invite a teammate (admins)", tags=TAGS)
def invite_teammate(body: TeammateInvitationCreate) -> Response[Invitation]:
    return created(logic.invite_teammate(current_principal(router), body))


@router.get("/organisation/invitations", summary="The organisation's teammate invitations, newest first",
            tags=TAGS)
def list_teammate_invitations(limit: Limit = DEFAULT_PAGE_SIZE, cursor: Cursor = None) -> Page[Invitation]:
    return logic.list_teammate_invitations(current_principal(router), limit=limit, cursor=cursor)


@router.post("/organisation/invitations/<invitation_id>/resend",
             summary="Resend a teammate invitation: a new token, the old one dead, a new expiry", tags=TAGS)
def resend_teammate_invitation(invitation_id: InvitationId) -> Invitation:
    return logic.resend_teammate_invitation(current_principal(router), invitation_id)


@router.delete("/organisation/invitations/<invitation_id>", summary="Revoke a teammate invitation", tags=TAGS)
def revoke_teammate_invitation(invitation_id: InvitationId) -> Response[None]:
    logic.revoke_teammate_invitation(current_principal(router), invitation_id)
    return _no_content()


@router.post("/partnerships/<partnership_id>/invitations",
             summary="Invite the partner's contact to the partner portal", tags=TAGS)
def invite_partner(partnership_id: PartnershipId, body: PartnerInvitationCreate) -> Response[Invitation]:
    return created(logic.invite_partner(current_principal(router), partnership_id, body))


@router.get("/partnerships/<partnership_id>/invitations", summary="A partnership's invitations, newest first",
            tags=TAGS)
def list_partner_invitations(
    partnership_id: PartnershipId, limit: Limit = DEFAULT_PAGE_SIZE, cursor: Cursor = None,
) -> Page[Invitation]:
    principal = current_principal(router)
    return logic.list_partner_invitations(principal, partnership_id, limit=limit, cursor=cursor)


@router.post("/partnerships/<partnership_id>/invitations/<invitation_id>/resend",
             summary="Resend a partner invitation", tags=TAGS)
def resend_partner_invitation(partnership_id: PartnershipId, invitation_id: InvitationId) -> Invitation:
    return logic.resend_partner_invitation(current_principal(router), partnership_id, invitation_id)


@router.delete("/partnerships/<partnership_id>/invitations/<invitation_id>",
               summary="Revoke a partner invitation", tags=TAGS)
def revoke_partner_invitation(partnership_id: PartnershipId, invitation_id: InvitationId) -> Response[None]:
    logic.revoke_partner_invitation(current_principal(router), partnership_id, invitation_id)
    return _no_content()


@router.post("/invitations/accept", summary="Accept an invitation (public: the token is the credential)",
             tags=TAGS)
def accept_invitation(body: InvitationAccept) -> Response[Membership]:
    return created(logic.accept_invitation(body))

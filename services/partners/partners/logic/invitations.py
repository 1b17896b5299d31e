"""Invitations: teammates into an organisation, partner contacts into a vendor's partner portal.

The token is ``<inviting organisation id>.<256 random bits>``; only its SHA-256 hash is stored. The
organisation id in front lets the public accept route build a tenant-first key from the token
alone. Every refusal to accept - unknown, malformed, expired, revoked, already used - is the same
404, so a token holder learns nothing about other tokens or about what became of theirs.

Roles on acceptance: a teammate gets the roles they were invited with. A partner contact who
founds the partner organisation (the partnership has none yet) becomes its ``partner_admin`` plus
any partner roles the vendor chose; one who joins an existing partner organisation gets the roles
the vendor chose, or ``sales`` when it chose none (the partner's own admin can change them later).

One user per address and organisation: acceptance checks first (a friendly 409), and its transaction
claims the address (``UserEmailItem``, on condition it is new), so two invitations to the same person
accepted at once cannot both create a user; the later one gets the same 409. The login itself is
the identity-sync consumer's (partners.logic.identity), reacting to ``InvitationAccepted``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from pynamodb.models import Model

from partners.dal import invitations as dal
from partners.dal import organisations as organisations_dal
from partners.dal import partnerships as partnerships_dal
from partners.dal.tables import InvitationItem, PartnershipItem
from partners.logic.organisations import ADMINISTRATORS, require_grantable
from partners.logic.partnerships import writable_partnership
from partners.models import (
    INVITATION_DAYS,
    Invitation,
    InvitationAccept,
    Membership,
    PartnerInvitationCreate,
    TeammateInvitationCreate,
)
from trellis.errors import Conflict, NotFound, ValidationFailed
from trellis.events import Actor, EventEnvelope
from trellis.events.organisations import (
    InvitationAccepted,
    InvitationResent,
    InvitationRevoked,
    PartnerInvited,
    PartnerJoined,
    TeammateInvited,
)
from trellis.keys import SEPARATOR, new_id, time_ordered_id
from trellis.pagination import Page, decode_cursor, encode_cursor
from trellis.principal import PARTNER_ROLES, VENDOR_ROLES, VENDOR_WRITERS, Principal, Role

PENDING, ACCEPTED, REVOKED = "pending", "accepted", "revoked"
DEFAULT_JOINING_ROLES = frozenset({Role.SALES.value})
# An error message, not a secret.
INVALID_TOKEN = "no such invitation, or it expired, was revoked or was already used"  # noqa: S105  # nosec B105
_MIN_SECRET_LENGTH = 40


# ------------------------------------------------------------------ tokens
def _new_token(organisation_id: str) -> str:
    return f"{organisation_id}.{secrets.token_urlsafe(32)}"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _token_organisation(token: str) -> str | None:
    organisation_id, dot, secret = token.rpartition(".")
    if not dot or not organisation_id or SEPARATOR in organisation_id or len(secret) < _MIN_SECRET_LENGTH:
        return None
    return organisation_id


# ------------------------------------------------------------------ views
def _status(item: InvitationItem, now: datetime) -> str:
    if item.status == PENDING and item.expires_at <= now:
        return "expired"
    return item.status


def _view(item: InvitationItem, *, token: str | None = None) -> Invitation:
    return Invitation(
        id=item.invitation_id,
        kind=item.kind,  # type: ignore[arg-type]
        email=item.email,
        name=item.name,
        roles=sorted(item.roles or ()),
        partnership_id=item.partnership_id,
        status=_status(item, datetime.now(UTC)),  # type: ignore[arg-type]
        expires_at=item.expires_at,
        created_at=item.created_at,
        invited_by_user_id=item.invited_by_user_id,
        accepted_user_id=item.accepted_user_id,
        token=token,
    )


def _organisation_name(organisation_id: str) -> str:
    profile = organisations_dal.get_organisation(organisation_id)
    return profile.name if profile is not None else organisation_id


def _refuse_members(organisation_id: str, email: str) -> None:
    if organisations_dal.has_user_with_email(organisation_id, email):
        raise Conflict("someone with this email already is a user of the organisation", field="email")


# ------------------------------------------------------------------ teammates
def invite_teammate(principal: Principal, request: TeammateInvitationCreate) -> Invitation:
    principal.require_any(ADMINISTRATORS)
    require_grantable(principal, request.roles)
    org = principal.organisation_id
    _refuse_members(org, request.email)
    now = datetime.now(UTC)
    token = _new_token(org)
    item = dal.new_item(
        org, time_ordered_id(), token_hash=_hash(token), organisation_name=_organisation_name(org),
        kind="teammate", email=request.email, name=request.name, roles={role.value for role in request.roles},
        status=PENDING, expires_at=now + timedelta(days=request.expires_in_days), created_at=now,
        updated_at=now, invited_by_user_id=principal.user_id,
    )
    event = EventEnvelope.new(
        TeammateInvited(
            invitation_id=item.invitation_id, organisation_id=org, organisation_name=item.organisation_name,
            email=item.email, name=item.name, roles=sorted(item.roles), invited_by_user_id=principal.user_id,
            expires_at=item.expires_at, accept_token=token,
        ),
        tenant_id=org, actor=Actor.of(principal), occurred_at=now,
    )
    dal.save_with_event(item, event, is_new=True)
    return _view(item, token=token)


def list_teammate_invitations(principal: Principal, *, limit: int, cursor: str | None) -> Page[Invitation]:
    principal.require_any(ADMINISTRATORS)
    return _page(principal, dal.teammate_prefix(), "invitations", limit=limit, cursor=cursor)


def _page(
    principal: Principal, prefix: str, listing: str, *, limit: int, cursor: str | None,
) -> Page[Invitation]:
    org = principal.organisation_id
    start = decode_cursor(cursor, tenant_id=org, listing=listing)
    items, last_key = dal.list_page(org, prefix, limit=limit, start=start)
    return Page[Invitation](
        items=[_view(item) for item in items],
        next_cursor=encode_cursor(last_key, tenant_id=org, listing=listing),
    )


def _pending(organisation_id: str, invitation_id: str, partnership_id: str | None) -> InvitationItem:
    item = dal.get(organisation_id, invitation_id, partnership_id)
    if item is None:
        raise NotFound("no such invitation")
    if item.status != PENDING:
        raise Conflict(f"the invitation was already {item.status}")
    return item


def _resend(
    principal: Principal, item: InvitationItem, partnership: PartnershipItem | None = None,
) -> Invitation:
    now = datetime.now(UTC)
    token = _new_token(item.organisation_id)
    dal.set_token(item, _hash(token))  # the previous token's hash is gone: it no longer finds anything
    item.expires_at, item.updated_at = now + timedelta(days=INVITATION_DAYS), now
    event = EventEnvelope.new(
        InvitationResent(
            invitation_id=item.invitation_id, kind=item.kind, organisation_id=item.organisation_id,  # type: ignore[arg-type]
            organisation_name=item.organisation_name, partnership_id=item.partnership_id,
            company_name=item.company_name, email=item.email, name=item.name, expires_at=item.expires_at,
            accept_token=token,
        ),
        tenant_id=item.organisation_id, actor=Actor.of(principal), occurred_at=now,
    )
    dal.save_with_event(item, event, is_new=False, open_partnership=partnership)
    return _view(item, token=token)


def _revoke(principal: Principal, item: InvitationItem, partnership: PartnershipItem | None = None) -> None:
    now = datetime.now(UTC)
    item.status, item.updated_at = REVOKED, now
    item.gsi1pk = item.gsi1sk = None  # a revoked token is not even found
    event = EventEnvelope.new(
        InvitationRevoked(
            invitation_id=item.invitation_id, kind=item.kind, organisation_id=item.organisation_id,  # type: ignore[arg-type]
            partnership_id=item.partnership_id, email=item.email,
        ),
        tenant_id=item.organisation_id, actor=Actor.of(principal), occurred_at=now,
    )
    dal.save_with_event(item, event, is_new=False, open_partnership=partnership)


def resend_teammate_invitation(principal: Principal, invitation_id: str) -> Invitation:
    principal.require_any(ADMINISTRATORS)
    item = _pending(principal.organisation_id, invitation_id, None)
    require_grantable(principal, item.roles or ())
    return _resend(principal, item)


def revoke_teammate_invitation(principal: Principal, invitation_id: str) -> None:
    principal.require_any(ADMINISTRATORS)
    _revoke(principal, _pending(principal.organisation_id, invitation_id, None))


# ------------------------------------------------------------------ partner contacts
def invite_partner(principal: Principal, partnership_id: str, request: PartnerInvitationCreate) -> Invitation:
    principal.require_any(VENDOR_WRITERS)
    refused = {role.value for role in request.roles} - {role.value for role in PARTNER_ROLES}
    if refused:
        raise ValidationFailed(f"partner contacts get partner roles only, not {', '.join(sorted(refused))}",
                               field="roles")
    partnership = writable_partnership(principal, partnership_id)
    if partnership.partner_organisation_id:
        _refuse_members(partnership.partner_organisation_id, request.email)
    org = principal.organisation_id
    now = datetime.now(UTC)
    token = _new_token(org)
    roles = {role.value for role in request.roles}
    item = dal.new_item(
        org, time_ordered_id(), token_hash=_hash(token), organisation_name=_organisation_name(org),
        kind="partner", email=request.email, name=request.name, roles=roles or None,
        partnership_id=partnership_id, company_name=partnership.company_name, status=PENDING,
        expires_at=now + timedelta(days=request.expires_in_days), created_at=now, updated_at=now,
        invited_by_user_id=principal.user_id,
    )
    event = EventEnvelope.new(
        PartnerInvited(
            invitation_id=item.invitation_id, partnership_id=partnership_id, vendor_organisation_id=org,
            vendor_organisation_name=item.organisation_name, company_name=partnership.company_name,
            email=item.email, name=item.name, roles=sorted(roles), invited_by_user_id=principal.user_id,
            expires_at=item.expires_at, accept_token=token,
        ),
        tenant_id=org, actor=Actor.of(principal), occurred_at=now,
    )
    activity = partnerships_dal.activity_item(org, partnership_id, partnerships_dal.Activity(
        kind="partner_invited", summary=f"{item.email} invited to the partner portal",
        actor_user_id=principal.user_id, occurred_at=now,
        details={"invitation_id": item.invitation_id, "email": item.email},
    ))
    dal.save_with_event(item, event, is_new=True, also=[activity], open_partnership=partnership)
    return _view(item, token=token)


def list_partner_invitations(
    principal: Principal, partnership_id: str, *, limit: int, cursor: str | None,
) -> Page[Invitation]:
    principal.require_any(VENDOR_ROLES)
    if partnerships_dal.get(principal.organisation_id, partnership_id) is None:
        raise NotFound("no such partnership")
    return _page(
        principal, dal.partnership_prefix(partnership_id), f"invitations:{partnership_id}", limit=limit,
        cursor=cursor,
    )


def resend_partner_invitation(principal: Principal, partnership_id: str, invitation_id: str) -> Invitation:
    partnership = writable_partnership(principal, partnership_id)
    return _resend(principal, _pending(principal.organisation_id, invitation_id, partnership_id), partnership)


def revoke_partner_invitation(principal: Principal, partnership_id: str, invitation_id: str) -> None:
    partnership = writable_partnership(principal, partnership_id)
    _revoke(principal, _pending(principal.organisation_id, invitation_id, partnership_id), partnership)


# ------------------------------------------------------------------ accepting (public: no principal)
def _valid_invitation(token: str, now: datetime) -> InvitationItem:
    organisation_id = _token_organisation(token)
    if organisation_id is None:
        raise NotFound(INVALID_TOKEN, field="token")
    token_hash = _hash(token)
    item = dal.find_by_token(organisation_id, token_hash)
    if (
        item is None
        or not hmac.compare_digest(item.token_hash, token_hash)
        or item.status != PENDING
        or item.expires_at <= now
    ):
        raise NotFound(INVALID_TOKEN, field="token")
    return item


def _mark_accepted(item: InvitationItem, *, user_id: str, organisation_id: str, now: datetime) -> None:
    item.status, item.updated_at = ACCEPTED, now
    item.accepted_user_id, item.accepted_organisation_id = user_id, organisation_id
    item.gsi1pk = item.gsi1sk = None  # a used token is not even found


def accept_invitation(request: InvitationAccept) -> Membership:
    now = datetime.now(UTC)
    invitation = _valid_invitation(request.token, now)
    try:
        if invitation.kind == "partner":
            return _accept_partner(invitation, request.name, now)
        return _accept_teammate(invitation, request.name, now)
    except dal.InvitationGone as gone:
        # Used, revoked or renewed between our read and our write: the same answer as any dead token.
        raise NotFound(INVALID_TOKEN, field="token") from gone


def _accepted_event(
    invitation: InvitationItem, *, organisation_id: str, user_id: str, name: str, roles: set[str],
    now: datetime, vendor_organisation_id: str | None = None,
) -> EventEnvelope:
    return EventEnvelope.new(
        InvitationAccepted(
            invitation_id=invitation.invitation_id, kind=invitation.kind,  # type: ignore[arg-type]
            organisation_id=organisation_id, user_id=user_id, email=invitation.email, name=name,
            roles=sorted(roles), vendor_organisation_id=vendor_organisation_id,
            partnership_id=invitation.partnership_id,
        ),
        tenant_id=organisation_id, actor=Actor(kind="user", user_id=user_id, organisation_id=organisation_id),
        occurred_at=now,
    )


def _accept_teammate(invitation: InvitationItem, name: str, now: datetime) -> Membership:
    org = invitation.organisation_id
    _refuse_members(org, invitation.email)
    user_id = new_id()
    roles = set(invitation.roles or ())
    user = organisations_dal.new_user_item(org, user_id, email=invitation.email, name=name, roles=roles)
    claim = organisations_dal.email_claim_item(org, invitation.email, user_id)
    _mark_accepted(invitation, user_id=user_id, organisation_id=org, now=now)
    event = _accepted_event(invitation, organisation_id=org, user_id=user_id, name=name, roles=roles, now=now)
    dal.accept(invitation, puts=[user, claim], envelopes=[event])
    return Membership(user_id=user_id, organisation_id=org, organisation_created=False, roles=sorted(roles))


def _accept_partner(invitation: InvitationItem, name: str, now: datetime) -> Membership:
    vendor = invitation.organisation_id
    partnership_id = invitation.partnership_id or ""
    partnership = partnerships_dal.get(vendor, partnership_id)
    if partnership is None:
        raise NotFound(INVALID_TOKEN, field="token")
    if partnership.archived_at is not None:
        raise Conflict("the partnership is archived; ask the vendor to restore it")
    chosen = set(invitation.roles or ())
    user_id = new_id()
    existing = partnership.partner_organisation_id
    if existing:
        _refuse_members(existing, invitation.email)
        organisation_id, roles, created = existing, chosen or set(DEFAULT_JOINING_ROLES), False
        puts: list[Model] = []
        saves: list[PartnershipItem] = []
        still_theirs = (PartnershipItem.partner_organisation_id == existing) & (
            PartnershipItem.archived_at.does_not_exist()
        )
        checks = [(PartnershipItem, partnership.pk, partnership.sk, still_theirs)]
    else:
        organisation_id, roles, created = new_id(), chosen | {Role.PARTNER_ADMIN.value}, True
        partnership.partner_organisation_id, partnership.updated_at = organisation_id, now
        puts = [
            organisations_dal.new_organisation_item(organisation_id, partnership.company_name, now),
            partnerships_dal.partner_link_item(partnership, organisation_id, now),
        ]
        saves, checks = [partnership], []
    user = organisations_dal.new_user_item(
        organisation_id, user_id, email=invitation.email, name=name, roles=roles,
    )
    claim = organisations_dal.email_claim_item(organisation_id, invitation.email, user_id)
    activity = partnerships_dal.activity_item(vendor, partnership_id, partnerships_dal.Activity(
        kind="partner_joined", summary=f"{name} ({invitation.email}) joined the partner portal",
        actor_user_id=None, occurred_at=now,
        details={"invitation_id": invitation.invitation_id, "partner_organisation_id": organisation_id,
                 "user_id": user_id},
    ))
    _mark_accepted(invitation, user_id=user_id, organisation_id=organisation_id, now=now)
    accepted = _accepted_event(
        invitation, organisation_id=organisation_id, user_id=user_id, name=name, roles=roles, now=now,
        vendor_organisation_id=vendor,
    )
    joined = EventEnvelope.new(
        PartnerJoined(
            partnership_id=partnership_id, company_name=partnership.company_name,
            partner_organisation_id=organisation_id, organisation_created=created, user_id=user_id,
            email=invitation.email, vendor_organisation_name=invitation.organisation_name,
        ),
        tenant_id=vendor, actor=Actor(kind="user", user_id=user_id, organisation_id=organisation_id),
        occurred_at=now,
    )
    dal.accept(
        invitation, puts=[user, claim, activity, *puts], saves=saves, checks=checks,
        envelopes=[accepted, joined],
    )
    return Membership(
        user_id=user_id, organisation_id=organisation_id, organisation_created=created, roles=sorted(roles),
        partnership_id=partnership_id,
    )

"""The recipients directory, built only from events: who the users of each organisation are (email,
name, roles, still there or not) and, per partnership, the vendor users assigned to it and the
partner organisation. Rules name groups ("the partner's admins"); this is where they become people.

Each event is applied only if it is newer than what the entry reflects, so redelivered and
out-of-order events leave the newest state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from notifications.dal import directory as dal
from notifications.dal.tables import RecipientItem
from notifications.logic.rules import VENDOR_FALLBACK, Audience
from trellis.events import EventEnvelope
from trellis.events.organisations import (
    InvitationAccepted,
    PartnerJoined,
    UserRegistered,
    UserRemoved,
    UserRolesChanged,
)
from trellis.events.partners import (
    PartnershipCreated,
    PartnershipDeleted,
    PartnershipStageChanged,
    PartnershipUserAssigned,
    PartnershipUserUnassigned,
)


def _registered(envelope: EventEnvelope, data: UserRegistered | InvitationAccepted) -> None:
    dal.apply_user(data.organisation_id, data.user_id, at=envelope.occurred_at, active=True,
                   email=data.email, name=data.name, roles=data.roles)


def _roles_changed(envelope: EventEnvelope, data: UserRolesChanged) -> None:
    dal.apply_user(data.organisation_id, data.user_id, at=envelope.occurred_at, active=True,
                   email=data.email, roles=data.to_roles)


def _removed(envelope: EventEnvelope, data: UserRemoved) -> None:
    dal.apply_user(data.organisation_id, data.user_id, at=envelope.occurred_at, active=False)


def _assignees(envelope: EventEnvelope,
               data: PartnershipCreated | PartnershipStageChanged | PartnershipUserAssigned
               | PartnershipUserUnassigned) -> None:
    dal.apply_assignees(envelope.tenant_id, data.partnership_id, company_name=data.company_name,
                        assigned=data.assigned_user_ids, at=envelope.occurred_at)


def _joined(envelope: EventEnvelope, data: PartnerJoined) -> None:
    dal.apply_partner(envelope.tenant_id, data.partnership_id, company_name=data.company_name,
                      partner_organisation_id=data.partner_organisation_id)


def _deleted(envelope: EventEnvelope, data: PartnershipDeleted) -> None:
    dal.apply_partner(envelope.tenant_id, data.partnership_id, company_name=data.company_name,
                      partner_organisation_id=data.partner_organisation_id, deleted=True)


UPDATES: Mapping[str, Callable[[EventEnvelope, Any], None]] = {
    UserRegistered.event_type: _registered,
    InvitationAccepted.event_type: _registered,
    UserRolesChanged.event_type: _roles_changed,
    UserRemoved.event_type: _removed,
    PartnershipCreated.event_type: _assignees,
    PartnershipStageChanged.event_type: _assignees,
    PartnershipUserAssigned.event_type: _assignees,
    PartnershipUserUnassigned.event_type: _assignees,
    PartnerJoined.event_type: _joined,
    PartnershipDeleted.event_type: _deleted,
}


# ------------------------------------------------------------------ resolving audiences


Recipient = tuple[str, str]  # (organisation, user)
Resolved = tuple[str | None, list[RecipientItem | Recipient]]


def resolve(audiences: Iterable[Audience]) -> dict[Audience, Resolved]:
    """Each audience → (its organisation, its people). People named by id come as directory entries
    when known (else as bare (organisation, user) pairs: still told in-app); groups come from the
    directory and only include active users. Reads: one BatchGetItem for partnerships, one Query per
    organisation addressed by role, one BatchGetItem for named people."""
    audiences = list(audiences)
    partnerships = dal.partnerships(
        [a.partnership for a in audiences if a.partnership is not None]
        + [(a.organisation_id, a.assignees_of) for a in audiences
           if a.assignees_of is not None and a.organisation_id is not None]
    )
    organisation_of: dict[Audience, str | None] = {}
    named: dict[Audience, list[str]] = {}
    by_roles: dict[Audience, frozenset[str] | None] = {}  # None: everyone
    for audience in audiences:
        organisation = audience.organisation_id
        if audience.partnership is not None:
            found = partnerships.get(audience.partnership)
            organisation = found.partner_organisation_id if found is not None and not found.deleted else None
        organisation = organisation or None  # "" (a partner that has not joined) addresses nobody
        organisation_of[audience] = organisation
        if organisation is None or audience.address is not None:
            continue
        if audience.user_ids:
            named[audience] = list(audience.user_ids)
        if audience.assignees_of is not None:
            found = partnerships.get((organisation, audience.assignees_of))
            assigned = sorted(found.assigned_user_ids or ()) if found is not None else []
            if assigned:
                named[audience] = named.get(audience, []) + assigned
            else:
                by_roles[audience] = VENDOR_FALLBACK
        if audience.roles:
            by_roles[audience] = audience.roles
        if audience.everyone:
            by_roles[audience] = None

    members = {organisation: dal.organisation_users(organisation)
               for organisation in {organisation_of[a] for a in by_roles} if organisation is not None}
    entries = dal.recipients((organisation_of[a] or "", user) for a, users in named.items() for user in users)

    resolved: dict[Audience, Resolved] = {}
    for audience in audiences:
        organisation = organisation_of[audience]
        people: list[RecipientItem | Recipient] = []
        if organisation is not None:
            for user in named.get(audience, []):
                entry = entries.get((organisation, user))
                if entry is None:
                    people.append((organisation, user))
                elif entry.active:
                    people.append(entry)
            if audience in by_roles:
                roles = by_roles[audience]
                people += [member for member in members.get(organisation, [])
                           if member.active and (roles is None or roles & set(member.roles or ()))]
        resolved[audience] = (organisation, people)
    return resolved

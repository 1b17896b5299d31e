"""Who hears about what: one table from event type to a rule (category, webhook type, audience, message).

Rules are pure: they read only the event. Where the event names a group rather than people ("the
partner's admins", "the users assigned to the partnership"), the audience says so and delivery
resolves it from the recipients directory. The person who caused an event is never told about it.

- PartnershipStageChanged → partnership_stage: the assigned vendor users; the partner's admins.
- PartnershipUserAssigned → partnership_assignment: the user assigned.
- LeadSent → lead: every organisation on the lead but the sender (the vendor by the partnership's
  assignees; distributors and the reseller by their admins and sales). LeadCreated tells nobody: a lead
  that leaves its sender is LeadSent too, in the same transaction, and both telling gave two of each.
- LeadAccepted, LeadDeclined → lead_response: the submitter.
- DealWon → deal: the partners on the deal (admins, sales); the vendor's assignees.
- CommissionApproved, PayoutPaid → commission: the beneficiary's admins and sales.
- TeammateInvited, PartnerInvited, InvitationResent → invitation (email only): the invitee's address.
- MessagePosted → message: the other side (the vendor's assignees, or the partner's users).
- TaskAssigned → task: the assignee.
- CertificationEarned → certification: the partner's admins.
- WebhookEndpointDisabled → integration: the organisation's admins (vendor or partner).

(A vendor partnership nobody is assigned to is heard about by the vendor's admins and partner
managers.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from trellis.events import EventEnvelope
from trellis.events.leads import (
    DealWon,
    LeadAccepted,
    LeadCreated,
    LeadDeclined,
    LeadSent,
    LeadSnapshot,
)
from trellis.events.ledger import CommissionApproved, PayoutPaid
from trellis.events.organisations import InvitationResent, PartnerInvited, TeammateInvited
from trellis.events.partners import PartnershipStageChanged, PartnershipUserAssigned
from trellis.events.portal import CertificationEarned, MessagePosted, TaskAssigned
from trellis.events.webhooks import WebhookEndpointDisabled
from trellis.principal import Role
from trellis.settings import get_settings

Side = Literal["vendor", "partner"]

PARTNER_ADMINS = frozenset({Role.PARTNER_ADMIN.value})
ADMINS = frozenset({Role.ADMIN.value, Role.PARTNER_ADMIN.value})
PARTNER_DEALMAKERS = frozenset({Role.PARTNER_ADMIN.value, Role.SALES.value})
EVERYONE: frozenset[str] = frozenset()  # with `everyone=True`: every active user of the organisation
# A vendor partnership nobody is assigned to still has someone to hear about it.
VENDOR_FALLBACK = frozenset({Role.ADMIN.value, Role.PARTNER_MANAGER.value})


@dataclass(frozen=True)
class Audience:
    """A group of recipients in one organisation (or, for an invitation, one address).

    ``organisation_id`` None means "the partner organisation of ``partnership``" (looked up in the
    directory; nobody hears if the partner has not joined yet).
    """

    side: Side
    organisation_id: str | None = None
    user_ids: tuple[str, ...] = ()
    roles: frozenset[str] = frozenset()
    everyone: bool = False
    assignees_of: str | None = None  # the vendor users assigned to this partnership (else VENDOR_FALLBACK)
    partnership: tuple[str, str] | None = None  # (vendor, partnership) whose partner organisation is meant
    address: str | None = None  # an invitee: no user yet, email only


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    vendor_link: str | None = None  # a path of the console
    partner_link: str | None = None  # a path of the portal
    subject: Mapping[str, str | None] | None = None  # the ids a webhook receiver needs

    def link(self, side: Side) -> str | None:
        return self.vendor_link if side == "vendor" else self.partner_link


@dataclass(frozen=True)
class Rule:
    category: str
    webhook_type: str | None
    audiences: Callable[[EventEnvelope, Any], list[Audience]]
    message: Callable[[EventEnvelope, Any], Message]
    email_only: bool = False
    # Extra context for the email template (an invitation's accept link); None: the notification template
    email_context: Callable[[EventEnvelope, Any], dict[str, Any]] | None = None


# ------------------------------------------------------------------ audiences


def _vendor_assignees(vendor_id: str, partnership_id: str | None) -> list[Audience]:
    if partnership_id is None:
        return [Audience(side="vendor", organisation_id=vendor_id, roles=VENDOR_FALLBACK)]
    return [Audience(side="vendor", organisation_id=vendor_id, assignees_of=partnership_id)]


def _lead_parties(lead: LeadSnapshot) -> list[Audience]:
    """Everyone on the lead but its sender: the vendor by its assignees, partners by admins and sales."""
    audiences: list[Audience] = []
    for link in lead.attribution:
        organisation = link.organisation_id
        if organisation is None or organisation == lead.sender_organisation_id:
            continue
        if link.role == "vendor":
            audiences += _vendor_assignees(organisation, lead.partnership_id)
        else:
            audiences.append(Audience(side="partner", organisation_id=organisation, roles=PARTNER_DEALMAKERS))
    receiver = lead.receiver_organisation_id
    if receiver and receiver != lead.sender_organisation_id and all(
            a.organisation_id != receiver for a in audiences):
        audiences.append(Audience(side="partner", organisation_id=receiver, roles=PARTNER_DEALMAKERS))
    return audiences


def _stage_changed(envelope: EventEnvelope, data: PartnershipStageChanged) -> list[Audience]:
    return [
        Audience(side="vendor", organisation_id=envelope.tenant_id, user_ids=tuple(data.assigned_user_ids)),
        Audience(side="partner", partnership=(envelope.tenant_id, data.partnership_id), roles=PARTNER_ADMINS),
    ]


def _user_assigned(envelope: EventEnvelope, data: PartnershipUserAssigned) -> list[Audience]:
    return [Audience(side="vendor", organisation_id=envelope.tenant_id, user_ids=(data.user_id,))]


def _lead_created(envelope: EventEnvelope, data: LeadCreated) -> list[Audience]:
    return []  # its LeadSent (same transaction) tells the parties; a draft stays with its sender


def _lead_arrived(envelope: EventEnvelope, data: LeadCreated | LeadSent) -> list[Audience]:
    if data.lead.status == "not_sent":
        return []  # a vendor's draft: nobody else knows of it yet
    return _lead_parties(data.lead)


def _lead_answered(envelope: EventEnvelope, data: LeadAccepted | LeadDeclined) -> list[Audience]:
    lead = data.lead
    side: Side = "vendor" if lead.sender_organisation_id == lead.vendor_organisation_id else "partner"
    if lead.created_by_user_id:
        return [Audience(side=side, organisation_id=lead.sender_organisation_id,
                         user_ids=(lead.created_by_user_id,))]
    roles = VENDOR_FALLBACK if side == "vendor" else PARTNER_DEALMAKERS
    return [Audience(side=side, organisation_id=lead.sender_organisation_id, roles=roles)]


def _deal_won(envelope: EventEnvelope, data: DealWon) -> list[Audience]:
    deal = data.deal
    if deal.partnership_id is None:
        return []  # an organisation's internal deal: no partnership, nobody else to tell
    audiences = _vendor_assignees(deal.vendor_organisation_id, deal.partnership_id)
    for link in deal.attribution:
        if link.role != "vendor" and link.organisation_id:
            audiences.append(Audience(side="partner", organisation_id=link.organisation_id,
                                      roles=PARTNER_DEALMAKERS))
    return audiences


def _commission_approved(envelope: EventEnvelope, data: CommissionApproved) -> list[Audience]:
    beneficiary = data.entry.beneficiary.organisation_id
    if beneficiary is None:
        return []
    return [Audience(side="partner", organisation_id=beneficiary, roles=PARTNER_DEALMAKERS)]


def _payout_paid(envelope: EventEnvelope, data: PayoutPaid) -> list[Audience]:
    if data.payout.organisation_id is None:
        return []
    return [Audience(side="partner", organisation_id=data.payout.organisation_id, roles=PARTNER_DEALMAKERS)]


Invitation = TeammateInvited | PartnerInvited | InvitationResent


def _is_partner_invitation(data: Invitation) -> bool:
    return isinstance(data, PartnerInvited) or getattr(data, "kind", "") == "partner"


def _inviting_organisation(data: Invitation) -> str:
    return data.vendor_organisation_name if isinstance(data, PartnerInvited) else data.organisation_name


def _invitee(envelope: EventEnvelope, data: Invitation) -> list[Audience]:
    side: Side = "partner" if _is_partner_invitation(data) else "vendor"
    return [Audience(side=side, address=data.email)]


def _message_posted(envelope: EventEnvelope, data: MessagePosted) -> list[Audience]:
    if data.author_side == "partner":
        return _vendor_assignees(data.vendor_organisation_id, data.partnership_id)
    if not data.partner_organisation_id:
        return []  # a vendor's note on a partnership its partner has not joined yet: nobody to tell
    return [Audience(side="partner", organisation_id=data.partner_organisation_id, everyone=True)]


def _task_assigned(envelope: EventEnvelope, data: TaskAssigned) -> list[Audience]:
    side: Side = "vendor" if data.assignee_organisation_id == envelope.tenant_id else "partner"
    return [Audience(side=side, organisation_id=data.assignee_organisation_id,
                     user_ids=(data.assignee_user_id,))]


def _certification_earned(envelope: EventEnvelope, data: CertificationEarned) -> list[Audience]:
    return [Audience(side="partner", organisation_id=data.partner_organisation_id, roles=PARTNER_ADMINS)]


def _endpoint_disabled(envelope: EventEnvelope, data: WebhookEndpointDisabled) -> list[Audience]:
    side: Side = "vendor"  # both sides administer endpoints at the same path of their app
    return [Audience(side=side, organisation_id=data.organisation_id, roles=ADMINS)]


# ------------------------------------------------------------------ messages


def _partnership_links(partnership_id: str) -> dict[str, str]:
    path = f"/partnerships/{partnership_id}"
    return {"vendor_link": path, "partner_link": path}


def _stage_message(envelope: EventEnvelope, data: PartnershipStageChanged) -> Message:
    return Message(
        title=f"{data.company_name} moved to {data.to_stage}",
        body=f"{data.company_name} moved from {data.from_stage} to {data.to_stage}.",
        **_partnership_links(data.partnership_id),
        subject={"partnership_id": data.partnership_id, "from_stage": data.from_stage,
                 "to_stage": data.to_stage},
    )


def _assigned_message(envelope: EventEnvelope, data: PartnershipUserAssigned) -> Message:
    return Message(
        title=f"You now look after {data.company_name}",
        body=f"You were assigned to the partnership with {data.company_name}.",
        **_partnership_links(data.partnership_id),
        subject={"partnership_id": data.partnership_id, "user_id": data.user_id},
    )


def _lead_subject(lead: LeadSnapshot) -> dict[str, str | None]:
    return {"lead_id": lead.lead_id, "company_name": lead.company_name, "status": lead.status}


def _lead_message(envelope: EventEnvelope, data: LeadCreated | LeadSent) -> Message:
    lead = data.lead
    registered = " (deal registration)" if lead.registration_status not in ("none",) else ""
    return Message(
        title=f"New lead: {lead.company_name}",
        body=f"A lead for {lead.company_name}{registered} is waiting for you.",
        vendor_link=f"/leads/{lead.lead_id}", partner_link=f"/leads/{lead.lead_id}",
        subject=_lead_subject(lead),
    )


def _answer_message(envelope: EventEnvelope, data: LeadAccepted | LeadDeclined) -> Message:
    lead = data.lead
    if isinstance(data, LeadAccepted):
        return Message(
            title=f"Lead accepted: {lead.company_name}",
            body=f"Your lead for {lead.company_name} was accepted; a deal was opened.",
            vendor_link=f"/leads/{lead.lead_id}", partner_link=f"/leads/{lead.lead_id}",
            subject={**_lead_subject(lead), "deal_id": data.deal_id},
        )
    return Message(
        title=f"Lead declined: {lead.company_name}",
        body=f"Your lead for {lead.company_name} was declined: {data.reason}",
        vendor_link=f"/leads/{lead.lead_id}", partner_link=f"/leads/{lead.lead_id}",
        subject={**_lead_subject(lead), "reason": data.reason},
    )


def _deal_message(envelope: EventEnvelope, data: DealWon) -> Message:
    deal = data.deal
    amount = f" ({deal.amount} {deal.currency})" if deal.amount is not None and deal.currency else ""
    return Message(
        title=f"Deal won: {deal.name}",
        body=f"The deal {deal.name}{amount} was won.",
        vendor_link=f"/deals/{deal.deal_id}", partner_link=f"/deals/{deal.deal_id}",
        subject={"deal_id": deal.deal_id, "name": deal.name, "amount": None if deal.amount is None
                 else str(deal.amount), "currency": deal.currency},
    )


def _approved_message(envelope: EventEnvelope, data: CommissionApproved) -> Message:
    entry = data.entry
    return Message(
        title=f"Commission approved: {entry.amount} {entry.currency}",
        body=f"Your commission of {entry.amount} {entry.currency} on {entry.deal_name} was approved; "
             f"expected payout on {entry.expected_payout_on.isoformat()}.",
        partner_link="/commissions",
        subject={"entry_id": entry.entry_id, "deal_id": entry.deal_id, "amount": str(entry.amount),
                 "currency": entry.currency},
    )


def _paid_message(envelope: EventEnvelope, data: PayoutPaid) -> Message:
    payout = data.payout
    reference = f" (reference {payout.reference})" if payout.reference else ""
    return Message(
        title=f"Payout paid: {payout.amount} {payout.currency}",
        body=f"A payout of {payout.amount} {payout.currency} was paid{reference}.",
        partner_link="/commissions",
        subject={"payout_id": payout.payout_id, "amount": str(payout.amount), "currency": payout.currency},
    )


def _invitation_message(envelope: EventEnvelope, data: Invitation) -> Message:
    inviter = _inviting_organisation(data)
    return Message(title=f"You are invited to join {inviter} on Trellis",
                   body=f"{inviter} invited you to Trellis.")


def _invitation_context(envelope: EventEnvelope, data: Invitation) -> dict[str, Any]:
    return {
        "name": data.name, "organisation_name": _inviting_organisation(data),
        "company_name": getattr(data, "company_name", None),
        "kind": "partner" if _is_partner_invitation(data) else "teammate",
        "accept_url": f"{get_settings().app_base_url}/invitations/accept?token={data.accept_token}",
        "expires_at": data.expires_at.isoformat(),
    }


def _posted_message(envelope: EventEnvelope, data: MessagePosted) -> Message:
    return Message(
        title=f"New message from {data.author_name}",
        body=data.excerpt,
        vendor_link=f"/partnerships/{data.partnership_id}/messages",
        partner_link=f"/partnerships/{data.partnership_id}/messages",
        subject={"message_id": data.message_id, "partnership_id": data.partnership_id},
    )


def _task_message(envelope: EventEnvelope, data: TaskAssigned) -> Message:
    due = f", due {data.due_on.isoformat()}" if data.due_on else ""
    return Message(
        title=f"Task for you: {data.title}",
        body=f"{data.title} ({data.project_name}{due}) was assigned to you.",
        vendor_link=f"/projects/{data.project_id}", partner_link=f"/projects/{data.project_id}",
        subject={"project_id": data.project_id, "task_id": data.task_id},
    )


def _certification_message(envelope: EventEnvelope, data: CertificationEarned) -> Message:
    return Message(
        title=f"{data.user_name} earned {data.certification_name}",
        body=f"{data.user_name} completed the {data.certification_name} certification.",
        partner_link="/training",
        subject={"certification_id": data.certification_id, "user_id": data.user_id},
    )


def _disabled_message(envelope: EventEnvelope, data: WebhookEndpointDisabled) -> Message:
    why = f" The last error: {data.last_error}" if data.last_error else ""
    return Message(
        title=f"Webhook endpoint {data.host} was disabled",
        body=f"Deliveries to {data.host} failed {data.consecutive_failures} times in a row, so Trellis "
             f"stopped sending to it.{why} Fix the endpoint, then enable it again.",
        vendor_link=f"/settings/webhooks/{data.endpoint_id}",
        partner_link=f"/settings/webhooks/{data.endpoint_id}",
        subject={"endpoint_id": data.endpoint_id, "host": data.host},
    )


RULES: Mapping[str, Rule] = {
    PartnershipStageChanged.event_type: Rule("partnership_stage", "partnership.stage_changed",
                                             _stage_changed, _stage_message),
    PartnershipUserAssigned.event_type: Rule("partnership_assignment", "partnership.user_assigned",
                                             _user_assigned, _assigned_message),
    LeadCreated.event_type: Rule("lead", "lead.received", _lead_created, _lead_message),
    LeadSent.event_type: Rule("lead", "lead.received", _lead_arrived, _lead_message),
    LeadAccepted.event_type: Rule("lead_response", "lead.accepted", _lead_answered, _answer_message),
    LeadDeclined.event_type: Rule("lead_response", "lead.declined", _lead_answered, _answer_message),
    DealWon.event_type: Rule("deal", "deal.won", _deal_won, _deal_message),
    CommissionApproved.event_type: Rule("commission", "commission.approved", _commission_approved,
                                        _approved_message),
    PayoutPaid.event_type: Rule("commission", "commission.paid", _payout_paid, _paid_message),
    TeammateInvited.event_type: Rule("invitation", None, _invitee, _invitation_message, email_only=True,
                                     email_context=_invitation_context),
    PartnerInvited.event_type: Rule("invitation", None, _invitee, _invitation_message, email_only=True,
                                    email_context=_invitation_context),
    InvitationResent.event_type: Rule("invitation", None, _invitee, _invitation_message, email_only=True,
                                      email_context=_invitation_context),
    MessagePosted.event_type: Rule("message", "message.posted", _message_posted, _posted_message),
    TaskAssigned.event_type: Rule("task", "task.assigned", _task_assigned, _task_message),
    CertificationEarned.event_type: Rule("certification", "certification.earned", _certification_earned,
                                         _certification_message),
    # Not sent to webhooks: the endpoints are what failed.
    WebhookEndpointDisabled.event_type: Rule("integration", None, _endpoint_disabled, _disabled_message),
}

"""Who hears about what: the rule table, event by event (rules are pure: they read only the event)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from trellis.events import SYSTEM, Actor, EventData, EventEnvelope
from trellis.events.catalogue import CATALOGUE, examples
from trellis.events.leads import (
    AttributionLink,
    DealSnapshot,
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

from notifications.logic.catalog import CATEGORIES, WEBHOOK_EVENT_TYPES  # isort: skip
from notifications.logic.rules import (  # isort: skip
    PARTNER_ADMINS, PARTNER_DEALMAKERS, RULES, VENDOR_FALLBACK, Audience,
)

BEN = Actor(kind="user", user_id="u-ben", organisation_id="acme")
AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _audiences(data: EventData, tenant: str = "acme", actor: Actor = SYSTEM) -> list[Audience]:
    envelope = EventEnvelope.new(data, tenant_id=tenant, actor=actor)
    return RULES[envelope.type].audiences(envelope, data)


def _title(data: EventData) -> str:
    envelope = EventEnvelope.new(data, tenant_id="acme", actor=SYSTEM)
    return RULES[envelope.type].message(envelope, data).title


def _lead(**fields: object) -> LeadSnapshot:
    values: dict[str, object] = {
        "lead_id": "l1", "vendor_organisation_id": "acme", "origin": "partner", "status": "sent",
        "sender_organisation_id": "northwind", "receiver_organisation_id": "acme", "partnership_id": "p1",
        "company_name": "Globex", "created_by_user_id": "u-sally", "created_at": AT, "version": 1,
        "attribution": [AttributionLink(role="vendor", organisation_id="acme"),
                        AttributionLink(role="partner", organisation_id="northwind", partnership_id="p1")],
    }
    values.update(fields)
    return LeadSnapshot.model_validate(values)


def test_the_table_covers_known_events_categories_and_webhook_types() -> None:
    assert set(RULES) <= set(CATALOGUE)
    for rule in RULES.values():
        assert rule.category in CATEGORIES or rule.email_only
        assert rule.webhook_type is None or rule.webhook_type in WEBHOOK_EVENT_TYPES


def test_every_rule_reads_its_catalogue_example_without_failing() -> None:
    for event_type, rule in RULES.items():
        example = examples()[CATALOGUE[event_type]]
        envelope = EventEnvelope.new(example, tenant_id="acme", actor=SYSTEM)
        rule.audiences(envelope, example)
        assert rule.message(envelope, example).title


def test_a_stage_change_reaches_the_assigned_users_and_the_partners_admins() -> None:
    data = PartnershipStageChanged(partnership_id="p1", company_name="Northwind", from_stage="recruitment",
                                   to_stage="onboarding", assigned_user_ids=["u-1", "u-2"])
    assert _audiences(data) == [
        Audience(side="vendor", organisation_id="acme", user_ids=("u-1", "u-2")),
        Audience(side="partner", partnership=("acme", "p1"), roles=PARTNER_ADMINS),
    ]
    assert _title(data) == "Northwind moved to onboarding"


def test_an_assignment_reaches_the_user_assigned() -> None:
    data = PartnershipUserAssigned(partnership_id="p1", company_name="Northwind", user_id="u-cleo",
                                   assigned_user_ids=["u-cleo"])
    assert _audiences(data) == [Audience(side="vendor", organisation_id="acme", user_ids=("u-cleo",))]


def test_a_lead_created_and_sent_at_once_is_told_once_by_its_lead_sent() -> None:
    # the leads service writes LeadCreated and LeadSent in one transaction for a lead that leaves its sender
    assert _audiences(LeadCreated(lead=_lead())) == []
    assert len(_audiences(LeadSent(lead=_lead()))) == 1


def test_a_partners_lead_reaches_the_vendors_assignees_and_no_one_of_the_sender() -> None:
    assert _audiences(LeadSent(lead=_lead())) == [
        Audience(side="vendor", organisation_id="acme", assignees_of="p1"),
    ]


def test_a_distributors_lead_reaches_the_vendor_and_the_reseller_but_not_the_distributor() -> None:
    lead = _lead(origin="distributor", sender_organisation_id="dist", partnership_id="p-contoso",
                 distributor_partnership_id="p-dist", attribution=[
                     AttributionLink(role="vendor", organisation_id="acme"),
                     AttributionLink(role="distributor", organisation_id="dist", partnership_id="p-dist"),
                     AttributionLink(role="reseller", organisation_id="contoso", partnership_id="p-contoso")])
    assert _audiences(LeadSent(lead=lead)) == [
        Audience(side="vendor", organisation_id="acme", assignees_of="p-contoso"),
        Audience(side="partner", organisation_id="contoso", roles=PARTNER_DEALMAKERS),
    ]


def test_a_vendor_lead_sent_to_a_reseller_reaches_its_distributor_and_the_reseller() -> None:
    lead = _lead(origin="vendor", sender_organisation_id="acme", receiver_organisation_id="contoso",
                 partnership_id="p-contoso", attribution=[
                     AttributionLink(role="vendor", organisation_id="acme"),
                     AttributionLink(role="distributor", organisation_id="dist", partnership_id="p-dist"),
                     AttributionLink(role="reseller", organisation_id="contoso", partnership_id="p-contoso")])
    assert _audiences(LeadSent(lead=lead)) == [
        Audience(side="partner", organisation_id="dist", roles=PARTNER_DEALMAKERS),
        Audience(side="partner", organisation_id="contoso", roles=PARTNER_DEALMAKERS),
    ]


def test_a_vendors_draft_lead_reaches_nobody() -> None:
    lead = _lead(origin="vendor", status="not_sent", sender_organisation_id="acme",
                 receiver_organisation_id=None, partnership_id=None,
                 attribution=[AttributionLink(role="vendor", organisation_id="acme")])
    assert _audiences(LeadCreated(lead=lead)) == []


def test_an_answer_to_a_lead_reaches_its_submitter() -> None:
    sally = [Audience(side="partner", organisation_id="northwind", user_ids=("u-sally",))]
    accepted = LeadAccepted(lead=_lead(status="accepted"), deal_id="d1")
    assert _audiences(accepted) == sally
    declined = LeadDeclined(lead=_lead(status="declined"), declined_by_organisation_id="acme",
                            reason="No fit")
    assert _audiences(declined) == sally
    assert _title(declined) == "Lead declined: Globex"


def test_an_answer_to_a_lead_without_a_known_submitter_reaches_the_senders_dealmakers() -> None:
    accepted = LeadAccepted(lead=_lead(status="accepted", created_by_user_id=None), deal_id="d1")
    assert _audiences(accepted) == [Audience(side="partner", organisation_id="northwind",
                                             roles=PARTNER_DEALMAKERS)]


def _deal(**fields: object) -> DealSnapshot:
    values: dict[str, object] = {
        "deal_id": "d1", "vendor_organisation_id": "acme", "owner_organisation_id": "acme", "name": "Globex",
        "status": "closed_won", "amount": Decimal("1000.00"), "currency": "EUR", "source": "partner",
        "partnership_id": "p1", "version": 2,
        "attribution": [AttributionLink(role="vendor", organisation_id="acme"),
                        AttributionLink(role="partner", organisation_id="northwind", partnership_id="p1")],
    }
    values.update(fields)
    return DealSnapshot.model_validate(values)


def test_a_won_deal_reaches_the_partner_and_the_vendors_assignees() -> None:
    assert _audiences(DealWon(deal=_deal())) == [
        Audience(side="vendor", organisation_id="acme", assignees_of="p1"),
        Audience(side="partner", organisation_id="northwind", roles=PARTNER_DEALMAKERS),
    ]
    assert _title(DealWon(deal=_deal())) == "Deal won: Globex"


def test_an_internal_deal_won_reaches_nobody() -> None:
    internal = _deal(source="internal", partnership_id=None, attribution=[])
    assert _audiences(DealWon(deal=internal)) == []


def test_commissions_reach_the_beneficiarys_admins_and_sales() -> None:
    approved = examples()[CommissionApproved]
    assert isinstance(approved, CommissionApproved)
    contoso = [Audience(side="partner", organisation_id="contoso", roles=PARTNER_DEALMAKERS)]
    assert _audiences(approved) == contoso
    paid = examples()[PayoutPaid]
    assert _audiences(paid) == contoso
    assert _title(paid) == "Payout paid: 840.00 EUR"


def test_a_commission_of_a_partner_that_has_not_joined_reaches_nobody() -> None:
    approved = examples()[CommissionApproved]
    assert isinstance(approved, CommissionApproved)
    entry = approved.entry.model_copy(update={
        "beneficiary": approved.entry.beneficiary.model_copy(update={"organisation_id": None})})
    assert _audiences(CommissionApproved(entry=entry)) == []


def test_invitations_go_by_email_to_the_invitee_only() -> None:
    for event_type in (TeammateInvited, PartnerInvited, InvitationResent):
        example = examples()[event_type]
        rule = RULES[event_type.event_type]
        assert rule.email_only
        assert rule.webhook_type is None
        [audience] = _audiences(example)
        assert audience.address == example.email
        envelope = EventEnvelope.new(example, tenant_id="acme", actor=SYSTEM)
        assert rule.email_context is not None
        context = rule.email_context(envelope, example)
        assert context["accept_url"].endswith(f"token={example.accept_token}")


def test_a_message_reaches_the_other_side() -> None:
    from_vendor = examples()[MessagePosted]
    assert isinstance(from_vendor, MessagePosted)
    partner = from_vendor.partner_organisation_id
    assert _audiences(from_vendor) == [Audience(side="partner", organisation_id=partner, everyone=True)]
    from_partner = from_vendor.model_copy(update={"author_side": "partner"})
    assert _audiences(from_partner) == [Audience(side="vendor", organisation_id="acme",
                                                 assignees_of=from_vendor.partnership_id)]


def test_a_vendors_message_to_a_partner_that_has_not_joined_reaches_nobody() -> None:
    from_vendor = examples()[MessagePosted]
    assert isinstance(from_vendor, MessagePosted)
    assert _audiences(from_vendor.model_copy(update={"partner_organisation_id": ""})) == []


def test_a_task_reaches_its_assignee_on_their_side() -> None:
    task = TaskAssigned(project_id="pr1", project_name="Roll-out", task_id="t1", title="Migrate",
                        partnership_id="p1", assignee_organisation_id="northwind", assignee_user_id="u-sally",
                        due_on=date(2026, 3, 31))
    assert _audiences(task) == [Audience(side="partner", organisation_id="northwind", user_ids=("u-sally",))]
    ours = task.model_copy(update={"assignee_organisation_id": "acme", "assignee_user_id": "u-ben"})
    assert _audiences(ours) == [Audience(side="vendor", organisation_id="acme", user_ids=("u-ben",))]


def test_a_certification_reaches_the_partners_admins() -> None:
    earned = examples()[CertificationEarned]
    assert isinstance(earned, CertificationEarned)
    assert _audiences(earned) == [Audience(side="partner", organisation_id=earned.partner_organisation_id,
                                           roles=PARTNER_ADMINS)]


def test_the_vendor_fallback_is_its_admins_and_partner_managers() -> None:
    assert {"admin", "partner_manager"} == VENDOR_FALLBACK
    _ = BEN


def test_a_disabled_webhook_endpoint_reaches_its_organisations_admins_but_no_webhook() -> None:
    disabled = examples()[WebhookEndpointDisabled]
    assert isinstance(disabled, WebhookEndpointDisabled)
    assert _audiences(disabled) == [Audience(side="vendor", organisation_id=disabled.organisation_id,
                                             roles=frozenset({"admin", "partner_admin"}))]
    assert RULES[WebhookEndpointDisabled.event_type].webhook_type is None

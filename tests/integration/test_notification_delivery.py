"""Every rule end to end through the notifications consumer: the directory it builds from events, the
inbox of each person it names, the emails it queues (by preference), exactly once per event."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from tests.helpers.aws import Stack
from tests.helpers.dynamodb_calls import recording
from tests.helpers.events import stage_changed
from tests.helpers.lambda_runtime import ApiClient, User
from tests.helpers.people import ANA, BEN, CLEO, PAT, SALLY, ZED
from trellis.events import Actor, EventData, EventEnvelope
from trellis.events.catalogue import examples
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
from trellis.events.organisations import (
    PartnerInvited,
    PartnerJoined,
    UserRegistered,
    UserRemoved,
    UserRolesChanged,
)
from trellis.events.partners import PartnershipCreated, PartnershipUserAssigned
from trellis.events.portal import CertificationEarned, MessagePosted, TaskAssigned

TABLE = "NotificationsTable"
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
TOM = User("u-tom", "northwind", ("marketing",), "tom@northwind.example")
BEN_ACTS = Actor(kind="user", user_id="u-ben", organisation_id="acme")
SALLY_ACTS = Actor(kind="user", user_id="u-sally", organisation_id="northwind")


def _event(
    data: EventData, *, tenant: str = "acme", actor: Actor | None = None, at: datetime | None = None
) -> EventEnvelope:
    return EventEnvelope.new(
        data, tenant_id=tenant, actor=actor or Actor(kind="system"), occurred_at=at or datetime.now(UTC)
    )


def _registered(user: User, at: datetime = T0) -> EventEnvelope:
    return _event(
        UserRegistered(
            user_id=user.user_id,
            organisation_id=user.organisation_id,
            email=user.email or "",
            name=user.user_id.removeprefix("u-").title(),
            roles=list(user.roles),
        ),
        tenant=user.organisation_id,
        at=at,
    )


@pytest.fixture
def world(deliver: Callable[..., Any]) -> None:
    """acme (Ana admin, Ben partner manager, Cleo member, Pat) and northwind (Sally partner admin + sales,
    Tom marketing) known to the directory; partnership p1 with Northwind assigned to Ben, joined."""
    people = [ANA, BEN, CLEO, PAT, SALLY, TOM]
    assert deliver(*[_registered(person) for person in people]).failed == []
    created = _event(
        PartnershipCreated(
            partnership_id="p1",
            company_name="Northwind",
            partnership_type="reseller",
            stage="recruitment",
            assigned_user_ids=["u-ben"],
        ),
        at=T0,
    )
    joined = _event(
        PartnerJoined(
            partnership_id="p1",
            company_name="Northwind",
            partner_organisation_id="northwind",
            organisation_created=True,
            user_id="u-sally",
            email="sally@northwind.example",
        ),
        at=T0,
    )
    assert deliver(created, joined).failed == []


def _inbox(service: Callable[..., ApiClient], user: User) -> list[dict[str, Any]]:
    response = service("notifications").get("/notifications", user=user)
    assert response.status == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def _titles(service: Callable[..., ApiClient], user: User) -> list[str]:
    return [item["title"] for item in _inbox(service, user)]


def _emails(aws: Stack) -> list[dict[str, Any]]:
    return aws.items(TABLE, entity="Email")


def _emails_to(aws: Stack, address: str) -> list[dict[str, Any]]:
    return [item for item in _emails(aws) if item.get("to_address") == address]


def _lead(**fields: Any) -> LeadSnapshot:
    values: dict[str, Any] = {
        "lead_id": "l1",
        "vendor_organisation_id": "acme",
        "origin": "partner",
        "status": "sent",
        "sender_organisation_id": "northwind",
        "receiver_organisation_id": "acme",
        "partnership_id": "p1",
        "company_name": "Globex",
        "created_by_user_id": "u-sally",
        "created_at": T0,
        "version": 1,
        "attribution": [
            AttributionLink(role="vendor", organisation_id="acme"),
            AttributionLink(role="partner", organisation_id="northwind", partnership_id="p1"),
        ],
    }
    values.update(fields)
    return LeadSnapshot.model_validate(values)


# ------------------------------------------------------------------ rules


@pytest.mark.usefixtures("world")
def test_a_stage_change_reaches_the_assignees_and_the_partners_admins_but_not_the_mover(
    deliver: Callable[..., Any],
    service: Callable[..., ApiClient],
    aws: Stack,
) -> None:
    moved = stage_changed(assigned=["u-ben", "u-cleo"], actor=BEN_ACTS)
    assert deliver(moved).failed == []
    assert _titles(service, CLEO) == ["Northwind moved to onboarding"]
    assert _titles(service, SALLY) == ["Northwind moved to onboarding"]
    assert _titles(service, BEN) == []  # he moved it
    assert _titles(service, TOM) == []  # not an admin
    assert _titles(service, ANA) == []  # not assigned
    # Sally's notification is in northwind's inbox and links into the portal's path
    assert _inbox(service, SALLY)[0]["link"] == "/partnerships/p1"
    # and both got an email (the category's default), once each
    assert {item["to_address"] for item in _emails(aws)} == {"cleo@acme.example", "sally@northwind.example"}


@pytest.mark.usefixtures("world")
def test_an_assignment_reaches_only_the_user_assigned(
    deliver: Callable[..., Any],
    service: Callable[..., ApiClient],
) -> None:
    assigned = _event(
        PartnershipUserAssigned(
            partnership_id="p1",
            company_name="Northwind",
            user_id="u-cleo",
            assigned_user_ids=["u-ben", "u-cleo"],
        ),
        actor=BEN_ACTS,
    )
    assert deliver(assigned).failed == []
    assert _titles(service, CLEO) == ["You now look after Northwind"]
    assert _titles(service, BEN) == []


@pytest.mark.usefixtures("world")
def test_a_partners_lead_reaches_the_vendors_assignees_and_its_answer_reaches_the_submitter(
    deliver: Callable[..., Any],
    service: Callable[..., ApiClient],
) -> None:
    assert deliver(_event(LeadCreated(lead=_lead()), actor=SALLY_ACTS),
                   _event(LeadSent(lead=_lead()), actor=SALLY_ACTS)).failed == []
    assert _titles(service, BEN) == ["New lead: Globex"]
    assert _titles(service, SALLY) == []  # she sent it
    assert _titles(service, ANA) == []  # Ben is assigned: the admins are not bothered

    accepted = _event(LeadAccepted(lead=_lead(status="accepted", version=2), deal_id="d1"), actor=BEN_ACTS)
    declined_elsewhere = _event(
        LeadDeclined(
            lead=_lead(lead_id="l2", status="declined", company_name="Initech"),
            declined_by_organisation_id="acme",
            reason="Out of territory",
        ),
        actor=BEN_ACTS,
    )
    assert deliver(accepted, declined_elsewhere).failed == []
    assert sorted(_titles(service, SALLY)) == ["Lead accepted: Globex", "Lead declined: Initech"]
    assert _titles(service, TOM) == []


@pytest.mark.usefixtures("world")
def test_a_lead_of_a_partnership_nobody_is_assigned_to_reaches_the_vendors_admins_and_partner_managers(
    deliver: Callable[..., Any],
    service: Callable[..., ApiClient],
) -> None:
    unassigned = _event(
        PartnershipCreated(
            partnership_id="p2", company_name="Contoso", partnership_type="referral", stage="recruitment"
        )
    )
    assert deliver(unassigned).failed == []
    lead = _lead(
        partnership_id="p2",
        attribution=[
            AttributionLink(role="vendor", organisation_id="acme"),
            AttributionLink(role="partner", organisation_id="northwind", partnership_id="p2"),
        ],
    )
    assert deliver(_event(LeadSent(lead=lead), actor=SALLY_ACTS)).failed == []
    assert _titles(service, ANA) == ["New lead: Globex"]
    assert _titles(service, BEN) == ["New lead: Globex"]
    assert _titles(service, CLEO) == []  # a member


@pytest.mark.usefixtures("world")
def test_a_won_deal_reaches_the_partners_dealmakers_and_the_assignees(
    deliver: Callable[..., Any],
    service: Callable[..., ApiClient],
) -> None:
    deal = DealSnapshot(
        deal_id="d1",
        vendor_organisation_id="acme",
        owner_organisation_id="acme",
        name="Globex",
        status="closed_won",
        amount=Decimal("1200.00"),
        currency="EUR",
        source="partner",
        partnership_id="p1",
        version=3,
        attribution=[
            AttributionLink(role="vendor", organisation_id="acme"),
            AttributionLink(role="partner", organisation_id="northwind", partnership_id="p1"),
        ],
    )
    assert (
        deliver(
            _event(DealWon(deal=deal), actor=Actor(kind="user", user_id="u-ana", organisation_id="acme"))
        ).failed
        == []
    )
    assert _titles(service, SALLY) == ["Deal won: Globex"]
    assert _titles(service, BEN) == ["Deal won: Globex"]
    assert _titles(service, TOM) == []


@pytest.mark.usefixtures("world")
def test_commissions_reach_the_beneficiarys_admins_and_sales(
    deliver: Callable[..., Any],
    service: Callable[..., ApiClient],
) -> None:
    approved = examples()[CommissionApproved]
    paid = examples()[PayoutPaid]
    assert isinstance(approved, CommissionApproved)
    assert isinstance(paid, PayoutPaid)
    to_northwind = approved.entry.model_copy(
        update={"beneficiary": approved.entry.beneficiary.model_copy(update={"organisation_id": "northwind"})}
    )
    payout = paid.payout.model_copy(update={"organisation_id": "northwind"})
    assert (
        deliver(_event(CommissionApproved(entry=to_northwind)), _event(PayoutPaid(payout=payout))).failed
        == []
    )
    assert sorted(_titles(service, SALLY)) == ["Commission approved: 840.00 EUR", "Payout paid: 840.00 EUR"]
    assert _titles(service, TOM) == []


@pytest.mark.usefixtures("world")
def test_an_invitation_goes_to_the_invitees_address_by_email_only(
    deliver: Callable[..., Any],
    aws: Stack,
) -> None:
    invited = examples()[PartnerInvited]
    assert deliver(_event(invited)).failed == []
    [queued] = _emails_to(aws, "sally@northwind.example")
    assert queued["template"] == "invitation"
    assert aws.entity_counts(TABLE)["Notification"] == 0


@pytest.mark.usefixtures("world")
def test_messages_reach_the_other_side(
    deliver: Callable[..., Any], service: Callable[..., ApiClient]
) -> None:
    from_vendor = MessagePosted(
        message_id="m1",
        partnership_id="p1",
        company_name="Northwind",
        vendor_organisation_id="acme",
        partner_organisation_id="northwind",
        author_side="vendor",
        author_user_id="u-ben",
        author_name="Ben",
        excerpt="Can we review the pipeline?",
    )
    from_partner = from_vendor.model_copy(
        update={
            "message_id": "m2",
            "author_side": "partner",
            "author_user_id": "u-sally",
            "author_name": "Sally",
            "excerpt": "Sure, Tuesday?",
        }
    )
    assert deliver(_event(from_vendor, actor=BEN_ACTS), _event(from_partner, actor=SALLY_ACTS)).failed == []
    assert _titles(service, SALLY) == ["New message from Ben"]
    assert _titles(service, TOM) == ["New message from Ben"]  # the whole partner side
    assert _titles(service, BEN) == ["New message from Sally"]  # the partnership's assignee
    assert _titles(service, CLEO) == []


@pytest.mark.usefixtures("world")
def test_tasks_reach_their_assignee_and_certifications_the_partners_admins(
    deliver: Callable[..., Any],
    service: Callable[..., ApiClient],
) -> None:
    task = TaskAssigned(
        project_id="pr1",
        project_name="Roll-out",
        task_id="t1",
        title="Migrate the data",
        partnership_id="p1",
        assignee_organisation_id="northwind",
        assignee_user_id="u-tom",
    )
    earned = CertificationEarned(
        certification_id="c1",
        certification_name="Acme Sales Pro",
        partnership_id="p1",
        partner_organisation_id="northwind",
        user_id="u-tom",
        user_name="Tom",
    )
    assert deliver(_event(task, actor=BEN_ACTS), _event(earned)).failed == []
    assert _titles(service, TOM) == ["Task for you: Migrate the data"]
    assert _titles(service, SALLY) == ["Tom earned Acme Sales Pro"]


# ------------------------------------------------------------------ directory


@pytest.mark.usefixtures("world")
def test_role_changes_and_removals_change_who_hears_and_old_events_do_not_undo_them(
    deliver: Callable[..., Any],
    service: Callable[..., ApiClient],
) -> None:
    promoted = _event(
        UserRolesChanged(
            user_id="u-tom",
            organisation_id="northwind",
            email="tom@northwind.example",
            from_roles=["marketing"],
            to_roles=["partner_admin"],
        ),
        tenant="northwind",
        at=T0 + timedelta(hours=2),
    )
    removed = _event(
        UserRemoved(user_id="u-sally", organisation_id="northwind", email="sally@northwind.example"),
        tenant="northwind",
        at=T0 + timedelta(hours=2),
    )
    late_registration = _registered(SALLY, at=T0 + timedelta(hours=1))  # older than her removal
    assert deliver(promoted, removed, late_registration).failed == []

    moved = stage_changed(assigned=["u-ben"], to_stage="active", actor=BEN_ACTS)
    assert deliver(moved).failed == []
    assert _titles(service, TOM) == ["Northwind moved to active"]
    assert _titles(service, SALLY) == []


# ------------------------------------------------------------------ preferences


@pytest.mark.usefixtures("world")
def test_each_person_gets_the_channels_they_chose(
    deliver: Callable[..., Any],
    service: Callable[..., ApiClient],
    aws: Stack,
) -> None:
    api = service("notifications")
    quiet = api.patch(
        "/notifications/preferences",
        user=CLEO,
        json_body={"categories": {"partnership_stage": {"email": False}}},
    )
    assert quiet.status == 200, quiet.text
    silent = api.patch(
        "/notifications/preferences",
        user=SALLY,
        json_body={"categories": {"partnership_stage": {"in_app": False, "email": False}}},
    )
    assert silent.status == 200, silent.text

    moved = stage_changed(assigned=["u-ben", "u-cleo"], actor=BEN_ACTS)
    assert deliver(moved).failed == []
    assert _titles(service, CLEO) == ["Northwind moved to onboarding"]  # in-app still on
    assert _titles(service, SALLY) == []
    assert _emails(aws) == []


# ------------------------------------------------------------------ exactly once


@pytest.mark.usefixtures("world")
def test_a_duplicated_event_gives_one_notification_and_one_email(
    deliver: Callable[..., Any],
    service: Callable[..., ApiClient],
    aws: Stack,
) -> None:
    moved = stage_changed(assigned=["u-cleo"])
    assert deliver(moved, moved).failed == []
    assert deliver(moved).failed == []
    assert _titles(service, CLEO) == ["Northwind moved to onboarding"]
    assert service("notifications").get("/notifications/unread-count", user=CLEO).json() == {"unread": 1}
    assert len(_emails_to(aws, "cleo@acme.example")) == 1


@pytest.mark.usefixtures("world")
def test_a_poison_message_fails_alone(deliver: Callable[..., Any], service: Callable[..., ApiClient]) -> None:
    good = _event(
        PartnershipUserAssigned(
            partnership_id="p1", company_name="Northwind", user_id="u-cleo", assigned_user_ids=["u-cleo"]
        )
    )
    broken = {"detail": {"id": "x", "type": "PartnershipStageChanged"}}  # no envelope
    delivery = deliver("not json", broken, good)
    assert delivery.failed == delivery.message_ids[:2]
    assert _titles(service, CLEO) == ["You now look after Northwind"]


@pytest.mark.usefixtures("world")
def test_an_event_costs_a_bounded_number_of_dynamodb_calls(deliver: Callable[..., Any]) -> None:
    moved = stage_changed(assigned=["u-ben", "u-cleo"])
    with recording() as calls:
        assert deliver(moved).failed == []
    # The directory's assignees (1 UpdateItem), the partnership (1 BatchGetItem), northwind's people for
    # "its admins" (1 Query), the people named (1 BatchGetItem), then per person an inbox transaction and
    # an email (PutItem), and for each organisation its webhook endpoints (1 Query).
    assert calls.on(TABLE) == [
        "UpdateItem",
        "BatchGetItem",
        "Query",
        "BatchGetItem",
        "TransactWriteItems",
        "PutItem",
        "TransactWriteItems",
        "PutItem",
        "TransactWriteItems",
        "PutItem",
        "Query",
        "Query",
    ]


@pytest.mark.usefixtures("world")
def test_each_organisation_in_the_audience_gets_the_event_on_its_subscribed_webhook_endpoints(
    deliver: Callable[..., Any],
    service: Callable[..., ApiClient],
    function: Callable[[str], Any],
    aws: Stack,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.helpers.webhooks import drain, the_internet, work

    internet = the_internet(monkeypatch)
    api = service("notifications")
    # Given acme listens to stage changes, northwind to stage changes, and acme-corp (not party) too
    for user, host in ((ANA, "hooks.acme.example"), (SALLY, "hooks.northwind.example"),
                       (ZED, "hooks.acme-corp.example")):
        created = api.post("/webhooks/endpoints", user=user, json_body={
            "url": f"https://{host}/in", "event_types": ["partnership.stage_changed"]})
        assert created.status == 201, created.text
    moved = stage_changed(assigned=["u-cleo"], actor=BEN_ACTS)
    # When the stage change is delivered (twice), and the webhook worker drains its queue
    assert deliver(moved, moved).failed == []
    queued = drain(aws)
    assert work(aws, function("NotificationsWebhookWorkerFunction"),
                *[message.body for message in queued]) == {"batchItemFailures": []}
    # Then acme's and northwind's endpoints got it once each, and acme-corp's nothing
    received = {request.host: request.json() for request in internet.received}
    assert sorted(received) == ["hooks.acme.example", "hooks.northwind.example"]
    assert len(internet.received) == 2
    for body in received.values():
        assert body["type"] == "partnership.stage_changed"
        assert body["data"]["partnership_id"] == "p1"
        assert body["data"]["to_stage"] == "onboarding"

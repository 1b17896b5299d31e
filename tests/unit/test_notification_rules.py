"""Who hears about what: the notification rules, event by event."""

from __future__ import annotations

from trellis.events import SYSTEM, Actor, EventEnvelope
from trellis.events.catalogue import CATALOGUE
from trellis.events.partners import PartnershipStageChanged, PartnershipUserAssigned

from notifications.logic.rules import RULES, Notice  # isort: skip


def _stage_changed(
    assigned: list[str],
    actor: Actor = SYSTEM,
) -> tuple[EventEnvelope, PartnershipStageChanged]:
    data = PartnershipStageChanged(
        partnership_id="p1",
        company_name="Northwind",
        from_stage="recruitment",
        to_stage="onboarding",
        assigned_user_ids=assigned,
    )
    return EventEnvelope.new(data, tenant_id="acme", actor=actor), data


def test_every_rule_is_for_a_catalogue_event_type() -> None:
    assert set(RULES) <= set(CATALOGUE)


def test_a_stage_change_notifies_each_assigned_user() -> None:
    envelope, data = _stage_changed(["u-1", "u-2"])
    notices = RULES[envelope.type](envelope, data)
    assert notices == [
        Notice(
            organisation_id="acme",
            user_id=user,
            category="partnership_stage",
            title="Northwind moved to onboarding",
            body="Northwind moved from recruitment to onboarding.",
            link="/partnerships/p1",
        )
        for user in ("u-1", "u-2")
    ]


def test_the_person_who_moved_the_partnership_is_not_told_about_it() -> None:
    mover = Actor(kind="user", user_id="u-1", organisation_id="acme")
    envelope, data = _stage_changed(["u-1", "u-2"], actor=mover)
    assert [notice.user_id for notice in RULES[envelope.type](envelope, data)] == ["u-2"]


def test_each_user_is_notified_once_even_if_listed_twice() -> None:
    envelope, data = _stage_changed(["u-2", "u-1", "u-2"])
    assert [notice.user_id for notice in RULES[envelope.type](envelope, data)] == ["u-2", "u-1"]


def test_no_assigned_users_no_notices() -> None:
    envelope, data = _stage_changed([])
    assert RULES[envelope.type](envelope, data) == []


def test_notices_stay_in_the_events_organisation() -> None:
    envelope, data = _stage_changed(["u-1"])
    assert {notice.organisation_id for notice in RULES[envelope.type](envelope, data)} == {envelope.tenant_id}


def _user_assigned(user_id: str, actor: Actor) -> tuple[EventEnvelope, PartnershipUserAssigned]:
    data = PartnershipUserAssigned(
        partnership_id="p1", company_name="Northwind", user_id=user_id, assigned_user_ids=[user_id],
    )
    return EventEnvelope.new(data, tenant_id="acme", actor=actor), data


def test_an_assignment_notifies_the_assigned_user() -> None:
    envelope, data = _user_assigned("u-ben", Actor(user_id="u-ana", organisation_id="acme"))
    assert RULES[envelope.type](envelope, data) == [
        Notice(
            organisation_id="acme",
            user_id="u-ben",
            category="partnership_assignment",
            title="You now look after Northwind",
            body="You were assigned to the partnership with Northwind.",
            link="/partnerships/p1",
        ),
    ]


def test_assigning_yourself_notifies_nobody() -> None:
    envelope, data = _user_assigned("u-ben", Actor(user_id="u-ben", organisation_id="acme"))
    assert RULES[envelope.type](envelope, data) == []

"""The leads service's projection of partnerships, kept from the partners service's events."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tests.helpers.aws import Stack
from tests.helpers.leads_world import (
    CONTOSO,
    DIST_A,
    NORTHWIND,
    OTHER_VENDOR,
    PERCENT_10,
    T0,
    VENDOR,
    assigned,
    created,
    event,
    icp,
    joined,
)
from trellis.events.commissions import CommissionPlanCleared
from trellis.events.network import ResellerUnassigned
from trellis.events.partners import (
    PartnershipArchived,
    PartnershipDeleted,
    PartnershipStageChanged,
    PartnershipUpdated,
)

TABLE = "LeadsTable"
Project = Callable[..., dict[str, Any]]


def _items(aws: Stack, entity: str) -> list[dict[str, Any]]:
    return [item for item in aws.items(TABLE) if item.get("entity") == entity]


def _view(aws: Stack, pid: str) -> dict[str, Any]:
    [view] = [item for item in _items(aws, "PartnershipView") if item["partnership_id"] == pid]
    return view


def test_a_partnership_is_projected_with_its_partner_organisation(aws: Stack, project: Project) -> None:
    # Given a partnership created, joined and given an ICP
    project(created(NORTHWIND, "Northwind", "reseller", tier="gold"),
            joined(NORTHWIND, "Northwind", "northwind"), icp(NORTHWIND, 1, countries=["DE"]))

    # Then the view holds what leads needs, and the partner organisation can reach it
    view = _view(aws, NORTHWIND)
    assert view["pk"] == f"ORG#{VENDOR}#PARTNERSHIP#{NORTHWIND}#"
    assert (view["company_name"], view["partnership_type"], view["tier"], view["stage"]) == (
        "Northwind", "reseller", "gold", "activation")
    assert view["partner_organisation_id"] == "northwind"
    assert '"DE"' in view["icp_json"]
    [counterpart] = _items(aws, "Counterpart")
    assert counterpart["pk"] == f"ORG#northwind#COUNTERPART#{NORTHWIND}#"
    assert counterpart["vendor_organisation_id"] == VENDOR


def test_events_out_of_order_never_move_a_partnership_back(aws: Stack, project: Project) -> None:
    # Given a later update and stage change delivered before the creation and an older ICP version
    later = event(PartnershipUpdated(partnership_id=NORTHWIND, company_name="Northwind GmbH",
                                     partnership_type="reseller", country="AT", tier="silver", changes=[]),
                  hours=5)
    moved = event(PartnershipStageChanged(partnership_id=NORTHWIND, company_name="Northwind",
                                          from_stage="activation", to_stage="growth"), hours=6)
    project(later, moved, icp(NORTHWIND, 2, countries=["AT"]))
    project(created(NORTHWIND, "Northwind", "reseller", tier="gold"), icp(NORTHWIND, 1, countries=["DE"]))

    # Then the newest of each aspect stays
    view = _view(aws, NORTHWIND)
    assert (view["company_name"], view["country"], view["tier"], view["stage"]) == (
        "Northwind GmbH", "AT", "silver", "growth")
    assert view["icp_version"] == 2
    assert '"AT"' in view["icp_json"]


def test_a_deleted_partnership_stays_deleted_and_leaves_its_partner(aws: Stack, project: Project) -> None:
    project(created(NORTHWIND, "Northwind", "reseller"), joined(NORTHWIND, "Northwind", "northwind"))
    project(event(PartnershipArchived(partnership_id=NORTHWIND, company_name="Northwind"), hours=2),
            event(PartnershipDeleted(partnership_id=NORTHWIND, company_name="Northwind",
                                     partner_organisation_id="northwind"), hours=3))
    # a late event after the deletion
    project(icp(NORTHWIND, 5, countries=["FR"]))

    view = _view(aws, NORTHWIND)
    assert view["deleted"] is True
    assert view["archived"] is True
    assert view.get("icp_json") is None
    assert _items(aws, "Counterpart") == []


def test_archiving_shows_on_the_partner_side(aws: Stack, project: Project) -> None:
    project(created(NORTHWIND, "Northwind", "reseller"), joined(NORTHWIND, "Northwind", "northwind"),
            event(PartnershipArchived(partnership_id=NORTHWIND, company_name="Northwind"), hours=2))
    [counterpart] = _items(aws, "Counterpart")
    assert counterpart["archived"] is True


def test_plans_keep_the_newest_version(aws: Stack, project: Project) -> None:
    from trellis.events.commissions import CommissionPlanSet

    set_v1 = event(CommissionPlanSet(partnership_id=CONTOSO, company_name="Contoso", plan_version=1,
                                     plan=PERCENT_10), hours=1)
    cleared_v2 = event(CommissionPlanCleared(partnership_id=CONTOSO, company_name="Contoso", plan_version=2,
                                             cleared_plan=PERCENT_10), hours=2)
    project(cleared_v2, set_v1)
    view = _view(aws, CONTOSO)
    assert view["plan_version"] == 2
    assert view.get("plan_json") is None

    set_v3 = event(CommissionPlanSet(partnership_id=CONTOSO, company_name="Contoso", plan_version=3,
                                     plan=PERCENT_10), hours=3)
    project(set_v3)
    assert Decimal(str(_view(aws, CONTOSO)["plan_version"])) == 3
    assert '"rate":"10"' in _view(aws, CONTOSO)["plan_json"]


def test_network_links_on_both_sides_and_unassigning_keeps_the_past(aws: Stack, project: Project) -> None:
    project(assigned(DIST_A, CONTOSO, hours=3))
    unassigned = event(ResellerUnassigned(vendor_organisation_id=VENDOR, distributor_id=DIST_A,
                                          reseller_id=CONTOSO, assigned_at=T0.replace(hour=12),
                                          removed_at=T0.replace(hour=20), chain=[DIST_A]), hours=11)
    project(unassigned)
    project(assigned(DIST_A, CONTOSO, hours=3))  # a redelivered older assignment (new event id)

    links = _items(aws, "NetworkLink")
    assert {(link["pk"], link["sk"]) for link in links} == {
        (f"ORG#{VENDOR}#PARTNERSHIP#{DIST_A}#", f"RESELLER#{CONTOSO}#"),
        (f"ORG#{VENDOR}#PARTNERSHIP#{CONTOSO}#", f"DISTRIBUTOR#{DIST_A}#"),
    }
    assert all(link["removed_at"] is not None for link in links)


def test_redelivery_of_the_same_event_is_applied_once(aws: Stack, project: Project) -> None:
    first = created(NORTHWIND, "Northwind", "reseller")
    project(first)
    version = _view(aws, NORTHWIND)["version"]
    project(first)
    assert _view(aws, NORTHWIND)["version"] == version


def test_partnerships_of_another_vendor_are_kept_apart(aws: Stack, project: Project) -> None:
    project(created(NORTHWIND, "Northwind", "reseller"), created(NORTHWIND, "Northwind", "referral",
                                                                  tenant=OTHER_VENDOR))
    views = _items(aws, "PartnershipView")
    assert {view["pk"] for view in views} == {
        f"ORG#{VENDOR}#PARTNERSHIP#{NORTHWIND}#", f"ORG#{OTHER_VENDOR}#PARTNERSHIP#{NORTHWIND}#"}


def test_the_standard_program_projects(aws: Stack, program: None) -> None:
    assert len(_items(aws, "PartnershipView")) == 7
    assert len(_items(aws, "Counterpart")) == 6
    assert len(_items(aws, "TierPlan")) == 1

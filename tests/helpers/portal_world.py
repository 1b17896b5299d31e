"""The portal's test world, projected through the portal's events consumer (the way production fills it).

acme runs a program (tiers platinum > gold > silver) with:
- NORTHWIND: a gold reseller in activation (category consulting), partner organisation ``northwind``
  with one user per partner role (``PEOPLE[role]``) and SALLY (partner_admin + sales);
- CONTOSO: a silver referral partner in onboarding (below gold content), organisation ``contoso``;
- DIST_A and DIST_B: two gold distributors (organisations ``dist-a`` and ``dist-b``); NORTHWIND sells
  through DIST_A, CONTOSO through DIST_B;
- OLDCO: an archived partnership (organisation ``oldco``);
- PENDING: a partnership whose partner has not joined yet.
acme-corp (another vendor) has GLOBEX, a partnership with organisation ``globex``.
Vendor people are tests/helpers/people.py's (ANA admin, BEN partner manager, CLEO member, ZED of acme-corp).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.helpers.events import eventbridge_event, sqs_message
from tests.helpers.lambda_runtime import FunctionRunner, User, sqs_event
from tests.helpers.people import ANA, BEN, CLEO, SALLY, ZED
from trellis.events import SYSTEM, EventData, EventEnvelope
from trellis.events.network import ResellerAssigned
from trellis.events.organisations import PartnerJoined, UserRegistered
from trellis.events.partners import (
    PartnershipArchived,
    PartnershipCreated,
    ProgramEntryData,
    ProgramListUpdated,
)

VENDOR = "acme"
OTHER_VENDOR = "acme-corp"
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

NORTHWIND = "a0000000000000000000000000000001"
CONTOSO = "a0000000000000000000000000000002"
DIST_A = "a0000000000000000000000000000003"
DIST_B = "a0000000000000000000000000000004"
OLDCO = "a0000000000000000000000000000005"
PENDING = "a0000000000000000000000000000006"
GLOBEX = "b0000000000000000000000000000001"

TIERS = ("platinum", "gold", "silver")
STAGES = ("recruitment", "onboarding", "activation", "growth", "retention", "advocacy")
CATEGORIES = ("consulting", "msp")

PARTNER_ROLES = ("partner_admin", "sales", "marketing", "project_manager", "executive")
# one northwind user per partner role
PEOPLE = {
    role: User(f"u-nw-{role}", "northwind", (role,), f"{role}@northwind.example") for role in PARTNER_ROLES
}
CONTOSO_ADMIN = User("u-co-admin", "contoso", ("partner_admin",), "admin@contoso.example")
DIST_A_ADMIN = User("u-da-admin", "dist-a", ("partner_admin", "sales"), "admin@dist-a.example")
DIST_B_ADMIN = User("u-db-admin", "dist-b", ("partner_admin", "sales"), "admin@dist-b.example")
OLDCO_ADMIN = User("u-old-admin", "oldco", ("partner_admin",), "admin@oldco.example")
GLOBEX_ADMIN = User("u-gx-admin", "globex", ("partner_admin", "sales"), "admin@globex.example")

PARTNER_USERS = (
    *PEOPLE.values(), SALLY, CONTOSO_ADMIN, DIST_A_ADMIN, DIST_B_ADMIN, OLDCO_ADMIN, GLOBEX_ADMIN,
)
VENDOR_USERS = (ANA, BEN, CLEO, ZED)

Project = Callable[..., dict[str, Any]]


def event(data: EventData, *, tenant: str = VENDOR, minutes: float = 0) -> EventEnvelope:
    at = START + timedelta(minutes=minutes)
    return EventEnvelope.new(data, tenant_id=tenant, actor=SYSTEM, occurred_at=at)


def projector(function: Callable[[str], FunctionRunner], queue_arn: str) -> Project:
    """Hand envelopes to the portal's events consumer, 10 to an SQS batch; fails on any reported failure."""
    runner = function("PortalEventsConsumerFunction")

    def send(*envelopes: EventEnvelope) -> dict[str, Any]:
        response: dict[str, Any] = {"batchItemFailures": []}
        for start in range(0, len(envelopes), 10):
            messages = [sqs_message(eventbridge_event(envelope)) for envelope in envelopes[start:start + 10]]
            response = runner.invoke(sqs_event(messages, queue_arn=queue_arn))
            assert response["batchItemFailures"] == [], response
        return response

    return send


def _partnership(
    pid: str, name: str, kind: str, *, tier: str | None, stage: str, category: str | None = None,
    org: str | None = None, tenant: str = VENDOR, assigned: tuple[str, ...] = (BEN.user_id,),
) -> list[EventEnvelope]:
    events = [event(PartnershipCreated(
        partnership_id=pid, company_name=name, partnership_type=kind, stage=stage, country="DE",
        tier=tier, category=category, assigned_user_ids=list(assigned),
    ), tenant=tenant)]
    if org is not None:
        events.append(event(PartnerJoined(
            partnership_id=pid, company_name=name, partner_organisation_id=org, organisation_created=True,
            user_id=f"u-{org}-first", email=f"first@{org}.example",
            vendor_organisation_name="Acme" if tenant == VENDOR else "Acme Corp",
        ), tenant=tenant, minutes=1))
    return events


def _registered(user: User) -> EventEnvelope:
    return event(UserRegistered(
        user_id=user.user_id, organisation_id=user.organisation_id, email=user.email or "",
        name=user.user_id.removeprefix("u-").replace("-", " ").title(), roles=list(user.roles),
    ), tenant=user.organisation_id)


def standard_world() -> list[EventEnvelope]:
    entries = {
        "tiers": TIERS, "stages": STAGES, "categories": CATEGORIES,
    }
    events = [
        event(ProgramListUpdated(
            list_name=name, entries=[ProgramEntryData(id=value, name=value.title()) for value in values],
        ))
        for name, values in entries.items()
    ]
    events += _partnership(NORTHWIND, "Northwind", "reseller", tier="gold", stage="activation",
                           category="consulting", org="northwind")
    events += _partnership(CONTOSO, "Contoso", "referral", tier="silver", stage="onboarding",
                           category="msp", org="contoso")
    events += _partnership(DIST_A, "Distri A", "distributor", tier="gold", stage="growth", org="dist-a")
    events += _partnership(DIST_B, "Distri B", "distributor", tier="gold", stage="growth", org="dist-b")
    events += _partnership(OLDCO, "Oldco", "reseller", tier="gold", stage="activation", org="oldco")
    events.append(event(PartnershipArchived(partnership_id=OLDCO, company_name="Oldco"), minutes=5))
    events += _partnership(PENDING, "Pending Ltd", "reseller", tier="gold", stage="recruitment")
    events += _partnership(GLOBEX, "Globex", "reseller", tier="gold", stage="activation", org="globex",
                           tenant=OTHER_VENDOR, assigned=(ZED.user_id,))
    for distributor, reseller in ((DIST_A, NORTHWIND), (DIST_B, CONTOSO)):
        events.append(event(ResellerAssigned(
            vendor_organisation_id=VENDOR, distributor_id=distributor, reseller_id=reseller,
            assigned_at=START, chain=[distributor],
        ), minutes=2))
    events += [_registered(user) for user in (*VENDOR_USERS, *PARTNER_USERS)]
    return events

"""A partner program as the leads service sees it: partnership events handed to its projection consumer.

acme (vendor) has these partnerships (ids fixed, so tests can name them):
- NORTHWIND: reseller, partner organisation ``northwind`` (SALLY), DE, tier gold, ICP DE/AT software;
- DIST_A / DIST_B: distributors, organisations ``dista`` (DINA) and ``distb`` (DORI);
- CONTOSO: reseller under DIST_A, organisation ``contoso`` (ROB);
- FABRIKAM: reseller under DIST_B, organisation ``fabrikam`` (FAY);
- UNJOINED: a referral partner that has not accepted its invitation (no organisation).
acme-corp (ZED) is another vendor with one partnership of its own, OTHER.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from tests.helpers.events import eventbridge_event, sqs_message
from tests.helpers.lambda_runtime import FunctionRunner, User, sqs_event
from trellis.events import SYSTEM, EventData, EventEnvelope
from trellis.events.commissions import CommissionPlan, CommissionPlanSet, TierDefaultPlanSet
from trellis.events.network import ResellerAssigned
from trellis.events.organisations import PartnerJoined
from trellis.events.partners import PartnershipCreated
from trellis.events.profiles import CompanySize, Icp, IcpUpdated

VENDOR = "acme"
OTHER_VENDOR = "acme-corp"
NORTHWIND = "a0000000000000000000000000000001"
DIST_A = "a0000000000000000000000000000002"
DIST_B = "a0000000000000000000000000000003"
CONTOSO = "a0000000000000000000000000000004"
FABRIKAM = "a0000000000000000000000000000005"
UNJOINED = "a0000000000000000000000000000006"
OTHER = "b0000000000000000000000000000001"

DINA = User("u-dina", "dista", ("partner_admin",), "dina@dista.example")
DORI = User("u-dori", "distb", ("partner_admin", "sales"), "dori@distb.example")
ROB = User("u-rob", "contoso", ("sales",), "rob@contoso.example")
FAY = User("u-fay", "fabrikam", ("partner_admin",), "fay@fabrikam.example")

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
PERCENT_10 = CommissionPlan(kind="percentage", rate=Decimal("10"), net_days=30, schedule="monthly",
                            distributor_split=Decimal("30"))

Project = Callable[..., dict[str, Any]]


def event(data: EventData, *, hours: float = 0, tenant: str = VENDOR) -> EventEnvelope:
    return EventEnvelope.new(data, tenant_id=tenant, actor=SYSTEM, occurred_at=T0 + timedelta(hours=hours))


def projector(function: Callable[[str], FunctionRunner], queue_arn: str) -> Project:
    """Hand envelopes to the leads projection consumer as one SQS batch; fails on any reported failure."""
    runner = function("LeadsPartnershipsConsumerFunction")

    def send(*envelopes: EventEnvelope) -> dict[str, Any]:
        messages = [sqs_message(eventbridge_event(envelope)) for envelope in envelopes]
        response: dict[str, Any] = runner.invoke(sqs_event(messages, queue_arn=queue_arn))
        assert response["batchItemFailures"] == [], response
        return response

    return send


def created(pid: str, name: str, kind: str, *, country: str | None = "DE", tier: str | None = None,
            tenant: str = VENDOR, hours: float = 0) -> EventEnvelope:
    return event(PartnershipCreated(partnership_id=pid, company_name=name, partnership_type=kind,
                                    stage="activation", country=country, tier=tier,
                                    website_domain=f"{name.lower()}.example"), hours=hours, tenant=tenant)


def joined(pid: str, name: str, org: str, *, tenant: str = VENDOR, hours: float = 1) -> EventEnvelope:
    return event(PartnerJoined(partnership_id=pid, company_name=name, partner_organisation_id=org,
                               organisation_created=True, user_id=f"u-{org}", email=f"x@{org}.example"),
                 hours=hours, tenant=tenant)


def icp(pid: str, version: int, *, countries: list[str], industries: list[str] | None = None,
        keywords: list[str] | None = None, min_employees: int | None = None,
        max_employees: int | None = None, hours: float = 2) -> EventEnvelope:
    return event(IcpUpdated(partnership_id=pid, icp_version=version, icp=Icp(
        countries=countries, industries=industries or [], keywords=keywords or [],
        company_size=CompanySize(min_employees=min_employees, max_employees=max_employees),
    )), hours=hours)


def assigned(distributor: str, reseller: str, *, hours: float = 3) -> EventEnvelope:
    return event(ResellerAssigned(vendor_organisation_id=VENDOR, distributor_id=distributor,
                                  reseller_id=reseller, assigned_at=T0 + timedelta(hours=hours),
                                  chain=[distributor]), hours=hours)


def standard_program() -> list[EventEnvelope]:
    """The events that build the program described in the module docstring."""
    return [
        created(NORTHWIND, "Northwind", "reseller", tier="gold"),
        joined(NORTHWIND, "Northwind", "northwind"),
        icp(NORTHWIND, 1, countries=["DE", "AT"], industries=["software"], keywords=["erp"],
            min_employees=50, max_employees=5000),
        created(DIST_A, "Dista", "distributor"),
        joined(DIST_A, "Dista", "dista"),
        created(DIST_B, "Distb", "distributor", country="FR"),
        joined(DIST_B, "Distb", "distb"),
        created(CONTOSO, "Contoso", "reseller", country="US"),
        joined(CONTOSO, "Contoso", "contoso"),
        created(FABRIKAM, "Fabrikam", "reseller", country="FR"),
        joined(FABRIKAM, "Fabrikam", "fabrikam"),
        created(UNJOINED, "Unjoined", "referral"),
        assigned(DIST_A, CONTOSO),
        assigned(DIST_B, FABRIKAM),
        event(TierDefaultPlanSet(tier_id="gold", plan_version=1, plan=PERCENT_10), hours=1),
        event(CommissionPlanSet(partnership_id=CONTOSO, company_name="Contoso", plan_version=1,
                                plan=PERCENT_10), hours=1),
        event(CommissionPlanSet(partnership_id=FABRIKAM, company_name="Fabrikam", plan_version=1,
                                plan=PERCENT_10), hours=1),
        created(OTHER, "Other", "reseller", tenant=OTHER_VENDOR),
        joined(OTHER, "Other", "northwind", tenant=OTHER_VENDOR),
    ]

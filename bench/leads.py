"""Leads service at two program sizes: DynamoDB calls and items per request (issue #4, item 13).

The real API handler against moto in process: the table is created from template.yaml, filled
directly with the service's own item classes (a vendor's copies of N leads and N/4 deals, plus a
partnership projection), then each endpoint is called at both sizes. Counts, not times.
"""

from __future__ import annotations

import os
import random
import sys
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from bench.harness import Tally, api_event, call, create_secrets, create_table, environment, repeat_overhead
from bench.lean_moto import direct_fill, lean_moto
from bench.partners import GOAL_LIST_RATIO, OVERHEAD_ROUNDS, Row, rows_table
from local.template import ROOT

for _path in (ROOT / "shared", ROOT / "services" / "leads"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

# BENCH_LEAD_SIZES="200,2000" for a quick run; the recorded results use the sizes.
_SIZES = os.environ.get("BENCH_LEAD_SIZES", "1000,100000").split(",")
SIZES = dict(zip(("S", "L"), map(int, _SIZES), strict=True))
VENDOR, PARTNER, DISTRIBUTOR = "org-bench", "org-partner", "org-dist"
PARTNERSHIP, DIST_PARTNERSHIP = "b" * 32, "d" * 32
ADMIN = {"sub": "u-admin", "custom:org_id": VENDOR, "custom:roles": "admin", "email": "admin@bench.example"}
PARTNER_ADMIN = {
    "sub": "u-partner",
    "custom:org_id": PARTNER,
    "custom:roles": "partner_admin",
    "email": "admin@partner.example",
}
STATUSES: tuple[Literal["sent", "accepted", "declined"], ...] = ("sent", "accepted", "declined")


def _fill(count: int, rng: random.Random) -> None:
    from leads.dal import deals as deals_dal
    from leads.dal import leads as leads_dal
    from leads.dal import partnerships as projection
    from leads.dal.tables import LeadsItem
    from leads.models import DealRecord, LeadRecord, Participant
    from trellis.events.leads import AttributionLink

    start = datetime(2025, 1, 1, tzinfo=UTC)
    view = projection.new_view(VENDOR, PARTNERSHIP)
    view.company_name, view.partnership_type, view.partner_organisation_id = "Partner", "reseller", PARTNER
    view.created_at = start
    projection.save_view(view)
    chain = [
        AttributionLink(role="vendor", organisation_id=VENDOR),
        AttributionLink(role="reseller", organisation_id=PARTNER, partnership_id=PARTNERSHIP),
    ]
    parties = [Participant(organisation_id=VENDOR, role="vendor")]
    with LeadsItem.batch_write() as batch:
        for index in range(count):
            created = start + timedelta(minutes=index)
            lead_id = f"{index:08d}{rng.getrandbits(96):024x}"
            via_distributor = index % 5 == 0
            record = LeadRecord(
                id=lead_id,
                vendor_organisation_id=VENDOR,
                origin="distributor" if via_distributor else "partner",
                status=rng.choice(STATUSES),
                sender_organisation_id=DISTRIBUTOR if via_distributor else PARTNER,
                receiver_organisation_id=PARTNER if via_distributor else VENDOR,
                partnership_id=PARTNERSHIP,
                distributor_partnership_id=DIST_PARTNERSHIP if via_distributor else None,
                company_name=f"Customer {index}",
                attribution=chain,
                participants=parties,
                created_by_user_id="u-bench",
                created_at=created,
                updated_at=created,
            )
            tab = "network" if via_distributor else "received"
            data = record.model_dump_json()
            sort = f"{created.isoformat()}#{lead_id}"
            distributor = record.distributor_partnership_id
            batch.save(
                leads_dal.LeadCopyItem(
                    leads_dal.copy_pk(VENDOR, lead_id),
                    leads_dal.LEAD_SK,
                    gsi1pk=leads_dal.list_pk(VENDOR, tab),
                    gsi1sk=sort,
                    gsi2pk=leads_dal.status_pk(VENDOR, tab, record.status),
                    gsi2sk=sort,
                    gsi3pk=leads_dal.distributor_pk(VENDOR, distributor) if distributor else None,
                    gsi3sk=sort if distributor else None,
                    organisation_id=VENDOR,
                    lead_id=lead_id,
                    tab=tab,
                    role="vendor",
                    status=record.status,
                    distributor_partnership_id=distributor,
                    data=data,
                    version=1,
                )
            )
            if index % 4 == 0:
                deal = DealRecord(
                    id=lead_id,
                    vendor_organisation_id=VENDOR,
                    owner_organisation_id=PARTNER,
                    name=record.company_name,
                    status=rng.choice(("open", "closed_won", "closed_lost")),
                    source="partner",
                    lead_id=lead_id,
                    partnership_id=PARTNERSHIP,
                    attribution=chain,
                    participants=parties,
                    sender_organisation_id=VENDOR,
                    created_by_user_id="u-bench",
                    created_at=created,
                    updated_at=created,
                )
                sort = f"{created.isoformat()}#{lead_id}"
                batch.save(
                    deals_dal.DealCopyItem(
                        deals_dal.copy_pk(VENDOR, lead_id),
                        deals_dal.DEAL_SK,
                        gsi1pk=deals_dal.list_pk(VENDOR, "sent"),
                        gsi1sk=sort,
                        gsi2pk=deals_dal.status_pk(VENDOR, "sent", deal.status),
                        gsi2sk=sort,
                        organisation_id=VENDOR,
                        deal_id=lead_id,
                        tab="sent",
                        status=deal.status,
                        data=deal.model_dump_json(),
                        version=1,
                    )
                )


def _event(
    method: str, path: str, route: str, *, claims: dict[str, str] = ADMIN,
    query: dict[str, str] | None = None, body: dict[str, Any] | None = None,
    params: dict[str, str] | None = None,
) -> dict[str, Any]:
    return api_event(method, path, route, claims=claims, query=query, body=body, params=params)


def _call(event: dict[str, Any]) -> tuple[dict[str, Any], Tally]:
    from leads.handlers.api import handler

    answer, counted = call(handler, event)
    if event["requestContext"]["http"]["method"] == "GET":
        repeat_overhead(handler, event, counted, OVERHEAD_ROUNDS)
    return answer, counted


def _measure_size(count: int) -> dict[str, Tally]:
    from moto import mock_aws

    from trellis.settings import get_settings

    environment("leads", "LeadsTable")
    get_settings.cache_clear()
    rng = random.Random(20261123)  # nosec B311 # seeded test data, not security
    with mock_aws(), lean_moto():
        create_secrets()
        create_table("LeadsTable")
        with direct_fill():
            _fill(count, rng)
        lists = {
            "GET /leads?tab=received": {"tab": "received", "limit": "25"},
            "GET /leads?tab=received&status=accepted": {
                "tab": "received",
                "status": "accepted",
                "limit": "25",
            },
            "GET /leads?tab=network&distributor_id=…": {
                "tab": "network",
                "distributor_id": DIST_PARTNERSHIP,
                "limit": "25",
            },
            "GET /deals?tab=sent": {"tab": "sent", "limit": "25"},
            "GET /deals?tab=sent&status=closed_won": {"tab": "sent", "status": "closed_won", "limit": "25"},
        }
        results = {}
        for name, query in lists.items():
            path = name.split("?")[0].split(" ")[1]
            results[name] = _call(_event("GET", path, path, query=query))[1]
        lead, results["POST /leads (partner, registers a domain)"] = _call(
            _event(
                "POST",
                "/leads",
                "/leads",
                claims=PARTNER_ADMIN,
                body={
                    "company_name": "Bench Co",
                    "website": "bench-co.example",
                    "partnership_id": PARTNERSHIP,
                },
            )
        )
        lid = lead["id"]
        route = "/leads/{lead_id}"
        results["GET /leads/{id}"] = _call(_event("GET", f"/leads/{lid}", route, params={"lead_id": lid}))[1]
        accepted, results["POST /leads/{id}/accept (a deal)"] = _call(
            _event("POST", f"/leads/{lid}/accept", route + "/accept", params={"lead_id": lid})
        )
        deal_id = accepted["deal_id"]
        results["PATCH /deals/{id} (won)"] = _call(
            _event(
                "PATCH",
                f"/deals/{deal_id}",
                "/deals/{deal_id}",
                params={"deal_id": deal_id},
                body={"status": "closed_won", "amount": "1000", "currency": "EUR"},
            )
        )[1]
    return results


def measure() -> list[Row]:
    small, large = (_measure_size(SIZES[size]) for size in ("S", "L"))
    return [Row(endpoint, small[endpoint], large[endpoint]) for endpoint in small]


def table(rows: list[Row]) -> str:
    lines = [
        f"Program sizes: S = {SIZES['S']:,} leads, L = {SIZES['L']:,} (one vendor; a deal per 4 leads).",
        "Goal:",
        f"the same DynamoDB calls at both sizes and items read L/S ≤ {GOAL_LIST_RATIO}.",
        "",
    ]
    lines += rows_table(rows)
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(measure()))

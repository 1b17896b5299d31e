"""Matrix recipes of the dashboard, the distributor's network, tier requirements and feedback."""

from __future__ import annotations

from portal.logic.access import Room
from tests.helpers.people import ANA
from tests.helpers.portal_figures import deal, lead
from tests.helpers.portal_world import DIST_A, NORTHWIND, event
from tests.portal_matrix import SECRET, Kind, Recipe, Setup
from trellis.events.leads import DealCreated, LeadCreated

STAGE = "activation"  # northwind's; contoso is in onboarding


def setup(ctx: Setup) -> dict[str, str]:
    ctx.project(
        event(LeadCreated(lead=lead("m-l1", NORTHWIND, version=1, company=f"Lead {SECRET}",
                                    distributor=DIST_A))),
        event(DealCreated(deal=deal("m-d1", NORTHWIND, version=1, amount="100.00", name=f"Deal {SECRET}"))),
    )
    api = ctx.api(ANA)
    for stage in (STAGE, "onboarding"):
        response = api.put(f"/portal/vendor/surveys/{stage}", json_body={"title": f"Survey {SECRET}"})
        assert response.status == 200, response.text
    response = api.put("/portal/vendor/tiers/platinum/requirements", json_body={"min_deals_won": 3})
    assert response.status == 200, response.text
    return {"stage": STAGE, "tier": "platinum"}



RECIPES: dict[str, Recipe] = {
    "GET /portal/partnerships/{partnership_id}/dashboard": Recipe(
        lambda ids: (f"/portal/partnerships/{ids['partnership']}/dashboard", None), room=Room.DASHBOARD),
    "GET /portal/partnerships/{partnership_id}/network": Recipe(
        lambda ids: (f"/portal/partnerships/{ids['partnership']}/network", None), room=Room.NETWORK,
        network=True),
    "GET /portal/partnerships/{partnership_id}/network/{reseller_id}": Recipe(
        lambda ids: (f"/portal/partnerships/{ids['partnership']}/network/{ids['reseller']}", None),
        room=Room.NETWORK, network=True),
    "PUT /portal/vendor/tiers/{tier_id}/requirements": Recipe(
        lambda ids: (f"/portal/vendor/tiers/{ids['tier']}/requirements",
                     {"min_won_revenue": "1000", "currency": "EUR"}), kind=Kind.VENDOR, write=True),
    "GET /portal/vendor/tiers/{tier_id}/requirements": Recipe(
        lambda ids: (f"/portal/vendor/tiers/{ids['tier']}/requirements", None), kind=Kind.VENDOR),
    "PUT /portal/vendor/surveys/{stage_id}": Recipe(
        lambda ids: (f"/portal/vendor/surveys/{ids['stage']}", {"title": f"New {SECRET}"}), kind=Kind.VENDOR,
        write=True),
    "GET /portal/vendor/surveys/{stage_id}": Recipe(
        lambda ids: (f"/portal/vendor/surveys/{ids['stage']}", None), kind=Kind.VENDOR),
    "GET /portal/vendor/feedback/results": Recipe(
        lambda ids: (f"/portal/vendor/feedback/results?stage={ids['stage']}", None), kind=Kind.VENDOR,
        collection=True),
    "GET /portal/vendor/feedback": Recipe(
        lambda ids: ("/portal/vendor/feedback", None), kind=Kind.VENDOR, collection=True),
    "GET /portal/partnerships/{partnership_id}/feedback/survey": Recipe(
        lambda ids: (f"/portal/partnerships/{ids['partnership']}/feedback/survey", None), room=Room.FEEDBACK),
    "POST /portal/partnerships/{partnership_id}/feedback/survey-responses": Recipe(
        lambda ids: (f"/portal/partnerships/{ids['partnership']}/feedback/survey-responses",
                     {"nps": 8, "comment": f"Fine {SECRET}"}),
        room=Room.FEEDBACK, write=True, vendor_writes=False),
    "POST /portal/partnerships/{partnership_id}/feedback": Recipe(
        lambda ids: (f"/portal/partnerships/{ids['partnership']}/feedback",
                     {"category": "portal", "text": f"Idea {SECRET}"}),
        room=Room.FEEDBACK, write=True, vendor_writes=False),
}

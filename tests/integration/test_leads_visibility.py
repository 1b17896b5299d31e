"""Who sees which lead and deal: vendor, distributor A, distributor B, each reseller, a direct partner, and
another vendor — by id (200 or 404) and in their lists (the union of their tabs), nothing more."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers.lambda_runtime import ApiClient, User
from tests.helpers.leads_world import CONTOSO, DINA, DIST_A, DIST_B, DORI, FABRIKAM, FAY, NORTHWIND, ROB
from tests.helpers.people import ANA, SALLY, ZED

VIEWERS = {
    "vendor": ANA,
    "distributor_a": DINA,
    "distributor_b": DORI,
    "reseller_contoso": ROB,
    "reseller_fabrikam": FAY,
    "partner_northwind": SALLY,
    "other_vendor": ZED,
}
LEAD_TABS = ("sent", "received", "not_sent", "network")
DEAL_TABS = ("owned", "sent", "network")


@pytest.fixture
def world(service: Callable[..., ApiClient], program: None) -> tuple[ApiClient, dict[str, str]]:
    api = service("leads", ANA)

    def lead(user: User, **body: Any) -> str:
        response = api.post("/leads", user=user, json_body={"company_name": "Customer", **body})
        assert response.status == 201, response.text
        return str(response.json()["id"])

    ids = {
        "via_a": lead(DINA, partnership_id=DIST_A, reseller_partnership_id=CONTOSO),
        "via_b": lead(DORI, partnership_id=DIST_B, reseller_partnership_id=FABRIKAM),
        "to_northwind": lead(ANA, partnership_id=NORTHWIND),
        "from_northwind": lead(SALLY, partnership_id=NORTHWIND),
        "draft": lead(ANA),
    }
    accepted = api.post(f"/leads/{ids['via_a']}/accept", user=ROB)
    assert accepted.status == 200, accepted.text
    ids["deal_via_a"] = accepted.json()["deal_id"]
    return api, ids


LEADS_SEEN = {
    "vendor": {"via_a", "via_b", "to_northwind", "from_northwind", "draft"},
    "distributor_a": {"via_a"},
    "distributor_b": {"via_b"},
    "reseller_contoso": {"via_a"},
    "reseller_fabrikam": {"via_b"},
    "partner_northwind": {"to_northwind", "from_northwind"},
    "other_vendor": set(),
}
DEALS_SEEN = {
    "vendor": {"deal_via_a"},
    "distributor_a": {"deal_via_a"},
    "distributor_b": set(),
    "reseller_contoso": {"deal_via_a"},
    "reseller_fabrikam": set(),
    "partner_northwind": set(),
    "other_vendor": set(),
}


@pytest.mark.parametrize("viewer", list(VIEWERS))
def test_each_party_sees_exactly_its_leads_and_deals(
    world: tuple[ApiClient, dict[str, str]], viewer: str
) -> None:
    api, ids = world
    user = VIEWERS[viewer]
    lead_names = {name for name in ids if not name.startswith("deal")}

    by_id = {name for name in lead_names if api.get(f"/leads/{ids[name]}", user=user).status == 200}
    listed = {
        item["id"]
        for tab in LEAD_TABS
        for item in api.get("/leads", user=user, query={"tab": tab, "limit": 100}).json()["items"]
    }
    assert by_id == LEADS_SEEN[viewer]
    assert listed == {ids[name] for name in LEADS_SEEN[viewer]}
    for name in lead_names - LEADS_SEEN[viewer]:
        assert api.get(f"/leads/{ids[name]}", user=user).status == 404

    deals_by_id = {
        name for name in ("deal_via_a",) if api.get(f"/deals/{ids[name]}", user=user).status == 200
    }
    deals_listed = {
        item["id"]
        for tab in DEAL_TABS
        for item in api.get("/deals", user=user, query={"tab": tab, "limit": 100}).json()["items"]
    }
    assert deals_by_id == DEALS_SEEN[viewer]
    assert deals_listed == {ids[name] for name in DEALS_SEEN[viewer]}


def test_the_attribution_chain_is_the_same_for_everyone_who_sees_it(
    world: tuple[ApiClient, dict[str, str]],
) -> None:
    api, ids = world
    chains = {
        user.organisation_id: api.get(f"/deals/{ids['deal_via_a']}", user=user).json()["attribution"]
        for user in (ANA, DINA, ROB)
    }
    assert len({str(chain) for chain in chains.values()}) == 1
    assert [(link["role"], link["organisation_id"]) for link in chains["acme"]] == [
        ("vendor", "acme"),
        ("distributor", "dista"),
        ("reseller", "contoso"),
    ]

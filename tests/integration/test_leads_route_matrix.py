"""Every route of the leads API by an outsider: another vendor gets 404 for acme's objects and none of
acme's data in any list, and so does distributor B for what belongs to distributor A's network; no token
gets 401; a user without roles gets 403 (public routes excepted).

The routes come from template.yaml: a route added there without a recipe here fails. A recipe builds
what the route needs in acme's world (the standard program plus one of everything) and names the
request aimed at acme's object.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from local.template import template
from tests.helpers.assertions import assert_problem, outbox_events
from tests.helpers.aws import Stack
from tests.helpers.lambda_runtime import ApiClient, User
from tests.helpers.leads_world import CONTOSO, DINA, DIST_A, DORI, FAY, NORTHWIND, ROB
from tests.helpers.people import ANA, NOROLE, SALLY, ZED
from trellis.events import EventEnvelope

FUNCTION = "LeadsApiFunction"
SECRET = "Zanzibar Secret Holdings"  # acme's customer: must never show to an outsider
ROUTES = sorted(route.route_key for route in template().routes if route.function == FUNCTION)


@dataclass
class World:
    ids: dict[str, str]


@dataclass(frozen=True)
class Recipe:
    """The request aimed at acme's world; ``collection``: the outsider gets its own (empty) answer."""

    request: Callable[[World], tuple[str, dict[str, Any] | None]]
    collection: bool = False
    public: bool = False
    # Partner-side routes: the outsider is a partner of acme's program not party to the object.
    outsider: User = ZED
    # What the outsider may get instead of the default (404; for a collection 200 or 201).
    statuses: tuple[int, ...] = ()
    csv: bool = False  # the body is a CSV file, not JSON


def _build(api: ApiClient, stack: Stack, ledger: Callable[..., Any]) -> World:
    def ok(response: Any) -> dict[str, Any]:
        assert response.status in (200, 201, 202), response.text
        body: dict[str, Any] = response.json()
        return body

    ids: dict[str, str] = {}
    ids["lead"] = ok(
        api.post(
            "/leads",
            json_body={"company_name": SECRET, "partnership_id": NORTHWIND, "website": "zanzibar.example"},
        )
    )["id"]
    ids["partner_lead"] = ok(
        api.post(
            "/leads",
            user=SALLY,
            json_body={
                "company_name": SECRET,
                "partnership_id": NORTHWIND,
                "website": "zanzibar-two.example",
            },
        )
    )["id"]
    via = ok(
        api.post(
            "/leads",
            user=DINA,
            json_body={"company_name": SECRET, "partnership_id": DIST_A, "reseller_partnership_id": CONTOSO},
        )
    )["id"]
    ids["deal"] = ok(api.post(f"/leads/{via}/accept", user=ROB))["deal_id"]
    ids["internal_deal"] = ok(api.post("/deals", json_body={"name": SECRET}))["id"]
    ids["referral"] = ok(
        api.post(f"/deals/{ids['internal_deal']}/referrals", json_body={"partnership_id": NORTHWIND})
    )["id"]
    # The deal won: its commissions (the ledger consumer reads the deal's events), approved, paid out,
    # and billed by its owner
    ok(
        api.patch(
            f"/deals/{ids['deal']}",
            user=ROB,
            json_body={"status": "closed_won", "amount": "9000", "currency": "EUR"},
        )
    )
    deal_events = [
        EventEnvelope.model_validate(event)
        for event in outbox_events(stack, "LeadsTable")
        if event["type"] in ("DealCreated", "DealUpdated")
    ]
    ledger(*deal_events)
    entries = ok(api.get("/commissions"))["items"]
    ids["entry"] = next(entry["id"] for entry in entries if entry["beneficiary"]["partnership_id"] == CONTOSO)
    ok(api.post(f"/commissions/{ids['entry']}/approve"))
    ids["payout"] = ok(api.post("/payouts", json_body={"partnership_id": CONTOSO}))["id"]
    ok(
        api.post(
            "/billings",
            user=ROB,
            json_body={
                "deal_id": ids["deal"],
                "currency": "EUR",
                "amount": "9000",
                "billed_on": "2026-11-20",
                "invoice_reference": SECRET,
            },
        )
    )
    ids["code"] = ok(api.post(f"/referral-codes/{NORTHWIND}"))["code"]
    ids["account"] = ok(api.post("/accounts", json_body={"name": SECRET, "website": "zanzibar.example"}))[
        "id"
    ]
    ids["contact"] = ok(
        api.post(
            f"/accounts/{ids['account']}/contacts",
            json_body={"first_name": "Zara", "last_name": "Secret", "email": "zara@zanzibar.example"},
        )
    )["id"]
    imported = api.post(
        "/accounts/imports",
        body=f"name,website\n{SECRET} Two,zanzibar-two.example\n",
        headers={"content-type": "text/csv"},
    )
    ids["import"] = ok(imported)["id"]
    ids["export"] = ok(api.post("/accounts/exports"))["id"]
    return World(ids=ids)


RECIPES: dict[str, Recipe] = {
    "GET /leads": Recipe(lambda w: ("/leads?tab=sent", None), collection=True),
    "POST /leads": Recipe(lambda w: ("/leads", {"company_name": "X", "partnership_id": NORTHWIND})),
    "GET /leads/{lead_id}": Recipe(lambda w: (f"/leads/{w.ids['lead']}", None)),
    "POST /leads/{lead_id}/send": Recipe(
        lambda w: (f"/leads/{w.ids['lead']}/send", {"partnership_id": NORTHWIND})
    ),
    "POST /leads/{lead_id}/accept": Recipe(lambda w: (f"/leads/{w.ids['lead']}/accept", None)),
    "POST /leads/{lead_id}/decline": Recipe(lambda w: (f"/leads/{w.ids['lead']}/decline", {"reason": "no"})),
    "PUT /leads/{lead_id}/assignees": Recipe(
        lambda w: (f"/leads/{w.ids['lead']}/assignees", {"user_ids": []})
    ),
    "PUT /leads/{lead_id}/registration": Recipe(
        lambda w: (f"/leads/{w.ids['partner_lead']}/registration", {"decision": "approved"})
    ),
    "GET /leads/{lead_id}/suggestions": Recipe(lambda w: (f"/leads/{w.ids['lead']}/suggestions", None)),
    "GET /lead-settings": Recipe(lambda w: ("/lead-settings", None), collection=True),
    "PUT /lead-settings": Recipe(lambda w: ("/lead-settings", {"registration_days": 10}), collection=True),
    "POST /deals": Recipe(lambda w: ("/deals", {"name": "Mine"}), collection=True),
    "GET /deals": Recipe(lambda w: ("/deals?tab=network", None), collection=True),
    "GET /deals/{deal_id}": Recipe(lambda w: (f"/deals/{w.ids['deal']}", None)),
    "PATCH /deals/{deal_id}": Recipe(lambda w: (f"/deals/{w.ids['internal_deal']}", {"name": "Mine"})),
    "POST /deals/{deal_id}/referrals": Recipe(lambda w: (f"/deals/{w.ids['internal_deal']}/referrals", {})),
    "POST /routing/suggestions": Recipe(
        lambda w: ("/routing/suggestions", {"country": "DE"}), collection=True
    ),
    "GET /commissions": Recipe(lambda w: ("/commissions", None), collection=True),
    "GET /commissions/{entry_id}": Recipe(lambda w: (f"/commissions/{w.ids['entry']}", None)),
    "POST /commissions/approve": Recipe(lambda w: ("/commissions/approve", {"entry_ids": [w.ids["entry"]]})),
    "POST /commissions/{entry_id}/approve": Recipe(
        lambda w: (f"/commissions/{w.ids['entry']}/approve", None)
    ),
    "GET /ledger/deals/{deal_id}": Recipe(lambda w: (f"/ledger/deals/{w.ids['deal']}", None)),
    "POST /ledger/deals/{deal_id}/recompute": Recipe(
        lambda w: (f"/ledger/deals/{w.ids['deal']}/recompute", None)
    ),
    "GET /ledger/problems": Recipe(lambda w: ("/ledger/problems", None), collection=True),
    "GET /partner/commissions": Recipe(
        lambda w: ("/partner/commissions", None), collection=True, outsider=FAY
    ),
    "GET /partner/commissions/{entry_id}": Recipe(
        lambda w: (f"/partner/commissions/{w.ids['entry']}", None), outsider=FAY
    ),
    "POST /payouts": Recipe(lambda w: ("/payouts", {"partnership_id": CONTOSO})),
    "GET /payouts": Recipe(lambda w: ("/payouts", None), collection=True),
    "GET /payouts/{payout_id}": Recipe(lambda w: (f"/payouts/{w.ids['payout']}", None)),
    "POST /payouts/{payout_id}/paid": Recipe(lambda w: (f"/payouts/{w.ids['payout']}/paid", {})),
    "GET /partner/payouts": Recipe(lambda w: ("/partner/payouts", None), collection=True, outsider=FAY),
    "GET /partner/payouts/{payout_id}": Recipe(
        lambda w: (f"/partner/payouts/{w.ids['payout']}", None), outsider=FAY
    ),
    "POST /billings": Recipe(
        lambda w: (
            "/billings",
            {
                "deal_id": w.ids["deal"],
                "currency": "EUR",
                "amount": "1",
                "billed_on": "2026-11-21",
                "invoice_reference": "X-1",
            },
        )
    ),
    "GET /billings": Recipe(lambda w: (f"/billings?deal_id={w.ids['deal']}", None)),
    "GET /referral-codes/{partnership_id}": Recipe(lambda w: (f"/referral-codes/{NORTHWIND}", None)),
    "POST /referral-codes/{partnership_id}": Recipe(lambda w: (f"/referral-codes/{NORTHWIND}", None)),
    "DELETE /referral-codes/{partnership_id}": Recipe(lambda w: (f"/referral-codes/{NORTHWIND}", None)),
    "GET /public/referrals/form": Recipe(
        lambda w: (f"/public/referrals/form?code={w.ids['code']}", None), public=True, statuses=(200,)
    ),
    "POST /public/referrals": Recipe(lambda w: ("/public/referrals", {"code": w.ids["code"]}), public=True),
    "GET /webhook-settings": Recipe(lambda w: ("/webhook-settings", None), collection=True),
    "PUT /webhook-settings/hubspot": Recipe(
        lambda w: (
            "/webhook-settings/hubspot",
            {"client_secret": "zed-own-secret-0123456789", "portal_id": "42"},
        ),
        statuses=(200, 201, 422),
    ),
    "POST /webhook-settings/generic/secret": Recipe(
        lambda w: ("/webhook-settings/generic/secret", None), collection=True
    ),
    "DELETE /webhook-settings/{system}": Recipe(
        lambda w: ("/webhook-settings/generic", None), statuses=(204, 404)
    ),
    "GET /webhook-deliveries": Recipe(lambda w: ("/webhook-deliveries", None), collection=True),
    "GET /deals/{deal_id}/external-ids": Recipe(lambda w: (f"/deals/{w.ids['deal']}/external-ids", None)),
    "PUT /deals/{deal_id}/external-ids": Recipe(
        lambda w: (
            f"/deals/{w.ids['deal']}/external-ids",
            {"external_ids": [{"system": "hubspot", "external_id": "1"}]},
        )
    ),
    "POST /webhooks/hubspot/{organisation_id}": Recipe(lambda w: ("/webhooks/hubspot/acme", []), public=True),
    "POST /webhooks/generic/{organisation_id}": Recipe(lambda w: ("/webhooks/generic/acme", {}), public=True),
    "POST /accounts": Recipe(lambda w: ("/accounts", {"name": "Zed's own"}), collection=True),
    "GET /accounts": Recipe(lambda w: ("/accounts", None), collection=True),
    "GET /accounts/{account_id}": Recipe(lambda w: (f"/accounts/{w.ids['account']}", None)),
    "PATCH /accounts/{account_id}": Recipe(lambda w: (f"/accounts/{w.ids['account']}", {"notes": "x"})),
    "DELETE /accounts/{account_id}": Recipe(lambda w: (f"/accounts/{w.ids['account']}", None)),
    "POST /accounts/{account_id}/contacts": Recipe(
        lambda w: (f"/accounts/{w.ids['account']}/contacts", {"first_name": "Z"})
    ),
    "GET /accounts/{account_id}/contacts": Recipe(lambda w: (f"/accounts/{w.ids['account']}/contacts", None)),
    "GET /accounts/{account_id}/contacts/{contact_id}": Recipe(
        lambda w: (f"/accounts/{w.ids['account']}/contacts/{w.ids['contact']}", None)
    ),
    "PATCH /accounts/{account_id}/contacts/{contact_id}": Recipe(
        lambda w: (f"/accounts/{w.ids['account']}/contacts/{w.ids['contact']}", {"title": "x"})
    ),
    "DELETE /accounts/{account_id}/contacts/{contact_id}": Recipe(
        lambda w: (f"/accounts/{w.ids['account']}/contacts/{w.ids['contact']}", None)
    ),
    "GET /contacts": Recipe(lambda w: ("/contacts", None), collection=True),
    "GET /accounts/import-template": Recipe(lambda w: ("/accounts/import-template", None), collection=True),
    "POST /accounts/imports": Recipe(
        lambda w: ("/accounts/imports", "name,website\nZed Co,zed-co.example\n"), collection=True, csv=True
    ),
    "GET /accounts/imports/{import_id}": Recipe(lambda w: (f"/accounts/imports/{w.ids['import']}", None)),
    "GET /accounts/imports/{import_id}/rejections": Recipe(
        lambda w: (f"/accounts/imports/{w.ids['import']}/rejections", None)
    ),
    "GET /accounts/export": Recipe(lambda w: ("/accounts/export", None), collection=True),
    "POST /accounts/exports": Recipe(lambda w: ("/accounts/exports", None), statuses=(201, 202)),
    "GET /accounts/exports/{export_id}": Recipe(lambda w: (f"/accounts/exports/{w.ids['export']}", None)),
    "GET /reports/distribution-network": Recipe(
        lambda w: ("/reports/distribution-network", None), collection=True
    ),
    "GET /reports/partner-performance": Recipe(
        lambda w: ("/reports/partner-performance", None), collection=True
    ),
    "GET /accounts/{account_id}/overlaps": Recipe(lambda w: (f"/accounts/{w.ids['account']}/overlaps", None)),
    "GET /account-sharing": Recipe(lambda w: ("/account-sharing", None), collection=True),
    "PUT /account-sharing": Recipe(lambda w: ("/account-sharing", {"level": "counts"}), collection=True),
    "GET /referrals": Recipe(lambda w: ("/referrals?direction=in", None), collection=True),
    "GET /referrals/{referral_id}": Recipe(lambda w: (f"/referrals/{w.ids['referral']}", None)),
    "PUT /referrals/{referral_id}/status": Recipe(
        lambda w: (f"/referrals/{w.ids['referral']}/status", {"status": "accepted"})
    ),
}


@pytest.fixture
def api(service: Callable[..., ApiClient], program: None) -> ApiClient:
    return service("leads", ANA)


@pytest.mark.parametrize("route_key", ROUTES)
def test_an_outsider_gets_nothing_of_acme(
    api: ApiClient,
    aws: Stack,
    ledger: Callable[..., Any],
    route_key: str,
) -> None:
    recipe = RECIPES.get(route_key)
    assert recipe is not None, f"{route_key} has no recipe in {__name__}: add one"
    world = _build(api, aws, ledger)
    method = route_key.split(" ", 1)[0].lower()
    path, body = recipe.request(world)
    query: dict[str, str] = {}
    if "?" in path:
        path, raw = path.split("?", 1)
        query = dict(part.split("=", 1) for part in raw.split("&"))

    def call(**kwargs: Any) -> Any:
        if recipe.csv:
            return getattr(api, method)(
                path, query=query, body=body, headers={"content-type": "text/csv"}, **kwargs
            )
        return getattr(api, method)(
            path, query=query, **({"json_body": body} if body is not None else {}), **kwargs
        )

    # another vendor: 404 for acme's object, its own empty answer for a collection
    response = call(user=recipe.outsider)
    if recipe.statuses:
        assert response.status in recipe.statuses, response.text
    elif recipe.public:
        assert 400 <= response.status < 500, response.text
    elif recipe.collection:
        assert response.status in (200, 201), response.text
    else:
        assert_problem(response, 404)
    _holds_nothing_of_acme(response.text, world, path, str(body) + str(query))

    # distributor B, a partner of acme's program party to none of these objects (the deal is of distributor
    # A's reseller): refused, or its own (empty) answer — never acme's
    if recipe.public:
        return  # no login: the caller does not matter (the outsider's call above covers it)
    response = call(user=DORI)
    if recipe.collection:
        assert response.status in (200, 201, 403, *recipe.statuses), response.text
    else:
        assert response.status in (403, 404, *recipe.statuses), response.text
    _holds_nothing_of_acme(response.text, world, path, str(body) + str(query))

    assert_problem(call(claims={}), 401)
    assert_problem(call(user=NOROLE), 403)


def _holds_nothing_of_acme(text: str, world: World, path: str, sent: str) -> None:
    assert SECRET not in text
    echoed = text.replace(path, "")
    for value in world.ids.values():
        # an id the caller sent may come back in the problem's detail; nothing else of acme's may
        assert value not in echoed or value in sent, value

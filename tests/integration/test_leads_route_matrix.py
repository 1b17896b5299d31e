"""Every route of the leads API by an outsider: another vendor gets 404 for acme's objects and none of
acme's data in any list, and so does distributor B for what belongs to distributor A's network; no token
gets 401; a user without roles gets 403 (public routes excepted). And every route by each vendor role
(acme's people) and each partner role (people of the partner organisation party to the object): the
route's success status for the roles the rules allow (leads.logic: access.READERS/WRITERS,
VENDOR_ROLES/VENDOR_WRITERS, the CRM's, webhooks' and sharing's role sets, and who is party to what),
403 or 404 for the others, as the rule's order of checks gives.

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
from tests.helpers.people import ANA, BEN, CLEO, NOROLE, SALLY, ZED
from tests.helpers.route_matrix import TableSnapshot
from trellis.events import EventEnvelope
from trellis.principal import PARTNER_ROLES, VENDOR_ROLES, VENDOR_WRITERS, Role

FUNCTION = "LeadsApiFunction"
SECRET = "Zanzibar Secret Holdings"  # acme's customer: must never show to an outsider
ROUTES = sorted(route.route_key for route in template().routes if route.function == FUNCTION)


@dataclass
class World:
    ids: dict[str, str]


Request = Callable[[World], tuple[str, Any]]

# ---------------------------------------------------------------- the rules, by role

PARTNER_READERS = frozenset({Role.PARTNER_ADMIN, Role.SALES, Role.EXECUTIVE})  # the leads and deals rooms
PARTNER_WRITERS = frozenset({Role.PARTNER_ADMIN, Role.SALES})
NONE: frozenset[Role] = frozenset()
VENDOR_CALLERS = {Role.ADMIN: ANA, Role.PARTNER_MANAGER: BEN, Role.MEMBER: CLEO}


def partner_person(organisation: str, role: Role) -> User:
    email = f"{role.value}@{organisation}.example"
    return User(f"u-{organisation}-{role.value}", organisation, (role.value,), email)


@dataclass(frozen=True)
class Cells:
    """What each role gets: vendor roles call as acme's people, partner roles as ``party``'s people.

    A role the rules allow gets ``ok`` (``partner_ok`` on the partner side: 404 where the object is
    acme's own, which no partner organisation is party to); any other role gets 403 (``denied``).
    ``partner_request``: the partner side's own object, where it is not acme's.
    """

    vendor: frozenset[Role]
    partner: frozenset[Role]
    ok: int = 200
    party: str = "northwind"
    partner_ok: int | None = None
    partner_request: Request | None = None
    # role → status where the route's own rule differs (e.g. only the receiver answers a lead)
    but: tuple[tuple[Role, int], ...] = ()

    def expected(self, role: Role) -> int:
        if role in dict(self.but):
            return dict(self.but)[role]
        if role in VENDOR_ROLES:
            return self.ok if role in self.vendor else 403
        return (self.partner_ok or self.ok) if role in self.partner else 403


def read(ok: int = 200, **kwargs: Any) -> Cells:
    """access.reader: any vendor role, the partner's admins, sales people and executives."""
    return Cells(VENDOR_ROLES, PARTNER_READERS, ok, **kwargs)


def write(ok: int = 200, **kwargs: Any) -> Cells:
    """access.writer: the vendor's admins and partner managers, the partner's admins and sales people."""
    return Cells(VENDOR_WRITERS, PARTNER_WRITERS, ok, **kwargs)


def vendor_read(ok: int = 200) -> Cells:
    return Cells(VENDOR_ROLES, NONE, ok)


def vendor_write(ok: int = 200) -> Cells:
    return Cells(VENDOR_WRITERS, NONE, ok)


def partner_read(party: str, request: Request | None = None) -> Cells:
    """The partner's own commissions and payouts (commissions.partner_counterparts: PARTNER_READERS)."""
    return Cells(NONE, PARTNER_READERS, party=party, partner_request=request)


def crm_read(ok: int = 200, **kwargs: Any) -> Cells:
    """accounts.CRM_READERS: every role of either side, in its own organisation's CRM."""
    return Cells(VENDOR_ROLES, PARTNER_ROLES, ok, **kwargs)


def crm_write(ok: int = 200, **kwargs: Any) -> Cells:
    """accounts.CRM_WRITERS: admins, partner managers, the partner's admins and sales people."""
    return Cells(VENDOR_WRITERS, PARTNER_WRITERS, ok, **kwargs)


def managers(ok: int = 200, **kwargs: Any) -> Cells:
    """webhooks.MANAGERS / overlaps.SHARING_ADMINS: the organisation's admins, on either side."""
    return Cells(frozenset({Role.ADMIN}), frozenset({Role.PARTNER_ADMIN}), ok, **kwargs)


PUBLIC = Cells(NONE, NONE)  # no login: every role gets what no token gets


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
    cells: Cells = PUBLIC  # by role (see Cells)
    # the request a role sends where the outsider's would not succeed for its owner (state, not rights)
    role_request: Request | None = None


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
    ids["draft"] = ok(api.post("/leads", json_body={"company_name": SECRET}))["id"]  # not sent yet
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


def _deal(w: World) -> str:
    return f"/deals/{w.ids['deal']}"


PA, SALES, EXEC = Role.PARTNER_ADMIN, Role.SALES, Role.EXECUTIVE
# Route → what each role gets on it (and, where the outsider's request cannot succeed for the owner, the
# request the roles send). The deal, its commission entry, payout and billing are contoso's (via distributor
# A); the leads, the referral and the referral code are northwind's; the CRM is each organisation's own.
ROLE_CELLS: dict[str, Cells | tuple[Cells, Request]] = {
    "GET /leads": read(),
    "POST /leads": write(201),
    "GET /leads/{lead_id}": read(),  # sent to northwind: its copy
    "POST /leads/{lead_id}/send": (
        # the vendor's draft: only its writers send it; a partner has no copy of it
        write(partner_ok=404), lambda w: (f"/leads/{w.ids['draft']}/send", {"partnership_id": NORTHWIND}),
    ),
    # only the receiver (northwind) answers a lead; the vendor's writers are refused by that rule
    "POST /leads/{lead_id}/accept": write(but=((Role.ADMIN, 403), (Role.PARTNER_MANAGER, 403))),
    "POST /leads/{lead_id}/decline": write(but=((Role.ADMIN, 403), (Role.PARTNER_MANAGER, 403))),
    "PUT /leads/{lead_id}/assignees": write(),
    "PUT /leads/{lead_id}/registration": vendor_write(),  # northwind's own lead: only the vendor resolves
    "GET /leads/{lead_id}/suggestions": vendor_read(),  # only the vendor routes its leads
    "GET /lead-settings": read(),
    "PUT /lead-settings": vendor_write(),
    "POST /deals": write(201),
    "GET /deals": read(),
    "GET /deals/{deal_id}": read(party="contoso"),
    "PATCH /deals/{deal_id}": (
        # the owner company changes its deal: acme's internal one, contoso's own
        write(party="contoso", partner_request=lambda w: (_deal(w), {"name": "Mine"})),
        lambda w: (f"/deals/{w.ids['internal_deal']}", {"name": "Mine"}),
    ),
    "POST /deals/{deal_id}/referrals": (
        write(201, party="contoso", partner_request=lambda w: (f"{_deal(w)}/referrals", {})),
        lambda w: (f"/deals/{w.ids['internal_deal']}/referrals", {"partnership_id": CONTOSO}),
    ),
    "POST /routing/suggestions": vendor_read(),
    "GET /commissions": vendor_read(),
    "GET /commissions/{entry_id}": vendor_read(),
    "POST /commissions/approve": vendor_write(),
    "POST /commissions/{entry_id}/approve": vendor_write(),
    "GET /ledger/deals/{deal_id}": vendor_read(),
    "POST /ledger/deals/{deal_id}/recompute": vendor_write(),
    "GET /ledger/problems": vendor_read(),
    "GET /partner/commissions": partner_read("contoso"),
    "GET /partner/commissions/{entry_id}": partner_read("contoso"),
    # allowed, and refused by the world's state: contoso's open payout is to be paid first (409)
    "POST /payouts": vendor_write(409),
    "GET /payouts": vendor_read(),
    "GET /payouts/{payout_id}": vendor_read(),
    "POST /payouts/{payout_id}/paid": vendor_write(),
    "GET /partner/payouts": partner_read("contoso"),
    "GET /partner/payouts/{payout_id}": partner_read("contoso"),
    # only the deal's owner records billings (contoso), then billings.RECORDERS (not its executives)
    "POST /billings": Cells(NONE, PARTNER_WRITERS, 201, party="contoso"),
    "GET /billings": read(party="contoso"),
    "GET /referral-codes/{partnership_id}": read(),  # for its vendor and its partner
    "POST /referral-codes/{partnership_id}": vendor_write(201),  # only the vendor issues
    "DELETE /referral-codes/{partnership_id}": vendor_write(204),
    "GET /public/referrals/form": PUBLIC,
    "POST /public/referrals": PUBLIC,
    "GET /webhook-settings": managers(),
    "PUT /webhook-settings/hubspot": managers(),
    "POST /webhook-settings/generic/secret": managers(201),
    # nothing is set up in the world: an allowed caller learns so (404), the others are refused first
    "DELETE /webhook-settings/{system}": managers(404),
    "GET /webhook-deliveries": managers(),
    # the deal's owner company only (contoso), reading or writing
    "GET /deals/{deal_id}/external-ids": Cells(NONE, PARTNER_READERS, party="contoso"),
    "PUT /deals/{deal_id}/external-ids": Cells(NONE, PARTNER_WRITERS, party="contoso"),
    "POST /webhooks/hubspot/{organisation_id}": PUBLIC,
    "POST /webhooks/generic/{organisation_id}": PUBLIC,
    # the CRM: each organisation's own; a partner's people find none of acme's accounts (404)
    "POST /accounts": crm_write(201),
    "GET /accounts": crm_read(),
    "GET /accounts/{account_id}": crm_read(partner_ok=404),
    "PATCH /accounts/{account_id}": crm_write(partner_ok=404),
    "DELETE /accounts/{account_id}": crm_write(204, partner_ok=404),
    "POST /accounts/{account_id}/contacts": crm_write(201, partner_ok=404),
    "GET /accounts/{account_id}/contacts": crm_read(partner_ok=404),
    "GET /accounts/{account_id}/contacts/{contact_id}": crm_read(partner_ok=404),
    "PATCH /accounts/{account_id}/contacts/{contact_id}": crm_write(partner_ok=404),
    "DELETE /accounts/{account_id}/contacts/{contact_id}": crm_write(204, partner_ok=404),
    "GET /contacts": crm_read(),
    "GET /accounts/import-template": crm_read(),  # was access.reader: marketing and PMs were refused
    "POST /accounts/imports": crm_write(201),
    "GET /accounts/imports/{import_id}": crm_read(partner_ok=404),
    "GET /accounts/imports/{import_id}/rejections": crm_read(partner_ok=404),
    "GET /accounts/export": crm_read(),
    "POST /accounts/exports": crm_read(202),
    "GET /accounts/exports/{export_id}": crm_read(partner_ok=404),
    # a vendor, or a distributor's readers for its own network (was any partner role: its marketers and
    # project managers read lead and deal figures the leads and deals rooms keep from them)
    "GET /reports/distribution-network": read(party="dista"),
    "GET /reports/partner-performance": vendor_read(),
    "GET /accounts/{account_id}/overlaps": read(partner_ok=404),
    "GET /account-sharing": read(),
    "PUT /account-sharing": managers(),
    "GET /referrals": read(),
    "GET /referrals/{referral_id}": read(),  # northwind referred acme's deal
    "PUT /referrals/{referral_id}/status": vendor_write(),  # only the deal's owner (acme) sets it
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
    table = TableSnapshot(aws, "LeadsTable")
    table.take()
    _each_role(api, table, world, route_key)
    table.restore()
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


def _send(api: ApiClient, route_key: str, request: tuple[str, Any], *, csv: bool, **kwargs: Any) -> Any:
    method = route_key.split(" ", 1)[0].lower()
    path, body = request
    path, _, raw = path.partition("?")
    query = dict(part.split("=", 1) for part in raw.split("&")) if raw else {}
    if csv:
        headers = {"content-type": "text/csv"}
        return getattr(api, method)(path, query=query, body=body, headers=headers, **kwargs)
    return getattr(api, method)(path, query=query, **({"json_body": body} if body is not None else {}),
                                **kwargs)


def _each_role(api: ApiClient, table: TableSnapshot, world: World, route_key: str) -> None:
    """Every vendor and every partner role on the route, each from the same world: what the rules give."""
    entry = ROLE_CELLS.get(route_key)
    assert entry is not None, f"{route_key} has no cells in ROLE_CELLS: what each role gets"
    cells, role_request = entry if isinstance(entry, tuple) else (entry, None)
    recipe = RECIPES[route_key]
    vendor_request = role_request or recipe.request
    anyone = None
    if cells is PUBLIC:  # the request's own credential: every role gets what no token gets
        anyone = _send(api, route_key, vendor_request(world), csv=recipe.csv, claims={}).status
        table.restore()
    got: dict[Role, int] = {}
    expected: dict[Role, int] = {}
    for role in [*VENDOR_CALLERS, *sorted(PARTNER_ROLES)]:
        table.restore()
        if role in VENDOR_ROLES:
            caller, request = VENDOR_CALLERS[role], vendor_request
        else:
            caller, request = partner_person(cells.party, role), cells.partner_request or vendor_request
        sent = request(world)
        response = _send(api, route_key, sent, csv=recipe.csv, user=caller)
        got[role] = response.status
        expected[role] = anyone if anyone is not None else cells.expected(role)
        if response.status >= 400:
            assert_problem(response, response.status)
        if response.status >= 400 and role in PARTNER_ROLES:
            _holds_nothing_of_acme(response.text, world, sent[0].split("?")[0], str(sent[1]) + sent[0])
    assert got == expected, f"{route_key} by role: got (left), the rules (right)"

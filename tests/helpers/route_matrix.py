"""The access matrix of the partners API: every route by every kind of caller → the status it answers.

- The world: a vendor ``acme`` with a program (tiers), a shared and a private custom field, the
  distributor module on, a reseller linked to a partner organisation (ICP, field values, own
  commission plan, a pending partner invitation), a distributor linked to another partner
  organisation with a reseller assigned, an archived partnership and a pending teammate invitation;
  and another vendor, ``acme-corp``, whose partnership is linked to a third partner organisation.
  It is built through the API: partner organisations exist because their people accepted
  invitations, so the partner-side callers hold exactly what an accepted invitation gives them.
- The callers (``PRINCIPALS``): the route's owner, each acme role, an acme user without roles,
  acme-corp's admin, the linked partner, a partner of another vendor, the distributor's user, and
  a request with no authorizer context at all.
- A recipe per route: the request an owner would send and a policy (the expected status per
  caller). Policies are few; a recipe states only how its route differs from its policy.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any
from urllib.parse import unquote

from tests.helpers.aws import ACCOUNT, REGION, Stack
from tests.helpers.dynamodb_calls import recording
from tests.helpers.lambda_runtime import ApiClient, ApiResponse, User, api_event, match_route
from tests.helpers.people import ANA, BEN, CLEO, NOROLE, ZED

FUNCTION = "PartnersApiFunction"
TABLE = "PartnersTable"

# ---------------------------------------------------------------- who calls

OWNER = "owner"
ADMIN = "admin"
PARTNER_MANAGER = "partner_manager"
MEMBER = "member"
NO_ROLES = "no_roles"
OTHER_VENDOR = "other_vendor_admin"
LINKED_PARTNER = "linked_partner"
UNLINKED_PARTNER = "unlinked_partner"
DISTRIBUTOR = "distributor_user"
NO_TOKEN = "no_token"

PRINCIPALS = (
    OWNER, ADMIN, PARTNER_MANAGER, MEMBER, NO_ROLES, OTHER_VENDOR,
    LINKED_PARTNER, UNLINKED_PARTNER, DISTRIBUTOR, NO_TOKEN,
)
# acme's own people: everything of acme is theirs to see (the roles decide what they may do).
VENDOR_PEOPLE = frozenset({ADMIN, PARTNER_MANAGER, MEMBER, NO_ROLES})

# ---------------------------------------------------------------- the world

TIER = "platinum"
PERCENTAGE = {"kind": "percentage", "rate": "12.5", "net_days": 30, "schedule": "monthly"}
FIXED = {"kind": "fixed", "amount": "500", "currency": "EUR", "net_days": 45, "schedule": "on_deal_won"}


@dataclass(frozen=True)
class World:
    """The ids a recipe needs, the callers, and which of acme's strings each caller may see."""

    partnership: str  # a reseller, linked to the linked partner's organisation
    distributor: str  # linked to the distributor user's organisation
    reseller: str  # assigned to the distributor
    archived: str
    shared_field: str
    private_field: str
    teammate_invitation: str
    teammate_token: str
    partner_invitation: str  # pending, on ``partnership``
    users: Mapping[str, User]  # principal kind → caller (no entry: no token)
    private: frozenset[str]  # acme's strings no other organisation may see …
    seen_by: Mapping[str, frozenset[str]]  # … except these, by the partners party to them


def _created(response: ApiResponse, status: int = 201) -> dict[str, Any]:
    assert response.status == status, response.text
    body: dict[str, Any] = response.json()
    return body


def _joined(api: ApiClient, token: str, name: str, email: str) -> User:
    """The person who accepted the invitation, as their ID token names them."""
    accepted = api.post("/invitations/accept", json_body={"token": token, "name": name}, claims={})
    membership = _created(accepted)
    return User(membership["user_id"], membership["organisation_id"], tuple(membership["roles"]), email)


def _invite_partner(
    api: ApiClient, partnership_id: str, email: str, user: User, **extra: Any,
) -> dict[str, Any]:
    path = f"/partnerships/{partnership_id}/invitations"
    return _created(api.post(path, json_body={"email": email, **extra}, user=user))


def build_world(api: ApiClient) -> World:
    """The world of the matrix, through acme's and acme-corp's API calls (``api`` calls as acme's admin).

    Only what no route creates is written by the service's own logic, as the integration fixtures
    do: the directory of acme's and acme-corp's people and their organisations' profiles.
    """
    with api.runner.env_applied():
        from partners.logic.organisations import register_organisation, register_user
        from trellis.principal import Role

        for person in (ANA, BEN, CLEO, NOROLE, ZED):
            register_user(person.organisation_id, person.user_id, email=person.email or "",
                          name=person.user_id, roles={Role(role) for role in person.roles})
        register_organisation("acme", "Acme")
        register_organisation("acme-corp", "Acme Corp")

    # acme's program, fields and module
    tiers = {"entries": [{"name": "Platinum"}, {"name": "Silver"}]}
    _created(api.put("/program/tiers", json_body=tiers), 200)
    _created(api.put("/distributor-module", json_body={"enabled": True}), 200)
    _created(api.put(f"/program/checklists/{CHECKLIST_STAGE}", json_body={
        "items": [{"id": CHECKLIST_ITEM, "title": "Sign the partner agreement"}],
    }), 200)
    shared_field = _created(api.post("/custom-fields", json_body={
        "key": "partner_region", "label": "Partner region", "type": "text", "visibility": "shared",
    }))
    private_field = _created(api.post("/custom-fields", json_body={
        "key": "acme_margin_note", "label": "Acme margin note", "type": "text", "visibility": "standard",
    }))
    _created(api.put(f"/commission-plans/defaults/{TIER}", json_body=PERCENTAGE), 200)

    # acme's partnerships
    def partnership(company_name: str, partnership_type: str, **fields: Any) -> dict[str, Any]:
        body = {"company_name": company_name, "partnership_type": partnership_type, **fields}
        return _created(api.post("/partnerships", json_body=body))

    reseller = partnership("Pinecrest Software Resale", "reseller", tier=TIER,
                           assigned_user_ids=[BEN.user_id])
    distributor = partnership("Dovetail Distribution", "distributor", country="NL")
    assigned = partnership("Redwood Resellers", "reseller", country="DE")
    archived = partnership("Xanadu Referrals", "referral")
    _created(api.post(f"/partnerships/{archived['id']}/archive"), 200)
    _created(api.post(f"/distributors/{distributor['id']}/resellers",
                      json_body={"reseller_id": assigned["id"]}))
    _created(api.put(f"/partnerships/{reseller['id']}/icp", json_body={
        "countries": ["DE"], "keywords": ["acme-icp-secret-keyword"],
    }), 200)
    _created(api.put(f"/partnerships/{reseller['id']}/custom-fields", json_body={"values": {
        "partner_region": "EMEA north", "acme_margin_note": "acme-private-margin-note",
    }}), 200)
    _created(api.put(f"/partnerships/{reseller['id']}/commission-plan", json_body=FIXED), 200)
    teammate = _created(api.post("/organisation/invitations", json_body={
        "email": "new.hire@acme.example", "roles": ["member"],
    }))

    # partner organisations, founded by the people who accepted acme's (and acme-corp's) invitations
    linked = _joined(api, _invite_partner(api, reseller["id"], "pia@pinecrest.example", ANA)["token"],
                     "Pia Pinecrest", "pia@pinecrest.example")
    founder = _invite_partner(api, distributor["id"], "dan@dovetail.example", ANA)
    _joined(api, founder["token"], "Dan Dovetail", "dan@dovetail.example")
    seller = _invite_partner(api, distributor["id"], "dora@dovetail.example", ANA, roles=["sales"])
    distributor_user = _joined(api, seller["token"], "Dora Dovetail", "dora@dovetail.example")
    assert distributor_user.roles == ("sales",), distributor_user
    pending = _invite_partner(api, reseller["id"], "second.contact@pinecrest.example", ANA)

    # acme-corp: its own module and a partnership of its own, with its own partner organisation
    _created(api.put("/distributor-module", json_body={"enabled": True}, user=ZED), 200)
    corp = _created(api.post("/partnerships", json_body={
        "company_name": "Globex Corp Partners", "partnership_type": "reseller",
    }, user=ZED))
    unlinked = _joined(api, _invite_partner(api, corp["id"], "gil@globex.example", ZED)["token"],
                       "Gil Globex", "gil@globex.example")

    def strings(item: Mapping[str, Any]) -> set[str]:
        return {item["id"], item["company_name"]}

    shared = {shared_field["id"], "partner_region", "Partner region", "EMEA north"}
    private = (
        strings(reseller) | strings(distributor) | strings(assigned) | strings(archived) | shared
        | {private_field["id"], "acme_margin_note", "Acme margin note", "acme-private-margin-note"}
        | {"acme-icp-secret-keyword", teammate["id"], "new.hire@acme.example", pending["id"],
           "second.contact@pinecrest.example", teammate["token"], pending["token"]}
        | {person.user_id for person in (ANA, BEN, CLEO, NOROLE)}
        | {person.email or "" for person in (ANA, BEN, CLEO, NOROLE)}
    )
    return World(
        partnership=reseller["id"], distributor=distributor["id"], reseller=assigned["id"],
        archived=archived["id"], shared_field=shared_field["id"], private_field=private_field["id"],
        teammate_invitation=teammate["id"], teammate_token=teammate["token"],
        partner_invitation=pending["id"],
        users=MappingProxyType({
            ADMIN: ANA, PARTNER_MANAGER: BEN, MEMBER: CLEO, NO_ROLES: NOROLE, OTHER_VENDOR: ZED,
            LINKED_PARTNER: linked, UNLINKED_PARTNER: unlinked, DISTRIBUTOR: distributor_user,
        }),
        private=frozenset(private),
        seen_by=MappingProxyType({
            LINKED_PARTNER: frozenset(strings(reseller) | shared),
            DISTRIBUTOR: frozenset(strings(distributor) | strings(assigned)),
        }),
    )


# ---------------------------------------------------------------- policies


@dataclass(frozen=True)
class Policy:
    """Who succeeds at a kind of route and what everyone else gets.

    ``owner`` is the caller the owner column stands for: the least role that succeeds.
    """

    name: str
    owner: str
    statuses: Mapping[str, int]

    def but(self, statuses: Mapping[str, int]) -> Policy:
        """The same policy with some callers' statuses changed (the route's own rule)."""
        unknown = set(statuses) - set(PRINCIPALS)
        assert not unknown, f"no such caller: {unknown}"
        return replace(self, statuses=MappingProxyType({**self.statuses, **statuses}))

    def status(self, principal: str) -> int:
        return self.statuses[self.owner if principal == OWNER else principal]


def _policy(name: str, owner: str, ok: int, ok_for: set[str], others: Mapping[str, int]) -> Policy:
    statuses = {NO_TOKEN: 401} | {principal: ok for principal in ok_for} | dict(others)
    assert set(statuses) == set(PRINCIPALS) - {OWNER}, f"{name} leaves callers out"
    return Policy(name, owner, MappingProxyType(statuses))


_PARTNERS_REFUSED = {LINKED_PARTNER: 403, UNLINKED_PARTNER: 403, DISTRIBUTOR: 403}
_VENDORS_REFUSED = {ADMIN: 403, PARTNER_MANAGER: 403, MEMBER: 403, NO_ROLES: 403, OTHER_VENDOR: 403}


def vendor_read(ok: int = 200, *, collection: bool = False) -> Policy:
    """Any vendor role reads; partner roles never; another vendor's object is 404, its own list its own."""
    return _policy("vendor read", MEMBER, ok, {ADMIN, PARTNER_MANAGER, MEMBER}, {
        NO_ROLES: 403, OTHER_VENDOR: ok if collection else 404, **_PARTNERS_REFUSED,
    })


def vendor_write(ok: int = 200, *, collection: bool = False) -> Policy:
    """Admins and partner managers write; members and partner roles never."""
    return _policy("vendor write", PARTNER_MANAGER, ok, {ADMIN, PARTNER_MANAGER}, {
        MEMBER: 403, NO_ROLES: 403, OTHER_VENDOR: ok if collection else 404, **_PARTNERS_REFUSED,
    })


def admin_only(ok: int = 200, *, collection: bool = False) -> Policy:
    """Only a vendor admin; a partner manager or member never."""
    return _policy("admin only", ADMIN, ok, {ADMIN}, {
        PARTNER_MANAGER: 403, MEMBER: 403, NO_ROLES: 403, OTHER_VENDOR: ok if collection else 404,
        **_PARTNERS_REFUSED,
    })


def organisation_read() -> Policy:
    """Anyone with a role reads their own organisation (vendor or partner)."""
    ok_for = {ADMIN, PARTNER_MANAGER, MEMBER, OTHER_VENDOR, LINKED_PARTNER, UNLINKED_PARTNER, DISTRIBUTOR}
    return _policy("organisation read", MEMBER, 200, ok_for, {NO_ROLES: 403})


def organisation_admin(ok: int = 200, *, collection: bool = False) -> Policy:
    """An organisation's administrator (a vendor's admin, a partner's partner_admin), in their own.

    The distributor user holds only ``sales``: 403. The partner admins' organisations hold none
    of acme's people or invitations: 404 (their own lists: their own).
    """
    foreign = ok if collection else 404
    return _policy("organisation admin", ADMIN, ok, {ADMIN}, {
        PARTNER_MANAGER: 403, MEMBER: 403, NO_ROLES: 403, DISTRIBUTOR: 403,
        OTHER_VENDOR: foreign, LINKED_PARTNER: foreign, UNLINKED_PARTNER: foreign,
    })


def partner_read(*, collection: bool = False) -> Policy:
    """Partner roles of the organisation party to the partnership; vendor roles never (403, not 404)."""
    other = 200 if collection else 404
    return _policy("partner read", LINKED_PARTNER, 200, {LINKED_PARTNER}, {
        UNLINKED_PARTNER: other, DISTRIBUTOR: other, **_VENDORS_REFUSED,
    })


def partner_admin_write() -> Policy:
    """The partner's partner_admin writes its shared values; sales never; vendor roles never."""
    return _policy("partner admin write", LINKED_PARTNER, 200, {LINKED_PARTNER}, {
        UNLINKED_PARTNER: 404, DISTRIBUTOR: 403, **_VENDORS_REFUSED,
    })


def distributor_read() -> Policy:
    """The distributor's own people list its resellers; other partners 404; vendor roles 403."""
    return _policy("distributor read", DISTRIBUTOR, 200, {DISTRIBUTOR}, {
        LINKED_PARTNER: 404, UNLINKED_PARTNER: 404, **_VENDORS_REFUSED,
    })


def public(ok: int = 201) -> Policy:
    """No identity needed: the token in the body is the credential, whoever sends it."""
    return _policy("public", NO_TOKEN, ok, set(PRINCIPALS) - {OWNER}, {})


# ---------------------------------------------------------------- recipes


@dataclass(frozen=True)
class Recipe:
    """How to call one route as its owner, and what every caller gets."""

    path: Callable[[World], str]
    policy: Policy
    body: Callable[[World], Any] | None = None
    # Cells whose answer contradicts the rules: principal → what was found (strict xfail).
    findings: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


CHECKLIST_STAGE, CHECKLIST_ITEM = "recruitment", "agreement"


def _p(world: World) -> str:
    return f"/partnerships/{world.partnership}"


RECIPES: dict[str, Recipe] = {
    # ------------------------------------------------------------ partnerships
    "POST /partnerships": Recipe(
        lambda w: "/partnerships", vendor_write(201, collection=True),
        body=lambda w: {"company_name": "Quill Partners", "partnership_type": "referral"},
    ),
    "GET /partnerships": Recipe(lambda w: "/partnerships", vendor_read(collection=True)),
    "GET /partnerships/{partnership_id}": Recipe(_p, vendor_read()),
    "PATCH /partnerships/{partnership_id}": Recipe(_p, vendor_write(), body=lambda w: {"country": "AT"}),
    "DELETE /partnerships/{partnership_id}": Recipe(
        # 404 for another's, then 403 for a partner manager (it exists), then 409 unless archived.
        lambda w: f"/partnerships/{w.archived}", admin_only(204),
    ),
    "PUT /partnerships/{partnership_id}/stage": Recipe(
        lambda w: f"{_p(w)}/stage", vendor_write(), body=lambda w: {"stage": "onboarding"},
    ),
    "GET /partnerships/{partnership_id}/activity": Recipe(lambda w: f"{_p(w)}/activity", vendor_read()),
    "POST /partnerships/{partnership_id}/archive": Recipe(lambda w: f"{_p(w)}/archive", vendor_write()),
    "POST /partnerships/{partnership_id}/restore": Recipe(
        lambda w: f"/partnerships/{w.archived}/restore", vendor_write(),
    ),
    "POST /partnerships/{partnership_id}/assignees": Recipe(
        lambda w: f"{_p(w)}/assignees", vendor_write(), body=lambda w: {"user_id": CLEO.user_id},
    ),
    "DELETE /partnerships/{partnership_id}/assignees/{user_id}": Recipe(
        lambda w: f"{_p(w)}/assignees/{BEN.user_id}", vendor_write(),
    ),
    # ------------------------------------------------------------ program
    "GET /program": Recipe(lambda w: "/program", vendor_read(collection=True)),
    "PUT /program/{list_name}": Recipe(
        lambda w: "/program/tiers", admin_only(collection=True),
        body=lambda w: {"entries": [{"id": TIER, "name": "Platinum"}, {"id": "silver", "name": "Silver"},
                                    {"name": "Bronze"}]},
    ),
    # ------------------------------------------------------------ organisation, people, invitations
    "GET /organisation": Recipe(lambda w: "/organisation", organisation_read()),
    "GET /organisation/users": Recipe(lambda w: "/organisation/users", organisation_read()),
    "PUT /organisation/users/{user_id}/roles": Recipe(
        lambda w: f"/organisation/users/{CLEO.user_id}/roles", organisation_admin(),
        body=lambda w: {"roles": ["partner_manager"]},
    ),
    "DELETE /organisation/users/{user_id}": Recipe(
        lambda w: f"/organisation/users/{CLEO.user_id}", organisation_admin(204),
    ),
    "POST /organisation/invitations": Recipe(
        lambda w: "/organisation/invitations",
        # A partner_admin grants partner roles only: the owner's vendor role is theirs to refuse (422).
        organisation_admin(201, collection=True).but({LINKED_PARTNER: 422, UNLINKED_PARTNER: 422}),
        body=lambda w: {"email": "another.hire@example.com", "roles": ["member"]},
    ),
    "GET /organisation/invitations": Recipe(
        lambda w: "/organisation/invitations", organisation_admin(collection=True),
    ),
    "POST /organisation/invitations/{invitation_id}/resend": Recipe(
        lambda w: f"/organisation/invitations/{w.teammate_invitation}/resend", organisation_admin(),
    ),
    "DELETE /organisation/invitations/{invitation_id}": Recipe(
        lambda w: f"/organisation/invitations/{w.teammate_invitation}", organisation_admin(204),
    ),
    "POST /partnerships/{partnership_id}/invitations": Recipe(
        lambda w: f"{_p(w)}/invitations", vendor_write(201),
        body=lambda w: {"email": "third@pinecrest.example"},
    ),
    "GET /partnerships/{partnership_id}/invitations": Recipe(lambda w: f"{_p(w)}/invitations", vendor_read()),
    "POST /partnerships/{partnership_id}/invitations/{invitation_id}/resend": Recipe(
        lambda w: f"{_p(w)}/invitations/{w.partner_invitation}/resend", vendor_write(),
    ),
    "DELETE /partnerships/{partnership_id}/invitations/{invitation_id}": Recipe(
        lambda w: f"{_p(w)}/invitations/{w.partner_invitation}", vendor_write(204),
    ),
    "POST /invitations/accept": Recipe(
        lambda w: "/invitations/accept", public(),
        body=lambda w: {"token": w.teammate_token, "name": "New Hire"},
    ),
    # ------------------------------------------------------------ the partner's side
    "GET /partner/partnerships": Recipe(lambda w: "/partner/partnerships", partner_read(collection=True)),
    "GET /partner/partnerships/{partnership_id}": Recipe(
        lambda w: f"/partner/partnerships/{w.partnership}", partner_read(),
    ),
    "GET /partner/partnerships/{partnership_id}/custom-fields": Recipe(
        lambda w: f"/partner/partnerships/{w.partnership}/custom-fields", partner_read(),
    ),
    "PUT /partner/partnerships/{partnership_id}/custom-fields": Recipe(
        lambda w: f"/partner/partnerships/{w.partnership}/custom-fields", partner_admin_write(),
        body=lambda w: {"values": {"partner_region": "DACH"}},
    ),
    "GET /partner/partnerships/{partnership_id}/commission-plan": Recipe(
        lambda w: f"/partner/partnerships/{w.partnership}/commission-plan", partner_read(),
    ),
    "GET /partner/distributors/{distributor_id}/resellers": Recipe(
        lambda w: f"/partner/distributors/{w.distributor}/resellers", distributor_read(),
    ),
    # ------------------------------------------------------------ ICP and custom fields
    "GET /partnerships/{partnership_id}/icp": Recipe(lambda w: f"{_p(w)}/icp", vendor_read()),
    "PUT /partnerships/{partnership_id}/icp": Recipe(
        lambda w: f"{_p(w)}/icp", vendor_write(), body=lambda w: {"countries": ["FR"]},
    ),
    "GET /custom-fields": Recipe(lambda w: "/custom-fields", vendor_read(collection=True)),
    "POST /custom-fields": Recipe(
        lambda w: "/custom-fields", admin_only(201, collection=True),
        body=lambda w: {"key": "renewal_date", "label": "Renewal date", "type": "date"},
    ),
    "PUT /custom-fields/{field_id}": Recipe(
        lambda w: f"/custom-fields/{w.private_field}", admin_only(),
        body=lambda w: {"label": "Margin note (internal)"},
    ),
    "DELETE /custom-fields/{field_id}": Recipe(
        lambda w: f"/custom-fields/{w.private_field}", admin_only(204),
    ),
    "GET /partnerships/{partnership_id}/custom-fields": Recipe(
        lambda w: f"{_p(w)}/custom-fields", vendor_read(),
    ),
    "PUT /partnerships/{partnership_id}/custom-fields": Recipe(
        lambda w: f"{_p(w)}/custom-fields", vendor_write(),
        body=lambda w: {"values": {"partner_region": "APAC"}},
    ),
    # ------------------------------------------------------------ commission plans
    "GET /commission-plans/defaults": Recipe(
        lambda w: "/commission-plans/defaults", vendor_read(collection=True),
    ),
    "PUT /commission-plans/defaults/{tier_id}": Recipe(
        lambda w: f"/commission-plans/defaults/{TIER}",
        # A tier id is a name the vendor chose, not another's object: acme-corp's program has no
        # such tier, so its admin gets 422 naming tier_id (listing acme-corp's own tiers).
        admin_only().but({OTHER_VENDOR: 422}), body=lambda w: FIXED,
    ),
    "DELETE /commission-plans/defaults/{tier_id}": Recipe(
        lambda w: f"/commission-plans/defaults/{TIER}", admin_only(204),
    ),
    "GET /partnerships/{partnership_id}/commission-plan": Recipe(
        lambda w: f"{_p(w)}/commission-plan", vendor_read(),
    ),
    "PUT /partnerships/{partnership_id}/commission-plan": Recipe(
        lambda w: f"{_p(w)}/commission-plan", vendor_write(), body=lambda w: PERCENTAGE,
    ),
    "DELETE /partnerships/{partnership_id}/commission-plan": Recipe(
        lambda w: f"{_p(w)}/commission-plan", vendor_write(),
    ),
    # ------------------------------------------------------------ distributor network
    "GET /distributor-module": Recipe(lambda w: "/distributor-module", vendor_read(collection=True)),
    "PUT /distributor-module": Recipe(
        lambda w: "/distributor-module", admin_only(collection=True), body=lambda w: {"enabled": False},
    ),
    "POST /distributors/{distributor_id}/resellers": Recipe(
        lambda w: f"/distributors/{w.distributor}/resellers", vendor_write(201),
        body=lambda w: {"reseller_id": w.partnership},
    ),
    "DELETE /distributors/{distributor_id}/resellers/{reseller_id}": Recipe(
        lambda w: f"/distributors/{w.distributor}/resellers/{w.reseller}", vendor_write(204),
    ),
    "GET /distributors/{distributor_id}/resellers": Recipe(
        lambda w: f"/distributors/{w.distributor}/resellers", vendor_read(),
    ),
    "GET /partnerships/{partnership_id}/distributors": Recipe(
        lambda w: f"/partnerships/{w.reseller}/distributors", vendor_read(),
    ),
    # ------------------------------------------------------------ checklists and the journey report
    "GET /program/checklists": Recipe(lambda w: "/program/checklists", vendor_read(collection=True)),
    "PUT /program/checklists/{stage_id}": Recipe(
        # Every vendor's pipeline starts with the journey's stages: acme-corp's admin defines its own.
        lambda w: f"/program/checklists/{CHECKLIST_STAGE}", admin_only(collection=True),
        body=lambda w: {"items": [{"id": CHECKLIST_ITEM, "title": "Sign it"}, {"title": "Kick-off"}]},
    ),
    "GET /partnerships/{partnership_id}/checklist": Recipe(lambda w: f"{_p(w)}/checklist", vendor_read()),
    "PUT /partnerships/{partnership_id}/checklist/{item_id}": Recipe(
        lambda w: f"{_p(w)}/checklist/{CHECKLIST_ITEM}", vendor_write(), body=lambda w: {"done": True},
    ),
    "GET /partner/partnerships/{partnership_id}/checklist": Recipe(
        lambda w: f"/partner/partnerships/{w.partnership}/checklist", partner_read(),
    ),
    "PUT /partner/partnerships/{partnership_id}/checklist/{item_id}": Recipe(
        lambda w: f"/partner/partnerships/{w.partnership}/checklist/{CHECKLIST_ITEM}", partner_admin_write(),
        body=lambda w: {"done": True},
    ),
    "GET /reports/journey": Recipe(lambda w: "/reports/journey", vendor_read(collection=True)),
}


# ---------------------------------------------------------------- calling


def send(api: ApiClient, method: str, path: str, *, user: User | None, body: Any = None) -> ApiResponse:
    """Call the route as ``user``; with no user, the event carries no authorizer context at all.

    API Gateway's JWT authorizer answers 401 before such a request reaches the function; the
    function must refuse it too (a misconfigured route, a direct invoke), not treat it as anyone.
    """
    found = match_route(api.routes, method, path)
    assert found is not None, f"{method} {path} is not a route of {api.runner.function.name}"
    route, parameters = found
    event = api_event(
        method, path, route_key=route.route_key, path_parameters=parameters, user=user,
        body=None if body is None else json.dumps(body),
    )
    if user is None:
        del event["requestContext"]["authorizer"]
    with recording() as recorder:
        result = api.runner.invoke(event)
    headers = {name: str(value) for name, value in (result.get("headers") or {}).items()}
    return ApiResponse(status=int(result["statusCode"]), headers=headers, text=result.get("body") or "",
                       calls=recorder)


def foreign_strings_in(response: ApiResponse, path: str, forbidden: frozenset[str]) -> list[str]:
    """Which of ``forbidden`` the answer shows, apart from the request's own path echoed in ``instance``."""
    if not response.text:
        return []
    body = response.json()
    if isinstance(body, dict) and "instance" in body:
        assert unquote(str(body["instance"])) == path, f"instance is not the request's path: {body}"
        body = {name: value for name, value in body.items() if name != "instance"}
    text = json.dumps(body)
    return sorted(value for value in forbidden if value and value in text)


# ---------------------------------------------------------------- a fresh world for every cell


@dataclass
class TableSnapshot:
    """The table's items as moto holds them, put back before each cell so every cell sees the same world.

    Copying moto's item store is a few milliseconds; building the world through the API again is
    seconds, and the matrix has hundreds of cells.
    """

    stack: Stack
    table: str
    saved: Any = None

    def _moto_table(self) -> Any:
        from moto.dynamodb.models import dynamodb_backends

        moto_table = dynamodb_backends[ACCOUNT][REGION].get_table(self.stack.tables[self.table])
        assert isinstance(getattr(moto_table, "items", None), dict), "moto keeps table items elsewhere now"
        return moto_table

    def take(self) -> None:
        self.saved = copy.deepcopy(self._moto_table().items)

    def restore(self) -> None:
        self._moto_table().items = copy.deepcopy(self.saved)

    def items(self) -> list[dict[str, Any]]:
        """Every item, in key order (read on moto's side, so never counted as the code's calls)."""
        return sorted(self.stack.items(self.table), key=lambda item: (item["pk"], item["sk"]))

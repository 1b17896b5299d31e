"""The demo world: two vendors running partner programs, their partners, and everyone's users.

The single source for the demo: the seeder writes it, ``GET /local/users`` lists it, and the local
issuer signs tokens only for these users. Ids are stable so that a bookmarked URL or a token
still works after a restart.

Distribution networks (which reseller a distributor serves) are issue #3; until partnerships can
carry that link, the resellers in Northwind's network say so in their name ("via Northwind").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

VENDOR_ROLES = ("admin", "partner_manager", "member")
PARTNER_ROLES = ("partner_admin", "sales", "marketing", "project_manager", "executive")


@dataclass(frozen=True)
class DemoOrganisation:
    organisation_id: str
    name: str
    kind: Literal["vendor", "partner"]
    domain: str


@dataclass(frozen=True)
class DemoUser:
    user_id: str
    organisation_id: str
    email: str
    name: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class DemoPartnership:
    vendor_id: str
    partner_id: str  # the partner organisation, linked to the partnership as if it had accepted an invitation
    company_name: str
    partnership_type: Literal["referral", "reseller", "implementation", "technology", "distributor"]
    country: str
    assigned_user_ids: tuple[str, ...]
    # Stages the vendor's admin moves it through after creation, so the activity log and the
    # assigned partner managers' inboxes have something in them.
    stage_changes: tuple[str, ...] = ()
    distributor: str | None = None  # company name of the distributor whose network it is in
    website: str | None = None
    tier: str | None = None
    category: str | None = None
    tags: tuple[str, ...] = ()


def _org(organisation_id: str, name: str, kind: Literal["vendor", "partner"]) -> DemoOrganisation:
    return DemoOrganisation(organisation_id, name, kind, f"{organisation_id.removeprefix('org-')}.example")


ORGANISATIONS: tuple[DemoOrganisation, ...] = (
    _org("org-acme", "Acme Cloud", "vendor"),
    _org("org-globex", "Globex Software", "vendor"),
    _org("org-northwind", "Northwind Distribution", "partner"),
    _org("org-contoso", "Contoso Systems", "partner"),
    _org("org-fabrikam", "Fabrikam IT", "partner"),
    _org("org-tailspin", "Tailspin Referrals", "partner"),
    _org("org-wingtip", "Wingtip Implementations", "partner"),
    _org("org-initech", "Initech Consulting", "partner"),
    _org("org-umbrella", "Umbrella Integrations", "partner"),
)

_PEOPLE = {
    "admin": "Admin", "partner_manager": "Partner Manager", "member": "Member",
    "partner_admin": "Partner Admin", "sales": "Sales", "marketing": "Marketing",
    "project_manager": "Project Manager", "executive": "Executive",
}
_SHORT = {"partner_manager": "pm", "partner_admin": "admin", "project_manager": "projects"}


def _users_of(organisation: DemoOrganisation, roles: tuple[str, ...]) -> list[DemoUser]:
    slug = organisation.organisation_id.removeprefix("org-")
    return [
        DemoUser(
            user_id=f"u-{slug}-{_SHORT.get(role, role)}",
            organisation_id=organisation.organisation_id,
            email=f"{_SHORT.get(role, role)}@{organisation.domain}",
            name=f"{organisation.name.split()[0]} {_PEOPLE[role]}",
            roles=(role,),
        )
        for role in roles
    ]


def _build_users() -> tuple[DemoUser, ...]:
    users: list[DemoUser] = []
    fully_staffed = {"org-northwind", "org-contoso", "org-initech"}
    for organisation in ORGANISATIONS:
        if organisation.kind == "vendor":
            users += _users_of(organisation, VENDOR_ROLES)
            slug = organisation.organisation_id.removeprefix("org-")
            # A second partner manager, so assignments are visibly per person.
            users.append(DemoUser(
                user_id=f"u-{slug}-pm2", organisation_id=organisation.organisation_id,
                email=f"pm2@{organisation.domain}", name=f"{organisation.name.split()[0]} Partner Manager 2",
                roles=("partner_manager",),
            ))
        else:
            roles = PARTNER_ROLES if organisation.organisation_id in fully_staffed else PARTNER_ROLES[:2]
            users += _users_of(organisation, roles)
    return tuple(users)


USERS: tuple[DemoUser, ...] = _build_users()

PARTNERSHIPS: tuple[DemoPartnership, ...] = (
    DemoPartnership("org-acme", "org-northwind", "Northwind Distribution", "distributor", "DE",
                    ("u-acme-pm",), ("onboarding", "activation", "growth"), website="https://northwind.example",
                    tier="gold", category="distributor", tags=("emea",)),
    DemoPartnership("org-acme", "org-contoso", "Contoso Systems", "reseller", "AT",
                    ("u-acme-pm",), ("onboarding", "activation"), distributor="Northwind Distribution",
                    website="https://contoso.example", tier="silver", category="system-integrator",
                    tags=("emea", "cloud")),
    DemoPartnership("org-acme", "org-fabrikam", "Fabrikam IT", "reseller", "CH",
                    ("u-acme-pm2",), (), distributor="Northwind Distribution", website="https://fabrikam.example",
                    tier="registered", category="system-integrator", tags=("emea",)),
    DemoPartnership("org-acme", "org-tailspin", "Tailspin Referrals", "referral", "GB",
                    ("u-acme-pm2",), ("onboarding",), tier="registered", category="agency"),
    DemoPartnership("org-acme", "org-wingtip", "Wingtip Implementations", "implementation", "US",
                    ("u-acme-pm", "u-acme-pm2"), ("onboarding", "activation", "growth", "retention"),
                    tier="gold", category="consultancy", tags=("cloud", "security")),
    DemoPartnership("org-globex", "org-initech", "Initech Consulting", "reseller", "US",
                    ("u-globex-pm",), ("onboarding", "activation"), website="https://initech.example",
                    tier="gold", category="consultancy", tags=("cloud",)),
    DemoPartnership("org-globex", "org-umbrella", "Umbrella Integrations", "implementation", "FR",
                    ("u-globex-pm2",), ("onboarding",), tier="silver", category="system-integrator"),
)


# Each vendor's program lists (PUT /program/{list}); the partnerships above use their ids.
PROGRAM_LISTS: dict[str, list[str]] = {
    "tiers": ["Gold", "Silver", "Registered"],
    "categories": ["Distributor", "System integrator", "Consultancy", "Agency"],
    "tags": ["EMEA", "Cloud", "Security"],
}

ORGANISATIONS_BY_ID = {organisation.organisation_id: organisation for organisation in ORGANISATIONS}
USERS_BY_EMAIL = {user.email.lower(): user for user in USERS}


def user_by_email(email: str) -> DemoUser | None:
    return USERS_BY_EMAIL.get(email.strip().lower())


def admin_of(organisation_id: str) -> DemoUser:
    return next(u for u in USERS if u.organisation_id == organisation_id and "admin" in u.roles)


def expected_notifications() -> dict[str, int]:
    """Unread notifications each user has once the demo's stage changes went through the pipe."""
    counts: dict[str, int] = {}
    for partnership in PARTNERSHIPS:
        for user_id in partnership.assigned_user_ids:
            counts[user_id] = counts.get(user_id, 0) + len(partnership.stage_changes)
    return {user_id: count for user_id, count in counts.items() if count}


def listing() -> list[dict[str, object]]:
    """What ``GET /local/users`` answers: who you can sign in as."""
    return [
        {
            "email": user.email,
            "name": user.name,
            "user_id": user.user_id,
            "organisation_id": user.organisation_id,
            "organisation_name": ORGANISATIONS_BY_ID[user.organisation_id].name,
            "organisation_kind": ORGANISATIONS_BY_ID[user.organisation_id].kind,
            "roles": list(user.roles),
        }
        for user in USERS
    ]

"""Loading the demo world (``local.demo``) into a running stack.

Demo organisations and users have fixed ids (the local token issuer knows them), so they are
written with the partners service's own logic rather than through invitations, in a process that
has the partners API function's environment (``python -m local.seed`` reads the directory as JSON
on stdin); so are the links that make each partner organisation party to its partnership
(``--links``), as an accepted invitation would. The program lists, partnerships, stage changes and
the distributor network go through the real API over HTTP with the vendor admin's token, so their
events travel the whole pipe and the assigned partner managers get their notifications.
Both steps skip what is already there, so loading twice changes nothing.
"""

from __future__ import annotations

import json
import logging
import subprocess  # nosec B404 # runs this interpreter on our own module
import sys
import time
from collections.abc import Callable, Mapping
from typing import Any

import requests

from local import demo
from local.template import ROOT

log = logging.getLogger("local.seed")

DELIVERY_TIMEOUT_SECONDS = 60.0


def directory_payload() -> dict[str, Any]:
    return {
        "organisations": [{"id": o.organisation_id, "name": o.name} for o in demo.ORGANISATIONS],
        "users": [
            {"organisation_id": u.organisation_id, "user_id": u.user_id, "email": u.email, "name": u.name,
             "roles": list(u.roles)}
            for u in demo.USERS
        ],
    }


def seed_directory(environment: Mapping[str, str], timeout: float = 60.0) -> None:
    """Write organisations and users in a child process that sees only the partners service's code."""
    result = subprocess.run(  # nosec B603 # this interpreter, our own module, fixed arguments
        [sys.executable, "-m", "local.seed"], cwd=ROOT, env=dict(environment),
        input=json.dumps(directory_payload()), text=True, capture_output=True, timeout=timeout, check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"writing the demo directory failed:\n{result.stderr}")


def seed_partnerships(base_url: str, token_for: Callable[[demo.DemoUser], str]) -> dict[str, int]:
    """Create the demo program and partnerships through the API; returns the notifications each user
    should get."""
    session = requests.Session()
    expected: dict[str, int] = {}
    for vendor in sorted({p.vendor_id for p in demo.PARTNERSHIPS}):
        headers = {"authorization": f"Bearer {token_for(demo.admin_of(vendor))}"}
        for list_name, names in demo.PROGRAM_LISTS.items():
            # Saving the same list again changes nothing, so a second load is harmless.
            _call(session, "put", f"{base_url}/program/{list_name}", headers,
                  {"entries": [{"name": name} for name in names]})
        existing = _company_ids(session, base_url, headers)
        for partnership in (p for p in demo.PARTNERSHIPS if p.vendor_id == vendor):
            if partnership.company_name in existing:
                continue
            body: dict[str, Any] = {
                "company_name": partnership.company_name, "partnership_type": partnership.partnership_type,
                "country": partnership.country, "assigned_user_ids": list(partnership.assigned_user_ids),
                "tier": partnership.tier, "category": partnership.category, "tags": list(partnership.tags),
            }
            if partnership.website:
                body["website"] = partnership.website
            created = _call(session, "post", f"{base_url}/partnerships", headers, body)
            existing[partnership.company_name] = created["id"]
            for stage in partnership.stage_changes:
                stage_url = f"{base_url}/partnerships/{created['id']}/stage"
                _call(session, "put", stage_url, headers, {"stage": stage})
                for user_id in partnership.assigned_user_ids:
                    expected[user_id] = expected.get(user_id, 0) + 1
        _seed_network(session, base_url, headers, vendor, existing)
    return expected


def _seed_network(
    session: requests.Session, base_url: str, headers: dict[str, str], vendor: str, ids: Mapping[str, str],
) -> None:
    """The vendor's distributor network: the module on, each reseller under its distributor."""
    resellers = [p for p in demo.PARTNERSHIPS if p.vendor_id == vendor and p.distributor]
    if not resellers:
        return
    _call(session, "put", f"{base_url}/distributor-module", headers, {"enabled": True})
    for reseller in resellers:
        distributor_id, reseller_id = ids[str(reseller.distributor)], ids[reseller.company_name]
        response = session.post(f"{base_url}/distributors/{distributor_id}/resellers", headers=headers,
                                json={"reseller_id": reseller_id}, timeout=30)
        if response.status_code not in (201, 409):  # 409: assigned by an earlier load
            raise RuntimeError(f"assigning {reseller.company_name} → {response.status_code}: {response.text}")


def partner_links(base_url: str, token_for: Callable[[demo.DemoUser], str]) -> list[dict[str, str]]:
    """Which partner organisation is party to which partnership (ids as the API gave them)."""
    session = requests.Session()
    links: list[dict[str, str]] = []
    for vendor in sorted({p.vendor_id for p in demo.PARTNERSHIPS}):
        headers = {"authorization": f"Bearer {token_for(demo.admin_of(vendor))}"}
        ids = _company_ids(session, base_url, headers)
        links += [
            {"vendor_id": vendor, "partnership_id": ids[p.company_name], "partner_id": p.partner_id}
            for p in demo.PARTNERSHIPS if p.vendor_id == vendor and p.company_name in ids
        ]
    return links


def seed_partner_links(
    environment: Mapping[str, str], links: list[dict[str, str]], timeout: float = 60.0,
) -> None:
    """Make each demo partner organisation party to its partnership, as an accepted invitation would."""
    result = subprocess.run(  # nosec B603 # this interpreter, our own module, fixed arguments
        [sys.executable, "-m", "local.seed", "--links"], cwd=ROOT, env=dict(environment),
        input=json.dumps(links), text=True, capture_output=True, timeout=timeout, check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"linking the demo partner organisations failed:\n{result.stderr}")


def _company_ids(session: requests.Session, base_url: str, headers: dict[str, str]) -> dict[str, str]:
    ids: dict[str, str] = {}
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        page = session.get(f"{base_url}/partnerships", headers=headers, params=params, timeout=30)
        page.raise_for_status()
        content = page.json()
        ids.update((item["company_name"], item["id"]) for item in content["items"])
        cursor = content.get("next_cursor")
        if not cursor:
            return ids


def _call(session: requests.Session, method: str, url: str, headers: dict[str, str], body: Any) -> Any:
    response = session.request(method, url, headers=headers, json=body, timeout=30)
    if response.status_code >= 300:
        raise RuntimeError(f"{method.upper()} {url} → {response.status_code}: {response.text}")
    return response.json()


def seed_leads(base_url: str, token_for: Callable[[demo.DemoUser], str], timeout: float = 60.0) -> int:
    """A few leads and deals through the API (a partner's registration, a vendor's lead to a partner, a
    distributor's lead for its reseller accepted and won, an internal deal). The leads service learns
    the partnerships from events, so a submission is retried until its partnership has arrived there."""
    session = requests.Session()

    def headers(email: str) -> dict[str, str]:
        user = demo.user_by_email(email)
        assert user is not None, email
        return {"authorization": f"Bearer {token_for(user)}"}

    acme = headers("admin@acme.example")
    if session.get(f"{base_url}/deals", headers=acme, timeout=30).json().get("items"):
        return 0  # loaded before
    ids = _company_ids(session, base_url, acme)
    deadline = time.monotonic() + timeout

    def submit(who: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
        while True:
            response = session.post(f"{base_url}/leads", headers=who, json=body, timeout=30)
            if response.status_code == 201:
                created: dict[str, Any] = response.json()
                return created
            if response.status_code not in (404, 409) or time.monotonic() > deadline:
                raise RuntimeError(f"POST /leads → {response.status_code}: {response.text}")
            time.sleep(0.3)  # the partnership (or its partner) is not in the leads projection yet

    submit(headers("admin@wingtip.example"), {
        "company_name": "Litware Inc", "website": "https://litware.example", "country": "US",
        "industry": "software_saas", "employee_count": 800, "estimated_value": "18000", "currency": "USD",
        "partnership_id": ids["Wingtip Implementations"],
        "contact": {"first_name": "Lena", "last_name": "Park", "email": "lena@litware.example"}})
    submit(acme, {"company_name": "Proseware", "website": "https://proseware.example", "country": "GB",
                  "partnership_id": ids["Tailspin Referrals"]})
    submit(acme, {"company_name": "Trey Research", "country": "DE", "keywords": ["analytics"]})
    via_northwind = submit(headers("admin@northwind.example"), {
        "company_name": "Adventure Works", "website": "https://adventure-works.example", "country": "AT",
        "estimated_value": "25000", "currency": "EUR", "partnership_id": ids["Northwind Distribution"],
        "reseller_partnership_id": ids["Contoso Systems"]})
    contoso = headers("sales@contoso.example")
    accepted = _call(session, "post", f"{base_url}/leads/{via_northwind['id']}/accept", contoso, None)
    _call(session, "patch", f"{base_url}/deals/{accepted['deal_id']}", contoso,
          {"status": "closed_won", "close_date": "2026-11-20"})
    _call(session, "post", f"{base_url}/deals", acme, {
        "name": "Fourth Coffee renewal", "amount": "12000", "currency": "EUR",
        "website": "fourthcoffee.example"})
    return 4


def wait_for_notifications(
    base_url: str, token_for: Callable[[demo.DemoUser], str], expected: Mapping[str, int],
    timeout: float = DELIVERY_TIMEOUT_SECONDS,
) -> bool:
    """Wait until every user's unread count shows the demo's notifications (the pipe has drained)."""
    by_id = {user.user_id: user for user in demo.USERS}
    waiting = dict(expected)
    deadline = time.monotonic() + timeout
    while waiting and time.monotonic() < deadline:
        for user_id, count in list(waiting.items()):
            headers = {"authorization": f"Bearer {token_for(by_id[user_id])}"}
            response = requests.get(f"{base_url}/notifications/unread-count", headers=headers, timeout=30)
            if response.ok and response.json().get("unread", 0) >= count:
                del waiting[user_id]
        if waiting:
            time.sleep(0.2)
    if waiting:
        log.warning("demo notifications still on their way after %.0f s: %s", timeout, waiting)
    return not waiting


def _write_directory() -> None:
    """Entry point of the child process (partners API function environment)."""
    from partners.logic.organisations import register_organisation, register_user
    from trellis.principal import Role

    payload = json.load(sys.stdin)
    for organisation in payload["organisations"]:
        register_organisation(organisation["id"], organisation["name"])
    for user in payload["users"]:
        register_user(user["organisation_id"], user["user_id"], email=user["email"], name=user["name"],
                      roles={Role(role) for role in user["roles"]})


def _write_links() -> None:
    """Entry point of the child process for partner links (partners API function environment)."""
    from datetime import UTC, datetime

    from partners.dal import partnerships
    from partners.dal.tables import Outbox, PartnershipItem
    from trellis.dynamo import transaction
    from trellis.events import SYSTEM, EventEnvelope
    from trellis.events.organisations import PartnerJoined
    from trellis.outbox import outbox_item

    for link in json.load(sys.stdin):
        item = partnerships.get(link["vendor_id"], link["partnership_id"])
        if item is None or item.partner_organisation_id:
            continue
        item.partner_organisation_id = link["partner_id"]
        partner_admin = next(user for user in demo.USERS
                             if user.organisation_id == link["partner_id"] and "partner_admin" in user.roles)
        # The event an accepted invitation publishes, so the leads service learns the partner too.
        joined = EventEnvelope.new(PartnerJoined(
            partnership_id=item.partnership_id, company_name=item.company_name,
            partner_organisation_id=link["partner_id"], organisation_created=False,
            user_id=partner_admin.user_id, email=partner_admin.email,
            vendor_organisation_name=demo.ORGANISATIONS_BY_ID[item.organisation_id].name,
        ), tenant_id=item.organisation_id, actor=SYSTEM)
        with transaction(PartnershipItem) as write:
            write.save(item)
            write.save(partnerships.partner_link_item(item, link["partner_id"], datetime.now(UTC)))
            write.save(outbox_item(Outbox, joined))


if __name__ == "__main__":
    _write_links() if "--links" in sys.argv else _write_directory()

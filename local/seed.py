"""Loading the demo world (``local.demo``) into a running stack.

Organisations and users have no API yet (invitations are issue #3), so they are written with the
partners service's own logic, in a process that has the partners API function's environment
(``python -m local.seed`` reads the directory as JSON on stdin). Partnerships go through the real
API over HTTP with the vendor admin's token, so their events travel the whole pipe and the
assigned partner managers get their notifications like any other change.
Both steps skip what is already there, so loading twice changes nothing.
"""

from __future__ import annotations

import json
import logging
import subprocess
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
    result = subprocess.run(
        [sys.executable, "-m", "local.seed"], cwd=ROOT, env=dict(environment),
        input=json.dumps(directory_payload()), text=True, capture_output=True, timeout=timeout, check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"writing the demo directory failed:\n{result.stderr}")


def seed_partnerships(base_url: str, token_for: Callable[[demo.DemoUser], str]) -> dict[str, int]:
    """Create the demo partnerships through the API; returns the notifications each user should get."""
    session = requests.Session()
    expected: dict[str, int] = {}
    for vendor in {p.vendor_id for p in demo.PARTNERSHIPS}:
        headers = {"authorization": f"Bearer {token_for(demo.admin_of(vendor))}"}
        existing = _company_names(session, base_url, headers)
        for partnership in (p for p in demo.PARTNERSHIPS if p.vendor_id == vendor):
            if partnership.company_name in existing:
                continue
            body: dict[str, Any] = {
                "company_name": partnership.company_name, "partnership_type": partnership.partnership_type,
                "country": partnership.country, "assigned_user_ids": list(partnership.assigned_user_ids),
            }
            if partnership.website:
                body["website"] = partnership.website
            created = _call(session, "post", f"{base_url}/partnerships", headers, body)
            for stage in partnership.stage_changes:
                stage_url = f"{base_url}/partnerships/{created['id']}/stage"
                _call(session, "put", stage_url, headers, {"stage": stage})
                for user_id in partnership.assigned_user_ids:
                    expected[user_id] = expected.get(user_id, 0) + 1
    return expected


def _company_names(session: requests.Session, base_url: str, headers: dict[str, str]) -> set[str]:
    names: set[str] = set()
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        page = session.get(f"{base_url}/partnerships", headers=headers, params=params, timeout=30)
        page.raise_for_status()
        content = page.json()
        names.update(item["company_name"] for item in content["items"])
        cursor = content.get("next_cursor")
        if not cursor:
            return names


def _call(session: requests.Session, method: str, url: str, headers: dict[str, str], body: Any) -> Any:
    response = session.request(method, url, headers=headers, json=body, timeout=30)
    if response.status_code >= 300:
        raise RuntimeError(f"{method.upper()} {url} → {response.status_code}: {response.text}")
    return response.json()


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


if __name__ == "__main__":
    _write_directory()

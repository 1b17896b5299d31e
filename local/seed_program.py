"""The demo program's commission plans and custom fields, so the console's program screens have data.

Run after ``local.seed.seed_leads``: each tier of the vendor gets a default commission plan, the
program two custom field definitions, and each won deal is computed again with those plans (the
leads service learns plans from events, so it is retried until the plan has arrived there). The
entries stay pending: approving them is the console's job, and would notify the partners (which
``demo.expected_notifications`` does not count). Loading twice changes nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import requests

from local import demo

log = logging.getLogger("local.seed")

# Percent of the deal's amount per tier; a distributor's deals give the distributor 30 % of it.
TIER_RATES = {"gold": "10", "silver": "7.5", "registered": "5"}
CUSTOM_FIELDS = (
    {"key": "contract_end", "label": "Contract end", "type": "date", "visibility": "standard",
     "help_text": "When the partner agreement ends"},
    {"key": "region", "label": "Sales region", "type": "single_select", "visibility": "shared",
     "options": ["EMEA", "Americas", "APAC"]},
)


def seed_program(base_url: str, token_for: Callable[[demo.DemoUser], str], timeout: float = 30.0) -> int:
    """Plans and fields for each vendor; returns the commission entries the won deals earned."""
    session = requests.Session()
    earned = 0
    for vendor in sorted({p.vendor_id for p in demo.PARTNERSHIPS}):
        headers = {"authorization": f"Bearer {token_for(demo.admin_of(vendor))}"}
        program = _call(session, "get", f"{base_url}/program", headers)
        tiers = {tier["id"] for tier in program["tiers"]}
        defaults = {item["tier_id"] for item in _call(session, "get", f"{base_url}/commission-plans/defaults",
                                                      headers)["items"]}
        for tier, rate in TIER_RATES.items():
            if tier in tiers and tier not in defaults:
                _call(session, "put", f"{base_url}/commission-plans/defaults/{tier}", headers, {
                    "kind": "percentage", "rate": rate, "schedule": "on_deal_won", "net_days": 30,
                    "distributor_split": "30"})
        keys = {field["key"] for field in _call(session, "get", f"{base_url}/custom-fields", headers)}
        for field in CUSTOM_FIELDS:
            if field["key"] not in keys:
                _call(session, "post", f"{base_url}/custom-fields", headers, field)
        earned += _compute_won_deals(session, base_url, headers, timeout)
    return earned


def _compute_won_deals(
    session: requests.Session, base_url: str, headers: dict[str, str], timeout: float,
) -> int:
    won: dict[str, dict[str, Any]] = {}
    for tab in ("owned", "sent", "network"):
        query = {"tab": tab, "status": "closed_won", "limit": 100}
        page = _call(session, "get", f"{base_url}/deals", headers, query=query)
        won.update((deal["id"], deal) for deal in page["items"])
    earned = 0
    for deal in won.values():
        try:
            earned += _compute(session, base_url, headers, deal, timeout)
        except RuntimeError as error:  # a demo without commissions still starts
            log.warning("demo deal %s was not computed: %s", deal["name"], error)
    return earned


def _compute(
    session: requests.Session, base_url: str, headers: dict[str, str], deal: dict[str, Any], timeout: float,
) -> int:
    deadline = time.monotonic() + timeout
    while True:
        url = f"{base_url}/ledger/deals/{deal['id']}"
        ledger = _call(session, "get", url, headers)
        if not ledger["entries"] and ledger.get("partnership_id"):
            ledger = _call(session, "post", f"{url}/recompute", headers)
        if ledger["entries"] or not ledger.get("partnership_id") or time.monotonic() > deadline:
            break
        time.sleep(0.5)  # the tier's plan is not in the leads service yet
    if not ledger["entries"] and ledger.get("partnership_id"):
        log.warning("demo deal %s earns no commission: %s", deal["name"], ledger.get("problem"))
    return len(ledger["entries"])


def _call(session: requests.Session, method: str, url: str, headers: dict[str, str], body: Any = None,
          query: dict[str, Any] | None = None) -> Any:
    response = session.request(method, url, headers=headers, json=body, params=query, timeout=30)
    if not response.ok:
        raise RuntimeError(f"{method.upper()} {url} → {response.status_code}: {response.text}")
    return response.json() if response.content else None

"""The demo's CRM: a few accounts with contacts and a referral of a deal, through the API.

Without them the console's Accounts and Referrals screens open empty. Accounts and referrals tell no
one (no notification), so ``demo.expected_notifications`` is unchanged. Skipped when Acme Cloud has
accounts already, so loading twice changes nothing. Runs after ``seed.seed_leads`` (the deal it refers).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests

from local import demo
from local.seed import _call, _company_ids

VENDOR_ADMIN = "admin@acme.example"

ACCOUNTS: tuple[dict[str, Any], ...] = (
    {"name": "Fourth Coffee", "website": "https://fourthcoffee.example", "country": "NL",
     "industry": "retail_ecommerce", "employee_count": 420, "lifecycle_stage": "customer",
     "lead_source": "partner",
     "contacts": [{"first_name": "Marta", "last_name": "Jansen", "title": "Head of IT",
                   "email": "marta@fourthcoffee.example"}]},
    {"name": "Litware Inc", "website": "https://litware.example", "country": "US",
     "industry": "software_saas", "employee_count": 800, "lifecycle_stage": "opportunity",
     "contacts": [{"first_name": "Lena", "last_name": "Park", "email": "lena@litware.example"},
                  {"first_name": "Omar", "last_name": "Haddad", "title": "CFO"}]},
    {"name": "Proseware", "website": "https://proseware.example", "country": "GB",
     "lifecycle_stage": "sales_qualified", "contacts": []},
    {"name": "Trey Research", "country": "DE", "lifecycle_stage": "lead", "contacts": []},
)

REFERRED_DEAL = "Fourth Coffee renewal"  # seed.seed_leads's internal deal
REFERRED_BY = "Tailspin Referrals"


def seed_crm(base_url: str, token_for: Callable[[demo.DemoUser], str]) -> int:
    """Acme Cloud's accounts and one pending referral; the number of accounts written (0: there already)."""
    session = requests.Session()
    user = demo.user_by_email(VENDOR_ADMIN)
    assert user is not None
    acme = {"authorization": f"Bearer {token_for(user)}"}
    if _call(session, "get", f"{base_url}/accounts?limit=1", acme, None).get("items"):
        return 0
    for entry in ACCOUNTS:
        fields = {name: value for name, value in entry.items() if name != "contacts"}
        account = _call(session, "post", f"{base_url}/accounts", acme, fields)
        for contact in entry["contacts"]:
            _call(session, "post", f"{base_url}/accounts/{account['id']}/contacts", acme, contact)
    deals = _call(session, "get", f"{base_url}/deals?limit=100", acme, None)["items"]
    deal = next((item for item in deals if item["name"] == REFERRED_DEAL), None)
    if deal is not None:
        partnership_id = _company_ids(session, base_url, acme)[REFERRED_BY]
        _call(session, "post", f"{base_url}/deals/{deal['id']}/referrals", acme,
              {"partnership_id": partnership_id})
    return len(ACCOUNTS)

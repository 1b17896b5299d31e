"""The vendor console's CRM screens clicked through: accounts and contacts, a CSV import, a lead's
suggested partners, referrals.

Each test makes the data it reads through the API with unique names, so the tests neither depend on
each other nor on the demo data.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import App, ConsoleWatch
from tests.helpers.local_stack import LocalStack

VENDOR_ADMIN = "admin@acme.example"


def _unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:6]}"


def _call(stack: LocalStack, method: str, path: str, body: Any = None) -> Any:
    response = stack.session.request(method, stack.url(path), headers=stack.as_user(VENDOR_ADMIN), json=body,
                                     timeout=30)
    assert response.status_code < 300, f"{method} {path} → {response.status_code}: {response.text}"
    return response.json()


def test_a_vendor_creates_an_account_and_adds_a_contact(app: App, console: ConsoleWatch) -> None:
    console.allow(r"status of 422")  # the invalid email's answer, which the form shows
    name = _unique("Blue Yonder")
    app.sign_in(VENDOR_ADMIN)
    # Given the accounts list, reached from the nav
    app.page.get_by_role("navigation", name="Main").get_by_role("link", name="Accounts").click()
    app.page.get_by_role("link", name="New account").click()
    # When the admin creates an account
    app.page.get_by_label("Name").fill(name)
    app.page.get_by_label("Website").fill(f"https://{uuid.uuid4().hex[:8]}.example")
    app.page.get_by_label("Country").fill("NL")
    app.page.get_by_role("button", name="Create account").click()
    # Then its page shows it, with no contacts yet
    expect(app.page.get_by_role("heading", level=1, name=name)).to_be_visible()
    expect(app.page.get_by_text("No contacts at this account yet.")).to_be_visible()
    # When they add a contact with an email that is not one
    app.page.get_by_role("button", name="Add contact").click()
    form = app.page.get_by_role("form", name="New contact")
    form.get_by_label("First name").fill("Ada")
    form.get_by_label("Last name").fill("Byron")
    form.get_by_label("Email").fill("not an email")
    form.get_by_role("button", name="Add contact").click()
    # Then the email field says what is wrong, and the form keeps what was typed
    expect(form.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_label("First name")).to_have_value("Ada")
    # When they correct it
    form.get_by_label("Email").fill("ada@blueyonder.example")
    form.get_by_role("button", name="Add contact").click()
    # Then the contact is listed at the account
    contact = app.page.get_by_role("listitem").filter(has=app.page.get_by_role("heading", name="Ada Byron"))
    expect(contact).to_contain_text("ada@blueyonder.example")


def test_on_a_phone_the_demo_accounts_open_with_their_contacts(phone_app: App) -> None:
    # Given the demo's accounts (local/seed_crm.py), on a phone
    phone_app.sign_in(VENDOR_ADMIN)
    phone_app.open("/accounts")
    # When the admin filters customers and opens one
    phone_app.page.get_by_label("Lifecycle stage").select_option(label="Customer")
    expect(phone_app.page.get_by_role("link", name="Litware Inc")).to_have_count(0)
    phone_app.page.get_by_role("link", name="Fourth Coffee").click()
    # Then its page lists its contacts
    expect(phone_app.page.get_by_role("heading", level=1, name="Fourth Coffee")).to_be_visible()
    expect(phone_app.page.get_by_role("heading", name="Marta Jansen")).to_be_visible()


def test_importing_a_csv_shows_the_summary_and_the_rejected_row(app: App, tmp_path: Path) -> None:
    # Given a CSV of two accounts, the second without the website that matches accounts
    name = _unique("Northwind Traders")
    csv_file = tmp_path / "accounts.csv"
    csv_file.write_text(f"name,website,country\n{name},https://{uuid.uuid4().hex[:8]}.example,NL\n"
                        f"{_unique('Nowhere Ltd')},,NL\n", encoding="utf-8")
    app.sign_in(VENDOR_ADMIN)
    app.open("/accounts")
    app.page.get_by_role("link", name="Import CSV").click()
    expect(app.page.get_by_role("button", name="Download the CSV template")).to_be_visible()
    # When the admin imports it
    app.page.get_by_label("CSV file").set_input_files(str(csv_file))
    app.page.get_by_role("button", name="Import", exact=True).click()
    # Then the summary counts one created and one rejected row, and names the rejected row's reason
    summary = app.page.get_by_label("Import summary")
    expect(app.page.get_by_role("heading", name="Import finished")).to_be_visible()
    expect(summary).to_contain_text("Created1")
    expect(summary).to_contain_text("Rejected1")
    rejected = app.page.get_by_role("table", name="Rejected rows").get_by_role("row")
    expect(rejected).to_have_count(2)  # the header and row 3
    expect(rejected.nth(1)).to_contain_text("3")
    expect(rejected.nth(1)).to_contain_text("website")
    # And the created account is in the list
    app.page.get_by_role("link", name="See the accounts").click()
    expect(app.page.get_by_role("link", name=name)).to_be_visible()


def test_a_lead_not_sent_shows_suggested_partners_with_why_and_is_sent_to_one(app: App) -> None:
    # Given a lead the vendor has not sent yet (the demo partners have no ICP: they serve anywhere)
    partner = "Wingtip Implementations"  # gold, the first tier: the first suggestion of its equals
    company = _unique("Lisbon Paddles")
    _call(app.stack, "POST", "/leads", {"company_name": company, "country": "PT", "keywords": ["kayaks"]})
    app.sign_in(VENDOR_ADMIN)
    app.open("/leads/not_sent")
    card = app.page.get_by_role("listitem").filter(has=app.page.get_by_role("heading", level=2, name=company))
    # When the manager opens the lead's suggestions
    card.get_by_role("button", name=f"Suggested partners for {company}").click()
    # Then the partner is suggested with its score and why it scores so
    heading = app.page.get_by_role("heading", level=3, name=partner)
    suggestion = card.get_by_role("listitem").filter(has=heading)
    expect(suggestion.get_by_label(re.compile(r"^Score \d+ of 100$"))).to_be_visible()
    why = suggestion.get_by_role("list", name=f"Why {partner}", exact=False)
    expect(why).to_contain_text("Country")
    expect(why).to_contain_text("Tier")
    # When they send the lead to that partner
    suggestion.get_by_role("button", name=f"Send to {partner}").click()
    # Then it leaves the not-sent tab and waits for the partner in the sent tab
    expect(app.page.get_by_role("heading", level=2, name=company)).to_have_count(0)
    app.page.get_by_role("link", name="Sent", exact=True).click()
    expect(app.page.get_by_role("listitem").filter(has=app.page.get_by_role("heading", name=company))) \
        .to_contain_text("Waiting")


def test_a_vendor_accepts_a_referral_of_their_deal(app: App) -> None:
    # Given a deal of the vendor's that a partner referred (a partner who joined: Tailspin, of the demo)
    stack = app.stack
    partner = "Tailspin Referrals"
    partnerships = _call(stack, "GET", "/partnerships?limit=100&sort=name")["items"]
    partnership_id = next(item["id"] for item in partnerships if item["company_name"] == partner)
    deal_name = _unique("Referred deal")
    deal = _call(stack, "POST", "/deals", {"name": deal_name})
    _call(stack, "POST", f"/deals/{deal['id']}/referrals", {"partnership_id": partnership_id})
    app.sign_in(VENDOR_ADMIN)
    app.page.get_by_role("navigation", name="Main").get_by_role("link", name="Referrals").click()
    card = app.page.get_by_role("listitem").filter(has=app.page.get_by_role("heading", name=deal_name))
    expect(card).to_contain_text("Pending")
    expect(card).to_contain_text(f"Referred by {partner}")
    # When the vendor accepts it
    card.get_by_role("button", name="Accept").click()
    # Then it is accepted, and stays so when the list loads again
    expect(card).to_contain_text("Accepted")
    expect(card.get_by_role("button", name="Accept")).to_have_count(0)
    app.page.reload()
    expect(card).to_contain_text("Accepted")

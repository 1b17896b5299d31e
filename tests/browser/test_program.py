"""The vendor console's program screens of issue #7 clicked through: settings, commissions and payouts,
the distribution network and its report.

The demo program has no commission plan, so the commission test earns one through the API first: a
plan for Wingtip Implementations, a lead Wingtip registers, accepted and won by the vendor.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import App
from tests.helpers.local_stack import LocalStack, eventually

VENDOR_ADMIN = "admin@acme.example"
PARTNER_ADMIN = "admin@wingtip.example"  # Wingtip Implementations, a partner in Acme Cloud's program


def _unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:6]}"


def _call(stack: LocalStack, method: str, path: str, email: str = VENDOR_ADMIN, body: Any = None,
          **query: Any) -> Any:
    response = stack.session.request(method, stack.url(path), headers=stack.as_user(email), json=body,
                                     params=query or None, timeout=30)
    assert response.ok, f"{method} {path} → {response.status_code}: {response.text}"
    return response.json() if response.content else None


def _partnership_id(stack: LocalStack, company_name: str) -> str:
    items = _call(stack, "GET", "/partnerships", limit=100, sort="name")["items"]
    return str(next(item["id"] for item in items if item["company_name"] == company_name))


def _won_commission(stack: LocalStack, partnership_id: str) -> str:
    """A pending commission entry of the partnership: its lead accepted and won; the deal's name."""
    _call(stack, "PUT", f"/partnerships/{partnership_id}/commission-plan", body={
        "kind": "fixed", "amount": "150.00", "currency": "EUR", "schedule": "on_deal_won", "net_days": 30})
    company = _unique("Blue Yonder")
    lead = _call(stack, "POST", "/leads", PARTNER_ADMIN, body={
        "company_name": company, "country": "NL", "estimated_value": "9000", "currency": "EUR",
        "partnership_id": partnership_id})
    accepted = _call(stack, "POST", f"/leads/{lead['id']}/accept")
    _call(stack, "PATCH", f"/deals/{accepted['deal_id']}",
          body={"status": "closed_won", "close_date": "2026-11-20"})

    def pending() -> str | None:
        items = _call(stack, "GET", "/commissions", partnership_id=partnership_id, status="pending",
                      limit=100)["items"]
        mine = [str(item["deal_name"]) for item in items if item["deal_id"] == accepted["deal_id"]]
        return mine[0] if mine else None

    return eventually(pending, timeout=30)


def test_a_tier_added_in_settings_is_offered_by_the_partners_tier_filter(app: App) -> None:
    # Given the vendor admin in the settings' program lists
    tier = _unique("Platinum")
    app.sign_in(VENDOR_ADMIN)
    app.page.get_by_role("link", name="Settings").click()
    tiers = app.page.get_by_role("region", name="Tiers")
    # When they add a tier and save the list
    tiers.get_by_label("New tier").fill(tier)
    tiers.get_by_role("button", name="Add tier").click()
    tiers.get_by_role("button", name="Save tiers").click()
    expect(tiers.get_by_role("status")).to_have_text("Tiers saved.")
    # Then the partners list offers it as a tier filter
    app.page.get_by_role("link", name="Partners").click()
    expect(app.page.get_by_label("Tier").locator("option", has_text=tier)).to_have_count(1)


def test_a_custom_field_defined_in_settings_is_edited_in_the_partners_details(app: App) -> None:
    label = _unique("Contract end")
    app.sign_in(VENDOR_ADMIN)
    app.open("/settings/fields")
    form = app.page.get_by_role("form", name="New custom field")
    form.get_by_label("Label").fill(label)
    form.get_by_label("Key").fill(f"contract_end_{uuid.uuid4().hex[:6]}")
    form.get_by_label("Type").select_option("date")
    form.get_by_role("button", name="Add field").click()
    expect(app.page.get_by_role("row", name=re.compile(re.escape(label)))).to_be_visible()
    # When they set its value on a partner
    app.page.get_by_role("link", name="Partners").click()
    app.page.get_by_role("link", name="Tailspin Referrals").click()
    sidebar = app.page.get_by_role("complementary", name="Tailspin Referrals")
    sidebar.get_by_label(label).fill("2027-03-31")
    sidebar.get_by_role("button", name="Save custom fields").click()
    expect(sidebar.get_by_text("Custom fields saved.")).to_be_visible()
    # Then it is kept
    app.page.reload()
    sidebar = app.page.get_by_role("complementary", name="Tailspin Referrals")
    expect(sidebar.get_by_label(label)).to_have_value("2027-03-31")


def test_a_commission_is_approved_then_paid_out(app: App) -> None:
    # Given a pending commission of Wingtip Implementations
    wingtip = _partnership_id(app.stack, "Wingtip Implementations")
    deal = _won_commission(app.stack, wingtip)
    app.sign_in(VENDOR_ADMIN)
    app.page.get_by_role("link", name="Commissions").click()
    # When the vendor admin approves it
    app.page.get_by_label("Status").select_option("pending")
    app.page.get_by_role("button", name=f"Approve {deal} (commission)").click()
    expect(app.page.get_by_text("Commission approved.")).to_be_visible()
    app.page.get_by_label("Status").select_option("approved")
    expect(app.page.get_by_role("row", name=re.compile(re.escape(deal)))).to_contain_text("approved")
    # And pays Wingtip its approved entries
    app.page.get_by_label("Pay partner").select_option(label="Wingtip Implementations")
    app.page.get_by_role("button", name="Create payout").click()
    expect(app.page.get_by_text("Payout created.")).to_be_visible()
    mark_paid = re.compile("^Mark the payout to Wingtip Implementations")
    payout = app.page.get_by_role("listitem").filter(has=app.page.get_by_role("button", name=mark_paid))
    payout.get_by_label("Payment reference").fill("SEPA-4711")
    payout.get_by_role("button", name=mark_paid).click()
    # Then the payout is paid, and so is the commission
    expect(app.page.get_by_text("Payout marked paid.")).to_be_visible()
    expect(app.page.get_by_text("(reference SEPA-4711)")).to_be_visible()
    app.page.get_by_label("Status").select_option("paid")
    expect(app.page.get_by_role("row", name=re.compile(re.escape(deal)))).to_contain_text("paid")


def test_the_network_lists_a_distributors_resellers(app: App) -> None:
    app.sign_in(VENDOR_ADMIN)
    app.page.get_by_role("link", name="Network").click()
    resellers = app.page.get_by_role("list", name="Resellers of Northwind Distribution")
    expect(resellers.get_by_role("link", name="Contoso Systems")).to_be_visible()
    expect(resellers.get_by_role("link", name="Fabrikam IT")).to_be_visible()
    # A reseller's link opens its partner panel
    resellers.get_by_role("link", name="Contoso Systems").click()
    expect(app.page.get_by_role("heading", level=2, name="Contoso Systems")).to_be_visible()


def test_the_reports_chart_the_distribution_network(app: App) -> None:
    app.sign_in(VENDOR_ADMIN)
    app.page.get_by_role("link", name="Reports").click()
    chart = app.page.get_by_role(
        "img", name=re.compile(r"^Distribution network leads: Northwind Distribution: \d+ leads"))
    expect(chart.locator("canvas")).to_be_visible()
    table = app.page.get_by_role("table", name="Distribution network")
    expect(table.get_by_role("row", name=re.compile("Contoso Systems"))).to_be_visible()


# The elements that stick out past the right edge, deepest first: what made a page too wide. Inside a
# pane that scrolls only absolute ones count (they escape its clipping unless it is positioned).
_STICKING_OUT = """(edge) => [...document.querySelectorAll('body *')]
  .filter((e) => e.getBoundingClientRect().right > edge + 1
    && ![...e.children].some((c) => c.getBoundingClientRect().right > edge + 1)
    && (getComputedStyle(e).position === 'absolute' || !e.parentElement.closest('.list-pane')))
  .slice(0, 5)
  .map((e) => `${e.tagName.toLowerCase()}.${e.className}: ${(e.textContent || '').slice(0, 60)}`)"""


def _paid_payout_with_reference(stack: LocalStack, reference: str) -> None:
    wingtip = _partnership_id(stack, "Wingtip Implementations")
    deal = _won_commission(stack, wingtip)
    pending = _call(stack, "GET", "/commissions", partnership_id=wingtip, status="pending", limit=100)
    entry_id = next(entry["id"] for entry in pending["items"] if entry["deal_name"] == deal)
    _call(stack, "POST", f"/commissions/{entry_id}/approve")
    payout = _call(stack, "POST", "/payouts", body={"partnership_id": wingtip, "currency": "EUR"})
    _call(stack, "POST", f"/payouts/{payout['id']}/paid", body={"reference": reference})


def test_on_a_phone_the_program_screens_fit_the_width(phone_app: App) -> None:
    # Long words must wrap, not widen the page: a long partner name (a select is as wide as its
    # longest option; its partner list is sorted by name, so this one is in it) and a payout's
    # reference with no space in it (a payout card once made the commissions screen 727 px wide)
    long_name = _unique("Aardvark Consolidated Regional Implementation Partners International Holdings")
    _call(phone_app.stack, "POST", "/partnerships", body={
        "company_name": f"{long_name} Group {long_name}", "partnership_type": "reseller", "country": "NL",
    })
    _paid_payout_with_reference(phone_app.stack, "SEPA-" + "0123456789" * 9)
    phone_app.sign_in(VENDOR_ADMIN)
    for route, heading in (("/commissions", "Commissions"), ("/network", "Distribution network"),
                           ("/settings", "Settings"), ("/settings/webhooks", "Outbound webhooks")):
        phone_app.open(route)
        expect(phone_app.page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        if route == "/commissions":
            expect(phone_app.page.get_by_text("(reference SEPA-0123456789").first).to_be_visible()
        # Wide tables scroll inside their pane; the page itself never scrolls sideways
        width = phone_app.page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 390, f"{route} is {width}px wide: {phone_app.page.evaluate(_STICKING_OUT, 390)}"

"""The journeys of issue #7 clicked through in the browser: the vendor console and the partner portal.

Each test makes the data it changes (a partnership of its own, a lead with a unique name) through
the API, so the tests neither depend on each other nor on what the demo data went through.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from playwright.sync_api import Locator, expect

from tests.browser.conftest import App, ConsoleWatch
from tests.helpers.local_stack import LocalStack, eventually

VENDOR_ADMIN = "admin@acme.example"
VENDOR_MANAGER = "pm@acme.example"
PARTNER_ADMIN = "admin@wingtip.example"  # Wingtip Implementations, a partner in Acme Cloud's program


def _unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:6]}"


def _create_partnership(stack: LocalStack, **fields: Any) -> dict[str, Any]:
    response = stack.session.post(stack.url("/partnerships"), headers=stack.as_user(VENDOR_ADMIN), timeout=30,
                                  json={"partnership_type": "reseller", "country": "NL", **fields})
    assert response.status_code in (200, 201), response.text
    created: dict[str, Any] = response.json()
    return created


def _open_partner(app: App, company_name: str) -> Locator:
    """The partner's sidebar, opened from the list."""
    app.page.get_by_role("searchbox", name="Search").fill(company_name)
    app.page.get_by_role("link", name=company_name).click()
    sidebar = app.page.get_by_role("complementary", name=company_name)
    expect(sidebar.get_by_role("heading", level=2, name=company_name)).to_be_visible()
    return sidebar


def _lead_card(app: App, company: str) -> Locator:
    return app.page.get_by_role("listitem").filter(has=app.page.get_by_role("heading", name=company))


def test_a_newcomer_signs_in_as_a_demo_user_with_the_keyboard(app: App) -> None:
    # Given the app at / (served by the local stack beside the API)
    app.open("/")
    expect(app.page.get_by_role("heading", name="Sign in to Trellis")).to_be_visible()
    # When they pick the vendor admin from the demo users with the keyboard
    button = app.page.get_by_role("button", name=f"Sign in as {VENDOR_ADMIN}")
    button.focus()
    app.page.keyboard.press("Enter")
    # Then they are in the vendor console's partners list, signed in by name
    expect(app.page.get_by_role("heading", name="Partners", exact=True)).to_be_visible()
    expect(app.page.get_by_text("Acme Admin")).to_be_visible()
    expect(app.page.get_by_role("link", name="Wingtip Implementations")).to_be_visible()
    # And signing out brings the demo users back
    app.page.get_by_role("button", name="Sign out").click()
    expect(app.page.get_by_role("button", name=f"Sign in as {VENDOR_ADMIN}")).to_be_visible()


def test_the_partners_list_filters_by_stage_and_tier_and_searches_by_name(app: App) -> None:
    # Given partners in several stages and tiers (the demo data)
    app.sign_in(VENDOR_ADMIN)
    rows = app.page.get_by_role("table", name="Partners").get_by_role("row")
    expect(app.page.get_by_role("link", name="Wingtip Implementations")).to_be_visible()
    # When the admin filters by the gold tier
    app.page.get_by_role("combobox", name="Tier").select_option(label="Gold")
    # Then only gold partners are listed
    expect(app.page.get_by_role("link", name="Fabrikam IT")).to_have_count(0)
    expect(app.page.get_by_role("link", name="Wingtip Implementations")).to_be_visible()
    # When they search for a name no partner has
    app.page.get_by_role("searchbox", name="Search").fill("no such partner")
    # Then the list says so instead of showing a blank table
    expect(app.page.get_by_text("No partner's name contains that.")).to_be_visible()
    expect(rows).to_have_count(0)


def test_changing_a_partners_stage_shows_in_its_activity(app: App) -> None:
    # Given a partnership in the first stage
    company = _unique("Litware")
    _create_partnership(app.stack, company_name=company)
    app.sign_in(VENDOR_ADMIN)
    sidebar = _open_partner(app, company)
    # When the admin moves it to onboarding on the Details tab
    sidebar.get_by_role("combobox", name="Stage").select_option(label="Onboarding")
    expect(sidebar.get_by_role("status").filter(has_text="Stage saved.")).to_be_visible()
    # Then the Activity tab lists the change
    sidebar.get_by_role("tab", name="Activity").click()
    activity = sidebar.get_by_role("list", name="Activity, newest first")
    expect(activity.get_by_text("Stage changed from recruitment to onboarding")).to_be_visible()
    # And the list shows the new stage
    expect(app.page.get_by_role("row", name=company).get_by_text("Onboarding")).to_be_visible()


def test_tags_and_country_are_saved_from_the_details_tab(app: App) -> None:
    # Given a partnership without tags
    company = _unique("Fourth Coffee")
    partnership = _create_partnership(app.stack, company_name=company)
    app.sign_in(VENDOR_ADMIN)
    sidebar = _open_partner(app, company)
    # When the admin ticks two tags, one after the other, and changes the country
    sidebar.get_by_role("checkbox", name="EMEA").check()
    expect(sidebar.get_by_role("status").filter(has_text="Tags saved.")).to_be_visible()
    sidebar.get_by_role("checkbox", name="Cloud").check()
    expect(sidebar.get_by_role("checkbox", name="Cloud")).to_be_enabled()
    sidebar.get_by_role("textbox", name="Country").fill("be")
    sidebar.get_by_role("button", name="Save country").click()
    expect(sidebar.get_by_role("status").filter(has_text="Country saved.")).to_be_visible()
    # Then the partnership has them (no conflict from the quick second change)
    saved = app.stack.session.get(app.stack.url(f"/partnerships/{partnership['id']}"),
                                  headers=app.stack.as_user(VENDOR_ADMIN), timeout=30).json()
    assert sorted(saved["tags"]) == ["cloud", "emea"]
    assert saved["country"] == "BE"
    expect(app.page.get_by_role("row", name=company).get_by_text("BE", exact=True)).to_be_visible()


def test_editing_the_icp_saves_and_cancelling_discards(app: App) -> None:
    # Given a partnership without an ICP
    company = _unique("Proseware")
    partnership = _create_partnership(app.stack, company_name=company)
    app.sign_in(VENDOR_ADMIN)
    sidebar = _open_partner(app, company)
    sidebar.get_by_role("tab", name="ICP").click()
    expect(sidebar.get_by_text("No ICP saved yet.")).to_be_visible()
    # When the admin edits and saves it
    sidebar.get_by_role("button", name="Edit").click()
    form = sidebar.get_by_role("form", name="Edit the ICP")
    form.get_by_label("Countries").fill("NL, BE")
    form.get_by_label("Industries").fill("software_saas")
    form.get_by_label("Keywords").fill("erp, crm")
    form.get_by_label("Minimum employees").fill("50")
    form.get_by_label("Maximum employees").fill("500")
    form.get_by_role("button", name="Save").click()
    # Then the tab shows the saved ICP (the API keeps countries in order), and the API has it
    expect(sidebar.get_by_text("BE, NL", exact=True)).to_be_visible()
    expect(sidebar.get_by_text("50 to 500 employees")).to_be_visible()
    icp = app.stack.session.get(app.stack.url(f"/partnerships/{partnership['id']}/icp"),
                                headers=app.stack.as_user(VENDOR_ADMIN), timeout=30).json()
    assert sorted(icp["countries"]) == ["BE", "NL"]
    assert icp["keywords"] == ["erp", "crm"]
    # When they edit again but cancel
    sidebar.get_by_role("button", name="Edit").click()
    form.get_by_label("Countries").fill("DE")
    form.get_by_role("button", name="Cancel").click()
    # Then the saved ICP is unchanged
    expect(sidebar.get_by_text("BE, NL", exact=True)).to_be_visible()
    expect(sidebar.get_by_text("DE", exact=True)).to_have_count(0)
    expect(form).to_have_count(0)


def test_an_invalid_icp_shows_the_field_error_and_stays_in_edit_mode(app: App, console: ConsoleWatch) -> None:
    # The browser logs the 422 answer itself; that one is expected here
    console.allow(r"status of 422")
    company = _unique("Trey Research")
    _create_partnership(app.stack, company_name=company)
    app.sign_in(VENDOR_ADMIN)
    sidebar = _open_partner(app, company)
    sidebar.get_by_role("tab", name="ICP").click()
    sidebar.get_by_role("button", name="Edit").click()
    form = sidebar.get_by_role("form", name="Edit the ICP")
    # When the industry is not one of the ICP industries
    form.get_by_label("Industries").fill("underwater basket weaving")
    form.get_by_role("button", name="Save").click()
    # Then the problem's field error is shown and the form keeps what was typed
    alert = form.get_by_role("alert")
    expect(alert).to_contain_text("industries")
    expect(form.get_by_label("Industries")).to_have_value("underwater basket weaving")


def test_a_partner_submits_a_lead_in_the_portal_and_the_vendor_accepts_it(app: App, second_app: App) -> None:
    # Given a partner user in the portal, on their program's dashboard (with its chart)
    company = _unique("Northwind Traders")
    app.sign_in(PARTNER_ADMIN)
    expect(app.page.get_by_role("heading", name="Your partner programs")).to_be_visible()
    app.page.get_by_role("link", name="Acme Cloud").click()
    expect(app.page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(app.page.locator(".chart canvas")).to_be_visible()
    # When they submit a lead in the leads room
    app.page.get_by_role("link", name="Leads room").click()
    form = app.page.get_by_role("form", name="Submit a lead")
    form.get_by_label("Company name").fill(company)
    form.get_by_label("Country").fill("NL")
    form.get_by_label("Estimated value").fill("12000")
    form.get_by_label("First name").fill("Nancy")
    form.get_by_label("Email").fill("nancy@example.org")
    form.get_by_role("button", name="Submit lead").click()
    # Then it is listed as sent
    expect(form.get_by_role("status")).to_have_text(f"Lead {company} submitted.")
    expect(app.page.get_by_role("row", name=company)).to_contain_text("sent")
    # When the vendor admin accepts it among the leads received
    second_app.sign_in(VENDOR_ADMIN)
    second_app.page.get_by_role("link", name="Leads", exact=True).click()
    expect(second_app.page.get_by_role("link", name="Received")).to_have_attribute("aria-current", "page")
    card = _lead_card(second_app, company)
    card.get_by_role("button", name="Accept").click()
    # Then it is accepted in the console
    expect(card.get_by_text("Accepted")).to_be_visible()
    # And the vendor owns the deal it became
    second_app.page.get_by_role("link", name="Deals", exact=True).click()
    expect(second_app.page.get_by_role("row", name=company)).to_contain_text("Open")
    # And the partner sees the lead accepted in the leads room, and the deal in the deals room
    app.page.reload()
    expect(app.page.get_by_role("row", name=company)).to_contain_text("accepted")
    app.page.get_by_role("link", name="Deals room").click()
    expect(app.page.get_by_role("row", name=company)).to_contain_text("Open")


def test_declining_a_lead_needs_a_reason_which_the_partner_sees(app: App, second_app: App) -> None:
    company = _unique("Adventure Works")
    app.sign_in(PARTNER_ADMIN)
    app.page.get_by_role("link", name="Acme Cloud").click()
    app.page.get_by_role("link", name="Leads room").click()
    form = app.page.get_by_role("form", name="Submit a lead")
    form.get_by_label("Company name").fill(company)
    form.get_by_role("button", name="Submit lead").click()
    expect(app.page.get_by_role("row", name=company)).to_contain_text("sent")
    # When the vendor declines it, the decline waits for a reason
    second_app.sign_in(VENDOR_ADMIN)
    second_app.page.get_by_role("link", name="Leads", exact=True).click()
    card = _lead_card(second_app, company)
    card.get_by_role("button", name="Decline…").click()
    decline = card.get_by_role("button", name="Decline lead")
    expect(decline).to_be_disabled()
    card.get_by_label(f"Reason for declining {company}").fill("Outside our territory")
    decline.click()
    # Then the console shows it declined with the reason, and so does the portal
    expect(card.get_by_text("Declined: Outside our territory")).to_be_visible()
    app.page.reload()
    expect(app.page.get_by_role("row", name=company)).to_contain_text("declined: Outside our territory")


def test_a_partner_manager_reads_a_notification(app: App) -> None:
    # Given a stage change on a partnership the manager is assigned to (which notifies them)
    company = _unique("Woodgrove")
    partnership = _create_partnership(app.stack, company_name=company, assigned_user_ids=["u-acme-pm"])
    moved = app.stack.session.put(app.stack.url(f"/partnerships/{partnership['id']}/stage"),
                                  headers=app.stack.as_user(VENDOR_ADMIN), json={"stage": "onboarding"},
                                  timeout=30)
    assert moved.status_code == 200, moved.text
    manager = app.stack.as_user(VENDOR_MANAGER)

    def notified() -> bool:
        items = app.stack.session.get(app.stack.url("/notifications"), headers=manager,
                                      params={"limit": 100}, timeout=30).json()["items"]
        return any(company in item["title"] for item in items)

    eventually(notified, timeout=60)
    # When the manager opens the inbox
    app.sign_in(VENDOR_MANAGER)
    expect(app.page.get_by_test_id("unread-count")).to_be_visible()
    app.page.get_by_role("link", name="Notifications").click()
    card = app.page.get_by_role("listitem").filter(has_text=f"{company} moved to onboarding")
    expect(card.get_by_role("heading")).to_contain_text("Unread:")
    # And marks the notification read
    mark_read = card.get_by_role("button", name=re.compile(r"^Mark .* read$"))
    mark_read.click()
    # Then it is read, in the inbox and in the API
    expect(mark_read).to_have_count(0)
    expect(card.get_by_role("heading")).not_to_contain_text("Unread:")
    items = app.stack.session.get(app.stack.url("/notifications"), headers=manager,
                                  params={"limit": 100}, timeout=30).json()["items"]
    assert all(item["read"] for item in items if company in item["title"])


def test_on_a_phone_the_partner_panel_takes_the_screen(phone_app: App) -> None:
    phone_app.sign_in(VENDOR_ADMIN)
    phone_app.page.get_by_role("link", name="Wingtip Implementations").click()
    expect(phone_app.page.get_by_role("heading", level=2, name="Wingtip Implementations")).to_be_visible()
    expect(phone_app.page.get_by_role("heading", name="Partners", exact=True)).to_be_hidden()
    # Closing the panel brings the list back
    phone_app.page.get_by_role("link", name="Close the partner panel").click()
    expect(phone_app.page.get_by_role("heading", name="Partners", exact=True)).to_be_visible()


def test_reports_chart_the_partner_journey_and_partner_performance(app: App) -> None:
    app.sign_in(VENDOR_ADMIN)
    app.page.get_by_role("link", name="Reports").click()
    chart = app.page.get_by_role("img", name=re.compile(r"^Recruitment: \d+ partners now"))
    expect(chart.locator("canvas")).to_be_visible()
    expect(app.page.get_by_role("table", name="Partner journey").get_by_role("row")).to_have_count(7)
    expect(app.page.get_by_role("table", name="Partner performance").get_by_role("row").first).to_be_visible()
    performance = app.page.get_by_test_id("performance-chart")
    expect(performance).to_have_attribute("aria-label", re.compile(r"^Partner performance.*: .+ \d+ leads"))
    expect(performance.locator("canvas")).to_be_visible()

"""The partner portal's rooms (issue #7) clicked through: resources, training, messages, shared files,
notification preferences and a distributor's resellers.

The vendor's content each test needs is made through the vendor's API with a unique title, so the
tests neither depend on each other nor on the demo data beyond its organisations and partnerships.
"""

from __future__ import annotations

import uuid
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import App
from tests.helpers.local_stack import LocalStack

VENDOR_ADMIN = "admin@acme.example"
PARTNER_ADMIN = "admin@wingtip.example"  # Wingtip Implementations, in Acme Cloud's program
DISTRIBUTOR_ADMIN = "admin@northwind.example"  # Northwind Distribution: Contoso and Fabrikam resell via it
# Preferences are per person: a user no other browser test signs in as, so a change surprises none.
PREFERENCES_USER = "executive@initech.example"


def _unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:6]}"


def _call(stack: LocalStack, method: str, path: str, email: str, body: Any = None) -> Any:
    response = stack.session.request(method, stack.url(path), headers=stack.as_user(email), json=body,
                                     timeout=30)
    assert response.status_code < 300, f"{method} {path} → {response.status_code}: {response.text}"
    return response.json() if response.text else None


def _partnership_of(stack: LocalStack, email: str) -> str:
    programs = _call(stack, "GET", "/portal/programs", email)["items"]
    assert programs, f"{email} is in no program"
    return str(programs[0]["partnership_id"])


def test_a_partner_opens_a_resource_and_completes_a_training_module(app: App) -> None:
    # Given a resource and a published one-lesson module of the vendor's
    resource, module = _unique("Pricing guide"), _unique("Selling Acme")
    _call(app.stack, "POST", "/portal/vendor/resources", VENDOR_ADMIN,
          {"kind": "link", "room": "resources", "title": resource, "url": "https://example.com/pricing"})
    created = _call(app.stack, "POST", "/portal/vendor/training/modules", VENDOR_ADMIN,
                    {"title": module, "lessons": [{"title": "The pitch", "body": "Why customers buy."}]})
    _call(app.stack, "POST", f"/portal/vendor/training/modules/{created['id']}/publish", VENDOR_ADMIN)
    partnership = _partnership_of(app.stack, PARTNER_ADMIN)
    app.sign_in(PARTNER_ADMIN)
    # When the partner opens the resources room from the dashboard's room menu
    app.open(f"/portal/{partnership}")
    app.page.get_by_role("navigation", name="Rooms").get_by_role("link", name="Resources").click()
    # Then the resource is listed, ready to open
    expect(app.page.get_by_role("heading", name=resource)).to_be_visible()
    expect(app.page.get_by_role("button", name=f"Open {resource}")).to_be_enabled()
    # And searching the rooms finds it
    app.page.get_by_role("searchbox", name="Search the rooms").fill(resource)
    app.page.get_by_role("button", name="Search", exact=True).click()
    results = app.page.get_by_role("region", name="Search results")
    expect(results.get_by_role("link", name=resource)).to_be_visible()
    # When they open the module in the training room and mark its lesson done
    app.page.get_by_role("navigation", name="Rooms").get_by_role("link", name="Training").click()
    card = app.page.get_by_role("listitem").filter(has=app.page.get_by_role("heading", name=module))
    expect(card.get_by_text("0 of 1 lessons done")).to_be_visible()
    card.get_by_role("button", name=f"Open {module}").click()
    card.get_by_role("button", name="Mark done: The pitch").click()
    # Then the module is completed
    expect(card.get_by_text("Completed")).to_be_visible()


def test_a_partner_starts_a_conversation_and_replies_in_it(app: App) -> None:
    # Given a partner in its messages room
    subject, reply = _unique("Co-marketing budget"), _unique("And the trade fair?")
    partnership = _partnership_of(app.stack, PARTNER_ADMIN)
    app.sign_in(PARTNER_ADMIN)
    app.open(f"/portal/{partnership}/messages")
    conversations = app.page.get_by_role("list", name="Conversations")
    # the room has loaded (what is typed from now on stays typed)
    expect(app.page.get_by_text("No conversations yet").or_(conversations)).to_be_visible()
    # When they start a conversation and reply to it
    app.page.get_by_role("textbox", name="Subject").fill(subject)
    app.page.get_by_role("textbox", name="Message").fill("Can we plan Q3 together?")
    start = app.page.get_by_role("button", name="Start conversation")
    expect(start).to_be_enabled()
    start.click()
    thread = app.page.get_by_role("list", name="Messages")
    expect(thread.get_by_text("Can we plan Q3 together?")).to_be_visible()
    app.page.get_by_role("textbox", name="Reply").fill(reply)
    app.page.get_by_role("button", name="Send").click()
    # Then both messages are in the thread, and the conversation is listed
    expect(thread.get_by_text(reply)).to_be_visible()
    expect(thread.get_by_role("listitem")).to_have_count(2)
    expect(conversations.get_by_role("button", name=subject)).to_be_visible()


def test_a_partner_uploads_a_shared_file_and_sees_it_listed(app: App) -> None:
    # Given a partner in the shared files room
    title = _unique("Joint proposal")
    partnership = _partnership_of(app.stack, PARTNER_ADMIN)
    app.sign_in(PARTNER_ADMIN)
    app.open(f"/portal/{partnership}/files")
    # When they choose a file, name it and upload it
    app.page.get_by_label("File", exact=True).set_input_files(
        {"name": "proposal.txt", "mimeType": "text/plain", "buffer": b"Our joint offer."})
    app.page.get_by_role("textbox", name="Title (optional)").fill(title)
    app.page.get_by_role("button", name="Upload").click()
    # Then it is shared and listed as its first version, ready to download
    expect(app.page.get_by_role("status").filter(has_text=f"{title} shared.")).to_be_visible()
    row = app.page.get_by_role("row").filter(has=app.page.get_by_role("rowheader", name=title))
    expect(row.get_by_text("v1")).to_be_visible()
    expect(row.get_by_role("button", name=f"Download {title}")).to_be_enabled()


def test_a_changed_notification_preference_is_still_there_after_a_reload(app: App) -> None:
    # Given a partner user who gets new leads by email
    app.sign_in(PREFERENCES_USER)
    app.page.get_by_role("navigation", name="Main").get_by_role("link", name="Preferences").click()
    email = app.page.get_by_role("checkbox", name="New leads: email")
    expect(email).to_be_checked()
    try:
        # When they turn that email off
        email.uncheck()
        expect(app.page.get_by_role("status").filter(has_text="New leads saved.")).to_be_visible()
        # Then it stays off after the page is loaded again
        app.page.reload()
        expect(app.page.get_by_role("checkbox", name="New leads: email")).not_to_be_checked()
    finally:
        _call(app.stack, "PATCH", "/notifications/preferences", PREFERENCES_USER,
              {"categories": {"lead": {"email": True}}})


def test_a_distributor_sees_its_resellers_and_their_results(phone_app: App) -> None:
    # Given Northwind, Acme Cloud's distributor, on a phone
    partnership = _partnership_of(phone_app.stack, DISTRIBUTOR_ADMIN)
    phone_app.sign_in(DISTRIBUTOR_ADMIN)
    phone_app.open(f"/portal/{partnership}")
    # When it opens its network from the room menu
    phone_app.page.get_by_role("navigation", name="Rooms").get_by_role("link", name="Network").click()
    # Then its resellers are listed with their figures
    table = phone_app.page.get_by_role("table", name="Your resellers")
    expect(table.get_by_role("rowheader", name="Contoso Systems")).to_be_visible()
    expect(table.get_by_role("rowheader", name="Fabrikam IT")).to_be_visible()

"""The resources and brand rooms: the vendor manages content with versions (files through presigned S3
uploads, links), partners see what its audience admits (everything else is 404) and download it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers.assertions import assert_problem, outbox_events
from tests.helpers.aws import Stack, client
from tests.helpers.lambda_runtime import ApiClient, User
from tests.helpers.people import ANA, BEN, CLEO, SALLY, ZED
from tests.helpers.portal_world import (
    CONTOSO,
    CONTOSO_ADMIN,
    DIST_A,
    DIST_A_ADMIN,
    GLOBEX,
    GLOBEX_ADMIN,
    NORTHWIND,
    OLDCO,
    OLDCO_ADMIN,
    PEOPLE,
)

pytestmark = pytest.mark.usefixtures("portal_world")

TABLE = "PortalTable"
BUCKET = "PortalFilesBucket"
PDF = "application/pdf"
VENDOR = "/portal/vendor/resources"


@pytest.fixture
def portal(service: Callable[..., ApiClient], aws: Stack) -> ApiClient:
    aws.drop_outbox(TABLE)
    return service("portal", ANA)


def upload(aws: Stack, pending: dict[str, Any], body: bytes, content_type: str = PDF) -> None:
    """What the browser does with the presigned POST: the object lands at the key the answer names."""
    fields = pending["upload"]["fields"]
    assert fields["Content-Type"] == pending["version"]["content_type"]
    client("s3").put_object(Bucket=aws.buckets[BUCKET], Key=fields["key"], Body=body,
                            ContentType=content_type)


def file_resource(portal: ApiClient, aws: Stack, *, title: str = "Sales deck", room: str = "resources",
                  audience: dict[str, Any] | None = None, size: int = 11, **fields: Any) -> dict[str, Any]:
    """A published file resource (created, uploaded, completed); returns the completed resource."""
    body = {"kind": "file", "room": room, "title": title, "audience": audience or {},
            "file": {"filename": f"{title}.pdf", "content_type": PDF, "size": size}, **fields}
    response = portal.post(VENDOR, json_body=body, user=ANA)
    assert response.status == 201, response.text
    created = response.json()
    upload(aws, created["pending"], b"x" * size)
    resource_id, version_id = created["resource"]["resource_id"], created["pending"]["version"]["version_id"]
    done = portal.post(f"{VENDOR}/{resource_id}/versions/{version_id}/complete", user=ANA)
    assert done.status == 200, done.text
    result: dict[str, Any] = done.json()
    return result


def link_resource(portal: ApiClient, *, title: str = "Partner wiki", room: str = "resources",
                  audience: dict[str, Any] | None = None) -> dict[str, Any]:
    response = portal.post(VENDOR, json_body={
        "kind": "link", "room": room, "title": title, "url": "https://wiki.acme.example/partners",
        "audience": audience or {},
    }, user=BEN)
    assert response.status == 201, response.text
    result: dict[str, Any] = response.json()["resource"]
    return result


def room_path(partnership: str, room: str = "resources") -> str:
    return f"/portal/partnerships/{partnership}/{room}"


# ---------------------------------------------------------------- upload, complete, download


def test_a_file_resource_is_uploaded_through_s3_then_completed_and_published(
    portal: ApiClient, aws: Stack,
) -> None:
    # Given a vendor writer creating a file resource
    response = portal.post(VENDOR, json_body={
        "kind": "file", "title": "Sales deck", "description": "The 2026 pitch",
        "tags": ["Sales", "sales", "deck"],
        "file": {"filename": "deck 2026.pdf", "content_type": PDF, "size": 5},
    })
    assert response.status == 201, response.text
    created = response.json()
    resource, pending = created["resource"], created["pending"]
    # Then it is pending: the answer says where to upload (a POST policy for exactly this key, type, size)
    assert resource["current_version"] is None
    assert resource["tags"] == ["Sales", "deck"]
    assert pending["version"]["status"] == "pending"
    assert pending["version"]["number"] == 1
    key = pending["upload"]["fields"]["key"]
    assert key == f"acme/resources/{resource['resource_id']}/{pending['version']['version_id']}"
    assert pending["upload"]["fields"]["Content-Type"] == PDF
    # and partners do not see it yet, nor any event
    assert portal.get(room_path(NORTHWIND), user=SALLY).json()["items"] == []
    assert outbox_events(aws, TABLE) == []

    # When the file is uploaded and the version completed
    upload(aws, pending, b"%PDF-")
    rid, vid = resource["resource_id"], pending["version"]["version_id"]
    done = portal.post(f"{VENDOR}/{rid}/versions/{vid}/complete")
    assert done.status == 200, done.text
    assert done.json()["current_version"]["filename"] == "deck 2026.pdf"
    assert portal.get(f"{VENDOR}/{resource['resource_id']}").json()["versions"][0]["status"] == "current"

    # Then it is published to partners, with one ResourcePublished event
    [event] = outbox_events(aws, TABLE)
    assert event["type"] == "ResourcePublished"
    assert event["tenant_id"] == "acme"
    assert (event["data"]["resource_id"], event["data"]["room"], event["data"]["first_version"]) == (
        resource["resource_id"], "resources", True)
    listed = portal.get(room_path(NORTHWIND), user=SALLY).json()["items"]
    assert [item["title"] for item in listed] == ["Sales deck"]
    assert listed[0]["audience"] is None
    assert listed[0]["versions"] is None

    # And a partner downloads it through a short-lived presigned GET naming the file
    download = portal.get(f"{room_path(NORTHWIND)}/{resource['resource_id']}/download", user=SALLY)
    assert download.status == 200, download.text
    url = download.json()["url"]
    assert key in url
    assert "X-Amz-Expires=300" in url
    assert "response-content-disposition" in url
    assert "deck%25202026.pdf" in url or "deck%202026.pdf" in url


def test_a_new_version_replaces_the_current_one_and_the_vendor_keeps_the_older(
    portal: ApiClient, aws: Stack,
) -> None:
    resource = file_resource(portal, aws, size=3)
    rid = resource["resource_id"]
    first = resource["current_version"]["version_id"]

    response = portal.post(f"{VENDOR}/{rid}/versions", json_body={
        "filename": "deck v2.pdf", "content_type": PDF, "size": 4}, user=BEN)
    assert response.status == 201, response.text
    pending = response.json()
    assert pending["version"]["number"] == 2
    # until completed, partners still get version 1
    partner_view = portal.get(f"{room_path(NORTHWIND)}/{rid}", user=SALLY).json()
    assert partner_view["current_version"]["version_id"] == first

    upload(aws, pending, b"abcd")
    done = portal.post(f"{VENDOR}/{rid}/versions/{pending['version']['version_id']}/complete", user=BEN)
    assert done.status == 200, done.text

    vendor_view = portal.get(f"{VENDOR}/{rid}", user=CLEO).json()
    assert [(v["number"], v["status"]) for v in vendor_view["versions"]] == [(2, "current"), (1, "previous")]
    partner_view = portal.get(f"{room_path(NORTHWIND)}/{rid}", user=SALLY).json()
    assert partner_view["current_version"]["filename"] == "deck v2.pdf"
    assert partner_view["versions"] is None
    # the vendor downloads the older version; a partner only ever the current one
    older = portal.get(f"{VENDOR}/{rid}/download", query={"version_id": first}, user=CLEO).json()
    assert older["version_id"] == first
    assert first in older["url"]
    events = outbox_events(aws, TABLE)
    assert [(e["type"], e["data"]["version_number"], e["data"]["first_version"]) for e in events] == [
        ("ResourcePublished", 1, True), ("ResourcePublished", 2, False)]


def test_a_link_resource_is_current_at_once_and_its_new_address_is_a_new_version(
    portal: ApiClient, aws: Stack,
) -> None:
    resource = link_resource(portal)
    rid = resource["resource_id"]
    assert resource["current_version"]["url"] == "https://wiki.acme.example/partners"
    changed = portal.post(f"{VENDOR}/{rid}/versions", json_body={"url": "https://wiki.acme.example/v2"})
    assert changed.status == 201, changed.text
    assert changed.json()["version"]["status"] == "current"
    assert changed.json()["upload"] is None
    download = portal.get(f"{room_path(NORTHWIND)}/{rid}/download", user=PEOPLE["executive"]).json()
    assert (download["kind"], download["url"]) == ("link", "https://wiki.acme.example/v2")
    assert len(outbox_events(aws, TABLE)) == 2


# ---------------------------------------------------------------- bad input writes nothing


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "file", "title": "Big", "file": {"filename": "a.pdf", "content_type": PDF,
                                                   "size": 100 * 1024 * 1024 + 1}}, "file.size"),
        ({"kind": "file", "title": "Html", "file": {"filename": "a.html", "content_type": "text/html",
                                                    "size": 10}}, "file.content_type"),
        ({"kind": "file", "title": "Path", "file": {"filename": "../etc/passwd", "content_type": PDF,
                                                    "size": 10}}, "file.filename"),
        ({"kind": "file", "title": "No file"}, "file"),
        ({"kind": "link", "title": "Plain http", "url": "http://wiki.acme.example"}, "url"),
        ({"kind": "link", "title": "No url"}, "url"),
        ({"kind": "file", "title": "x", "room": "lobby", "file": {"filename": "a.pdf", "content_type": PDF,
                                                                  "size": 1}}, "room"),
        ({"kind": "link", "title": "x", "url": "https://a.example", "audience": {"partner_roles": ["ceo"]}},
         "audience.partner_roles.0"),
        ({"kind": "link", "title": "x", "url": "https://a.example", "owner": "acme-corp"}, "owner"),
    ],
    ids=["oversized", "content-type", "path-in-name", "file-missing", "http-link", "url-missing", "room",
         "role", "unknown-field"],
)
def test_bad_input_is_a_4xx_naming_the_field_and_writes_nothing(
    portal: ApiClient, aws: Stack, body: dict[str, Any], field: str,
) -> None:
    before = aws.count(TABLE)
    assert_problem(portal.post(VENDOR, json_body=body), 422, field)
    assert aws.count(TABLE) == before


def test_completing_a_version_whose_upload_is_missing_or_different_writes_nothing(
    portal: ApiClient, aws: Stack,
) -> None:
    created = portal.post(VENDOR, json_body={
        "kind": "file", "title": "Deck", "file": {"filename": "deck.pdf", "content_type": PDF, "size": 10},
    }).json()
    rid, vid = created["resource"]["resource_id"], created["pending"]["version"]["version_id"]
    complete = f"{VENDOR}/{rid}/versions/{vid}/complete"
    before = aws.items(TABLE)

    # nothing uploaded yet
    assert_problem(portal.post(complete), 409, "version_id")
    # another size
    upload(aws, created["pending"], b"short")
    assert_problem(portal.post(complete), 422, "size")
    # another type
    upload(aws, created["pending"], b"0123456789", content_type="text/html")
    assert_problem(portal.post(complete), 422, "content_type")
    assert aws.items(TABLE) == before
    assert outbox_events(aws, TABLE) == []

    # the right upload completes it, once
    upload(aws, created["pending"], b"0123456789")
    assert portal.post(complete).status == 200
    assert_problem(portal.post(complete), 409, "version_id")
    assert_problem(portal.post(f"{VENDOR}/{rid}/versions/{'f' * 26}/complete"), 404, "version_id")


def test_a_new_version_must_match_the_resource_kind(portal: ApiClient, aws: Stack) -> None:
    resource = file_resource(portal, aws)
    link = link_resource(portal)
    before = aws.count(TABLE)
    assert_problem(portal.post(f"{VENDOR}/{resource['resource_id']}/versions",
                               json_body={"url": "https://a.example"}), 422, "url")
    assert_problem(portal.post(f"{VENDOR}/{resource['resource_id']}/versions",
                               json_body={"filename": "a.pdf"}), 422, "content_type", "size")
    assert_problem(portal.post(f"{VENDOR}/{link['resource_id']}/versions",
                               json_body={"filename": "a.pdf", "content_type": PDF, "size": 3}), 422, "url")
    assert_problem(portal.post(f"{VENDOR}/{resource['resource_id']}/versions",
                               json_body={"filename": "a.exe", "content_type": "application/x-msdownload",
                                          "size": 3}), 422, "content_type")
    assert aws.count(TABLE) == before


# ---------------------------------------------------------------- metadata, audience, archive


def test_the_vendor_edits_metadata_and_audience_and_lists_by_room(portal: ApiClient, aws: Stack) -> None:
    deck = file_resource(portal, aws, title="Deck")
    logo = file_resource(portal, aws, title="Logo", room="brand")
    patched = portal.patch(f"{VENDOR}/{deck['resource_id']}", json_body={
        "title": "Pitch deck", "tags": ["pitch"], "audience": {"tiers": ["platinum"]}}, user=BEN)
    assert patched.status == 200, patched.text
    assert (patched.json()["title"], patched.json()["audience"]["tiers"]) == ("Pitch deck", ["platinum"])

    assert [r["title"] for r in portal.get(VENDOR, user=CLEO).json()["items"]] == ["Pitch deck"]
    brand = portal.get(VENDOR, query={"room": "brand"}, user=CLEO).json()["items"]
    assert [r["title"] for r in brand] == ["Logo"]
    # gold northwind no longer sees the platinum-only deck
    hidden = portal.get(f"{room_path(NORTHWIND)}/{deck['resource_id']}", user=SALLY)
    assert_problem(hidden, 404, "resource_id")
    assert logo["room"] == "brand"


def test_an_archived_resource_is_gone_for_partners_and_listed_apart_for_the_vendor(
    portal: ApiClient, aws: Stack,
) -> None:
    deck = file_resource(portal, aws, title="Deck")
    rid = deck["resource_id"]
    response = portal.delete(f"{VENDOR}/{rid}", user=BEN)
    assert response.status == 204, response.text
    assert portal.get(room_path(NORTHWIND), user=SALLY).json()["items"] == []
    assert_problem(portal.get(f"{room_path(NORTHWIND)}/{rid}/download", user=SALLY), 404, "resource_id")
    assert portal.get(VENDOR).json()["items"] == []
    assert [r["archived"] for r in portal.get(VENDOR, query={"archived": "true"}).json()["items"]] == [True]
    assert_problem(portal.patch(f"{VENDOR}/{rid}", json_body={"title": "x"}), 409, "resource_id")
    assert portal.delete(f"{VENDOR}/{rid}").status == 204  # archiving twice is a no-op


def test_only_vendor_writers_manage_content(portal: ApiClient, aws: Stack) -> None:
    deck = file_resource(portal, aws)
    rid = deck["resource_id"]
    link = {"kind": "link", "title": "x", "url": "https://a.example"}
    for user in (CLEO, SALLY):
        assert_problem(portal.post(VENDOR, json_body=link, user=user), 403)
        assert_problem(portal.patch(f"{VENDOR}/{rid}", json_body={"title": "x"}, user=user), 403)
        assert_problem(portal.delete(f"{VENDOR}/{rid}", user=user), 403)
    # a partner reads no vendor management route at all
    assert_problem(portal.get(VENDOR, user=SALLY), 403)
    assert_problem(portal.get(f"{VENDOR}/{rid}", user=SALLY), 403)


# ---------------------------------------------------------------- visibility by audience


@pytest.mark.parametrize(
    ("audience", "admitted", "hidden"),
    [
        ({"tiers": ["gold"]}, SALLY, CONTOSO_ADMIN),
        ({"min_tier": "gold"}, DIST_A_ADMIN, CONTOSO_ADMIN),
        ({"stages": ["onboarding"]}, CONTOSO_ADMIN, SALLY),
        ({"categories": ["msp"]}, CONTOSO_ADMIN, SALLY),
        ({"partnership_types": ["distributor"]}, DIST_A_ADMIN, SALLY),
        ({"partner_roles": ["marketing"]}, PEOPLE["marketing"], PEOPLE["sales"]),
    ],
    ids=["tier", "min-tier", "stage", "category", "type", "role"],
)
def test_a_partner_sees_only_what_the_audience_admits_and_gets_404_for_the_rest(
    portal: ApiClient, aws: Stack, audience: dict[str, Any], admitted: User, hidden: User,
) -> None:
    resource = file_resource(portal, aws, audience=audience)
    rid = resource["resource_id"]
    partnership = {"northwind": NORTHWIND, "contoso": CONTOSO, "dist-a": DIST_A}
    seen_in = partnership[admitted.organisation_id]
    hidden_in = partnership[hidden.organisation_id]

    assert [r["resource_id"] for r in portal.get(room_path(seen_in), user=admitted).json()["items"]] == [rid]
    assert portal.get(f"{room_path(seen_in)}/{rid}", user=admitted).status == 200
    assert portal.get(f"{room_path(seen_in)}/{rid}/download", user=admitted).status == 200

    assert portal.get(room_path(hidden_in), user=hidden).json()["items"] == []
    assert_problem(portal.get(f"{room_path(hidden_in)}/{rid}", user=hidden), 404, "resource_id")
    assert_problem(portal.get(f"{room_path(hidden_in)}/{rid}/download", user=hidden), 404, "resource_id")
    # the vendor previews everything through any of its partnerships
    assert portal.get(f"{room_path(hidden_in)}/{rid}", user=CLEO).status == 200


def test_the_brand_room_is_for_partner_admins_and_marketing(portal: ApiClient, aws: Stack) -> None:
    logo = file_resource(portal, aws, title="Logo pack", room="brand")
    rid = logo["resource_id"]
    for user in (PEOPLE["partner_admin"], PEOPLE["marketing"]):
        assert [r["title"] for r in portal.get(room_path(NORTHWIND, "brand"), user=user).json()["items"]] == [
            "Logo pack"]
        assert portal.get(f"{room_path(NORTHWIND, 'brand')}/{rid}/download", user=user).status == 200
    for user in (PEOPLE["sales"], PEOPLE["executive"], PEOPLE["project_manager"]):
        assert_problem(portal.get(room_path(NORTHWIND, "brand"), user=user), 403)
    # a brand asset is not a resource, nor the other way round
    assert_problem(portal.get(f"{room_path(NORTHWIND)}/{rid}", user=SALLY), 404, "resource_id")
    deck = file_resource(portal, aws, title="Deck")
    assert_problem(portal.get(f"{room_path(NORTHWIND, 'brand')}/{deck['resource_id']}", user=SALLY), 404,
                   "resource_id")


# ---------------------------------------------------------------- tenancy


@pytest.mark.parametrize(
    ("user", "partnership_id"),
    [(ZED, NORTHWIND), (GLOBEX_ADMIN, NORTHWIND), (CONTOSO_ADMIN, NORTHWIND), (SALLY, GLOBEX),
     (OLDCO_ADMIN, OLDCO)],
    ids=["other-vendor", "other-vendors-partner", "other-partner", "foreign-partnership", "archived"],
)
def test_outside_the_partnership_every_room_route_is_404(
    portal: ApiClient, aws: Stack, user: User, partnership_id: str,
) -> None:
    rid = file_resource(portal, aws)["resource_id"]
    for path in (room_path(partnership_id), f"{room_path(partnership_id)}/{rid}",
                 f"{room_path(partnership_id)}/{rid}/download", room_path(partnership_id, "brand")):
        assert_problem(portal.get(path, user=user), 404, "partnership_id")


def test_another_vendor_never_reaches_acmes_content(portal: ApiClient, aws: Stack) -> None:
    rid = file_resource(portal, aws)["resource_id"]
    vid = portal.get(f"{VENDOR}/{rid}").json()["current_version"]["version_id"]
    assert portal.get(VENDOR, user=ZED).json()["items"] == []
    for request in (
        lambda: portal.get(f"{VENDOR}/{rid}", user=ZED),
        lambda: portal.patch(f"{VENDOR}/{rid}", json_body={"title": "mine"}, user=ZED),
        lambda: portal.delete(f"{VENDOR}/{rid}", user=ZED),
        lambda: portal.post(f"{VENDOR}/{rid}/versions", json_body={"url": "https://a.example"}, user=ZED),
        lambda: portal.post(f"{VENDOR}/{rid}/versions/{vid}/complete", user=ZED),
        lambda: portal.get(f"{VENDOR}/{rid}/download", user=ZED),
        # acme-corp's own partnership does not show acme's content either
        lambda: portal.get(f"{room_path(GLOBEX)}/{rid}", user=GLOBEX_ADMIN),
    ):
        assert_problem(request(), 404, "resource_id")
    assert portal.get(room_path(GLOBEX), user=GLOBEX_ADMIN).json()["items"] == []
    assert portal.get(f"{VENDOR}/{rid}").json()["title"] == "Sales deck"


# ---------------------------------------------------------------- pages and DynamoDB calls


def test_the_room_list_pages_by_cursor_and_skips_hidden_content_within_bounds(
    portal: ApiClient, aws: Stack,
) -> None:
    for number in range(5):
        link_resource(portal, title=f"Visible {number}")
        link_resource(portal, title=f"Platinum {number}", audience={"tiers": ["platinum"]})
    titles: list[str] = []
    cursor = None
    for _ in range(10):
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        response = portal.get(room_path(NORTHWIND), query=query, user=SALLY)
        assert response.status == 200, response.text
        page = response.json()
        assert len(page["items"]) <= 2
        # each page reads in proportion to its size (hidden items included), never the whole room
        read = sum(call.items_read or 0 for call in response.calls.calls if call.operation == "Query")
        assert read <= 2 * 4 + 2
        titles += [item["title"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert titles == [f"Visible {number}" for number in reversed(range(5))]
    # a cursor is bound to its listing and caller
    forged = portal.get(room_path(NORTHWIND, "brand"), query={"cursor": "x.y"}, user=SALLY)
    assert_problem(forged, 400, "cursor")


def test_a_partner_reads_a_resource_in_two_gets(portal: ApiClient, aws: Stack) -> None:
    rid = file_resource(portal, aws)["resource_id"]
    response = portal.get(f"{room_path(NORTHWIND)}/{rid}", user=SALLY)
    assert response.calls.operations == ["GetItem", "GetItem"]  # the partnership's view, the resource


def test_min_tier_content_reads_the_program_once_per_list(portal: ApiClient, aws: Stack) -> None:
    for number in range(3):
        link_resource(portal, title=f"Gold {number}", audience={"min_tier": "gold"})
    response = portal.get(room_path(NORTHWIND), user=SALLY)
    assert len(response.json()["items"]) == 3
    assert response.calls.operations.count("GetItem") == 2  # the view and the program

"""The shared files room: either side of a partnership uploads files (presigned S3 POST, then complete),
both list, read and download them, new versions replace the current one, and deleting is the uploader's
side's (or the vendor's managers'). Also the content rooms' search function."""

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
FILES = f"/portal/partnerships/{NORTHWIND}/shared-files"


@pytest.fixture
def portal(service: Callable[..., ApiClient], aws: Stack) -> ApiClient:
    aws.drop_outbox(TABLE)
    return service("portal", SALLY)


def put(aws: Stack, pending: dict[str, Any], body: bytes, content_type: str = PDF) -> None:
    client("s3").put_object(Bucket=aws.buckets[BUCKET], Key=pending["upload"]["fields"]["key"], Body=body,
                            ContentType=content_type)


def shared(portal: ApiClient, aws: Stack, user: User, *, title: str = "Statement of work",
           path: str = FILES, size: int = 7) -> dict[str, Any]:
    response = portal.post(path, json_body={
        "title": title, "filename": "sow.pdf", "content_type": PDF, "size": size, "tags": ["globex"],
    }, user=user)
    assert response.status == 201, response.text
    created = response.json()
    put(aws, created["pending"], b"x" * size)
    file_id, version_id = created["file"]["file_id"], created["pending"]["version"]["version_id"]
    done = portal.post(f"{path}/{file_id}/versions/{version_id}/complete", user=user)
    assert done.status == 200, done.text
    result: dict[str, Any] = done.json()
    return result


def test_a_partner_shares_a_file_and_the_vendor_gets_it(portal: ApiClient, aws: Stack) -> None:
    # Given a project manager of the partner starting an upload
    user = PEOPLE["project_manager"]
    created = portal.post(FILES, json_body={"filename": "sow.pdf", "content_type": PDF, "size": 4}, user=user)
    assert created.status == 201, created.text
    body = created.json()
    file_id = body["file"]["file_id"]
    assert body["file"]["title"] == "sow.pdf"
    assert body["file"]["uploader_side"] == "partner"
    key = body["pending"]["upload"]["fields"]["key"]
    assert key.startswith(f"acme/partnerships/{NORTHWIND}/files/{file_id}/")
    # Then, until completed, only the partner's side sees it
    assert [f["file_id"] for f in portal.get(FILES, user=SALLY).json()["items"]] == [file_id]
    assert portal.get(FILES, user=BEN).json()["items"] == []
    assert_problem(portal.get(f"{FILES}/{file_id}", user=BEN), 404, "file_id")

    # When the file is uploaded and completed
    put(aws, body["pending"], b"%PDF")
    version_id = body["pending"]["version"]["version_id"]
    done = portal.post(f"{FILES}/{file_id}/versions/{version_id}/complete", user=user)
    assert done.status == 200, done.text

    # Then the vendor sees and downloads it, and SharedFileUploaded names the partner side
    assert [f["file_id"] for f in portal.get(FILES, user=CLEO).json()["items"]] == [file_id]
    download = portal.get(f"{FILES}/{file_id}/download", user=CLEO)
    assert download.status == 200
    assert key in download.json()["url"]
    [event] = outbox_events(aws, TABLE)
    assert event["type"] == "SharedFileUploaded"
    assert event["tenant_id"] == "acme"
    assert {name: event["data"][name] for name in ("file_id", "partnership_id", "uploader_side",
                                                    "partner_organisation_id", "uploader_user_id")} == {
        "file_id": file_id, "partnership_id": NORTHWIND, "uploader_side": "partner",
        "partner_organisation_id": "northwind", "uploader_user_id": user.user_id}


def test_versions_of_a_shared_file(portal: ApiClient, aws: Stack) -> None:
    file = shared(portal, aws, BEN, size=3)
    file_id, first = file["file_id"], file["current_version"]["version_id"]
    # the partner adds a version to the vendor's file
    response = portal.post(f"{FILES}/{file_id}/versions", json_body={
        "filename": "sow-v2.pdf", "content_type": PDF, "size": 5}, user=SALLY)
    assert response.status == 201, response.text
    pending = response.json()
    # a pending version is the uploader's organisation's to complete or see
    assert [v["number"] for v in portal.get(f"{FILES}/{file_id}", user=BEN).json()["versions"]] == [1]
    assert_problem(portal.post(f"{FILES}/{file_id}/versions/{pending['version']['version_id']}/complete",
                               user=BEN), 404, "version_id")
    put(aws, pending, b"abcde")
    assert portal.post(f"{FILES}/{file_id}/versions/{pending['version']['version_id']}/complete",
                       user=SALLY).status == 200
    body = portal.get(f"{FILES}/{file_id}", user=BEN).json()
    assert [(v["number"], v["status"]) for v in body["versions"]] == [(2, "current"), (1, "previous")]
    assert body["current_version"]["filename"] == "sow-v2.pdf"
    older = portal.get(f"{FILES}/{file_id}/download", query={"version_id": first}, user=SALLY)
    assert older.status == 200
    assert first in older.json()["url"]
    assert [e["data"]["uploader_side"] for e in outbox_events(aws, TABLE)] == ["vendor", "partner"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"filename": "a.pdf", "content_type": PDF, "size": 100 * 1024 * 1024 + 1}, "size"),
        ({"filename": "a.pdf", "content_type": PDF, "size": 0}, "size"),
        ({"filename": "a.sh", "content_type": "application/x-sh", "size": 3}, "content_type"),
        ({"filename": "a/b.pdf", "content_type": PDF, "size": 3}, "filename"),
        ({"filename": "a.pdf", "content_type": PDF}, "size"),
        ({"filename": "a.pdf", "content_type": PDF, "size": 3, "key": "acme/other"}, "key"),
    ],
    ids=["oversized", "empty", "content-type", "path", "size-missing", "client-key"],
)
def test_bad_uploads_are_a_422_naming_the_field_and_write_nothing(
    portal: ApiClient, aws: Stack, body: dict[str, Any], field: str,
) -> None:
    before = aws.count(TABLE)
    assert_problem(portal.post(FILES, json_body=body), 422, field)
    assert aws.count(TABLE) == before


def test_completing_without_the_upload_or_with_another_one_writes_nothing(
    portal: ApiClient, aws: Stack,
) -> None:
    body = portal.post(FILES, json_body={"filename": "a.pdf", "content_type": PDF, "size": 6}).json()
    file_id, version_id = body["file"]["file_id"], body["pending"]["version"]["version_id"]
    complete = f"{FILES}/{file_id}/versions/{version_id}/complete"
    before = aws.items(TABLE)
    assert_problem(portal.post(complete), 409, "version_id")
    put(aws, body["pending"], b"123")
    assert_problem(portal.post(complete), 422, "size")
    put(aws, body["pending"], b"123456", content_type="image/png")
    assert_problem(portal.post(complete), 422, "content_type")
    assert aws.items(TABLE) == before


def test_who_may_delete_a_shared_file(portal: ApiClient, aws: Stack) -> None:
    vendors = shared(portal, aws, BEN, title="Vendor file")
    partners = shared(portal, aws, PEOPLE["marketing"], title="Partner file")
    # a partner may not delete the vendor's file; the vendor's member may delete nothing
    assert_problem(portal.delete(f"{FILES}/{vendors['file_id']}", user=SALLY), 403)
    assert_problem(portal.delete(f"{FILES}/{partners['file_id']}", user=CLEO), 403)
    # the partner side deletes its own (any role of it); a vendor writer deletes any
    assert portal.delete(f"{FILES}/{partners['file_id']}", user=PEOPLE["executive"]).status == 204
    assert portal.delete(f"{FILES}/{vendors['file_id']}", user=ANA).status == 204
    assert portal.get(FILES).json()["items"] == []
    assert [item for item in aws.items(TABLE) if item["entity"].startswith("PortalContent")] == []
    assert client("s3").list_objects_v2(Bucket=aws.buckets[BUCKET]).get("KeyCount") == 0
    assert_problem(portal.get(f"{FILES}/{vendors['file_id']}/download"), 404, "file_id")


@pytest.mark.parametrize(
    ("user", "partnership_id"),
    [(ZED, NORTHWIND), (GLOBEX_ADMIN, NORTHWIND), (CONTOSO_ADMIN, NORTHWIND), (SALLY, GLOBEX),
     (OLDCO_ADMIN, OLDCO)],
    ids=["other-vendor", "other-vendors-partner", "other-partner", "foreign-partnership", "archived"],
)
def test_outside_the_partnership_every_shared_file_route_is_404(
    portal: ApiClient, aws: Stack, user: User, partnership_id: str,
) -> None:
    file = shared(portal, aws, SALLY)
    file_id, version_id = file["file_id"], file["current_version"]["version_id"]
    before = aws.count(TABLE)
    base = f"/portal/partnerships/{partnership_id}/shared-files"
    upload = {"filename": "a.pdf", "content_type": PDF, "size": 3}
    for response in (
        portal.get(base, user=user),
        portal.post(base, json_body=upload, user=user),
        portal.get(f"{base}/{file_id}", user=user),
        portal.delete(f"{base}/{file_id}", user=user),
        portal.post(f"{base}/{file_id}/versions", json_body=upload, user=user),
        portal.post(f"{base}/{file_id}/versions/{version_id}/complete", user=user),
        portal.get(f"{base}/{file_id}/download", user=user),
    ):
        assert_problem(response, 404, "partnership_id")
    assert aws.count(TABLE) == before


def test_another_partnership_of_the_same_vendor_does_not_reach_the_file(
    portal: ApiClient, aws: Stack,
) -> None:
    file_id = shared(portal, aws, SALLY)["file_id"]
    other = f"/portal/partnerships/{CONTOSO}/shared-files"
    assert portal.get(other, user=CONTOSO_ADMIN).json()["items"] == []
    assert_problem(portal.get(f"{other}/{file_id}", user=CONTOSO_ADMIN), 404, "file_id")
    assert_problem(portal.get(f"{other}/{file_id}", user=ANA), 404, "file_id")


def test_the_vendors_member_reads_but_does_not_upload_and_an_archived_partnership_takes_no_files(
    portal: ApiClient, aws: Stack,
) -> None:
    upload = {"filename": "a.pdf", "content_type": PDF, "size": 3}
    assert_problem(portal.post(FILES, json_body=upload, user=CLEO), 403)
    assert_problem(portal.post(f"/portal/partnerships/{OLDCO}/shared-files", json_body=upload, user=ANA), 409,
                   "partnership_id")
    assert portal.get(f"/portal/partnerships/{OLDCO}/shared-files", user=CLEO).status == 200


def test_the_list_pages_by_cursor(portal: ApiClient, aws: Stack) -> None:
    ids = [shared(portal, aws, SALLY, title=f"File {number}", size=1)["file_id"] for number in range(3)]
    first = portal.get(FILES, query={"limit": 2}).json()
    second = portal.get(FILES, query={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [f["file_id"] for f in first["items"] + second["items"]] == list(reversed(ids))
    assert second["next_cursor"] is None
    # another caller cannot replay the cursor
    replayed = portal.get(FILES, query={"limit": 2, "cursor": first["next_cursor"]}, user=BEN)
    assert_problem(replayed, 400, "cursor")


# ---------------------------------------------------------------- search


def test_search_hits_finds_what_the_viewer_sees_with_every_term(
    portal: ApiClient, aws: Stack, service: Callable[..., ApiClient],
) -> None:
    ana = service("portal", ANA)
    for body in (
        {"kind": "link", "title": "Pricing sheet", "description": "EMEA pricing for resellers",
         "url": "https://a.example/p", "tags": ["Pricing"]},
        {"kind": "link", "title": "Platinum pricing", "url": "https://a.example/q",
         "audience": {"tiers": ["platinum"]}},
        {"kind": "link", "room": "brand", "title": "Logo pricing guide", "url": "https://a.example/l"},
    ):
        assert ana.post("/portal/vendor/resources", json_body=body).status == 201
    shared(portal, aws, SALLY, title="Pricing approval EMEA")

    with portal.runner.env_applied():
        from portal.logic.access import Room, enter
        from portal.logic.content import search_hits
        from trellis.principal import principal_from_claims

        def hits(user: User, *terms: str) -> list[tuple[str, str]]:
            viewer = enter(principal_from_claims(user.claims()), NORTHWIND, Room.RESOURCES)
            return sorted((hit["kind"], hit["title"]) for hit in search_hits(viewer, list(terms)))

        assert hits(SALLY, "PRICING", "emea") == [
            ("resource", "Pricing sheet"), ("shared_file", "Pricing approval EMEA")]
        assert hits(SALLY, "pricing") == [("brand", "Logo pricing guide"), ("resource", "Pricing sheet"),
                                          ("shared_file", "Pricing approval EMEA")]
        # sales does not open the brand room; gold northwind never sees the platinum resource
        assert hits(PEOPLE["sales"], "pricing") == [("resource", "Pricing sheet"),
                                                    ("shared_file", "Pricing approval EMEA")]
        # the vendor sees all of its own
        assert ("resource", "Platinum pricing") in hits(CLEO, "pricing")
        sally = enter(principal_from_claims(SALLY.claims()), NORTHWIND, Room.RESOURCES)
        [hit] = search_hits(sally, ["sheet"])
        assert hit["excerpt"] == "EMEA pricing for resellers"
        assert hit["id"]

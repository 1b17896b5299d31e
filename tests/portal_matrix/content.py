"""Matrix recipes of the content rooms: the vendor's resources and brand assets, and shared files.

The world: a resource every partner sees, a gold-and-above resource and brand asset (``TIER_SECRET``),
a resource with an uploaded but not yet completed version, and shared files in NORTHWIND and CONTOSO
(file ids are per partnership: ``file:<partnership>``) plus a NORTHWIND file whose version awaits
completion. Uploads go to the moto bucket as the browser would (a PUT of the key the answer names).
"""

from __future__ import annotations

from typing import Any

from portal.logic.access import Room
from tests.helpers.aws import client
from tests.helpers.lambda_runtime import ApiClient
from tests.helpers.people import ANA
from tests.helpers.portal_world import CONTOSO, NORTHWIND
from tests.portal_matrix import SECRET, TIER_SECRET, Ids, Kind, Recipe, Setup

BUCKET = "PortalFilesBucket".lower()  # the test stack names buckets by their lower-cased logical id
PDF = "application/pdf"
UPLOAD = {"filename": "matrix.pdf", "content_type": PDF, "size": 4}


def _put(pending: dict[str, Any]) -> None:
    key = pending["upload"]["fields"]["key"]
    client("s3").put_object(Bucket=BUCKET, Key=key, Body=b"%PDF", ContentType=PDF)


def _resource(api: ApiClient, title: str, *, room: str = "resources", audience: dict[str, Any] | None = None,
              complete: bool = True) -> tuple[str, str]:
    response = api.post("/portal/vendor/resources", json_body={
        "kind": "file", "room": room, "title": title, "description": f"about {title}",
        "audience": audience or {}, "file": UPLOAD,
    })
    assert response.status == 201, response.text
    body = response.json()
    _put(body["pending"])
    resource_id, version_id = body["resource"]["resource_id"], body["pending"]["version"]["version_id"]
    if complete:
        done = api.post(f"/portal/vendor/resources/{resource_id}/versions/{version_id}/complete")
        assert done.status == 200, done.text
    return resource_id, version_id


def _shared(api: ApiClient, partnership: str, title: str, *, complete: bool = True) -> tuple[str, str]:
    files = f"/portal/partnerships/{partnership}/shared-files"
    response = api.post(files, json_body={**UPLOAD, "title": title})
    assert response.status == 201, response.text
    body = response.json()
    _put(body["pending"])
    file_id, version_id = body["file"]["file_id"], body["pending"]["version"]["version_id"]
    if complete:
        done = api.post(f"{files}/{file_id}/versions/{version_id}/complete")
        assert done.status == 200, done.text
    return file_id, version_id


def setup(ctx: Setup) -> dict[str, str]:
    api = ctx.api(ANA)
    resource, _ = _resource(api, f"Deck {SECRET}")
    gold, _ = _resource(api, f"Gold deck {SECRET} {TIER_SECRET}", audience={"min_tier": "gold"})
    brand, _ = _resource(api, f"Logo {SECRET} {TIER_SECRET}", room="brand", audience={"min_tier": "gold"})
    pending_resource, pending_resource_version = _resource(api, f"Pending {SECRET}", complete=False)
    northwind_file, _ = _shared(api, NORTHWIND, f"SOW {SECRET}")
    contoso_file, _ = _shared(api, CONTOSO, f"Contract {SECRET}")
    pending_file, pending_file_version = _shared(api, NORTHWIND, f"Draft {SECRET}", complete=False)
    return {
        "resource": resource, "gold": gold, "brand": brand,
        "pending_resource": pending_resource, "pending_resource_version": pending_resource_version,
        "file": northwind_file, f"file:{NORTHWIND}": northwind_file, f"file:{CONTOSO}": contoso_file,
        "pending_file": pending_file, "pending_file_version": pending_file_version,
    }


def _file(ids: Ids) -> str:
    """The shared file of the caller's partnership (NORTHWIND's when it has none: acme's id elsewhere)."""
    partnership = ids["partnership"]
    return f"/portal/partnerships/{partnership}/shared-files/{ids.get(f'file:{partnership}', ids['file'])}"


VENDOR = "/portal/vendor/resources"
ROOM = "/portal/partnerships/{partnership_id}"
FILES = f"{ROOM}/shared-files"
LINK = {"kind": "link", "title": "Matrix link", "url": "https://wiki.example/partners"}

RECIPES: dict[str, Recipe] = {
    # ---------------------------------------------------------------- vendor management
    f"POST {VENDOR}": Recipe(lambda ids: (VENDOR, LINK), kind=Kind.VENDOR, write=True, collection=True),
    f"GET {VENDOR}": Recipe(lambda ids: (VENDOR, None), kind=Kind.VENDOR, collection=True),
    f"GET {VENDOR}/{{resource_id}}": Recipe(lambda ids: (f"{VENDOR}/{ids['resource']}", None),
                                            kind=Kind.VENDOR),
    f"PATCH {VENDOR}/{{resource_id}}": Recipe(
        lambda ids: (f"{VENDOR}/{ids['resource']}", {"tags": ["matrix"]}), kind=Kind.VENDOR, write=True),
    f"DELETE {VENDOR}/{{resource_id}}": Recipe(
        lambda ids: (f"{VENDOR}/{ids['resource']}", None), kind=Kind.VENDOR, write=True),
    f"POST {VENDOR}/{{resource_id}}/versions": Recipe(
        lambda ids: (f"{VENDOR}/{ids['resource']}/versions", UPLOAD), kind=Kind.VENDOR, write=True),
    f"POST {VENDOR}/{{resource_id}}/versions/{{version_id}}/complete": Recipe(
        lambda ids: (f"{VENDOR}/{ids['pending_resource']}/versions/{ids['pending_resource_version']}"
                     "/complete", None), kind=Kind.VENDOR, write=True),
    f"GET {VENDOR}/{{resource_id}}/download": Recipe(
        lambda ids: (f"{VENDOR}/{ids['resource']}/download", None), kind=Kind.VENDOR),
    # ---------------------------------------------------------------- the resources room
    f"GET {ROOM}/resources": Recipe(
        lambda ids: (f"/portal/partnerships/{ids['partnership']}/resources", None), room=Room.RESOURCES),
    f"GET {ROOM}/resources/{{resource_id}}": Recipe(
        lambda ids: (f"/portal/partnerships/{ids['partnership']}/resources/{ids['gold']}", None),
        room=Room.RESOURCES, tiered=True),
    f"GET {ROOM}/resources/{{resource_id}}/download": Recipe(
        lambda ids: (f"/portal/partnerships/{ids['partnership']}/resources/{ids['gold']}/download", None),
        room=Room.RESOURCES, tiered=True),
    # ---------------------------------------------------------------- the brand room
    f"GET {ROOM}/brand": Recipe(
        lambda ids: (f"/portal/partnerships/{ids['partnership']}/brand", None), room=Room.BRAND),
    f"GET {ROOM}/brand/{{resource_id}}": Recipe(
        lambda ids: (f"/portal/partnerships/{ids['partnership']}/brand/{ids['brand']}", None),
        room=Room.BRAND, tiered=True),
    f"GET {ROOM}/brand/{{resource_id}}/download": Recipe(
        lambda ids: (f"/portal/partnerships/{ids['partnership']}/brand/{ids['brand']}/download", None),
        room=Room.BRAND, tiered=True),
    # ---------------------------------------------------------------- shared files
    f"POST {FILES}": Recipe(
        lambda ids: (f"/portal/partnerships/{ids['partnership']}/shared-files", UPLOAD),
        room=Room.SHARED_FILES, write=True),
    f"GET {FILES}": Recipe(
        lambda ids: (f"/portal/partnerships/{ids['partnership']}/shared-files", None),
        room=Room.SHARED_FILES),
    f"GET {FILES}/{{file_id}}": Recipe(lambda ids: (_file(ids), None), room=Room.SHARED_FILES),
    f"DELETE {FILES}/{{file_id}}": Recipe(lambda ids: (_file(ids), None), room=Room.SHARED_FILES, write=True),
    f"POST {FILES}/{{file_id}}/versions": Recipe(
        lambda ids: (f"{_file(ids)}/versions", UPLOAD), room=Room.SHARED_FILES, write=True),
    f"POST {FILES}/{{file_id}}/versions/{{version_id}}/complete": Recipe(
        lambda ids: (f"/portal/partnerships/{ids['partnership']}/shared-files/{ids['pending_file']}/versions/"
                     f"{ids['pending_file_version']}/complete", None), room=Room.SHARED_FILES, write=True),
    f"GET {FILES}/{{file_id}}/download": Recipe(lambda ids: (f"{_file(ids)}/download", None),
                                                room=Room.SHARED_FILES),
}

"""HTTP routes for CSV files of accounts: the import template, imports, exports."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from leads.logic import account_exports, account_imports
from leads.logic.account_csv import MAX_FILE_BYTES
from leads.logic.account_imports import API_MARGIN_MS, Clock, Upload
from leads.models import AccountExport, AccountImport, CrmId, ImportRejection
from trellis.api import current_principal
from trellis.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page

router = Router()

# The routes that read their body themselves (trellis.api.lambda_handler lets these content types through).
CSV_TYPES = frozenset({"text/csv", "application/csv", "text/plain", "application/octet-stream"})
RAW_BODIES = {"POST /accounts/imports": CSV_TYPES}

ImportId = Annotated[CrmId, Path(description="The import's id")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
Cursor = Annotated[str | None, Query(max_length=2048)]
CSV_ANSWER: dict[int, Any] = {
    200: {"description": "CSV (UTF-8)", "content": {"text/csv": {"schema": {"type": "string"}}}},
}


def _csv(text: str, file_name: str) -> Response[str]:
    return Response(
        status_code=HTTPStatus.OK, content_type="text/csv; charset=utf-8", body=text,
        headers={"Content-Disposition": f'attachment; filename="{file_name}"'},
    )


@router.get("/accounts/import-template", summary="The CSV template for account imports (its header row)",
            tags=["account files"], responses=CSV_ANSWER)
def import_template() -> Response[str]:
    return _csv(account_imports.import_template(current_principal(router)), "accounts-import-template.csv")


@router.post(
    "/accounts/imports",
    summary="Import accounts from a CSV file (the body), matched to accounts by the website's domain",
    description=(
        f"Send the file as the body (text/csv, UTF-8, at most {MAX_FILE_BYTES // (1024 * 1024)} MB). "
        f"Up to {account_imports.SYNC_ROWS:,} rows are imported within the request (201, with every row's "
        "outcome); a larger file runs as a job (202): poll GET /accounts/imports/{import_id}."
    ),
    tags=["account files"],
    responses={201: {"description": "Imported"}, 202: {"description": "Accepted: imported by a job"}},
    openapi_extensions={"x-request-body": {
        "required": True, "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}},
    }},
)
def start_import(
    mapping: Annotated[str | None, Query(
        max_length=4096,
        description='JSON: file header → field, or null to leave a column out, e.g. {"Company": "name"}',
    )] = None,
    file_name: Annotated[str | None, Query(max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")] = None,
) -> Response[AccountImport]:
    event = router.current_event
    headers = {name.lower(): value for name, value in (event.headers or {}).items()}
    upload = Upload(body=event.get("body"), base64_encoded=bool(event.get("isBase64Encoded")),
                    content_type=headers.get("content-type"), content_length=headers.get("content-length"))
    clock = Clock(remaining_ms=router.lambda_context.get_remaining_time_in_millis, margin_ms=API_MARGIN_MS)
    result, finished = account_imports.start_import(
        current_principal(router), upload, mapping=mapping, file_name=file_name, clock=clock,
    )
    return Response(
        status_code=HTTPStatus.CREATED if finished else HTTPStatus.ACCEPTED, content_type="application/json",
        body=result, headers={"Location": f"/accounts/imports/{result.id}"},
    )


@router.get("/accounts/imports/<import_id>", summary="An account import: status, progress and counts",
            tags=["account files"])
def get_import(import_id: ImportId) -> AccountImport:
    return account_imports.get_import(current_principal(router), import_id)


@router.get("/accounts/imports/<import_id>/rejections", summary="The rows an import rejected, with reasons",
            tags=["account files"])
def list_rejections(
    import_id: ImportId, limit: Limit = DEFAULT_PAGE_SIZE, cursor: Cursor = None,
) -> Page[ImportRejection]:
    return account_imports.list_rejections(current_principal(router), import_id, limit=limit, cursor=cursor)


@router.get("/accounts/export", summary="Every account as CSV (413 past 5 MB: use POST /accounts/exports)",
            tags=["account files"], responses=CSV_ANSWER)
def export_accounts() -> Response[str]:
    return _csv(account_exports.export_csv(current_principal(router)), "accounts.csv")


@router.post("/accounts/exports", summary="Export every account to a CSV file, as a job",
             tags=["account files"],
             responses={202: {"description": "Accepted: poll GET /accounts/exports/{export_id}"}})
def request_export() -> Response[AccountExport]:
    result = account_exports.request_export(current_principal(router))
    return Response(status_code=HTTPStatus.ACCEPTED, content_type="application/json", body=result,
                    headers={"Location": f"/accounts/exports/{result.id}"})


@router.get("/accounts/exports/<export_id>",
            summary="An account export: status and a short-lived download link", tags=["account files"])
def get_export(export_id: Annotated[CrmId, Path(description="The export's id")]) -> AccountExport:
    return account_exports.get_export(current_principal(router), export_id)

"""Lead use cases (issue #4: submission, routing, acceptance, registration)."""

from __future__ import annotations

from leads.dal import leads as dal
from leads.models import Lead
from trellis.pagination import Page, decode_cursor, encode_cursor
from trellis.principal import Principal

LISTING = "leads"


def list_leads(principal: Principal, *, limit: int, cursor: str | None) -> Page[Lead]:
    org = principal.organisation_id
    start = decode_cursor(cursor, tenant_id=org, listing=LISTING)
    items, last_key = dal.list_page(org, limit=limit, start=start)
    return Page[Lead](
        items=[Lead(id=i.lead_id, company_name=i.company_name, status=i.status, created_at=i.created_at)
               for i in items],
        next_cursor=encode_cursor(last_key, tenant_id=org, listing=LISTING),
    )

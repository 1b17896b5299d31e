"""Lead reads. The only module that knows the lead keys."""

from __future__ import annotations

from typing import Any

from leads.dal.tables import LeadItem
from trellis.keys import org_key


def list_page(
    organisation_id: str, *, limit: int, start: dict[str, Any] | None,
) -> tuple[list[LeadItem], Any]:
    result = LeadItem.gsi1.query(
        org_key(organisation_id, "LEADS"), scan_index_forward=False, limit=limit, last_evaluated_key=start,
    )
    return [item for item in result if isinstance(item, LeadItem)], result.last_evaluated_key

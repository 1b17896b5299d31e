"""Lambda entry point: the account jobs worker (imports too large for the request, exports to S3).

Its queue receives the leads service's own AccountImportStarted / AccountImportProgressed /
AccountExportRequested events (LeadsAccountJobsRule). Each is run once (idempotent on the event id);
an import hands over to a fresh invocation before its time runs out (see logic/account_imports.py).
"""

from __future__ import annotations

from typing import Any

from leads.logic.account_exports import run_export
from leads.logic.account_imports import WORKER_MARGIN_MS, Clock, continue_import
from trellis.consumer import Consumer
from trellis.events import EventEnvelope
from trellis.events.crm import AccountExportRequested, AccountImportProgressed, AccountImportStarted


class AccountJobs(Consumer):
    """A Consumer that keeps the invocation's context: an import needs to know the time it has left."""

    context: Any = None

    def clock(self) -> Clock:
        context = self.context
        remaining = context.get_remaining_time_in_millis if context is not None else (lambda: 900_000)
        return Clock(remaining_ms=remaining, margin_ms=WORKER_MARGIN_MS)

    def lambda_handler(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.context = context
        try:
            return super().lambda_handler(event, context)
        finally:
            self.context = None


def _import(envelope: EventEnvelope, data: Any) -> None:
    continue_import(envelope, data, worker.clock())


worker = AccountJobs("leads-account-jobs", {
    AccountImportStarted: _import,
    AccountImportProgressed: _import,
    AccountExportRequested: run_export,
})
handler = worker.lambda_handler

"""The emails the functions sent through SES, as moto (running in this process) recorded them.

``GET /local/emails`` lists them (JSON, newest first); ``GET /local/emails/<n>`` shows email ``n``'s
HTML part as the recipient would see it; ``GET /local/mailbox`` is a page listing them all.
"""

from __future__ import annotations

import email
from email.message import EmailMessage
from email.policy import default
from email.utils import parsedate_to_datetime
from html import escape
from typing import Any

from local.intrinsics import ACCOUNT, REGION

INDEX_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Trellis local mailbox</title></head>
<body style="font-family:sans-serif;max-width:60rem;margin:2rem auto;">
<h1>Emails sent by the local stack</h1>
<p>Newest first. JSON: <a href="/local/emails">/local/emails</a>.</p>
<table cellpadding="6" style="border-collapse:collapse;width:100%;">
<tr style="text-align:left;border-bottom:1px solid #ccc;">
<th>#</th><th>sent</th><th>to</th><th>subject</th></tr>
{rows}
</table>
</body></html>
"""


def _raw_messages() -> list[Any]:
    from moto.ses.models import ses_backends

    return list(ses_backends[ACCOUNT][REGION].sent_messages)


def _part(message: EmailMessage, subtype: str) -> str | None:
    body = message.get_body(preferencelist=(subtype,))
    return body.get_content() if body is not None else None


def _as_dict(number: int, sent: Any) -> dict[str, Any]:
    raw = getattr(sent, "raw_data", None)
    if raw is None:  # SendEmail (not raw): moto keeps the parts it was given
        return {"n": number, "to": list(getattr(sent, "destinations", {}).get("ToAddresses", [])),
                "from": sent.source, "subject": getattr(sent, "subject", None),
                "text": getattr(sent, "body", None), "html": None, "headers": {}, "sent_at": None}
    message = email.message_from_string(raw, policy=default)
    assert isinstance(message, EmailMessage)
    date = message.get("Date")
    return {
        "n": number,
        # moto appends the To header's addresses to the destinations it was given: once each
        "to": list(dict.fromkeys(str(address) for address in sent.destinations)),
        "from": str(message.get("From", sent.source)),
        "subject": str(message.get("Subject", "")),
        "text": _part(message, "plain"),
        "html": _part(message, "html"),
        "headers": {name: str(value) for name, value in message.items()},
        "sent_at": parsedate_to_datetime(str(date)).isoformat() if date else None,
    }


def sent_emails() -> list[dict[str, Any]]:
    """Every email sent so far, newest first; ``n`` numbers them in the order they were sent (from 1)."""
    emails = [_as_dict(number, sent) for number, sent in enumerate(_raw_messages(), start=1)]
    return list(reversed(emails))


def email_by_number(number: int) -> dict[str, Any] | None:
    messages = _raw_messages()
    if not 1 <= number <= len(messages):
        return None
    return _as_dict(number, messages[number - 1])


def index_page() -> str:
    rows = "\n".join(
        f'<tr><td><a href="/local/emails/{item["n"]}">{item["n"]}</a></td>'
        f'<td>{escape(item["sent_at"] or "")}</td><td>{escape(", ".join(item["to"]))}</td>'
        f'<td><a href="/local/emails/{item["n"]}">{escape(item["subject"] or "")}</a></td></tr>'
        for item in sent_emails()
    ) or '<tr><td colspan="4">No emails yet.</td></tr>'
    return INDEX_PAGE.format(rows=rows)

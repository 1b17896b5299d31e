"""Public routes behind every email's unsubscribe link (no login: the signed token is the key).

``GET`` only shows what the link would stop and a button: link scanners and previews follow GETs,
so it changes nothing. ``POST`` unsubscribes - the button's form, or a mail client's RFC 8058
one-click request (``List-Unsubscribe=One-Click``, form-encoded; an empty body is accepted too).
"""

from __future__ import annotations

from html import escape
from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Response, Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from notifications.logic import unsubscribe as logic

router = Router()
TAGS = ["notifications"]
Token = Annotated[str | None, Query(max_length=1024, description="The signed token of the email's link")]
HTML = "text/html; charset=utf-8"
# What a one-click POST may carry: a form (RFC 8058) or nothing.
RAW_BODIES = {
    "POST /public/unsubscribe": frozenset({"application/x-www-form-urlencoded", "multipart/form-data"}),
}
_ANSWER: dict[int, Any] = {
    200: {"description": "An HTML page", "content": {"text/html": {"schema": {"type": "string"}}}},
}

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{title}</title></head>
<body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:32rem;margin:3rem auto;\
padding:0 1rem;color:#1f2933;">
<h1 style="font-size:1.4rem;">{title}</h1>
{content}
</body>
</html>
"""


def _page(title: str, content: str) -> Response[str]:
    page = _PAGE.format(title=escape(title), content=content)
    return Response(status_code=200, content_type=HTML, body=page,
                    headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})


@router.get("/public/unsubscribe",
            summary="The page of an email's unsubscribe link (public; changes nothing)",
            tags=TAGS, responses=_ANSWER)
def confirm_page(token: Token = None) -> Response[str]:
    subscription = logic.verify(token)
    label = escape(subscription.label)
    # The form posts back to this same URL (token included): no base URL needed, none to get wrong.
    form = (
        f"<p>Stop receiving <strong>{label}</strong> emails?</p>"
        '<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">'
        '<button type="submit" style="padding:.6rem 1.2rem;font-size:1rem;">Unsubscribe</button></form>'
        '<p style="color:#7b8794;font-size:.9rem;">'
        "You can turn them back on in your notification settings.</p>"
    )
    return _page("Unsubscribe", form)


@router.post("/public/unsubscribe",
             summary="Unsubscribe from one category of emails (public; RFC 8058 one-click)",
             tags=TAGS, responses=_ANSWER)
def unsubscribe(token: Token = None) -> Response[str]:
    subscription = logic.unsubscribe(token)
    label = escape(subscription.label)
    return _page("Unsubscribed", f"<p>You will no longer receive <strong>{label}</strong> emails.</p>"
                                 "<p>You can turn them back on in your notification settings.</p>")

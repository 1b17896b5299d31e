"""Emails as MIME messages: a text and an HTML part from the templates in ``notifications/templates``.

HTML is autoescaped (titles and bodies come from users: a ``<script>`` in a partnership's name must
arrive as text); the text part is not (it is never interpreted). An email of a category carries its
unsubscribe link in the footer and the RFC 8058 one-click headers, so mail clients can offer it too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

_environment = Environment(
    loader=PackageLoader("notifications", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_SAFE_LINK = re.compile(r"^https?://", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class Unsubscribe:
    url: str
    label: str  # what the link stops, e.g. "Partnership stage changes"


def _one_line(text: str) -> str:
    """A header value: no line breaks (header injection), no runs of spaces."""
    return " ".join(text.split())


def _safe_links(value: Any) -> Any:
    """Drop a link that is not http(s) (a ``javascript:`` URL would survive HTML escaping)."""
    if isinstance(value, dict):
        return {key: (None if key.endswith(("link", "_url")) and isinstance(item, str)
                      and not _SAFE_LINK.match(item) else _safe_links(item))
                for key, item in value.items()}
    if isinstance(value, list):
        return [_safe_links(item) for item in value]
    return value


def render(template: str, subject: str, context: dict[str, Any],
           unsubscribe: Unsubscribe | None) -> tuple[str, str]:
    """(text, html) of one email."""
    values = {
        **_safe_links(context), "subject": subject,
        "unsubscribe_url": unsubscribe.url if unsubscribe else None,
        "unsubscribe_label": unsubscribe.label if unsubscribe else None,
    }
    text = _environment.get_template(f"{template}.txt").render(values)
    html = _environment.get_template(f"{template}.html").render(values)
    return _BLANK_LINES.sub("\n\n", text).strip() + "\n", html


def build(*, sender: str, to_address: str, template: str, subject: str, context: dict[str, Any],
          unsubscribe: Unsubscribe | None) -> EmailMessage:
    text, html = render(template, subject, context, unsubscribe)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to_address
    message["Subject"] = _one_line(subject)
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    if unsubscribe is not None:
        message["List-Unsubscribe"] = f"<{unsubscribe.url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def as_bytes(message: EmailMessage) -> bytes:
    return message.as_bytes(policy=SMTP)

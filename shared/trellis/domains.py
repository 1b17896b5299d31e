"""Website → normalised domain, the key Trellis matches companies on (overlaps, deal registration)."""

from __future__ import annotations

from urllib.parse import urlsplit

WEB_SCHEMES = frozenset({"http", "https"})


def normalise_domain(website: str) -> str:
    """``https://WWW.Example.com/about`` → ``example.com``.

    Raises ValueError when there is no host, or the scheme is not a web one: a stored website is
    shown as a link, and ``javascript://example.com/%0a…`` has a host too.
    """
    text = website.strip()
    if "://" not in text:
        text = f"https://{text}"
    parts = urlsplit(text)
    if parts.scheme.lower() not in WEB_SCHEMES:
        raise ValueError("must be a website address (http or https), such as example.com")
    host = (parts.hostname or "").rstrip(".").lower()
    if host.startswith("www."):
        host = host[4:]
    if "." not in host or any(not label for label in host.split(".")):
        raise ValueError("must be a website address with a domain, such as example.com")
    return host.encode("idna").decode("ascii")

"""Website → normalised domain, the key Trellis matches companies on (overlaps, deal registration)."""

from __future__ import annotations

from urllib.parse import urlsplit


def normalise_domain(website: str) -> str:
    """``https://WWW.Example.com/about`` → ``example.com``. Raises ValueError when there is no host."""
    text = website.strip()
    if "://" not in text:
        text = f"https://{text}"
    host = (urlsplit(text).hostname or "").rstrip(".").lower()
    if host.startswith("www."):
        host = host[4:]
    if "." not in host or any(not label for label in host.split(".")):
        raise ValueError("must be a website address with a domain, such as example.com")
    return host.encode("idna").decode("ascii")

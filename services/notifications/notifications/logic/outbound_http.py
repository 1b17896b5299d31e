"""Calling an organisation's webhook endpoint without letting it point Trellis at anything else (SSRF).

- The URL: ``https`` only, no credentials in it, port 443 or an unprivileged one (≥ 1024), a host name
  or IP literal.
- The host must resolve, and EVERY address it resolves to must be globally routable: no loopback,
  private, link-local (169.254.169.254, the instance metadata service), shared CGNAT (100.64/10),
  multicast, reserved or unspecified address, including IPv4 addresses wrapped in IPv6 (mapped,
  6to4, Teredo, NAT64). One bad address refuses the host: an attacker controls its DNS answers.
- At delivery the connection goes to the address that was checked (TLS still verifies the host
  name), so a DNS answer that changes between the check and the connection (rebinding) cannot
  redirect it. Redirects are never followed; timeouts are short; at most a few KB of the answer
  are read.

``resolver`` and ``transport`` are module attributes so tests replace them and never touch the network.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import SplitResult, urlsplit

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 10.0
MAX_RESPONSE_BYTES = 4096
MAX_URL_LENGTH = 2048
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class Refused(Exception):
    """The URL or its host's addresses are not a public https destination; the message says why."""


@dataclass(frozen=True)
class Destination:
    url: str
    host: str  # the host name as written (lower case), or the IP literal
    port: int
    target: str  # path and query, as sent in the request line


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes  # at most MAX_RESPONSE_BYTES


class Transport(Protocol):
    def __call__(self, *, address: IpAddress, destination: Destination, headers: Mapping[str, str],
                 body: bytes) -> Answer: ...


Resolver = Callable[[str, int], list[str]]


def system_resolver(host: str, port: int) -> list[str]:
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(info[4][0]) for info in found))


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def public_address_problem(address: IpAddress) -> str | None:
    """Why an address may not be called, or None when it is globally routable."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            problem = public_address_problem(embedded)
            return f"{problem} (inside the IPv6 address {address})" if problem else None
        if address.scope_id:
            return f"{address} is a scoped (link-local) address"
    for name in ("loopback", "link_local", "private", "multicast", "reserved", "unspecified"):
        if getattr(address, f"is_{name}"):
            return f"{address} is a {name.replace('_', '-')} address"
    if not address.is_global:
        return f"{address} is not a public address"
    return None


def parse(url: str) -> Destination:
    """The destination of a URL, if its form is acceptable (no DNS yet)."""
    if len(url) > MAX_URL_LENGTH:
        raise Refused(f"the URL is longer than {MAX_URL_LENGTH} characters")
    if any(ord(char) <= 0x20 or ord(char) == 0x7F for char in url):
        raise Refused("the URL has spaces or control characters")
    try:
        parts: SplitResult = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise Refused(f"the URL is malformed ({error})") from error
    if parts.scheme.lower() != "https":
        raise Refused("the URL must start with https://")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise Refused("the URL must not carry credentials (user:password@)")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise Refused("the URL has no host")
    if port is not None and port != 443 and port < 1024:
        raise Refused(f"port {port} is not allowed: use 443 or a port from 1024 up")
    try:
        host.encode("ascii")
    except UnicodeEncodeError:
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as error:
            raise Refused("the URL's host name is not a valid internationalised name") from error
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return Destination(url=url, host=host.lower(), port=port or 443, target=target)


def _literal(host: str) -> IpAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def addresses(destination: Destination) -> list[IpAddress]:
    """The addresses of the destination's host, every one of them public; else Refused."""
    literal = _literal(destination.host)
    if literal is not None:
        found: list[IpAddress] = [literal]
    else:
        try:
            answers = resolver(destination.host, destination.port)
        except (OSError, UnicodeError) as error:
            raise Refused(f"the host {destination.host} does not resolve") from error
        found = []
        for answer in answers:
            parsed = _literal(answer.split("%", 1)[0])
            if parsed is None:
                raise Refused(f"the host {destination.host} resolves to something that is not an address")
            found.append(parsed)
        if not found:
            raise Refused(f"the host {destination.host} does not resolve")
    for address in found:
        problem = public_address_problem(address)
        if problem:
            raise Refused(f"the host {destination.host} resolves to {problem}; "
                          "only public addresses are allowed")
    return found


def check(url: str) -> Destination:
    """Raise Refused unless the URL names a public https destination now (registration-time check)."""
    destination = parse(url)
    addresses(destination)
    return destination


def post(url: str, *, headers: Mapping[str, str], body: bytes) -> Answer:
    """POST to the URL at an address checked just now (pinned); Refused before any connection if not public.

    Transport errors (refused connection, TLS, timeouts) propagate as OSError / urllib3 errors.
    """
    destination = parse(url)
    address = addresses(destination)[0]
    return transport(address=address, destination=destination, headers=headers, body=body)


def urllib3_transport(*, address: IpAddress, destination: Destination, headers: Mapping[str, str],
                      body: bytes) -> Answer:
    import urllib3  # only the webhook worker pays for it

    host_header = destination.host if destination.port == 443 else f"{destination.host}:{destination.port}"
    pool = urllib3.HTTPSConnectionPool(
        host=str(address), port=destination.port, server_hostname=destination.host,
        assert_hostname=destination.host, cert_reqs="CERT_REQUIRED", maxsize=1, retries=False,
        timeout=urllib3.Timeout(connect=CONNECT_TIMEOUT, read=READ_TIMEOUT),
    )
    try:
        response = pool.urlopen(
            "POST", destination.target, body=body, headers={**headers, "Host": host_header},
            redirect=False, retries=False, preload_content=False, assert_same_host=False,
        )
        try:
            received = response.read(MAX_RESPONSE_BYTES)
        finally:
            response.release_conn()
        return Answer(status=response.status, body=received)
    finally:
        pool.close()


resolver: Resolver = system_resolver
transport: Transport = urllib3_transport

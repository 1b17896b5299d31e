"""The SSRF guard of outbound webhooks: which URLs and addresses Trellis calls, and that it calls the
address it checked (a DNS answer that changes afterwards cannot redirect it). No network: the resolver
and the transport are replaced."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from notifications.logic import outbound_http
from notifications.logic.outbound_http import Answer, Destination, IpAddress, Refused

PUBLIC_V4 = "93.184.215.14"
PUBLIC_V6 = "2606:2800:21f:cb07:6820:80da:af6b:8b2c"


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.8.9.10", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "169.254.0.1",
    "100.64.0.1", "100.127.255.254", "0.0.0.0",  # noqa: S104
    "224.0.0.1", "240.0.0.1", "255.255.255.255", "192.0.2.10",
    "198.18.0.1", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "2001:db8::1",
    "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe",
    "2002:7f00:1::1", "2001:0:4136:e378:8000:63bf:f5ff:fffe",
])
def test_an_address_that_is_not_globally_routable_is_refused(address: str) -> None:
    assert outbound_http.public_address_problem(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", [PUBLIC_V4, "8.8.8.8", "1.1.1.1", PUBLIC_V6, "::ffff:8.8.8.8"])
def test_a_public_address_is_fine(address: str) -> None:
    assert outbound_http.public_address_problem(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(("url", "because"), [
    ("http://hooks.example.com/x", "https"),
    ("ftp://hooks.example.com/x", "https"),
    ("https://user:pw@hooks.example.com/x", "credentials"),
    ("https://user@hooks.example.com/x", "credentials"),
    ("https://hooks.example.com:22/x", "port 22"),
    ("https://hooks.example.com:25/x", "port 25"),
    ("https://hooks.example.com:80/x", "port 80"),
    ("https://hooks.example.com:99999/x", "malformed"),
    ("https:///x", "no host"),
    ("https://hooks.example.com/a b", "spaces"),
    ("https://127.0.0.1/x", "loopback"),
    ("https://[::1]/x", "loopback"),
    ("https://[::ffff:169.254.169.254]/x", "link-local"),
    ("https://169.254.169.254/latest/meta-data/", "link-local"),
    ("https://10.1.2.3:8443/x", "private"),
    ("https://100.64.1.1/x", "not a public address"),
    ("https://" + "a" * 2100 + ".example/", "longer"),
])
def test_a_url_that_is_not_a_public_https_destination_is_refused(url: str, because: str,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbound_http, "resolver", lambda host, port: [PUBLIC_V4])
    with pytest.raises(Refused, match=because):
        outbound_http.check(url)


@pytest.mark.parametrize("url", [
    "https://hooks.example.com/x", "https://hooks.example.com:443/x?a=1", "https://hooks.example.com:8443/",
    "https://93.184.215.14/x", f"https://[{PUBLIC_V6}]/x", "https://HOOKS.Example.com./x",
])
def test_a_public_https_url_is_accepted(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbound_http, "resolver", lambda host, port: [PUBLIC_V4, PUBLIC_V6])
    destination = outbound_http.check(url)
    assert destination.host == destination.host.lower()
    assert not destination.host.endswith(".")


@pytest.mark.parametrize("answers", [
    ["127.0.0.1"], [PUBLIC_V4, "10.0.0.7"], [PUBLIC_V6, "::ffff:127.0.0.1"], ["169.254.169.254"], [],
    ["not-an-address"],
])
def test_a_host_is_refused_when_any_of_its_addresses_is_not_public(answers: list[str],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbound_http, "resolver", lambda host, port: answers)
    with pytest.raises(Refused):
        outbound_http.check("https://hooks.example.com/x")


def test_a_host_that_does_not_resolve_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def nothing(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    monkeypatch.setattr(outbound_http, "resolver", nothing)
    with pytest.raises(Refused, match="does not resolve"):
        outbound_http.check("https://nowhere.example/x")


class _Recorder:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, *, address: IpAddress, destination: Destination, headers: Mapping[str, str],
                 body: bytes) -> Answer:
        self.calls.append({"address": str(address), "host": destination.host, "port": destination.port,
                           "target": destination.target, "headers": dict(headers), "body": body})
        return Answer(status=204, body=b"")


@pytest.fixture
def transport(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Recorder]:
    recorder = _Recorder()
    monkeypatch.setattr(outbound_http, "transport", recorder)
    return recorder


def test_the_post_goes_to_the_address_that_was_checked(transport: _Recorder,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a host whose DNS answers a public address now and a private one afterwards (rebinding)
    answers = iter([[PUBLIC_V4], ["127.0.0.1"]])
    monkeypatch.setattr(outbound_http, "resolver", lambda host, port: next(answers))

    # When Trellis posts to it
    answer = outbound_http.post("https://hooks.example.com:8443/in?x=1", headers={"a": "b"}, body=b"{}")

    # Then the connection goes to the public address it checked, for the host name (TLS and Host header)
    assert answer.status == 204
    assert transport.calls == [{"address": PUBLIC_V4, "host": "hooks.example.com", "port": 8443,
                                "target": "/in?x=1", "headers": {"a": "b"}, "body": b"{}"}]
    # and the next post, after the DNS answer turned private, is refused before any connection
    with pytest.raises(Refused, match="loopback"):
        outbound_http.post("https://hooks.example.com:8443/in?x=1", headers={}, body=b"{}")
    assert len(transport.calls) == 1


def test_a_refused_destination_is_never_connected_to(transport: _Recorder,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbound_http, "resolver", lambda host, port: ["169.254.169.254"])
    for url in ("https://metadata.example/latest", "http://hooks.example.com/", "https://10.0.0.1/"):
        with pytest.raises(Refused):
            outbound_http.post(url, headers={}, body=b"")
    assert transport.calls == []

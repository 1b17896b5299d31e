"""The local stack serves the web app's build beside the API without ever shadowing an API path."""

from __future__ import annotations

from pathlib import Path

from local.gateway import HttpRequest
from local.web import WebApp


def _get(web: WebApp, target: str, method: str = "GET") -> tuple[int, dict[str, str], bytes] | None:
    request = HttpRequest(method=method, target=target, headers=[], body=b"", source_ip="127.0.0.1")
    response = web.handle(request)
    if response is None:
        return None
    return response.status, dict(response.headers), response.body


def _build(tmp_path: Path) -> WebApp:
    (tmp_path / "assets").mkdir(parents=True)
    (tmp_path / "index.html").write_text("<!doctype html><title>Trellis</title>")
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log('app')")
    (tmp_path / "config.json").write_text('{"auth": "local"}')
    (tmp_path.parent / "secret.txt").write_text("not for the browser")
    return WebApp(dist=tmp_path)


def test_the_root_is_the_apps_index_never_cached(tmp_path: Path) -> None:
    web = _build(tmp_path / "dist")

    served = _get(web, "/?from=mail")

    assert served is not None
    status, headers, body = served
    assert status == 200
    assert (headers["content-type"], headers["cache-control"]) == ("text/html; charset=utf-8", "no-cache")
    assert b"<title>Trellis</title>" in body
    assert "script-src 'self';" in headers["content-security-policy"]


def test_hashed_assets_are_cached_for_good_and_config_is_not(tmp_path: Path) -> None:
    web = _build(tmp_path / "dist")

    asset, config = _get(web, "/assets/index-abc123.js"), _get(web, "/config.json")

    assert asset is not None
    assert config is not None
    assert asset[1]["cache-control"] == "public, max-age=31536000, immutable"
    assert "javascript" in asset[1]["content-type"]
    assert config[1]["cache-control"] == "no-cache"


def test_any_other_path_is_left_to_the_api(tmp_path: Path) -> None:
    web = _build(tmp_path / "dist")

    for target in ["/partnerships", "/assets/missing.js", "/assets", "/../secret.txt",
                   "/assets/../../secret.txt", "/%2e%2e/secret.txt", "/.hidden"]:
        assert _get(web, target) is None, target
    assert _get(web, "/", method="POST") is None


def test_without_a_build_the_root_says_how_to_make_one(tmp_path: Path) -> None:
    served = _get(WebApp(dist=tmp_path / "missing"), "/")

    assert served is not None
    assert b"make web" in served[2]

"""The web app (``web/dist``, built by ``make web``) served beside the API on the same port.

Same origin, so the app calls the API without CORS. Only files that exist in the build are
served, by exact path (``/`` is ``index.html``); every other path is left to the API, so the app
(which routes by ``#/…``) can never shadow a route.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path

from local.gateway import HttpRequest, HttpResponse

DIST = Path(__file__).resolve().parents[1] / "web" / "dist"
# The policy web/hosting.yaml sets in AWS, with the API on this same origin: the browser tests,
# which fail on any console error, so also prove the app never needs more than it allows.
# ``connect-src`` also names the files' S3 endpoint: the portal uploads there with presigned POSTs.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'{files}; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
NOT_BUILT = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Trellis</title></head>
<body><h1>The web app is not built</h1>
<p>Run <code>make web</code> (or <code>make run</code>, which builds it first); the API is up meanwhile:
see <a href="/docs">/docs</a>.</p></body></html>
"""


@dataclass
class WebApp:
    dist: Path = DIST
    files_origin: str | None = None  # where presigned uploads go (moto's S3 locally)

    @property
    def content_security_policy(self) -> str:
        return CONTENT_SECURITY_POLICY.format(files=f" {self.files_origin}" if self.files_origin else "")

    def handle(self, request: HttpRequest) -> HttpResponse | None:
        """The build's file at this path, or None when the path is not one of them."""
        if request.method not in {"GET", "HEAD"}:
            return None
        path = request.path
        if path in {"/", "/index.html", "/callback"}:
            index = self.dist / "index.html"
            if not index.is_file():
                return HttpResponse(200, [("content-type", "text/html; charset=utf-8")], NOT_BUILT.encode())
            # Never cached: it names the current build's hashed assets.
            headers = [("content-type", "text/html; charset=utf-8"), ("cache-control", "no-cache"),
                       ("content-security-policy", self.content_security_policy),
                       ("x-content-type-options", "nosniff")]
            return HttpResponse(200, headers, index.read_bytes())
        file = self._file(path)
        if file is None:
            return None
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        cache = "public, max-age=31536000, immutable" if path.startswith("/assets/") else "no-cache"
        headers = [("content-type", content_type), ("cache-control", cache)]
        return HttpResponse(200, headers, file.read_bytes())

    def _file(self, path: str) -> Path | None:
        parts = path.strip("/").split("/")
        if not parts or any(part in {"", ".", ".."} or part.startswith(".") for part in parts):
            return None
        root = self.dist.resolve()
        candidate = (root / "/".join(parts)).resolve()
        if not candidate.is_relative_to(root) or not candidate.is_file():
            return None
        return candidate

"""The local identity provider and the API Gateway JWT authorizer in front of every route.

Tokens look like Cognito ID tokens (the claims ``trellis.principal`` reads), signed RS256 with a
key kept under the state directory so they survive restarts. The issuer and audience are the
template's ``JwtConfiguration`` resolved with local names, so the authorizer checks exactly what
the deployed one does: signature, ``exp``, ``iss``, and ``aud`` (or ``client_id`` for access tokens).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from local.demo import DemoUser
from local.intrinsics import LocalNames
from local.template import Template

KEY_FILE = "jwt-signing-key.pem"
ALGORITHM = "RS256"  # the only algorithm API Gateway's JWT authorizer accepts


class AuthorizationFailed(Exception):
    """API Gateway answers these with 401 and says no more than ``Unauthorized``."""

    def __init__(self, description: str):
        super().__init__(description)
        self.description = description


class ScopeMissing(Exception):
    """The token is valid but lacks every scope the route asks for (API Gateway: 403)."""


@dataclass(frozen=True)
class AuthorizerConfig:
    name: str
    header: str  # lower-case request header that carries the token
    issuer: str
    audiences: tuple[str, ...]
    token_validity_seconds: int


def authorizer_config(template: Template, names: LocalNames) -> AuthorizerConfig:
    """The HttpApi's default JWT authorizer from the template, with local issuer and audience."""
    apis = template.resources_of("AWS::Serverless::HttpApi")
    if len(apis) != 1:
        raise ValueError(f"the local stack serves exactly one HttpApi, the template has {len(apis)}")
    auth = next(iter(apis.values()))["Properties"]["Auth"]
    name = auth["DefaultAuthorizer"]
    authorizer = auth["Authorizers"][name]
    source = str(authorizer.get("IdentitySource", "$request.header.Authorization"))
    if not source.startswith("$request.header."):
        raise ValueError(f"{name}: the local stack reads tokens from a header only, not {source}")
    jwt_config = authorizer["JwtConfiguration"]
    return AuthorizerConfig(
        name=name,
        header=source.removeprefix("$request.header.").lower(),
        issuer=names.resolve(jwt_config["issuer"]),
        audiences=tuple(names.resolve(audience) for audience in jwt_config["audience"]),
        token_validity_seconds=_id_token_validity(template),
    )


def _id_token_validity(template: Template) -> int:
    clients = template.resources_of("AWS::Cognito::UserPoolClient")
    props = next(iter(clients.values()), {}).get("Properties", {})
    value = int(props.get("IdTokenValidity", 60))
    unit = props.get("TokenValidityUnits", {}).get("IdToken", "hours")
    return value * {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}[unit]


def load_or_create_key(state_dir: Path) -> rsa.RSAPrivateKey:
    """The signing key under the state directory; the first process to write it wins a race."""
    path = state_dir / KEY_FILE
    if not path.exists():
        state_dir.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        descriptor, temporary = tempfile.mkstemp(dir=state_dir, prefix=".key-")
        try:
            os.write(descriptor, pem)
            os.close(descriptor)
            os.chmod(temporary, 0o600)
            with contextlib.suppress(FileExistsError):  # another process got there first: use its key
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, rsa.RSAPrivateKey):
        raise ValueError(f"{path} is not an RSA private key")
    return loaded


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def render_claims(claims: dict[str, Any]) -> dict[str, str]:
    """Claims as API Gateway hands them to the function: every value a string, arrays as ``[a b]``."""
    rendered: dict[str, str] = {}
    for name, value in claims.items():
        if isinstance(value, bool):
            rendered[name] = "true" if value else "false"
        elif isinstance(value, list):
            rendered[name] = "[" + " ".join(str(item) for item in value) + "]"
        elif isinstance(value, dict):
            rendered[name] = json.dumps(value, separators=(",", ":"))
        else:
            rendered[name] = str(value)
    return rendered


class LocalIssuer:
    def __init__(self, config: AuthorizerConfig, key: rsa.RSAPrivateKey):
        self.config = config
        self.key = key
        public = key.public_key().public_numbers()
        self.jwk = {"kty": "RSA", "alg": ALGORITHM, "use": "sig", "e": _b64(public.e), "n": _b64(public.n)}
        # RFC 7638 thumbprint: stable across restarts for the same key.
        required = {name: self.jwk[name] for name in ("e", "kty", "n")}
        canonical = json.dumps(required, separators=(",", ":"), sort_keys=True)
        self.kid = base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()
        self.jwk["kid"] = self.kid

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.jwk]}

    def issue(self, user: DemoUser, *, now: float | None = None, subject: str | None = None) -> str:
        """An ID token for the user. ``subject``: the Cognito ``sub`` of a login in the user pool, whose
        token names the app's user in ``custom:user_id`` (demo users have no login: ``sub`` names them)."""
        issued = int(now if now is not None else time.time())
        claims: dict[str, Any] = {
            "sub": subject or user.user_id,
            "cognito:username": subject or user.user_id,
            "email": user.email,
            "email_verified": True,
            "name": user.name,
            "custom:org_id": user.organisation_id,
            "custom:roles": ",".join(user.roles),
            "iss": self.config.issuer,
            "aud": self.config.audiences[0],
            "token_use": "id",  # nosec B105 # a claim value, not a secret
            "auth_time": issued,
            "iat": issued,
            "exp": issued + self.config.token_validity_seconds,
            "jti": str(uuid.uuid4()),
        }
        if subject:
            claims["custom:user_id"] = user.user_id
        return jwt.encode(claims, self.key, algorithm=ALGORITHM, headers={"kid": self.kid})

    def verify(self, header_value: str | None) -> dict[str, Any]:
        """The token's claims, or AuthorizationFailed with what API Gateway would log as the reason."""
        if not header_value:
            raise AuthorizationFailed("no token")
        token = header_value.strip()
        # API Gateway accepts the token with or without the Bearer prefix.
        if token[:7].lower() == "bearer ":
            token = token[7:].strip()
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise AuthorizationFailed(f"malformed token: {error}") from None
        if header.get("alg") != ALGORITHM:
            raise AuthorizationFailed(f"unsupported signing algorithm {header.get('alg')!r}")
        if header.get("kid") != self.kid:
            raise AuthorizationFailed("the token was not signed by a key of the issuer")
        try:
            claims: dict[str, Any] = jwt.decode(
                token, self.key.public_key(), algorithms=[ALGORITHM], issuer=self.config.issuer,
                options={"verify_aud": False, "require": ["exp", "iss"]},
            )
        except jwt.ExpiredSignatureError:
            raise AuthorizationFailed("the token has expired") from None
        except jwt.PyJWTError as error:
            raise AuthorizationFailed(f"invalid token: {error}") from None
        audience = claims.get("aud", claims.get("client_id"))
        audiences = audience if isinstance(audience, list) else [audience]
        if not any(item in self.config.audiences for item in audiences):
            raise AuthorizationFailed("the token's audience is not this API's")
        return claims


def scopes_of(claims: dict[str, Any]) -> list[str] | None:
    scope = claims.get("scope")
    return str(scope).split() if scope else None


def require_scopes(claims: dict[str, Any], wanted: tuple[str, ...]) -> None:
    if wanted and not set(scopes_of(claims) or ()) & set(wanted):
        raise ScopeMissing(f"the route needs one of the scopes {', '.join(wanted)}")

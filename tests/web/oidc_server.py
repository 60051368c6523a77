"""A small OpenID Connect provider for the tests, on the loopback: the authorization endpoint (a user
« signs in » by the login given in the query, the browser is sent back with a one-time code), the token
endpoint (checks the code, the client's id and secret, the redirect URI and the PKCE verifier, and issues
an ID token signed RS256 with its key, or HS256 with the client secret), the JWKS (the public key), the
userinfo endpoint (Bearer access token) and an end-session endpoint that records its calls. Real HTTP,
real JWTs (PyJWT, an RSA key made by cryptography): mozilla-django-oidc talks to it as to a university's.

Knobs for the refusal tests: ``forge`` (sign with a key that is not in the JWKS, same key id), ``expired``
(``exp`` an hour ago), ``audience`` (another client), ``nonce`` (another nonce), ``userinfo_sub`` (a
userinfo answer about someone else), ``algorithm`` (HS256 with the client secret)."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID, CLIENT_SECRET = "delibe-essai", "secret-du-client-oidc-pour-les-tests-0123456789"
KID = "cle-1"


class OidcProvider:
    def __init__(self, accounts: dict[str, dict[str, Any]]) -> None:
        self.accounts = accounts  # login -> claims (sub, email, …)
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.codes: dict[str, dict[str, Any]] = {}  # one-time codes
        self.tokens: dict[str, str] = {}  # access token -> login
        self.token_requests: list[dict[str, str]] = []
        self.logouts: list[dict[str, str]] = []
        self.forge = self.expired = False
        self.audience = CLIENT_ID
        self.nonce: str | None = None
        self.userinfo_sub: str | None = None
        self.algorithm = "RS256"
        self.lock = threading.Lock()
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # quiet
                pass

            def _send(self, code: int, body: Any, headers: dict[str, str] | None = None) -> None:
                data = (json.dumps(body) if not isinstance(body, str) else body).encode("utf-8")
                self.send_response(code)
                for k, v in {"Content-Type": "application/json", **(headers or {})}.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # http.server's hook
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                if url.path == "/authorize":
                    self._send(*provider.authorize(query))
                elif url.path == "/jwks":
                    self._send(200, provider.jwks())
                elif url.path == "/userinfo":
                    self._send(*provider.userinfo(self.headers.get("Authorization", "")))
                elif url.path == "/logout":
                    provider.logouts.append(query)
                    self._send(200, "<p>Déconnecté</p>", {"Content-Type": "text/html"})
                else:
                    self._send(404, {"error": "not_found"})

            def do_POST(self) -> None:  # http.server's hook
                length = int(self.headers.get("Content-Length", 0))
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                if urllib.parse.urlsplit(self.path).path == "/token":
                    self._send(*provider.token(form))
                else:
                    self._send(404, {"error": "not_found"})

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> OidcProvider:  # noqa: PYI034 — a plain class, not subclassed
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # --- endpoints ----------------------------------------------------------------------------------

    def authorize(self, query: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        login = query.get("login_hint", "")
        if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code" or login not in self.accounts:
            return 400, {"error": "invalid_request"}, {}
        code = secrets.token_urlsafe(16)
        with self.lock:
            self.codes[code] = {"login": login, "nonce": query.get("nonce"), "redirect_uri": query["redirect_uri"],
                                "challenge": query.get("code_challenge")}
        back = f"{query['redirect_uri']}?{urllib.parse.urlencode({'code': code, 'state': query['state']})}"
        return 302, "", {"Location": back}

    def token(self, form: dict[str, str]) -> tuple[int, Any]:
        self.token_requests.append(form)
        with self.lock:
            grant = self.codes.pop(form.get("code", ""), None)  # a code serves once
        if grant is None or form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return 400, {"error": "invalid_grant"}
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri"}
        if grant["challenge"]:
            digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["challenge"]:
                return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        access = secrets.token_urlsafe(16)
        self.tokens[access] = grant["login"]
        return 200, {"access_token": access, "token_type": "Bearer", "expires_in": 300,
                     "id_token": self.id_token(grant["login"], grant["nonce"])}

    def id_token(self, login: str, nonce: str | None) -> str:
        now = int(time.time()) - (7200 if self.expired else 0)
        claims = {**self.accounts[login], "iss": self.url, "aud": self.audience, "iat": now, "exp": now + 300,
                  "nonce": self.nonce if self.nonce is not None else nonce}
        if self.algorithm == "HS256":
            return jwt.encode(claims, CLIENT_SECRET, algorithm="HS256")
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048) if self.forge else self.key
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": KID})

    def jwks(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**public, "kid": KID, "alg": "RS256", "use": "sig"}]}

    def userinfo(self, authorization: str) -> tuple[int, Any]:
        login = self.tokens.get(authorization.removeprefix("Bearer "))
        if login is None:
            return 401, {"error": "invalid_token"}
        claims = dict(self.accounts[login])
        if self.userinfo_sub is not None:
            claims["sub"] = self.userinfo_sub
        return 200, claims

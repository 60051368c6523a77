"""A small CAS 3.0 server for the tests, on the loopback: a login form that issues service tickets, the
``p3/serviceValidate`` endpoint that validates each ticket once for its service (success with the login
and attributes, or INVALID_TICKET / INVALID_SERVICE), and the SAML ``logoutRequest`` a CAS server posts
to a service for single sign-out. Real HTTP, real XML: django-cas-ng talks to it as to a university's."""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

PASSWORD = "mot-de-passe-universite"


class CasServer:
    def __init__(self, accounts: dict[str, dict[str, str]]) -> None:
        self.accounts = accounts  # login -> attributes
        self.tickets: dict[str, tuple[str, str]] = {}  # ticket -> (login, service), removed once validated
        self.validations: list[tuple[str, bool]] = []
        self.logouts: list[str] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # quiet
                pass

            def _send(self, code: int, body: str, headers: dict[str, str] | None = None) -> None:
                data = body.encode("utf-8")
                self.send_response(code)
                for k, v in {"Content-Type": "text/xml; charset=utf-8", **(headers or {})}.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # http.server's hook
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                if url.path == "/cas/login":
                    self._send(200, "<html><body><form method='post'>login</form></body></html>",
                               {"Content-Type": "text/html"})
                elif url.path == "/cas/p3/serviceValidate":
                    self._send(200, server.validate(query.get("ticket", ""), query.get("service", "")))
                elif url.path == "/cas/logout":
                    server.logouts.append(query.get("service", ""))
                    self._send(200, "<html><body>Déconnecté du CAS</body></html>", {"Content-Type": "text/html"})
                else:
                    self._send(404, "")

            def do_POST(self) -> None:  # http.server's hook
                url = urllib.parse.urlsplit(self.path)
                length = int(self.headers.get("Content-Length", 0))
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                service = dict(urllib.parse.parse_qsl(url.query)).get("service", "")
                if url.path != "/cas/login":
                    self._send(404, "")
                    return
                login = form.get("username", "")
                if form.get("password") != PASSWORD or login not in server.accounts:
                    self._send(401, "<html><body>Identifiant ou mot de passe incorrect</body></html>",
                               {"Content-Type": "text/html"})
                    return
                ticket = server.issue(login, service)
                sep = "&" if "?" in service else "?"
                self._send(302, "", {"Location": f"{service}{sep}ticket={ticket}"})

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/cas/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> CasServer:  # noqa: PYI034 — a plain class, not subclassed
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def issue(self, login: str, service: str) -> str:
        ticket = f"ST-{secrets.token_hex(12)}"
        with self.lock:
            self.tickets[ticket] = (login, service)
        return ticket

    def validate(self, ticket: str, service: str) -> str:
        with self.lock:
            found = self.tickets.pop(ticket, None)  # a ticket serves once
        ok = found is not None and found[1] == service
        self.validations.append((ticket, ok))
        ns = "http://www.yale.edu/tp/cas"
        if found is None:
            return (f"<cas:serviceResponse xmlns:cas='{ns}'><cas:authenticationFailure code='INVALID_TICKET'>"
                    f"Ticket {escape(ticket)} not recognized</cas:authenticationFailure></cas:serviceResponse>")
        if not ok:
            return (f"<cas:serviceResponse xmlns:cas='{ns}'><cas:authenticationFailure code='INVALID_SERVICE'>"
                    f"Service mismatch</cas:authenticationFailure></cas:serviceResponse>")
        login = found[0]
        attributes = "".join(f"<cas:{k}>{escape(v)}</cas:{k}>" for k, v in self.accounts[login].items())
        return (f"<cas:serviceResponse xmlns:cas='{ns}'><cas:authenticationSuccess><cas:user>{escape(login)}"
                f"</cas:user><cas:attributes>{attributes}</cas:attributes></cas:authenticationSuccess>"
                f"</cas:serviceResponse>")

    @staticmethod
    def logout_request(ticket: str) -> str:
        """The SAML 2 LogoutRequest a CAS server posts to each service of a session that ends."""
        now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return ('<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
                'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" '
                f'ID="LR-{secrets.token_hex(8)}" Version="2.0" IssueInstant="{now}">'
                '<saml:NameID>@NOT_USED@</saml:NameID>'
                f'<samlp:SessionIndex>{ticket}</samlp:SessionIndex></samlp:LogoutRequest>')

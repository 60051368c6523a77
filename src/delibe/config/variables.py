"""Every environment variable Délibé reads, declared once: name, type, default, what it does.

The settings modules (``settings/base.py``, ``settings/prod.py``) read them through ``value()``, and set
the Django setting of the same name where the code reads one (``settings.DELIBE_LOGIN_WINDOW``…), so a
test may still override them with ``override_settings``. docs/deployment.md holds the table
``markdown_table()`` gives (tests/test_settings_registry.py checks that they agree; ``pytest
--update-goldens`` rewrites it).

The formation loader reads ``DELIBE_FORMATIONS_DIR`` itself (it runs without Django: ``delibe formation``,
``delibe simulate``); it is declared here all the same. Variables of the test suite (DELIBE_SKIP_BROWSER,
DELIBE_FUZZ_EXAMPLES, DELIBE_CHROMIUM, DELIBE_WRITE_DOCS) configure the tests, not Délibé: see the tests that read them.

Plain Python (no Django import): a malformed value raises ``VariableError`` with a French message that
names the variable.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KINDS = ("texte", "entier", "booléen", "chemin", "liste")
TRUE, FALSE = ("1", "true", "oui", "yes", "on"), ("0", "false", "non", "no", "off", "")


class VariableError(ValueError):
    """An environment variable with a value of the wrong kind."""


@dataclass(frozen=True)
class Variable:
    name: str
    kind: str  # one of KINDS
    default: str | None  # as written in the environment; {VAR_DIR} and {PROJECT_DIR} are replaced; None: none
    doc: str
    prod_default: str | None = None  # the default of settings.prod when it differs
    required_in_prod: bool = False
    prod_only: bool = False  # read by settings.prod only

    def parse(self, raw: str) -> Any:
        text = raw.strip()
        if self.kind == "entier":
            try:
                return int(text)
            except ValueError:
                raise VariableError(f"{self.name}={raw!r} : attendu un nombre entier.") from None
        if self.kind == "booléen":
            if text.lower() in TRUE:
                return True
            if text.lower() in FALSE:
                return False
            raise VariableError(f"{self.name}={raw!r} : attendu 1 (oui) ou 0 (non).")
        if self.kind == "chemin":
            return Path(text)
        if self.kind == "liste":
            return [item.strip() for item in text.split(",") if item.strip()]
        return text


VARIABLES: tuple[Variable, ...] = (
    Variable("DELIBE_SECRET_KEY", "texte", "dev-only-insecure-key-change-me",
             "Django's secret key (sessions, CSRF); at least 50 characters in production, the same on every "
             "server: `python -c 'import secrets; print(secrets.token_urlsafe(64))'`.", required_in_prod=True),
    Variable("DELIBE_ALLOWED_HOSTS", "liste", "127.0.0.1,localhost",
             "The host names the site answers to, comma-separated; `CSRF_TRUSTED_ORIGINS` is derived from them.",
             required_in_prod=True),
    Variable("DATABASE_URL", "texte", "sqlite:///{VAR_DIR}/delibe.sqlite3",
             "The database (`postgres://user:password@host:5432/delibe` in production), read by dj-database-url."),
    Variable("DELIBE_DB_CONN_MAX_AGE", "entier", "0",
             "Seconds a database connection is kept between requests (0 with `delibe serve`, which opens a "
             "thread per request; 60 under gunicorn).", prod_default="60"),
    Variable("DELIBE_VAR_DIR", "chemin", "{PROJECT_DIR}/var",
             "The data folder: SQLite database, proofs of absence, document batches, static files by default."),
    Variable("DELIBE_STATIC_ROOT", "chemin", "{VAR_DIR}/static",
             "Where `delibe manage collectstatic` puts the static files that nginx serves."),
    Variable("DELIBE_FORMATIONS_DIR", "chemin", "{PROJECT_DIR}/formations",
             "Where formation ids are looked up (`<id>.yaml`)."),
    Variable("DELIBE_DOCUMENTS_DIR", "chemin", "{VAR_DIR}/documents",
             "Where document batches are written (`lots/`). Department settings live in the database "
             "(page « Réglages du département »; `delibe documents importer-reglages` imports a former "
             "`<code>.yaml`)."),
    Variable("DELIBE_DOCUMENTS_WORKERS", "entier", None,
             "Processes rendering a document batch (default: 2, or 1 on a single-processor machine)."),
    Variable("DELIBE_PDF_MOTEUR", "texte", "typst",
             "The engine printing the PDF documents: `typst` (PDF/A-2b, about ten times faster) or `weasyprint` "
             "(the previous engine, kept as a fallback; docs/adr/0013-typst-documents.md)."),
    Variable("DELIBE_WORKER_STALE_SECONDS", "entier", "20",
             "Seconds without a heartbeat after which a `delibe worker` is taken for dead and its task is given "
             "back to the queue (docs/adr/0014-tasks-framework.md)."),
    Variable("DELIBE_PLANIFICATION", "booléen", "1",
             "1: each `delibe worker` enqueues the scheduled tasks when due (monthly attendance reports, nightly "
             "absence alerts; docs/adr/0015-scheduled-tasks.md); 0: only `delibe planifier` (cron) does."),
    Variable("DELIBE_SAUVEGARDE_DOSSIER", "chemin", None,
             "A folder where the workers write each department's JSON backup every night from 03:00 (the task "
             "`sauvegarde-departements`, `<CODE>/delibe-departement-<CODE>-<date>.json`, the format of `delibe "
             "departement export`); unset: no such task (the database backup is `delibe backup`, § 7)."),
    Variable("DELIBE_SAUVEGARDE_GARDER", "entier", "14",
             "How many nightly backups of each department the task keeps (the older ones are removed)."),
    Variable("DELIBE_RETOURS_BOITE", "chemin", None,
             "An mbox file or a Maildir folder where the bounces of Délibé's e-mails arrive: the workers read it "
             "every hour (the task `retours-courriels`, as `delibe courriels retours`); unset: no such task."),
    Variable("DELIBE_EMAIL_BACKEND", "texte", "django.core.mail.backends.smtp.EmailBackend",
             "Django e-mail backend. `make demo` (settings.dev) keeps the messages in a mailbox page instead "
             "(`delibe.web.mail.backends.MailboxBackend`) unless this is set."),
    Variable("DELIBE_EMAIL_HOST", "texte", "localhost", "SMTP server that sends Délibé's e-mails."),
    Variable("DELIBE_EMAIL_PORT", "entier", "25", "Its port (587 with STARTTLS)."),
    Variable("DELIBE_EMAIL_USER", "texte", "", "SMTP login (empty: none)."),
    Variable("DELIBE_EMAIL_PASSWORD", "texte", "", "SMTP password."),
    Variable("DELIBE_EMAIL_STARTTLS", "booléen", "0", "1: STARTTLS to the SMTP server."),
    Variable("DELIBE_EMAIL_FROM", "texte", "Délibé <ne-pas-repondre@localhost>",
             "Sender of every e-mail (results, password reset) unless the department's settings name one."),
    Variable("DELIBE_EMAIL_REPLY_TO", "texte", "", "Reply-To of the e-mails (e.g. the scolarité's address) unless the department's settings name one."),
    Variable("DELIBE_CAS_SERVER_URL", "texte", "",
             "The university's CAS server (e.g. `https://cas.univ.example.fr/cas/`); empty: no CAS sign-in."),
    Variable("DELIBE_CAS_VERSION", "texte", "3", "CAS protocol version: 2 or 3."),
    Variable("DELIBE_OIDC_CLIENT_ID", "texte", "",
             "Délibé's client id at the university's OpenID Connect provider; empty: no OpenID Connect sign-in."),
    Variable("DELIBE_OIDC_CLIENT_SECRET", "texte", "", "Its client secret (also the key of HS256 ID tokens)."),
    Variable("DELIBE_OIDC_AUTHORIZATION_URL", "texte", "",
             "The provider's `authorization_endpoint` (from its `/.well-known/openid-configuration`)."),
    Variable("DELIBE_OIDC_TOKEN_URL", "texte", "", "The provider's `token_endpoint`."),
    Variable("DELIBE_OIDC_USERINFO_URL", "texte", "", "The provider's `userinfo_endpoint`."),
    Variable("DELIBE_OIDC_JWKS_URL", "texte", "", "The provider's `jwks_uri` (the keys of RS256/ES256 ID tokens)."),
    Variable("DELIBE_OIDC_ISSUER", "texte", "", "The provider's `issuer`: when set, the ID token's `iss` must be it."),
    Variable("DELIBE_OIDC_LOGOUT_URL", "texte", "",
             "The provider's `end_session_endpoint`: signing out of Délibé then signs out there too; empty: "
             "Délibé's session only."),
    Variable("DELIBE_OIDC_SIGN_ALGO", "texte", "RS256", "The ID tokens' signature algorithm (RS256, ES256 or HS256)."),
    Variable("DELIBE_OIDC_CLAIM", "texte", "sub",
             "The claim matched against each account's OpenID Connect identifier (`sub`, compared exactly; or "
             "`email`, `preferred_username`…, compared without case)."),
    Variable("DELIBE_LOCAL_LOGIN", "booléen", "1",
             "1: every account may also sign in with a local password; 0: only administrators (the others "
             "through CAS or OpenID Connect)."),
    Variable("DELIBE_MAX_UPLOAD_BYTES", "entier", "5242880",
             "Largest file accepted in an upload (grades, students, maquettes, proofs), in bytes."),
    Variable("DELIBE_PHOTOS_DIR", "chemin", "{VAR_DIR}/photos",
             "Students' photos (personal data): outside the static files, served only to the staff of the "
             "student's department."),
    Variable("DELIBE_MAX_PHOTOS_BYTES", "entier", "52428800",
             "Largest zip of photos accepted by the photos import, in bytes (the other uploads keep "
             "`DELIBE_MAX_UPLOAD_BYTES`)."),
    Variable("DELIBE_LOGIN_MAX_FAILURES", "entier", "10",
             "Failed logins allowed within the window for one account (whatever the address) or from one "
             "address (whatever the account), before HTTP 429 (django-axes)."),
    Variable("DELIBE_LOGIN_WINDOW", "entier", "900", "The login-throttling window, in seconds."),
    Variable("DELIBE_CLIENT_IP_HEADER", "texte", "",
             "The request header holding the client's address, set by the proxy (empty: the connection's "
             "address).", prod_default="HTTP_X_REAL_IP"),
    Variable("DELIBE_SSL_REDIRECT", "booléen", "1", "Redirect plain HTTP to HTTPS.", prod_only=True),
    Variable("DELIBE_HSTS_SECONDS", "entier", "31536000", "HSTS duration, in seconds (one year).", prod_only=True),
    Variable("DELIBE_HSTS_PRELOAD", "booléen", "0",
             "Ask browsers to preload HTTPS for the whole domain (the university's decision).", prod_only=True),
    Variable("DELIBE_SESSION_SECONDS", "entier", "28800", "Session length, in seconds (one working day).",
             prod_only=True),
    Variable("DELIBE_LOG_LEVEL", "texte", "WARNING", "Level of the logs written to stderr.", prod_only=True),
)
BY_NAME: Mapping[str, Variable] = {v.name: v for v in VARIABLES}


def value(name: str, *, prod: bool = False, environ: Mapping[str, str] | None = None, **context: Path) -> Any:
    """The value of ``name``: from the environment, else its default (``prod``: the production default);
    ``context`` fills ``{VAR_DIR}`` and ``{PROJECT_DIR}`` in defaults. None when unset without default."""
    variable = BY_NAME[name]
    env = os.environ if environ is None else environ
    raw = env.get(name)
    if raw is None:
        raw = variable.prod_default if prod and variable.prod_default is not None else variable.default
        if raw is None:
            return None
        raw = raw.format(**{k: str(v) for k, v in context.items()})
    return variable.parse(raw)


def markdown_table() -> str:
    """The table of docs/deployment.md."""
    lines = ["| variable | type | default | production | what it does |", "|---|---|---|---|---|"]
    for v in VARIABLES:
        default = "—" if v.prod_only or v.default is None else f"`{v.default}`" if v.default else "(empty)"
        prod = ("**required**" if v.required_in_prod else f"`{v.prod_default}`" if v.prod_default is not None
                else f"`{v.default}`" if v.prod_only else "same")
        lines.append(f"| `{v.name}` | {v.kind} | {default} | {prod} | {v.doc} |")
    return "\n".join(lines) + "\n"

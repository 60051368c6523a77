"""The closing hostile-input pass of issue 19: every form, every upload and every API write, attacked by a
signed-in user of each role. Never a 500 (nor an exception escaping the view), never a write without the
success message that announces it (nothing half-written), and a bounded cost per request.

What is attacked (enumerated from the URL confs, not by hand: ``_routes()`` walks ``delibe.config.urls``;
``_api_writes()`` reads the API's OpenAPI document; the lists below are the ones at the time of writing):

Web forms (POST views): 104 addresses in the URL confs, 74 whose view reads a form or a file; the writes:
    /connexion/, /deconnexion/, /mot-de-passe/oublie/, /mot-de-passe/nouveau/<uidb64>/<token>/,
    /cas/connexion/, /invitation/<uidb64>/<token>/,
    /semestres/<pk>/evaluations/nouvelle/, /evaluations/<pk>/modifier/, /evaluations/<pk>/supprimer/,
    /evaluations/<pk>/note/ (JSON of the grid), /evaluations/<pk>/remplir/,
    /evaluations/<pk>/import/ (upload XLSX), /evaluations/<pk>/import/confirmer/,
    /semestres/<pk>/jury/etudiants/<student>/, /semestres/<pk>/jury/etudiants/<student>/motifs/,
    /semestres/<pk>/jury/propositions/, /semestres/<pk>/jury/cloture/, /semestres/<pk>/publication/,
    /departements/<pk>/annees/nouvelle/, /departements/<pk>/annees/copie/,
    /departements/<pk>/annees/<label>/archivage/, /departements/<pk>/annees/<label>/passage/,
    /departements/<pk>/annees/<label>/passage/annuler/,
    /etudiants/<pk>/gerer/, /etudiants/<pk>/contrat/, /etudiants/<pk>/inscriptions/<e>/etat/,
    /etudiants/<pk>/inscriptions/<e>/desinscrire/, /etudiants/<pk>/inscriptions/<e>/parcours/,
    /semestres/<pk>/demissions/, /semestres/<pk>/etudiants/ajouter/,
    /semestres/<pk>/groupes/, /etudiants/<pk>/semestres/<run>/groupes/,
    /departements/<pk>/photos/ (upload zip of photos),
    /documents/semestres/<pk>/lots/,
    /personnes/, /personnes/<pk>/, /personnes/<pk>/roles/<m>/retirer/, /personnes/<pk>/activation/,
    /personnes/<pk>/invitation/, /semestres/<pk>/enseignements/, /departements/<pk>/reglages/,
    /departements/nouveau/, /departements/<pk>/formations/import/ (upload YAML/XML),
    /departements/<pk>/formations/import/confirmer/,
    /semestres/<pk>/etudiants/import/ (upload CSV/XLSX), /semestres/<pk>/etudiants/import/confirmer/,
    /journal/evaluations/<pk>/annuler/, /journal/semestres/<pk>/reouvrir/,
    /assiduite/semestres/<pk>/appel/, /assiduite/semestres/<pk>/import/ (upload CSV),
    /assiduite/justificatifs/ (upload of a proof), /assiduite/mon-justificatif/ (upload of a proof),
    /courriels/semestres/<pk>/ (preview), /courriels/semestres/<pk>/essai/, /courriels/semestres/<pk>/envoyer/,
    /courriels/envois/<pk>/relancer/, /courriels/departements/<pk>/ (addresses, schedule),
    /courriels/departements/<pk>/rapports/essai/, /courriels/departements/<pk>/rapports/envoyer/,
    /courriels/departements/<pk>/alertes/, /courriels/departements/<pk>/alertes/essai/
    (every other address of the URL confs is attacked too, by POST: a read-only view must answer 405 or
    its page, never a 500).

Uploads (8 file fields): grade sheet XLSX, students import CSV/XLSX, absences CSV, formation/référentiel
import, photos zip, justification proof (secretariat and student), each fed every hostile file below.

API writes (from /api/openapi.json, 28 operations): POST/PUT/PATCH/DELETE on départements (création,
formations, réglages), années (semestres, copie, archivage, passage, annulation), étudiants (modification,
état, désinscription, inscription, parcours, démissions), comptes (création, invitation, activation, rôles),
évaluations (modification, suppression, note, lot de notes, création), enseignants, jury (décisions,
propositions, clôture).

Run whole (each field alone, about 40 minutes here): ``HOSTILE_PASS=complet pytest tests/web/test_hostile_pass.py``;
the suite runs it lighter (every field at once, and the files). ``HOSTILE_LOG=<file>`` writes the findings as
they come, ``HOSTILE_ONLY=<part of an address>`` narrows the pass.

Attack kinds (web, per form): the form as the page fills it (sent twice: a duplicate submission), no field
at all, every visible field set to one of ``VALUES`` (numbers 1e400, 1e308, -0, NaN, Infinity, -1, 2**80;
a 1 MB string; control characters and NUL; non-UTF-8 bytes; dates 0000-00-00, 9999-12-31, 2024-02-30;
unknown ids and ids of another department), then each field alone set to each short value; every file
field fed ``FILES`` (empty, wrong type, truncated workbook, zip bomb, XML entity bomb, 100,000 shared
strings, 100,000 CSV columns, non-UTF-8 CSV, a PNG whose header says 60,000 × 60,000, a zip of it, a
NUL-filled file). Roles: admin, scolarité, responsable, enseignant, président, étudiant, and the scolarité of
another department. API: each body property set to each JSON value of ``JSON_VALUES`` (as raw JSON text,
so that 1e400, NaN and Infinity reach the parser), a non-UTF-8 body, an empty body, with an admin token and
a teacher's token.
"""

from __future__ import annotations

import functools
import inspect
import io
import os
import re
import struct
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.messages import constants as message_levels
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.trust import bombs

CPU_LIMIT = 5.0  # seconds of CPU for one request: generous, catches only unbounded costs
COSTS: list[tuple[float, str]] = []  # (seconds, what): the worst are printed at the end of the module

ROLES = ["admin", "scolarite", "responsable", "enseignant", "president", "etudiant", "autre"]
# tables a refused request may still write: sessions, throttle counters, the audit of refusals, task queue
IGNORED_TABLES = ("django_session", "axes_", "delibe_auditevent", "django_tasks", "django_admin_log")

MB = "x" * (1024 * 1024)
VALUES: list[str | bytes] = [
    "1e400", "1e308", "-0", "NaN", "Infinity", "-1", str(2 ** 80), MB, "a\x00b\x01\x1f\x7f", b"\xff\xfe\xc3(",
    "0000-00-00", "9999-12-31", "2024-02-30", "999999999", "",
]
SHORT_VALUES = ["1e400", "NaN", "-1", str(2 ** 80), "a\x00b", b"\xff\xfe", "2024-02-30", "999999999", ""]


# --- hostile files -------------------------------------------------------------------------------------

def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0\0\0\0")) + chunk(b"IEND", b""))


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@functools.cache
def hostile_files() -> dict[str, tuple[str, bytes]]:
    """name of the attack -> (file name, content)."""
    good = bombs.distinct_shared_strings(3)
    huge_png = _png(60_000, 60_000)
    return {
        "vide": ("vide.xlsx", b""),
        "mauvais type": ("notes.xlsx", b"%PDF-1.4\n1 0 obj<<>>endobj\n"),
        "classeur tronqué": ("notes.xlsx", good[: len(good) // 2]),
        "bombe zip": ("notes.xlsx", bombs.zeros_member(100 * 1024 * 1024)),
        "bombe XML": ("notes.xlsx", bombs.entity_bomb()),
        "100 000 chaînes": ("notes.xlsx", bombs.distinct_shared_strings(100_000)),
        "CSV de 100 000 colonnes": ("liste.csv", (";".join(["a"] * 100_000) + "\n" + ";".join(["1"] * 100_000)).encode()),
        "CSV non UTF-8": ("liste.csv", b"nip;nom\n\xff\xfe;\xe9\xe8\x00\n"),
        "PNG 60000x60000": ("photo.png", huge_png),
        "zip de PNG 60000x60000": ("photos.zip", _zip({"1001.png": huge_png, "1002.jpg": huge_png})),
        "zip bombe de photos": ("photos.zip", bombs.zeros_member(100 * 1024 * 1024, name="1001.jpg")),
        "octets nuls": ("fichier.yaml", b"\x00" * 4096),
        "YAML bombe": ("formation.yaml", b"a: &a [" + b"x," * 10 + b"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
                       b"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
                       b"e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
                       b"g: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"),
    }


# --- the forms of a page -------------------------------------------------------------------------------

@dataclass
class Form:
    action: str
    fields: dict[str, str] = field(default_factory=dict)  # name -> default value
    hidden: set[str] = field(default_factory=set)
    files: set[str] = field(default_factory=set)
    choices: dict[str, list[str]] = field(default_factory=dict)


class _Forms(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url, self.forms, self.current = page_url, [], None
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self.current = Form(urljoin(self.page_url, a.get("action") or self.page_url))
            self.forms.append(self.current)
        form = self.current
        if form is None:
            return
        name = a.get("name", "")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = a.get("type", "text").lower()
            if kind == "file":
                form.files.add(name)
            elif kind in ("checkbox", "radio"):
                if "checked" in a or name not in form.fields:
                    form.fields[name] = a.get("value", "on")
                form.choices.setdefault(name, []).append(a.get("value", "on"))
            elif kind not in ("submit", "button", "image", "reset"):
                form.fields[name] = a.get("value", "")
                if kind == "hidden":
                    form.hidden.add(name)
        elif tag == "button" and name:
            form.fields.setdefault(name, a.get("value", ""))
            form.hidden.add(name)  # a named submit button chooses the action: kept as the page sends it
        elif tag == "textarea" and name:
            form.fields[name] = ""
        elif tag == "select" and name:
            self.select = name
            form.fields.setdefault(name, "")
        elif tag == "option" and self.select:
            form.choices.setdefault(self.select, []).append(a.get("value", ""))
            if "selected" in a or not form.fields.get(self.select):
                form.fields[self.select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


def forms_of(page_url: str, html: str) -> list[Form]:
    parser = _Forms(page_url)
    parser.feed(html)
    return [f for f in parser.forms if urlsplit(f.action).path.rstrip("/") not in ("/deconnexion", "")]


# --- the addresses -------------------------------------------------------------------------------------

def _routes() -> list[tuple[str, object]]:
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), p.callback
    only = os.environ.get("HOSTILE_ONLY", "")  # to repeat the pass on some addresses only
    return [(r, cb) for r, cb in walk(get_resolver().url_patterns)
            if not r.startswith(("admin/", "api/")) and not r.startswith("^") and only in r]


def _fill(route: str, ids: dict[str, object]) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(2)
        if name == "pk":
            head = route[: match.start()].strip("/").split("/")[-1]
            return str(ids.get(head, 999_999))
        return str(ids.get(name, "x"))
    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", one, route)


def _ids(world) -> dict[str, object]:
    from delibe.web.models import Enrolment, Membership

    return {"semestres": world.s1.pk, "evaluations": world.taught.pk, "departements": world.department.pk,
            "etudiants": world.alice.pk, "personnes": world.users["enseignant"].pk, "formations": world.version.pk,
            "envois": 999_999, "justificatifs": 999_999, "student_pk": world.alice.pk, "run_pk": world.s1.pk,
            "enrolment_pk": Enrolment.objects.get(student=world.alice, semester=world.s1).pk,
            "membership_pk": Membership.objects.get(user=world.users["enseignant"]).pk,
            "label": "2023-2024", "fmt": "pdf", "job_id": "0" * 32, "diplome": "BUT", "kind": "attestation",
            "uidb64": "MQ", "token": "x-y"}


def _foreign_ids(world) -> dict[str, object]:
    from delibe.web.models import Enrolment

    ids = _ids(world)
    ids.update({"semestres": world.other_run.pk, "departements": world.other_department.pk,
                "etudiants": world.other_student.pk, "student_pk": world.other_student.pk,
                "run_pk": world.other_run.pk, "formations": world.other_run.formation_id,
                "personnes": world.users["autre"].pk,
                "enrolment_pk": Enrolment.objects.get(student=world.other_student).pk})
    return ids


def _post_names(callback) -> set[str] | None:
    """Field names a view reads from ``request.POST``/``FILES`` (for forms no page shows to this role);
    None for a view that reads no POST at all."""
    target = inspect.unwrap(getattr(callback, "view_class", None) or callback)
    try:
        source = inspect.getsource(target)
    except (OSError, TypeError):
        return None
    if "POST" not in source and "FILES" not in source and "post" not in source and "form" not in source.lower():
        return None
    return set(re.findall(r"request\.(?:POST|FILES)(?:\.get(?:list)?\(|\[)\"(\w+)\"", source))


# --- the checks ----------------------------------------------------------------------------------------

@functools.cache
def _tables() -> tuple[str, ...]:
    from django.apps import apps

    return tuple(sorted({m._meta.db_table for m in apps.get_models()
                         if not m._meta.proxy and not m._meta.db_table.startswith(IGNORED_TABLES)}))


def _counts() -> dict[str, int]:
    """The number of rows of every table, in one query."""
    from django.db import connection

    tables = _tables()
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})"
                                              for t in tables))
        return dict(zip(tables, cursor.fetchone(), strict=True))


def _huge_texts(tables) -> list[str]:
    """The text columns of ``tables`` holding a value longer than 100,000 characters (a 1 MB field accepted
    as it came)."""
    from django.apps import apps
    from django.db import connection, models

    out = []
    by_table = {m._meta.db_table: m for m in apps.get_models()}
    with connection.cursor() as cursor:
        for table in tables:
            model = by_table.get(table)
            for f in model._meta.concrete_fields if model else ():
                if isinstance(f, (models.CharField, models.TextField)):
                    column = connection.ops.quote_name(f.column)
                    cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} WHERE LENGTH({column}) > 100000 "
                                   "LIMIT 1")
                    if cursor.fetchone():
                        out.append(f"{table}.{f.column}")
    return out


def _succeeded(response) -> bool:
    from django.contrib.messages import get_messages

    request = getattr(response, "wsgi_request", None)
    if request is None:
        return False
    levels = [m.level for m in get_messages(request)]
    return message_levels.SUCCESS in levels or message_levels.INFO in levels


@dataclass
class Finding:
    what: str
    problem: str


class Findings(list):
    """The findings, also written as they come to the file named by $HOSTILE_LOG (a long pass can be read
    while it runs)."""

    def append(self, finding: Finding) -> None:
        super().append(finding)
        if os.environ.get("HOSTILE_LOG"):
            with open(os.environ["HOSTILE_LOG"], "a", encoding="utf-8") as log:
                log.write(f"{finding.problem[:300]!r}  <-  {finding.what[:200]!r}\n")


def _send(client, url: str, data: dict, what: str, findings: list[Finding], *, check_writes: bool = True,
          content_type: str | None = None) -> None:
    before = _counts() if check_writes else {}
    start = time.process_time()
    try:
        if content_type:
            response = client.post(url, data=data, content_type=content_type)
        else:
            response = client.post(url, data=data)
    except Exception as error:  # noqa: BLE001 (the finding is the exception itself)
        findings.append(Finding(what, f"exception {type(error).__name__}: {str(error)[:200]}"))
        return
    cost = time.process_time() - start
    COSTS.append((cost, what))
    if response.status_code >= 500:
        findings.append(Finding(what, f"HTTP {response.status_code}"))
    if cost > CPU_LIMIT:
        findings.append(Finding(what, f"{cost:.1f} s de CPU"))
    if check_writes and response.status_code != 500:
        after = _counts()
        changed = {t: (before[t], after[t]) for t in before if before[t] != after.get(t)}
        if changed and not (response.status_code in (200, 302, 303) and _succeeded(response)):
            findings.append(Finding(what, f"écrit sans succès annoncé (HTTP {response.status_code}): {changed}"))
        elif changed:
            huge = _huge_texts(changed)
            if huge:
                findings.append(Finding(what, f"accepté et stocké : un texte de plus de 100 000 caractères dans {huge}"))


# --- the web pass --------------------------------------------------------------------------------------

def _forms_for(client, world, ids) -> dict[str, Form]:
    """The forms the role's pages show, plus a blind form for every address (fields read by its view)."""
    found: dict[tuple[str, frozenset[str]], Form] = {}
    blinds: list[Form] = []
    blind_only: list[str] = []
    for route, callback in _routes():
        url = _fill(route, ids)
        try:
            page = client.get(url)
        except Exception:  # noqa: BLE001 (GETs are not the subject here; the pass of pages covers them)
            page = None
        if page is not None and page.status_code == 200 and "html" in page.get("Content-Type", ""):
            for form in forms_of(url, page.content.decode()):
                key = (urlsplit(form.action).path, frozenset(form.hidden | form.files | set(form.fields)))
                found.setdefault(key, form)
        names = _post_names(callback)
        if names is None:
            blind_only.append(url)
            continue
        blind = Form(url)
        for name in names:
            blind.fields[name] = ""
        blinds.append(blind)
    actions = {urlsplit(f.action).path for f in found.values()}
    for blind in blinds:  # a blind form where no page shows one
        if urlsplit(blind.action).path not in actions:
            found[(blind.action, frozenset(("blind",)))] = blind
    for url in blind_only:  # a view that reads nothing: one empty POST
        found[(url, frozenset(("read-only",)))] = Form(url, hidden={"read-only"})
    return {f"{urlsplit(f.action).path} {sorted(k[1])[:4]}": f for k, f in found.items()}


def _attacks(form: Form, depth: str) -> Iterator[tuple[str, dict]]:
    """``depth``: "champ" (each field alone too), "formulaire" (every field at once, and the files),
    "porte" (a few attacks: the role or the address should be refused before any parsing)."""
    if form.hidden == {"read-only"}:
        yield "aucun champ", {}
        return
    base = dict(form.fields)
    yield "le formulaire tel quel", base
    yield "le formulaire tel quel, envoyé deux fois", base
    yield "aucun champ", {}
    visible = [n for n in form.fields if n not in form.hidden]
    if depth == "porte":
        for value in ("1e400", "a\x00b", "999999999"):
            yield f"tous les champs, cachés compris = {value!r}", {n: value for n in form.fields}
        return
    for value in VALUES:
        label = repr(value)[:24]
        yield f"tous les champs = {label}", {**base, **{n: value for n in visible}}
        if value is not MB:
            yield f"tous les champs, cachés compris = {label}", {n: value for n in form.fields}
    for name in form.fields if depth == "champ" else ():
        for value in SHORT_VALUES:
            yield f"{name} = {repr(value)[:24]}", {**base, name: value}
        yield f"{name} = 1 Mo", {**base, name: MB}
    for name in form.files:
        for attack, (filename, content) in hostile_files().items():
            yield f"fichier {name} : {attack}", {**base, name: SimpleUploadedFile(filename, content)}


def _fresh(value):
    if isinstance(value, SimpleUploadedFile):
        value.seek(0)
        return SimpleUploadedFile(value.name, value.read())
    return value


def _pass(client, world, role: str, ids: dict[str, object], depth: str) -> list[Finding]:
    findings: list[Finding] = Findings()
    for key, form in _forms_for(client, world, ids).items():
        for attack, data in _attacks(form, depth):
            data = {k: _fresh(v) for k, v in data.items()}  # an upload is read once: a new one each time
            _send(client, form.action, data, f"{role} {key} : {attack}", findings)
    return findings


def _report(findings: list[Finding]) -> str:
    seen: dict[str, list[str]] = {}
    for f in findings:
        seen.setdefault(f.problem[:120], []).append(f.what)
    return "\n".join(f"{len(whats)}× {problem}\n    e.g. {whats[0]}" for problem, whats in seen.items())


# each field alone for the roles that hold the forms; every field at once for the others. The whole pass
# takes about 40 minutes on a loaded 2-core machine: by default (in the suite) every role gets the lighter
# « formulaire » depth (« porte » for another department's staff); HOSTILE_PASS=complet runs it whole.
COMPLETE = {"admin": "champ", "scolarite": "formulaire", "responsable": "formulaire", "enseignant": "champ",
            "president": "formulaire", "etudiant": "champ", "autre": "porte"}
DEPTH = COMPLETE if os.environ.get("HOSTILE_PASS") == "complet" else {
    role: "porte" if depth == "porte" else "formulaire" for role, depth in COMPLETE.items()}


@pytest.mark.parametrize("role", ROLES)
def test_no_form_of_any_page_breaks_under_hostile_values_for(world, login, documents_dir, role):
    findings = _pass(login(role), world, role, _ids(world), DEPTH[role])
    assert not findings, _report(findings)


@pytest.mark.parametrize("role", ["scolarite", "responsable", "admin"])
def test_no_form_breaks_when_its_address_names_another_departments_objects(world, login, documents_dir, role):
    client = login(role)
    findings = _pass(client, world, role, _foreign_ids(world), "porte")
    assert not findings, _report(findings)


def test_the_anonymous_visitor_breaks_no_form(world, client, documents_dir):
    findings = _pass(client, world, "anonyme", _ids(world), "porte")
    assert not findings, _report(findings)


def teardown_module() -> None:
    worst = sorted(COSTS, reverse=True)[:8]
    forms = {what.split(" : ", 1)[0] for _, what in COSTS}
    print(f"\nhostile pass: {len(COSTS)} requests on {len(forms)} (role, form) pairs, "
          f"CPU total {sum(c for c, _ in COSTS):.1f} s, median {sorted(COSTS)[len(COSTS) // 2][0] if COSTS else 0:.3f} s, "
          "worst:")
    for cost, what in worst:
        print(f"  {cost:.3f} s  {what[:150]}")


# --- the API pass --------------------------------------------------------------------------------------

JSON_VALUES = ["1e400", "1e308", "-0", "NaN", "Infinity", "-1", str(2 ** 80), "9" * 5000, f'"{MB}"',
               '"a\\u0000b\\u001f"', '"\\ud800"', '"0000-00-00"', '"9999-12-31"', '"2024-02-30"', "999999999",
               "null", "[]", "{}", "true", '""']
BODIES: list[bytes] = [b"", b"\xff\xfe{", b"[]", b"null", b'{"a": ', b"[" * 100_000, b"{}", b'"x"',
                       b'{"a": 1, "a": 2}']


def _api_writes() -> list[tuple[str, str, list[str]]]:
    """(method, path, body property names) of every write of the API, from its OpenAPI document."""
    from delibe.api.main import api

    schema = api.get_openapi_schema(path_prefix="/api")
    components = schema["components"]["schemas"]

    def properties(body: dict) -> list[str]:
        if "$ref" in body:
            return list(components[body["$ref"].rsplit("/", 1)[1]].get("properties", {}))
        return [p for option in body.get("anyOf", []) for p in properties(option)]

    out = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method in ("post", "put", "patch", "delete"):
                content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
                out.append((method.upper(), path, properties(content.get("schema", {}))))
    return out


def _api_path(path: str, world, foreign: bool = False) -> str:
    from delibe.web.models import Enrolment, Membership

    student = world.other_student if foreign else world.alice
    ids = {"semestres": (world.other_run if foreign else world.s1).pk, "evaluations": world.taught.pk,
           "etudiants": student.pk, "departements": (world.other_department if foreign else world.department).pk,
           "comptes": world.users["autre" if foreign else "enseignant"].pk}
    values = {"annee": "2023-2024", "module": "R1.01", "etudiant": student.pk,
              "inscription_id": Enrolment.objects.filter(student=student).first().pk,
              "role_id": Membership.objects.get(user=world.users["autre" if foreign else "enseignant"]).pk}

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "id":
            return str(ids[path[: match.start()].strip("/").split("/")[-1]])
        return str(values[name])
    return re.sub(r"\{(\w+)\}", one, path)


def _api_send(client, token: str, method: str, url: str, body: bytes, what: str, findings: list[Finding]) -> None:
    before = _counts()
    start = time.process_time()
    try:
        response = client.generic(method, url, data=body, content_type="application/json",
                                  HTTP_AUTHORIZATION=f"Bearer {token}")
    except Exception as error:  # noqa: BLE001 (the finding is the exception itself)
        findings.append(Finding(what, f"exception {type(error).__name__}: {str(error)[:200]}"))
        return
    cost = time.process_time() - start
    COSTS.append((cost, what))
    if response.status_code >= 500:
        findings.append(Finding(what, f"HTTP {response.status_code} {response.content[:200]!r}"))
    elif response.status_code >= 400:
        if "json" not in response.get("Content-Type", ""):
            findings.append(Finding(what, f"HTTP {response.status_code} sans corps JSON"))
        after = _counts()
        changed = {t: (before[t], after[t]) for t in before if before[t] != after.get(t)}
        if changed:
            findings.append(Finding(what, f"refusé (HTTP {response.status_code}) mais écrit : {changed}"))
    if cost > CPU_LIMIT:
        findings.append(Finding(what, f"{cost:.1f} s de CPU"))


def _api_attacks(properties: list[str]) -> Iterator[tuple[str, bytes]]:
    for body in BODIES:
        yield f"corps {body[:12]!r}", body
    for value in JSON_VALUES:
        label = value[:24]
        if properties:
            yield f"tous les champs = {label}", ("{" + ", ".join(f'"{p}": {value}' for p in properties) + "}").encode()
        for p in properties:
            yield f"{p} = {label}", ("{" + f'"{p}": {value}' + "}").encode()


@pytest.mark.parametrize("role,foreign", [("admin", False), ("scolarite", False), ("enseignant", False),
                                          ("scolarite", True)])
def test_no_api_write_breaks_under_hostile_json_for(world, client, documents_dir, role, foreign):
    from delibe.api.tokens import create_token

    _, token = create_token(username=role, name="hostile")
    findings: list[Finding] = Findings()
    for method, path, properties in _api_writes():
        url = _api_path(path, world, foreign)
        for attack, body in _api_attacks(properties):
            _api_send(client, token, method, url, body, f"{role} {method} {path} : {attack}", findings)
    assert not findings, _report(findings)


# --- the findings of the pass, each pinned where it was fixed ------------------------------------------

@pytest.mark.parametrize("module", ["x" * 1024 * 1024, "1e400", "R9.99", "a\x00b"])
def test_the_roll_call_refuses_a_module_the_semester_does_not_have(world, login, module):
    from django.contrib.messages import get_messages

    from delibe.web.assiduite.models import AbsenceRecord

    response = login("scolarite").post(f"/assiduite/semestres/{world.s1.pk}/appel/", {
        "groupe": "A", "module": module, "date": "2023-10-02", "creneau": "matin", "absent": [world.alice.pk]})
    assert response.status_code in (302, 400)
    assert not AbsenceRecord.objects.exists()
    if response.status_code == 302:
        assert any("Module « " in str(m) and "inconnu" in str(m) for m in get_messages(response.wsgi_request))


def _api_post(client, world, role: str, url: str, body: bytes):
    from delibe.api.tokens import create_token

    _, token = create_token(username=role, name="hostile")
    return client.generic("POST", url, data=body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.mark.parametrize("body", [b'{"nom": "\\ud800"}', b'{"email": "a\\udfff@b.fr"}', b'["\\ud83d"]',
                                  '{"nom": "\udc80"}'.encode("utf-8", "surrogatepass")])
def test_the_api_refuses_lone_surrogates_with_a_french_400_instead_of_a_500(world, client, body):
    from delibe.web.models import Student

    before = Student.objects.count()
    response = _api_post(client, world, "admin", "/api/v1/etudiants", body)
    assert response.status_code == 400 and "Corps de la requête illisible" in response.json()["detail"]
    assert Student.objects.count() == before


@pytest.mark.parametrize("path", ["/api/v1/semestres/{s1}/jury/decisions", "/api/v1/semestres/{s1}/demissions"])
def test_a_body_just_above_five_megabytes_is_a_french_413_from_the_api_not_a_500(world, client, path):
    from delibe.web.models import JuryDecision

    fields = {"decisions": ["etudiant", "niveau", "objet", "code", "motif"],
              "demissions": ["inscriptions", "code", "date", "motif", "confirmer"]}[path.rsplit("/", 1)[1]]
    body = "{" + ", ".join(f'"{f}": "{MB}"' for f in fields) + "}"
    response = _api_post(client, world, "scolarite", path.format(s1=world.s1.pk), body.encode())
    assert response.status_code == 413, response.content[:500]  # 5 MB and a few bytes: past Django's limit
    assert "Requête trop volumineuse : 5 Mo au plus" in response.json()["detail"]
    assert not JuryDecision.objects.exists()


@pytest.mark.parametrize("field,value,message", [
    ("president", "x" * 1024 * 1024, "Président du jury : 1048576 caractères"),
    ("membres", "\n".join(["Mme A"] * 1000), "Membres du jury : 1000 lignes"),
    ("membres", "y" * 300, "Membres du jury : 300 caractères"),
    ("president", "a\x01b", "Président du jury : caractère de contrôle"),  # NUL: refused before (middleware)
    ("date", "9" * 100_000, "Date du jury « 99999999999999999999 » invalide"),
    ("date", "2024-02-30", "Date du jury « 2024-02-30 » invalide"),
])
def test_the_jury_header_of_a_documents_batch_is_bounded_and_named_in_the_error(world, login, documents_dir, field,
                                                                                value, message):
    from django.contrib.messages import get_messages

    start = time.process_time()
    response = login("scolarite").post(f"/documents/semestres/{world.s1.pk}/lots/", {field: value})
    assert time.process_time() - start < CPU_LIMIT
    assert response.status_code == 302 and "/lots/" not in response["Location"]
    assert any(message in str(m) for m in get_messages(response.wsgi_request))


def test_the_pv_with_a_megabyte_president_is_an_error_page_not_seconds_of_rendering(world, login, documents_dir):
    start = time.process_time()
    response = login("scolarite").get(f"/documents/semestres/{world.s1.pk}/pv.pdf", {"president": MB})
    assert time.process_time() - start < 2
    assert 400 <= response.status_code < 500 and "Président du jury : 1048576 caractères" in response.content.decode()


def test_sending_the_results_twice_while_the_first_mailing_waits_in_the_queue_sends_nothing_twice(
        world, login, documents_dir, settings):
    from django.contrib.messages import get_messages

    from delibe.web.mail.models import Mail
    from tests.web.conftest import close_jury, grade_whole_year

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # queued, not sent yet
    grade_whole_year(world, alice_average=12, bruno_average=9)
    close_jury(world, world.s1)
    world.alice.email, world.bruno.email = "alice@etu.example.org", "bruno@etu.example.org"
    world.alice.save()
    world.bruno.save()
    client = login("scolarite")
    first = client.post(f"/courriels/semestres/{world.s1.pk}/envoyer/")
    assert first.status_code == 302 and Mail.objects.count() == 2
    second = client.post(f"/courriels/semestres/{world.s1.pk}/envoyer/")
    assert second.status_code == 302 and Mail.objects.count() == 2
    assert any("envoi est en cours" in str(m) for m in get_messages(second.wsgi_request))


@pytest.mark.parametrize("body", [b'{"student": "\\ud800", "value": "12", "version": 0}',
                                  b'{"student": 1, "value": "\\ud800", "version": 0}',
                                  b'{"student": 1, "value": "12", "version": "\\udfff"}', b"[" * 100_000])
def test_the_grid_answers_a_lone_surrogate_or_a_deep_nesting_with_a_400(world, login, body):
    from delibe.web.models import Grade

    response = login("enseignant").post(f"/evaluations/{world.taught.pk}/note/", data=body,
                                        content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]
    assert not Grade.objects.exists()


def test_sending_the_results_when_no_remaining_student_has_an_address_records_no_mailing(world, login, documents_dir):
    from django.contrib.messages import get_messages

    from delibe.web.mail.models import Mailing
    from tests.web.conftest import close_jury, grade_whole_year

    grade_whole_year(world, alice_average=12, bruno_average=9)
    close_jury(world, world.s1)
    client = login("scolarite")
    for _ in range(2):
        response = client.post(f"/courriels/semestres/{world.s1.pk}/envoyer/")
        assert response.status_code == 302
        assert any("n'a d'adresse électronique" in str(m) for m in get_messages(response.wsgi_request))
    assert not Mailing.objects.exists()


def test_previewing_a_bundled_formation_reads_its_yaml_once_not_three_times(world, login, monkeypatch):
    """The worst request of the pass (3.6 s of CPU): the formation import page read every shipped YAML for
    their titles, then again to find the chosen one, then the preview; the titles come from the loader's
    cache now."""
    from delibe.formations import loader
    from delibe.web.services.formations import bundled_formations

    client = login("admin")
    url = f"/departements/{world.department.pk}/formations/import/"
    slug = bundled_formations()[0][0]
    calls = []
    real = loader.load_formation_text
    monkeypatch.setattr(loader, "load_formation_text", lambda *a, **k: calls.append(1) or real(*a, **k))
    monkeypatch.setattr("delibe.formations.load_formation_text", loader.load_formation_text)
    start = time.process_time()
    response = client.post(url, {"fournie": slug})
    assert response.status_code == 200 and len(calls) == 1
    assert time.process_time() - start < CPU_LIMIT


# --- found by the same pass on PostgreSQL: a NUL character cannot be stored in a text there ---------------

def test_a_form_field_holding_a_nul_character_is_refused_by_name_before_any_view_on_every_database(world, login):
    from delibe.web.assiduite.models import AbsenceRecord

    response = login("scolarite").post(f"/assiduite/semestres/{world.s1.pk}/appel/", {
        "groupe": "A\x00", "module": "R1.01", "date": "2023-10-02", "creneau": "matin", "absent": [world.alice.pk]})
    assert response.status_code == 400
    assert "Le champ « groupe » contient un caractère nul" in response.content.decode()
    assert not AbsenceRecord.objects.exists()


def test_an_address_parameter_holding_a_nul_character_is_refused_with_a_french_400(world, login):
    response = login("scolarite").get("/etudiants/", {"q": "Mar\x00tin"})
    assert response.status_code == 400 and "« q »" in response.content.decode()


@pytest.mark.parametrize("body", [b'{"nom": "a\\u0000b"}', b'{"a\\u0000": 1}', b'[["x", "\\u0000"]]'])
def test_the_api_refuses_a_nul_character_in_json_with_a_french_400(world, client, body):
    from delibe.web.models import Student

    before = Student.objects.count()
    response = _api_post(client, world, "admin", "/api/v1/etudiants", body)
    assert response.status_code == 400 and "Corps de la requête illisible" in response.json()["detail"]
    assert Student.objects.count() == before

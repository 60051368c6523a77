"""The jury's pages and API reads of a sample year say, byte for byte, what they said before the work on
their speed (issue 19, item 7: floats deciding far from the bars, the remembered deliberations, the
collector's threshold). The sample mixes what takes each path of the computation: students well above
and below the bars, one within the tolerance of 10 (exact arithmetic), one with a grade pending, one who
left, one with a jury decision. The golden files were written by the code before that work, then once
more when the sample became storable on PostgreSQL (two evaluations a module, ids named by what they
are): each difference was read (``pytest --update-goldens`` writes them again: only when a change of
content is intended). SQLite and PostgreSQL write the same pages."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "pages"


def _sample(world) -> None:
    from delibe.web.models import Enrolment, Evaluation, Grade, Student
    from delibe.web.services.formations import formation_model
    from delibe.web.services.groupes import place

    formation = formation_model(world.version)
    averages = {"Charlie": "9.995", "Delta": "8.5", "Echo": "15", "Foxtrot": "11", "Golf": "7", "Hotel": "10"}
    students = {}
    for i, nom in enumerate(averages):
        s = Student.objects.create(department=world.department, formation=world.version, parcours="Créa",
                                   nip=f"30{i:02d}", nom=nom, prenom="Test")
        for run in (world.s1, world.s2):
            place(Enrolment.objects.create(student=s, semester=run, parcours="Créa"), "B")
        students[nom] = s
    Evaluation.objects.filter(semester__in=[world.s1, world.s2]).delete()
    grades = []
    for run in (world.s1, world.s2):
        for k, module in enumerate(formation.modules_of(run.semestre, "Créa")):
            # Two evaluations of equal weight in each module: 9.99 and 10.00 give Charlie the 9.995 a grade
            # of two decimals cannot hold (PostgreSQL rounds what SQLite keeps).
            for titre in ("Unique", "Seconde"):
                e = Evaluation.objects.create(semester=run, module_code=module.code, titre=titre, note_max=20)
                grades.append(Grade(evaluation=e, student=world.alice, value=Decimal(12)))
                grades.append(Grade(evaluation=e, student=world.bruno, value=Decimal(str(6 + k % 9))))
                for nom, value in averages.items():
                    if nom == "Golf" and run == world.s2 and k == 0 and titre == "Unique":
                        grades.append(Grade(evaluation=e, student=students[nom], special="ATT"))
                    elif nom == "Charlie":
                        grades.append(Grade(evaluation=e, student=students[nom],
                                            value=Decimal("9.99" if titre == "Unique" else "10.00")))
                    else:
                        grades.append(Grade(evaluation=e, student=students[nom], value=Decimal(value)))
    Grade.objects.bulk_create(grades)
    Enrolment.objects.filter(student=students["Hotel"], semester=world.s2).update(etat="DEM", etat_le=dt.date(2024, 3, 4))
    from delibe.web.services.jury import record_decision

    record_decision(user=world.users["president"], run=world.s2, student=students["Delta"], level="annee",
                    key="BUT1", code="PASD", reason="Progression régulière, avis favorable de l'équipe")


def _normalised(text: str) -> str:
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', text)
    text = re.sub(r'nonce="[^"]+"', 'nonce=""', text)
    return re.sub(r"/(etudiants|semestres|jury/etudiants)/\d+/", r"/\1/N/", text)


def _pages(world) -> dict[str, str]:
    from django.test import Client

    from delibe.api.tokens import create_token
    from delibe.web.models import Student

    from .conftest import PASSWORD

    client = Client()
    assert client.login(username="scolarite", password=PASSWORD)
    _, token = create_token(username="scolarite", name="golden")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    s2, delta = world.s2.pk, Student.objects.get(nom="Delta").pk
    out = {}
    for name, url in (("jury-s2.html", f"/semestres/{s2}/jury/"), ("jury-s1.html", f"/semestres/{world.s1.pk}/jury/"),
                      ("recapitulatif-s2.html", f"/semestres/{s2}/recapitulatif/"),
                      ("statistiques-s2.html", f"/semestres/{s2}/statistiques/"),
                      ("decisions-delta.html", f"/semestres/{s2}/jury/etudiants/{delta}/")):
        response = client.get(url)
        assert response.status_code == 200, url
        out[name] = _normalised(response.content.decode())
    for name, url in (("api-jury-s2.json", f"/api/v1/semestres/{s2}/jury"),
                      ("api-jury-s2-sans-motifs.json", f"/api/v1/semestres/{s2}/jury?motifs=false"),
                      ("api-checklist-s2.json", f"/api/v1/semestres/{s2}/jury/checklist")):
        response = client.get(url, **bearer)
        assert response.status_code == 200, url
        # the JSON's content and order, not its spaces (pydantic writes some answers without them)
        out[name] = _normalised(json.dumps(response.json(), ensure_ascii=False))
    return out


# Where the pages and API reads carry a database id, and whose id it is.
_ID_PLACES = (
    ("student", r'(id="(?:jury|recap)-)(\d+)(")'), ("student", r'(href="#jury-)(\d+)(")'),
    ("student", r'("etudiant": )(\d+)()'), ("student", r'("etudiant": \{"id": )(\d+)()'),
    ("student", r'("cle": "(?:sans-decision|ecart)-)(\d+)([-"])'),
    ("evaluation", r'("cle": "(?:evaluation|attente)-)(\d+)(")'),
    ("semester", r'("semestre": )(\d+)()'),
    ("evaluation", r'("evaluation": )(\d+)()'), ("evaluation", r'(/evaluations/)(\d+)(/)'),
    ("group", r'(<option value=")(\d+)(">)'), ("department", r'(/departements/)(\d+)(/)'),
)


def _ids_free(text: str, world) -> str:
    """Database ids differ between runs (PostgreSQL's sequences are not rolled back with the tests): each id
    is replaced by what it names, only where the pages carry an id — never a number that happens to be equal."""
    from delibe.web.models import Evaluation, Groupe, Student

    names = {
        "student": {s.pk: s.nom for s in Student.objects.filter(department=world.department)},
        "semester": {run.pk: f"S{run.semestre}" for run in (world.s1, world.s2)},
        "evaluation": {e.pk: f"{e.module_code} {e.titre}"
                       for e in Evaluation.objects.filter(semester__in=[world.s1, world.s2])},
        "group": {g.pk: g.label for g in Groupe.objects.all()},
        "department": {world.department.pk: world.department.code},
    }
    for kind, place in _ID_PLACES:
        text = re.sub(place, lambda m, kind=kind: f"{m[1]}<{kind} {names[kind].get(int(m[2]), '?')}>{m[3]}", text)
    # the runs a year jury covers: a list of ids
    return re.sub(r'("semestres": \[)([\d, ]*)(\])', lambda m: m[1] + ", ".join(
        f"<semester {names['semester'].get(int(pk), '?')}>" for pk in m[2].split(", ") if pk) + m[3], text)


def test_the_jury_pages_of_a_sample_year_say_what_they_said_before(world, golden):
    from delibe.web.services import calcul

    _sample(world)
    for cache in ("_deliberation_cache", "_outcome_cache"):  # (the first did not exist before that work)
        getattr(calcul, cache, {}).clear()
    cold = {k: _ids_free(v, world) for k, v in _pages(world).items()}
    warm = {k: _ids_free(v, world) for k, v in _pages(world).items()}  # remembered deliberations: the same
    assert warm == cold
    for name, text in cold.items():
        golden(GOLDEN / name, text)
